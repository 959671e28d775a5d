"""LAMMPS text dumps (``dump custom`` / ``dump atom``), orthorhombic or triclinic.

Columns recognised: ``id``, ``type``, ``element``, and one position triple out of
``x y z`` (Cartesian), ``xu yu zu`` (unwrapped), ``xs ys zs`` / ``xsu ysu zsu``
(fractional); optional ``q``, ``vx vy vz``, ``fx fy fz``. Atoms are sorted by
``id``. Elements come from the ``element`` column or from a type map
(``--elements C,H,O`` maps types 1, 2, 3). The time of a frame is
``step * timestep_fs`` when a timestep is given (``ITEM: TIME`` is ignored: its unit depends on the run's unit style).
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

from ..errors import ConfigError, TrajectoryError
from ..frame import Frame
from .base import TextTrajectory, Truncated, read_lines

__all__ = ["LammpsDumpTrajectory", "lammps_box_to_cell"]


def lammps_box_to_cell(bounds: np.ndarray, tilts: tuple[float, float, float]) -> tuple[np.ndarray, np.ndarray]:
    """Cell rows and origin from ``ITEM: BOX BOUNDS`` (bounding-box form, as dumps write it).

    Parameters
    ----------
    bounds : ndarray, shape (3, 2)
        ``lo_bound hi_bound`` per axis.
    tilts : (xy, xz, yz)

    Returns
    -------
    cell : ndarray (3, 3)
    origin : ndarray (3,)
    """
    xy, xz, yz = tilts
    xlo = bounds[0, 0] - min(0.0, xy, xz, xy + xz)
    xhi = bounds[0, 1] - max(0.0, xy, xz, xy + xz)
    ylo = bounds[1, 0] - min(0.0, yz)
    yhi = bounds[1, 1] - max(0.0, yz)
    zlo, zhi = bounds[2]
    cell = np.array([[xhi - xlo, 0.0, 0.0], [xy, yhi - ylo, 0.0], [xz, yz, zhi - zlo]])
    return cell, np.array([xlo, ylo, zlo])


class LammpsDumpTrajectory(TextTrajectory):
    """Reader for LAMMPS text dumps (see module docstring)."""

    format_name = "lammps-dump"

    def __init__(self, path, elements: list[str] | None = None, timestep_fs: float | None = None) -> None:
        super().__init__(path)
        self.elements = list(elements) if elements else None
        self.timestep_fs = timestep_fs
        self._symbols: np.ndarray | None = None

    def _read_block(self, fh, index):
        head = []
        line = fh.readline()
        while line and not line.strip():
            line = fh.readline()
        if not line:
            return None
        while True:
            if not line:
                raise Truncated
            head.append(line)
            if line.startswith(b"ITEM: ATOMS"):
                break
            line = fh.readline()
        try:
            n = int(head[head.index(b"ITEM: NUMBER OF ATOMS\n") + 1])
        except (ValueError, IndexError):
            raise TrajectoryError(self.path, index, "missing or malformed 'ITEM: NUMBER OF ATOMS'") from None
        return head + read_lines(fh, n)

    def _parse(self, lines, index):
        items = {}
        k = 0
        while not lines[k].startswith(b"ITEM: ATOMS"):
            if lines[k].startswith(b"ITEM:"):
                items[lines[k][6:].strip().decode()] = k
            k += 1
        columns = lines[k].split()[2:]
        columns = [c.decode() for c in columns]
        atom_lines = lines[k + 1:]
        n = len(atom_lines)
        step = None
        if "TIMESTEP" in items:
            step = int(lines[items["TIMESTEP"] + 1])
        # ITEM: TIME is in the run's unit style (fs for real, ps for metal), which the
        # dump does not say; the time therefore comes from step * --timestep-fs.
        time_ps = None
        if step is not None and self.timestep_fs is not None:
            time_ps = step * self.timestep_fs / 1000.0
        box_key = next((key for key in items if key.startswith("BOX BOUNDS")), None)
        cell = origin = None
        if box_key is not None:
            i = items[box_key]
            rows = [lines[i + 1 + r].split() for r in range(3)]
            try:
                bounds = np.array([[float(r[0]), float(r[1])] for r in rows])
                tilts = tuple(float(r[2]) for r in rows) if len(rows[0]) >= 3 else (0.0, 0.0, 0.0)
            except (ValueError, IndexError):
                raise TrajectoryError(self.path, index, "malformed BOX BOUNDS") from None
            cell, origin = lammps_box_to_cell(bounds, tilts)
        try:
            table = pd.read_csv(io.BytesIO(b"".join(atom_lines)), sep=r"\s+", header=None, names=columns,
                                engine="c", dtype={"element": str})
        except (pd.errors.ParserError, ValueError) as exc:
            raise TrajectoryError(self.path, index, f"malformed atom line: {exc}") from None
        if len(table) != n:
            raise TrajectoryError(self.path, index, f"expected {n} atom lines with {len(columns)} columns")
        if "id" in table:
            table = table.sort_values("id", kind="stable")
        positions = self._positions(table, cell, origin, index)
        symbols = self._symbols_of(table, index)
        arrays = {}
        if "q" in table:
            arrays["charge"] = table["q"].to_numpy(np.float64)
        if {"vx", "vy", "vz"} <= set(table.columns):
            arrays["velocities"] = table[["vx", "vy", "vz"]].to_numpy(np.float64)
        if {"fx", "fy", "fz"} <= set(table.columns):
            arrays["forces"] = table[["fx", "fy", "fz"]].to_numpy(np.float64)
        return Frame(index=index, symbols=symbols, positions=positions, cell=cell, time_ps=time_ps,
                     step=step, arrays=arrays, source=self.path)

    def _positions(self, table, cell, origin, index):
        cols = set(table.columns)
        for names, scaled in ((("x", "y", "z"), False), (("xu", "yu", "zu"), False),
                              (("xs", "ys", "zs"), True), (("xsu", "ysu", "zsu"), True)):
            if set(names) <= cols:
                try:
                    xyz = table[list(names)].to_numpy(np.float64)
                except (ValueError, TypeError):
                    raise TrajectoryError(self.path, index, "non-numeric coordinates") from None
                if scaled:
                    if cell is None:
                        raise TrajectoryError(self.path, index, "scaled coordinates need BOX BOUNDS")
                    xyz = origin + xyz @ cell
                return xyz
        raise TrajectoryError(self.path, index, f"no position columns (x y z, xu yu zu or xs ys zs) in {list(table.columns)}")

    def _symbols_of(self, table, index):
        if "element" in table:
            symbols = table["element"].to_numpy().astype(str)
        elif "type" in table:
            types = table["type"].to_numpy()
            if self.elements is None:
                raise ConfigError(f"{self.path}: the dump has atom types but no element column; "
                                  f"pass --elements (e.g. --elements C,H,O for types 1,2,3)")
            if types.min() < 1 or types.max() > len(self.elements):
                raise TrajectoryError(self.path, index,
                                      f"atom type {int(types.max())} has no element in --elements {','.join(self.elements)}")
            symbols = np.asarray(self.elements, dtype=str)[types.astype(np.int64) - 1]
        else:
            raise TrajectoryError(self.path, index, "neither 'element' nor 'type' column")
        if self._symbols is not None and np.array_equal(symbols, self._symbols):
            return self._symbols
        if self._symbols is None:
            self._symbols = symbols
        return symbols

