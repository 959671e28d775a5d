"""Steinhardt bond order and solid-liquid classification of ions in a binary ionic system.

An ion's first shell is the set of ions of the *opposite* species within the
cation-anion cutoff (Na-F 2.95 Å, the first minimum of g(r) between the rock-salt
first shell at 2.31 Å and the second at 3.27 Å). Over that shell

.. math:: q_{lm}(i) = \\frac{1}{N_b(i)} \\sum_{j} Y_{lm}(\\hat r_{ij}),

a bond i-j is *solid-like* when the normalised dot product

.. math:: s_{ij} = \\frac{\\mathrm{Re} \\sum_m q_{lm}(i) q_{lm}^*(j)}{|q_l(i)| |q_l(j)|} > q_{threshold},

and an ion is *crystalline* with at least ``solid_threshold`` solid-like bonds
(freud ``SolidLiquid(l, q_threshold, solid_threshold, normalize_q=True)``).
Surface growth then adds, until nothing changes, every ion with at least
``growth_min_neighbors`` crystalline first-shell neighbours (all of them of the
opposite species by construction of the shell): corner and edge ions of a
nanocrystal have too few bonds to pass the bond test but sit on crystalline ions.

For rock salt the first shell is an octahedron: q4 = 0.764, q6 = 0.354. l = 4 is
the default because q6 of a hot octahedron collapses (DESIGN.md, method notes).
Since Y_lm(-r) = Y_lm(r) for even l, any half of an octahedron (+x, +y, +z) has the
same normalised q_lm as the full one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import sph_harm_y

from ..bonds.neighbors import neighbor_pairs
from ..errors import ConfigError

__all__ = ["IonShells", "ion_shells", "pair_vectors", "steinhardt_qlm", "steinhardt_ql", "solid_bonds",
           "crystalline_ions", "growth_depth", "grow_crystalline"]


@dataclass(frozen=True)
class IonShells:
    """First-shell bonds between cations and anions of one frame.

    Attributes
    ----------
    i, j : ndarray of int64, shape (B,)
        Ion indices (into the ion arrays) of each bond, ``i < j``.
    vectors : ndarray (B, 3)
        Minimum-image bond vectors from ``i`` to ``j`` (Å).
    n_ions : int
        Number of ions.
    """

    i: np.ndarray
    j: np.ndarray
    vectors: np.ndarray
    n_ions: int

    @property
    def coordination(self) -> np.ndarray:
        """Number of first-shell neighbours of every ion."""
        return (np.bincount(self.i, minlength=self.n_ions) + np.bincount(self.j, minlength=self.n_ions))


def pair_vectors(positions: np.ndarray, cell: np.ndarray, i: np.ndarray, j: np.ndarray,
                 d: np.ndarray | None = None) -> np.ndarray:
    """Minimum-image vectors ``positions[j] - positions[i]`` in an orthorhombic or triclinic cell.

    Parameters
    ----------
    positions : ndarray (N, 3)
    cell : ndarray (3, 3)
        Cell vectors as rows.
    i, j : ndarray of int
    d : ndarray, optional
        Known minimum-image distances (from :func:`~seinet.bonds.neighbors.neighbor_pairs`);
        pairs whose rounded fractional difference does not reproduce them (strongly
        skewed cells) are searched over the 27 neighbouring images.

    Returns
    -------
    ndarray (B, 3)

    Notes
    -----
    O(B).
    """
    inv = np.linalg.inv(cell)
    df = (positions[j] - positions[i]) @ inv
    df -= np.round(df)
    vec = df @ cell
    if d is not None and len(vec):
        bad = np.flatnonzero(np.abs(np.linalg.norm(vec, axis=1) - d) > 1e-6)
        if len(bad):
            shifts = np.array([[x, y, z] for x in (-1, 0, 1) for y in (-1, 0, 1) for z in (-1, 0, 1)], float) @ cell
            cand = vec[bad, None, :] + shifts[None]
            vec[bad] = cand[np.arange(len(bad)), np.linalg.norm(cand, axis=2).argmin(axis=1)]
    return vec


def ion_shells(positions: np.ndarray, cell: np.ndarray, is_cation: np.ndarray, cutoff_A: float) -> IonShells:
    """Cation-anion pairs closer than ``cutoff_A`` (periodic, cell list).

    Parameters
    ----------
    positions : ndarray (N, 3)
        Ion positions (Å), any image.
    cell : ndarray (3, 3)
        Cell vectors as rows.
    is_cation : ndarray of bool (N,)
        True for cations (Na), False for anions (F).
    cutoff_A : float
        Cation-anion first-shell cutoff.

    Returns
    -------
    IonShells

    Notes
    -----
    O(N) for a fixed density (:func:`~seinet.bonds.neighbors.neighbor_pairs`).
    """
    if cutoff_A <= 0:
        raise ConfigError(f"cation-anion cutoff must be positive, got {cutoff_A}")
    positions = np.asarray(positions, dtype=np.float64)
    n = len(positions)
    types = np.asarray(is_cation, dtype=bool).astype(np.int64)
    cut = np.array([[0.0, cutoff_A], [cutoff_A, 0.0]])
    i, j, d = neighbor_pairs(positions, cell, types, cut)
    swap = i > j
    i, j = np.where(swap, j, i), np.where(swap, i, j)
    order = np.lexsort((j, i))
    i, j, d = i[order], j[order], d[order]
    return IonShells(i=i, j=j, vectors=pair_vectors(positions, cell, i, j, d), n_ions=n)


def steinhardt_qlm(shells: IonShells, l: int = 4) -> np.ndarray:
    """Bond-averaged spherical harmonics q_lm of every ion.

    Parameters
    ----------
    shells : IonShells
    l : int
        Spherical-harmonic degree (4 for rock salt, see module docstring).

    Returns
    -------
    ndarray of complex128, shape (N, 2l+1)
        q_lm for m = -l..l; zero rows for ions without neighbours.

    Notes
    -----
    O(B l): one vectorised spherical-harmonic evaluation per bond and m.
    """
    if l < 0:
        raise ConfigError(f"spherical-harmonic degree l must be >= 0, got {l}")
    n = shells.n_ions
    v = shells.vectors
    r = np.linalg.norm(v, axis=1)
    theta = np.arccos(np.clip(v[:, 2] / np.where(r > 0, r, 1.0), -1.0, 1.0))
    phi = np.mod(np.arctan2(v[:, 1], v[:, 0]), 2 * np.pi)
    m = np.arange(-l, l + 1)
    y_ij = sph_harm_y(l, m[:, None], theta[None, :], phi[None, :])  # (2l+1, B), direction i -> j
    # Y_lm(-r) = (-1)^l Y_lm(r): the bond seen from j
    sign = -1.0 if l % 2 else 1.0
    count = shells.coordination.astype(np.float64)
    q = np.zeros((n, 2 * l + 1), dtype=np.complex128)
    for k in range(2 * l + 1):
        re = np.bincount(shells.i, y_ij[k].real, n) + sign * np.bincount(shells.j, y_ij[k].real, n)
        im = np.bincount(shells.i, y_ij[k].imag, n) + sign * np.bincount(shells.j, y_ij[k].imag, n)
        q[:, k] = re + 1j * im
    q /= np.where(count > 0, count, 1.0)[:, None]
    return q


def steinhardt_ql(qlm: np.ndarray) -> np.ndarray:
    """Rotation-invariant q_l = sqrt(4 pi / (2l+1) sum_m |q_lm|^2) of every ion."""
    two_l_plus_1 = qlm.shape[1]
    return np.sqrt(4 * np.pi / two_l_plus_1 * np.sum(np.abs(qlm) ** 2, axis=1))


def solid_bonds(shells: IonShells, qlm: np.ndarray, q_threshold: float = 0.7) -> tuple[np.ndarray, np.ndarray]:
    """Normalised q_lm dot products of every bond and whether the bond is solid-like.

    Returns
    -------
    s : ndarray (B,)
        Re sum_m qhat_lm(i) qhat_lm(j)*, in [-1, 1] (0 for an ion without neighbours).
    solid : ndarray of bool (B,)
        ``s > q_threshold``.

    Notes
    -----
    O(B l).
    """
    norm = np.linalg.norm(qlm, axis=1)
    qhat = qlm / np.where(norm > 0, norm, 1.0)[:, None]
    s = np.real(np.sum(qhat[shells.i] * np.conj(qhat[shells.j]), axis=1))
    return s, s > q_threshold


def crystalline_ions(shells: IonShells, solid: np.ndarray, solid_threshold: int = 4) -> np.ndarray:
    """Ions with at least ``solid_threshold`` solid-like bonds (boolean mask, O(B))."""
    n = shells.n_ions
    n_solid = np.bincount(shells.i[solid], minlength=n) + np.bincount(shells.j[solid], minlength=n)
    return n_solid >= solid_threshold


def growth_depth(shells: IonShells, crystalline: np.ndarray, min_neighbors: int = 3,
                 max_sweeps: int = 1000) -> np.ndarray:
    """Surface growth: add ions with >= ``min_neighbors`` crystalline first-shell neighbours.

    Parameters
    ----------
    shells : IonShells
        First shells (cation-anion bonds only, so every neighbour is of the opposite species).
    crystalline : ndarray of bool (N,)
        Seed mask from :func:`crystalline_ions`.
    min_neighbors : int
        Crystalline neighbours needed to join; 0 or less disables growth.

    Returns
    -------
    ndarray of int64 (N,)
        -1 for ions that stay non-crystalline, 0 for seeds, k for ions added in the
        k-th sweep (all ions that qualify join at once in a sweep). The crystalline
        set is the smallest superset of the seeds closed under the growth rule;
        adding one ion at a time gives the same set because the rule is monotone.
        Ions at depth >= 2 sit only on grown ions: adatoms and partial outer layers
        on a {111} face.

    Notes
    -----
    O(B) per sweep; the number of sweeps is the depth of the grown layer (1-3 in practice).
    """
    n = shells.n_ions
    depth = np.where(np.asarray(crystalline, dtype=bool), 0, -1).astype(np.int64)
    if min_neighbors <= 0 or len(shells.i) == 0:
        return depth
    for sweep in range(1, max_sweeps + 1):
        grown = depth >= 0
        count = (np.bincount(shells.i, weights=grown[shells.j], minlength=n)
                 + np.bincount(shells.j, weights=grown[shells.i], minlength=n))
        add = ~grown & (count >= min_neighbors)
        if not add.any():
            break
        depth[add] = sweep
    return depth


def grow_crystalline(shells: IonShells, crystalline: np.ndarray, min_neighbors: int = 3) -> np.ndarray:
    """Crystalline mask after surface growth (:func:`growth_depth` >= 0)."""
    return growth_depth(shells, crystalline, min_neighbors) >= 0
