import numpy as np
import pytest

from seinet.bonds.neighbors import neighbor_pairs


def brute(frac, cell, types, cut, centers):
    shifts = np.array([[x, y, z] for x in (-1, 0, 1) for y in (-1, 0, 1) for z in (-1, 0, 1)])
    df = frac[:, None, :] - frac[None, :, :]
    df -= np.round(df)
    d = np.min(np.linalg.norm((df[:, :, None, :] + shifts[None, None]) @ cell, axis=3), axis=2)
    ok = d < cut[types][:, types]
    np.fill_diagonal(ok, False)
    c = np.zeros(len(frac), bool)
    c[centers] = True
    out = set()
    for i, j in zip(*np.nonzero(ok)):
        if c[i] or c[j]:
            out.add((min(i, j), max(i, j)))
    return out


@pytest.mark.parametrize("tri", [False, True])
@pytest.mark.parametrize("seed", [0, 1])
def test_matches_brute_force(tri, seed):
    rng = np.random.default_rng(seed)
    n = 600
    L = (n / 0.1) ** (1 / 3)
    cell = np.diag([L, 1.1 * L, 0.9 * L])
    if tri:
        cell[1, 0], cell[2, 0], cell[2, 1] = 0.3 * L, -0.2 * L, 0.25 * L
    frac = rng.random((n, 3))
    pos = frac @ cell + rng.integers(-2, 3, (n, 3)) @ cell  # unwrapped images must not matter
    types = rng.integers(0, 3, n)
    cut = np.array([[2.0, 1.5, 1.0], [1.5, 2.2, 0.0], [1.0, 0.0, 1.8]])
    for centers in (np.arange(n), np.flatnonzero(types == 1)):
        i, j, d = neighbor_pairs(pos, cell, types, cut, centers)
        got = {(min(a, b), max(a, b)) for a, b in zip(i, j)}
        assert len(got) == len(i), "each pair once"
        assert got == brute(frac, cell, types, cut, centers)
        assert np.all(d < cut[types[i], types[j]])


def test_small_cell_uses_minimum_image():
    cell = np.diag([4.0, 4.0, 4.0])
    pos = np.array([[0.2, 0.2, 0.2], [3.9, 0.2, 0.2], [2.0, 2.0, 2.0]])
    i, j, d = neighbor_pairs(pos, cell, np.zeros(3, int), np.array([[1.0]]))
    assert [(int(a), int(b)) for a, b in zip(i, j)] == [(0, 1)]
    assert d[0] == pytest.approx(0.3)


@pytest.mark.parametrize("r_cut", [3.5, 5.5])  # below and above half the smallest width (4.3 A)
@pytest.mark.parametrize("tri", [False, True])
def test_thin_cell_search_equals_the_27_image_reference(r_cut, tri):
    """Cells under three cutoffs wide (an RDF of 8 A in a 16.9 A interface cell) take the direct
    search; below half the width it needs no image loop, above it it must search the images."""
    rng = np.random.default_rng(3)
    n = 150
    cell = np.diag([9.0, 10.0, 11.0])
    if tri:
        cell[1, 0], cell[2, 0], cell[2, 1] = 2.5, -1.5, 2.0
    frac = rng.random((n, 3))
    types = rng.integers(0, 2, n)
    cut = np.array([[r_cut, r_cut - 0.5], [r_cut - 0.5, r_cut]])
    for centers in (np.arange(n), np.flatnonzero(types == 1)):
        i, j, d = neighbor_pairs(frac @ cell, cell, types, cut, centers)
        got = {(min(a, b), max(a, b)) for a, b in zip(i, j)}
        assert len(got) == len(i)
        assert got == brute(frac, cell, types, cut, centers)
