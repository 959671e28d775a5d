"""Checkpoints of a running analysis: kill it, run the same command again, it goes on.

A resumable run writes into the hidden work directory ``.RUN.partial`` beside ``RUN``
(:class:`~seinet.run.RunDirectory` with ``resumable=True``); its ``.checkpoint/``
subdirectory holds

* ``checkpoint.pkl``: a JSON-ready header (what was analysed and how: the
  :func:`fingerprint`, frames consumed, how many bytes of each input were read and
  their sha256) followed by the pickled state of the analysis and of every stage.
  It is replaced atomically (temporary file, fsync, ``os.replace``), so a kill at any
  moment leaves the previous checkpoint or the new one, never a mixture;
* ``membership/part-NNNNNN.parquet``: the membership rows, one part per checkpoint
  interval; parts written after the last checkpoint are discarded on resume.

docs/resume.md describes the design and the rules (what must match to resume).
The state is pickled: load checkpoints only from run directories you made.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError

__all__ = ["CheckpointPolicy", "CheckpointStore", "SourceHash", "CHECKPOINT_DIR", "differences"]

#: Subdirectory of the work directory with everything that is not output.
CHECKPOINT_DIR = ".checkpoint"
_FORMAT = 1  # version of the checkpoint file layout


@dataclass(frozen=True)
class CheckpointPolicy:
    """When to write a checkpoint: every ``frames`` frames or every ``seconds`` seconds.

    ``CheckpointPolicy.parse`` reads the ``--checkpoint-every`` text: ``100`` (frames),
    ``60s``, ``5min``, or ``0``/``off`` (never). The default is every 60 s: the work lost
    to a kill is bounded in time, and the cost of a checkpoint (pickling the state, which
    grows with the frames analysed) stays a small fraction of the run.
    """

    frames: int | None = None
    seconds: float | None = 60.0

    @classmethod
    def parse(cls, value) -> CheckpointPolicy:
        if isinstance(value, CheckpointPolicy):
            return value
        if value is None:
            return cls()
        if isinstance(value, bool):
            raise ConfigError(f"checkpoint interval must be frames (100) or a time (60s, 5min), got {value!r}")
        if isinstance(value, int):
            text = str(value)
        else:
            text = str(value).strip().lower()
        if text in ("0", "off", "never", "none"):
            return cls(frames=None, seconds=None)
        m = re.fullmatch(r"([0-9]+(?:\.[0-9]*)?)\s*(s|sec|min|h)?", text)
        if m is None:
            raise ConfigError(f"--checkpoint-every takes frames (100) or a time (60s, 5min, 1h); got {value!r}")
        number, unit = float(m.group(1)), m.group(2)
        if unit is None:
            if number != int(number) or number < 1:
                raise ConfigError(f"--checkpoint-every: a number of frames must be a positive integer, got {value!r}")
            return cls(frames=int(number), seconds=None)
        seconds = number * {"s": 1, "sec": 1, "min": 60, "h": 3600}[unit]
        if seconds <= 0:
            return cls(frames=None, seconds=None)
        return cls(frames=None, seconds=seconds)

    @property
    def enabled(self) -> bool:
        return self.frames is not None or self.seconds is not None

    def due(self, frames_since: int, seconds_since: float) -> bool:
        if frames_since < 1:
            return False
        if self.frames is not None and frames_since >= self.frames:
            return True
        return self.seconds is not None and seconds_since >= self.seconds

    def __str__(self) -> str:
        if self.frames is not None:
            return f"{self.frames} frames"
        if self.seconds is not None:
            return f"{self.seconds:g} s"
        return "off"


class SourceHash:
    """sha256 of the first bytes of an input file, extended as the analysis reads further.

    Each byte is read once whatever the number of checkpoints (O(file) in all, O(1)
    memory), and the same pass gives the manifest's sha256 of the whole file at the end.
    For a ``.gz`` input (read in the decompressed stream, whose offsets are not file
    offsets) the whole compressed file is hashed at once.
    """

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = os.fspath(path)
        self.n_bytes = 0
        self._sha = hashlib.sha256()

    def advance(self, n_bytes: int | None = None) -> str:
        """Hash up to byte ``n_bytes`` (None: the file's current size); returns the hex digest.

        Raises
        ------
        ValueError
            When the file is shorter than ``n_bytes``.
        """
        size = os.path.getsize(self.path)
        target = size if n_bytes is None or self.path.endswith(".gz") else int(n_bytes)
        if target > size:
            raise ValueError(f"{self.path} has {size} bytes, fewer than the {target} already analysed")
        if target > self.n_bytes:
            with open(self.path, "rb") as fh:
                fh.seek(self.n_bytes)
                left = target - self.n_bytes
                while left:
                    block = fh.read(min(left, 1 << 20))
                    if not block:
                        raise ValueError(f"{self.path} ended at byte {self.n_bytes}, before byte {target}")
                    self._sha.update(block)
                    self.n_bytes += len(block)
                    left -= len(block)
        return self._sha.hexdigest()

    def record(self) -> dict:
        return {"path": os.path.abspath(self.path), "bytes": self.n_bytes, "sha256": self._sha.hexdigest()}


def differences(saved: dict, current: dict, prefix: str = "") -> list[str]:
    """Dotted names of the entries that differ between two JSON-ready dicts (for the error message)."""
    out = []
    for key in sorted(set(saved) | set(current)):
        a, b = saved.get(key), current.get(key)
        if isinstance(a, dict) and isinstance(b, dict):
            out += differences(a, b, f"{prefix}{key}.")
        elif json.dumps(a, sort_keys=True, default=str) != json.dumps(b, sort_keys=True, default=str):
            out.append(prefix + key)
    return out


class CheckpointStore:
    """The ``.checkpoint/`` directory of a work directory: the checkpoint file and membership parts.

    Parameters
    ----------
    work : path
        The hidden work directory of the run.
    """

    def __init__(self, work: str | os.PathLike) -> None:
        self.dir = Path(work) / CHECKPOINT_DIR
        self.file = self.dir / "checkpoint.pkl"
        self.membership_parts = self.dir / "membership"

    def exists(self) -> bool:
        return self.file.is_file()

    def header(self) -> dict | None:
        """The checkpoint's header (without unpickling the state), or None when there is none.

        An unreadable file (from another seinet version, or damaged) gives a header with
        ``"unreadable"`` set.
        """
        if not self.exists():
            return None
        try:
            with open(self.file, "rb") as fh:
                head = pickle.load(fh)
        except Exception as exc:  # noqa: BLE001 - reported as a mismatch
            return {"unreadable": f"{type(exc).__name__}: {exc}"}
        if not isinstance(head, dict) or head.get("format") != _FORMAT:
            return {"unreadable": "written by another version of seinet"}
        return head

    def load_state(self):
        """The pickled state that follows the header."""
        with open(self.file, "rb") as fh:
            pickle.load(fh)
            return pickle.load(fh)

    def save(self, header: dict, state) -> None:
        """Write header and state atomically (a kill leaves the old checkpoint or the new one)."""
        self.dir.mkdir(parents=True, exist_ok=True)
        tmp = self.file.with_suffix(".tmp")
        with open(tmp, "wb") as fh:
            pickle.dump({**header, "format": _FORMAT}, fh, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(state, fh, protocol=pickle.HIGHEST_PROTOCOL)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.file)
        _fsync_dir(self.dir)

    def clear(self) -> None:
        """Forget the checkpoint and everything the run wrote (the lock stays)."""
        for path in (self.file, self.file.with_suffix(".tmp")):
            if path.exists():
                path.unlink()
        shutil.rmtree(self.membership_parts, ignore_errors=True)
        self.discard_outputs()

    def discard_outputs(self) -> None:
        """Remove what a killed run may have begun to write besides the checkpoint (the outputs of its end)."""
        for entry in self.dir.parent.iterdir():
            if entry.name == CHECKPOINT_DIR:
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)
