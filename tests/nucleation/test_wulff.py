"""Wulff / Winterbottom shapes of NaF and the facet-agreement score."""

import importlib.util
import json
import sys

import numpy as np
import pandas as pd
import pytest

from seinet.nucleation.wulff import (
    FRACTION_FAMILIES,
    WulffError,
    cube_octahedron_fractions,
    facet_agreement,
    family_label,
    family_normals,
    halfspace_wulff_fractions,
    random_wulff_fractions,
    tv_similarity,
    winterbottom_shape,
    wulff_shape,
)

needs_wulffpack = pytest.mark.skipif(importlib.util.find_spec("wulffpack") is None,
                                     reason="wulffpack is not installed")

ISOTROPIC = {"100": 0.27953650740, "110": 0.44092698520, "111": 0.27953650740}


def test_family_labels_and_normals():
    assert family_label((0, 0, 1)) == "100"
    assert family_label((0, -2, 0)) == "100"
    assert family_label((1, 0, -1)) == "110"
    assert family_label((-1, 1, 1)) == "111"
    assert family_label((2, 1, 0)) == "other"
    with pytest.raises(WulffError):
        family_label((0, 0, 0))
    assert [len(family_normals(f)) for f in ("100", "110", "111")] == [6, 12, 8]


@pytest.mark.parametrize("ratio, expected", [
    (2.0, {"100": 1.0, "111": 0.0}),          # cube (s >= 3)
    (0.5, {"100": 0.0, "111": 1.0}),          # octahedron (s <= 1)
    (2 / np.sqrt(3), {"100": 0.4, "111": 0.6}),  # cuboctahedron (d = 1): 12 / (12 + 4 sqrt 3 * ...)
])
def test_closed_form_limits(ratio, expected):
    fr = cube_octahedron_fractions(1.0, ratio)
    if ratio == 2 / np.sqrt(3):
        # cuboctahedron: six squares of area 2 and eight triangles of area sqrt(3)/2
        expected = {"100": 12 / (12 + 4 * np.sqrt(3)), "111": 4 * np.sqrt(3) / (12 + 4 * np.sqrt(3))}
    for k, v in expected.items():
        assert fr[k] == pytest.approx(v, abs=1e-12)


@pytest.mark.parametrize("ratio", [0.6, 0.75, 0.9, 1.0, 1.1, 1.3, 1.6, 1.8])
def test_halfspace_matches_closed_form(ratio):
    exact = cube_octahedron_fractions(1.0, ratio)
    hs = halfspace_wulff_fractions({"100": 1.0, "111": ratio})
    for fam in ("100", "111"):
        assert hs.get(fam, 0.0) == pytest.approx(exact[fam], abs=1e-9)


def test_halfspace_isotropic_and_rhombic_dodecahedron():
    hs = halfspace_wulff_fractions({"100": 1.0, "110": 1.0, "111": 1.0})
    for k, v in ISOTROPIC.items():
        assert hs[k] == pytest.approx(v, abs=1e-9)
    assert halfspace_wulff_fractions({"100": 5.0, "110": 1.0, "111": 5.0}) == {"110": pytest.approx(1.0)}


# ------------------------------------------------------------------------------ wulffpack
@needs_wulffpack
def test_wulffpack_cube_and_octahedron():
    cube = wulff_shape({(1, 0, 0): 0.2, (1, 1, 0): 0.5, (1, 1, 1): 2.0})
    assert cube.facet_fractions["100"] == pytest.approx(1.0, abs=1e-9)
    octa = wulff_shape({(1, 0, 0): 2.0, (1, 1, 0): 2.0, (1, 1, 1): 0.3})
    assert octa.facet_fractions["111"] == pytest.approx(1.0, abs=1e-9)
    # volume: n formula units of a^3 / 4 each
    assert cube.volume_A3 == pytest.approx(500 * 4.63**3 / 4, rel=1e-9)
    assert octa.volume_A3 == pytest.approx(cube.volume_A3, rel=1e-9)
    # a cube of that volume: side L, area 6 L^2
    side = cube.volume_A3 ** (1 / 3)
    assert cube.area_A2 == pytest.approx(6 * side**2, rel=1e-6)
    assert cube.surface_energy_eV == pytest.approx(0.2 * cube.area_A2 / 16.021766, rel=1e-6)


@needs_wulffpack
@pytest.mark.parametrize("energies", [
    {"100": 1.0, "110": 10.0, "111": 0.8},
    {"100": 1.0, "110": 10.0, "111": 1.2},
    {"100": 1.0, "110": 1.0, "111": 1.0},
    {"100": 0.2, "110": 0.4, "111": 0.3},
    {"100": 1.0, "110": 0.8, "111": 1.0},
])
def test_wulffpack_matches_independent_construction(energies):
    wp = wulff_shape(energies, keep_shape=False)
    hs = halfspace_wulff_fractions(energies)
    for fam in ("100", "110", "111"):
        assert wp.facet_fractions.get(fam, 0.0) == pytest.approx(hs.get(fam, 0.0), abs=1e-6)


@needs_wulffpack
def test_wulffpack_matches_pymatgen_if_available():
    pytest.importorskip("pymatgen", reason="pymatgen is not installed")
    from pymatgen.analysis.wulff import WulffShape
    from pymatgen.core import Lattice

    energies = {"100": 0.3, "110": 0.45, "111": 0.4}
    ws = WulffShape(Lattice.cubic(4.63), [(1, 0, 0), (1, 1, 0), (1, 1, 1)], list(energies.values()))
    pmg = {"".join(str(abs(i)) for i in k): v for k, v in ws.area_fraction_dict.items()}
    ours = wulff_shape(energies, keep_shape=False).facet_fractions
    for fam in energies:
        assert ours.get(fam, 0.0) == pytest.approx(pmg.get(fam, 0.0), abs=1e-4)


@needs_wulffpack
def test_winterbottom_on_metal():
    energies = {"100": 0.2, "110": 0.4, "111": 0.5}
    free = wulff_shape(energies)
    half = winterbottom_shape(energies, interface_energy=0.0)  # half a cube
    assert half.kind == "winterbottom"
    assert half.facet_fractions == {"100": pytest.approx(1.0)}
    # half a cube of side L: top L x L, four sides L x L/2 (free: 3 L^2), contact face L x L
    assert half.interface_fraction == pytest.approx(1 / 4, rel=1e-6)
    hull = half.hull_fractions()
    assert hull == {"100": pytest.approx(1.0)}
    wet = winterbottom_shape(energies, interface_energy=-0.15)
    assert wet.interface_fraction > half.interface_fraction  # stronger adhesion: flatter nucleus
    assert wet.volume_A3 == pytest.approx(free.volume_A3, rel=1e-9)
    d = wet.to_dict()
    json.dumps(d)
    assert d["interface_miller"] == [1, 0, 0]
    with pytest.raises(WulffError):
        winterbottom_shape(energies, interface_energy=0.25)


def test_missing_wulffpack_gives_install_hint(monkeypatch):
    monkeypatch.setitem(sys.modules, "wulffpack", None)
    with pytest.raises(ImportError, match="pip install wulffpack"):
        wulff_shape({"100": 1.0})


def test_bad_energies():
    with pytest.raises(WulffError):
        wulff_shape({"100": -1.0})
    with pytest.raises(WulffError):
        wulff_shape({(1, 0, 0): 1.0, (0, 0, 1): 1.0})
    with pytest.raises(WulffError):
        wulff_shape({(2, 1, 0): 1.0})


# ------------------------------------------------------------------------------ agreement
@needs_wulffpack
def test_agreement_identical_and_null():
    cube = wulff_shape({"100": 0.2, "110": 0.5, "111": 0.5})
    rng = np.random.default_rng(1)
    obs = np.column_stack([np.ones(20), np.zeros(20), np.zeros(20), np.zeros(20)])
    res = facet_agreement(obs, cube, n_boot=200, n_random=50, seed=3)
    assert res.score == pytest.approx(1.0)
    assert res.skill == pytest.approx(1.0)
    assert res.null_score == pytest.approx(ISOTROPIC["100"], abs=1e-9)
    assert res.random_rank <= 1.0
    json.dumps(res.to_dict())

    # observations shaped like the null: skill 0, score equals the null's overlap with a cube
    iso = np.tile([ISOTROPIC["100"], ISOTROPIC["110"], ISOTROPIC["111"], 0.0], (10, 1))
    res0 = facet_agreement(iso, cube, n_boot=100, n_random=0)
    assert res0.null_score == pytest.approx(1.0)
    assert res0.skill == -np.inf
    assert res0.random_rank is None

    # noisy cubes: score below 1, interval contains the point estimate, reproducible
    noisy = np.abs(obs + rng.normal(0, 0.1, obs.shape))
    a = facet_agreement(noisy, cube, n_boot=300, n_random=20, seed=7)
    b = facet_agreement(noisy, cube, n_boot=300, n_random=20, seed=7)
    assert a == b
    assert a.score_ci[0] <= a.score <= a.score_ci[1]
    assert a.skill_ci[0] > 0.0
    assert a.per_unit_score <= a.score + 1e-12


def test_agreement_reads_tables_groups_and_other():
    cube = {"100": 1.0}
    table = pd.DataFrame({"nucleus": [0, 0, 1, 1], "fraction_100": [0.8, 0.7, 0.9, 0.6],
                          "fraction_110": [0.1, 0.1, 0.0, 0.2], "fraction_111": [0.0, 0.1, 0.1, 0.1],
                          "fraction_other": [0.1, 0.1, 0.0, 0.1]})
    res = facet_agreement(table, cube, groups=table["nucleus"], n_boot=200, n_random=0)
    assert res.n_units == 4 and res.n_groups == 2
    assert res.observed_mean["other"] == pytest.approx(0.075)
    # 'other' area is disagreement: score = mean fraction on {100}
    assert res.score == pytest.approx(0.75)
    weighted = facet_agreement(table, cube, weights=[1, 1, 2, 0], n_boot=0, n_random=0)
    assert weighted.observed_mean["100"] == pytest.approx((0.8 + 0.7 + 1.8) / 4)
    with pytest.raises(WulffError):
        facet_agreement(pd.DataFrame({"x": [1.0]}), cube)


def test_tv_similarity_and_random_null():
    assert tv_similarity([1, 0, 0, 0], [0, 1, 0, 0]) == 0.0
    assert tv_similarity([0.5, 0.5, 0, 0], [0.5, 0.25, 0.25, 0]) == pytest.approx(0.75)
    rand = random_wulff_fractions(20, seed=4)
    assert rand.shape == (20, len(FRACTION_FAMILIES))
    np.testing.assert_allclose(rand.sum(axis=1), 1.0)
    np.testing.assert_array_equal(rand, random_wulff_fractions(20, seed=4))


def test_agreement_reads_the_long_facets_table():
    # the nucleation analysis writes one row per frame, nucleus and family ("{100}" labels)
    rows = []
    for frame, nid, fr in [(0, 1, (0.9, 0.1, 0.0, 0.0)), (0, 2, (0.5, 0.0, 0.5, 0.0)),
                           (1, 1, (1.0, 0.0, 0.0, 0.0)), (1, 2, (np.nan,) * 4)]:
        for fam, f in zip(("{100}", "{110}", "{111}", "other"), fr):
            rows.append((frame, 0.5 * frame, nid, fam, 1, 100.0 * (0 if np.isnan(f) else f), f))
    facets = pd.DataFrame(rows, columns=["frame", "time_ps", "nucleus_id", "family", "n_facets", "area_A2",
                                         "fraction"])
    from seinet.nucleation.wulff import facet_fraction_table

    wide = facet_fraction_table(facets)
    assert list(wide.columns) == ["frame", "nucleus_id", "time_ps", "area_A2", "fraction_100", "fraction_110",
                                  "fraction_111", "fraction_other"]
    assert len(wide) == 4 and wide["fraction_100"].isna().sum() == 1
    res = facet_agreement(facets, {"100": 1.0}, n_boot=50, n_random=0)
    assert res.n_units == 3 and res.n_groups == 2  # the empty hull is dropped; nuclei are the groups
    assert res.score == pytest.approx((0.9 + 0.5 + 1.0) / 3)
    by_area = facet_agreement(wide, {"100": 1.0}, weights="area_A2", groups="nucleus_id", n_boot=0, n_random=0)
    assert by_area.score == pytest.approx((0.9 + 0.5 + 1.0) / 3)
