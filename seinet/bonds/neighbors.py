"""Periodic neighbour search in O(N) per frame: a cell list over fractional bins.

Bins are slabs parallel to the cell faces, each at least ``r_max`` thick
(perpendicular width), so every pair within ``r_max`` lies in the same or an
adjacent bin along each cell vector, with the periodic image fixed by the bin
offset. This holds for triclinic cells as well as orthorhombic ones. When a cell
is thinner than three bins along some axis, a brute-force minimum-image search
over the 27 neighbouring images is used instead (small test cells only).

Notes
-----
Time O(N * rho * r_max^3); memory O(N + pairs). When every atom is a centre the
kernel visits each pair of neighbouring bins once (13 forward offsets and the
bin itself); otherwise it scans the 27 bins around each centre. The kernels are
compiled with numba (cached on disk after the first call).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ..errors import ConfigError

__all__ = ["neighbor_pairs", "perpendicular_widths"]


def perpendicular_widths(cell: np.ndarray) -> np.ndarray:
    """Distances between opposite faces of the cell (Å)."""
    volume = abs(np.linalg.det(cell))
    a, b, c = cell
    return volume / np.array([np.linalg.norm(np.cross(b, c)), np.linalg.norm(np.cross(c, a)),
                              np.linalg.norm(np.cross(a, b))])


@njit(cache=True, nogil=True)
def _bin_atoms(frac, nb):
    n = frac.shape[0]
    nbin = nb[0] * nb[1] * nb[2]
    bins = np.empty(n, dtype=np.int64)
    for i in range(n):
        bx = min(int(frac[i, 0] * nb[0]), nb[0] - 1)
        by = min(int(frac[i, 1] * nb[1]), nb[1] - 1)
        bz = min(int(frac[i, 2] * nb[2]), nb[2] - 1)
        bins[i] = (bx * nb[1] + by) * nb[2] + bz
    counts = np.zeros(nbin + 1, dtype=np.int64)
    for i in range(n):
        counts[bins[i] + 1] += 1
    for k in range(nbin):
        counts[k + 1] += counts[k]
    order = np.empty(n, dtype=np.int64)
    fill = counts[:-1].copy()
    for i in range(n):
        order[fill[bins[i]]] = i
        fill[bins[i]] += 1
    return bins, counts, order


@njit(cache=True, nogil=True, inline="always")
def _unravel(b, nb):
    """Bin number -> (x, y, z) bin indices."""
    return b // (nb[1] * nb[2]), (b // nb[2]) % nb[1], b % nb[2]


@njit(cache=True, nogil=True, inline="always")
def _wrap(b, offset, n):
    """Neighbour bin index along one axis and the periodic shift (-1, 0, +1) it implies."""
    x = b + offset
    if x < 0:
        return x + n, -1.0
    if x >= n:
        return x - n, 1.0
    return x, 0.0


@njit(cache=True, nogil=True)
def _layout(frac, types, flags, order):
    """Copies of per-atom data in bin order, so inner loops read contiguous memory."""
    n = frac.shape[0]
    sf = np.empty((n, 3))
    st = np.empty(n, dtype=np.int64)
    sc = np.empty(n, dtype=np.bool_)
    for k in range(n):
        sf[k, 0] = frac[order[k], 0]
        sf[k, 1] = frac[order[k], 1]
        sf[k, 2] = frac[order[k], 2]
        st[k] = types[order[k]]
        sc[k] = flags[order[k]]
    return sf, st, sc


@njit(cache=True, nogil=True, inline="always")
def _dist2(sf, kj, fix, fiy, fiz, cell):
    fx = sf[kj, 0] - fix
    fy = sf[kj, 1] - fiy
    fz = sf[kj, 2] - fiz
    dx = fx * cell[0, 0] + fy * cell[1, 0] + fz * cell[2, 0]
    dy = fx * cell[0, 1] + fy * cell[1, 1] + fz * cell[2, 1]
    dz = fx * cell[0, 2] + fy * cell[1, 2] + fz * cell[2, 2]
    return dx * dx + dy * dy + dz * dz


@njit(cache=True, nogil=True)
def _cell_list(frac, cell, nb, types, cut2, is_center, out_i, out_j, out_d):
    """Scan the 27 bins around every centre atom."""
    bins, start, order = _bin_atoms(frac, nb)
    sf, st, sc = _layout(frac, types, is_center, order)
    cap = out_i.shape[0]
    m = 0
    for b in range(start.shape[0] - 1):
        bx, by, bz = _unravel(b, nb)
        for ki in range(start[b], start[b + 1]):
            if not sc[ki]:
                continue
            i = order[ki]
            ti = st[ki]
            for ox in range(-1, 2):
                x, sx = _wrap(bx, ox, nb[0])
                for oy in range(-1, 2):
                    y, sy = _wrap(by, oy, nb[1])
                    for oz in range(-1, 2):
                        z, sz = _wrap(bz, oz, nb[2])
                        nbin = (x * nb[1] + y) * nb[2] + z
                        fix = sf[ki, 0] - sx
                        fiy = sf[ki, 1] - sy
                        fiz = sf[ki, 2] - sz
                        for kj in range(start[nbin], start[nbin + 1]):
                            j = order[kj]
                            if j == i or (sc[kj] and j < i):
                                continue
                            c2 = cut2[ti, st[kj]]
                            if c2 <= 0.0:
                                continue
                            d2 = _dist2(sf, kj, fix, fiy, fiz, cell)
                            if d2 < c2:
                                if m < cap:
                                    out_i[m] = i
                                    out_j[m] = j
                                    out_d[m] = np.sqrt(d2)
                                m += 1
    return m


_HALF = np.array([(ox, oy, oz) for ox in (-1, 0, 1) for oy in (-1, 0, 1) for oz in (-1, 0, 1)
                  if (ox, oy, oz) > (0, 0, 0)] + [(0, 0, 0)], dtype=np.int64)


@njit(cache=True, nogil=True)
def _cell_list_half(frac, cell, nb, types, cut2, half, out_i, out_j, out_d):
    """All atoms are centres: visit each pair of neighbouring bins once (13 offsets + self)."""
    bins, start, order = _bin_atoms(frac, nb)
    sf, st, _ = _layout(frac, types, np.ones(frac.shape[0], dtype=np.bool_), order)
    cap = out_i.shape[0]
    m = 0
    last = half.shape[0] - 1  # the (0, 0, 0) offset: pairs within one bin
    for b in range(start.shape[0] - 1):
        bx, by, bz = _unravel(b, nb)
        for h in range(half.shape[0]):
            x, sx = _wrap(bx, half[h, 0], nb[0])
            y, sy = _wrap(by, half[h, 1], nb[1])
            z, sz = _wrap(bz, half[h, 2], nb[2])
            nbin = (x * nb[1] + y) * nb[2] + z
            for ki in range(start[b], start[b + 1]):
                ti = st[ki]
                fix = sf[ki, 0] - sx
                fiy = sf[ki, 1] - sy
                fiz = sf[ki, 2] - sz
                k0 = ki + 1 if h == last else start[nbin]
                for kj in range(k0, start[nbin + 1]):
                    c2 = cut2[ti, st[kj]]
                    if c2 <= 0.0:
                        continue
                    d2 = _dist2(sf, kj, fix, fiy, fiz, cell)
                    if d2 < c2:
                        if m < cap:
                            i = order[ki]
                            j = order[kj]
                            out_i[m] = min(i, j)
                            out_j[m] = max(i, j)
                            out_d[m] = np.sqrt(d2)
                        m += 1
    return m


def _brute_force(frac, cell, types, cut2, centers, is_center, r_max: float):
    """Every centre against every atom, nearest image only (cells thinner than 3 cutoffs).

    Rounding fractional differences gives the nearest image of every pair closer than half the
    cell's smallest perpendicular width (the centred cell contains that ball), so below it the
    26 other images need no search; above it (a cutoff beyond half the width) they are searched.
    """
    if 2.0 * r_max < perpendicular_widths(cell).min():
        shifts = np.zeros((1, 3))
    else:
        shifts = np.array([[x, y, z] for x in (-1, 0, 1) for y in (-1, 0, 1) for z in (-1, 0, 1)], dtype=float)
    n = len(frac)
    if len(centers) * n * 27 > 5e7:
        raise ConfigError("cell is thinner than three times the bond/contact cutoff and the system is too "
                          "large for the brute-force search; replicate the cell")
    out_i, out_j, out_d = [], [], []
    for i in centers:
        df = frac - frac[i]
        df -= np.round(df)
        d = np.linalg.norm((df[:, None, :] + shifts[None]) @ cell, axis=2).min(axis=1)
        keep = (d * d < cut2[types[i], types]) & (np.arange(n) != i) & ~(is_center & (np.arange(n) < i))
        js = np.flatnonzero(keep)
        out_i.append(np.full(len(js), i))
        out_j.append(js)
        out_d.append(d[js])
    if not out_i:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0)
    return np.concatenate(out_i).astype(np.int64), np.concatenate(out_j).astype(np.int64), np.concatenate(out_d)


def neighbor_pairs(positions: np.ndarray, cell: np.ndarray, types: np.ndarray, cutoff: np.ndarray,
                   centers: np.ndarray | None = None, capacity: int | None = None
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All periodic pairs closer than a per-type-pair cutoff.

    Parameters
    ----------
    positions : ndarray (N, 3)
        Cartesian positions (any image; wrapped internally).
    cell : ndarray (3, 3)
        Cell vectors as rows.
    types : ndarray of int (N,)
        Type code of each atom (index into ``cutoff``).
    cutoff : ndarray (T, T)
        Symmetric cutoff matrix in Å; 0 means the pair type is never wanted.
    centers : ndarray of int, optional
        Only pairs with at least one atom in ``centers`` are returned (default: all atoms).
    capacity : int, optional
        Expected number of pairs (e.g. last frame's count): the output buffers start at this
        size, so a long-range search does not run twice to find out how many pairs it has.

    Returns
    -------
    i, j : ndarray of int64
        Atom indices; ``i`` is always a centre; for two centres ``i < j``
        (when every atom is a centre, ``i < j`` always).
    d : ndarray of float64
        Minimum-image distances.

    Notes
    -----
    O(N) for a fixed density and cutoff. Pairs come out in a deterministic order.
    """
    positions = np.asarray(positions, dtype=np.float64)
    cell = np.asarray(cell, dtype=np.float64)
    types = np.asarray(types, dtype=np.int64)
    cutoff = np.asarray(cutoff, dtype=np.float64)
    n = len(positions)
    centers = np.arange(n, dtype=np.int64) if centers is None else np.asarray(centers, dtype=np.int64)
    is_center = np.zeros(n, dtype=np.bool_)
    is_center[centers] = True
    empty = np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0)
    r_max = float(cutoff.max()) if cutoff.size else 0.0
    if n == 0 or len(centers) == 0 or r_max <= 0:
        return empty
    frac = positions @ np.linalg.inv(cell)
    frac -= np.floor(frac)
    frac[frac >= 1.0] = 0.0
    cut2 = np.where(cutoff > 0, cutoff * cutoff, 0.0)
    nb = np.floor(perpendicular_widths(cell) / r_max).astype(np.int64)
    if np.any(nb < 3):
        return _brute_force(frac, cell, types, cut2, centers, is_center, r_max)
    nb = np.minimum(nb, max(1, int(round(2 * n ** (1 / 3)))))  # bounded memory for sparse systems
    nb = np.maximum(nb, 3)
    cap = max(1024, 4 * len(centers), int(capacity or 0))
    all_centers = len(centers) == n
    while True:
        out_i = np.empty(cap, np.int64)
        out_j = np.empty(cap, np.int64)
        out_d = np.empty(cap, np.float64)
        if all_centers:
            m = _cell_list_half(frac, cell, nb, types, cut2, _HALF, out_i, out_j, out_d)
        else:
            m = _cell_list(frac, cell, nb, types, cut2, is_center, out_i, out_j, out_d)
        if m <= cap:
            return out_i[:m], out_j[:m], out_d[:m]
        cap = m
