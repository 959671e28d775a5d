"""LAMMPS ``fix reaxff/species`` text output (``species.out``).

Each frame is a header line ``#  Timestep  No_Moles  No_Specs  F1  F2 ...`` and a
value line ``step  n_moles  n_specs  c1  c2 ...``; the formula columns change from
frame to frame. Formulas are LAMMPS' own (elements in the order of the fix's
``element`` keyword, counts of 1 omitted).
"""

from __future__ import annotations

import os

import pandas as pd

from ..errors import TrajectoryError
from ..io._text import open_binary

__all__ = ["read_lammps_species"]


def read_lammps_species(path: str | os.PathLike) -> pd.DataFrame:
    """Long table ``step, formula, count`` of a species.out file."""
    rows = []
    header = None
    with open_binary(path) as fh:
        for number, raw in enumerate(fh):
            line = raw.decode().split()
            if not line:
                continue
            if line[0] == "#":
                header = line[1:]
                continue
            if header is None or len(line) != len(header):
                raise TrajectoryError(os.fspath(path), None, f"line {number + 1}: does not match its header")
            step = int(line[0])
            for formula, count in zip(header[3:], line[3:]):
                rows.append((step, formula, int(count)))
    return pd.DataFrame(rows, columns=["step", "formula", "count"])
