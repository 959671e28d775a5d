"""Molecular-dynamics settings shared by the CPU (calorine + ASE) and GPUMD backends.

Both backends read the same :class:`MDSettings` and translate it (CPU backend | GPUMD run.in):

- thermostat ``bussi``: ASE ``Bussi`` (taut = tau) | GPUMD ``ensemble nvt_bdp T0 T1 tau/dt``
- thermostat ``langevin``: ASE ``Langevin`` (friction = 1/tau; ``FixCom`` unless atoms are fixed) |
  ``ensemble nvt_lan T0 T1 tau/dt``
- thermostat ``nose-hoover``: ASE ``NoseHooverChainNVT`` (tdamp = tau) | ``ensemble nvt_nhc T0 T1 tau/dt``
- ramp T0 -> T1: target T(k) = T0 + (T1 - T0) k / steps set before every step | GPUMD ramps the
  target linearly over the run
- ``fixed_layers``: ``FixAtoms`` on the lowest slab layers | group 1 of grouping method 0 in
  model.xyz and ``fix 1``
- ``minimize_steps``: ASE ``FIRE`` (fmax = largest force norm) | ``minimize fire fmax steps``
  (largest force component)
- initial velocities: Maxwell-Boltzmann at exactly T0, zero total momentum, seeded |
  ``velocity T0 seed S``
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from .errors import SimulationConfigError

__all__ = ["MDSettings", "THERMOSTATS", "GPUMD_ENSEMBLES"]

#: Thermostats both backends implement.
THERMOSTATS = ("bussi", "langevin", "nose-hoover", "nve")
#: GPUMD ensemble keyword of each thermostat.
GPUMD_ENSEMBLES = {"bussi": "nvt_bdp", "langevin": "nvt_lan", "nose-hoover": "nvt_nhc", "nve": "nve"}


@dataclass(frozen=True)
class MDSettings:
    """NVT molecular dynamics, the same for both backends.

    Parameters
    ----------
    steps : int
        MD steps.
    timestep_fs : float
    temperature_K : float
        Initial target temperature (and initial velocities).
    final_temperature_K : float, optional
        Target at the last step; the target moves linearly (a ramp). None: constant.
    thermostat : {"bussi", "langevin", "nose-hoover", "nve"}
        ``nve``: velocity Verlet without a thermostat (energy conservation, the stability test of
        :mod:`seinet.sample`); the temperature sets the initial velocities only.
    tau_fs : float
        Thermostat time constant (Bussi/Nose-Hoover relaxation time, 1/friction for Langevin).
    dump_every : int
        Steps between trajectory frames (frames at steps dump_every, 2 dump_every, ...; as GPUMD).
    thermo_every : int, optional
        Steps between thermo.out rows (default: ``dump_every``).
    dump_velocities, dump_forces : bool
        Per-atom columns ``vel`` (Å/fs) and ``forces`` (eV/Å) in the trajectory.
    dump_charges : bool, optional
        Per-atom ``charge`` column; None writes it when the model predicts charges (qNEP).
    fixed_layers : int
        Lowest slab layers held fixed (0: none).
    minimize_steps : int
        FIRE steps before MD (0: none).
    minimize_fmax : float
        FIRE force tolerance in eV/Å.
    seed : int
        Seeds the initial velocities and the thermostat noise.
    kspace : {"pppm", "ewald"}
        GPUMD reciprocal-space method for charge (qNEP) models.
    gzip : bool
        Write ``dump.xyz.gz`` (gzip, mtime 0) instead of ``dump.xyz`` (CPU backend).
    """

    steps: int = 1000
    timestep_fs: float = 0.5
    temperature_K: float = 300.0
    final_temperature_K: float | None = None
    thermostat: str = "bussi"
    tau_fs: float = 50.0
    dump_every: int = 10
    thermo_every: int | None = None
    dump_velocities: bool = True
    dump_forces: bool = True
    dump_charges: bool | None = None
    fixed_layers: int = 0
    minimize_steps: int = 0
    minimize_fmax: float = 0.5
    seed: int = 0
    kspace: str = "pppm"
    gzip: bool = False

    def __post_init__(self) -> None:
        problems = []
        if int(self.steps) < 1:
            problems.append(f"steps must be >= 1 (got {self.steps})")
        if not self.timestep_fs > 0:
            problems.append(f"timestep_fs must be > 0 (got {self.timestep_fs})")
        if not self.temperature_K > 0 or (self.final_temperature_K is not None and not self.final_temperature_K > 0):
            problems.append("temperatures must be > 0 K")
        if self.thermostat not in THERMOSTATS:
            problems.append(f"thermostat must be one of {', '.join(THERMOSTATS)} (got {self.thermostat!r})")
        if not self.tau_fs >= self.timestep_fs:
            problems.append(f"tau_fs must be >= timestep_fs (got {self.tau_fs} < {self.timestep_fs})")
        if int(self.dump_every) < 1 or (self.thermo_every is not None and int(self.thermo_every) < 1):
            problems.append("dump_every and thermo_every must be >= 1")
        if int(self.fixed_layers) < 0 or int(self.minimize_steps) < 0:
            problems.append("fixed_layers and minimize_steps must be >= 0")
        if self.kspace not in ("pppm", "ewald"):
            problems.append(f"kspace must be pppm or ewald (got {self.kspace!r})")
        if self.thermostat == "nve" and self.final_temperature_K is not None:
            problems.append("an nve run has no target temperature to ramp (final_temperature_K)")
        if problems:
            raise SimulationConfigError("; ".join(problems))

    @property
    def end_temperature_K(self) -> float:
        """Target temperature at the last step."""
        return self.temperature_K if self.final_temperature_K is None else self.final_temperature_K

    @property
    def thermo_interval(self) -> int:
        """Steps between thermo.out rows."""
        return int(self.thermo_every) if self.thermo_every is not None else int(self.dump_every)

    def target_temperature(self, step: int) -> float:
        """Thermostat target at ``step`` (0..steps): linear from T0 to T1, as GPUMD."""
        return self.temperature_K + (self.end_temperature_K - self.temperature_K) * step / self.steps

    def as_dict(self) -> dict:
        """Every setting (for run.json and manifest.json)."""
        return asdict(self)
