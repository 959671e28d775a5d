"""Exceptions that carry what a user needs to act: which file, which frame, what to do.

The CLI prints ``str(error)`` as one line and exits non-zero; nothing else in seinet
formats error messages for people.
"""

from __future__ import annotations

__all__ = ["SeinetError", "TrajectoryError", "ConfigError", "TruncatedFrameWarning"]


class SeinetError(Exception):
    """Base class of every error seinet raises on purpose."""


class ConfigError(SeinetError):
    """A setting given by the user is malformed or inconsistent."""


class TrajectoryError(SeinetError):
    """A trajectory cannot be read.

    Parameters
    ----------
    path : str
        File that failed.
    frame : int or None
        Zero-based frame index in the file (None if the failure is not tied to a frame).
    message : str
        What is wrong and, where possible, what to do about it.
    """

    def __init__(self, path: str, frame: int | None, message: str) -> None:
        self.path = str(path)
        self.frame = frame
        self.message = message
        where = self.path if frame is None else f"{self.path}, frame {frame}"
        super().__init__(f"{where}: {message}")


class TruncatedFrameWarning(UserWarning):
    """The last frame of a file is incomplete; every complete frame was kept."""
