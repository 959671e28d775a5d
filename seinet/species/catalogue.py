"""The species catalogue: identity -> id, with names computed once per new graph.

Identities (DESIGN.md, chemistry conventions):

* molecule: the canonical element-labelled graph of a covalent fragment
  (:func:`seinet.chem.skeleton_key`), independent of atom order, frame and file;
* ionic aggregate: its elemental composition (e.g. ``Na32F32``, ``Na2CO3``);
  which anions it holds is in the per-frame membership table;
* ``[Na+]``: an alkali ion with no anionic partner (free or solvated);
* ``[Na]``: an alkali atom of the metal, counted per atom.

Ids are assigned in order of first appearance while a run is under way; the
final tables renumber species by ``(first_frame, label)`` so that they do not
depend on atom order (:meth:`SpeciesCatalogue.canonical_order`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from ..elements import ANION_FORMERS
from ..chem import classify, common_name, hill_formula, perceive, skeleton_key, symmetry_classes

__all__ = ["SpeciesInfo", "SpeciesCatalogue", "aggregate_name", "species_labels", "SPECIES_COLUMNS"]

SPECIES_COLUMNS = ["species_id", "smiles", "formula", "name", "charge", "n_atoms", "class", "kind",
                   "first_frame", "first_time_ps"]


@dataclass(frozen=True)
class SpeciesInfo:
    """One species.

    Attributes
    ----------
    key : str
        Identity (see module docstring).
    kind : {"molecule", "aggregate", "ion", "metal"}
    smiles : str
        Charged SMILES; for aggregates the dot-joined SMILES of its ions.
    formula : str
        Hill formula of all atoms.
    name : str
        Common name, aggregate composition name, or the SMILES.
    charge : int
    n_atoms : int
    klass : str
        One of :data:`seinet.chem.CLASSES` or ``metal``.
    charges_by_rank : tuple of int
        Formal charge of the atom of each canonical rank (molecules only).
    sites_by_rank : tuple of bool
        Anion site flag by canonical rank: the atom, or an atom symmetry-equivalent
        to it, carries negative formal charge (all three O of carbonate), and it is
        of an element in :data:`seinet.elements.ANION_FORMERS` (never the P of PF6-).
    valid : bool
        False when no chemically valid structure fits the graph.
    """

    key: str
    kind: str
    smiles: str
    formula: str
    name: str
    charge: int
    n_atoms: int
    klass: str
    charges_by_rank: tuple[int, ...] = ()
    sites_by_rank: tuple[bool, ...] = ()
    valid: bool = True

    @property
    def label(self) -> str:
        """Column name in species_counts: the SMILES, or the composition name for aggregates."""
        return self.name if self.kind == "aggregate" else self.smiles


def species_labels(species: pd.DataFrame) -> pd.Series:
    """Label of every row of a species table (species.csv): the column names of species_counts.

    The SMILES, or the composition name for ionic aggregates (the same rule as
    :attr:`SpeciesInfo.label`).
    """
    smiles = species["smiles"].astype(str)
    if "kind" not in species:
        return smiles
    return smiles.where(species["kind"] != "aggregate", species["name"].astype(str))


def aggregate_name(alkali: Counter, anion_symbols: list[str]) -> str:
    """``Na2`` + Hill formula of the anion atoms, e.g. ``Na2CO3``, ``Na32F32``, ``NaC2H5O``."""
    head = "".join(f"{el}{n if n > 1 else ''}" for el, n in sorted(alkali.items()))
    return head + hill_formula(anion_symbols)


@lru_cache(maxsize=200_000)
def _local_skeleton_key(symbols: tuple[str, ...], bonds: tuple[tuple[int, int], ...]) -> tuple[str, tuple[int, ...]]:
    """:func:`skeleton_key` memoised on the fragment's local graph.

    Exact: the result depends only on (elements, bonds) in local atom order. Molecules
    built from one template (packmol, LAMMPS and GPUMD boxes) share their local graph,
    so a molecule that re-forms from other atoms costs a dictionary look-up, not RDKit.
    Bounded (LRU, 200,000 graphs).
    """
    return skeleton_key(symbols, bonds)


class SpeciesCatalogue:
    """Registry of species seen in a run, with first appearance."""

    def __init__(self) -> None:
        self._by_key: dict[str, int] = {}
        self._labels: dict[str, str] = {}
        self.species: list[SpeciesInfo] = []
        self.first_frame: list[int] = []
        self.first_time_ps: list[float] = []

    def __len__(self) -> int:
        return len(self.species)

    def info(self, sid: int) -> SpeciesInfo:
        """The species with internal id ``sid`` (a bound method pickles with the catalogue, unlike a lambda)."""
        return self.species[sid]

    def _add(self, info: SpeciesInfo, frame: int, time_ps: float | None) -> int:
        if info.label in self._labels:  # labels name columns of species_counts: they must be unique
            raise AssertionError(f"species label {info.label!r} of {info.key!r} already names "
                                 f"{self._labels[info.label]!r}")
        self._labels[info.label] = info.key
        sid = len(self.species)
        self._by_key[info.key] = sid
        self.species.append(info)
        self.first_frame.append(frame)
        self.first_time_ps.append(np.nan if time_ps is None else float(time_ps))
        return sid

    def seen(self, sid: int, frame: int, time_ps: float | None) -> None:
        """Record that ``sid`` occurs in ``frame`` (keeps the earliest)."""
        if frame < self.first_frame[sid]:
            self.first_frame[sid] = frame
            self.first_time_ps[sid] = np.nan if time_ps is None else float(time_ps)

    def molecule(self, symbols: list[str], bonds: list[tuple[int, int]], frame: int,
                 time_ps: float | None) -> tuple[int, np.ndarray]:
        """Species id of a covalent fragment and which of its atoms are anion sites.

        Parameters
        ----------
        symbols : list of str
            Elements of the fragment's atoms (local order).
        bonds : list of (int, int)
            Bonds in local indices.

        Notes
        -----
        One canonicalisation per call; bond-order perception and naming only for
        a graph never seen before.
        """
        key, ranks = _local_skeleton_key(tuple(symbols), tuple(map(tuple, bonds)))
        sid = self._by_key.get(key)
        if sid is None:
            p = perceive(symbols, bonds)
            by_rank = [0] * len(symbols)
            for atom, rank in enumerate(ranks):
                by_rank[rank] = p.atom_charges[atom]
            classes = symmetry_classes(symbols, bonds)
            charged = {classes[a] for a in range(len(symbols))
                       if p.atom_charges[a] < 0 and symbols[a] in ANION_FORMERS}
            sites = [False] * len(symbols)
            for atom, rank in enumerate(ranks):
                sites[rank] = classes[atom] in charged
            info = SpeciesInfo(key=key, kind="molecule", smiles=p.smiles, formula=hill_formula(symbols),
                               name=common_name(p.smiles) or p.smiles, charge=p.charge, n_atoms=len(symbols),
                               klass=classify(p, symbols), charges_by_rank=tuple(by_rank),
                               sites_by_rank=tuple(sites), valid=p.valid)
            sid = self._add(info, frame, time_ps)
        else:
            self.seen(sid, frame, time_ps)
        by_rank = self.species[sid].sites_by_rank
        return sid, np.fromiter((by_rank[r] for r in ranks), dtype=bool, count=len(ranks))

    def single(self, kind: str, element: str, frame: int, time_ps: float | None) -> int:
        """Species id of a metallic alkali atom (``kind="metal"``) or a free alkali ion (``"ion"``)."""
        key = f"{kind}:{element}"
        sid = self._by_key.get(key)
        if sid is None:
            if kind == "metal":
                info = SpeciesInfo(key, "metal", f"[{element}]", element, f"{element} metal", 0, 1, "metal")
            else:
                info = SpeciesInfo(key, "ion", f"[{element}+]", element, f"{element}+", 1, 1, "ion")
            sid = self._add(info, frame, time_ps)
        else:
            self.seen(sid, frame, time_ps)
        return sid

    def aggregate(self, alkali_symbols: list[str], anion_sids: list[int], anion_symbols: list[str],
                  frame: int, time_ps: float | None) -> int:
        """Species id of an ionic aggregate of alkali ions and anionic fragments."""
        alkali = Counter(alkali_symbols)
        name = aggregate_name(alkali, anion_symbols)
        key = f"aggregate:{name}"
        sid = self._by_key.get(key)
        if sid is None:
            anions = [self.species[s] for s in anion_sids]
            parts = sorted([f"[{el}+]" for el in alkali_symbols] + [a.smiles for a in anions])
            organic = any(a.klass == "organic SEI" for a in anions)
            info = SpeciesInfo(key=key, kind="aggregate", smiles=".".join(parts),
                               formula=hill_formula(list(alkali_symbols) + list(anion_symbols)), name=name,
                               charge=len(alkali_symbols) + sum(a.charge for a in anions),
                               n_atoms=len(alkali_symbols) + len(anion_symbols),
                               klass="organic SEI" if organic else "inorganic SEI")
            sid = self._add(info, frame, time_ps)
        else:
            self.seen(sid, frame, time_ps)
        return sid

    def canonical_order(self) -> np.ndarray:
        """Old ids sorted by (first_frame, label, key): the order of the final tables."""
        keys = [(self.first_frame[s], self.species[s].label, self.species[s].key) for s in range(len(self))]
        return np.array(sorted(range(len(self)), key=keys.__getitem__), dtype=np.int64)

    def to_dataframe(self, order: np.ndarray | None = None) -> pd.DataFrame:
        """species.csv as a table; ``species_id`` is the position in ``order``."""
        order = self.canonical_order() if order is None else order
        rows = []
        for new, old in enumerate(order):
            s = self.species[old]
            rows.append((new, s.smiles, s.formula, s.name, s.charge, s.n_atoms, s.klass, s.kind,
                         self.first_frame[old], self.first_time_ps[old]))
        return pd.DataFrame(rows, columns=SPECIES_COLUMNS)
