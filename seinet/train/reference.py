"""Per-element reference energies fitted to a training set.

NEP trains in single precision and one output bias cannot absorb energies that differ by
element: GFN1-xTB energies of the toy set of the tests run from -7.5 eV/atom (Na4) to
-132 eV/atom (PF6-). Subtracting ``sum_i mu(element_i)``, with ``mu`` the least-squares fit of
the total energies to the element counts, leaves what the network has to learn (within
0.14 eV/atom of zero on that set). The model then predicts
``E - sum mu``; that constant per composition changes no force, no MD and no energy difference
at fixed composition. :func:`seinet.train.train` writes the values to ``reference_energies.json``.
"""

from __future__ import annotations

import numpy as np

from ..simulate.errors import SimulationConfigError

__all__ = ["fit_reference_energies"]


def fit_reference_energies(structures) -> dict[str, float]:
    """Element -> energy (eV) minimising the squared error of ``E_total - sum of references``.

    Parameters
    ----------
    structures : sequence of ase.Atoms
        With an energy (``atoms.calc.results["energy"]``).

    Returns
    -------
    dict
        One value per element (C, H, then alphabetical); the minimum-norm solution
        (``numpy.linalg.lstsq``) when the compositions do not determine every element (two
        elements that always occur together in the same ratio share the energy).

    Raises
    ------
    SimulationConfigError
        No structures, or a structure without an energy.

    Notes
    -----
    O(n_structures x n_elements^2).
    """
    structures = list(structures)
    if not structures:
        raise SimulationConfigError("no structures to fit reference energies to")
    elements = sorted({s for atoms in structures for s in atoms.get_chemical_symbols()},
                      key=lambda s: (s != "C", s != "H", s))
    counts = np.zeros((len(structures), len(elements)))
    energies = np.zeros(len(structures))
    for i, atoms in enumerate(structures):
        results = getattr(atoms.calc, "results", None) or {}
        if "energy" not in results:
            raise SimulationConfigError(f"structure {i} ({atoms.get_chemical_formula(mode='hill')}) has no energy: "
                                        "label it first (seinet.simulate.labelling.label)")
        energies[i] = float(results["energy"])
        symbols = atoms.get_chemical_symbols()
        for j, element in enumerate(elements):
            counts[i, j] = symbols.count(element)
    mu, *_ = np.linalg.lstsq(counts, energies, rcond=None)
    return {element: float(value) for element, value in zip(elements, mu)}
