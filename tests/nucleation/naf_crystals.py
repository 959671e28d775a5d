"""Synthetic rock-salt nanocrystals with known answers, embedded in a random ionic liquid.

Shapes are sets of rock-salt sites (integer coordinates in units of a/2, cation on
even i+j+k) inside an ideal polyhedron whose vertices are lattice sites, so the
convex hull of the unjittered crystal *is* the polyhedron and its exact facet area
fractions follow analytically:

* cube ``max|x_i| <= n``: {100} only;
* octahedron ``sum|x_i| <= m`` with its 2-bonded edge and 1-bonded apex ions removed
  (:func:`prune`; no surface-growth rule can attach them, and they would desorb):
  the edges become {110} strips and the apices small {100} squares, i.e. the
  polytope ``sum|x_i| <= m, |x_i| + |x_j| <= m - 1, |x_i| <= m - 2`` with eight
  {111} triangles (sqrt(3)/2)(m-3)^2, twelve {110} rectangles 2 sqrt(2) (m-3) and
  six {100} squares of area 4;
* truncated cube, both with 2n <= m <= 3n: six octagonal {100} faces of area
  4n^2 - 2t^2 and eight triangular {111} faces of area (sqrt(3)/2) t^2, t = 3n - m
  (m = 3n is the cube, m = 2n the cuboctahedron; every ion has >= 3 bonds).

The liquid is random sequential addition at a number density (NaF melt: 0.040
ions/Å^3) with no two ions closer than ``min_dist`` (periodic, any cell), species
alternating so that it is neutral.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial.transform import Rotation

from seinet.bonds.neighbors import neighbor_pairs
from seinet.frame import Frame

A_NAF = 4.62
CRYSTAL_DENSITY = 8 / A_NAF ** 3  # ions per Å^3


def rocksalt_sites(shape: str, n: int = 0, m: int = 0) -> np.ndarray:
    """Integer site coordinates (units of a/2) of a rock-salt polyhedron centred on a cation."""
    r = max(n, m)
    g = np.arange(-r, r + 1)
    sites = np.stack(np.meshgrid(g, g, g, indexing="ij"), axis=-1).reshape(-1, 3)
    inf = np.abs(sites).max(axis=1)
    l1 = np.abs(sites).sum(axis=1)
    keep = {"cube": inf <= n, "octahedron": l1 <= m, "truncated_cube": (inf <= n) & (l1 <= m)}[shape]
    return prune(sites[keep])


def prune(sites: np.ndarray, min_bonds: int = 3) -> np.ndarray:
    """Remove, until none is left, sites with fewer than ``min_bonds`` first neighbours in the set.

    Such ions (the edges and apices of a {111} octahedron: 2 and 1 bonds) are not
    part of a crystal: they would desorb, and surface growth (>= 3 crystalline
    neighbours) never attaches them.
    """
    while True:
        key = {tuple(x) for x in sites.tolist()}
        steps = np.vstack([np.eye(3, dtype=int), -np.eye(3, dtype=int)])
        bonds = np.array([sum(tuple(x + d) in key for d in steps) for x in sites])
        if (bonds >= min_bonds).all():
            return sites
        sites = sites[bonds >= min_bonds]


def exact_fractions(shape: str, n: int = 0, m: int = 0) -> dict[str, float]:
    """Exact {100}/{110}/{111} area fractions of the ideal polyhedron (module docstring)."""
    if shape == "cube":
        a100, a111 = 6 * 4.0 * n * n, 0.0
    elif shape == "octahedron":
        a100, a110, a111 = 6 * 4.0, 12 * 2 * np.sqrt(2) * (m - 3), 8 * np.sqrt(3) / 2 * (m - 3) ** 2
        total = a100 + a110 + a111
        return {"{100}": a100 / total, "{110}": a110 / total, "{111}": a111 / total, "other": 0.0}
    elif 2 * n <= m <= 3 * n:
        t = 3 * n - m
        a100, a111 = 6 * (4.0 * n * n - 2.0 * t * t), 8 * np.sqrt(3) / 2 * t * t
    else:
        raise ValueError("truncated cube needs 2n <= m <= 3n (for m < 2n the {100}/{111} edges have 2-bonded ions)")
    total = a100 + a111
    return {"{100}": a100 / total, "{110}": 0.0, "{111}": a111 / total, "other": 0.0}


def random_rotation(seed: int) -> np.ndarray:
    return Rotation.random(random_state=seed).as_matrix()


@dataclass
class Crystal:
    symbols: np.ndarray
    positions: np.ndarray  # sample frame, centred at `center`
    rotation: np.ndarray
    fractions: dict
    vacancies: np.ndarray  # unjittered empty lattice sites bonded to the crystal (sample frame)


def crystal(shape: str, n: int = 0, m: int = 0, rotation=None, center=(0.0, 0.0, 0.0), a: float = A_NAF,
            jitter: float = 0.0, seed: int = 0) -> Crystal:
    """A rock-salt nanocrystal rotated by ``rotation`` (crystal -> sample) with Gaussian jitter."""
    sites = rocksalt_sites(shape, n, m)
    symbols = np.where(sites.sum(axis=1) % 2 == 0, "Na", "F")
    rot = np.eye(3) if rotation is None else np.asarray(rotation, float)
    pos = (sites * a / 2) @ rot.T + np.asarray(center, float)
    if jitter:
        pos = pos + np.random.default_rng(seed).normal(0.0, jitter, pos.shape)
    steps = np.vstack([np.eye(3, dtype=int), -np.eye(3, dtype=int)])
    occupied = {tuple(x) for x in sites.tolist()}
    vac = {tuple(x) for x in (sites[:, None, :] + steps[None]).reshape(-1, 3).tolist()} - occupied
    vac = np.array(sorted(vac), dtype=float).reshape(-1, 3)
    vacancies = (vac * a / 2) @ rot.T + np.asarray(center, float)
    return Crystal(symbols, pos, rot, exact_fractions(shape, n, m), vacancies)


def random_liquid(cell: np.ndarray, n_ions: int, seed: int, min_dist: float = 2.0,
                  obstacles: np.ndarray | None = None, sites: np.ndarray | None = None,
                  site_dist: float = 1.0) -> np.ndarray:
    """``n_ions`` random positions in ``cell``: at least ``min_dist`` from each other and from
    ``obstacles``, and at least ``site_dist`` from ``sites``."""
    rng = np.random.default_rng(seed)
    fixed_pos = [np.zeros((0, 3))]
    fixed_type = [np.zeros(0, np.int64)]
    for kind, pts in ((0, obstacles), (1, sites)):
        if pts is not None and len(pts):
            fixed_pos.append(np.asarray(pts, float))
            fixed_type.append(np.full(len(pts), kind, np.int64))
    fixed_pos = np.concatenate(fixed_pos)
    fixed_type = np.concatenate(fixed_type)
    cut = np.zeros((3, 3))
    cut[0, 2] = cut[2, 0] = cut[2, 2] = min_dist
    cut[1, 2] = cut[2, 1] = site_dist
    accepted = np.zeros((0, 3))
    for _ in range(200):
        need = n_ions - len(accepted)
        if need <= 0:
            break
        cand = rng.random((int(need * 1.3) + 16, 3)) @ cell
        allpos = np.concatenate([fixed_pos, accepted, cand])
        types = np.concatenate([fixed_type, np.full(len(accepted) + len(cand), 2, np.int64)])
        fixed = len(fixed_pos) + len(accepted)
        i, j, _ = neighbor_pairs(allpos, cell, types, cut)
        later = np.maximum(i, j)
        bad = np.zeros(len(allpos), bool)
        bad[later[later >= fixed]] = True  # the later point of every close pair
        accepted = np.concatenate([accepted, cand[~bad[fixed:]]])
    if len(accepted) < n_ions:
        raise RuntimeError("random liquid: density too high for min_dist")
    return accepted[:n_ions]


def liquid_species(n: int) -> np.ndarray:
    return np.where(np.arange(n) % 2 == 0, "Na", "F")


@dataclass
class System:
    frame: Frame
    crystal_mask: np.ndarray  # True for the crystal's ions
    crystals: list


def embedded(crystals: list[Crystal], cell, seed: int = 0, density: float = 0.040, min_dist: float = 2.0,
             wrap: bool = True, index: int = 0, time_ps: float | None = None, keep_sites_free: bool = False,
             site_dist: float | None = None) -> System:
    """Crystals embedded in a random liquid filling the rest of the periodic cell.

    With ``keep_sites_free`` no liquid ion comes within ``site_dist`` (default
    ``min_dist``: the empty sites are treated like ions) of an empty lattice site
    bonded to a crystal: a random ion on or near such a site continues the lattice
    or sits on it as an adatom, which the construction does not count as crystal.
    """
    cell = np.asarray(cell, float)
    if cell.ndim == 1:
        cell = np.diag(cell)
    cpos = np.concatenate([c.positions for c in crystals]) if crystals else np.zeros((0, 3))
    csym = np.concatenate([c.symbols for c in crystals]) if crystals else np.zeros(0, "<U2")
    volume = abs(np.linalg.det(cell)) - len(cpos) / CRYSTAL_DENSITY
    n_liq = int(round(density * volume))
    sites = np.concatenate([c.vacancies for c in crystals]) if keep_sites_free and crystals else None
    liq = random_liquid(cell, n_liq, seed, min_dist, cpos, sites, min_dist if site_dist is None else site_dist)
    pos = np.concatenate([cpos, liq])
    if wrap:
        frac = pos @ np.linalg.inv(cell)
        pos = (frac - np.floor(frac)) @ cell
    sym = np.concatenate([csym, liquid_species(n_liq)])
    mask = np.zeros(len(pos), bool)
    mask[:len(cpos)] = True
    return System(Frame(index=index, symbols=sym, positions=pos, cell=cell, time_ps=time_ps), mask, crystals)
