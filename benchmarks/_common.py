"""Shared helpers for benchmarks: realistic large frames built from the demo MD."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / "_work"
DEMO = ROOT / "data" / "demo" / "na_ec.extxyz.gz"


def tiled_frames(n_frames: int, reps=(8, 7, 3), source=DEMO, stride: int = 1):
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


def run_timed(cmd: list[str], env=None, timeout: float | None = None) -> tuple[float, float, str]:
    """Wall time (s), peak RSS of the child (MiB), and output of a command.

    The command runs in its own process group; on timeout the whole group is
    killed (tools with worker pools survive a plain ``timeout``) and
    ``TimeoutError`` is raised.
    """
    import signal

    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
                            start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise TimeoutError(f"{cmd[0]} did not finish within {timeout:.0f} s") from None
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed: {out[-2000:]}")
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(rss, before) / 1024.0, out


def python() -> str:
    return sys.executable
