"""The ionic layer: metal or ion for every alkali atom, and ionic aggregates.

Rules (defaults in :class:`seinet.bonds.ContactRules`, reasons in docs/chemistry.md):

* an alkali atom is **metal** when it has at least ``metal_min_alkali`` alkali
  neighbours (within the metal cutoff, 3.95 Å for Na: between the bcc first and
  second shells) and at most ``metal_max_hetero`` contacts with electronegative
  atoms (O, N, F, S, halogens; not C or H); otherwise it is an **ion**;
* an ion is bound to a covalent fragment when it touches an **anion site** of it:
  an atom carrying negative formal charge in the fragment's perceived structure
  (F of fluoride, O- of carbonate/alkoxide, the oxide O). Neutral solvent O and
  the F of PF6- (whose charge sits on P) coordinate ions but do not bind them;
* an **aggregate** is a connected component of the ion--anion-fragment graph
  with at least one ion and one fragment: (NaF)n, Na2CO3, Na2O, alkoxides, Na2EDC.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

__all__ = ["IonicLayer", "ionic_layer", "METAL", "ION"]

METAL = 1
ION = 2


@dataclass(frozen=True)
class IonicLayer:
    """Ionic layer of one frame.

    Attributes
    ----------
    alkali : ndarray of int64 (K,)
        Indices of the alkali atoms.
    state : ndarray of int8 (K,)
        :data:`METAL` or :data:`ION`.
    n_alkali : ndarray of int64 (K,)
        Alkali neighbours within the metal cutoff.
    n_contacts : ndarray of int64 (K,)
        Electronegative (O, N, F, S, halogen) atoms within the contact cutoff.
    contact_i, contact_j : ndarray of int64
        Alkali--non-alkali contact pairs (alkali atom, partner atom).
    alkali_aggregate : ndarray of int64 (K,)
        Aggregate number of each alkali atom, -1 if none.
    fragment_aggregate : ndarray of int64 (n_fragments,)
        Aggregate number of each fragment, -1 if none.
    n_aggregates : int
    """

    alkali: np.ndarray
    state: np.ndarray
    n_alkali: np.ndarray
    n_contacts: np.ndarray
    contact_i: np.ndarray
    contact_j: np.ndarray
    alkali_aggregate: np.ndarray
    fragment_aggregate: np.ndarray
    n_aggregates: int


def ionic_layer(n_atoms: int, alkali: np.ndarray, pair_i: np.ndarray, pair_j: np.ndarray,
                atom_fragment: np.ndarray, anion_site: np.ndarray, fragment_labels: np.ndarray,
                metal_min_alkali: int = 4, metal_max_hetero: int = 2,
                oxidising: np.ndarray | None = None) -> IonicLayer:
    """Classify alkali atoms and find aggregates from contact pairs.

    Parameters
    ----------
    n_atoms : int
    alkali : ndarray of int64 (K,)
    pair_i, pair_j : ndarray of int64
        Contacts with ``pair_i`` an alkali atom; ``pair_j`` alkali (metal
        neighbour) or not (coordination contact). Alkali-alkali pairs appear once.
    atom_fragment : ndarray (N,)
        Fragment number of each atom (-1 for alkali).
    anion_site : ndarray of bool (N,)
    fragment_labels : ndarray of int64 (n_fragments,)
        Smallest atom index of each fragment.
    oxidising : ndarray of bool (N,), optional
        Atoms whose contacts count against the metal test (O, N, F, S, halogens);
        C-H...Na van der Waals contacts do not oxidise a surface atom. Default: all.

    Notes
    -----
    O(K + contacts + fragments).
    """
    n_fragments = len(fragment_labels)
    slot = np.full(n_atoms, -1, dtype=np.int64)
    slot[alkali] = np.arange(len(alkali))
    k = len(alkali)
    both = slot[pair_j] >= 0
    n_alk = np.bincount(slot[pair_i[both]], minlength=k) + np.bincount(slot[pair_j[both]], minlength=k)
    ci, cj = pair_i[~both], pair_j[~both]
    counted = ci if oxidising is None else ci[oxidising[cj]]
    n_het = np.bincount(slot[counted], minlength=k)
    state = np.where((n_alk >= metal_min_alkali) & (n_het <= metal_max_hetero), METAL, ION).astype(np.int8)

    is_ion = state[slot[ci]] == ION
    bind = is_ion & anion_site[cj]
    ion_nodes = slot[ci[bind]]
    frag_nodes = k + atom_fragment[cj[bind]]
    graph = coo_matrix((np.ones(len(ion_nodes), np.int8), (ion_nodes, frag_nodes)),
                       shape=(k + n_fragments, k + n_fragments))
    _, comp = connected_components(graph, directed=False)
    has_ion = np.zeros(comp.max() + 1 if len(comp) else 0, dtype=bool)
    has_frag = np.zeros_like(has_ion)
    has_ion[comp[ion_nodes]] = True
    has_frag[comp[frag_nodes]] = True
    real = has_ion & has_frag
    # number aggregates by their smallest member atom (deterministic, order-free)
    node_atom = np.concatenate([alkali, fragment_labels])
    agg_comps = np.flatnonzero(real)
    agg_of = np.full(len(real), -1, dtype=np.int64)
    if len(agg_comps):
        in_agg = real[comp]
        min_atom = np.full(len(real), np.iinfo(np.int64).max)
        np.minimum.at(min_atom, comp[in_agg], node_atom[in_agg])
        order = np.argsort(min_atom[agg_comps], kind="stable")
        agg_of[agg_comps[order]] = np.arange(len(agg_comps))
    node_agg = agg_of[comp] if len(comp) else np.empty(0, np.int64)
    return IonicLayer(alkali=alkali, state=state, n_alkali=n_alk, n_contacts=n_het, contact_i=ci, contact_j=cj,
                      alkali_aggregate=node_agg[:k], fragment_aggregate=node_agg[k:], n_aggregates=len(agg_comps))

