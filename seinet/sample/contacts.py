"""Closest contacts: whether a structure is physical enough to be worth a label.

A young model driven hot produces frames where atoms sit far closer than any bond (0.3-0.6 Å
seen in the toy loop, with GFN1-xTB forces of hundreds of eV/Å). Such a structure teaches a
potential nothing it will meet in a stable run and, trained on, it pulls the fit away from the
chemistry. The measure is the contact ratio of the closest pair,

    min_ij  d_ij / (r_i + r_j),

with ASE's covalent radii (Cordero et al. 2008): 0.79-1.2 for bonded pairs (C≡O in CO 1.13 Å /
1.42 Å = 0.79, C=O in CO2 0.82, C-H 1.02, H2 0.74 / 0.62 = 1.19, Na-F 2.31 / 2.23 = 1.04); 0.7
is where the reactor carving already calls a contact a clash.
"""

from __future__ import annotations

import numpy as np

__all__ = ["covalent_radii", "contact_ratio"]


def covalent_radii(symbols) -> np.ndarray:
    """ASE's covalent radii (Å) of ``symbols``."""
    from ase.data import atomic_numbers, covalent_radii as radii

    return np.array([radii[atomic_numbers[s]] for s in symbols])


def contact_ratio(atoms) -> float:
    """The closest pair's distance over the sum of its covalent radii (module docstring).

    Parameters
    ----------
    atoms : ase.Atoms
        Periodic where ``pbc`` says so (minimum image through ASE's neighbour list).

    Returns
    -------
    float
        ``inf`` for a structure with no pair within three times the largest covalent radius.

    Notes
    -----
    O(N) with ASE's linked-cell neighbour list.
    """
    from ase.neighborlist import neighbor_list

    radii = covalent_radii(atoms.get_chemical_symbols())
    if len(atoms) < 2:
        return float("inf")
    i, j, d = neighbor_list("ijd", atoms, float(3 * radii.max()))
    return float((d / (radii[i] + radii[j])).min()) if len(d) else float("inf")
