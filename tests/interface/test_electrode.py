"""Electrode kernel: surfaces of designed slabs (both faces, periodic wrap, triclinic, roughness, no electrode)."""

import numpy as np
import pytest

from seinet.interface import find_electrode, fractional, largest_gap_axis
from builders import bcc_slab

A = 4.23


def slab_frac(layers=5, n=6, lz=40.0, shift=0.0, cell=None):
    sym, pos = bcc_slab(n, n, layers, A)
    pos[:, 2] += shift
    cell = np.diag([n * A, n * A, lz]) if cell is None else cell
    return pos, cell, fractional(pos, cell)


def test_both_faces_of_a_perfect_slab():
    pos, cell, frac = slab_frac(layers=5, shift=10.0)
    e = find_electrode(frac, np.arange(len(pos)), cell)
    top, bottom = e.surface_heights()
    assert top == pytest.approx(10.0 + 4 * A / 2) and bottom == pytest.approx(10.0)
    assert e.thickness_A == pytest.approx(4 * A / 2)
    assert e.roughness_top_A == pytest.approx(0.0, abs=1e-9) and e.roughness_bottom_A == pytest.approx(0.0, abs=1e-9)
    # points at known heights above the top face and below the bottom face
    pts = np.array([[3.0, 3.0, 10.0 + 2 * A + 5.0], [7.0, 1.0, 10.0 - 3.0], [1.0, 1.0, 10.0 + A]])
    d = e.distance(pts @ np.linalg.inv(cell))
    assert d == pytest.approx([5.0, 3.0, -A])  # the last one is inside the metal (a negative distance)


def test_slab_across_the_periodic_boundary():
    pos, cell, frac = slab_frac(layers=6, shift=-5.0)  # the slab straddles z = 0
    e = find_electrode(frac, np.arange(len(pos)), cell)
    top, bottom = e.surface_heights()
    assert top == pytest.approx(-5.0 + 5 * A / 2 + 0.0) and bottom == pytest.approx(40.0 - 5.0)
    pt = np.array([[2.0, 2.0, 40.0 - 5.0 - 4.0]])  # 4 Å below the bottom face, across the boundary
    assert e.distance(pt @ np.linalg.inv(cell)) == pytest.approx([4.0])


def test_triclinic_cell_heights_along_the_normal():
    n = 6
    cell = np.array([[n * A, 0, 0], [0.3 * n * A, n * A, 0], [2.0, 1.0, 40.0]])
    sym, pos = bcc_slab(n, n, 4, A)
    pos[:, 2] += 12.0
    frac = fractional(pos, cell)
    e = find_electrode(frac, np.arange(len(pos)), cell)
    assert e.thickness_A == pytest.approx(3 * A / 2)
    assert e.surface_heights()[1] == pytest.approx(12.0)  # c is tilted, but the normal is z


def test_adatoms_make_roughness_and_a_detached_cluster_is_not_electrode():
    pos, cell, frac = slab_frac(layers=4, shift=8.0)
    top_layer = pos[:, 2].max()
    extra = np.array([[A / 2 + 0.0, A / 2, top_layer + A / 2]])            # one adatom in a hollow site
    cluster = np.array([[5, 5, 30.0], [7, 5, 30.0], [6, 7, 30.0], [6, 6, 32.0]])  # 4 metal atoms, 20 Å away
    allpos = np.vstack([pos, extra, cluster])
    f = fractional(allpos, cell)
    e = find_electrode(f, np.arange(len(allpos)), cell, min_atoms=8)
    assert e.n_atoms == len(pos) + 1  # adatom in, cluster out
    assert e.roughness_top_A > 0.3 and e.roughness_bottom_A == pytest.approx(0.0, abs=1e-9)


def test_no_electrode():
    cell = np.diag([20.0, 20.0, 20.0])
    assert find_electrode(np.zeros((0, 3)), np.empty(0, int), cell) is None
    # bcc metal filling the whole cell along z: bulk, no surface
    sym, pos = bcc_slab(4, 4, 8, A)
    cell = np.diag([4 * A, 4 * A, 4 * A])
    assert find_electrode(fractional(pos, cell), np.arange(len(pos)), cell) is None
    # too few atoms
    pos, cell, frac = slab_frac(layers=1, n=2)
    assert find_electrode(frac, np.arange(len(pos)), cell, min_atoms=8) is None


@pytest.mark.parametrize("axis", [0, 1, 2])
def test_normal_axis_found_from_the_widest_gap(axis):
    pos, cell, frac = slab_frac(layers=5, n=6, lz=45.0, shift=5.0)
    perm = [0, 1, 2]
    perm[axis], perm[2] = perm[2], perm[axis]
    pos, cell = pos[:, perm], np.diag(np.diag(cell)[perm])
    f = fractional(pos, cell)
    assert largest_gap_axis(f, cell) == axis
    e = find_electrode(f, np.arange(len(pos)), cell, axis=axis)
    assert e.thickness_A == pytest.approx(2 * A)
