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

    ``str(error)`` is one line: ``path, frame N: message (byte offset B)``.

    Parameters
    ----------
    path : str
        File that failed.
    frame : int or None
        Zero-based frame index in the file (None if the failure is not tied to a frame).
    message : str
        What is wrong and, where possible, what to do about it (line breaks become spaces).
    offset : int or None
        Byte offset of the start of the frame in the file (in the decompressed stream for
        ``.gz``), when known.
    """

    def __init__(self, path: str, frame: int | None, message: str, offset: int | None = None) -> None:
        self.path = str(path)
        self.frame = frame
        self.message = " ".join(part.strip() for part in str(message).splitlines() if part.strip())
        self.offset = offset
        where = self.path if frame is None else f"{self.path}, frame {frame}"
        at = "" if offset is None else f" (byte offset {offset})"
        super().__init__(f"{where}: {self.message}{at}")

    def __reduce__(self):  # picklable across processes (prefetch threads, dask workers)
        return type(self), (self.path, self.frame, self.message, self.offset)

    def located(self, offset: int) -> "TrajectoryError":
        """This error with the frame's byte offset added (unchanged when it has one)."""
        if self.offset is not None:
            return self
        return type(self)(self.path, self.frame, self.message, offset)


class TruncatedFrameWarning(UserWarning):
    """The last frame of a file is incomplete; every complete frame was kept."""
