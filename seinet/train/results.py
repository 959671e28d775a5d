"""Reading a finished training directory: loss curves, parity tables and RMSEs.

The prediction files are GPUMD's (neppo writes the same, ``neppo/output.py``), one row per
structure or atom in the order of ``train.xyz`` / ``test.xyz``, predicted values first:

- ``energy_*.out``, one row per structure: predicted and target energy (eV/atom);
- ``force_*.out``, one row per atom: predicted fx fy fz, then target fx fy fz (eV/Å);
- ``virial_*.out``, one row per structure: predicted and target xx yy zz xy yz zx (eV/atom),
  target -1e6 for a structure without a virial (molecules);
- ``charge_*.out`` (qNEP), one row per atom: the predicted raw charge (e) before the shift to
  the structure's total charge; no target;
- ``reference_charge_*.out`` (written by seinet), one row per atom: the labels' partial charges
  (e; GFN1-xTB Mulliken), ``nan`` where a structure has none.

RMSEs (:func:`compute_rmse`) follow neppo's definitions (``neppo/trainer.py``, ``_evaluate``):
energy over structures in meV/atom, force over all components in meV/Å, virial over the six
components of the structures that have one in meV/atom, and for a qNEP the charge error
``(sum of raw charges - total charge) / n_atoms`` per structure in e/atom. seinet adds
``partial_charge_e``: predicted charges (shifted to the total charge, as calorine's ``CPUNEP``
and GPUMD report them) against the reference partial charges. A qNEP is not fitted to partial
charges (only to energies, forces, virials, total charges and Born charges), so that column
compares a by-product with a population analysis, nothing more.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["ParityData", "read_parity", "compute_rmse", "read_loss", "read_neppo_summary", "RMSE_COLUMNS",
           "write_reference_charges", "MISSING_TARGET"]

#: Target value of a structure without a virial in ``virial_*.out``.
MISSING_TARGET = -1e6
#: Columns of an RMSE row, in order (NaN where a quantity does not apply).
RMSE_COLUMNS = ("n_structures", "n_atoms", "energy_meV_per_atom", "force_meV_per_A", "virial_meV_per_atom",
                "charge_e_per_atom", "partial_charge_e")
_VIRIAL_COMPONENTS = ("xx", "yy", "zz", "xy", "yz", "zx")


@dataclass(frozen=True)
class ParityData:
    """Predicted against target values of one set (``train`` or ``test``), as tidy tables.

    Attributes
    ----------
    label : str
    energy : DataFrame
        structure, config_type, n_atoms, predicted_eV_per_atom, target_eV_per_atom.
    force : DataFrame
        structure, atom, species, component (x, y, z), predicted_eV_per_A, target_eV_per_A.
    virial : DataFrame
        structure, component, predicted_eV_per_atom, target_eV_per_atom (structures with a virial).
    charge : DataFrame or None
        qNEP: structure, atom, species, raw_e, predicted_e (shifted to the total charge), reference_e.
    total_charge : DataFrame or None
        qNEP: structure, n_atoms, predicted_e_per_atom (sum of raw charges / n), target_e_per_atom.
    """

    label: str
    energy: pd.DataFrame
    force: pd.DataFrame
    virial: pd.DataFrame
    charge: pd.DataFrame | None = None
    total_charge: pd.DataFrame | None = None


def _table(path: Path, columns: int) -> np.ndarray:
    data = np.loadtxt(path, ndmin=2)
    if data.size == 0:
        return np.zeros((0, columns))
    if data.shape[1] != columns:
        raise ValueError(f"{path}: expected {columns} columns, found {data.shape[1]}")
    return data


def _structures(directory: Path, label: str) -> list:
    import ase.io

    path = directory / f"{label}.xyz"
    return ase.io.read(path, ":", format="extxyz") if path.is_file() and path.stat().st_size else []


def read_parity(directory: str | os.PathLike, label: str = "train") -> ParityData | None:
    """The parity tables of ``label`` in a training directory (None when the set is absent).

    Parameters
    ----------
    directory : path
        Holds ``{label}.xyz`` and the trainer's ``*_{label}.out`` files.
    label : {"train", "test"}

    Raises
    ------
    ValueError
        A prediction file whose rows do not match ``{label}.xyz``.
    """
    directory = Path(directory)
    structures = _structures(directory, label)
    if not structures or not (directory / f"energy_{label}.out").is_file():
        return None
    n_atoms = np.array([len(a) for a in structures])
    structure_of_atom = np.repeat(np.arange(len(structures)), n_atoms)
    atom_index = np.concatenate([np.arange(n) for n in n_atoms])
    species = np.concatenate([a.get_chemical_symbols() for a in structures])
    config = [str(a.info.get("config_type", "")) for a in structures]

    e = _table(directory / f"energy_{label}.out", 2)
    f = _table(directory / f"force_{label}.out", 6)
    if len(e) != len(structures) or len(f) != n_atoms.sum():
        raise ValueError(f"{directory}: energy_{label}.out / force_{label}.out do not match {label}.xyz "
                         f"({len(e)} structures, {len(f)} atoms against {len(structures)}, {n_atoms.sum()})")
    energy = pd.DataFrame({"structure": np.arange(len(structures)), "config_type": config, "n_atoms": n_atoms,
                           "predicted_eV_per_atom": e[:, 0], "target_eV_per_atom": e[:, 1]})
    force = pd.DataFrame({"structure": np.repeat(structure_of_atom, 3), "atom": np.repeat(atom_index, 3),
                          "species": np.repeat(species, 3), "component": np.tile(["x", "y", "z"], len(f)),
                          "predicted_eV_per_A": f[:, :3].ravel(), "target_eV_per_A": f[:, 3:].ravel()})
    virial = pd.DataFrame(columns=["structure", "component", "predicted_eV_per_atom", "target_eV_per_atom"])
    if (directory / f"virial_{label}.out").is_file():
        v = _table(directory / f"virial_{label}.out", 12)
        has = ~np.any(v[:, 6:] <= MISSING_TARGET / 2, axis=1)
        idx = np.flatnonzero(has)
        virial = pd.DataFrame({"structure": np.repeat(idx, 6), "component": np.tile(_VIRIAL_COMPONENTS, len(idx)),
                               "predicted_eV_per_atom": v[idx, :6].ravel(), "target_eV_per_atom": v[idx, 6:].ravel()})
    charge = total = None
    if (directory / f"charge_{label}.out").is_file():
        raw = _table(directory / f"charge_{label}.out", 1)[:, 0]
        if len(raw) != n_atoms.sum():
            raise ValueError(f"{directory}: charge_{label}.out has {len(raw)} rows for {n_atoms.sum()} atoms")
        q_total = np.array([float(a.info.get("charge", 0) or 0) for a in structures])
        raw_total = np.bincount(structure_of_atom, weights=raw, minlength=len(structures))
        shifted = raw - ((raw_total - q_total) / n_atoms)[structure_of_atom]
        reference = np.full(len(raw), np.nan)
        ref_path = directory / f"reference_charge_{label}.out"
        if ref_path.is_file():
            ref = _table(ref_path, 1)[:, 0]
            if len(ref) == len(raw):
                reference = ref
        charge = pd.DataFrame({"structure": structure_of_atom, "atom": atom_index, "species": species,
                               "raw_e": raw, "predicted_e": shifted, "reference_e": reference})
        total = pd.DataFrame({"structure": np.arange(len(structures)), "n_atoms": n_atoms,
                              "predicted_e_per_atom": raw_total / n_atoms, "target_e_per_atom": q_total / n_atoms})
    return ParityData(label, energy, force, virial, charge, total)


def _rms(x) -> float:
    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x)]
    return float(np.sqrt(np.mean(x * x))) if len(x) else math.nan


def compute_rmse(parity: ParityData) -> dict[str, float]:
    """RMSEs of one set, in the units of :data:`RMSE_COLUMNS` (module docstring for definitions).

    Notes
    -----
    O(number of atoms).
    """
    e = parity.energy
    row = {"n_structures": int(len(e)), "n_atoms": int(e["n_atoms"].sum()),
           "energy_meV_per_atom": 1e3 * _rms(e["predicted_eV_per_atom"] - e["target_eV_per_atom"]),
           "force_meV_per_A": 1e3 * _rms(parity.force["predicted_eV_per_A"] - parity.force["target_eV_per_A"]),
           "virial_meV_per_atom": 1e3 * _rms(parity.virial["predicted_eV_per_atom"].astype(float)
                                             - parity.virial["target_eV_per_atom"].astype(float)),
           "charge_e_per_atom": math.nan, "partial_charge_e": math.nan}
    if parity.total_charge is not None:
        row["charge_e_per_atom"] = _rms(parity.total_charge["predicted_e_per_atom"]
                                        - parity.total_charge["target_e_per_atom"])
        row["partial_charge_e"] = _rms(parity.charge["predicted_e"] - parity.charge["reference_e"])
    return row


def read_loss(directory: str | os.PathLike) -> pd.DataFrame:
    """``loss.out`` as a DataFrame indexed by generation (calorine's :func:`calorine.nep.read_loss`).

    Columns ``total_loss``, ``L1``, ``L2`` where present, ``RMSE_E_train``, ``RMSE_F_train``,
    ``RMSE_V_train``, ``RMSE_Q_train`` (qNEP) and the same for ``test``; energies and virials
    in eV/atom, forces in eV/Å, charges in e/atom.
    """
    from calorine.nep import read_loss as _read_loss

    return _read_loss(str(Path(directory) / "loss.out"))


_SUMMARY = re.compile(r"^RMSE (train|test)\s*:\s*(.*)$")
_SUMMARY_KEYS = {"E": "energy_meV_per_atom", "F": "force_meV_per_A", "V": "virial_meV_per_atom",
                 "Q": "charge_e_per_atom", "Z": "bec_e"}


def read_neppo_summary(path: str | os.PathLike) -> dict[str, dict[str, float]]:
    """The final RMSEs that neppo prints in its summary (``RMSE train : E 12.57 meV/atom, ...``).

    Four significant digits, the units of :data:`RMSE_COLUMNS`; empty when the log has no summary
    (GPUMD's nep prints none).
    """
    out: dict[str, dict[str, float]] = {}
    for line in Path(path).read_text(errors="replace").splitlines():
        m = _SUMMARY.match(line.strip())
        if not m:
            continue
        values = {}
        for item in m.group(2).split(","):
            parts = item.split()
            if len(parts) >= 2 and parts[0] in _SUMMARY_KEYS:
                values[_SUMMARY_KEYS[parts[0]]] = float(parts[1])
        out[m.group(1)] = values
    return out


def write_reference_charges(structures, path: str | os.PathLike) -> bool:
    """Write the labels' partial charges, one per atom in order (``nan`` for structures without).

    Returns False and writes nothing when no structure has charges.
    """
    values, found = [], False
    for atoms in structures:
        results = getattr(atoms.calc, "results", None) or {}
        q = results.get("charges")
        if q is None:
            values.append(np.full(len(atoms), np.nan))
        else:
            found = True
            values.append(np.asarray(q, dtype=float).reshape(len(atoms)))
    if not found:
        return False
    np.savetxt(path, np.concatenate(values) if values else np.zeros(0), fmt="%.8g")
    return True
