"""``seinet simulate`` as a Python function: a preset (or structure) in, a run directory out.

One layout for both backends, written atomically (a failed run leaves no ``out``; see
:class:`seinet.run.RunDirectory`)::

    out/model.xyz       start structure (GPUMD model.xyz; group 1 of method 0 = fixed atoms)
    out/run.in          GPUMD input (gpumd backend)      | out/run.json  settings (cpu backend)
    out/dump.xyz[.gz]   trajectory, GPUMD dump_xyz layout; `seinet analyze out/dump.xyz` reads it
    out/thermo.out      GPUMD thermo.out columns (seinet.simulate.thermo)
    out/gpumd.log       GPUMD's output (gpumd backend)
    out/manifest.json   preset and system, model path + sha256, settings, outputs, versions, timing

>>> from seinet.simulate import simulate
>>> result = simulate("bulk-ec-1M", "RUN", steps=2000, temperature_K=400)   # doctest: +SKIP
"""

from __future__ import annotations

import json
import logging
import os
import platform
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from .. import __version__
from ..run import RunDirectory, sha256_of
from .errors import GPUMDError, SimulationConfigError
from .potential import ModelInfo, resolve_model
from .presets import build_preset
from .settings import MDSettings
from .thermo import THERMO_COLUMNS, THERMO_COLUMNS_TRICLINIC, read_thermo
from .writers import write_model_xyz

__all__ = ["BACKENDS", "SimulationResult", "simulate", "prepare_system", "software_versions"]

log = logging.getLogger(__name__)

#: Backends :func:`simulate` knows.
BACKENDS = ("cpu", "gpumd")


@dataclass(frozen=True)
class SimulationResult:
    """A finished (or, for ``execute=False``, prepared) simulation.

    Attributes
    ----------
    out : pathlib.Path
        The run directory.
    trajectory : pathlib.Path or None
        ``out/dump.xyz[.gz]``; None when GPUMD inputs were only prepared.
    thermo : pathlib.Path or None
    manifest : dict
        Contents of ``out/manifest.json``.
    """

    out: Path
    trajectory: Path | None
    thermo: Path | None
    manifest: dict

    @property
    def n_frames(self) -> int:
        """Frames in the trajectory."""
        return int(self.manifest["outputs"].get("n_frames", 0))


def prepare_system(preset, *, n_solvent: int | None = None, seed: int = 0,
                   slab_size: tuple[int, int] | None = None, slab_layers: int | None = None):
    """The start structure: a preset name built with :func:`~seinet.simulate.presets.build_preset`,
    or a copy of an :class:`ase.Atoms` given as is.

    Raises
    ------
    SimulationConfigError
        ``slab_size``/``slab_layers`` given for a structure (not a preset), or a structure
        without a full periodic cell.
    """
    if isinstance(preset, str):
        return build_preset(preset, n_solvent=n_solvent, seed=seed, slab_size=slab_size, slab_layers=slab_layers)
    if slab_size is not None or slab_layers is not None:
        raise SimulationConfigError("slab_size and slab_layers apply to interface presets, not to a given structure")
    if hasattr(preset, "get_chemical_symbols") and hasattr(preset, "cell"):
        atoms = preset.copy()
        if atoms.cell.rank < 3 or not all(atoms.pbc):
            raise SimulationConfigError("a structure to simulate needs a full periodic cell (pbc T T T)")
        atoms.info.setdefault("seinet", {"kind": "custom"})
        return atoms
    raise SimulationConfigError(f"preset must be a preset name or an ase.Atoms, got {type(preset).__name__}")


def software_versions() -> dict:
    """Versions of Python and of the packages a simulation used (None where absent)."""
    from importlib import metadata

    out = {"seinet": __version__, "python": sys.version.split()[0]}
    for name in ("numpy", "ase", "calorine", "packmol", "rdkit"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def _groups(atoms, settings: MDSettings) -> tuple[list[list[int]] | None, int | None]:
    """Grouping method 0 for model.xyz: 1 = fixed bottom layers, 0 = everything else."""
    from .cpu import fixed_atoms

    fixed = fixed_atoms(atoms, settings.fixed_layers)
    if fixed.size == 0:
        return None, None
    labels = np.zeros(len(atoms), dtype=int)
    labels[fixed] = 1
    return [labels.tolist()], 1


def _settings(settings: MDSettings | None, **given) -> MDSettings:
    base = settings if settings is not None else MDSettings()
    changes = {k: v for k, v in given.items() if v is not None}
    return replace(base, **changes) if changes else base


def _files(out: Path) -> dict:
    return {p.name: {"size_bytes": p.stat().st_size, "sha256": sha256_of(p)}
            for p in sorted(out.iterdir()) if p.is_file() and p.name != "manifest.json"}


def _thermo_summary(path: Path, settings: MDSettings) -> dict:
    table = read_thermo(path, settings.timestep_fs, settings.thermo_interval)
    if table.empty:
        return {"rows": 0}
    return {"rows": len(table), "columns": list(table.columns[2:]),
            "temperature_mean_K": float(table["temperature_K"].mean()),
            "temperature_final_K": float(table["temperature_K"].iloc[-1]),
            "potential_final_eV": float(table["potential_eV"].iloc[-1])}


def simulate(preset, out: str | os.PathLike, *, backend: str = "cpu", model: str | os.PathLike = "nep89",
             settings: MDSettings | None = None, temperature_K: float | None = None,
             final_temperature_K: float | None = None, steps: int | None = None, timestep_fs: float | None = None,
             dump_every: int | None = None, thermo_every: int | None = None, thermostat: str | None = None,
             tau_fs: float | None = None, fixed_layers: int | None = None, minimize_steps: int | None = None,
             seed: int | None = None, gzip: bool | None = None, n_solvent: int | None = None,
             slab_size: tuple[int, int] | None = None, slab_layers: int | None = None,
             overwrite: bool = False, execute: bool = True, gpumd_executable: str | os.PathLike | None = None,
             calculator=None, progress: bool = False, metadynamics=None) -> SimulationResult:
    """Build a system, run NVT MD on it and write the run directory ``out``.

    Parameters
    ----------
    preset : str or ase.Atoms
        A name in :data:`seinet.simulate.PRESETS` (``na-ec``, ``na-dme``, ``bulk-ec-1M``, ...)
        or a periodic structure (a ``layer`` array marks slab layers for ``fixed_layers``).
    out : path
        Run directory to create (must not exist unless ``overwrite``).
    backend : {"cpu", "gpumd"}
        calorine + ASE on the CPU, or the ``gpumd`` executable.
    model : str or path
        ``"nep89"`` (cached and verified) or a ``nep.txt`` (NEP4 or qNEP).
    settings : MDSettings, optional
        Base settings; the keywords below, when given, replace its fields.
    temperature_K, final_temperature_K, steps, timestep_fs : optional
        See :class:`~seinet.simulate.settings.MDSettings` (None keeps the value of ``settings``).
    dump_every, thermo_every, thermostat, tau_fs : optional
        As above.
    fixed_layers, minimize_steps, seed, gzip : optional
        As above; ``seed`` also seeds the builders (RDKit, packmol).
    n_solvent : int, optional
        Solvent molecules of a preset (its default when None).
    slab_size, slab_layers : optional
        Lateral repeats (nx, ny) and atomic layers of an interface preset's Na slab (the
        preset's when None); see :func:`~seinet.simulate.presets.build_preset`.
    overwrite : bool
        Replace an existing ``out`` (only once the new one is complete).
    execute : bool
        gpumd backend only: False writes model.xyz, run.in and manifest.json without running.
    gpumd_executable : path, optional
        The gpumd executable (default: ``$SEINET_GPUMD`` or PATH).
    calculator : ase Calculator, optional
        cpu backend only: use this calculator instead of ``CPUNEP(model)`` (tests, other
        potentials); the manifest still records ``model``.
    progress : bool
        Progress bar (cpu backend).
    metadynamics : DepositionMetad, optional
        Well-tempered metadynamics of Na deposition (:mod:`seinet.simulate.deposition`): the
        cpu backend biases the calculator and writes HILLS; the gpumd backend gets plumed.dat
        and a ``plumed`` line in run.in.

    Returns
    -------
    SimulationResult

    Raises
    ------
    SimulationConfigError
        Unknown backend, preset or setting; a model lacking an element of the system.
    seinet.simulate.errors.ExecutableNotFoundError
        packmol or gpumd not found.
    seinet.simulate.errors.GPUMDError
        GPUMD failed.
    """
    if backend not in BACKENDS:
        raise SimulationConfigError(f"unknown backend {backend!r}; choose {' or '.join(BACKENDS)}")
    md = _settings(settings, temperature_K=temperature_K, final_temperature_K=final_temperature_K, steps=steps,
                   timestep_fs=timestep_fs, dump_every=dump_every, thermo_every=thermo_every,
                   thermostat=thermostat, tau_fs=tau_fs, fixed_layers=fixed_layers,
                   minimize_steps=minimize_steps, seed=seed, gzip=gzip)
    t0 = time.perf_counter()
    info: ModelInfo = resolve_model(model)
    if backend == "gpumd" and execute:
        from .gpumd import find_gpumd

        find_gpumd(gpumd_executable)  # fail before building anything
    with RunDirectory(out, overwrite=overwrite) as tmp:
        atoms = prepare_system(preset, n_solvent=n_solvent, seed=md.seed, slab_size=slab_size,
                               slab_layers=slab_layers)
        info.check_elements(atoms.get_chemical_symbols())
        build_s = time.perf_counter() - t0
        groups, fixed_group = _groups(atoms, md)
        write_model_xyz(tmp / "model.xyz", atoms, groups=groups)
        manifest = {
            "created_by": "seinet simulate", "seinet_version": __version__, "backend": backend,
            "preset": preset if isinstance(preset, str) else "custom",
            "system": _jsonable(atoms.info.get("seinet", {})), "n_atoms": len(atoms),
            "formula": atoms.get_chemical_formula(mode="hill"), "cell_A": atoms.cell.array.tolist(),
            "model": info.as_dict(), "settings": md.as_dict(), "versions": software_versions(),
            "platform": platform.platform(),
        }
        bias = None
        if metadynamics is not None:
            from .deposition import deposition_cvs

            cvs, choice = deposition_cvs(atoms, metadynamics)
            bias = (cvs, metadynamics.settings(md.temperature_K, md.timestep_fs))
            manifest["metadynamics"] = {**metadynamics.as_dict(), **choice, "settings": bias[1].as_dict(),
                                        "hills": "HILLS"}
        triclinic = not np.allclose(atoms.cell.array, np.diag(np.diag(atoms.cell.array)))
        thermo_columns = list(THERMO_COLUMNS_TRICLINIC if triclinic else THERMO_COLUMNS)
        if backend == "cpu":
            from .cpu import make_calculator, run_md

            calc = calculator if calculator is not None else make_calculator(info.path)
            if bias is not None:
                from .metad import MetadynamicsCalculator

                calc = MetadynamicsCalculator(calc, bias[0], bias[1], hills_path=tmp / "HILLS")
            run_json = {"backend": "cpu", "engine": "calorine CPUNEP + ASE", "model": info.as_dict(),
                        "settings": md.as_dict(), "thermo_columns": thermo_columns}
            (tmp / "run.json").write_text(json.dumps(run_json, indent=2) + "\n")
            result = run_md(atoms, calc, md, tmp, progress=progress)
            outputs = {"trajectory": result.trajectory.name, "thermo": "thermo.out", "n_frames": result.n_frames,
                       "charges": result.charges, "n_fixed": result.n_fixed,
                       "minimize_steps_taken": result.minimize_steps}
            timing = {"md_wall_s": result.md_wall_s, "md_cpu_s": result.md_cpu_s,
                      "atom_steps_per_s": result.n_atoms * result.n_steps / max(result.md_wall_s, 1e-12)}
            trajectory, thermo = result.trajectory.name, "thermo.out"
        else:
            from .gpumd import gzip_file, run_gpumd, write_run_in

            run_in = write_run_in(md, info, fixed_group=fixed_group, dump_file="dump.xyz",
                                  comment=f"seinet {__version__}: {manifest['preset']}, {len(atoms)} atoms")
            if bias is not None:
                from .plumed import add_plumed, write_plumed_input

                write_plumed_input(tmp / "plumed.dat", bias[0], bias[1], hills_file="HILLS")
                run_in = add_plumed(run_in, "plumed.dat")
            (tmp / "run.in").write_text(run_in)
            charges = info.has_charges if md.dump_charges is None else bool(md.dump_charges)
            outputs = {"trajectory": None, "thermo": None, "n_frames": 0, "charges": charges,
                       "n_fixed": int(sum(groups[0])) if groups else 0}
            timing = {}
            trajectory = thermo = None
            if execute:
                run = run_gpumd(tmp, gpumd_executable)
                if not (tmp / "dump.xyz").is_file() or not (tmp / "thermo.out").is_file():
                    raise GPUMDError(f"gpumd finished but wrote no dump.xyz/thermo.out in {tmp}; see gpumd.log")
                trajectory = gzip_file(tmp / "dump.xyz").name if md.gzip else "dump.xyz"
                thermo = "thermo.out"
                outputs.update(trajectory=trajectory, thermo=thermo, n_frames=md.steps // md.dump_every)
                timing = {"md_wall_s": run.wall_s, "atom_steps_per_s": len(atoms) * md.steps / max(run.wall_s, 1e-12)}
                manifest["versions"]["gpumd"] = str(run.executable)
            else:
                outputs["status"] = "prepared (run gpumd in this directory)"
        if thermo is not None:
            outputs["thermo_columns"] = thermo_columns
            outputs["thermo_summary"] = _thermo_summary(tmp / thermo, md)
        manifest["outputs"] = outputs
        manifest["files"] = _files(tmp)
        manifest["timing"] = {"build_s": build_s, **timing, "wall_s": time.perf_counter() - t0}
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    out = Path(out)
    log.info("simulation written to %s (%s backend, %d atoms, %s frames)", out, backend, len(atoms),
             manifest["outputs"]["n_frames"])
    return SimulationResult(out=out, trajectory=out / trajectory if trajectory else None,
                            thermo=out / thermo if thermo else None, manifest=manifest)


def _jsonable(value):
    """Plain JSON types from numpy scalars/arrays inside dicts and lists."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value
