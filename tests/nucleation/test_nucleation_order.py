"""Steinhardt q_l, solid-like bonds and surface growth on rock salt of known structure."""

import numpy as np
import pytest

from naf_crystals import crystal, embedded, random_rotation, rocksalt_sites
from seinet.errors import ConfigError
from seinet.nucleation import (crystalline_ions, growth_depth, ion_shells, pair_vectors, solid_bonds, steinhardt_ql,
                               steinhardt_qlm)

A = 4.62


def bulk_rocksalt(reps: int = 4, rotation=None):
    """Periodic rock salt: reps^3 conventional cells, optionally rotated with its cell."""
    g = np.arange(2 * reps)
    sites = np.stack(np.meshgrid(g, g, g, indexing="ij"), -1).reshape(-1, 3)
    rot = np.eye(3) if rotation is None else rotation
    pos = sites * A / 2 @ rot.T
    cell = np.eye(3) * reps * A @ rot.T
    return pos, cell, sites.sum(axis=1) % 2 == 0


@pytest.mark.parametrize("rotation", [None, random_rotation(4)])
def test_perfect_rocksalt_q4_q6(rotation):
    pos, cell, is_na = bulk_rocksalt(rotation=rotation)
    shells = ion_shells(pos, cell, is_na, 2.95)
    assert np.all(shells.coordination == 6)
    assert np.allclose(np.linalg.norm(shells.vectors, axis=1), A / 2)
    q4 = steinhardt_ql(steinhardt_qlm(shells, 4))
    q6 = steinhardt_ql(steinhardt_qlm(shells, 6))
    assert np.allclose(q4, 0.7638, atol=1e-4)  # octahedron: sqrt(7/12)
    assert np.allclose(q6, 0.3536, atol=1e-4)  # octahedron: sqrt(1/8)
    s, solid = solid_bonds(shells, steinhardt_qlm(shells, 4))
    assert np.allclose(s, 1.0) and solid.all()
    assert crystalline_ions(shells, solid).all()


def test_half_octahedron_has_octahedral_q4():
    # even l: Y_lm(-r) = Y_lm(r), so a cube corner (+x, +y, +z) looks like the full octahedron
    pos = np.array([[0, 0, 0], [2.31, 0, 0], [0, 2.31, 0], [0, 0, 2.31]]) + 10
    shells = ion_shells(pos, np.eye(3) * 30, np.array([True, False, False, False]), 2.95)
    assert np.isclose(steinhardt_ql(steinhardt_qlm(shells, 4))[0], 0.7638, atol=1e-4)


def test_isolated_cube_corners_and_edges_join_by_growth():
    c = crystal("cube", n=3)
    cell = np.eye(3) * 60
    is_na = c.symbols == "Na"
    shells = ion_shells(c.positions + 30, cell, is_na, 2.95)
    s, solid = solid_bonds(shells, steinhardt_qlm(shells))
    seeds = crystalline_ions(shells, solid)
    depth = growth_depth(shells, seeds)
    sites = rocksalt_sites("cube", n=3)
    corner = np.all(np.abs(sites) == 3, axis=1)
    assert not seeds[corner].any()  # three bonds: never four solid ones
    assert np.all(depth[corner] == 1)  # ... but sit on three crystalline edge ions
    assert np.all(depth >= 0)
    assert np.all(growth_depth(shells, seeds, min_neighbors=0)[corner] == -1)


def test_growth_is_a_closure_independent_of_order():
    c = crystal("octahedron", m=6, jitter=0.15, seed=3)
    shells = ion_shells(c.positions + 30, np.eye(3) * 60, c.symbols == "Na", 2.95)
    _, solid = solid_bonds(shells, steinhardt_qlm(shells))
    seeds = crystalline_ions(shells, solid)
    grown = growth_depth(shells, seeds) >= 0
    # one ion at a time, lowest index first
    one = seeds.copy()
    while True:
        count = np.bincount(shells.i, one[shells.j], len(one)) + np.bincount(shells.j, one[shells.i], len(one))
        cand = np.flatnonzero(~one & (count >= 3))
        if not len(cand):
            break
        one[cand[0]] = True
    assert np.array_equal(one, grown)


def test_pair_vectors_skewed_triclinic_cell():
    rng = np.random.default_rng(0)
    cell = np.array([[10.0, 0, 0], [8.5, 9.0, 0], [7.0, 6.0, 8.0]])
    pos = rng.random((40, 3)) @ cell
    i, j = np.triu_indices(40, 1)
    shifts = np.array([[x, y, z] for x in range(-2, 3) for y in range(-2, 3) for z in range(-2, 3)]) @ cell
    cand = (pos[j] - pos[i])[:, None, :] + shifts[None]
    d = np.linalg.norm(cand, axis=2).min(axis=1)
    vec = pair_vectors(pos, cell, i, j, d)
    assert np.allclose(np.linalg.norm(vec, axis=1), d)


def test_bad_cutoff():
    with pytest.raises(ConfigError):
        ion_shells(np.zeros((2, 3)), np.eye(3) * 10, np.array([True, False]), 0.0)


def _freud_compare(frame):
    freud = pytest.importorskip("freud")
    is_na = frame.symbols == "Na"
    shells = ion_shells(frame.positions, frame.cell, is_na, 2.95)
    dots, solid = solid_bonds(shells, steinhardt_qlm(shells, 4))
    n_solid = np.bincount(shells.i[solid], minlength=shells.n_ions) + np.bincount(shells.j[solid],
                                                                                  minlength=shells.n_ions)
    qi = np.concatenate([shells.i, shells.j])
    pi = np.concatenate([shells.j, shells.i])
    vec = np.concatenate([shells.vectors, -shells.vectors])
    order = np.lexsort((pi, qi))
    box = freud.box.Box.from_matrix(frame.cell.T)
    nlist = freud.locality.NeighborList.from_arrays(len(is_na), len(is_na), qi[order], pi[order], vec[order])
    sl = freud.order.SolidLiquid(l=4, q_threshold=0.7, solid_threshold=4, normalize_q=True)
    sl.compute((box, box.wrap(frame.positions - np.diag(frame.cell) / 2)), neighbors=nlist)
    return n_solid, dots, sl, qi[order], pi[order], shells


def test_matches_freud_solid_liquid():
    c = crystal("truncated_cube", n=5, m=11, rotation=random_rotation(1), center=(20, 20, 20), jitter=0.2, seed=1)
    system = embedded([c], [40, 40, 40], seed=3)
    n_solid, dots, sl, qi, pi, shells = _freud_compare(system.frame)
    assert np.array_equal(sl.num_connections, n_solid)
    key = dict(zip(zip(shells.i.tolist(), shells.j.tolist()), dots))
    mine = np.array([key[(min(a, b), max(a, b))] for a, b in zip(qi.tolist(), pi.tolist())])
    assert np.allclose(sl.ql_ij, mine, atol=1e-4)  # freud computes in single precision
    assert sl.largest_cluster_size == int(np.count_nonzero(n_solid >= 4))
