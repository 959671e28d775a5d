"""Following a trajectory that a simulation is still writing (``seinet analyze --follow``).

A followed file is read like any text trajectory, except that its end is not the end:
when a read reaches the end of the file, or the end of a line that is not complete yet,
the reader waits for the file to grow (polling its size every ``poll_s`` seconds) and
goes on. A frame the simulation has written only in part is therefore never an error:
the reader waits for the rest of it. Following ends when the file has not grown for
``timeout_s`` seconds, or when :attr:`Follow.stop` is set (Ctrl-C in ``seinet analyze``);
the reader then treats the file as ended (an incomplete last frame is ignored with a
:class:`~seinet.errors.TruncatedFrameWarning`, as for any file).

Only plain text files can be followed: a ``.gz`` file being written cannot be decoded
up to its last byte. A file that becomes shorter while it is followed (overwritten by a
restarted simulation) is an error.

>>> from seinet.io import Follow, iter_frames               # doctest: +SKIP
>>> for frame in iter_frames("dump.xyz", follow=Follow(poll_s=1, timeout_s=30)): ...
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field

from ..errors import ConfigError, TrajectoryError

__all__ = ["Follow", "Tail"]


@dataclass(frozen=True)
class Follow:
    """How to follow a growing file.

    Parameters
    ----------
    poll_s : float
        Seconds between two looks at the file's size while waiting.
    timeout_s : float
        Stop following when the file has not grown for this long.
    stop : threading.Event
        Set it (from any thread) to stop following now; the reader ends as at the end of a file.
    """

    poll_s: float = 2.0
    timeout_s: float = 60.0
    stop: threading.Event = field(default_factory=threading.Event, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.poll_s > 0 or not self.timeout_s >= 0:
            raise ConfigError(f"follow needs poll interval > 0 and timeout >= 0 s, got {self.poll_s}, {self.timeout_s}")


class Tail:
    """The waiting part of following one open file (used by :class:`~seinet.io.base.LineStream`).

    Parameters
    ----------
    raw : binary file
        The open file (its ``tell`` is the position of the next byte to read).
    path : str
        For messages.
    follow : Follow
    """

    def __init__(self, raw, path: str, follow: Follow) -> None:
        if path.endswith(".gz"):
            raise ConfigError(f"{path}: a .gz file cannot be followed while it is written; "
                              f"follow the uncompressed dump (or analyse the finished .gz without --follow)")
        self.raw = raw
        self.path = path
        self.follow = follow
        self._last_growth = time.monotonic()
        self._size = self._current_size()

    def _current_size(self) -> int:
        return os.fstat(self.raw.fileno()).st_size

    def wait(self) -> bool:
        """Block until the file has bytes beyond the read position (True) or following ends (False).

        Raises
        ------
        TrajectoryError
            When the file became shorter than what was already read.
        """
        follow = self.follow
        while True:
            size = self._current_size()
            position = self.raw.tell()
            if size < position:
                raise TrajectoryError(self.path, None, f"the file shrank to {size} bytes while it was followed "
                                      f"({position} bytes read); was it overwritten by a new run?")
            if size != self._size:
                self._size = size
                self._last_growth = time.monotonic()
            if size > position:
                return True
            if follow.stop.is_set():
                return False
            idle = time.monotonic() - self._last_growth
            if idle >= follow.timeout_s:
                return False
            if follow.stop.wait(min(follow.poll_s, follow.timeout_s - idle)):
                return False
