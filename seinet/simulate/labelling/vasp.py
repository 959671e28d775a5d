"""VASP input folders for PBE single points (written here, run elsewhere).

One folder per structure, ``<directory>/<index:06d>/``:

- ``POSCAR``: Cartesian, VASP 5 (element line), atoms grouped by element in order of first
  appearance (VASP needs one POTCAR block per element block);
- ``INCAR``: PBE single point (``GGA = PE``, ``PREC = Accurate``, ``ENCUT`` 520 eV = 1.3 x the
  largest ENMAX of the recommended H/C/O/F/P potentials (400 eV), ``EDIFF`` 1e-6,
  ``ISMEAR = 0`` with ``SIGMA`` 0.05 eV, ``NSW = 0``, ``IBRION = -1``, ``LASPH``, no WAVECAR/
  CHGCAR); ``ISPIN = 2`` and ``NUPDOWN`` for open shells; ``IVDW = 11`` (D3) or ``12`` (D3BJ);
- ``KPOINTS``: Gamma only for clusters (non-periodic structures, boxed with ``vacuum_A``
  each side); a Gamma-centred mesh with ``kspacing`` (Å^-1, VASP's KSPACING convention,
  2π included) for periodic cells;
- ``POTCAR.spec``: the PAW potentials of the PBE set (``potpaw_PBE``, VASP's recommended
  ones: ``Na_pv``, ``Li_sv``, ``K_sv``, plain ``H``, ``C``, ``O``, ``F``, ``P``, ...), one per
  line in POSCAR order (pymatgen's format). POTCAR files are licensed with VASP and cannot be
  shipped: concatenate them in this order into ``POTCAR``;
- ``seinet.json``: index, formula, charge, multiplicity, pbc and ``order`` (POSCAR atom k is
  input atom ``order[k]``), to map VASP's forces back.

A charged structure needs ``NELECT`` = (sum of the POTCARs' ZVAL) - charge, which depends on the
POTCARs: INCAR carries it as a comment line to fill in.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from ..errors import SimulationConfigError
from .core import charge_and_multiplicity

__all__ = ["VASPSettings", "RECOMMENDED_POTCARS", "write_vasp_inputs", "kpoint_mesh"]

#: VASP's recommended PBE PAW potentials (VASP wiki, "Available PAW potentials") for the
#: elements of battery interfaces; other elements use the plain element name.
RECOMMENDED_POTCARS = {"H": "H", "Li": "Li_sv", "B": "B", "C": "C", "N": "N", "O": "O", "F": "F", "Na": "Na_pv",
                       "Mg": "Mg", "Al": "Al", "Si": "Si", "P": "P", "S": "S", "Cl": "Cl", "K": "K_sv", "Ca": "Ca_sv"}
_IVDW = {"D3": 11, "D3BJ": 12}


@dataclass(frozen=True)
class VASPSettings:
    """INCAR/KPOINTS choices of the VASP folders.

    Parameters
    ----------
    encut_eV : float
        Plane-wave cutoff.
    ediff : float
        Electronic convergence in eV.
    sigma_eV : float
        Gaussian smearing width (ISMEAR = 0).
    dispersion : {None, "D3", "D3BJ"}
    charge : int
    multiplicity : int, optional
        As for the other backends (``atoms.info`` overrides; None: by electron parity).
    vacuum_A : float
        Vacuum on each side of a non-periodic structure (its box).
    kspacing : float
        k-point spacing in Å^-1 (2π included) for periodic cells.
    potcars : dict
        Element -> PAW potential name, over :data:`RECOMMENDED_POTCARS`.
    extra_incar : dict
        More INCAR tags (``{"NCORE": 4}``), written after the defaults and overriding them.
    """

    encut_eV: float = 520.0
    ediff: float = 1e-6
    sigma_eV: float = 0.05
    dispersion: str | None = None
    charge: int = 0
    multiplicity: int | None = None
    vacuum_A: float = 8.0
    kspacing: float = 0.25
    potcars: dict = field(default_factory=dict)
    extra_incar: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.dispersion is not None and self.dispersion not in _IVDW:
            raise SimulationConfigError(f"dispersion must be None, 'D3' or 'D3BJ' (got {self.dispersion!r})")
        if not self.encut_eV > 0 or not self.ediff > 0 or not self.sigma_eV > 0 or not self.kspacing > 0:
            raise SimulationConfigError("encut_eV, ediff, sigma_eV and kspacing must be > 0")

    @property
    def method(self) -> str:
        return "PBE" + (f"-{self.dispersion}" if self.dispersion else "") + f"/PAW/{self.encut_eV:g}eV"

    def as_dict(self) -> dict:
        return asdict(self)


def kpoint_mesh(cell, kspacing: float) -> tuple[int, int, int]:
    """Gamma-centred mesh: ``N_i = max(1, ceil(norm(b_i) / kspacing))``, b_i with the 2π (VASP's KSPACING)."""
    recip = 2.0 * np.pi * np.asarray(cell.reciprocal())
    return tuple(max(1, math.ceil(float(np.linalg.norm(b)) / kspacing)) for b in recip)


def _incar(settings: VASPSettings, name: str, charge: int, multiplicity: int) -> str:
    tags = {"SYSTEM": name, "PREC": "Accurate", "ENCUT": f"{settings.encut_eV:g}", "GGA": "PE",
            "EDIFF": f"{settings.ediff:.0E}", "NELM": "200", "ALGO": "Normal", "ISMEAR": "0",
            "SIGMA": f"{settings.sigma_eV:g}", "IBRION": "-1", "NSW": "0", "LASPH": ".TRUE.", "LREAL": ".FALSE.",
            "LWAVE": ".FALSE.", "LCHARG": ".FALSE.", "ISPIN": "2" if multiplicity > 1 else "1"}
    if multiplicity > 1:
        tags["NUPDOWN"] = str(multiplicity - 1)
    if settings.dispersion:
        tags["IVDW"] = str(_IVDW[settings.dispersion])
    tags.update({str(k).upper(): str(v) for k, v in settings.extra_incar.items()})
    lines = [f"{key} = {value}" for key, value in tags.items()]
    if charge:
        lines.append(f"# charge {charge:+d}: set NELECT = (sum of ZVAL over the POTCAR blocks) - ({charge})")
    return "\n".join(lines) + "\n"


def _kpoints(atoms, settings: VASPSettings) -> str:
    if not atoms.pbc.any():
        return "Gamma point only (cluster)\n0\nGamma\n1 1 1\n0 0 0\n"
    mesh = [n if p else 1 for n, p in zip(kpoint_mesh(atoms.cell, settings.kspacing), atoms.pbc)]
    return f"Gamma-centred, KSPACING {settings.kspacing:g} 1/A\n0\nGamma\n{mesh[0]} {mesh[1]} {mesh[2]}\n0 0 0\n"


def write_vasp_inputs(structures, directory: str | os.PathLike, settings: VASPSettings | None = None) -> list[Path]:
    """Write one VASP single-point folder per structure (see the module notes).

    Parameters
    ----------
    structures : ase.Atoms or sequence of ase.Atoms
    directory : path
        Created if needed; folders ``000000``, ``000001``, ... inside it.
    settings : VASPSettings, optional

    Returns
    -------
    list of pathlib.Path
        The folders, in input order.
    """
    import ase.io

    settings = settings or VASPSettings()
    if hasattr(structures, "get_positions"):
        structures = [structures]
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    potcars = {**RECOMMENDED_POTCARS, **settings.potcars}
    folders = []
    for index, atoms in enumerate(structures):
        charge, multiplicity = charge_and_multiplicity(atoms, settings.charge, settings.multiplicity)
        symbols = atoms.get_chemical_symbols()
        species = list(dict.fromkeys(symbols))
        order = sorted(range(len(atoms)), key=lambda i: (species.index(symbols[i]), i))
        work = atoms[order]
        work.set_constraint()
        if not work.pbc.any():
            extent = np.ptp(work.positions, axis=0) if len(work) > 1 else np.zeros(3)
            work.set_cell(extent + 2.0 * settings.vacuum_A)
            work.center()
        folder = root / f"{index:06d}"
        folder.mkdir(exist_ok=True)
        formula = atoms.get_chemical_formula(mode="hill")
        ase.io.write(folder / "POSCAR", work, format="vasp", direct=False, sort=False)
        (folder / "INCAR").write_text(_incar(settings, f"seinet-{index:06d}-{formula}", charge, multiplicity))
        (folder / "KPOINTS").write_text(_kpoints(work, settings))
        (folder / "POTCAR.spec").write_text("\n".join(potcars.get(s, s) for s in species) + "\n")
        record = {"index": index, "formula": formula, "charge": charge, "multiplicity": multiplicity,
                  "pbc": [bool(p) for p in atoms.pbc], "method": settings.method, "potcar_set": "potpaw_PBE",
                  "order": [int(i) for i in order]}
        (folder / "seinet.json").write_text(json.dumps(record, indent=1) + "\n")
        folders.append(folder)
    return folders
