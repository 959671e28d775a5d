"""The record every reader yields: one snapshot of an atomistic system.

A :class:`Frame` holds what a file says and nothing more: readers do no bonding
and no chemistry. Optional arrays (charges, velocities, bond orders) are present
only when the file carries them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["Frame", "BondList", "cell_is_orthorhombic"]


@dataclass(frozen=True)
class BondList:
    """Bonds a file gives explicitly (e.g. LAMMPS ``fix reaxff/bonds``).

    Attributes
    ----------
    pairs : ndarray of int64, shape (M, 2)
        Zero-based atom indices with ``pairs[:, 0] < pairs[:, 1]``.
    orders : ndarray of float64, shape (M,)
        Bond orders as written in the file.
    """

    pairs: np.ndarray
    orders: np.ndarray


@dataclass(frozen=True)
class Frame:
    """One snapshot.

    Attributes
    ----------
    index : int
        Zero-based frame index within the source file.
    symbols : ndarray of str, shape (N,)
        Element symbol of every atom (same object for all frames of a trajectory).
    positions : ndarray of float64, shape (N, 3), or None
        Cartesian positions in Å; None for files that carry only bonds
        (LAMMPS ``fix reaxff/bonds``).
    cell : ndarray of float64, shape (3, 3) or None
        Cell vectors as rows, in Å; None when the file has no cell.
    time_ps : float or None
        Simulation time of the frame in ps, when known.
    step : int or None
        MD step number, when known.
    arrays : dict
        Further per-atom arrays by name (``charge``, ``velocities``, ``forces`` ...).
    bonds : BondList or None
        Explicit bonds with orders, for files that carry them.
    source : str
        Path (or description) of the file this frame came from.
    byte_range : (int, int) or None
        Where the frame's lines start and end in its file (in the decompressed stream for
        ``.gz``), for text readers: a run resumes reading at the end of the last frame it
        consumed (:mod:`seinet.run.checkpoint`). None for other readers.
    """

    index: int
    symbols: np.ndarray
    positions: np.ndarray | None
    cell: np.ndarray | None
    time_ps: float | None = None
    step: int | None = None
    arrays: dict = field(default_factory=dict)
    bonds: BondList | None = None
    source: str = ""
    byte_range: tuple[int, int] | None = None

    @property
    def n_atoms(self) -> int:
        return int(len(self.symbols))


def cell_is_orthorhombic(cell: np.ndarray, tol: float = 1e-8) -> bool:
    """True when the off-diagonal cell components vanish."""
    off = cell - np.diag(np.diag(cell))
    return bool(np.all(np.abs(off) <= tol * max(1.0, float(np.abs(cell).max()))))
