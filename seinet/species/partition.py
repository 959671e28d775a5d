"""Per-frame partition of all atoms into species units.

Every atom belongs to exactly one **unit** per frame: a covalent fragment that is
not in an aggregate, an ionic aggregate, a free alkali ion, or a metallic alkali
atom. ``species_counts`` counts units; the covalent layer (fragments, including
those inside aggregates) is kept as well because reactions are defined on it.

:class:`Partitioner` is the per-frame driver. It keeps three pieces of state,
all bounded by the size of one frame, not by the number of frames:

* the previous frame's bonds (hysteresis, :class:`~seinet.bonds.BondTracker`);
* a :class:`FragmentCache` ``fragment signature -> (species id, anion-site atoms)``
  holding the fragments of the last ``cache_frames`` frames, so unchanged molecules
  cost one vectorised look-up per frame and a molecule flickering between two
  states is not canonicalised again;
* the :class:`~seinet.species.SpeciesCatalogue`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..bonds import BondRules, BondTracker, ContactRules
from ..bonds.neighbors import neighbor_pairs
from ..elements import ALKALI, OXIDISING
from ..frame import Frame
from .catalogue import SpeciesCatalogue
from .fragments import find_fragments
from .ionic import ION, METAL, IonicLayer, ionic_layer

__all__ = ["FramePartition", "Partitioner", "PreparedFrame", "STATE_COVALENT", "STATE_METAL", "STATE_ION"]

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
    positions, cell, symbols : ndarray or None
        The frame's own arrays (references, not copies), for stages that need geometry.
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
    positions: np.ndarray | None = None
    cell: np.ndarray | None = None
    symbols: np.ndarray | None = None


@dataclass(frozen=True)
class PreparedFrame:
    """A frame with its stateless neighbour searches done (see :meth:`Partitioner.prepare`)."""

    frame: Frame
    bond_candidates: tuple | None
    contacts: tuple | None


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
        self._cache = FragmentCache(cache_frames)
        self._contact_cut = self._contact_matrix()
        self._oxidising = np.isin(self.symbols, list(OXIDISING))

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
    def prepare(self, frame: Frame) -> PreparedFrame:
        """The stateless, expensive part of a frame: bond candidates and alkali contacts.

        Safe to call from another thread, ahead of :meth:`partition` (the read-ahead
        thread of :class:`~seinet.species.analysis.SpeciesAnalysis` does): it reads only
        this object's fixed configuration.
        """
        return PreparedFrame(frame, self.tracker.candidates(frame), self._contacts(frame))

    def partition(self, frame: Frame | PreparedFrame) -> FramePartition:
        """Partition one frame (frames must come in trajectory order for hysteresis)."""
        prepared = frame if isinstance(frame, PreparedFrame) else self.prepare(frame)
        frame = prepared.frame
        n = self.n_atoms
        t = frame.time_ps
        catalogue = self.catalogue
        pairs = self.tracker.update(frame, prepared.bond_candidates)
        frags = find_fragments(n, pairs, self.covalent)
        frag_species, sites = self._identify(frags, frame)
        anion_site = np.zeros(n, dtype=bool)
        if len(sites):
            anion_site[sites] = True

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
            ionic = self._ionic(frame, frags, anion_site, prepared.contacts)
            frag_agg = ionic.fragment_aggregate
            alk_agg = ionic.alkali_aggregate
            state[self.alkali] = ionic.state
            alk_sym = self.symbols[self.alkali]
            for el in np.unique(alk_sym).tolist():
                for kind, code in (("metal", METAL), ("ion", ION)):
                    sel = (alk_sym == el) & (ionic.state == code)
                    if sel.any():
                        species[self.alkali[sel]] = catalogue.single(kind, el, frame.index, t)
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
                              unit_counts=unit_counts, fragment_counts=fragment_counts, bonds=pairs, ionic=ionic,
                              positions=frame.positions, cell=frame.cell, symbols=frame.symbols)

    def _identify(self, frags, frame: Frame) -> tuple[np.ndarray, np.ndarray]:
        """Species of every fragment and all anion-site atoms; only unseen fragments reach Python."""
        cache = self._cache
        frag_species, has_sites = cache.lookup(frags.signatures)
        site_lists = []
        for k in np.flatnonzero(has_sites).tolist():
            site_lists.append(cache.sites[int(frags.signatures[k])])
        misses = np.flatnonzero(frag_species < 0)
        new_sites = {}
        for k in misses.tolist():
            atoms = frags.atoms_of(k)
            local = np.searchsorted(atoms, frags.bonds_of(k))
            sid, is_site = self.catalogue.molecule([self.sym_list[a] for a in atoms.tolist()], local.tolist(),
                                                   frame.index, frame.time_ps)
            frag_species[k] = sid
            if is_site.any():
                has_sites[k] = True
                new_sites[int(frags.signatures[k])] = atoms[is_site]
                site_lists.append(atoms[is_site])
        cache.update(frags.signatures, frag_species, has_sites, new_sites)
        sites = np.concatenate(site_lists) if site_lists else np.empty(0, np.int64)
        return frag_species, sites

    def _contacts(self, frame: Frame) -> tuple[np.ndarray, np.ndarray] | None:
        """Alkali contact pairs (alkali atom, partner) from positions; None without alkali or positions."""
        if not len(self.alkali) or frame.positions is None:
            return None
        i, j, _ = neighbor_pairs(frame.positions, frame.cell, self.tracker.codes, self._contact_cut, self.alkali)
        return i, j

    def _ionic(self, frame: Frame, frags, anion_site: np.ndarray, contacts=None) -> IonicLayer:
        if frame.positions is not None:
            i, j = contacts if contacts is not None else self._contacts(frame)
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
                           rules.metal_min_alkali, rules.metal_max_hetero, self._oxidising)

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


class FragmentCache:
    """Fragments of the last ``keep`` frames: signature -> species id and anion-site atoms.

    Look-ups are one ``searchsorted`` over a sorted signature array for the whole
    frame. Memory is bounded by the fragments of ``keep`` frames.
    """

    def __init__(self, keep: int = 8) -> None:
        self.keep = keep
        self.sig = np.empty(0, dtype=np.uint64)
        self.sid = np.empty(0, dtype=np.int64)
        self.flag = np.empty(0, dtype=bool)
        self.stamp = np.empty(0, dtype=np.int64)
        self.sites: dict[int, np.ndarray] = {}
        self.now = 0

    def lookup(self, sigs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Species id (-1 when unknown) and has-anion-sites flag of each signature."""
        if len(self.sig) == 0:
            return np.full(len(sigs), -1, dtype=np.int64), np.zeros(len(sigs), dtype=bool)
        idx = np.minimum(np.searchsorted(self.sig, sigs), len(self.sig) - 1)
        hit = self.sig[idx] == sigs
        return np.where(hit, self.sid[idx], -1), hit & self.flag[idx]

    def update(self, sigs, sids, flags, new_sites: dict) -> None:
        self.now += 1
        self.sites.update(new_sites)
        alive = self.stamp > self.now - self.keep
        all_sig = np.concatenate([sigs, self.sig[alive]])
        uniq, first = np.unique(all_sig, return_index=True)  # current frame first: it wins
        self.sig = uniq
        self.sid = np.concatenate([sids, self.sid[alive]])[first]
        self.flag = np.concatenate([flags, self.flag[alive]])[first]
        self.stamp = np.concatenate([np.full(len(sigs), self.now), self.stamp[alive]])[first]
        if self.now % self.keep == 0 and self.sites:
            kept = set(self.sig[self.flag].tolist())
            self.sites = {k: v for k, v in self.sites.items() if k in kept}


def _count(species: np.ndarray) -> dict:
    if len(species) == 0:
        return {}
    ids, counts = np.unique(species, return_counts=True)
    return dict(zip(ids.tolist(), counts.tolist()))
