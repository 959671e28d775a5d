"""The error of a failed training: one line naming the run directory and the trainer's last words."""

from __future__ import annotations

from ..simulate.errors import SimulationError

__all__ = ["TrainingError"]


class TrainingError(SimulationError):
    """The trainer (neppo or GPUMD's nep) exited with an error, or wrote no model.

    The message names the directory and the last line of its ``train.log``.
    """
