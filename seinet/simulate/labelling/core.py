"""What every labelling backend shares: the result record, charge and spin, attaching results.

A backend is a function ``(item, settings, workdir) -> LabelResult`` with ``item = (index,
atoms)``; it runs in a dask worker or in the calling process and returns plain numbers, so
only numpy arrays travel back. :func:`attach` puts them on a copy of the input structure as
an ASE ``SinglePointCalculator``: ``atoms.get_potential_energy()`` (eV), ``get_forces()``
(eV/Å), ``get_stress()`` (eV/Å^3, ASE sign: positive under tension; periodic cells only)
and ``get_charges()`` (e, when the method gives them) then work as for any calculator, and
``ase.io.write(..., format="extxyz")`` writes them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import SimulationConfigError

__all__ = ["LabelResult", "charge_and_multiplicity", "attach", "structure_name"]


@dataclass(frozen=True)
class LabelResult:
    """One labelled structure, as a backend returns it.

    Attributes
    ----------
    index : int
        Position of the structure in the input list.
    energy : float
        Total energy in eV.
    forces : numpy.ndarray
        (n, 3) forces in eV/Å.
    stress : numpy.ndarray or None
        Voigt stress (xx, yy, zz, yz, xz, xy) in eV/Å^3, ASE's sign; fully periodic cells only.
    charges : numpy.ndarray or None
        Per-atom partial charges in e (GFN1-xTB Mulliken charges), when the method gives them.
    method : str
        Level of theory without spaces, for example ``GFN1-xTB`` or
        ``PBE/DZVP-MOLOPT-SR-GTH/GTH-PBE/400Ry``.
    charge, multiplicity : int
        Total charge and spin multiplicity the calculation used.
    wall_s : float
        Wall time of the single point (not written to files: they stay byte-identical).
    """

    index: int
    energy: float
    forces: np.ndarray
    stress: np.ndarray | None
    charges: np.ndarray | None
    method: str
    charge: int
    multiplicity: int
    wall_s: float = 0.0


def structure_name(index: int, atoms) -> str:
    """``structure 3 (H2O)``: how errors and logs name a structure."""
    return f"structure {index} ({atoms.get_chemical_formula(mode='hill')})"


def charge_and_multiplicity(atoms, charge: int = 0, multiplicity: int | None = None) -> tuple[int, int]:
    """Total charge and spin multiplicity of ``atoms``.

    ``atoms.info["charge"]`` and ``atoms.info["multiplicity"]`` override the backend-wide
    values. Without a multiplicity, an even number of electrons gives a singlet and an odd
    number a doublet (the parity of the valence electrons is that of sum(Z) - charge: the
    frozen cores of the GTH and xTB parametrisations hold an even number of electrons).

    Raises
    ------
    SimulationConfigError
        A multiplicity whose parity does not match the number of electrons.
    """
    q = int(atoms.info.get("charge", charge))
    m = atoms.info.get("multiplicity", multiplicity)
    n_electrons = int(atoms.get_atomic_numbers().sum()) - q
    if m is None:
        return q, 1 if n_electrons % 2 == 0 else 2
    m = int(m)
    if m < 1 or (n_electrons - (m - 1)) % 2:
        raise SimulationConfigError(f"multiplicity {m} is impossible for {atoms.get_chemical_formula(mode='hill')} "
                                    f"with charge {q} ({n_electrons} electrons)")
    return q, m


def attach(atoms, result: LabelResult, backend: str):
    """A copy of ``atoms`` carrying ``result`` as a SinglePointCalculator.

    ``info`` gains ``label_backend``, ``label_method``, ``charge`` and ``multiplicity``; the
    copy keeps the input's positions, cell, pbc and arrays.
    """
    from ase.calculators.singlepoint import SinglePointCalculator

    out = atoms.copy()
    out.info.update(label_backend=backend, label_method=result.method, charge=int(result.charge),
                    multiplicity=int(result.multiplicity))
    values = {"energy": float(result.energy), "forces": np.asarray(result.forces, dtype=float)}
    if result.stress is not None:
        values["stress"] = np.asarray(result.stress, dtype=float)
    if result.charges is not None:
        values["charges"] = np.asarray(result.charges, dtype=float)
    out.calc = SinglePointCalculator(out, **values)
    return out
