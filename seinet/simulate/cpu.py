"""CPU backend: calorine's ``CPUNEP`` calculator driven by ASE molecular dynamics.

The dynamics is one ASE integrator (:data:`seinet.simulate.settings.THERMOSTATS`) run for
``steps`` steps with two observers: the trajectory writer every ``dump_every`` steps and the
thermo writer every ``thermo_every`` steps, both at steps k x interval with k >= 1 (GPUMD
writes its first frame after ``interval`` steps too, not at step 0). A temperature ramp sets
the thermostat's target before every step. Everything random (initial velocities, Bussi and
Langevin noise) draws from one ``numpy.random.default_rng(seed)``; calorine's NEP evaluation
is single-threaded and deterministic, so a seed gives byte-identical files.

Output, in GPUMD's formats (:mod:`seinet.simulate.writers`, :mod:`seinet.simulate.thermo`):
``dump.xyz`` (or ``dump.xyz.gz``) and ``thermo.out``.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import SimulationConfigError, SimulationError
from .settings import MDSettings
from .thermo import thermo_row
from .writers import DumpWriter, pressure_tensor

__all__ = ["CPURun", "make_calculator", "fixed_atoms", "initial_momenta", "make_dynamics", "set_target_temperature",
           "run_md", "dump_name"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CPURun:
    """What a CPU run produced.

    Attributes
    ----------
    trajectory, thermo : pathlib.Path
    n_frames, n_thermo_rows, n_steps, n_atoms, n_fixed : int
    charges : bool
        Whether the trajectory has a ``charge`` column.
    md_wall_s, md_cpu_s : float
        Wall and process CPU time of the MD loop (without minimisation and calculator setup).
    minimize_steps : int
        FIRE steps actually taken.
    """

    trajectory: Path
    thermo: Path
    n_frames: int
    n_thermo_rows: int
    n_steps: int
    n_atoms: int
    n_fixed: int
    charges: bool
    md_wall_s: float
    md_cpu_s: float
    minimize_steps: int


def dump_name(settings: MDSettings) -> str:
    """``dump.xyz`` or ``dump.xyz.gz``."""
    return "dump.xyz.gz" if settings.gzip else "dump.xyz"


def make_calculator(model_path: str | os.PathLike):
    """calorine's ``CPUNEP`` for a NEP model file (NEP4 or qNEP charge models).

    Raises
    ------
    SimulationConfigError
        calorine is not installed.
    """
    try:
        from calorine.calculators import CPUNEP
    except ImportError as exc:
        raise SimulationConfigError(f"the CPU backend needs calorine: pip install 'calorine>=4.1' ({exc})") from None
    return CPUNEP(str(model_path))


def fixed_atoms(atoms, fixed_layers: int) -> np.ndarray:
    """Indices of the atoms in the ``fixed_layers`` lowest slab layers (``layer`` array).

    Raises
    ------
    SimulationConfigError
        ``fixed_layers`` > 0 for a system without slab layers, or as many as the slab has.
    """
    if fixed_layers <= 0:
        return np.zeros(0, dtype=int)
    layer = atoms.arrays.get("layer")
    if layer is None or layer.max() < 0:
        raise SimulationConfigError("fixed_layers needs a slab (an interface system); this system has none")
    if fixed_layers > layer.max():
        raise SimulationConfigError(f"fixed_layers={fixed_layers} would freeze the whole slab "
                                    f"({layer.max() + 1} layers)")
    return np.flatnonzero((layer >= 0) & (layer < fixed_layers))


def initial_momenta(atoms, temperature_K: float, rng: np.random.Generator, fixed: np.ndarray) -> None:
    """Maxwell-Boltzmann momenta at exactly ``temperature_K``, zero total momentum, fixed atoms at rest."""
    from ase import units

    masses = atoms.get_masses()
    p = rng.standard_normal((len(atoms), 3)) * np.sqrt(masses * units.kB * temperature_K)[:, None]
    mobile = np.ones(len(atoms), dtype=bool)
    mobile[fixed] = False
    p[~mobile] = 0.0
    p[mobile] -= masses[mobile, None] * (p[mobile].sum(axis=0) / masses[mobile].sum())
    atoms.set_momenta(p, apply_constraint=False)
    current = atoms.get_temperature()
    if current > 0:
        atoms.set_momenta(p * np.sqrt(temperature_K / current), apply_constraint=False)


def make_dynamics(atoms, settings: MDSettings, rng: np.random.Generator):
    """The ASE integrator for ``settings.thermostat`` at the initial target temperature."""
    from ase import units

    dt = settings.timestep_fs * units.fs
    tau = settings.tau_fs * units.fs
    t0 = settings.temperature_K
    if settings.thermostat == "nve":
        from ase.md.verlet import VelocityVerlet

        return VelocityVerlet(atoms, dt)
    if settings.thermostat == "bussi":
        from ase.md.bussi import Bussi

        return Bussi(atoms, dt, temperature_K=t0, taut=tau, rng=rng)
    if settings.thermostat == "langevin":
        from ase.constraints import FixCom
        from ase.md.langevin import Langevin

        if not atoms.constraints:  # fixed atoms already pin the system; else stop the centre of mass drifting
            atoms.set_constraint(FixCom())
        return Langevin(atoms, dt, temperature_K=t0, friction=1.0 / tau, fixcm=False, rng=rng)
    try:
        from ase.md.nose_hoover_chain import NoseHooverChainNVT
    except ImportError:
        raise SimulationConfigError("the nose-hoover thermostat needs ase >= 3.24 "
                                    "(ase.md.nose_hoover_chain)") from None
    return NoseHooverChainNVT(atoms, dt, temperature_K=t0, tdamp=tau)


def set_target_temperature(dyn, temperature_K: float) -> None:
    """Move the thermostat's target temperature (for ramps).

    Notes
    -----
    Bussi: ``temp`` and ``target_kinetic_energy``; Langevin: ``set_temperature``;
    Nose-Hoover chain: the thermostat's ``_kT`` (masses Q stay those of T0, as GPUMD keeps its
    chain masses during a ramp).
    """
    from ase import units

    kT = units.kB * temperature_K
    if hasattr(dyn, "target_kinetic_energy"):  # Bussi
        dyn.temp = kT
        dyn.target_kinetic_energy = 0.5 * kT * dyn.ndof
    elif hasattr(dyn, "set_temperature"):  # Langevin
        dyn.set_temperature(temperature_K=temperature_K)
    elif hasattr(getattr(dyn, "_thermostat", None), "_kT"):  # NoseHooverChainNVT
        dyn._thermostat._kT = kT
    else:  # pragma: no cover - future ASE
        raise SimulationConfigError(f"cannot ramp the temperature of {type(dyn).__name__}")


def _minimize(atoms, settings: MDSettings) -> int:
    if settings.minimize_steps <= 0:
        return 0
    from ase.optimize import FIRE

    opt = FIRE(atoms, logfile=None, maxstep=0.1)
    opt.run(fmax=settings.minimize_fmax, steps=settings.minimize_steps)
    fmax = float(np.sqrt((atoms.get_forces() ** 2).sum(axis=1)).max())
    log.info("FIRE: %d steps, max force %.3f eV/A, Epot %.4f eV", opt.nsteps, fmax, atoms.get_potential_energy())
    return int(opt.nsteps)


def run_md(atoms, calculator, settings: MDSettings, directory: str | os.PathLike, *,
           progress: bool = False) -> CPURun:
    """Run NVT molecular dynamics and write ``dump.xyz[.gz]`` and ``thermo.out`` into ``directory``.

    Parameters
    ----------
    atoms : ase.Atoms
        Start structure (copied; the caller's object is not changed). A ``layer`` array
        marks slab layers for ``fixed_layers``.
    calculator : ase.calculators.calculator.Calculator
        Usually :func:`make_calculator`; one whose ``implemented_properties`` include
        ``charges`` gets a ``charge`` column unless ``settings.dump_charges`` is False. A
        calculator with an ``attach(dynamics)`` method (a bias such as
        :class:`~seinet.simulate.metad.MetadynamicsCalculator`) is attached to the integrator,
        so well-tempered metadynamics runs on this backend and writes its HILLS file.
    settings : MDSettings
    directory : path
        Existing directory.
    progress : bool
        Show a tqdm progress bar.

    Returns
    -------
    CPURun

    Notes
    -----
    Cost: one force evaluation per step (calorine's ``CPUNEP``, O(N)) plus O(N) formatting per
    written frame; ``benchmarks/bench_cpu_md.py`` measures the overhead over a bare ASE loop.
    """
    from ase.constraints import FixAtoms

    directory = Path(directory)
    atoms = atoms.copy()
    atoms.calc = calculator
    fixed = fixed_atoms(atoms, settings.fixed_layers)
    if fixed.size:
        atoms.set_constraint(FixAtoms(indices=fixed))
    has_charges = "charges" in getattr(calculator, "implemented_properties", ())
    charges = has_charges if settings.dump_charges is None else bool(settings.dump_charges)
    if charges and not has_charges:
        raise SimulationConfigError("dump_charges=True, but the model predicts no charges (not a qNEP model)")
    n_min = _minimize(atoms, settings)
    rng = np.random.default_rng(settings.seed)
    initial_momenta(atoms, settings.temperature_K, rng, fixed)
    dyn = make_dynamics(atoms, settings, rng)
    ramp = settings.end_temperature_K != settings.temperature_K
    dump_path = directory / dump_name(settings)
    thermo_path = directory / "thermo.out"
    n_thermo = 0
    report_every = max(settings.steps // 20, min(settings.steps, 100))
    atoms.get_forces()  # set the calculator up (NEP89: ~1 s) before the clock starts
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=settings.steps, unit="step", desc="MD (cpu)")
    t_md, c_md = time.perf_counter(), time.process_time()
    with DumpWriter(dump_path, velocities=settings.dump_velocities, forces=settings.dump_forces,
                    charges=charges) as dump, open(thermo_path, "w") as thermo:

        def on_dump() -> None:
            if dyn.nsteps:
                if not np.isfinite(atoms.positions).all():  # the model blew up: keep the frames so far
                    raise SimulationError(f"MD blew up by step {dyn.nsteps}: non-finite positions (the model "
                                          f"fails on this structure); {dump.n_frames} frames kept in {dump_path}")
                dump.write(atoms, dyn.nsteps * settings.timestep_fs)

        def on_thermo() -> None:
            nonlocal n_thermo
            if dyn.nsteps:
                thermo.write(thermo_row(atoms, pressure_tensor(atoms)[1]))
                n_thermo += 1

        def on_step() -> None:
            step = dyn.nsteps
            if ramp and step < settings.steps:
                set_target_temperature(dyn, settings.target_temperature(step + 1))
            if bar is not None and step:
                bar.update(1)
            if step and step % report_every == 0:
                elapsed = time.perf_counter() - t_md
                log.info("step %d/%d t=%.3f ps T=%.0f K Epot=%.3f eV (%.1f s, %.1f ms/step, ETA %.0f s)",
                         step, settings.steps, step * settings.timestep_fs / 1000, atoms.get_temperature(),
                         atoms.get_potential_energy(), elapsed, 1000 * elapsed / step,
                         elapsed / step * (settings.steps - step))

        dyn.attach(on_dump, interval=settings.dump_every)
        dyn.attach(on_thermo, interval=settings.thermo_interval)
        dyn.attach(on_step, interval=1 if (ramp or bar is not None) else report_every)
        if callable(getattr(calculator, "attach", None)):
            calculator.attach(dyn)
        try:
            dyn.run(settings.steps)
        finally:
            if bar is not None:
                bar.close()
        n_frames = dump.n_frames
    md_wall, md_cpu = time.perf_counter() - t_md, time.process_time() - c_md
    log.info("MD: %d steps of %d atoms in %.2f s (%.0f atom-steps/s), %d frames -> %s", settings.steps,
             len(atoms), md_wall, settings.steps * len(atoms) / max(md_wall, 1e-12), n_frames, dump_path)
    return CPURun(trajectory=dump_path, thermo=thermo_path, n_frames=n_frames, n_thermo_rows=n_thermo,
                  n_steps=settings.steps, n_atoms=len(atoms), n_fixed=int(fixed.size), charges=charges,
                  md_wall_s=md_wall, md_cpu_s=md_cpu, minimize_steps=n_min)
