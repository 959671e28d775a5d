"""Packing molecules into periodic boxes with packmol.

The executable is found, in order, through the ``SEINET_PACKMOL`` environment variable
(a path to the executable), the binary shipped inside the ``packmol`` PyPI wheel
(``packmol.cli.get_binary_path()``), or ``packmol`` on ``PATH``.

packmol is run in a temporary directory with a fixed ``seed``; the same input gives the
same coordinates. Boxes are periodic (packmol's ``pbc`` keyword, packmol >= 20.15), so
molecules cross the lateral faces freely; extra constraints (``above plane``/``below plane``)
confine the liquid of an interface cell to its slot between the slab and the slab's image.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import ExecutableNotFoundError, PackingError

__all__ = ["PackStructure", "find_packmol", "pack", "min_intermolecular_distance", "PACKMOL_ENV"]

log = logging.getLogger(__name__)

#: Environment variable naming the packmol executable.
PACKMOL_ENV = "SEINET_PACKMOL"


@dataclass(frozen=True)
class PackStructure:
    """One kind of molecule to pack.

    Parameters
    ----------
    name : str
        Label (file name stem inside the packmol directory).
    symbols : tuple of str
        Element symbols of one molecule.
    positions : numpy.ndarray
        (n, 3) coordinates of one molecule in Å.
    number : int
        Copies to pack.
    constraints : tuple of str
        packmol constraint lines (for example ``"above plane 0. 0. 1. 12.0"``).
    """

    name: str
    symbols: tuple[str, ...]
    positions: np.ndarray
    number: int
    constraints: tuple[str, ...] = ()


def find_packmol() -> Path:
    """Return the packmol executable.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    ExecutableNotFoundError
        If ``SEINET_PACKMOL`` is unset or wrong, the ``packmol`` wheel is absent and no
        ``packmol`` is on ``PATH``.
    """
    env = os.environ.get(PACKMOL_ENV, "").strip()
    if env:
        path = Path(env).expanduser()
        if path.is_file() and os.access(path, os.X_OK):
            return path
        raise ExecutableNotFoundError("packmol", PACKMOL_ENV,
                                      f"{PACKMOL_ENV}={env} is not an executable file")
    try:
        from packmol.cli import get_binary_path

        path = Path(get_binary_path())
        if path.is_file():
            return path
    except (ImportError, FileNotFoundError):
        pass
    found = shutil.which("packmol")
    if found:
        return Path(found)
    raise ExecutableNotFoundError("packmol", PACKMOL_ENV,
                                  "install it with `pip install packmol`, whose wheel carries the binary")


def _write_xyz(path: Path, symbols: Sequence[str], positions: np.ndarray) -> None:
    lines = [f"{len(symbols)}", path.stem]
    lines += [f"{s} {x:.6f} {y:.6f} {z:.6f}" for s, (x, y, z) in zip(symbols, positions)]
    path.write_text("\n".join(lines) + "\n")


def pack(structures: Sequence[PackStructure], pbc: Sequence[float], *, tolerance_A: float = 2.0,
         seed: int = 0, timeout_s: float = 600.0) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Pack molecules with packmol into a periodic box.

    Parameters
    ----------
    structures : sequence of PackStructure
        Molecules and how many of each; packed in this order (output order too).
    pbc : sequence of 6 floats
        ``xmin ymin zmin xmax ymax zmax`` of the periodic box in Å.
    tolerance_A : float
        Minimum distance packmol keeps between atoms of different molecules.
    seed : int
        packmol's random seed.
    timeout_s : float
        Wall-clock limit for packmol.

    Returns
    -------
    symbols : list of str
    positions : numpy.ndarray
        (n, 3) in Å, as packmol wrote them (not wrapped).
    molecule : numpy.ndarray
        (n,) int, the molecule index of every atom (0-based, in packing order).

    Raises
    ------
    ExecutableNotFoundError
        No packmol executable.
    PackingError
        packmol exited with an error or wrote no solution.

    Notes
    -----
    packmol's cost grows roughly linearly with the number of atoms for a fixed density;
    a few hundred molecules take seconds.
    """
    exe = find_packmol()
    structures = [s for s in structures if s.number > 0]
    if not structures:
        raise PackingError("nothing to pack: every structure has number 0")
    with tempfile.TemporaryDirectory(prefix="seinet-packmol-") as tmp:
        tmpdir = Path(tmp)
        lines = [f"tolerance {tolerance_A:.3f}", f"seed {int(seed)}", "filetype xyz", "output packed.xyz",
                 "pbc " + " ".join(f"{v:.6f}" for v in pbc)]
        for k, s in enumerate(structures):
            fname = f"s{k}_{s.name}.xyz"
            _write_xyz(tmpdir / fname, s.symbols, np.asarray(s.positions, dtype=float))
            lines += [f"structure {fname}", f"  number {int(s.number)}"]
            lines += [f"  {c}" for c in s.constraints]
            lines += ["end structure"]
        (tmpdir / "pack.inp").write_text("\n".join(lines) + "\n")
        log.debug("packmol input:\n%s", "\n".join(lines))
        try:
            with open(tmpdir / "pack.inp") as stdin:
                proc = subprocess.run([str(exe)], stdin=stdin, cwd=tmpdir, capture_output=True, text=True,
                                      timeout=timeout_s, check=False)
        except subprocess.TimeoutExpired:
            raise PackingError(f"packmol ({exe}) did not finish within {timeout_s:.0f} s; pack fewer "
                               "molecules or lower the density") from None
        out_file = tmpdir / "packed.xyz"
        if proc.returncode != 0 or not out_file.exists():
            tail = " | ".join((proc.stdout + proc.stderr).strip().splitlines()[-6:])
            raise PackingError(f"packmol ({exe}) failed with exit code {proc.returncode}: {tail}")
        if "Success!" not in proc.stdout:
            log.warning("packmol did not reach the %.2f A tolerance everywhere; checking distances", tolerance_A)
        rows = out_file.read_text().splitlines()
    n = int(rows[0].split()[0])
    symbols = [r.split()[0] for r in rows[2:2 + n]]
    positions = np.array([[float(v) for v in r.split()[1:4]] for r in rows[2:2 + n]])
    molecule = np.concatenate([np.repeat(np.arange(s.number), len(s.symbols)) for s in structures])
    offsets = np.cumsum([0] + [s.number for s in structures[:-1]])
    molecule = molecule + np.repeat(offsets, [s.number * len(s.symbols) for s in structures])
    return symbols, positions, molecule


def min_intermolecular_distance(positions: np.ndarray, molecule: np.ndarray, lengths: Sequence[float]) -> float:
    """Smallest distance between atoms of different molecules in an orthorhombic periodic box.

    Parameters
    ----------
    positions : numpy.ndarray
        (n, 3) in Å.
    molecule : numpy.ndarray
        (n,) molecule index of each atom (atoms with the same index are never compared).
    lengths : sequence of 3 floats
        Box lengths in Å.

    Returns
    -------
    float
        The distance in Å (inf if no two molecules come within 4 Å).

    Notes
    -----
    One periodic k-d tree query within 4 Å: O(n log n).
    """
    from scipy.spatial import cKDTree

    box = np.asarray(lengths, dtype=float)
    wrapped = np.mod(positions, box)
    wrapped[wrapped >= box] = 0.0
    tree = cKDTree(wrapped, boxsize=box)
    pairs = tree.query_pairs(4.0, output_type="ndarray")
    if len(pairs) == 0:
        return float("inf")
    pairs = pairs[molecule[pairs[:, 0]] != molecule[pairs[:, 1]]]
    if len(pairs) == 0:
        return float("inf")
    d = wrapped[pairs[:, 0]] - wrapped[pairs[:, 1]]
    d -= box * np.round(d / box)
    return float(np.sqrt((d * d).sum(axis=1)).min())
