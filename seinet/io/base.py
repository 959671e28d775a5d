"""Streaming over text trajectories whose frames are blocks of lines.

A concrete reader says how to read one frame's lines from a line stream
(:meth:`TextTrajectory._read_block`), how to turn them into a
:class:`~seinet.frame.Frame` (:meth:`TextTrajectory._parse`) and which line starts
a frame (:meth:`TextTrajectory._starts_frame`). This class supplies slicing, the
byte-offset index for random access, ``.gz`` support, the rule for an incomplete
last frame (warn, keep every complete frame) and what happens at a bad frame:

* every error names the file, the frame and the frame's byte offset;
* by default the first bad frame raises :class:`~seinet.errors.TrajectoryError`;
* with ``on_error`` the error is handed to that callable and reading goes on at the
  next frame. A frame whose lines were read but do not parse or fail ``check``
  ends where the index says (the next frame start); a frame whose extent cannot be
  read (broken header, an atom count that does not match its lines) is followed by
  a scan, from its second line, for the next line that starts a frame.
"""

from __future__ import annotations

import logging
import os
import re
import warnings
import zlib
from collections.abc import Callable, Iterator
from dataclasses import replace
from itertools import islice

import numpy as np

from ..errors import TrajectoryError, TruncatedFrameWarning
from ..frame import Frame
from ._text import open_binary
from .follow import Follow, Tail

__all__ = ["TextTrajectory", "Truncated", "LineStream", "read_lines", "parse_step", "ErrorHandler", "FrameCheck"]

log = logging.getLogger(__name__)

#: Called with the error of a bad frame; reading goes on at the next frame (it may re-raise).
ErrorHandler = Callable[[TrajectoryError], None]
#: Called with every parsed frame; returns it (possibly amended) or raises TrajectoryError.
FrameCheck = Callable[[Frame], Frame]

_SCAN_LINE = 1 << 16  # longest line the resynchronising scan reads at once (no frame starts with more)
_CHUNK = 4096  # atom lines read at a time when a frame's atom count is checked
_TAIL = 4  # last atom lines checked for a header when the atom count is the usual one


class Truncated(Exception):
    """Raised by ``_read_block`` when the stream ends inside a frame."""


class LineStream:
    """Lines of a binary stream, with push-back and a mark at the start of the current frame.

    Readers read through it; after a bad frame :class:`TextTrajectory` rewinds to the
    frame's first line and scans forward without seeking backwards (a backward seek
    re-decompresses a ``.gz`` file from its beginning).
    """

    __slots__ = ("raw", "tail", "_back", "_back_bytes", "_taken")

    def __init__(self, raw, tail: Tail | None = None) -> None:
        self.raw = raw
        #: When following a growing file: a line read at its end waits for the rest (:mod:`seinet.io.follow`).
        self.tail = tail
        self._back: list[bytes] = []  # pushed-back lines, next one last
        self._back_bytes = 0
        self._taken: list[list[bytes]] = []  # lines consumed since mark(), as read (never modified)

    def tell(self) -> int:
        """Byte offset of the next line."""
        return self.raw.tell() - self._back_bytes

    def seek(self, offset: int) -> None:
        self._back.clear()
        self._back_bytes = 0
        self._taken = []
        self.raw.seek(offset)

    def mark(self) -> None:
        """Forget the lines consumed so far: a frame starts here."""
        self._taken = []

    def readline(self, limit: int = -1) -> bytes:
        """The next line (b"" at the end; at most ``limit`` bytes when given)."""
        if self._back:
            line = self._back.pop()
            self._back_bytes -= len(line)
        else:
            line = self.raw.readline(limit)
            if self.tail is not None and not line.endswith(b"\n"):
                line = self._complete(line, limit)
        self._taken.append([line])
        return line

    def _complete(self, line: bytes, limit: int = -1) -> bytes:
        """Following: wait until ``line`` (read at the end of the file) is a whole line, or following ends."""
        while not line.endswith(b"\n") and (limit < 0 or len(line) < limit) and self.tail.wait():
            line += self.raw.readline(limit - len(line) if limit >= 0 else -1)
        return line

    def readlines(self, n: int) -> list[bytes]:
        """Up to ``n`` lines (fewer at the end of the stream)."""
        out = []
        while self._back and len(out) < n:
            line = self._back.pop()
            self._back_bytes -= len(line)
            out.append(line)
        if len(out) < n:
            out.extend(islice(self.raw, n - len(out)))
            if self.tail is not None:
                self._follow_lines(out, n)
        self._taken.append(out)
        return out

    def _follow_lines(self, out: list[bytes], n: int) -> None:
        """Following: wait for the missing lines of ``out`` (and the rest of its last line), or the end."""
        while True:
            if out and not out[-1].endswith(b"\n"):
                out[-1] = self._complete(out[-1])
                if not out[-1].endswith(b"\n"):
                    return
            if len(out) >= n:
                return
            more = list(islice(self.raw, n - len(out)))
            if more:
                out.extend(more)
            elif not self.tail.wait():
                return

    def unread(self, line: bytes) -> None:
        """Push back ``line``, the line read last by :meth:`readline` (the next read returns it again)."""
        if self._taken and self._taken[-1] == [line]:
            self._taken.pop()
        self._back.append(line)
        self._back_bytes += len(line)

    def peek(self) -> bytes:
        """The next line without consuming it."""
        line = self.readline()
        self.unread(line)
        return line

    def rewind(self) -> None:
        """Push back every line consumed since :meth:`mark`."""
        taken, self._taken = self._taken, []
        for chunk in reversed(taken):
            for line in reversed(chunk):
                self._back.append(line)
                self._back_bytes += len(line)


class TextTrajectory:
    """Base class of line-block text readers.

    Parameters
    ----------
    path : str or PathLike
        File to read (``.gz`` is decompressed transparently).
    """

    format_name = "text"
    #: Matches a line (``re.M``) that belongs to a frame header and can never be an atom line.
    header_line: re.Pattern = re.compile(rb"(?!)")  # (never matches; readers override it)

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = os.fspath(path)
        self._offsets: np.ndarray | None = None
        self._n_usual: int | None = None  # atom count of the first frame read in full
        with open_binary(self.path):  # fail now on a missing or unreadable file
            pass

    # --- to implement -------------------------------------------------------
    def _read_block(self, fh: LineStream, index: int) -> list[bytes] | None:  # pragma: no cover
        """Lines of the frame at the stream position; None at the end of the file.

        Raise :class:`Truncated` when the file ends inside the frame and
        :class:`~seinet.errors.TrajectoryError` when the frame's extent cannot be known.
        """
        raise NotImplementedError

    def _parse(self, lines: list[bytes], index: int) -> Frame:  # pragma: no cover
        raise NotImplementedError

    def _starts_frame(self, fh: LineStream, line: bytes) -> bool:  # pragma: no cover
        """Whether ``line`` (just read from ``fh``, which may be peeked) is the first line of a frame."""
        raise NotImplementedError

    def _is_separator(self, line: bytes) -> bool:
        """Lines allowed between frames."""
        return not line.strip()

    def _is_atom_line(self, line: bytes, atoms: list[bytes]) -> bool:
        """Whether ``line`` looks like one more atom line of a frame whose atom lines are ``atoms``."""
        return self.header_line.match(line) is None and len(line.split()) == len(atoms[-1].split())

    # --- frame extents ----------------------------------------------------------
    def _atom_lines(self, fh: LineStream, n: int, index: int) -> list[bytes]:
        """The ``n`` atom lines a frame header announces, checked against the lines around them.

        A count equal to the first frame's is trusted (fast path): only the last lines are
        checked for a header (lines missing). Another count (or the first frame) is read
        in chunks that must not contain a header line, so a corrupt count costs neither
        the next frames nor memory. Either way the frame must not be followed by more
        atom lines (lines added, or a count too small).
        """
        if n == self._n_usual:
            atoms = read_lines(fh, n)
            self._no_header(atoms[-_TAIL:], n - min(n, _TAIL), n, index)
        else:
            atoms = []
            while len(atoms) < n:
                chunk = read_lines(fh, min(_CHUNK, n - len(atoms)))
                self._no_header(chunk, len(atoms), n, index)
                atoms.extend(chunk)
        self._check_end(fh, atoms, index)
        if self._n_usual is None:
            self._n_usual = n
        return atoms

    def _no_header(self, lines: list[bytes], before: int, n: int, index: int) -> None:
        """Raise when one of ``lines`` (atom lines ``before``... of ``n``) is a header line."""
        text = b"".join(lines)
        found = self.header_line.search(text)
        if found is not None:
            k = before + text.count(b"\n", 0, found.start())
            raise TrajectoryError(self.path, index, f"header line after {k} of the {n} atom lines the "
                                  f"frame announces: wrong atom count, or lines missing")

    def _check_end(self, fh: LineStream, atoms: list[bytes], index: int) -> None:
        """Raise when more atom lines follow the frame (its atom count is too small)."""
        if not atoms:
            return
        seen = []
        try:
            line = fh.readline()
            seen.append(line)
            while line and self._is_separator(line):
                line = fh.readline()
                seen.append(line)
            if line and not self._starts_frame(fh, line) and self._is_atom_line(line, atoms):
                raise TrajectoryError(self.path, index, f"more atom lines follow the {len(atoms)} the frame "
                                      f"announces: wrong atom count, or lines added")
        finally:
            for line in reversed(seen):
                fh.unread(line)

    def _frame_start(self, fh: LineStream) -> int:
        """Skip separator lines and mark the start of the next frame; returns its byte offset."""
        line = fh.readline()
        while line and self._is_separator(line):
            line = fh.readline()
        fh.unread(line)
        fh.mark()
        return fh.tell()

    def _resync(self, fh: LineStream) -> None:
        """After a frame whose extent could not be read: go to the next frame start after its first line.

        Lines are read at most ``_SCAN_LINE`` bytes at a time (a corrupt region may be one
        huge line); only a whole line can start a frame.
        """
        fh.rewind()
        line = fh.readline(_SCAN_LINE)
        at_line_start = line.endswith(b"\n")
        while line:
            line = fh.readline(_SCAN_LINE)
            whole = at_line_start and line.endswith(b"\n")
            if whole and self._starts_frame(fh, line):
                fh.unread(line)
                return
            at_line_start = line.endswith(b"\n")

    def _blocks(self, fh: LineStream, first_index: int, tolerant: bool = False
                ) -> Iterator[tuple[int, int, list[bytes] | TrajectoryError]]:
        """Yield ``(index, offset, lines)``; stop with a warning at a truncated frame.

        With ``tolerant``, a frame whose lines cannot be read is yielded with its error
        in place of the lines, and the stream moves on to the next frame start.
        """
        index = first_index
        while True:
            offset = fh.tell()
            try:
                try:
                    offset = self._frame_start(fh)
                    lines = self._read_block(fh, index)
                except TrajectoryError as exc:
                    if not tolerant:
                        raise exc.located(offset) from None
                    lines = exc.located(offset)
                    self._resync(fh)
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
                raise TrajectoryError(self.path, index, f"cannot read: {exc}", offset) from None
            if lines is None:
                return
            yield index, offset, lines
            index += 1

    # --- streaming ------------------------------------------------------------
    def iter_frames(self, start: int = 0, stop: int | None = None, step: int = 1, *,
                    check: FrameCheck | None = None, on_error: ErrorHandler | None = None,
                    resume: tuple[int, int] | None = None, follow: Follow | None = None) -> Iterator[Frame]:
        """Yield frames ``start:stop:step`` without holding more than one in memory.

        Parameters
        ----------
        start, stop, step : int
            Frame slice.
        check : callable, optional
            Applied to every parsed frame (e.g. :class:`seinet.io.validate.FrameValidator`);
            its errors are bad frames like parse errors.
        on_error : callable, optional
            Called with the :class:`~seinet.errors.TrajectoryError` of every bad frame in the
            slice (frame index and byte offset set); the frame is skipped and reading goes
            on. None (default): the error is raised. A truncated last frame is a
            :class:`~seinet.errors.TruncatedFrameWarning` either way; an unreadable ``.gz``
            stream always raises.
        resume : (int, int), optional
            ``(index, byte offset)``: start reading at that byte offset, where frame ``index``
            starts (or the separator lines before it: the end of frame ``index - 1``, which is
            ``Frame.byte_range[1]``). Frames before ``index`` are not read; the slice keeps
            its meaning for the others. Used to resume an analysis from a checkpoint.
        follow : Follow, optional
            The file is still being written: wait for more at its end (:mod:`seinet.io.follow`).

        Notes
        -----
        Every frame carries ``byte_range``: where its lines start and end in the file.
        """
        if start < 0 or (stop is not None and stop < 0) or step < 1:
            raise ValueError("start/stop must be >= 0 and step >= 1")
        with open_binary(self.path) as raw:
            fh = LineStream(raw, None if follow is None else Tail(raw, self.path, follow))
            first = 0
            if resume is not None:
                first, at = int(resume[0]), int(resume[1])
                fh.seek(at)
            elif start and self._offsets is not None and start < len(self._offsets):
                fh.seek(int(self._offsets[start]))
                first = start
            for index, offset, lines in self._blocks(fh, first, tolerant=on_error is not None):
                end = fh.tell()  # the generator is paused right after the frame's lines
                if stop is not None and index >= stop:
                    return
                if index < start or (index - start) % step:
                    continue
                try:
                    if isinstance(lines, TrajectoryError):
                        raise lines
                    frame = replace(self._parse(lines, index), byte_range=(offset, end))
                    if check is not None:
                        frame = check(frame)
                except TrajectoryError as exc:
                    if on_error is None:
                        raise exc.located(offset) from None
                    on_error(exc.located(offset))
                    continue
                yield frame

    def __iter__(self) -> Iterator[Frame]:
        return self.iter_frames()

    # --- random access ----------------------------------------------------------
    @property
    def offsets(self) -> np.ndarray:
        """Byte offset of every frame (in the decompressed stream for ``.gz``).

        Frames whose header is broken are in the index too (reading them raises), so
        frame ``k`` is the same frame for streaming and random access.

        Notes
        -----
        Built on first use by one pass that reads the file without parsing numbers:
        O(file size) time, O(n_frames) memory.
        """
        if self._offsets is None:
            with open_binary(self.path) as raw:
                blocks = self._blocks(LineStream(raw), 0, tolerant=True)
                self._offsets = np.array([off for _, off, _ in blocks], dtype=np.int64)
        return self._offsets

    def __len__(self) -> int:
        return len(self.offsets)

    def read_frame(self, index: int) -> Frame:
        """Frame ``index`` by seeking to its byte offset."""
        offsets = self.offsets
        if not -len(offsets) <= index < len(offsets):
            raise IndexError(f"{self.path}: frame {index} out of range ({len(offsets)} frames)")
        index %= len(offsets)
        with open_binary(self.path) as raw:
            fh = LineStream(raw)
            fh.seek(int(offsets[index]))
            for i, offset, lines in self._blocks(fh, index):
                try:
                    return self._parse(lines, i)
                except TrajectoryError as exc:
                    raise exc.located(offset) from None
        raise IndexError(index)  # pragma: no cover


def parse_step(text: bytes | str) -> int | None:
    """An MD step number (a signed decimal integer that fits int64), or None."""
    text = text.strip()
    if isinstance(text, str):
        text = text.encode("ascii", "replace")
    if not re.fullmatch(rb"[-+]?[0-9]{1,18}", text):
        return None
    return int(text)


def read_lines(fh: LineStream, n: int) -> list[bytes]:
    """Read exactly ``n`` lines or raise :class:`Truncated`.

    A final line without a newline counts as complete only when it has as many
    fields as the block's first line (files cut mid-line are truncated).
    """
    lines = fh.readlines(n) if isinstance(fh, LineStream) else list(islice(fh, n))
    if len(lines) < n:
        raise Truncated
    if lines and not lines[-1].endswith(b"\n"):
        if len(lines[-1].split()) != len(lines[0].split()):
            raise Truncated
        lines = [*lines[:-1], lines[-1] + b"\n"]  # a copy: the stream keeps the lines as read
    return lines
