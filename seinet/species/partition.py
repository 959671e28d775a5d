"""Per-frame partition of all atoms into species units.

Every atom belongs to exactly one **unit** per frame: a covalent fragment that is
not in an aggregate, an ionic aggregate, a free alkali ion, or a metallic alkali
atom. ``species_counts`` counts units; the covalent layer (fragments, including
those inside aggregates) is kept as well because reactions are defined on it.

:class:`Partitioner` is the per-frame driver. It keeps three pieces of state,
all bounded by the size of one frame, not by the number of frames:

* the previous frame's bonds (hysteresis, :class:`~seinet.bonds.BondTracker`);
* a cache ``fragment signature -> (species id, anion-site atoms)`` holding the
  fragments of the last ``cache_frames`` frames, so an unchanged molecule costs
  one dictionary look-up and a molecule flickering between two states is not
  canonicalised again;
* the :class:`~seinet.species.SpeciesCatalogue`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..bonds import BondRules, BondTracker, ContactRules
from ..bonds.neighbors import neighbor_pairs
from ..elements import ALKALI
from ..frame import Frame
from .catalogue import SpeciesCatalogue
from .fragments import find_fragments
from .ionic import ION, METAL, IonicLayer, ionic_layer

__all__ = ["FramePartition", "Partitioner", "STATE_COVALENT", "STATE_METAL", "STATE_ION"]

STATE_COVALENT = 0
STATE_METAL = METAL
STATE_ION = ION


@dataclass(frozen=True)
class FramePartition:
    """Result for one frame.

    Attributes
    ----------
    frame, time_ps
    fragment : ndarray of int32 (N,)
        Smallest atom index of the atom's covalent fragment (the atom itself for alkali).
    species : ndarray of int32 (N,)
        Covalent-layer species of the atom (for alkali: metal or ion species).
    unit : ndarray of int32 (N,)
        Smallest atom index of the atom's unit.
    unit_species : ndarray of int32 (N,)
        Species of the unit (aggregate, molecule, ion, metal).
    state : ndarray of int8 (N,)
        0 covalent, 1 metal, 2 ion.
    unit_counts : dict
        species id -> number of units in this frame.
    fragment_counts : dict
        species id -> number of covalent fragments (aggregated anions included).
    bonds : ndarray (M, 2)
        Covalent bonds of the frame.
    ionic : IonicLayer or None
    """

    frame: int
    time_ps: float | None
    fragment: np.ndarray
    species: np.ndarray
    unit: np.ndarray
    unit_species: np.ndarray
    state: np.ndarray
    unit_counts: dict
    fragment_counts: dict
    bonds: np.ndarray
    ionic: IonicLayer | None


class Partitioner:
    """Turn frames into :class:`FramePartition` records.

    Parameters
    ----------
    symbols : ndarray of str
    bond_rules : BondRules
    contact_rules : ContactRules
    catalogue : SpeciesCatalogue, optional
        Shared catalogue (a new one by default).
    cache_frames : int
        Fragment signatures not seen for this many frames are forgotten.
    """

    def __init__(self, symbols: np.ndarray, bond_rules: BondRules = BondRules(),
                 contact_rules: ContactRules = ContactRules(), catalogue: SpeciesCatalogue | None = None,
                 cache_frames: int = 8) -> None:
        self.symbols = np.asarray(symbols)
        self.sym_list = self.symbols.tolist()
        self.n_atoms = len(symbols)
        self.bond_rules = bond_rules
        self.contact_rules = contact_rules
        self.catalogue = catalogue if catalogue is not None else SpeciesCatalogue()
        self.tracker = BondTracker(self.symbols, bond_rules)
        self.covalent = self.tracker.covalent
        self.alkali = np.flatnonzero(~self.covalent).astype(np.int64)
        self.cache_frames = cache_frames
        self._cache: dict[int, tuple[int, np.ndarray, int]] = {}
        self._n_seen = 0
        self._contact_cut = self._contact_matrix()

    def _contact_matrix(self) -> np.ndarray:
        elements = self.tracker.elements
        cut = np.zeros((len(elements), len(elements)))
        for a, ea in enumerate(elements):
            for b, eb in enumerate(elements):
                if ea in ALKALI and eb in ALKALI:
                    cut[a, b] = min(self.contact_rules.metal(ea), self.contact_rules.metal(eb))
                elif ea in ALKALI:
                    cut[a, b] = cut[b, a] = self.contact_rules.contact(ea, eb)
        return cut

    # ------------------------------------------------------------------
    def partition(self, frame: Frame) -> FramePartition:
        """Partition one frame (frames must come in trajectory order for hysteresis)."""
        n = self.n_atoms
        t = frame.time_ps
        pairs = self.tracker.update(frame)
        frags = find_fragments(n, pairs, self.covalent)
        n_frag = len(frags)
        frag_species = np.empty(n_frag, dtype=np.int64)
        anion_site = np.zeros(n, dtype=bool)
        cache = self._cache
        stamp = self._n_seen
        catalogue = self.catalogue
        sigs = frags.signatures.tolist()
        for k in range(n_frag):
            hit = cache.get(sigs[k])
            if hit is None:
                atoms = frags.atoms_of(k)
                local = np.searchsorted(atoms, frags.bonds_of(k))
                sid, is_site = catalogue.molecule([self.sym_list[a] for a in atoms], local.tolist(),
                                                  frame.index, t)
                sites = atoms[is_site]
                cache[sigs[k]] = (sid, sites, stamp)
            else:
                sid, sites, _ = hit
                catalogue.seen(sid, frame.index, t)
                cache[sigs[k]] = (sid, sites, stamp)
            frag_species[k] = sid
            if len(sites):
                anion_site[sites] = True
        self._n_seen += 1
        if self._n_seen % self.cache_frames == 0:
            old = stamp - self.cache_frames
            self._cache = {s: v for s, v in cache.items() if v[2] > old}

        fragment = np.arange(n, dtype=np.int64)
        cov = frags.atom_fragment >= 0
        fragment[cov] = frags.labels[frags.atom_fragment[cov]]
        species = np.full(n, -1, dtype=np.int64)
        species[cov] = frag_species[frags.atom_fragment[cov]]
        unit = fragment.copy()
        unit_species = species.copy()
        state = np.zeros(n, dtype=np.int8)
        fragment_counts = _count(frag_species)

        ionic = None
        if len(self.alkali):
            ionic = self._ionic(frame, frags, anion_site)
            frag_agg = ionic.fragment_aggregate
            alk_agg = ionic.alkali_aggregate
            state[self.alkali] = ionic.state
            for slot, atom in enumerate(self.alkali.tolist()):
                el = self.sym_list[atom]
                kind = "metal" if ionic.state[slot] == METAL else "ion"
                species[atom] = catalogue.single(kind, el, frame.index, t)
            unit_species[self.alkali] = species[self.alkali]
            if ionic.n_aggregates:
                agg_species, agg_label = self._aggregates(ionic, frags, frag_species, frame)
                in_agg_frag = frag_agg >= 0
                atom_agg = np.full(n, -1, dtype=np.int64)
                atom_agg[cov] = frag_agg[frags.atom_fragment[cov]]
                atom_agg[self.alkali] = alk_agg
                m = atom_agg >= 0
                unit[m] = agg_label[atom_agg[m]]
                unit_species[m] = agg_species[atom_agg[m]]
                free_frag = frag_species[~in_agg_frag]
            else:
                free_frag = frag_species
            unit_counts = _count(np.concatenate([free_frag, species[self.alkali][ionic.alkali_aggregate < 0],
                                                 agg_species if ionic.n_aggregates else np.empty(0, np.int64)]))
        else:
            unit_counts = fragment_counts
        return FramePartition(frame=frame.index, time_ps=t, fragment=fragment.astype(np.int32),
                              species=species.astype(np.int32), unit=unit.astype(np.int32),
                              unit_species=unit_species.astype(np.int32), state=state,
                              unit_counts=unit_counts, fragment_counts=fragment_counts, bonds=pairs, ionic=ionic)

    def _ionic(self, frame: Frame, frags, anion_site: np.ndarray) -> IonicLayer:
        if frame.positions is not None:
            i, j, _ = neighbor_pairs(frame.positions, frame.cell, self.tracker.codes, self._contact_cut, self.alkali)
        else:  # bond-order files: alkali contacts are the listed bonds above the cutoff
            b = frame.bonds
            keep = b.orders > self.bond_rules.bond_order_cutoff
            p = b.pairs[keep]
            alk = ~self.covalent
            p = p[alk[p[:, 0]] | alk[p[:, 1]]]
            swap = ~alk[p[:, 0]]
            i = np.where(swap, p[:, 1], p[:, 0])
            j = np.where(swap, p[:, 0], p[:, 1])
        rules = self.contact_rules
        return ionic_layer(self.n_atoms, self.alkali, i, j, frags.atom_fragment, anion_site, frags.labels,
                           rules.metal_min_alkali, rules.metal_max_hetero)

    def _aggregates(self, ionic: IonicLayer, frags, frag_species: np.ndarray, frame: Frame):
        n_agg = ionic.n_aggregates
        ions = [[] for _ in range(n_agg)]
        anions = [[] for _ in range(n_agg)]
        label = np.full(n_agg, np.iinfo(np.int64).max, dtype=np.int64)
        for slot in np.flatnonzero(ionic.alkali_aggregate >= 0).tolist():
            a = ionic.alkali_aggregate[slot]
            atom = int(self.alkali[slot])
            ions[a].append(self.sym_list[atom])
            label[a] = min(label[a], atom)
        for k in np.flatnonzero(ionic.fragment_aggregate >= 0).tolist():
            a = ionic.fragment_aggregate[k]
            anions[a].append(k)
            label[a] = min(label[a], int(frags.labels[k]))
        out = np.empty(n_agg, dtype=np.int64)
        for a in range(n_agg):
            sids = [int(frag_species[k]) for k in anions[a]]
            syms = [self.sym_list[x] for k in anions[a] for x in frags.atoms_of(k).tolist()]
            out[a] = self.catalogue.aggregate(ions[a], sids, syms, frame.index, frame.time_ps)
        return out, label


def _count(species: np.ndarray) -> dict:
    if len(species) == 0:
        return {}
    ids, counts = np.unique(species, return_counts=True)
    return dict(zip(ids.tolist(), counts.tolist()))
