"""Errors of the simulation stack: one line that says what failed and what to do."""

from __future__ import annotations

from ..errors import ConfigError, SeinetError

__all__ = ["SimulationError", "ExecutableNotFoundError", "PackingError", "RunInError", "GPUMDError",
           "SimulationConfigError", "LabellingError"]


class SimulationError(SeinetError):
    """A simulation could not be built, prepared or run."""


class SimulationConfigError(SimulationError, ConfigError):
    """A simulation setting is malformed or inconsistent (a preset name, a size, a thermostat)."""


class ExecutableNotFoundError(SimulationError):
    """An external program (packmol, gpumd) cannot be found.

    Parameters
    ----------
    program : str
        Name of the program, as on the command line.
    env_var : str
        Environment variable that names its path.
    hint : str
        How to install it.
    """

    def __init__(self, program: str, env_var: str, hint: str) -> None:
        self.program = program
        self.env_var = env_var
        super().__init__(f"the {program} executable was not found: set {env_var} to its path or put "
                         f"{program} on PATH ({hint})")


class PackingError(SimulationError):
    """packmol failed or did not reach its distance tolerance."""


class RunInError(SimulationError):
    """A GPUMD ``run.in`` line breaks the documented keyword grammar (see :mod:`seinet.simulate.gpumd`)."""


class GPUMDError(SimulationError):
    """GPUMD exited with an error; the message carries the end of its output."""


class LabellingError(SimulationError):
    """A labelling single point (xTB, CP2K) failed; the message names the structure and the cause."""
