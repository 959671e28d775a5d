"""Residence time of molecules in a cation's first shell (continuous correlation function).

A (cation, molecule) pair is *present* in a frame when any atom of the molecule is
in the cation's first shell (a row of :attr:`SolvationShells.partners`). The
continuous residence correlation (Impey, Madden, McDonald 1983) is

    C(t) = sum_{pairs, t0} h(t0) H(t0, t0 + t) / sum_{pairs, t0} h(t0),

with h(t0) = 1 when the pair is present at t0 and H = 1 when it stays present at
every frame from t0 to t0 + t; all time origins t0 with t0 + t inside the trajectory
are used. The residence time is tau = integral of C(t) dt (trapezoid rule). For a
pair present in uninterrupted runs of L_k frames, C(t) = sum_k max(L_k - t, 0) /
sum_k L_k and tau = dt sum_k L_k^2 / (2 sum_k L_k) (while no run is cut by the end).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import ConfigError
from .columns import RESIDENCE_COLUMNS

__all__ = ["ResidenceAccumulator", "correlation_from_runs", "residence_correlation", "residence_time"]


def _runs(frame_pos: np.ndarray, key: np.ndarray) -> np.ndarray:
    """Lengths of uninterrupted runs of consecutive frame positions per key (input sorted by key, frame)."""
    if len(frame_pos) == 0:
        return np.empty(0, np.int64)
    new = np.ones(len(frame_pos), dtype=bool)
    new[1:] = (key[1:] != key[:-1]) | (frame_pos[1:] != frame_pos[:-1] + 1)
    starts = np.flatnonzero(new)
    return np.diff(np.append(starts, len(frame_pos)))


def residence_correlation(partners: pd.DataFrame, frames: np.ndarray | None = None, max_lag: int | None = None,
                          role: str | None = "solvent", species_id: int | None = None) -> pd.DataFrame:
    """Continuous residence correlation C(t) of (cation, molecule) pairs.

    Parameters
    ----------
    partners : DataFrame
        Partner list with at least ``frame``, ``ion``, ``fragment`` (and ``role`` /
        ``species_id`` / ``time_ps`` when filtering or timing by them):
        :attr:`SolvationShells.partners`, or any scripted table of the same columns.
        Several atoms of one molecule in one shell count once.
    frames : ndarray of int, optional
        All analysed frame numbers, in order (e.g. ``shells.ions["frame"].unique()``).
        Default: the frames seen in ``partners``; a frame in which no pair at all is
        present would then be missing and not break any run, so pass ``frames``
        whenever that can happen.
    max_lag : int, optional
        Largest lag in frames (default: number of frames - 1).
    role : str or None
        Keep only partners of this role (default ``solvent``); None keeps all.
    species_id : int, optional
        Keep only partners of this species (e.g. EC only).

    Returns
    -------
    DataFrame
        ``lag`` (frames), ``time_ps`` (lag times the mean frame spacing when ``time_ps``
        is known, else NaN), ``c_t``, ``n_origins`` (the normalising count sum h(t0)).

    Notes
    -----
    Time O(R log R + M * L) and memory O(R + L) for R partner rows, M runs and L lags;
    frames are identified by their position in ``frames``, so a gap in the analysed
    frames is not a break in residence (it is not seen).
    """
    df = partners
    if role is not None and "role" in df:
        df = df[df["role"] == role]
    if species_id is not None:
        df = df[df["species_id"] == species_id]
    frames = np.unique(partners["frame"].to_numpy(np.int64)) if frames is None else np.asarray(frames, np.int64)
    n_frames = len(frames)
    if n_frames == 0:
        raise ConfigError("residence_correlation: no frames")
    if np.any(np.diff(frames) <= 0):
        raise ConfigError("residence_correlation: frames must be strictly increasing")
    max_lag = n_frames - 1 if max_lag is None else min(int(max_lag), n_frames - 1)
    pairs = df[["ion", "fragment", "frame"]].drop_duplicates()
    fpos = np.searchsorted(frames, pairs["frame"].to_numpy(np.int64))
    if np.any(fpos >= n_frames) or np.any(frames[np.minimum(fpos, n_frames - 1)] != pairs["frame"].to_numpy()):
        raise ConfigError("residence_correlation: partner frames missing from `frames`")
    ion = pairs["ion"].to_numpy(np.int64)
    frag = pairs["fragment"].to_numpy(np.int64)
    order = np.lexsort((fpos, frag, ion))
    key = ion[order] * (int(frag.max(initial=0)) + 1) + frag[order]
    runs = _runs(fpos[order], key)
    hist = np.bincount(runs) if len(runs) else np.zeros(1, np.int64)
    c, den = correlation_from_runs(hist, np.bincount(fpos, minlength=n_frames), max_lag)
    lags = np.arange(max_lag + 1)
    dt = np.nan
    if "time_ps" in partners and n_frames > 1:
        times = partners.drop_duplicates("frame").set_index("frame")["time_ps"].reindex(frames).to_numpy(float)
        if np.isfinite(times).sum() >= 2:
            ok = np.isfinite(times)
            dt = float(np.polyfit(np.flatnonzero(ok), times[ok], 1)[0])
    return pd.DataFrame({RESIDENCE_COLUMNS[0]: lags, RESIDENCE_COLUMNS[1]: lags * dt, RESIDENCE_COLUMNS[2]: c,
                         RESIDENCE_COLUMNS[3]: den.astype(np.int64)})


def correlation_from_runs(run_hist: np.ndarray, present: np.ndarray, max_lag: int) -> tuple[np.ndarray, np.ndarray]:
    """The continuous correlation C(lag) from a histogram of run lengths and per-frame presence counts.

    Parameters
    ----------
    run_hist : ndarray of int
        ``run_hist[L]`` = number of uninterrupted presence runs of L frames.
    present : ndarray of int (F,)
        Number of present pairs in each frame.
    max_lag : int

    Returns
    -------
    c_t, den : ndarray (max_lag + 1,)
        C(lag) (NaN where no origin is available) and its normalising count.

    Notes
    -----
    O(L_max * max_lag + F).
    """
    n_frames = len(present)
    lags = np.arange(max_lag + 1)
    hist = np.zeros(max(len(run_hist), max_lag + 2), dtype=np.int64)
    hist[:len(run_hist)] = run_hist
    length = np.arange(len(hist))
    # numerator: origins that stay present for `lag` more frames, summed over runs
    num = np.array([np.sum(np.clip(length - lag, 0, None) * hist) for lag in lags], dtype=float)
    # denominator: present (pair, t0) with t0 + lag still inside the trajectory
    cum = np.cumsum(present)
    den = cum[n_frames - 1 - lags].astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        c = np.where(den > 0, num / den, np.nan)
    return c, den


class ResidenceAccumulator:
    """Streaming form of :func:`residence_correlation`: add each frame's present pair keys.

    Only the currently open runs (their start frame) and a histogram of finished
    run lengths are kept: memory O(pairs present + longest run), whatever the
    number of frames. The result equals the batch estimator on the same pairs.
    """

    def __init__(self) -> None:
        self._keys = np.empty(0, np.int64)
        self._start = np.empty(0, np.int64)
        self._hist = np.zeros(16, np.int64)
        self.present: list[int] = []

    def _record(self, lengths: np.ndarray) -> None:
        if len(lengths) == 0:
            return
        top = int(lengths.max())
        if top >= len(self._hist):
            self._hist = np.concatenate([self._hist, np.zeros(max(top + 1, 2 * len(self._hist)) - len(self._hist),
                                                              np.int64)])
        np.add.at(self._hist, lengths, 1)

    def add(self, keys: np.ndarray) -> None:
        """Pairs present in the next frame, as int64 keys (e.g. ion * n_atoms + fragment)."""
        pos = len(self.present)
        keys = np.unique(np.asarray(keys, dtype=np.int64))
        stays = np.isin(self._keys, keys, assume_unique=True)
        self._record(pos - self._start[~stays])
        old = np.isin(keys, self._keys, assume_unique=True)
        start = np.full(len(keys), pos, dtype=np.int64)
        start[old] = self._start[stays]  # both sorted: the kept keys line up
        self._keys, self._start = keys, start
        self.present.append(len(keys))

    def correlation(self, max_lag: int | None = None, dt_ps: float = float("nan")) -> pd.DataFrame:
        """C(t) as :func:`residence_correlation` returns it (open runs end with the trajectory)."""
        n = len(self.present)
        if n == 0:
            raise ConfigError("residence: no frames")
        hist = self._hist.copy()
        ends = n - self._start
        if len(ends):
            top = int(ends.max())
            if top >= len(hist):
                hist = np.concatenate([hist, np.zeros(top + 1 - len(hist), np.int64)])
            np.add.at(hist, ends, 1)
        max_lag = n - 1 if max_lag is None else min(int(max_lag), n - 1)
        c, den = correlation_from_runs(hist, np.asarray(self.present), max_lag)
        lags = np.arange(max_lag + 1)
        return pd.DataFrame({RESIDENCE_COLUMNS[0]: lags, RESIDENCE_COLUMNS[1]: lags * dt_ps,
                             RESIDENCE_COLUMNS[2]: c, RESIDENCE_COLUMNS[3]: den.astype(np.int64)})


def residence_time(ct: pd.DataFrame, dt_ps: float | None = None) -> float:
    """Residence time: the integral of C(t) (trapezoid rule) up to its last finite lag.

    Parameters
    ----------
    ct : DataFrame
        Output of :func:`residence_correlation`.
    dt_ps : float, optional
        Frame spacing in ps; default: from the table's ``time_ps`` column, or 1 (the
        result is then in frames).

    Returns
    -------
    float
        tau in ps (or in frames). When C(t) has not decayed to 0 by the last lag the
        integral is a lower bound.

    Notes
    -----
    O(L) for L lags.
    """
    c = ct["c_t"].to_numpy(float)
    ok = np.isfinite(c)
    if not ok.any():
        return float("nan")
    if dt_ps is None:
        t = ct["time_ps"].to_numpy(float)
        dt_ps = float(t[1] - t[0]) if len(t) > 1 and np.isfinite(t[:2]).all() else 1.0
    c = c[: np.flatnonzero(~ok)[0]] if (~ok).any() else c
    return float(dt_ps * (c.sum() - 0.5 * (c[0] + c[-1]))) if len(c) > 1 else 0.0
