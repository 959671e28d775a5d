"""Orientation (Kabsch on bond directions), cubic misorientation and hull facets of ideal crystals."""

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from naf_crystals import crystal, exact_fractions, random_rotation, rocksalt_sites
from seinet.nucleation import (FAMILIES, canonical_orientation, classify_normals, cubic_rotations, ion_shells,
                               lattice_orientation, misorientation_deg, nucleus_facets, rotation_to_quaternion)


def test_cubic_group():
    g = cubic_rotations()
    assert g.shape == (24, 3, 3)
    assert len({tuple(m.ravel()) for m in g.astype(int)}) == 24
    assert np.allclose(np.linalg.det(g), 1)


def test_misorientation():
    r = random_rotation(2)
    for s in cubic_rotations():
        assert misorientation_deg(r, r @ s) < 1e-5
    about_z = Rotation.from_euler("z", 10, degrees=True).as_matrix()
    assert np.isclose(misorientation_deg(r, r @ about_z), 10.0)
    assert np.isclose(misorientation_deg(np.eye(3), Rotation.from_euler("z", 50, degrees=True).as_matrix()), 40.0)
    # largest possible cubic misorientation is 62.8 deg
    rng = np.random.default_rng(0)
    angles = [misorientation_deg(random_rotation(k), random_rotation(k + 100)) for k in rng.integers(0, 999, 50)]
    assert max(angles) <= 62.8


def test_canonical_orientation_and_quaternion():
    r = random_rotation(7)
    canon = canonical_orientation(r)
    assert misorientation_deg(r, canon) < 1e-6
    for s in cubic_rotations():
        assert np.allclose(canonical_orientation(r @ s), canon)
    q = rotation_to_quaternion(canon)
    assert q[0] >= 0 and np.isclose(np.linalg.norm(q), 1)
    assert np.allclose(Rotation.from_quat(q[[1, 2, 3, 0]]).as_matrix(), canon)


@pytest.mark.parametrize("noise_deg", [0.0, 8.0])
def test_orientation_from_noisy_bonds(noise_deg):
    rng = np.random.default_rng(1)
    rot = random_rotation(11)
    axes = np.vstack([np.eye(3), -np.eye(3)])[rng.integers(0, 6, 3000)]  # ~ a 1000-ion nucleus
    bonds = axes + rng.normal(0, np.radians(noise_deg), axes.shape)
    found, spread = lattice_orientation(bonds @ rot.T * 2.31)
    assert misorientation_deg(rot, found) < 1.0
    assert spread == pytest.approx(noise_deg * np.sqrt(2), rel=0.2, abs=1e-6)


def test_orientation_undefined():
    rot, spread = lattice_orientation(np.array([[1.0, 0, 0]]))
    assert np.isnan(rot).all() and np.isnan(spread)


def test_classify_normals_windows():
    dirs = np.array([[1, 0, 0], [1, 1, 0], [1, 1, 1], [1, 0.25, 0], [3, 2, 1]], dtype=float)
    dirs /= np.linalg.norm(dirs, axis=1)[:, None]
    _, family, angle = classify_normals(dirs, np.eye(3), 15.0)
    assert [FAMILIES[k] for k in family] == ["{100}", "{110}", "{111}", "{100}", "other"]
    assert angle[3] == pytest.approx(np.degrees(np.arctan(0.25)))
    _, family, _ = classify_normals(dirs[3:4], np.eye(3), 14.0)
    assert FAMILIES[family[0]] == "other"


@pytest.mark.parametrize("shape,kw", [("cube", dict(n=4)), ("octahedron", dict(m=8)), ("octahedron", dict(m=12)),
                                      ("truncated_cube", dict(n=6, m=13)), ("truncated_cube", dict(n=5, m=11)),
                                      ("truncated_cube", dict(n=4, m=9))])
def test_exact_fractions_equal_hull_of_ideal_crystal(shape, kw):
    """The analytic fractions (naf_crystals.exact_fractions) are those of the unjittered hull."""
    rot = random_rotation(3)
    c = crystal(shape, rotation=rot, **kw)
    facets = nucleus_facets(c.positions, rot, absorb_deg=0.0)
    got = facets.family_fractions()
    for family in FAMILIES:
        assert got[family] == pytest.approx(exact_fractions(shape, **kw)[family], abs=1e-9)
    expected_faces = {"cube": (6, 0, 8 * 0), "octahedron": (6, 12, 8), "truncated_cube": (6, 0, 8)}[shape]
    counts = facets.family_counts()
    assert (counts["{100}"], counts["{110}"], counts["{111}"]) == expected_faces
    assert counts["other"] == 0


def test_surface_ions_of_a_cube():
    n = 4
    c = crystal("cube", n=n)
    shells = ion_shells(c.positions + 30, np.eye(3) * 60, c.symbols == "Na", 2.95)
    surface = shells.coordination < 6
    facets = nucleus_facets(c.positions, np.eye(3), surface=surface)
    assert facets.surface.sum() == (2 * n + 1) ** 3 - (2 * n - 1) ** 3
    sites = rocksalt_sites("cube", n=n)
    # a face-centre ion belongs to the facet whose normal is its cube axis
    for axis in range(3):
        k = np.flatnonzero((sites[:, axis] == n) & (np.abs(sites).sum(axis=1) == n))[0]
        assert np.allclose(facets.normals[facets.ion_facet[k]], np.eye(3)[axis])
    assert np.all(facets.ion_family()[facets.surface] == 0)
    assert np.all(facets.ion_facet[~facets.surface] == -1)


def test_degenerate_hull():
    assert nucleus_facets(np.zeros((3, 3)), np.eye(3)) is None
    flat = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [1, 1, 0]], dtype=float)
    assert nucleus_facets(flat, np.eye(3)) is None
    assert nucleus_facets(np.random.default_rng(0).random((10, 3)), np.full((3, 3), np.nan)) is None


def test_adatom_pyramid_is_absorbed():
    """One ion on a lattice site above a {111} face turns it into a low pyramid; absorption keeps it {111}."""
    kw = dict(n=6, m=13)
    sites = rocksalt_sites("truncated_cube", **kw)
    ad = np.array([[5, 5, 4]])  # above the middle of the (111) face i+j+k = 13, bonded to three face ions
    assert ad.sum() == 14
    pos = np.vstack([sites, ad]) * 2.31
    plain = nucleus_facets(pos, np.eye(3), absorb_deg=0.0).family_fractions()
    absorbed = nucleus_facets(pos, np.eye(3)).family_fractions()
    exact = exact_fractions("truncated_cube", **kw)
    assert abs(plain["{111}"] - exact["{111}"]) > 0.01
    assert abs(absorbed["{111}"] - exact["{111}"]) < 0.01
    masked = nucleus_facets(pos, np.eye(3), hull_mask=np.arange(len(pos)) < len(sites))
    assert masked.family_fractions()["{111}"] == pytest.approx(exact["{111}"], abs=1e-9)
    assert masked.surface[-1] and masked.ion_facet[-1] >= 0
