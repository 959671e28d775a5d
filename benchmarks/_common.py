"""Shared helpers for benchmarks: realistic large frames built from the demo MD."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / "_work"
DEMO = ROOT / "data" / "demo" / "na_ec.extxyz.gz"


def tiled_frames(n_frames: int, reps=(8, 6, 3), source=DEMO, stride: int = 1):
    """Frames of the demo trajectory replicated ``reps`` times (periodic supercell).

    The supercell of a periodic frame is an exact periodic configuration, so bonding
    and species in it are those of real MD, ``prod(reps)`` times over. Positions are
    unwrapped continuously first: tiling wrapped positions would, whenever an atom
    crosses the small cell's boundary, bond it to the partner of a neighbouring
    replica and so change the atom set of an unchanged molecule, an artefact that no
    real trajectory has.
    """
    from seinet.io import iter_frames

    shifts = np.array([(i, j, k) for i in range(reps[0]) for j in range(reps[1]) for k in range(reps[2])], float)
    unwrapped = None
    for n, f in enumerate(iter_frames(source, step=stride)):
        if n >= n_frames:
            return
        if unwrapped is None:
            unwrapped = f.positions.copy()
        else:
            inv = np.linalg.inv(f.cell)
            step = (f.positions - previous) @ inv
            unwrapped = unwrapped + (step - np.round(step)) @ f.cell
        previous = f.positions
        images = shifts @ f.cell
        pos = (unwrapped[None, :, :] + images[:, None, :]).reshape(-1, 3)
        sym = np.tile(f.symbols, len(shifts))
        cell = f.cell * np.asarray(reps, float)[:, None]
        yield sym, pos, cell, f.time_ps


_SOURCE_CACHE: dict = {}


def _source_frames(source=DEMO):
    """Symbols, positions, cells and times of every frame of ``source`` (kept in memory; the demo is small)."""
    key = str(source)
    if key not in _SOURCE_CACHE:
        from seinet.io import iter_frames

        frames = list(iter_frames(source))
        _SOURCE_CACHE[key] = (frames[0].symbols, np.stack([f.positions for f in frames]),
                              np.stack([f.cell for f in frames]), np.array([f.time_ps for f in frames]))
    return _SOURCE_CACHE[key]


def bounced_frames(n_frames: int, reps=(8, 6, 3), source=DEMO):
    """Like :func:`tiled_frames` (identical for the source's length), for any number of frames.

    Past the last frame of the source the trajectory runs backwards, then forwards again
    (0, 1, ..., n-1, n-2, ..., 0, 1, ...): reversed MD is MD, so every step stays a
    small, continuous move and bonds, species and reactions stay those of the real run.
    Times keep increasing by the source's frame interval.
    """
    symbols, positions, cells, times = _source_frames(source)
    m = len(positions)
    period = max(1, 2 * (m - 1))
    dt = float(times[1] - times[0]) if m > 1 else 1.0
    shifts = np.array([(i, j, k) for i in range(reps[0]) for j in range(reps[1]) for k in range(reps[2])], float)
    sym = np.tile(symbols, len(shifts))
    unwrapped = previous = None
    for n in range(n_frames):
        r = n % period
        i = r if r < m else period - r
        pos, cell = positions[i], cells[i]
        if unwrapped is None:
            unwrapped = pos.copy()
        else:
            step = (pos - previous) @ np.linalg.inv(cell)
            unwrapped = unwrapped + (step - np.round(step)) @ cell
        previous = pos
        images = shifts @ cell
        yield (sym, (unwrapped[None, :, :] + images[:, None, :]).reshape(-1, 3),
               cell * np.asarray(reps, float)[:, None], float(times[0]) + n * dt)


def write_extxyz(path: Path, frames) -> int:
    """GPUMD dump_xyz style (species + pos), the form a production run writes."""
    n_atoms = 0
    with open(path, "w") as fh:
        for sym, pos, cell, t in frames:
            n_atoms = len(sym)
            lat = " ".join(f"{x:.8f}" for x in cell.ravel())
            fh.write(f"{len(sym)}\nTime={t * 1000:.3f} pbc=\"T T T\" Lattice=\"{lat}\" Properties=species:S:1:pos:R:3\n")
            body = np.char.add(np.char.add(sym.astype("U2"), " "), 
                               np.array([f"{x:.6f} {y:.6f} {z:.6f}" for x, y, z in pos]))
            fh.write("\n".join(body.tolist()))
            fh.write("\n")
    return n_atoms


def write_lammps_dump(path: Path, frames, type_map: dict) -> None:
    with open(path, "w") as fh:
        for step, (sym, pos, cell, t) in enumerate(frames):
            L = np.diag(cell)
            fh.write(f"ITEM: TIMESTEP\n{step}\nITEM: NUMBER OF ATOMS\n{len(sym)}\n")
            fh.write(f"ITEM: BOX BOUNDS pp pp pp\n0 {L[0]}\n0 {L[1]}\n0 {L[2]}\nITEM: ATOMS id type x y z\n")
            types = np.array([type_map[s] for s in sym])
            wrapped = pos - np.floor(pos / L) * L
            lines = [f"{i + 1} {ty} {x:.6f} {y:.6f} {z:.6f}" for i, (ty, (x, y, z)) in enumerate(zip(types, wrapped))]
            fh.write("\n".join(lines) + "\n")


def run_measured(cmd: list[str], env=None, timeout: float | None = None, cwd=None) -> dict:
    """Run a command; its wall time, CPU time and peak RSS, and its output.

    Returns ``{"wall_s", "cpu_s", "peak_rss_MiB", "output"}``. The figures are the
    command's own (``wait4`` on its process: its peak RSS, or that of the largest
    of its children it waited for, and the CPU time of all of them), not the
    running maximum over every child of the caller that ``RUSAGE_CHILDREN`` gives.
    Linux carries the caller's RSS high-water mark into the child across fork and
    exec, so the caller's own peak (:func:`own_peak_rss_mib`) is a floor of the
    figure: measure from a small process (benchmarks/suite.py imports neither seinet
    nor the frames it writes).
    The command runs in its own process group; on timeout the whole group is
    killed (tools with worker pools survive a plain ``timeout``) and
    ``TimeoutError`` is raised; a non-zero exit raises ``RuntimeError``.
    """
    import signal
    import tempfile
    import threading

    with tempfile.TemporaryFile("w+") as log:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, text=True, env=env, cwd=cwd,
                                start_new_session=True)
        done: dict = {}

        def reap() -> None:
            _, status, usage = os.wait4(proc.pid, 0)
            done.update(wall=time.perf_counter() - t0, status=status, usage=usage)

        waiter = threading.Thread(target=reap, daemon=True)
        waiter.start()
        waiter.join(timeout)
        if waiter.is_alive():
            os.killpg(proc.pid, signal.SIGKILL)
            waiter.join()
            proc.returncode = -9
            raise TimeoutError(f"{Path(cmd[0]).name} did not finish within {timeout:.0f} s") from None
        proc.returncode = os.waitstatus_to_exitcode(done["status"])
        log.seek(0)
        out = log.read()
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed ({proc.returncode}): {out[-2000:]}")
    usage = done["usage"]
    return {"wall_s": done["wall"], "cpu_s": usage.ru_utime + usage.ru_stime,
            "peak_rss_MiB": usage.ru_maxrss / 1024.0, "output": out}


def own_peak_rss_mib() -> float:
    """Peak RSS of this process's memory since its exec (``VmHWM``), in MiB.

    Unlike ``getrusage(RUSAGE_SELF).ru_maxrss``, it does not include the high-water
    mark of the parent that started this process.
    """
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run_timed(cmd: list[str], env=None, timeout: float | None = None) -> tuple[float, float, str]:
    """Wall time (s), peak RSS of the child (MiB), and output of a command (see :func:`run_measured`)."""
    r = run_measured(cmd, env=env, timeout=timeout)
    return r["wall_s"], r["peak_rss_MiB"], r["output"]


def python() -> str:
    return sys.executable
