"""Atomic run directories: everything is written to a hidden sibling and renamed at the end.

A failed run leaves no ``RUN`` (the temporary sibling is removed); an existing
``RUN`` is never modified unless ``overwrite=True``, and then it is replaced only
after the new one is complete.

A *resumable* run directory (``resumable=True``, used by ``seinet analyze``) writes into
``.RUN.partial``, a name fixed by the target so that running the same command again
finds it, and keeps it after a failure when it holds a checkpoint
(:mod:`seinet.run.checkpoint`). A lock on ``.RUN.partial/.checkpoint/lock`` keeps two
processes from writing the same run.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from ..errors import SeinetError

__all__ = ["RunDirectory", "sha256_of"]


def sha256_of(path: str | os.PathLike, chunk: int = 1 << 20) -> str:
    """Hex sha256 of a file, read in chunks (O(1) memory)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


class RunDirectory:
    """Context manager giving a temporary directory that becomes ``target`` on success.

    Parameters
    ----------
    target : path
    overwrite : bool
        Replace an existing ``target`` (only once the new one is complete).
    resumable : bool
        Work in ``.TARGET.partial`` (see module docstring); on failure it is kept when it
        holds ``.checkpoint/checkpoint.pkl``, removed otherwise. On success ``.checkpoint/``
        is removed before the rename.

    Examples
    --------
    >>> with RunDirectory("RUN") as tmp:          # doctest: +SKIP
    ...     (tmp / "species.csv").write_text("...")
    """

    def __init__(self, target: str | os.PathLike, overwrite: bool = False, resumable: bool = False) -> None:
        self.target = Path(target)
        self.overwrite = overwrite
        self.resumable = resumable
        self.tmp: Path | None = None
        self._lock = None
        if self.target.exists() and not overwrite:
            raise SeinetError(f"{self.target} already exists; choose another --out or pass --overwrite")
        if self.target.exists() and not self.target.is_dir():
            raise SeinetError(f"{self.target} exists and is not a directory")

    @staticmethod
    def work_path(target: str | os.PathLike) -> Path:
        """The work directory of a resumable run of ``target``."""
        target = Path(target)
        return target.resolve().parent / f".{target.name}.partial"

    def __enter__(self) -> Path:
        parent = self.target.resolve().parent
        parent.mkdir(parents=True, exist_ok=True)
        if not self.resumable:
            self.tmp = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.partial-", dir=parent))
            return self.tmp
        work = self.work_path(self.target)
        created = not work.exists()
        (work / ".checkpoint").mkdir(parents=True, exist_ok=True)
        try:
            self._lock = _lock(work / ".checkpoint" / "lock")
        except BlockingIOError:
            raise SeinetError(f"{work} is in use by another seinet process writing {self.target}; "
                              f"wait for it to finish or stop it") from None
        except BaseException:
            if created:
                shutil.rmtree(work, ignore_errors=True)
            raise
        self.tmp = work
        return work

    def __exit__(self, exc_type, exc, tb) -> bool:
        try:
            if exc_type is not None:
                if not (self.resumable and (self.tmp / ".checkpoint" / "checkpoint.pkl").is_file()):
                    shutil.rmtree(self.tmp, ignore_errors=True)
                return False
            if self.resumable:
                shutil.rmtree(self.tmp / ".checkpoint", ignore_errors=True)
            if self.target.exists():
                old = self.target.with_name(f".{self.target.name}.old-{os.getpid()}")
                os.replace(self.target, old)
                os.replace(self.tmp, self.target)
                shutil.rmtree(old, ignore_errors=True)
            else:
                os.replace(self.tmp, self.target)
            return False
        finally:
            if self._lock is not None:
                self._lock.close()
                self._lock = None


def _lock(path: Path):
    """An open file holding an exclusive advisory lock (BlockingIOError when another process has it)."""
    fh = open(path, "a+b")
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no lock
        return fh
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BaseException:
        fh.close()
        raise
    return fh
