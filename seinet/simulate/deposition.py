"""Metadynamics of Na deposition on a built interface: which ion, which surface, which CVs.

``seinet simulate PRESET --metad height[,cn]`` biases one Na+ ion:

- ``height``: its height above the electrode's top layer (:class:`~.colvars.HeightCV`), the
  deposition coordinate;
- ``cn``: its coordination by F and O atoms (:class:`~.colvars.CoordinationCV`), which is high
  while the ion is solvated or trapped in an SEI and drops as it deposits.

The surface atoms are the top layer of the metal (seinet's partition: the atoms it calls
metal), chosen once from the start structure, as a CV's atom list must not change during a
run. Without ``ion``, the ion is the Na+ closest above that layer: the one that deposits
first. The CPU backend wraps the NEP calculator in a
:class:`~.metad.MetadynamicsCalculator` (HILLS in the run directory); the GPUMD backend gets
a plumed.dat and a ``plumed`` line in run.in.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from .bias import MetadynamicsSettings
from .colvars import CoordinationCV, HeightCV, minimum_image, top_layer
from .errors import SimulationConfigError

__all__ = ["DepositionMetad", "deposition_cvs"]

_DEFAULT_SIGMA = {"height": 0.25, "cn": 0.2}


@dataclass(frozen=True)
class DepositionMetad:
    """What ``--metad`` asks for.

    Parameters
    ----------
    cvs : tuple of {"height", "cn"}
    ion : int, optional
        0-based index of the biased Na+ (default: the closest above the surface).
    sigma : tuple of float, optional
        Hill widths per CV (default 0.25 Å for height, 0.2 for cn).
    height_eV, pace, biasfactor
        See :class:`~.bias.MetadynamicsSettings`.
    """

    cvs: tuple[str, ...] = ("height",)
    ion: int | None = None
    sigma: tuple[float, ...] | None = None
    height_eV: float = 0.02
    pace: int = 100
    biasfactor: float | None = 10.0

    def __post_init__(self) -> None:
        cvs = tuple(str(c).strip() for c in self.cvs)
        object.__setattr__(self, "cvs", cvs)
        if not cvs or set(cvs) - set(_DEFAULT_SIGMA) or len(set(cvs)) != len(cvs):
            raise SimulationConfigError(f"--metad takes height and/or cn, comma-separated (got {','.join(cvs)})")
        if self.sigma is not None and len(self.sigma) != len(cvs):
            raise SimulationConfigError(f"--metad: {len(cvs)} CVs but {len(self.sigma)} sigma values")

    def settings(self, temperature_K: float, timestep_fs: float) -> MetadynamicsSettings:
        sigma = self.sigma if self.sigma is not None else tuple(_DEFAULT_SIGMA[c] for c in self.cvs)
        return MetadynamicsSettings(sigma=sigma, height_eV=self.height_eV, pace=self.pace, biasfactor=self.biasfactor,
                                    temperature_K=temperature_K, timestep_fs=timestep_fs)

    def as_dict(self) -> dict:
        return asdict(self)


def deposition_cvs(atoms, spec: DepositionMetad) -> tuple[list, dict]:
    """The CVs of ``spec`` for ``atoms`` and a record of the choice (ion, surface atoms).

    Raises
    ------
    SimulationConfigError
        No metal, no Na+ ion, or an ``ion`` that is not a Na atom.
    """
    from ..frame import Frame
    from ..species import Partitioner

    symbols = np.asarray(atoms.get_chemical_symbols())
    cell, pbc = atoms.cell.array, atoms.pbc
    part = Partitioner(symbols).partition(Frame(0, symbols, np.asarray(atoms.positions, float), np.asarray(cell, float)))
    metal = np.flatnonzero(part.state == 1)
    if len(metal) == 0:
        raise SimulationConfigError("--metad needs a metal electrode: the structure has no metallic Na")
    surface = top_layer(atoms.positions, metal, tolerance_A=0.5, cell=cell, pbc=pbc)
    plane = atoms.positions[surface[0]]
    if spec.ion is None:
        ions = np.flatnonzero((part.state == 2) & (symbols == "Na"))
        if len(ions) == 0:
            raise SimulationConfigError("--metad: no Na+ ion in the structure to bias")
        dz = minimum_image(atoms.positions[ions] - plane, cell, pbc)[:, 2]
        above = ions[dz > 0] if np.any(dz > 0) else ions
        ion = int(above[np.argmin(np.abs(minimum_image(atoms.positions[above] - plane, cell, pbc)[:, 2]))])
    else:
        ion = int(spec.ion)
        if not 0 <= ion < len(atoms) or symbols[ion] != "Na":
            raise SimulationConfigError(f"--metad-ion {spec.ion} is not a Na atom of the structure")
    cvs = []
    for name in spec.cvs:
        if name == "height":
            cvs.append(HeightCV(ion=ion, surface=tuple(int(i) for i in surface if i != ion), label="dz"))
        else:
            anions = tuple(int(i) for i in np.flatnonzero(np.isin(symbols, ("F", "O"))))
            cvs.append(CoordinationCV(ion=ion, anions=anions, label="cn"))
    return cvs, {"ion": ion, "n_surface_atoms": int(len(surface)), "cvs": list(spec.cvs)}
