"""Extended XYZ (as GPUMD's ``dump_xyz`` and ASE write it) and plain XYZ.

Header keys used: ``Lattice="ax ay az bx by bz cx cy cz"`` (rows are cell vectors),
``Properties=species:S:1:pos:R:3[:charge:R:1:...]``, ``Time=`` (GPUMD writes the
time in fs; seinet converts to ps), ``Step=``/``step=`` and ``pbc=``. A file
without ``Properties=`` is read as plain XYZ: symbol and x y z in the first four
columns, cell from ``Lattice=`` if present, otherwise from the user (``--cell``).

The first frame is parsed with pandas' C tokenizer (about 35 ms for 100k atoms);
once the elements are known, later frames go through a numba tokenizer that checks
each species token and parses only the wanted numeric columns (about 14 ms), and
falls back to pandas for anything unexpected.
"""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd

from ..errors import TrajectoryError
from ..frame import Frame
from ._fastparse import parse_atom_block, symbol_codes
from .base import TextTrajectory, Truncated, parse_step

__all__ = ["ExtXYZTrajectory", "parse_comment", "parse_properties"]

_KV = re.compile(r'([A-Za-z_][\w\-]*)\s*=\s*("[^"]*"|\'[^\']*\'|\S+)')
_ARRAY_NAMES = {"charge": "charge", "charges": "charge", "q": "charge", "vel": "velocities",
                "velo": "velocities", "velocities": "velocities", "force": "forces",
                "forces": "forces", "mass": "masses", "masses": "masses"}


def parse_comment(line: str) -> dict[str, str]:
    """``key=value`` pairs of an extended-XYZ comment line (quotes removed).

    Keys are matched case-sensitively as written; look-ups in seinet accept both
    the GPUMD spelling (``Lattice``, ``Properties``, ``Time``) and lower case.
    """
    return {k: v.strip("\"'") for k, v in _KV.findall(line)}


def parse_properties(spec: str) -> list[tuple[str, str, int]]:
    """``species:S:1:pos:R:3`` -> ``[("species", "S", 1), ("pos", "R", 3)]``."""
    parts = spec.split(":")
    if len(parts) % 3:
        raise ValueError(f"malformed Properties={spec!r}")
    out = []
    for i in range(0, len(parts), 3):
        name, kind, count = parts[i], parts[i + 1].upper(), parts[i + 2]
        if kind not in ("S", "R", "I", "L") or not (count.isascii() and count.isdigit()) or int(count) < 1:
            raise ValueError(f"malformed Properties={spec!r}")
        out.append((name, kind, int(count)))
    return out


def _get(info: dict[str, str], key: str) -> str | None:
    for k in (key, key.lower(), key.capitalize()):
        if k in info:
            return info[k]
    return None


class ExtXYZTrajectory(TextTrajectory):
    """Reader for extended and plain XYZ files (see module docstring)."""

    format_name = "extxyz"
    header_line = re.compile(rb"^[ \t]*[0-9]{1,18}[ \t]*\r?$", re.M)  # an atom count

    def __init__(self, path, time_unit_fs: float = 1.0, properties: tuple[str, ...] | None = None) -> None:
        super().__init__(path)
        self.time_unit_fs = time_unit_fs
        #: Properties= names to load (species and pos always); None loads all.
        self.properties = None if properties is None else {"species", "pos", *properties}
        self._symbols: np.ndarray | None = None
        self._codes: np.ndarray | None = None  # elements as bytes, for the fast tokenizer
        self._extended: bool | None = None  # whether comment lines carry key=value pairs

    def _read_block(self, fh, index):
        first = fh.readline()
        while first and not first.strip():  # blank lines between frames
            first = fh.readline()
        if not first:
            return None
        if not first.endswith(b"\n"):
            raise Truncated
        try:
            n = int(first.split()[0])
        except ValueError:
            raise TrajectoryError(self.path, index, f"expected the atom count, found {first[:60]!r}") from None
        if n <= 0:
            raise TrajectoryError(self.path, index, f"atom count must be positive, found {n}")
        comment = fh.readline()
        if not comment:
            raise Truncated
        if self._extended is None:
            self._extended = b"=" in comment
        return [first, comment, *self._atom_lines(fh, n, index)]

    def _starts_frame(self, fh, line):
        """An atom count followed by a comment line (with ``key=value`` pairs when the file has them)."""
        if self.header_line.match(line) is None or int(line) <= 0:
            return False
        comment = fh.peek()
        return bool(comment) and (not self._extended or b"=" in comment)

    def _parse(self, lines, index):
        n = int(lines[0].split()[0])
        info = parse_comment(lines[1].decode("utf-8", "replace"))
        props = _get(info, "Properties")
        try:
            columns = parse_properties(props) if props else [("species", "S", 1), ("pos", "R", 3)]
        except ValueError as exc:
            raise TrajectoryError(self.path, index, str(exc)) from None
        names = [c[0] for c in columns]
        if "species" not in names or "pos" not in names:
            raise TrajectoryError(self.path, index, "Properties= must include species and pos")
        if len(set(names)) != len(names) or columns[names.index("species")][1:] != ("S", 1) \
                or columns[names.index("pos")][1:] != ("R", 3):
            raise TrajectoryError(self.path, index, f"Properties={props} must name each column once, "
                                  f"with species:S:1 and pos:R:3")
        ncol = sum(c[2] for c in columns)
        first_col, wanted = {}, []
        col = 0
        for name, _, count in columns:
            first_col[name] = col
            if self.properties is None or name in self.properties or name.lower() in self.properties:
                wanted.extend(range(col, col + count))
            col += count
        body = b"".join(lines[2:])
        fast = self._fast(body, n, ncol, columns, first_col, wanted)
        if fast is not None:
            positions, arrays = fast
            return Frame(index=index, symbols=self._symbols, positions=positions, cell=self._cell(info, index),
                         time_ps=self._time(info, index), step=self._step(info), arrays=arrays, source=self.path)
        try:
            table = pd.read_csv(io.BytesIO(body), sep=r"\s+", header=None, engine="c", usecols=wanted,
                                dtype={first_col["species"]: str})
        except (pd.errors.ParserError, ValueError) as exc:
            self._check_fields(lines, index, ncol, props)
            raise TrajectoryError(self.path, index, f"malformed atom line: {exc}") from None
        if props and len(body.split()) != n * ncol:  # general path only: first frame or an anomaly
            self._check_fields(lines, index, ncol, props)
        if len(table) != n or table.isna().all(axis=0).any():
            raise TrajectoryError(self.path, index, f"expected {n} atom lines with {ncol} columns")
        table.columns = range(table.shape[1])
        pos_in_table = {c: k for k, c in enumerate(wanted)}
        symbols = positions = None
        arrays = {}
        for name, kind, count in columns:
            start = first_col[name]
            if start not in pos_in_table:
                continue
            block = table.iloc[:, pos_in_table[start]:pos_in_table[start] + count]
            if name == "species":
                symbols = block.iloc[:, 0].to_numpy()
            elif name == "pos":
                positions = _floats(block, self.path, index, "pos")
            elif kind == "R" and name.lower() in _ARRAY_NAMES:
                values = _floats(block, self.path, index, name)
                arrays[_ARRAY_NAMES[name.lower()]] = values[:, 0] if count == 1 else values
        symbols = self._intern(symbols)
        return Frame(index=index, symbols=symbols, positions=positions, cell=self._cell(info, index),
                     time_ps=self._time(info, index), step=self._step(info), arrays=arrays, source=self.path)

    def _check_fields(self, lines: list[bytes], index: int, ncol: int, props: str | None) -> None:
        """Raise for the first atom line whose field count differs from Properties= (plain XYZ: is too small)."""
        for k, line in enumerate(lines[2:]):
            m = len(line.split())
            if m < ncol or (props and m != ncol):
                raise TrajectoryError(self.path, index, f"atom line {k + 1} has {m} fields, "
                                      f"{'Properties= says' if props else 'expected'} {ncol}")

    def _fast(self, body: bytes, n: int, ncol: int, columns, first_col: dict, wanted: list):
        """The numba tokenizer, once the elements are known (see :mod:`seinet.io._fastparse`).

        Returns (positions, arrays), or None to use the general parser (first frame,
        other layouts, or anything unexpected in this frame).
        """
        if self._codes is None or len(self._codes) != n or columns[0][0] != "species" \
                or any(kind not in "RI" for _, kind, _ in columns[1:]):
            return None
        keep = np.zeros(ncol, dtype=bool)
        keep[[c for c in wanted if c != 0]] = True
        values = parse_atom_block(body, n, ncol, keep, self._codes)
        if values is None:
            return None
        where = np.cumsum(keep) - 1  # column -> position in values
        positions = None
        arrays = {}
        for name, kind, count in columns[1:]:
            start = first_col[name]
            if not keep[start]:
                continue
            block = values[:, where[start]:where[start] + count]
            if name == "pos":
                positions = np.ascontiguousarray(block)
            elif kind == "R" and name.lower() in _ARRAY_NAMES:
                arrays[_ARRAY_NAMES[name.lower()]] = block[:, 0].copy() if count == 1 else np.ascontiguousarray(block)
        return positions, arrays

    def _cell(self, info: dict, index: int) -> np.ndarray | None:
        lattice = _get(info, "Lattice")
        if lattice is None:
            return None
        try:
            return np.array(lattice.split(), dtype=float).reshape(3, 3)
        except ValueError:
            raise TrajectoryError(self.path, index, f"malformed Lattice={lattice!r}") from None

    def _time(self, info: dict, index: int) -> float | None:
        t = _get(info, "Time")
        if t is None:
            return None
        try:
            return float(t) * self.time_unit_fs / 1000.0
        except ValueError:
            raise TrajectoryError(self.path, index, f"malformed Time={t!r}") from None

    @staticmethod
    def _step(info: dict) -> int | None:
        s = _get(info, "Step")
        return None if s is None else parse_step(s)

    def _intern(self, symbols: np.ndarray) -> np.ndarray:
        """Return the first frame's symbol array when this frame's symbols equal it."""
        if self._symbols is not None and len(symbols) == len(self._symbols) and np.array_equal(symbols, self._symbols):
            return self._symbols
        out = np.asarray(symbols).astype(str)
        if self._symbols is None:
            self._symbols = out
            if all(len(x) <= 2 for x in np.unique(out).tolist()):
                self._codes = symbol_codes(out)
        return out


def _floats(block: pd.DataFrame, path: str, index: int, name: str) -> np.ndarray:
    try:
        return block.to_numpy(dtype=np.float64)
    except (ValueError, TypeError):
        raise TrajectoryError(path, index, f"non-numeric value in column {name!r}") from None
