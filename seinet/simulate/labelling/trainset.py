"""Labelled structures as a NEP training set (``train.xyz``/``test.xyz``, extended XYZ).

What GPUMD's ``nep`` (``src/main_nep/structure.cu``) and neppo read from each frame:

- line 1: the number of atoms;
- line 2 (keys case-insensitive): ``energy=`` total energy in eV (required), ``Lattice="..."``
  (required, also for molecules: NEP treats every structure as periodic), optional
  ``stress="9 values"`` (eV/Å^3, ASE's sign; nep turns it into the virial -V σ) or
  ``virial=``, ``weight=``, ``config_type=``, ``charge=`` (total charge, qNEP) and
  ``Properties=species:S:1:pos:R:3:forces:R:3`` (``force`` or ``forces``);
- one line per atom: symbol, x y z (Å), fx fy fz (eV/Å).

:func:`write_training_xyz` writes exactly that through ASE's extxyz writer, nothing else per
atom (partial charges and other arrays are dropped). A structure without periodic directions
gets an orthorhombic box with ``vacuum_A`` between periodic images (more than any NEP cutoff)
and ``pbc="F F F"``; the stress is written for fully periodic cells only.
``reference_energies`` (eV per element) are subtracted from the energies: nep trains in single
precision and warns below -100 eV/atom, which DFT total energies with pseudopotentials reach
(PBE/GTH water: -156 eV/atom).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ..errors import SimulationConfigError

__all__ = ["write_training_xyz", "TRAINING_INFO_KEYS"]

#: ``atoms.info`` keys carried into the comment line.
TRAINING_INFO_KEYS = ("config_type", "weight", "label_method")


def _boxed(atoms, vacuum_A: float):
    """Centre an isolated structure in a box leaving ``vacuum_A`` between periodic images."""
    extent = np.ptp(atoms.positions, axis=0) if len(atoms) > 1 else np.zeros(3)
    atoms.set_cell(extent + vacuum_A)
    atoms.center()
    return atoms


def write_training_xyz(structures, path: str | os.PathLike, *, reference_energies: dict | None = None,
                       vacuum_A: float = 12.0, append: bool = False) -> Path:
    """Write labelled structures as a NEP ``train.xyz``.

    Parameters
    ----------
    structures : ase.Atoms or sequence of ase.Atoms
        Structures with a calculator holding energy and forces (what :func:`label` returns,
        or anything ``ase.io.read`` gives with energies and forces).
    path : path
    reference_energies : dict, optional
        Element -> energy in eV subtracted once per atom of that element.
    vacuum_A : float
        Gap between the periodic images of an isolated structure.
    append : bool
        Add to an existing file instead of replacing it.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    SimulationConfigError
        A structure without energy or forces, or an element missing from ``reference_energies``.
    """
    import ase.io
    from ase.calculators.singlepoint import SinglePointCalculator

    if hasattr(structures, "get_positions"):
        structures = [structures]
    frames = []
    for index, atoms in enumerate(structures):
        results = getattr(atoms.calc, "results", None) or {}
        if "energy" not in results or "forces" not in results:
            raise SimulationConfigError(f"structure {index} ({atoms.get_chemical_formula(mode='hill')}) has no energy "
                                        "and forces: label it first (seinet.simulate.labelling.label)")
        energy = float(results["energy"])
        if reference_energies is not None:
            missing = sorted(set(atoms.get_chemical_symbols()) - set(reference_energies))
            if missing:
                raise SimulationConfigError(f"reference_energies has no value for {', '.join(missing)}")
            energy -= float(sum(reference_energies[s] for s in atoms.get_chemical_symbols()))
        frame = atoms.__class__(symbols=atoms.get_chemical_symbols(), positions=atoms.get_positions(),
                                cell=atoms.get_cell(), pbc=atoms.get_pbc())
        if not frame.pbc.any():
            _boxed(frame, vacuum_A)
        for key in TRAINING_INFO_KEYS:
            if key in atoms.info:
                frame.info[key] = atoms.info[key]
        charge = int(atoms.info.get("charge", 0) or 0)
        if charge:
            frame.info["charge"] = charge
        values = {"energy": energy, "forces": np.asarray(results["forces"], dtype=float)}
        if "stress" in results and bool(np.all(frame.pbc)):
            values["stress"] = np.asarray(results["stress"], dtype=float)
        frame.calc = SinglePointCalculator(frame, **values)
        frames.append(frame)
    path = Path(path)
    ase.io.write(path, frames, format="extxyz", append=append)
    return path
