"""First solvation shells of alkali ions and their SSIP / CIP / AGG classification.

For every alkali **ion** (``FramePartition.state == 2``; metal atoms of an
electrode are not solvated cations) the first shell is the set of atoms within
the alkali contact cutoffs (:data:`seinet.bonds.cutoffs.DEFAULT_CONTACTS`: Na-O
3.10 Å, Na-F 2.95 Å). Each partner atom takes the role of its covalent fragment:

* ``anion``: the fragment's species has class ``salt anion`` or a negative charge
  (PF6-, F-, carbonate, alkoxides);
* ``solvent``: class ``solvent`` (EC, DME, ...);
* ``other``: anything else (gases, neutral SEI products, radicals).

Per cation (not per aggregate network): **SSIP** when no anion touches it; **CIP**
when exactly one anion fragment touches it and that anion touches no other ion of
the frame; **AGG** otherwise (two or more anions, or one anion shared with another ion).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..bonds.cutoffs import ContactRules
from ..bonds.neighbors import neighbor_pairs
from ..elements import ALKALI
from ..errors import ConfigError
from ..frame import Frame
from .columns import (AGG, CATEGORIES, CIP, ION_COLUMNS, PARTNER_COLUMNS, ROLE_ANION, ROLE_OTHER, ROLE_SOLVENT,
                      ROLES, SSIP, SUMMARY_COLUMNS)

__all__ = ["SolvationShells", "anion_species", "classify_shells", "shell_contacts", "solvation_shells",
           "solvation_summary", "DEFAULT_PARTNERS"]

STATE_ION = 2  # seinet.species.partition.STATE_ION

#: Elements that can sit in a cation's first shell by default (carbonyl/ether/anion O, F of PF6- and F-, N).
DEFAULT_PARTNERS: tuple[str, ...] = ("O", "F", "N")


def anion_species(species: pd.DataFrame) -> np.ndarray:
    """Role of every species id: anion, solvent or other (module docstring).

    Parameters
    ----------
    species : DataFrame
        species.csv-like table with ``species_id``, ``class`` and (optionally) ``charge``.

    Returns
    -------
    role : ndarray of int8 (max species_id + 1,)
        :data:`ROLE_ANION`, :data:`ROLE_SOLVENT` or :data:`ROLE_OTHER` by species id.

    Notes
    -----
    O(S) for S species.
    """
    ids = species["species_id"].to_numpy(dtype=np.int64)
    klass = species["class"].astype(str).to_numpy()
    is_anion = klass == "salt anion"
    if "charge" in species:
        is_anion |= pd.to_numeric(species["charge"], errors="coerce").fillna(0).to_numpy() < 0
    role = np.full(int(ids.max()) + 1 if len(ids) else 0, ROLE_OTHER, dtype=np.int8)
    role[ids[klass == "solvent"]] = ROLE_SOLVENT
    role[ids[is_anion]] = ROLE_ANION
    return role


def _contact_matrix(elements: list[str], rules: ContactRules, partner_elements: Iterable[str]) -> np.ndarray:
    partner_elements = set(partner_elements)
    cut = np.zeros((len(elements), len(elements)))
    for p, ea in enumerate(elements):
        for q, eb in enumerate(elements):
            if ea in ALKALI and eb in partner_elements:
                cut[p, q] = cut[q, p] = rules.contact(ea, eb)
    return cut


def shell_contacts(positions: np.ndarray, cell: np.ndarray, symbols: np.ndarray, ions: np.ndarray,
                   rules: ContactRules = ContactRules(),
                   partner_elements: Iterable[str] = DEFAULT_PARTNERS) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """First-shell contacts (ion, partner atom, distance) of one periodic frame.

    Parameters
    ----------
    positions : ndarray (N, 3)
    cell : ndarray (3, 3)
        Cell vectors as rows (Å).
    symbols : ndarray of str (N,)
    ions : ndarray of int (K,)
        The alkali ions whose shells are wanted.
    rules : ContactRules
        Alkali--X first-shell cutoffs (defaults: :data:`~seinet.bonds.cutoffs.DEFAULT_CONTACTS`).
    partner_elements : iterable of str
        Elements that count as shell partners.

    Returns
    -------
    ion, atom : ndarray of int64
        Contact pairs, sorted by ion then atom.
    distance : ndarray of float64

    Notes
    -----
    O(N + P) time and memory (one :func:`~seinet.bonds.neighbors.neighbor_pairs` call).
    """
    symbols = np.asarray(symbols)
    ions = np.asarray(ions, dtype=np.int64)
    if len(ions) == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0)
    elements, types = np.unique(symbols, return_inverse=True)
    cut = _contact_matrix(elements.tolist(), rules, partner_elements)
    i, j, d = neighbor_pairs(positions, cell, types, cut, ions)
    keep = np.isin(symbols[j], list(partner_elements))  # alkali-alkali pairs are never partners
    i, j, d = i[keep], j[keep], d[keep]
    order = np.lexsort((j, i))
    return i[order], j[order], d[order]


def classify_shells(ions: np.ndarray, pair_ion: np.ndarray, pair_fragment: np.ndarray, pair_role: np.ndarray,
                    pair_is_oxygen: np.ndarray) -> dict[str, np.ndarray]:
    """Counts and SSIP/CIP/AGG category of every ion from its first-shell contacts.

    Parameters
    ----------
    ions : ndarray of int (K,)
        Ion atom indices (the rows of the result, in this order).
    pair_ion, pair_fragment : ndarray of int (P,)
        For each contact: the ion and the covalent fragment (smallest atom index) of the partner.
    pair_role : ndarray of int (P,)
        :data:`ROLE_SOLVENT`, :data:`ROLE_ANION` or :data:`ROLE_OTHER` of the partner.
    pair_is_oxygen : ndarray of bool (P,)

    Returns
    -------
    dict of ndarray (K,)
        ``cn`` (partner atoms), ``n_solvent_O``, ``n_solvent`` (distinct solvent molecules),
        ``n_anion_atoms``, ``n_anions`` (distinct anion fragments), ``n_other`` (atoms) and
        ``category`` (str).

    Notes
    -----
    O(K + P log P) (sorting of distinct ion--fragment pairs). An anion is "shared"
    when it touches more than one of ``ions``.
    """
    ions = np.asarray(ions, dtype=np.int64)
    k = len(ions)
    pos = np.searchsorted(np.sort(ions), pair_ion)
    order_of = np.argsort(ions)
    row = order_of[pos] if len(pair_ion) else np.empty(0, np.int64)
    role = np.asarray(pair_role)

    def per_ion(mask):
        return np.bincount(row[mask], minlength=k).astype(np.int64)

    out = {"cn": per_ion(np.ones(len(row), bool)),
           "n_solvent_O": per_ion((role == ROLE_SOLVENT) & np.asarray(pair_is_oxygen, bool)),
           "n_anion_atoms": per_ion(role == ROLE_ANION),
           "n_other": per_ion(role == ROLE_OTHER)}
    pair_fragment = np.asarray(pair_fragment, dtype=np.int64)
    span = int(pair_fragment.max(initial=0)) + 1

    def distinct(mask):
        """Distinct (ion row, fragment) pairs among the contacts in ``mask``: one int64 key each."""
        key = np.unique(row[mask].astype(np.int64) * span + pair_fragment[mask])
        return key // span, key % span

    solv_row, _ = distinct(role == ROLE_SOLVENT)
    out["n_solvent"] = np.bincount(solv_row, minlength=k).astype(np.int64)
    an_row, an_frag = distinct(role == ROLE_ANION)
    out["n_anions"] = np.bincount(an_row, minlength=k).astype(np.int64)
    frags, n_ions_per_anion = np.unique(an_frag, return_counts=True)
    shared_frag = frags[n_ions_per_anion > 1]
    shared = np.zeros(k, dtype=bool)
    shared[an_row[np.isin(an_frag, shared_frag)]] = True
    category = np.full(k, AGG, dtype=object)
    category[out["n_anions"] == 0] = SSIP
    category[(out["n_anions"] == 1) & ~shared] = CIP
    out["category"] = category
    return out


@dataclass(frozen=True)
class SolvationShells:
    """First-shell tables of a trajectory.

    Attributes
    ----------
    ions : DataFrame
        One row per (frame, ion): :data:`~seinet.solvation.columns.ION_COLUMNS`.
    partners : DataFrame
        One row per (frame, ion, partner atom): :data:`~seinet.solvation.columns.PARTNER_COLUMNS`;
        ``role`` is ``solvent``, ``anion`` or ``other``.
    """

    ions: pd.DataFrame
    partners: pd.DataFrame

    def to_dataframe(self) -> pd.DataFrame:
        """The per-ion table (the tidy table downstream models take)."""
        return self.ions


def solvation_shells(frames: Iterable[Frame], partitions: Iterable, species: pd.DataFrame,
                     rules: ContactRules = ContactRules(), partner_elements: Iterable[str] = DEFAULT_PARTNERS,
                     id_map: np.ndarray | None = None) -> SolvationShells:
    """First shells of all alkali ions in every frame.

    Parameters
    ----------
    frames : iterable of Frame
        Frames with positions and a periodic cell.
    partitions : iterable of FramePartition
        The species layer of the same frames, in the same order (``fragment``,
        ``species``, ``state`` are used).
    species : DataFrame
        species.csv-like table (``species_id``, ``class``, optionally ``charge``, ``kind``).
    rules : ContactRules
        First-shell cutoffs.
    partner_elements : iterable of str
        Elements counted as shell partners (default O, F, N).
    id_map : ndarray of int, optional
        Internal catalogue id -> ``species_id`` of ``species``
        (:attr:`~seinet.species.analysis.SpeciesResults.id_map`); None when the
        partitions already carry the table's ids.

    Returns
    -------
    SolvationShells

    Notes
    -----
    Per frame O(N + P log P) for N atoms and P contacts; memory grows only with the
    output tables (ions x frames rows), never with N x frames.
    """
    role_of = anion_species(species)
    partner_elements = tuple(partner_elements)
    ion_rows, partner_rows = [], []
    part_iter = iter(partitions)
    for frame in frames:
        try:
            part = next(part_iter)
        except StopIteration:
            raise ConfigError("solvation_shells: fewer partitions than frames") from None
        if frame.positions is None or frame.cell is None:
            raise ConfigError(f"solvation_shells: frame {frame.index} of {frame.source or 'input'} "
                              f"has no positions or no cell")
        symbols = np.asarray(frame.symbols)
        state = np.asarray(part.state)
        ions = np.flatnonzero((state == STATE_ION) & np.isin(symbols, list(ALKALI)))
        ion_i, atom, dist = shell_contacts(frame.positions, frame.cell, symbols, ions, rules, partner_elements)
        frag = np.asarray(part.fragment, dtype=np.int64)[atom]
        sid = np.asarray(part.species, dtype=np.int64)[atom]
        if id_map is not None:
            sid = np.where(sid >= 0, np.asarray(id_map)[np.maximum(sid, 0)], -1)
        known = (sid >= 0) & (sid < len(role_of))
        role = np.full(len(atom), ROLE_OTHER, dtype=np.int8)
        role[known] = role_of[sid[known]]
        res = classify_shells(ions, ion_i, frag, role, symbols[atom] == "O")
        t = np.nan if frame.time_ps is None else float(frame.time_ps)
        ion_rows.append(pd.DataFrame({"frame": frame.index, "time_ps": t, "ion": ions, "element": symbols[ions],
                                      **{c: res[c] for c in ION_COLUMNS[4:]}}))
        partner_rows.append(pd.DataFrame({"frame": frame.index, "time_ps": t, "ion": ion_i, "atom": atom,
                                          "element": symbols[atom], "distance_A": dist, "fragment": frag,
                                          "species_id": sid, "role": np.asarray(ROLES, dtype=object)[role]}))
    ions_df = pd.concat(ion_rows, ignore_index=True) if ion_rows else pd.DataFrame(columns=ION_COLUMNS)
    partners_df = pd.concat(partner_rows, ignore_index=True) if partner_rows else pd.DataFrame(columns=PARTNER_COLUMNS)
    for df in (ions_df, partners_df):
        for c in ("frame", "ion"):
            df[c] = df[c].astype(np.int64)
    return SolvationShells(ions=ions_df[ION_COLUMNS], partners=partners_df[PARTNER_COLUMNS])


def solvation_summary(df: pd.DataFrame) -> pd.DataFrame:
    """Per-frame fractions of SSIP / CIP / AGG cations and mean coordination numbers.

    Parameters
    ----------
    df : DataFrame
        The per-ion table (:attr:`SolvationShells.ions`).

    Returns
    -------
    DataFrame
        :data:`~seinet.solvation.columns.SUMMARY_COLUMNS`, one row per frame; fractions are
        NaN in a frame without ions (such frames have no rows in ``df`` and are absent).

    Notes
    -----
    O(R) for R rows.
    """
    if len(df) == 0:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    g = df.groupby("frame", sort=True)
    out = pd.DataFrame({"time_ps": g["time_ps"].first(), "n_ions": g.size()})
    cat = pd.crosstab(df["frame"], df["category"]).reindex(columns=list(CATEGORIES), fill_value=0)
    for c in CATEGORIES:
        out[f"frac_{c}"] = cat[c] / out["n_ions"]
    out["mean_cn"] = g["cn"].mean()
    out["mean_n_solvent_O"] = g["n_solvent_O"].mean()
    out["mean_n_anions"] = g["n_anions"].mean()
    return out.reset_index()[SUMMARY_COLUMNS]
