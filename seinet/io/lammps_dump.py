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
import re

import numpy as np
import pandas as pd

from ..errors import ConfigError, TrajectoryError
from ..frame import Frame
from .base import TextTrajectory, Truncated, parse_step

__all__ = ["LammpsDumpTrajectory", "lammps_box_to_cell"]

_MAX_HEADER = 64  # lines before 'ITEM: ATOMS' (a dump writes about ten)


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
    header_line = re.compile(rb"^ITEM:", re.M)

    def __init__(self, path, elements: list[str] | None = None, timestep_fs: float | None = None) -> None:
        super().__init__(path)
        self.elements = list(elements) if elements else None
        self.timestep_fs = timestep_fs
        self._symbols: np.ndarray | None = None

    def _read_block(self, fh, index):
        line = fh.readline()
        while line and not line.strip():
            line = fh.readline()
        if not line:
            return None
        if not line.startswith(b"ITEM:"):
            raise TrajectoryError(self.path, index, f"expected 'ITEM: TIMESTEP', found {line[:60]!r}")
        head = []
        while True:
            if not line:
                raise Truncated
            head.append(line)
            if line.startswith(b"ITEM: ATOMS"):
                break
            if len(head) > _MAX_HEADER:
                raise TrajectoryError(self.path, index, "no 'ITEM: ATOMS' line in the frame header")
            line = fh.readline()
            if line.startswith(b"ITEM: TIMESTEP"):
                raise TrajectoryError(self.path, index, "the next frame starts before 'ITEM: ATOMS'")
        try:
            n = int(head[[h.rstrip() for h in head].index(b"ITEM: NUMBER OF ATOMS") + 1])
        except (ValueError, IndexError):
            raise TrajectoryError(self.path, index, "missing or malformed 'ITEM: NUMBER OF ATOMS'") from None
        if n <= 0:
            raise TrajectoryError(self.path, index, f"number of atoms must be positive, found {n}")
        return head + self._atom_lines(fh, n, index)

    def _starts_frame(self, fh, line):
        return line.startswith(b"ITEM: TIMESTEP")

    def _parse(self, lines, index):
        items = {}
        k = 0
        while not lines[k].startswith(b"ITEM: ATOMS"):
            if lines[k].startswith(b"ITEM:"):
                items[lines[k][6:].strip().decode("utf-8", "replace")] = k
            k += 1
        columns = [c.decode("utf-8", "replace") for c in lines[k].split()[2:]]
        if not columns or len(set(columns)) != len(columns):
            raise TrajectoryError(self.path, index, f"malformed column list {lines[k][:80]!r}")
        atom_lines = lines[k + 1:]
        n = len(atom_lines)
        step = None
        if "TIMESTEP" in items:
            step = parse_step(lines[items["TIMESTEP"] + 1])
            if step is None:
                raise TrajectoryError(self.path, index, f"malformed TIMESTEP {lines[items['TIMESTEP'] + 1][:40]!r}")
        # ITEM: TIME is in the run's unit style (fs for real, ps for metal), which the
        # dump does not say; the time therefore comes from step * --timestep-fs.
        time_ps = None
        if step is not None and self.timestep_fs is not None:
            time_ps = step * self.timestep_fs / 1000.0
        box_key = next((key for key in items if key.startswith("BOX BOUNDS")), None)
        cell = origin = None
        if box_key is not None:
            i = items[box_key]
            try:
                if i + 3 >= k:
                    raise ValueError
                rows = [lines[i + 1 + r].split() for r in range(3)]
                bounds = np.array([[float(r[0]), float(r[1])] for r in rows])
                tilts = tuple(float(r[2]) for r in rows) if len(rows[0]) >= 3 else (0.0, 0.0, 0.0)
            except (ValueError, IndexError):
                raise TrajectoryError(self.path, index, "malformed BOX BOUNDS") from None
            if not (np.isfinite(bounds).all() and np.isfinite(tilts).all()):
                raise TrajectoryError(self.path, index, "non-finite BOX BOUNDS")
            cell, origin = lammps_box_to_cell(bounds, tilts)
        try:
            table = pd.read_csv(io.BytesIO(b"".join(atom_lines)), sep=r"\s+", header=None, names=columns,
                                engine="c", dtype={"element": str})
        except (pd.errors.ParserError, ValueError) as exc:
            raise TrajectoryError(self.path, index, f"malformed atom line: {exc}") from None
        if len(table) != n or len(b"".join(atom_lines).split()) != n * len(columns):
            bad = next((r for r, line in enumerate(atom_lines) if len(line.split()) != len(columns)), 0)
            raise TrajectoryError(self.path, index, f"atom line {bad + 1} has {len(atom_lines[bad].split())} "
                                  f"fields, ITEM: ATOMS names {len(columns)}")
        if "id" in table:
            if table["id"].dtype.kind not in "iu":
                raise TrajectoryError(self.path, index, "non-integer atom id")
            table = table.sort_values("id", kind="stable")
        positions = self._positions(table, cell, origin, index)
        symbols = self._symbols_of(table, index)
        arrays = {}
        for name, cols in (("charge", ["q"]), ("velocities", ["vx", "vy", "vz"]), ("forces", ["fx", "fy", "fz"])):
            if set(cols) <= set(table.columns):
                values = self._floats(table, cols, index)
                arrays[name] = values[:, 0] if len(cols) == 1 else values
        return Frame(index=index, symbols=symbols, positions=positions, cell=cell, time_ps=time_ps,
                     step=step, arrays=arrays, source=self.path)

    def _floats(self, table, cols, index) -> np.ndarray:
        try:
            return table[cols].to_numpy(np.float64)
        except (ValueError, TypeError):
            raise TrajectoryError(self.path, index, f"non-numeric value in column(s) {' '.join(cols)}") from None

    def _positions(self, table, cell, origin, index):
        cols = set(table.columns)
        for names, scaled in ((("x", "y", "z"), False), (("xu", "yu", "zu"), False),
                              (("xs", "ys", "zs"), True), (("xsu", "ysu", "zsu"), True)):
            if set(names) <= cols:
                xyz = self._floats(table, list(names), index)
                if scaled:
                    if cell is None:
                        raise TrajectoryError(self.path, index, "scaled coordinates need BOX BOUNDS")
                    with np.errstate(invalid="ignore", over="ignore"):  # validation reports non-finite values
                        xyz = origin + xyz @ cell
                return xyz
        raise TrajectoryError(self.path, index, f"no position columns (x y z, xu yu zu or xs ys zs) in {list(table.columns)}")

    def _symbols_of(self, table, index):
        if "element" in table:
            symbols = table["element"].to_numpy().astype(str)
        elif "type" in table:
            types = table["type"].to_numpy()
            if types.dtype.kind not in "iu":
                raise TrajectoryError(self.path, index, "non-integer atom type")
            if self.elements is None:
                raise ConfigError(f"{self.path}: the dump has atom types but no element column; "
                                  f"pass --elements (e.g. --elements C,H,O for types 1,2,3)")
            bad = (types < 1) | (types > len(self.elements))
            if bad.any():
                raise TrajectoryError(self.path, index, f"atom type {int(types[bad][0])} has no element in "
                                      f"--elements {','.join(self.elements)}")
            symbols = np.asarray(self.elements, dtype=str)[types.astype(np.int64) - 1]
        else:
            raise TrajectoryError(self.path, index, "neither 'element' nor 'type' column")
        if self._symbols is not None and np.array_equal(symbols, self._symbols):
            return self._symbols
        if self._symbols is None:
            self._symbols = symbols
        return symbols

