"""Solvation inside ``seinet analyze``: first shells, SSIP/CIP/AGG, RDFs and residence, one frame at a time.

The batch functions (:func:`~seinet.solvation.solvation_shells`, :func:`~seinet.solvation.rdf`)
read a trajectory on their own; this stream takes the partitions the species stage
already made and reuses their alkali contact pairs (the ionic layer's, found with
the same :class:`~seinet.bonds.ContactRules` first-shell cutoffs), so the first
shells cost no neighbour search. Memory is bounded: one summary row per frame,
O(n_bins) per RDF, the open residence runs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import ConfigError
from .columns import CATEGORIES, ROLE_ANION, ROLE_SOLVENT, ROLES, SUMMARY_COLUMNS
from .rdf import RdfAccumulator, pair_histograms
from .residence import ResidenceAccumulator, residence_time
from .shells import DEFAULT_PARTNERS, classify_shells

__all__ = ["SolvationStream", "STATE_ION"]

STATE_ION = 2


class SolvationStream:
    """Per-frame solvation of alkali ions from :class:`~seinet.species.partition.FramePartition` records.

    Parameters
    ----------
    symbols : ndarray of str (N,)
    role_of : callable
        ``role_of(species_ids) -> ndarray of int8``: role (solvent, anion, other; see
        :mod:`seinet.solvation.columns`) of covalent species ids as the partitions number them.
    rdf_pairs : sequence of (str, str)
        Element pairs for g(r); the centre is always an alkali *ion*.
    r_max, n_bins : float, int
        RDF range and bins; ``r_max`` is lowered to half the first frame's smallest cell width.
    rdf_every : int
        Add every k-th frame to the RDFs (first shells use every frame).
    partner_elements : sequence of str
        Elements that count as first-shell partners.
    """

    def __init__(self, symbols: np.ndarray, role_of, rdf_pairs=(("Na", "O"), ("Na", "F")), r_max: float = 8.0,
                 n_bins: int = 160, rdf_every: int = 1, partner_elements=DEFAULT_PARTNERS) -> None:
        self.symbols = np.asarray(symbols)
        self.role_of = role_of
        self.rdf_pairs = [tuple(p) for p in rdf_pairs]
        self.r_max, self.n_bins, self.rdf_every = float(r_max), int(n_bins), max(1, int(rdf_every))
        self._is_partner = np.isin(self.symbols, list(partner_elements))
        self._is_oxygen = self.symbols == "O"
        self._by_element = {el: np.flatnonzero(self.symbols == el) for el in np.unique(self.symbols)}
        self._rdfs: dict[tuple[str, str], RdfAccumulator] = {}
        self._n_pairs: dict[str, float] = {}  # pairs found last frame per centre element (buffer size hint)
        self._residence = {role: ResidenceAccumulator() for role in (ROLE_SOLVENT, ROLE_ANION)}
        self._rows: list[tuple] = []
        self._times: list[float] = []

    def add(self, part) -> None:
        """Add one frame (a FramePartition with ``ionic``, ``state``, ``fragment``, ``species``)."""
        n = len(self.symbols)
        state = np.asarray(part.state)
        ions = np.flatnonzero(state == STATE_ION)
        t = np.nan if part.time_ps is None else float(part.time_ps)
        self._times.append(t)
        if part.ionic is not None and len(ions):
            ci, cj = part.ionic.contact_i, part.ionic.contact_j
            keep = (state[ci] == STATE_ION) & self._is_partner[cj]
            ci, cj = ci[keep], cj[keep]
        else:
            ci = cj = np.empty(0, np.int64)
        frag = np.asarray(part.fragment, dtype=np.int64)[cj]
        role = self.role_of(np.asarray(part.species, dtype=np.int64)[cj])
        res = classify_shells(ions, ci, frag, role, self._is_oxygen[cj])
        k = len(ions)
        cat = res["category"]
        if k:
            fr = [float(np.mean(cat == c)) for c in CATEGORIES]
            means = [float(res["cn"].mean()), float(res["n_solvent_O"].mean()), float(res["n_anions"].mean())]
        else:
            fr, means = [np.nan] * 3, [np.nan] * 3
        self._rows.append((part.frame, t, k, *fr, *means))
        for r, acc in self._residence.items():
            m = role == r
            acc.add(ci[m].astype(np.int64) * n + frag[m])
        frame_no = len(self._rows) - 1
        if part.positions is not None and part.cell is not None and frame_no % self.rdf_every == 0 and k:
            self._add_rdfs(part, ions)

    def _add_rdfs(self, part, ions: np.ndarray) -> None:
        """One neighbour search per centre element for all its partner elements (on the atoms involved only)."""
        for a in dict.fromkeys(p[0] for p in self.rdf_pairs):
            pairs = [p for p in self.rdf_pairs if p[0] == a]
            if not self._rdfs:
                from ..bonds.neighbors import perpendicular_widths

                self._r_max = min(self.r_max, 0.5 * float(perpendicular_widths(part.cell).min()) * 0.98)
            accs = [self._rdfs.setdefault(p, RdfAccumulator(self._r_max, self.n_bins)) for p in pairs]
            centers = ions[self.symbols[ions] == a]
            partner_sets = [self._by_element.get(b, np.empty(0, np.int64)) for _, b in pairs]
            sub = np.unique(np.concatenate([centers, *partner_sets]))
            local = [np.searchsorted(sub, x) for x in partner_sets]
            lc = np.searchsorted(sub, centers)
            pos = part.positions[sub]
            if any(b == a for _, b in pairs):  # same element (Na-Na): the general histogram, one pair at a time
                hists = [None] * len(pairs)
            else:
                hists = pair_histograms(pos, part.cell, lc, local, accs[0].edges,
                                        capacity=int(1.2 * self._n_pairs.get(a, 0)))
                self._n_pairs[a] = sum(h.sum() for h in hists)
            for acc, partners, h in zip(accs, local, hists):
                try:
                    acc.add(pos, part.cell, lc, partners, histogram=h)
                except ConfigError as exc:
                    raise ConfigError(f"{exc} (frame {part.frame})") from None

    def summary(self) -> pd.DataFrame:
        """solvation.csv: one row per frame (:data:`~seinet.solvation.columns.SUMMARY_COLUMNS`)."""
        return pd.DataFrame(self._rows, columns=SUMMARY_COLUMNS)

    def rdf_table(self) -> pd.DataFrame:
        """rdf.csv: ``pair`` (e.g. ``Na-O``), ``r_A``, ``g_r``, ``cn`` for every pair with data."""
        tables = []
        for (a, b), acc in self._rdfs.items():
            t = acc.table()
            t.insert(0, "pair", f"{a}-{b}")
            tables.append(t)
        return pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=["pair", "r_A", "g_r", "cn"])

    def residence(self, max_lag: int = 200) -> tuple[pd.DataFrame, dict]:
        """residence.csv (``role``, ``lag``, ``time_ps``, ``c_t``, ``n_origins``) and tau (ps) per role."""
        t = np.asarray(self._times, dtype=float)
        dt = float(np.median(np.diff(t))) if len(t) > 1 and np.isfinite(t).all() else float("nan")
        tables, tau = [], {}
        for r, acc in self._residence.items():
            if not acc.present:
                continue
            ct = acc.correlation(max_lag, dt)
            ct.insert(0, "role", ROLES[r])
            tables.append(ct)
            tau[ROLES[r]] = residence_time(ct, dt if np.isfinite(dt) else None)
        table = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()
        return table, tau
