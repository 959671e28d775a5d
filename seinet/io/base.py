"""Streaming over text trajectories whose frames are blocks of lines.

A concrete reader says how to read one frame's lines from a binary stream
(:meth:`TextTrajectory._read_block`) and how to turn them into a
:class:`~seinet.frame.Frame` (:meth:`TextTrajectory._parse`). This class supplies
slicing, the byte-offset index for random access, ``.gz`` support, and the rule
for an incomplete last frame: warn, keep every complete frame.
"""

from __future__ import annotations

import logging
import os
import warnings
import zlib
from collections.abc import Iterator
from itertools import islice

import numpy as np

from ..errors import TrajectoryError, TruncatedFrameWarning
from ..frame import Frame
from ._text import open_binary

__all__ = ["TextTrajectory", "Truncated", "read_lines"]

log = logging.getLogger(__name__)


class Truncated(Exception):
    """Raised by ``_read_block`` when the stream ends inside a frame."""


class TextTrajectory:
    """Base class of line-block text readers.

    Parameters
    ----------
    path : str or PathLike
        File to read (``.gz`` is decompressed transparently).
    """

    format_name = "text"

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = os.fspath(path)
        self._offsets: np.ndarray | None = None
        with open_binary(self.path):  # fail now on a missing or unreadable file
            pass

    # --- to implement -------------------------------------------------------
    def _read_block(self, fh, index: int) -> list[bytes] | None:  # pragma: no cover
        raise NotImplementedError

    def _parse(self, lines: list[bytes], index: int) -> Frame:  # pragma: no cover
        raise NotImplementedError

    # --- streaming ------------------------------------------------------------
    def _blocks(self, fh, first_index: int) -> Iterator[tuple[int, int, list[bytes]]]:
        """Yield ``(index, offset, lines)``; stop with a warning at a truncated frame."""
        index = first_index
        while True:
            offset = fh.tell()
            try:
                lines = self._read_block(fh, index)
            except Truncated:
                warnings.warn(
                    f"{self.path}, frame {index}: incomplete last frame ignored; "
                    f"{index} complete frames kept",
                    TruncatedFrameWarning,
                    stacklevel=3,
                )
                return
            except EOFError:  # gzip stream cut short
                warnings.warn(
                    f"{self.path}, frame {index}: compressed file ends inside this frame; "
                    f"{index} complete frames kept",
                    TruncatedFrameWarning,
                    stacklevel=3,
                )
                return
            except (OSError, zlib.error) as exc:
                raise TrajectoryError(self.path, index, f"cannot read: {exc}") from None
            if lines is None:
                return
            yield index, offset, lines
            index += 1

    def iter_frames(self, start: int = 0, stop: int | None = None, step: int = 1) -> Iterator[Frame]:
        """Yield frames ``start:stop:step`` without holding more than one in memory."""
        if start < 0 or (stop is not None and stop < 0) or step < 1:
            raise ValueError("start/stop must be >= 0 and step >= 1")
        with open_binary(self.path) as fh:
            if start and self._offsets is not None and start < len(self._offsets):
                fh.seek(int(self._offsets[start]))
                blocks = self._blocks(fh, start)
            else:
                blocks = self._blocks(fh, 0)
            for index, _, lines in blocks:
                if stop is not None and index >= stop:
                    return
                if index < start or (index - start) % step:
                    continue
                yield self._parse(lines, index)

    def __iter__(self) -> Iterator[Frame]:
        return self.iter_frames()

    # --- random access ----------------------------------------------------------
    @property
    def offsets(self) -> np.ndarray:
        """Byte offset of every complete frame (in the decompressed stream for ``.gz``).

        Notes
        -----
        Built on first use by one pass that reads the file without parsing numbers:
        O(file size) time, O(n_frames) memory.
        """
        if self._offsets is None:
            with open_binary(self.path) as fh:
                self._offsets = np.array([off for _, off, _ in self._blocks(fh, 0)], dtype=np.int64)
        return self._offsets

    def __len__(self) -> int:
        return len(self.offsets)

    def read_frame(self, index: int) -> Frame:
        """Frame ``index`` by seeking to its byte offset."""
        offsets = self.offsets
        if not -len(offsets) <= index < len(offsets):
            raise IndexError(f"{self.path}: frame {index} out of range ({len(offsets)} frames)")
        index %= len(offsets)
        with open_binary(self.path) as fh:
            fh.seek(int(offsets[index]))
            for i, _, lines in self._blocks(fh, index):
                return self._parse(lines, i)
        raise IndexError(index)  # pragma: no cover


def read_lines(fh, n: int) -> list[bytes]:
    """Read exactly ``n`` lines or raise :class:`Truncated`.

    A final line without a newline counts as complete only when it has as many
    fields as the block's first line (files cut mid-line are truncated).
    """
    lines = list(islice(fh, n))
    if len(lines) < n:
        raise Truncated
    if lines and not lines[-1].endswith(b"\n"):
        if len(lines[-1].split()) != len(lines[0].split()):
            raise Truncated
        lines[-1] += b"\n"
    return lines
