"""Radial distribution function g(r) and running coordination number n(r) of an element pair.

The pair histogram of every frame comes from
:func:`seinet.bonds.neighbors.neighbor_pairs` (periodic, triclinic-safe, O(N)).
Each frame is normalised by its own cell volume, so a trajectory whose cell
changes (NPT) is handled exactly: the ideal-gas reference is summed frame by frame.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from ..bonds.neighbors import neighbor_pairs, perpendicular_widths
from ..errors import ConfigError
from ..frame import Frame
from .columns import RDF_COLUMNS

__all__ = ["RdfAccumulator", "pair_histogram", "pair_histograms", "rdf"]

STATE_ION = 2  # seinet.species.partition.STATE_ION (kept literal: no import of the species layer here)


def pair_histogram(positions: np.ndarray, cell: np.ndarray, centers: np.ndarray, partners: np.ndarray,
                   edges: np.ndarray) -> np.ndarray:
    """Histogram of centre--partner distances in one periodic frame.

    Parameters
    ----------
    positions : ndarray (N, 3)
        Cartesian positions in Å.
    cell : ndarray (3, 3)
        Cell vectors as rows (Å).
    centers : ndarray of int (A,)
        Centre atoms (e.g. the Na+ ions).
    partners : ndarray of int (B,)
        Partner atoms (e.g. all O). May overlap ``centers`` (Na-Na): an atom is
        never its own partner, and a pair of two centres counts once for each.
    edges : ndarray (n_bins + 1,)
        Bin edges in Å, increasing from 0; ``edges[-1]`` is the largest distance kept.

    Returns
    -------
    ndarray of float64 (n_bins,)
        Number of (centre, partner) pairs per bin, each ordered pair counted once.

    Notes
    -----
    O(N + P) time with P the number of pairs within ``edges[-1]`` (cell list of
    :func:`~seinet.bonds.neighbors.neighbor_pairs`); O(N + P) memory.
    """
    n = len(positions)
    centers = np.asarray(centers, dtype=np.int64)
    partners = np.asarray(partners, dtype=np.int64)
    n_bins = len(edges) - 1
    if len(centers) == 0 or len(partners) == 0:
        return np.zeros(n_bins)
    # type 0: centre; 1: partner that is not a centre; 2: anything else
    types = np.full(n, 2, dtype=np.int64)
    types[partners] = 1
    is_partner = np.zeros(n, dtype=bool)
    is_partner[partners] = True
    types[centers] = 0
    r_max = float(edges[-1])
    cut = np.zeros((3, 3))
    cut[0, 1] = cut[1, 0] = r_max
    both = bool(is_partner[centers].any())
    if both:
        cut[0, 0] = r_max
    i, j, d = neighbor_pairs(positions, cell, types, cut, centers)
    weight = np.ones(len(d))
    if both:
        # two centres come out once (i < j); count the pair from each side when each is the other's partner
        cc = types[j] == 0
        keep = ~cc | is_partner[j] | is_partner[i]
        weight = np.where(cc, is_partner[j].astype(float) + is_partner[i].astype(float), 1.0)
        i, j, d, weight = i[keep], j[keep], d[keep], weight[keep]
    counts, _ = np.histogram(d, bins=edges, weights=weight)
    return counts.astype(float)


def pair_histograms(positions: np.ndarray, cell: np.ndarray, centers: np.ndarray, partner_sets, edges: np.ndarray,
                    capacity: int | None = None) -> list[np.ndarray]:
    """:func:`pair_histogram` for several partner sets at once, with one neighbour search.

    Parameters
    ----------
    partner_sets : sequence of ndarray of int
        Disjoint partner sets, none containing a centre (e.g. all O and all F around Na+).
    capacity : int, optional
        Expected number of pairs (:func:`~seinet.bonds.neighbors.neighbor_pairs`).
    edges : ndarray
        Equal-width bin edges starting at 0 (``np.linspace(0, r_max, n_bins + 1)``).

    Returns
    -------
    list of ndarray (n_bins,)
        One histogram per partner set.

    Notes
    -----
    O(N + P); equal to separate :func:`pair_histogram` calls (tested).
    """
    n = len(positions)
    centers = np.asarray(centers, dtype=np.int64)
    n_bins = len(edges) - 1
    k = len(partner_sets)
    if len(centers) == 0:
        return [np.zeros(n_bins) for _ in range(k)]
    # type 0: centre; 1..k: partner set; k + 1: anything else
    types = np.full(n, k + 1, dtype=np.int64)
    for t, partners in enumerate(partner_sets, start=1):
        types[np.asarray(partners, dtype=np.int64)] = t
    if np.any(types[centers] != k + 1):
        raise ConfigError("pair_histograms: partner sets must not contain centres (use pair_histogram)")
    types[centers] = 0
    cut = np.zeros((k + 2, k + 2))
    cut[0, 1:k + 1] = cut[1:k + 1, 0] = float(edges[-1])
    i, j, d = neighbor_pairs(positions, cell, types, cut, centers, capacity=capacity)
    # equal-width bins: one bincount over (set, bin) instead of k histogram calls
    width = float(edges[1] - edges[0])
    b = np.minimum((d / width).astype(np.int64), n_bins - 1)
    keep = d < edges[-1]
    flat = np.bincount((types[j[keep]] - 1) * n_bins + b[keep], minlength=k * n_bins).astype(float)
    return list(flat.reshape(k, n_bins))


def _n_pairs(centers: np.ndarray, partners: np.ndarray) -> int:
    """Number of ordered (centre, partner) pairs of distinct atoms."""
    overlap = len(np.intersect1d(centers, partners, assume_unique=False))
    return len(centers) * len(partners) - overlap


class RdfAccumulator:
    """Streaming g(r) and running coordination number: add frames one at a time, read :meth:`table`.

    Parameters
    ----------
    r_max : float
        Largest distance (Å).
    n_bins : int
        Number of equal bins on [0, r_max].

    Notes
    -----
    Memory O(n_bins), whatever the number of frames. See :func:`rdf` for the estimator.
    """

    def __init__(self, r_max: float = 8.0, n_bins: int = 160) -> None:
        if n_bins < 1 or r_max <= 0:
            raise ConfigError(f"rdf: need r_max > 0 and n_bins >= 1, got r_max={r_max}, n_bins={n_bins}")
        self.edges = np.linspace(0.0, float(r_max), int(n_bins) + 1)
        self.counts = np.zeros(int(n_bins))
        self.ideal = 0.0          # sum_f N_A N_B / V
        self.centre_frames = 0    # sum_f N_A
        self.n_frames = 0

    @property
    def r_max(self) -> float:
        return float(self.edges[-1])

    def add(self, positions: np.ndarray, cell: np.ndarray, centers: np.ndarray, partners: np.ndarray,
            where: str = "", histogram: np.ndarray | None = None) -> None:
        """Add one frame's (centre, partner) pairs; ``where`` names the frame in errors.

        ``histogram``: the frame's pair histogram on :attr:`edges` when the caller already has it
        (:func:`pair_histograms`); otherwise it is computed here.
        """
        cell = np.asarray(cell, dtype=float)
        half = 0.5 * perpendicular_widths(cell).min()
        if self.r_max > half + 1e-9:
            raise ConfigError(f"rdf: r_max {self.r_max} Å exceeds half the cell width ({half:.2f} Å)"
                              f"{' in ' + where if where else ''}; lower r_max")
        if histogram is None:
            histogram = pair_histogram(positions, cell, centers, partners, self.edges)
        self.counts += histogram
        self.ideal += _n_pairs(np.asarray(centers), np.asarray(partners)) / abs(np.linalg.det(cell))
        self.centre_frames += len(centers)
        self.n_frames += 1

    def table(self) -> pd.DataFrame:
        """``r_A``, ``g_r``, ``cn`` (:data:`~seinet.solvation.columns.RDF_COLUMNS`)."""
        if self.n_frames == 0:
            raise ConfigError("rdf: no frames")
        shell = 4.0 / 3.0 * np.pi * np.diff(self.edges ** 3)
        n_bins = len(self.counts)
        with np.errstate(invalid="ignore", divide="ignore"):
            g = self.counts / (self.ideal * shell) if self.ideal > 0 else np.full(n_bins, np.nan)
            cn = np.cumsum(self.counts) / self.centre_frames if self.centre_frames else np.full(n_bins, np.nan)
        r = 0.5 * (self.edges[1:] + self.edges[:-1])
        return pd.DataFrame({RDF_COLUMNS[0]: r, RDF_COLUMNS[1]: g, RDF_COLUMNS[2]: cn})


def rdf(frames: Iterable[Frame], pairs: tuple[str, str] = ("Na", "O"), r_max: float = 8.0, n_bins: int = 160,
        states: Iterable | None = None) -> pd.DataFrame:
    """Radial distribution function g(r) and running coordination number n(r) of an element pair.

    Parameters
    ----------
    frames : iterable of Frame
        Frames with positions and a periodic cell (may change from frame to frame).
    pairs : (str, str)
        Centre element A and partner element B, e.g. ``("Na", "O")``.
    r_max : float
        Largest distance (Å); at most half the smallest perpendicular cell width.
    n_bins : int
        Number of equal bins on [0, r_max].
    states : iterable, optional
        One per frame, aligned with ``frames``: an int array (N,) of atom states
        (``FramePartition.state``: 0 covalent, 1 metal, 2 ion) or an object with a
        ``state`` attribute (a :class:`~seinet.species.partition.FramePartition`).
        When given, only alkali *ions* of element A are centres (metal atoms of an
        electrode are left out); otherwise every atom of element A is.

    Returns
    -------
    DataFrame
        ``r_A`` (bin centre), ``g_r``, ``cn``: mean number of B atoms within the
        bin's *outer* edge ``r_A + dr/2`` of a centre (the running coordination number).

    Notes
    -----
    g(r) = sum_f h_f(r) / sum_f [N_A,f N_B,f / V_f] 4/3 pi (r_hi^3 - r_lo^3), with
    h_f the pair histogram of frame f and N_B,f the partners other than the centre
    itself: each frame carries its own volume, which is exact under NPT. n(r) is
    counted directly (cumulative pairs / centre-frames), not integrated from g(r).
    Time O(F (N + P)), memory O(N + P + n_bins) for F frames: frames are streamed.
    """
    a, b = pairs
    acc = RdfAccumulator(r_max, n_bins)
    state_iter = iter(states) if states is not None else None
    for frame in frames:
        if frame.positions is None or frame.cell is None:
            raise ConfigError(f"rdf: frame {frame.index} of {frame.source or 'input'} has no positions or no cell")
        symbols = np.asarray(frame.symbols)
        centers = np.flatnonzero(symbols == a)
        if state_iter is not None:
            try:
                st = next(state_iter)
            except StopIteration:
                raise ConfigError("rdf: fewer state arrays than frames") from None
            st = np.asarray(getattr(st, "state", st))
            centers = centers[st[centers] == STATE_ION]
        partners = np.flatnonzero(symbols == b)
        acc.add(frame.positions, frame.cell, centers, partners, where=f"frame {frame.index}")
    return acc.table()
