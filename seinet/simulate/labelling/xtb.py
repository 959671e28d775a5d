"""GFN1-xTB single points through tblite's ASE calculator.

GFN1-xTB (Grimme, Bannwarth, Shushkov, J. Chem. Theory Comput. 13, 1989 (2017)) through
``tblite.ase.TBLite`` (PyPI ``tblite``). GFN1 rather than GFN2 because GFN2's SCF does not
converge on sodium clusters (DESIGN.md). Molecules, clusters and periodic cells (tblite's
Ewald sums and lattice sums, Gamma point) go through the same call; the stress is kept for
fully periodic cells only. tblite's wheel is single-threaded (no OpenMP runtime), so a
structure gives the same bits in any worker.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

import numpy as np

from ..errors import LabellingError, SimulationConfigError
from .core import LabelResult, charge_and_multiplicity, structure_name

__all__ = ["XTBSettings", "XTB_METHODS", "label_xtb", "make_tblite"]

#: Hamiltonians tblite implements.
XTB_METHODS = ("GFN1-xTB", "GFN2-xTB", "IPEA1-xTB")


@dataclass(frozen=True)
class XTBSettings:
    """tblite settings.

    Parameters
    ----------
    method : {"GFN1-xTB", "GFN2-xTB", "IPEA1-xTB"}
        GFN1-xTB by default (GFN2-xTB does not converge on Na clusters).
    charge : int
        Total charge (``atoms.info["charge"]`` overrides it per structure).
    multiplicity : int, optional
        Spin multiplicity (``atoms.info["multiplicity"]`` overrides it); None: 1 for an even
        number of electrons, 2 for an odd one.
    accuracy : float
        tblite's accuracy factor (1.0: SCF energy to 1e-6 Eh; smaller is tighter).
    electronic_temperature_K : float
        Fermi smearing temperature of the SCF (tblite's default, 300 K).
    max_iterations : int
        SCF iterations before tblite gives up.
    """

    method: str = "GFN1-xTB"
    charge: int = 0
    multiplicity: int | None = None
    accuracy: float = 1.0
    electronic_temperature_K: float = 300.0
    max_iterations: int = 250

    def __post_init__(self) -> None:
        if self.method not in XTB_METHODS:
            raise SimulationConfigError(f"xtb method must be one of {', '.join(XTB_METHODS)} (got {self.method!r})")
        if not self.accuracy > 0 or not self.electronic_temperature_K > 0 or int(self.max_iterations) < 1:
            raise SimulationConfigError("xtb accuracy and electronic_temperature_K must be > 0, max_iterations >= 1")

    def as_dict(self) -> dict:
        return asdict(self)


def make_tblite(settings: XTBSettings, charge: int, multiplicity: int):
    """tblite's ASE calculator for ``settings`` (quiet).

    Raises
    ------
    SimulationConfigError
        tblite is not installed.
    """
    try:
        from tblite.ase import TBLite
    except ImportError as exc:
        raise SimulationConfigError(f"the xtb labelling backend needs tblite: pip install 'tblite>=0.8' "
                                    f"({exc})") from None
    return TBLite(method=settings.method, charge=charge, multiplicity=multiplicity, accuracy=settings.accuracy,
                  electronic_temperature=settings.electronic_temperature_K, max_iterations=settings.max_iterations,
                  verbosity=0)


def label_xtb(item, settings: XTBSettings, workdir=None) -> LabelResult:
    """Energy, forces, Mulliken charges (and stress for periodic cells) of one structure.

    Parameters
    ----------
    item : tuple of (int, ase.Atoms)
        Index in the input list and the structure (not modified).
    settings : XTBSettings
    workdir : path, optional
        Unused (tblite writes no files); present for the common backend signature.

    Returns
    -------
    LabelResult

    Raises
    ------
    LabellingError
        tblite failed (SCF not converged, atoms on top of each other, an element it lacks).
    """
    index, atoms = item
    charge, multiplicity = charge_and_multiplicity(atoms, settings.charge, settings.multiplicity)
    work = atoms.copy()
    work.set_constraint()
    work.calc = make_tblite(settings, charge, multiplicity)
    start = time.perf_counter()
    try:
        energy = float(work.get_potential_energy())
        forces = np.array(work.get_forces(apply_constraint=False))
        stress = np.array(work.get_stress()) if bool(np.all(work.pbc)) else None
        charges = work.calc.results.get("charges")
    except Exception as exc:  # tblite raises ase's CalculationFailed / InputError, or RuntimeError
        msg = " ".join(str(exc).split())
        raise LabellingError(f"{structure_name(index, atoms)}: {settings.method} failed: {msg}") from None
    return LabelResult(index=index, energy=energy, forces=forces, stress=stress,
                       charges=None if charges is None else np.array(charges, dtype=float), method=settings.method,
                       charge=charge, multiplicity=multiplicity, wall_s=time.perf_counter() - start)
