"""Producing trajectories: interface builders, a CPU (calorine) and a GPU (GPUMD) backend.

Layers: builders (:mod:`.builders`, :mod:`.packmol`, :mod:`.presets`) make :class:`ase.Atoms`;
file writers (:mod:`.writers`, :mod:`.thermo`) speak GPUMD's formats; the backends
(:mod:`.cpu`, :mod:`.gpumd`) run one :class:`.MDSettings`; :func:`simulate` (:mod:`.run`)
writes the run directory that ``seinet analyze out/dump.xyz`` reads as it is. :mod:`.labelling`
labels sampled structures (GFN1-xTB, CP2K PBE, VASP inputs) and writes NEP training sets.
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
                       LabellingError,
                       PackingError,
                       RunInError,
                       SimulationConfigError,
                       SimulationError,
)
from .gpumd import check_run_in, find_gpumd, run_gpumd, write_run_in
from .labelling import BACKENDS as LABEL_BACKENDS
from .labelling import CP2KSettings, VASPSettings, XTBSettings, find_cp2k, label, write_training_xyz, write_vasp_inputs
from .packmol import find_packmol
from .potential import ModelInfo, resolve_model
from .presets import PRESETS, Preset, build_preset
from .run import BACKENDS, SimulationResult, simulate
from .settings import THERMOSTATS, MDSettings
from .thermo import THERMO_COLUMNS, read_thermo
from .writers import DumpWriter, write_model_xyz

__all__ = [
    "BACKENDS", "LABEL_BACKENDS", "NA_LATTICE_A", "PRESETS", "SALTS", "SOLVENTS", "THERMO_COLUMNS", "THERMOSTATS",
    "DumpWriter", "ElectrolyteComposition", "ExecutableNotFoundError", "GPUMDError", "MDSettings", "ModelInfo",
    "PackingError", "Preset", "RunInError", "SimulationConfigError", "SimulationError", "SimulationResult",
    "build_preset", "check_run_in", "electrolyte_box", "electrolyte_composition", "find_gpumd", "find_packmol",
    "interface", "layer_heights", "molecule", "read_thermo", "resolve_model", "run_gpumd", "simulate", "slab",
    "write_model_xyz", "write_run_in",
    "CP2KSettings", "LabellingError", "VASPSettings", "XTBSettings", "find_cp2k", "label", "write_training_xyz",
    "write_vasp_inputs",
]

# Metadynamics: CVs (.colvars), the bias (.bias), HILLS files (.hills), free-energy surfaces (.fes),
# PLUMED input for GPUMD (.plumed); the ASE calculator (.metad) loads ASE, so it is imported lazily.
from .bias import KB_EV_PER_K, MetadynamicsSettings, WellTemperedBias  # noqa: E402
from .colvars import (  # noqa: E402
                       CoordinationCV,
                       HeightCV,
                       coordination_number,
                       height_above_surface,
                       minimum_image,
                       top_layer,
)
from .fes import FreeEnergySurface, free_energy_surface, plot_fes, write_fes  # noqa: E402
from .hills import Hills, HillsFormatError, read_hills, write_hills  # noqa: E402
from .plumed import add_plumed, plumed_input, write_plumed_input  # noqa: E402

__all__ += [
    "KB_EV_PER_K", "CoordinationCV", "FreeEnergySurface", "HeightCV", "Hills", "HillsFormatError",
    "MetadynamicsCalculator", "MetadynamicsSettings", "WellTemperedBias", "add_plumed", "coordination_number",
    "free_energy_surface", "height_above_surface", "minimum_image", "plot_fes", "plumed_input", "read_hills",
    "top_layer", "write_fes", "write_hills", "write_plumed_input",
]


def __getattr__(name):
    if name == "MetadynamicsCalculator":
        from .metad import MetadynamicsCalculator

        return MetadynamicsCalculator
    raise AttributeError(f"module 'seinet.simulate' has no attribute {name!r}")
