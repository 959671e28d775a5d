"""Covalent bonds frame after frame, with hysteresis.

A pair is bonded in frame t when ``d < r_form``, or when it was bonded in frame
t-1 and ``d < r_break``. The first frame seen uses ``r_form`` only. State is the
previous frame's bond keys (``i * N + j``), O(bonds) memory.
"""

from __future__ import annotations

import numpy as np

from ..elements import ALKALI
from ..frame import BondList, Frame
from .cutoffs import BondRules
from .neighbors import neighbor_pairs

__all__ = ["BondTracker", "bonds_from_orders", "element_codes", "SHORT_RANGE"]

#: Å; bond cutoffs up to this length set the cell-list bin width.
SHORT_RANGE = 2.2


def element_codes(symbols: np.ndarray) -> tuple[list[str], np.ndarray]:
    """Sorted unique elements and each atom's index into them."""
    elements, codes = np.unique(symbols, return_inverse=True)
    return [str(e) for e in elements], codes.astype(np.int64)


def bonds_from_orders(bonds: BondList, cutoff: float, covalent: np.ndarray) -> np.ndarray:
    """Pairs (M, 2) whose bond order is at least ``cutoff``, both atoms covalent-capable.

    ``fix reaxff/bonds`` prints orders with 3 decimals, so a printed ``0.300`` is a
    true order in (0.2995, 0.3005): counting it (``>=``) reproduces
    ``fix reaxff/species`` (``> 0.3`` on the unrounded value) far more often than
    dropping it. The file also lists some bonds whose printed order is below its
    "coarse cutoff"; they do not count.
    """
    keep = bonds.orders >= cutoff
    pairs = bonds.pairs[keep]
    pairs = pairs[covalent[pairs[:, 0]] & covalent[pairs[:, 1]]]
    return _canonical(pairs)


def _canonical(pairs: np.ndarray) -> np.ndarray:
    if len(pairs) == 0:
        return np.empty((0, 2), np.int64)
    pairs = np.sort(pairs, axis=1)
    return np.unique(pairs, axis=0)


class BondTracker:
    """Turn frames into covalent bond lists, remembering the previous frame.

    Parameters
    ----------
    symbols : ndarray of str
        Elements of the (fixed) atom list.
    rules : BondRules
    """

    def __init__(self, symbols: np.ndarray, rules: BondRules = BondRules()) -> None:
        self.rules = rules
        self.n_atoms = len(symbols)
        self.elements, self.codes = element_codes(symbols)
        self.r_form, self.r_break = rules.matrices(self.elements)
        self.covalent = ~np.isin(symbols, list(ALKALI))
        self.centers = np.flatnonzero(self.covalent).astype(np.int64)
        self._prev: np.ndarray | None = None
        # Bins are as wide as the largest cutoff searched. Pairs with cutoffs above
        # SHORT_RANGE (P-P, C-P, heavy elements) are rare: search them separately
        # around their own atoms so they do not widen the bins for everyone.
        long = self.r_break > SHORT_RANGE
        self._short = np.where(long, 0.0, self.r_break)
        self._long = np.where(long, self.r_break, 0.0)
        long_elements = np.flatnonzero(long.any(axis=1))
        self._long_centers = np.flatnonzero(np.isin(self.codes, long_elements) & self.covalent).astype(np.int64)

    def reset(self) -> None:
        """Forget the previous frame (the next frame is treated as a first frame)."""
        self._prev = None

    def candidates(self, frame: Frame) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """All pairs closer than ``r_break`` (stateless: safe to compute ahead, in another thread).

        Returns None for frames without positions (bond-order files).
        """
        if frame.positions is None:
            return None
        c = self.centers
        i, j, d = neighbor_pairs(frame.positions[c], frame.cell, self.codes[c], self._short)
        i, j = c[i], c[j]
        if len(self._long_centers):
            li, lj, ld = neighbor_pairs(frame.positions, frame.cell, self.codes, self._long, self._long_centers)
            i, j, d = np.concatenate([i, li]), np.concatenate([j, lj]), np.concatenate([d, ld])
        return i, j, d

    def update(self, frame: Frame, candidates=None) -> np.ndarray:
        """Bonded pairs of ``frame`` as an (M, 2) int64 array, rows sorted, ``i < j``.

        ``candidates`` is :meth:`candidates` of this frame when computed ahead.
        """
        if frame.positions is None:
            if frame.bonds is None:
                raise ValueError("frame has neither positions nor bonds")
            pairs = bonds_from_orders(frame.bonds, self.rules.bond_order_cutoff, self.covalent)
            self._prev = pairs[:, 0] * self.n_atoms + pairs[:, 1]
            return pairs
        i, j, d = candidates if candidates is not None else self.candidates(frame)
        lo = np.minimum(i, j)
        hi = np.maximum(i, j)
        ti, tj = self.codes[lo], self.codes[hi]
        bonded = d < self.r_form[ti, tj]
        band = ~bonded
        keys = lo * self.n_atoms + hi
        if self._prev is not None and band.any():
            bonded[band] = np.isin(keys[band], self._prev, assume_unique=False)
        keys = np.sort(keys[bonded])
        self._prev = keys
        return np.column_stack([keys // self.n_atoms, keys % self.n_atoms])
