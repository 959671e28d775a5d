"""Atomic run directories: everything is written to a hidden sibling and renamed at the end.

A failed run leaves no ``RUN`` (the temporary sibling is removed); an existing
``RUN`` is never modified unless ``overwrite=True``, and then it is replaced only
after the new one is complete.
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

    Examples
    --------
    >>> with RunDirectory("RUN") as tmp:          # doctest: +SKIP
    ...     (tmp / "species.csv").write_text("...")
    """

    def __init__(self, target: str | os.PathLike, overwrite: bool = False) -> None:
        self.target = Path(target)
        self.overwrite = overwrite
        self.tmp: Path | None = None
        if self.target.exists() and not overwrite:
            raise SeinetError(f"{self.target} already exists; choose another --out or pass --overwrite")
        if self.target.exists() and not self.target.is_dir():
            raise SeinetError(f"{self.target} exists and is not a directory")

    def __enter__(self) -> Path:
        parent = self.target.resolve().parent
        parent.mkdir(parents=True, exist_ok=True)
        self.tmp = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.partial-", dir=parent))
        return self.tmp

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc_type is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            return False
        if self.target.exists():
            old = self.target.with_name(f".{self.target.name}.old-{os.getpid()}")
            os.replace(self.target, old)
            os.replace(self.tmp, self.target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(self.tmp, self.target)
        return False
