"""The two trainers and how they start: neppo (PyTorch, a subprocess) and GPUMD's ``nep``.

- ``neppo``: ``python -c "from neppo.cli import main; main()" train DIR --device cpu`` in a
  subprocess (gradient descent with PyTorch; CPU, or ``device="cuda"``); needs
  ``pip install 'seinet[train]'`` (``torch==2.13.0``, ``neppo``).
- ``nep``: GPUMD's ``nep`` (SNES on the GPU), run without arguments in the directory, where it
  reads ``nep.in``, ``train.xyz`` and ``test.xyz``; found through ``$SEINET_NEP`` (the file or
  its directory), then ``nep`` on PATH.
- ``auto``: ``nep`` when it is found, neppo otherwise.

Both write ``nep.txt``, ``loss.out`` and the prediction files ``energy_*.out``, ``force_*.out``,
``virial_*.out``, ``stress_*.out`` and, for a qNEP, ``charge_*.out`` (:mod:`.results` reads them).
The trainer's standard output and error go to ``DIR/train.log`` line by line (and to the
``seinet.train.backends`` logger at DEBUG). A non-zero exit, or no ``nep.txt`` afterwards, is one
:class:`~seinet.train.errors.TrainingError` line with the directory and the last line of the log.

neppo runs with ``OMP_NUM_THREADS`` = ``MKL_NUM_THREADS`` = ``threads`` (1 by default): PyTorch's
CPU kernels take their thread count from it. On a 2-core machine 2 threads were 10x slower than 1
(133 against 12 ms per step, oversubscribed) and gave the same ``nep.txt``.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import subprocess
import sys
from pathlib import Path

from ..simulate.errors import ExecutableNotFoundError, SimulationConfigError
from ..simulate.executables import find_executable
from .errors import TrainingError

__all__ = ["BACKENDS", "NEP_ENV", "TRAIN_INSTALL", "neppo_available", "require_neppo", "neppo_version", "find_nep",
           "resolve_backend", "run_neppo", "run_nep", "last_line"]

log = logging.getLogger(__name__)

#: Backend names of :func:`seinet.train.train`.
BACKENDS = ("auto", "neppo", "nep")
#: Environment variable naming GPUMD's nep executable (or its directory).
NEP_ENV = "SEINET_NEP"
#: Install command of the neppo backend.
TRAIN_INSTALL = "pip install 'seinet[train]'"
_NEP_HINT = "GPUMD's src/ builds gpumd and nep with make: https://github.com/brucefan1983/GPUMD"
_NEPPO_COMMAND = "from neppo.cli import main; main()"


def _missing(module: str) -> bool:
    if module in sys.modules:
        return sys.modules[module] is None  # None: import blocked (how tests hide a package)
    return importlib.util.find_spec(module) is None


def neppo_available() -> bool:
    """True when neppo and torch can be imported (checked without importing them)."""
    return not (_missing("torch") or _missing("neppo"))


def require_neppo() -> None:
    """Raise one clear line when neppo or PyTorch is missing.

    Raises
    ------
    SimulationConfigError
    """
    missing = [name for name in ("torch", "neppo") if _missing(name)]
    if missing:
        raise SimulationConfigError(f"training with neppo needs {' and '.join(missing)}, which are not installed: "
                                    f"{TRAIN_INSTALL} (PyTorch for the CPU: pip install torch==2.13.0)")


def neppo_version() -> str | None:
    """Installed neppo version, or None."""
    from importlib import metadata

    try:
        return metadata.version("neppo")
    except metadata.PackageNotFoundError:
        return None


def find_nep(executable: str | os.PathLike | None = None) -> Path:
    """Path of GPUMD's ``nep``: ``executable``, ``$SEINET_NEP``, then PATH.

    Raises
    ------
    ExecutableNotFoundError
    """
    return find_executable(["nep"], NEP_ENV, _NEP_HINT, executable, what="GPUMD's nep executable")


def resolve_backend(backend: str = "auto", executable: str | os.PathLike | None = None) -> tuple[str, Path | None]:
    """The trainer that ``backend`` means on this machine, checked before anything is written.

    Parameters
    ----------
    backend : {"auto", "neppo", "nep"}
    executable : path, optional
        GPUMD's nep (``backend="nep"`` or ``"auto"``).

    Returns
    -------
    name : {"neppo", "nep"}
    path : pathlib.Path or None
        The nep executable (None for neppo).

    Raises
    ------
    SimulationConfigError
        Unknown backend; neppo requested (or auto without nep) but not installed.
    ExecutableNotFoundError
        ``backend="nep"`` and no nep executable.
    """
    if backend not in BACKENDS:
        raise SimulationConfigError(f"training backend must be one of {', '.join(BACKENDS)} (got {backend!r})")
    if backend == "nep":
        return "nep", find_nep(executable)
    if backend == "auto":
        try:
            return "nep", find_nep(executable)
        except ExecutableNotFoundError:
            if executable is not None:
                raise
    require_neppo()
    return "neppo", None


def last_line(path: str | os.PathLike) -> str:
    """The last non-blank line of a text file ("" when there is none or no file)."""
    try:
        lines = Path(path).read_text(errors="replace").splitlines()
    except OSError:
        return ""
    for line in reversed(lines):
        if line.strip():
            return line.strip()
    return ""


def _run(command: list[str], directory: Path, env: dict, name: str, shown: str | None = None) -> None:
    log_path = directory / "train.log"
    shown = str(directory) if shown is None else shown
    log.info("%s: %s (in %s)", name, " ".join(command), directory)
    with open(log_path, "w") as out:
        try:
            proc = subprocess.Popen(command, cwd=directory, env=env, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, text=True, bufsize=1)
        except OSError as exc:
            raise TrainingError(f"{name} could not start in {shown}: {exc}") from None
        with proc:
            try:
                for line in proc.stdout:
                    out.write(line)
                    log.debug("%s: %s", name, line.rstrip())
                code = proc.wait()
            finally:
                if proc.poll() is None:  # interrupted: do not leave the trainer running
                    proc.terminate()
                    try:
                        proc.wait(timeout=10)
                    except subprocess.TimeoutExpired:
                        proc.kill()
                        proc.wait()
    if code != 0:
        raise TrainingError(f"{name} training in {shown} failed (exit {code}): {last_line(log_path) or 'no output'}")
    if not (directory / "nep.txt").is_file():
        raise TrainingError(f"{name} training in {shown} wrote no nep.txt: {last_line(log_path) or 'no output'}")


def run_neppo(directory: str | os.PathLike, *, threads: int = 1, device: str = "cpu", shown: str | None = None) -> None:
    """Train with neppo in ``directory`` (``nep.in``, ``train.xyz``, optional ``test.xyz``).

    Parameters
    ----------
    directory : path
    threads : int
        CPU threads of PyTorch (``OMP_NUM_THREADS``, ``MKL_NUM_THREADS``).
    device : str
        ``cpu`` (default) or a torch device such as ``cuda``.
    shown : str, optional
        How errors name the directory (:func:`seinet.train.train` names the target, not its
        temporary work directory).

    Raises
    ------
    SimulationConfigError
        neppo or torch missing, or ``threads`` < 1.
    TrainingError
    """
    require_neppo()
    if int(threads) < 1:
        raise SimulationConfigError(f"threads must be >= 1 (got {threads})")
    directory = Path(directory).resolve()
    n = str(int(threads))
    env = {**os.environ, "OMP_NUM_THREADS": n, "MKL_NUM_THREADS": n, "OPENBLAS_NUM_THREADS": n,
           "PYTHONUNBUFFERED": "1"}
    _run([sys.executable, "-c", _NEPPO_COMMAND, "train", str(directory), "--device", str(device)],
         directory, env, "neppo", shown)


def run_nep(directory: str | os.PathLike, executable: str | os.PathLike | None = None,
            shown: str | None = None) -> None:
    """Train with GPUMD's ``nep`` in ``directory`` (``shown``: as in :func:`run_neppo`).

    Raises
    ------
    ExecutableNotFoundError
    TrainingError
    """
    path = find_nep(executable)
    directory = Path(directory).resolve()
    _run([str(path)], directory, dict(os.environ), "nep", shown)
