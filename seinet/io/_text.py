"""Opening text trajectories, plain or gzip, as binary streams."""

from __future__ import annotations

import gzip
import io
import os
import zlib

from ..errors import TrajectoryError

__all__ = ["open_binary", "strip_gz"]


def strip_gz(path: str) -> str:
    """The file name without a trailing ``.gz``, for format detection."""
    return path[:-3] if path.endswith(".gz") else path


def open_binary(path: str | os.PathLike) -> io.BufferedIOBase:
    """Open ``path`` for binary reading; ``.gz`` files are decompressed on the fly.

    Raises
    ------
    TrajectoryError
        When the file does not exist, cannot be read, or is not valid gzip.
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        raise TrajectoryError(path, None, "file not found")
    if os.path.isdir(path):
        raise TrajectoryError(path, None, "is a directory, expected a trajectory file")
    if not path.endswith(".gz"):
        try:
            return open(path, "rb", buffering=1 << 20)
        except OSError as exc:
            raise TrajectoryError(path, None, f"cannot open: {exc}") from None
    try:
        fh = gzip.open(path, "rb")
    except OSError as exc:
        raise TrajectoryError(path, None, f"cannot open: {exc}") from None
    try:
        fh.peek(1)  # fail early on a file that is not gzip
    except (OSError, EOFError, zlib.error) as exc:
        fh.close()
        raise TrajectoryError(path, None, f"not a readable gzip file: {exc}") from None
    return fh
