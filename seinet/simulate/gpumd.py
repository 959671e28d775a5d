"""GPUMD backend: write ``model.xyz`` and ``run.in``, run ``gpumd``, read ``thermo.out``.

The executable is found through the ``SEINET_GPUMD`` environment variable (the ``gpumd``
executable, or the directory holding it) or ``gpumd`` on ``PATH``. GPUMD runs in the run
directory and reads ``run.in`` and ``model.xyz`` there; its output is streamed to the log and
to ``gpumd.log``.

run.in keywords seinet writes (GPUMD documentation, ``doc/gpumd/input_parameters/*.rst``, and
``src/measure/dump_xyz.cu`` for ``dump_xyz``), the grammar :func:`check_run_in` enforces:

=============  ==============================================================================
keyword        arguments
=============  ==============================================================================
potential      ``<file>`` (one path; seinet writes the absolute path of the model)
kspace         ``ewald`` | ``pppm [spacing]`` (0.2 <= spacing <= 2.0 Å; once, after potential;
               qNEP charge models only)
minimize       ``sd|fire <force_tolerance eV/Å> <max_steps int > 0>``
velocity       ``<T K > 0> [seed <int>]`` (once, before the first run)
time_step      ``<dt fs > 0> [<max_distance Å > 0>]``
ensemble       ``nve`` | ``nvt_ber|nvt_nhc|nvt_bdp|nvt_lan|nvt_bao <T1 K> <T2 K> <T_coup >= 1>``
               (T_coup = tau_T / dt; the target moves linearly from T1 to T2 during the run)
fix            ``<group_id>`` (grouping method 0) | ``<grouping_method> <group_id>`` (ints >= 0)
dump_thermo    ``<interval int > 0>``
dump_xyz       ``<interval int > 0> <file> [group <method> <id>] [precision single|double]
               {mass velocity force potential virial charge bec group_labels unwrapped_position}``
               (the old ``dump_xyz <method> <id> <interval> ...`` order and ``dump_exyz`` are gone)
run            ``<steps int > 0>``
=============  ==============================================================================

Structure: ``potential`` comes first; every ``run`` needs an ``ensemble`` since the previous
``run``; ``ensemble``, ``fix`` and ``dump_*`` are per-run (GPUMD does not carry them over),
so none may follow the last ``run``; ``#`` starts a comment.
"""

from __future__ import annotations

import gzip
import logging
import os
import shutil
import subprocess
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .errors import GPUMDError, RunInError
from .executables import find_executable
from .potential import ModelInfo
from .settings import GPUMD_ENSEMBLES, MDSettings

__all__ = ["GPUMD_ENV", "RUN_IN_KEYWORDS", "DUMP_XYZ_PROPERTIES", "RunInLine", "GPUMDRun", "write_run_in",
           "check_run_in", "find_gpumd", "run_gpumd", "gzip_file"]

log = logging.getLogger(__name__)

#: Environment variable naming the gpumd executable (or its directory).
GPUMD_ENV = "SEINET_GPUMD"
#: Per-atom quantities ``dump_xyz`` accepts.
DUMP_XYZ_PROPERTIES = ("mass", "velocity", "force", "potential", "virial", "charge", "bec", "group_labels",
                       "unwrapped_position")
_THERMOSTAT_ENSEMBLES = ("nvt_ber", "nvt_nhc", "nvt_bdp", "nvt_lan", "nvt_bao")
_PER_RUN = ("ensemble", "fix", "dump_thermo", "dump_xyz")


@dataclass(frozen=True)
class RunInLine:
    """One keyword line of a run.in: 1-based line number, keyword, arguments."""

    line: int
    keyword: str
    args: tuple[str, ...]


def _float(tok: str, what: str, low: float | None = None, high: float | None = None,
           strict: bool = False) -> str | None:
    try:
        v = float(tok)
    except ValueError:
        return f"{what} must be a number, got {tok!r}"
    if low is not None and (v <= low if strict else v < low):
        return f"{what} must be {'>' if strict else '>='} {low:g}, got {tok}"
    if high is not None and v > high:
        return f"{what} must be <= {high:g}, got {tok}"
    return None


def _int(tok: str, what: str, low: int | None = None) -> str | None:
    try:
        v = int(tok)
    except ValueError:
        return f"{what} must be an integer, got {tok!r}"
    if low is not None and v < low:
        return f"{what} must be >= {low}, got {tok}"
    return None


def _first(*checks: str | None) -> str | None:
    return next((c for c in checks if c), None)


def _potential(a):
    return None if len(a) == 1 else f"takes 1 argument (the model file), got {len(a)}"


def _kspace(a):
    if a == ("ewald",):
        return None
    if a and a[0] == "pppm" and len(a) <= 2:
        return _float(a[1], "pppm spacing", 0.2, 2.0) if len(a) == 2 else None
    return "takes 'ewald' or 'pppm [spacing]'"


def _minimize(a):
    if len(a) != 3 or a[0] not in ("sd", "fire"):
        return "takes 'sd|fire <force_tolerance> <max_steps>'"
    return _first(_float(a[1], "force tolerance"), _int(a[2], "max_steps", 1))


def _velocity(a):
    if len(a) == 1:
        return _float(a[0], "initial temperature", 0, strict=True)
    if len(a) == 3 and a[1] == "seed":
        return _first(_float(a[0], "initial temperature", 0, strict=True), _int(a[2], "seed"))
    return "takes '<temperature> [seed <int>]'"


def _time_step(a):
    if len(a) not in (1, 2):
        return "takes '<dt_fs> [max_distance]'"
    return _first(_float(a[0], "time step", 0, strict=True), _float(a[1], "max distance", 0, strict=True)
                  if len(a) == 2 else None)


def _ensemble(a):
    if a == ("nve",):
        return None
    if len(a) == 4 and a[0] in _THERMOSTAT_ENSEMBLES:
        return _first(_float(a[1], "T1", 0, strict=True), _float(a[2], "T2", 0, strict=True),
                      _float(a[3], "T_coup", 1))
    return f"takes 'nve' or '{'|'.join(_THERMOSTAT_ENSEMBLES)} <T1> <T2> <T_coup>'"


def _fix(a):
    if len(a) == 1:
        return _int(a[0], "group id", 0)
    if len(a) == 2:
        return _first(_int(a[0], "grouping method", 0), _int(a[1], "group id", 0))
    return "takes '<group_id>' or '<grouping_method> <group_id>'"


def _dump_thermo(a):
    return _int(a[0], "interval", 1) if len(a) == 1 else "takes 1 argument (the interval)"


def _dump_xyz(a):
    if len(a) < 2:
        return "takes '<interval> <file> [group <method> <id>] [precision single|double] {properties}'"
    if len(a) >= 3 and _int(a[1], "x") is None and _int(a[2], "x") is None:
        return "the '<grouping_method> <group_id> <interval>' order is gone; write '<interval> <file> group <m> <id>'"
    problem = _int(a[0], "interval", 1)
    if problem:
        return problem
    seen: set[str] = set()
    i = 2
    while i < len(a):
        tok = a[i]
        if tok in ("group", "precision"):
            if tok in seen:
                return f"option {tok!r} given twice"
            seen.add(tok)
            if tok == "group":
                if i + 2 >= len(a):
                    return "'group' needs <grouping_method> <group_id>"
                problem = _first(_int(a[i + 1], "grouping method", 0), _int(a[i + 2], "group id", 0))
                i += 3
            else:
                if i + 1 >= len(a) or a[i + 1] not in ("single", "double"):
                    return "'precision' needs single or double"
                problem, i = None, i + 2
            if problem:
                return problem
            continue
        if tok not in DUMP_XYZ_PROPERTIES:
            return f"unknown property {tok!r}; allowed: {', '.join(DUMP_XYZ_PROPERTIES)}"
        i += 1
    return None


def _run(a):
    return _int(a[0], "steps", 1) if len(a) == 1 else "takes 1 argument (the number of steps)"


def _plumed(a):
    """``plumed <input file> <interval >= 1> <0|1>`` (GPUMD's PLUMED interface: file, call interval, restart)."""
    if len(a) != 3:
        return "takes 3 arguments (plumed input file, interval, restart 0|1)"
    return _int(a[1], "interval", 1) or (None if a[2] in ("0", "1") else "restart flag must be 0 or 1")


#: The keywords seinet writes and the argument check of each (see the module table).
RUN_IN_KEYWORDS: dict[str, Callable[[tuple[str, ...]], str | None]] = {
    "potential": _potential, "kspace": _kspace, "minimize": _minimize, "velocity": _velocity,
    "time_step": _time_step, "ensemble": _ensemble, "fix": _fix, "dump_thermo": _dump_thermo,
    "dump_xyz": _dump_xyz, "run": _run, "plumed": _plumed,
}


def check_run_in(text: str) -> list[RunInLine]:
    """Check a run.in against the documented grammar (module table).

    Parameters
    ----------
    text : str
        Contents of run.in.

    Returns
    -------
    list of RunInLine
        The keyword lines, in order.

    Raises
    ------
    RunInError
        The first problem, as ``run.in line N: keyword: what is wrong``.
    """
    lines: list[RunInLine] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        tokens = raw.split("#", 1)[0].split()
        if not tokens:
            continue
        keyword, args = tokens[0], tuple(tokens[1:])
        if keyword == "dump_exyz":
            raise RunInError(f"run.in line {number}: dump_exyz no longer exists in GPUMD; use dump_xyz")
        check = RUN_IN_KEYWORDS.get(keyword)
        if check is None:
            raise RunInError(f"run.in line {number}: unknown keyword {keyword!r}; seinet writes only "
                             f"{', '.join(RUN_IN_KEYWORDS)}")
        problem = check(args)
        if problem:
            raise RunInError(f"run.in line {number}: {keyword}: {problem}")
        lines.append(RunInLine(number, keyword, args))
    if not lines or lines[0].keyword != "potential":
        raise RunInError("run.in: the first keyword must be potential")
    counts = {k: sum(1 for ln in lines if ln.keyword == k) for k in ("kspace", "velocity", "run")}
    if counts["kspace"] > 1:
        raise RunInError("run.in: kspace may appear only once")
    if counts["run"] == 0:
        raise RunInError("run.in: no run keyword, nothing would be simulated")
    if counts["velocity"] != 1:
        raise RunInError(f"run.in: velocity must appear exactly once before the first run (found {counts['velocity']})")
    first_run = next(ln.line for ln in lines if ln.keyword == "run")
    velocity = next(ln.line for ln in lines if ln.keyword == "velocity")
    if velocity > first_run:
        raise RunInError(f"run.in line {velocity}: velocity must come before the first run (line {first_run})")
    has_ensemble, pending = False, None
    for ln in lines:
        if ln.keyword == "ensemble":
            has_ensemble = True
        if ln.keyword in _PER_RUN:
            pending = ln
        if ln.keyword == "run":
            if not has_ensemble:
                raise RunInError(f"run.in line {ln.line}: run without an ensemble since the previous run")
            has_ensemble, pending = False, None
    if pending is not None:
        raise RunInError(f"run.in line {pending.line}: {pending.keyword} after the last run has no effect")
    return lines


def write_run_in(settings: MDSettings, model: ModelInfo, *, fixed_group: int | None = None,
                 dump_file: str = "dump.xyz", comment: str = "") -> str:
    """The run.in text for ``settings`` (checked with :func:`check_run_in` before it is returned).

    Parameters
    ----------
    settings : MDSettings
    model : ModelInfo
        Its absolute path goes to ``potential``; a charge model adds ``kspace`` and, unless
        ``settings.dump_charges`` is False, the ``charge`` column.
    fixed_group : int, optional
        Group label (grouping method 0 of model.xyz) to hold fixed.
    dump_file : str
        Trajectory file name.
    comment : str
        First-line comment.
    """
    charges = model.has_charges if settings.dump_charges is None else bool(settings.dump_charges)
    if charges and not model.has_charges:
        raise RunInError("dump_charges=True, but the model predicts no charges (not a qNEP model)")
    if any(c.isspace() for c in str(model.path)):
        raise RunInError(f"GPUMD splits run.in lines at spaces and cannot read the model path {model.path}; "
                         "copy or link the model to a path without spaces")
    lines = [f"# {comment}".rstrip() if comment else "# written by seinet", f"potential {model.path}"]
    if model.has_charges:
        lines.append(f"kspace {settings.kspace}")
    if settings.minimize_steps > 0:
        lines.append(f"minimize fire {settings.minimize_fmax:g} {settings.minimize_steps}")
    lines += [f"velocity {settings.temperature_K:g} seed {settings.seed}", f"time_step {settings.timestep_fs:g}",
              "ensemble nve" if settings.thermostat == "nve" else
              f"ensemble {GPUMD_ENSEMBLES[settings.thermostat]} {settings.temperature_K:g} "
              f"{settings.end_temperature_K:g} {settings.tau_fs / settings.timestep_fs:g}"]
    if fixed_group is not None:
        lines.append(f"fix {fixed_group}")
    props = (["charge"] if charges else []) + (["velocity"] if settings.dump_velocities else []) \
        + (["force"] if settings.dump_forces else [])
    lines += [f"dump_thermo {settings.thermo_interval}",
              " ".join([f"dump_xyz {settings.dump_every} {dump_file}", *props]), f"run {settings.steps}"]
    text = "\n".join(lines) + "\n"
    check_run_in(text)
    return text


def find_gpumd(executable: str | os.PathLike | None = None) -> Path:
    """Return the gpumd executable: ``executable``, ``$SEINET_GPUMD`` (file or directory), or PATH.

    Raises
    ------
    ExecutableNotFoundError
    """
    hint = ("build GPUMD from https://github.com/brucefan1983/GPUMD (make in src/) and point "
            f"{GPUMD_ENV} at src/gpumd")
    return find_executable(("gpumd",), GPUMD_ENV, hint, executable)


@dataclass(frozen=True)
class GPUMDRun:
    """A finished GPUMD run: the executable, the log file and the wall time."""

    executable: Path
    log: Path
    wall_s: float


def run_gpumd(directory: str | os.PathLike, executable: str | os.PathLike | None = None, *,
              timeout_s: float | None = None) -> GPUMDRun:
    """Run gpumd in ``directory`` (which holds run.in and model.xyz), streaming its output.

    Every output line goes to ``directory/gpumd.log`` and to this module's logger (DEBUG;
    progress lines at INFO).

    Raises
    ------
    ExecutableNotFoundError
        No gpumd.
    GPUMDError
        A non-zero exit or a timeout; the message ends with GPUMD's last lines.
    """
    exe = find_gpumd(executable)
    directory = Path(directory)
    log_path = directory / "gpumd.log"
    tail: deque[str] = deque(maxlen=8)
    t0 = time.perf_counter()
    log.info("running %s in %s", exe, directory)
    with open(log_path, "w") as log_file:
        proc = subprocess.Popen([str(exe)], cwd=directory, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, bufsize=1)
        try:
            assert proc.stdout is not None
            for line in proc.stdout:
                log_file.write(line)
                text = line.rstrip()
                if text:
                    tail.append(text.strip())
                    level = logging.INFO if ("completed" in text.lower() or "time used" in text.lower()) \
                        else logging.DEBUG
                    log.log(level, "gpumd: %s", text)
                if timeout_s is not None and time.perf_counter() - t0 > timeout_s:
                    proc.kill()
                    raise GPUMDError(f"gpumd ran longer than {timeout_s:.0f} s and was stopped: {' | '.join(tail)}")
            code = proc.wait()
        except BaseException:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            raise
    wall = time.perf_counter() - t0
    if code != 0:
        raise GPUMDError(f"gpumd exited with code {code} after {wall:.1f} s: {' | '.join(tail)}")
    log.info("gpumd finished in %.1f s", wall)
    return GPUMDRun(executable=exe, log=log_path, wall_s=wall)


def gzip_file(path: str | os.PathLike) -> Path:
    """Compress ``path`` to ``path.gz`` (mtime 0, reproducible bytes) and remove ``path``."""
    path = Path(path)
    target = path.with_name(path.name + ".gz")
    with open(path, "rb") as src, open(target, "wb") as raw, \
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=6, mtime=0) as gz:
        shutil.copyfileobj(src, gz, 1 << 20)
    path.unlink()
    return target
