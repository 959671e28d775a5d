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
