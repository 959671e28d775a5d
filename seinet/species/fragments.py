"""Covalent fragments of one frame: connected components and instance signatures.

A fragment is a connected component of the covalent bond graph over the
non-alkali atoms. Each fragment gets

* ``label``: its smallest atom index (independent of how components are found);
* ``signature``: a 64-bit order-independent hash of its atom set and bond set,
  so a fragment that did not change since an earlier frame is recognised
  without looking at its graph again (:class:`~seinet.species.partition.Partitioner`).

Notes
-----
O(N + M): union-find (numba), two sorts and segment reductions; no per-atom
Python loop.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

__all__ = ["Fragments", "find_fragments", "mix64"]

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def mix64(x: np.ndarray, salt: int) -> np.ndarray:
    """SplitMix64 finaliser of ``x + salt`` (uint64, wraps), a well-mixed hash of integers."""
    z = x.astype(np.uint64) + np.uint64(salt)
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    return z ^ (z >> np.uint64(31))


@dataclass(frozen=True)
class Fragments:
    """Fragments of one frame.

    Attributes
    ----------
    atom_fragment : ndarray of int64 (N,)
        Fragment number of each atom (0..n-1, in order of label); -1 for alkali atoms.
    labels : ndarray of int64 (n,)
        Smallest atom index of each fragment.
    signatures : ndarray of uint64 (n,)
        Order-independent hash of (atom set, bond set).
    atoms : ndarray of int64
        Atom indices grouped by fragment (ascending within a fragment).
    atom_start : ndarray of int64 (n+1,)
        ``atoms[atom_start[k]:atom_start[k+1]]`` are the atoms of fragment k.
    bonds : ndarray of int64 (M, 2)
        Bonds grouped by fragment.
    bond_start : ndarray of int64 (n+1,)
    """

    atom_fragment: np.ndarray
    labels: np.ndarray
    signatures: np.ndarray
    atoms: np.ndarray
    atom_start: np.ndarray
    bonds: np.ndarray
    bond_start: np.ndarray

    def __len__(self) -> int:
        return len(self.labels)

    def atoms_of(self, k: int) -> np.ndarray:
        return self.atoms[self.atom_start[k]:self.atom_start[k + 1]]

    def bonds_of(self, k: int) -> np.ndarray:
        return self.bonds[self.bond_start[k]:self.bond_start[k + 1]]


@njit(cache=True, nogil=True)
def _components(n_atoms, pairs, covalent):
    """Union-find over bonds; returns fragment number per atom (-1 for non-covalent),
    fragments numbered in order of their smallest atom."""
    parent = np.arange(n_atoms)
    for k in range(pairs.shape[0]):
        a = pairs[k, 0]
        b = pairs[k, 1]
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        while parent[b] != b:
            parent[b] = parent[parent[b]]
            b = parent[b]
        if a != b:
            if a < b:
                parent[b] = a
            else:
                parent[a] = b
    frag = np.full(n_atoms, -1, dtype=np.int64)
    number = np.full(n_atoms, -1, dtype=np.int64)
    n = 0
    for i in range(n_atoms):  # ascending i: a root is met at its smallest member first
        if not covalent[i]:
            continue
        r = i
        while parent[r] != r:
            r = parent[r]
        parent[i] = r
        if number[r] < 0:
            number[r] = n
            n += 1
        frag[i] = number[r]
    return frag, n


def find_fragments(n_atoms: int, pairs: np.ndarray, covalent: np.ndarray) -> Fragments:
    """Connected components of the bond graph over covalent-capable atoms.

    Parameters
    ----------
    n_atoms : int
    pairs : ndarray (M, 2)
        Bonds ``i < j`` between covalent-capable atoms.
    covalent : ndarray of bool (N,)
        False for alkali atoms, which belong to no fragment.
    """
    pairs = np.ascontiguousarray(pairs, dtype=np.int64).reshape(-1, 2)
    atom_fragment, n_frag = _components(n_atoms, pairs, np.ascontiguousarray(covalent, dtype=np.bool_))
    members = np.flatnonzero(atom_fragment >= 0)
    order = np.argsort(atom_fragment[members], kind="stable")
    atoms = members[order]
    atom_start = np.searchsorted(atom_fragment[atoms], np.arange(n_frag + 1))
    labels = atoms[atom_start[:-1]] if n_frag else np.empty(0, np.int64)

    bond_frag = atom_fragment[pairs[:, 0]]
    border = np.argsort(bond_frag, kind="stable")
    bonds = pairs[border]
    bond_start = np.searchsorted(bond_frag[border], np.arange(n_frag + 1))

    sig = np.zeros(n_frag, dtype=np.uint64)
    if n_frag:
        h_atoms = mix64(atoms, 0x9E3779B97F4A7C15)
        sig = np.add.reduceat(h_atoms, atom_start[:-1])
        if len(bonds):
            h_bonds = mix64(bonds[:, 0] * np.int64(n_atoms) + bonds[:, 1], 0x632BE59BD9B4E019)
            counts = np.diff(bond_start)
            nonempty = counts > 0
            bsum = np.zeros(n_frag, dtype=np.uint64)
            bsum[nonempty] = np.add.reduceat(h_bonds, bond_start[:-1][nonempty])
            sig = sig ^ mix64(bsum, 0x2545F4914F6CDD1D)
    return Fragments(atom_fragment, labels, sig, atoms, atom_start, bonds, bond_start)
