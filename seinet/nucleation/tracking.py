"""Nucleus identity through time from the overlap of member-atom sets.

Nuclei of consecutive analysed frames are matched one-to-one, greedily by
decreasing Jaccard index |A ∩ B| / |A ∪ B| (ties: larger overlap, then older id,
then larger new nucleus); a pair must share at least ``min_overlap`` atoms. A
matched nucleus keeps its id. The rest are events:

* ``birth``: a new nucleus that shares no atom with any nucleus of the previous frame;
* ``split``: a new nucleus that shares atoms with a previous one whose id went to a
  better match; it gets a new id, ``other_id`` is the parent;
* ``merge``: a previous nucleus that shares atoms with a new one but lost the match
  (two nuclei joined): its id ends, ``other_id`` is the nucleus it joined;
* ``death``: a previous nucleus that shares no atom with any new one (dissolved).

A nucleus that vanishes for a frame and comes back gets a new id; n_max(t) is not
affected. Only member sets are compared, so an atom that leaves and rejoins is fine.
Growth rates are least-squares slopes of size against time per id (ions/ps).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["EVENT_COLUMNS", "TRACK_COLUMNS", "overlaps", "match_nuclei", "NucleusTracker", "nucleus_tracks"]

EVENT_COLUMNS = ["frame", "time_ps", "kind", "nucleus_id", "other_id"]
TRACK_COLUMNS = ["nucleus_id", "first_frame", "last_frame", "first_time_ps", "last_time_ps", "n_frames",
                 "size_first", "size_last", "size_max", "growth_rate_ions_per_ps", "parent_id", "fate",
                 "merged_into"]


def overlaps(prev: Sequence[np.ndarray], curr: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shared-atom counts between two lists of disjoint member sets.

    Returns
    -------
    p, c, count : ndarray of int64
        Index into ``prev``, index into ``curr`` and number of shared atoms, for
        every pair sharing at least one atom (sorted by p, then c).

    Notes
    -----
    O(A log A) for A member atoms in all.
    """
    empty = np.zeros(0, np.int64)
    if not len(prev) or not len(curr):
        return empty, empty, empty
    pa = np.concatenate(prev).astype(np.int64)
    ca = np.concatenate(curr).astype(np.int64)
    pl = np.repeat(np.arange(len(prev)), [len(x) for x in prev])
    cl = np.repeat(np.arange(len(curr)), [len(x) for x in curr])
    _, ip, ic = np.intersect1d(pa, ca, assume_unique=True, return_indices=True)
    codes, count = np.unique(pl[ip] * len(curr) + cl[ic], return_counts=True)
    return codes // len(curr), codes % len(curr), count.astype(np.int64)


def match_nuclei(prev: Sequence[np.ndarray], curr: Sequence[np.ndarray], prev_ids: Sequence[int] | None = None,
                 min_overlap: int = 1) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Greedy one-to-one matching by Jaccard index (module docstring).

    Returns
    -------
    match : ndarray of int64 (len(curr),)
        Index into ``prev`` of each current nucleus, -1 when unmatched.
    overlap : tuple of ndarray
        The output of :func:`overlaps`.

    Notes
    -----
    O(A log A + K log K) for K overlapping pairs.
    """
    p, c, count = overlaps(prev, curr)
    match = np.full(len(curr), -1, dtype=np.int64)
    if not len(p):
        return match, (p, c, count)
    prev_ids = np.arange(len(prev)) if prev_ids is None else np.asarray(prev_ids)
    size_p = np.array([len(x) for x in prev])[p]
    size_c = np.array([len(x) for x in curr])[c]
    jac = count / (size_p + size_c - count)
    order = np.lexsort((-size_c, prev_ids[p], -count, -jac))
    used_p = np.zeros(len(prev), dtype=bool)
    for k in order:
        if count[k] < min_overlap or used_p[p[k]] or match[c[k]] >= 0:
            continue
        match[c[k]] = p[k]
        used_p[p[k]] = True
    return match, (p, c, count)


class NucleusTracker:
    """Persistent nucleus ids over a stream of frames.

    Parameters
    ----------
    min_overlap : int
        Shared atoms needed for two nuclei to be the same one.

    Examples
    --------
    >>> tracker = NucleusTracker()
    >>> ids = tracker.update(0, 0.0, [np.array([1, 2, 3])])
    """

    def __init__(self, min_overlap: int = 1) -> None:
        self.min_overlap = int(min_overlap)
        self._members: list[np.ndarray] = []
        self._ids = np.zeros(0, dtype=np.int64)
        self._next = 0
        self.events: list[tuple] = []

    def update(self, frame: int, time_ps: float, members: Sequence[np.ndarray]) -> np.ndarray:
        """Ids of this frame's nuclei (``members``: sorted global atom indices of each)."""
        members = [np.asarray(m, dtype=np.int64) for m in members]
        match, (p, c, count) = match_nuclei(self._members, members, self._ids, self.min_overlap)
        ids = np.full(len(members), -1, dtype=np.int64)
        ids[match >= 0] = self._ids[match[match >= 0]]
        for k in np.flatnonzero(match < 0):
            ids[k] = self._next
            self._next += 1
            rows = np.flatnonzero(c == k)
            if len(rows):
                parent = rows[np.lexsort((self._ids[p[rows]], -count[rows]))[0]]
                self.events.append((frame, time_ps, "split", int(ids[k]), int(self._ids[p[parent]])))
            else:
                self.events.append((frame, time_ps, "birth", int(ids[k]), -1))
        matched_prev = np.zeros(len(self._members), dtype=bool)
        matched_prev[match[match >= 0]] = True
        for q in np.flatnonzero(~matched_prev):
            rows = np.flatnonzero(p == q)
            if len(rows):
                into = rows[np.lexsort((ids[c[rows]], -count[rows]))[0]]
                self.events.append((frame, time_ps, "merge", int(self._ids[q]), int(ids[c[into]])))
            else:
                self.events.append((frame, time_ps, "death", int(self._ids[q]), -1))
        self._members, self._ids = members, ids
        return ids

    def events_dataframe(self) -> pd.DataFrame:
        """Births, deaths, splits and merges (columns :data:`EVENT_COLUMNS`)."""
        df = pd.DataFrame(self.events, columns=EVENT_COLUMNS)
        return df.astype({"frame": "int64", "time_ps": "float64", "nucleus_id": "int64", "other_id": "int64"})


def nucleus_tracks(nuclei: pd.DataFrame, events: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per tracked nucleus: lifetime, sizes, growth rate, parent and fate.

    Parameters
    ----------
    nuclei : DataFrame
        nuclei.csv-like table with ``frame``, ``time_ps``, ``nucleus_id``, ``size``.
    events : DataFrame, optional
        Tracker events (:data:`EVENT_COLUMNS`); give parents (splits) and fates.

    Returns
    -------
    DataFrame
        Columns :data:`TRACK_COLUMNS`. ``growth_rate_ions_per_ps`` is the
        least-squares slope of size against time (NaN with fewer than two distinct
        times); ``fate`` is ``dissolved``, ``merged`` or ``present`` (still there in
        the last frame analysed); ``parent_id`` and ``merged_into`` are -1 when none.

    Notes
    -----
    O(R log R) for R rows.
    """
    if nuclei.empty:
        return pd.DataFrame(columns=TRACK_COLUMNS)
    df = nuclei.sort_values(["nucleus_id", "frame"], kind="stable")
    rows = []
    ev = events if events is not None else pd.DataFrame(columns=EVENT_COLUMNS)
    parent = {int(r.nucleus_id): int(r.other_id) for r in ev[ev["kind"] == "split"].itertuples()}
    merged = {int(r.nucleus_id): int(r.other_id) for r in ev[ev["kind"] == "merge"].itertuples()}
    dead = set(int(x) for x in ev.loc[ev["kind"] == "death", "nucleus_id"])
    for nid, g in df.groupby("nucleus_id", sort=True):
        t = g["time_ps"].to_numpy(dtype=float)
        size = g["size"].to_numpy(dtype=float)
        ok = np.isfinite(t)
        rate = float("nan")
        if ok.sum() >= 2 and np.ptp(t[ok]) > 0:
            rate = float(np.polyfit(t[ok], size[ok], 1)[0])
        nid = int(nid)
        fate = "merged" if nid in merged else "dissolved" if nid in dead else "present"
        rows.append((nid, int(g["frame"].iloc[0]), int(g["frame"].iloc[-1]), float(t[0]), float(t[-1]), len(g),
                     int(size[0]), int(size[-1]), int(size.max()), rate, parent.get(nid, -1), fate,
                     merged.get(nid, -1)))
    return pd.DataFrame(rows, columns=TRACK_COLUMNS)
