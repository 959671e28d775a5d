"""Finding an external program (gpumd, CP2K): an explicit path, an environment variable, or PATH.

One rule for every backend: ``executable`` if given, else ``$ENV`` (a file, or a directory
holding one of the program's names), else the first of the names on PATH; anything else
is one :class:`~seinet.simulate.errors.ExecutableNotFoundError` line with the install hint.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from pathlib import Path

from .errors import ExecutableNotFoundError

__all__ = ["find_executable"]


def _runnable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def find_executable(names: Sequence[str], env_var: str, hint: str, executable: str | os.PathLike | None = None,
                    what: str = "an executable") -> Path:
    """Path of the program called one of ``names`` (module docstring for the order).

    Parameters
    ----------
    names : sequence of str
        Executable names, preferred first (``("cp2k_shell", "cp2k_shell.psmp")``).
    env_var : str
        Environment variable naming the program or its directory.
    hint : str
        How to install it (in the error).
    executable : path, optional
        Explicit choice; overrides ``env_var``.
    what : str
        How the error calls a wrong explicit choice ("... is not {what}").

    Raises
    ------
    ExecutableNotFoundError
    """
    given = executable if executable is not None else os.environ.get(env_var, "").strip() or None
    if given is not None:
        path = Path(given).expanduser()
        if path.is_dir():
            for name in names:
                if _runnable(path / name):
                    return path / name
        elif _runnable(path):
            return path
        found = shutil.which(str(given))
        if found:
            return Path(found)
        raise ExecutableNotFoundError(names[0], env_var, f"{given} is not {what}; {hint}")
    for name in names:
        found = shutil.which(name)
        if found:
            return Path(found)
    raise ExecutableNotFoundError(names[0], env_var, hint)
