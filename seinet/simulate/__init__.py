"""Producing trajectories: interface builders, a CPU (calorine) and a GPU (GPUMD) backend.

Layers: builders (:mod:`.builders`, :mod:`.packmol`, :mod:`.presets`) make :class:`ase.Atoms`;
file writers (:mod:`.writers`, :mod:`.thermo`) speak GPUMD's formats; the backends
(:mod:`.cpu`, :mod:`.gpumd`) run one :class:`.MDSettings`; :func:`simulate` (:mod:`.run`)
writes the run directory that ``seinet analyze out/dump.xyz`` reads as it is.
Importing this package is cheap: ASE, RDKit and calorine load inside the functions that use them.
"""

from .builders import (
                       NA_LATTICE_A,
                       SALTS,
                       SOLVENTS,
                       ElectrolyteComposition,
                       electrolyte_box,
                       electrolyte_composition,
                       interface,
                       layer_heights,
                       molecule,
                       slab,
)
from .errors import (
                       ExecutableNotFoundError,
                       GPUMDError,
                       PackingError,
                       RunInError,
                       SimulationConfigError,
                       SimulationError,
)
from .gpumd import check_run_in, find_gpumd, run_gpumd, write_run_in
from .packmol import find_packmol
from .potential import ModelInfo, resolve_model
from .presets import PRESETS, Preset, build_preset
from .run import BACKENDS, SimulationResult, simulate
from .settings import THERMOSTATS, MDSettings
from .thermo import THERMO_COLUMNS, read_thermo
from .writers import DumpWriter, write_model_xyz

__all__ = [
    "BACKENDS", "NA_LATTICE_A", "PRESETS", "SALTS", "SOLVENTS", "THERMO_COLUMNS", "THERMOSTATS",
    "DumpWriter", "ElectrolyteComposition", "ExecutableNotFoundError", "GPUMDError", "MDSettings", "ModelInfo",
    "PackingError", "Preset", "RunInError", "SimulationConfigError", "SimulationError", "SimulationResult",
    "build_preset", "check_run_in", "electrolyte_box", "electrolyte_composition", "find_gpumd", "find_packmol",
    "interface", "layer_heights", "molecule", "read_thermo", "resolve_model", "run_gpumd", "simulate", "slab",
    "write_model_xyz", "write_run_in",
]
