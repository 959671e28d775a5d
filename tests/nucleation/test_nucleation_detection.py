"""Acceptance: rock-salt nanocrystals in a random Na+/F- liquid are found, oriented and faceted.

Issue 5 criteria: crystal recall >= 0.98 at 0.1 Å jitter and >= 0.9 at 0.2 Å; no
false crystalline cluster larger than 3 ions without a crystal; facet area
fractions within 0.05 of the construction's exact fractions; orientation within 1°.
The exact fractions are analytic (naf_crystals.exact_fractions) and equal the hull of
the unjittered crystal (test_nucleation_facets.py checks that).
"""

import numpy as np
import pytest
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import breadth_first_order

from naf_crystals import crystal, embedded, random_liquid, random_rotation
from seinet.frame import Frame
from seinet.nucleation import NucleationSettings, detect_frame, misorientation_deg

SHAPES = {"cube": dict(n=5), "octahedron": dict(m=10), "truncated_cube": dict(n=6, m=13)}
SEEDS = (0, 1, 2)


def build(shape, jitter, seed, keep_sites_free=False):
    rot = random_rotation(seed + 17)
    probe = crystal(shape, rotation=rot, **SHAPES[shape])
    box = np.ptp(probe.positions, axis=0).max() + 20.0
    c = crystal(shape, rotation=rot, center=(box / 2,) * 3, jitter=jitter, seed=seed, **SHAPES[shape])
    return embedded([c], [box] * 3, seed=seed + 100, keep_sites_free=keep_sites_free), c


def crystalline_atoms(system, res):
    mask = np.zeros(system.frame.n_atoms, dtype=bool)
    mask[res.ions[res.crystalline]] = True
    return mask


@pytest.fixture(scope="module")
def detections():
    """(shape, jitter, seed, sites free) -> (system, crystal, result)."""
    out = {}
    for shape in SHAPES:
        for jitter in (0.1, 0.2):
            for seed in SEEDS:
                for free in (False, True):
                    system, c = build(shape, jitter, seed, free)
                    out[shape, jitter, seed, free] = system, c, detect_frame(system.frame)
    return out


@pytest.mark.slow
@pytest.mark.parametrize("shape", sorted(SHAPES))
@pytest.mark.parametrize("jitter,min_recall", [(0.1, 0.98), (0.2, 0.90)])
def test_recall(detections, shape, jitter, min_recall):
    for seed in SEEDS:
        for free in (False, True):
            system, _, res = detections[shape, jitter, seed, free]
            found = crystalline_atoms(system, res)
            recall = found[system.crystal_mask].mean()
            assert recall >= min_recall, (shape, jitter, seed, free, recall)
            # the crystal is one nucleus, and it is the largest
            nucleus = res.nuclei[0]
            assert np.isin(nucleus.atoms, np.flatnonzero(system.crystal_mask)).mean() > 0.98


@pytest.mark.slow
@pytest.mark.parametrize("shape", sorted(SHAPES))
@pytest.mark.parametrize("jitter", [0.1, 0.2])
def test_orientation_within_one_degree(detections, shape, jitter):
    for seed in SEEDS:
        _, c, res = detections[shape, jitter, seed, False]
        assert misorientation_deg(c.rotation, res.nuclei[0].rotation) < 1.0


@pytest.mark.slow
@pytest.mark.parametrize("shape", sorted(SHAPES))
@pytest.mark.parametrize("jitter", [0.1, 0.2])
def test_facet_fractions(detections, shape, jitter):
    """Against the exact fractions, with the liquid kept off the empty lattice sites next to the crystal.

    A random ion that lands on such a site is an adatom that really continues the
    lattice, so the structure is no longer the construction (docs/nucleation.md
    gives the numbers with an unrestricted liquid).
    """
    for seed in SEEDS:
        _, c, res = detections[shape, jitter, seed, True]
        got = res.nuclei[0].facets.family_fractions()
        for family, exact in c.fractions.items():
            assert abs(got[family] - exact) <= 0.05, (shape, jitter, seed, family, got, c.fractions)
        assert abs(sum(got.values()) - 1) < 1e-9


def alternating_liquid(seed, box=50.0, density=0.04):
    """Random positions, species by two-colouring the close-contact graph (charge-ordered liquid)."""
    cell = np.eye(3) * box
    pos = random_liquid(cell, int(density * box ** 3), seed, 2.0)
    from seinet.bonds.neighbors import neighbor_pairs
    i, j, _ = neighbor_pairs(pos, cell, np.zeros(len(pos), np.int64), np.array([[3.0]]))
    n = len(pos)
    graph = coo_matrix((np.ones(len(i)), (i, j)), shape=(n, n)).tocsr()
    colour = np.full(n, -1)
    for start in range(n):
        if colour[start] >= 0:
            continue
        order, pred = breadth_first_order(graph, start, directed=False)
        colour[start] = 0
        for v in order[1:]:
            colour[v] = 1 - colour[pred[v]]
    return Frame(index=0, symbols=np.where(colour == 0, "Na", "F"), positions=pos, cell=cell)


@pytest.mark.parametrize("seed", range(5))
def test_no_false_nuclei_in_liquid(seed):
    for frame in (embedded([], [50, 50, 50], seed=seed).frame, alternating_liquid(seed)):
        res = detect_frame(frame)
        assert res.crystals.n == 0 or res.crystals.sizes[0] <= 3, res.crystals.sizes[:5]
        assert res.summary()["n_nuclei"] == 0


def test_crystal_cut_by_the_box_boundary():
    rot = random_rotation(5)
    box = 44.0
    c = crystal("truncated_cube", n=5, m=11, rotation=rot, center=(1.0, 2.0, box - 1.5), jitter=0.1, seed=5)
    system = embedded([c], [box] * 3, seed=9, keep_sites_free=True)
    assert (system.frame.positions[system.crystal_mask] < 3).any() and (system.frame.positions > box - 3).any()
    res = detect_frame(system.frame)
    found = crystalline_atoms(system, res)
    assert found[system.crystal_mask].mean() >= 0.98
    nucleus = res.nuclei[0]
    assert nucleus.size >= 0.98 * system.crystal_mask.sum()
    d = (nucleus.centroid - np.array([1.0, 2.0, box - 1.5])) / box
    assert np.all(np.abs(d - np.round(d)) * box < 0.3)
    assert 0 <= nucleus.centroid.min() and nucleus.centroid.max() < box
    assert np.ptp(nucleus.positions, axis=0).max() < np.ptp(c.positions, axis=0).max() + 1  # one piece
    assert misorientation_deg(rot, nucleus.rotation) < 1.0
    for family, value in nucleus.facets.family_fractions().items():
        assert abs(value - c.fractions[family]) < 0.05


def test_triclinic_cell():
    cell = np.array([[46.0, 0.0, 0.0], [12.0, 44.0, 0.0], [-8.0, 9.0, 42.0]])
    rot = random_rotation(8)
    corner = 0.05 * cell.sum(axis=0)  # near the origin: the crystal wraps across three faces
    c = crystal("cube", n=4, rotation=rot, center=corner, jitter=0.1, seed=8)
    system = embedded([c], cell, seed=4, keep_sites_free=True)
    res = detect_frame(system.frame)
    found = crystalline_atoms(system, res)
    assert found[system.crystal_mask].mean() >= 0.98
    nucleus = res.nuclei[0]
    frac = (nucleus.centroid - corner) @ np.linalg.inv(cell)
    assert np.linalg.norm((frac - np.round(frac)) @ cell) < 0.3
    assert misorientation_deg(rot, nucleus.rotation) < 1.0
    assert nucleus.facets.family_fractions()["{100}"] > 0.95


def test_settings_change_the_result():
    system, c = build("cube", 0.1, 0, True)
    strict = detect_frame(system.frame, NucleationSettings(solid_threshold=6, growth_min_neighbors=0))
    default = detect_frame(system.frame)
    assert strict.crystalline.sum() < default.crystalline.sum()
