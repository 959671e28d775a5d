"""LAMMPS ``fix reaxff/bonds`` text files: connection tables with bond orders.

Each frame::

    # Timestep 100
    # Number of particles 384
    # ... header lines ...
    # id type nb id_1...id_nb mol bo_1...bo_nb abo nlp q
     1 1 3 2 5 9 0 0.952 1.402 0.961 3.92 0.00 -0.21
    #

The file has no coordinates: frames carry ``positions=None`` and a
:class:`~seinet.frame.BondList` of every listed bond with its order. Which bonds
count is decided by the bonding stage (bond-order cutoff 0.3 by default, like
``fix reaxff/species``; printed orders are rounded, see
:func:`seinet.bonds.bonds_from_orders`). A bond may be listed on one atom's line
only; both are read. Atoms are not sorted by id in the file; frames are. Elements come from the type map (``--elements``).
"""

from __future__ import annotations

import re

import numpy as np

from ..errors import ConfigError, TrajectoryError
from ..frame import BondList, Frame
from .base import TextTrajectory, Truncated, parse_step

__all__ = ["ReaxFFBondsTrajectory"]

_MAX_HEADER = 64  # header lines between '# Timestep' and '# id type'


class ReaxFFBondsTrajectory(TextTrajectory):
    """Reader for ``fix reaxff/bonds`` files (see module docstring)."""

    format_name = "lammps-bonds"
    header_line = re.compile(rb"^[ \t]*#", re.M)

    def __init__(self, path, elements: list[str] | None = None, timestep_fs: float | None = None) -> None:
        super().__init__(path)
        if not elements:
            raise ConfigError(f"{self.path}: a reaxff/bonds file has atom types only; pass --elements "
                              f"in LAMMPS type order (e.g. --elements C,H,O)")
        self.elements = np.asarray(list(elements), dtype=str)
        self.timestep_fs = timestep_fs
        self._symbols: np.ndarray | None = None

    def _read_block(self, fh, index):
        line = fh.readline()
        while line and not line.startswith(b"# Timestep"):
            if not self._is_separator(line):
                raise TrajectoryError(self.path, index, f"expected '# Timestep', found {line[:60]!r}")
            line = fh.readline()
        if not line:
            return None
        head = [line]
        n = None
        while True:
            line = fh.readline()
            if not line:
                raise Truncated
            if line.startswith(b"# Timestep") or not line.startswith(b"#") or len(head) > _MAX_HEADER:
                raise TrajectoryError(self.path, index, "header without '# id type ...' line")
            head.append(line)
            if line.startswith(b"# Number of particles"):
                try:
                    n = int(line.split()[4])
                except (IndexError, ValueError):
                    raise TrajectoryError(self.path, index, "malformed '# Number of particles'") from None
            if line.startswith(b"# id type"):
                break
        if n is None:
            raise TrajectoryError(self.path, index, "missing '# Number of particles'")
        if n <= 0:
            raise TrajectoryError(self.path, index, f"number of particles must be positive, found {n}")
        return head + self._atom_lines(fh, n, index)

    def _starts_frame(self, fh, line):
        return line.startswith(b"# Timestep")

    def _is_separator(self, line):
        return line.strip() in (b"", b"#")

    def _is_atom_line(self, line, atoms):
        return not line.lstrip().startswith(b"#")

    def _parse(self, lines, index):
        step = parse_step(lines[0][len(b"# Timestep"):])
        if step is None:
            raise TrajectoryError(self.path, index, f"malformed {lines[0][:40]!r}")
        k = next(i for i, line in enumerate(lines) if line.startswith(b"# id type")) + 1
        atoms = lines[k:]
        n = len(atoms)
        ids = np.empty(n, dtype=np.int64)
        types = np.empty(n, dtype=np.int64)
        charge = np.empty(n)
        pi, pj, po = [], [], []
        for row, line in enumerate(atoms):
            f = line.split()
            try:
                i, t, nb = int(f[0]), int(f[1]), int(f[2])
                if nb < 0 or len(f) != 7 + 2 * nb or not 1 <= i <= n:
                    raise ValueError
                ids[row], types[row] = i, t
                charge[row] = float(f[-1])
                for m in range(nb):  # a bond may be listed on one side only: take both
                    j = int(f[3 + m])
                    if not 1 <= j <= n or j == i:
                        raise ValueError
                    pi.append(min(i, j))
                    pj.append(max(i, j))
                    po.append(float(f[4 + nb + m]))
            except (ValueError, IndexError, OverflowError):
                raise TrajectoryError(self.path, index, f"malformed atom line {line[:60]!r}") from None
        order = np.argsort(ids, kind="stable")
        ids, types, charge = ids[order], types[order], charge[order]
        if not np.array_equal(ids, np.arange(1, n + 1)):
            raise TrajectoryError(self.path, index, "atom ids are not 1..N")
        bad = (types < 1) | (types > len(self.elements))
        if bad.any():
            raise TrajectoryError(self.path, index, f"atom type {int(types[bad][0])} has no element in "
                                  f"--elements {','.join(self.elements)}")
        symbols = self.elements[types - 1]
        if self._symbols is not None and np.array_equal(symbols, self._symbols):
            symbols = self._symbols
        elif self._symbols is None:
            self._symbols = symbols
        pairs = np.column_stack([np.asarray(pi, dtype=np.int64) - 1, np.asarray(pj, dtype=np.int64) - 1])
        orders = np.asarray(po, dtype=np.float64)
        if len(pairs):
            pairs, first = np.unique(pairs.reshape(-1, 2), axis=0, return_index=True)
            po = orders[first]
        bonds = BondList(pairs=pairs.reshape(-1, 2), orders=np.asarray(po, dtype=np.float64))
        time_ps = step * self.timestep_fs / 1000.0 if self.timestep_fs is not None else None
        return Frame(index=index, symbols=symbols, positions=None, cell=None, time_ps=time_ps, step=step,
                     arrays={"charge": charge}, bonds=bonds, source=self.path)
