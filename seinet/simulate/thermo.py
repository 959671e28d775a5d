"""``thermo.out`` in GPUMD's column convention (doc/gpumd/output_files/thermo_out.rst).

One row every ``dump_thermo`` steps (at steps k x interval, k >= 1), no header, each value
``%20.10e``. Orthogonal cell, 12 columns::

    T  K  U  Pxx Pyy Pzz Pyz Pxz Pxy  Lx Ly Lz

triclinic cell, 18 columns (the last nine are the cell vectors a, b, c as rows)::

    T  K  U  Pxx Pyy Pzz Pyz Pxz Pxy  ax ay az bx by bz cx cy cz

T temperature (K), K kinetic energy (eV), U potential energy (eV), P pressure tensor in GPa
(kinetic + virial, positive under compression), lengths in Å. The CPU backend writes the
same file, so :func:`read_thermo` (and ``calorine.gpumd.read_thermo``) read either backend.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["THERMO_COLUMNS", "THERMO_COLUMNS_TRICLINIC", "EV_A3_TO_GPA", "thermo_row", "read_thermo"]

#: 1 eV/Å^3 in GPa.
EV_A3_TO_GPA = 160.21766208
#: Columns of an orthogonal-cell thermo.out, as read by :func:`read_thermo`.
THERMO_COLUMNS = ("temperature_K", "kinetic_eV", "potential_eV", "pxx_GPa", "pyy_GPa", "pzz_GPa",
                  "pyz_GPa", "pxz_GPa", "pxy_GPa", "lx_A", "ly_A", "lz_A")
#: Columns of a triclinic-cell thermo.out.
THERMO_COLUMNS_TRICLINIC = THERMO_COLUMNS[:9] + ("ax_A", "ay_A", "az_A", "bx_A", "by_A", "bz_A",
                                                 "cx_A", "cy_A", "cz_A")


def _orthogonal(cell: np.ndarray) -> bool:
    return bool(np.all(np.abs(cell - np.diag(np.diag(cell))) < 1e-10))


def thermo_row(atoms, pressure: np.ndarray) -> str:
    """One thermo.out line for the current state.

    Parameters
    ----------
    atoms : ase.Atoms
        With a calculator (potential energy) and momenta.
    pressure : numpy.ndarray
        (3, 3) pressure tensor in eV/Å^3 (:func:`seinet.simulate.writers.pressure_tensor`).
    """
    p = np.asarray(pressure) * EV_A3_TO_GPA
    cell = atoms.cell.array
    values = [atoms.get_temperature(), atoms.get_kinetic_energy(), atoms.get_potential_energy(),
              p[0, 0], p[1, 1], p[2, 2], p[1, 2], p[0, 2], p[0, 1]]
    values += list(np.diag(cell)) if _orthogonal(cell) else list(cell.reshape(9))
    return "".join(f"{v:20.10e}" for v in values) + "\n"


def read_thermo(path: str | os.PathLike, timestep_fs: float | None = None,
                interval: int | None = None) -> pd.DataFrame:
    """Read a GPUMD-style thermo.out (from either backend).

    Parameters
    ----------
    path : path
    timestep_fs, interval : optional
        With both, columns ``step`` and ``time_ps`` come first (row k is step (k+1) x interval).

    Returns
    -------
    pandas.DataFrame
        :data:`THERMO_COLUMNS` (12 columns in the file) or :data:`THERMO_COLUMNS_TRICLINIC` (18).

    Raises
    ------
    ValueError
        Any other column count.
    """
    rows = [line.split() for line in Path(path).read_text().splitlines() if line.strip() and line[0] != "#"]
    data = np.array(rows, dtype=float) if rows else np.zeros((0, 12))
    columns = {12: THERMO_COLUMNS, 18: THERMO_COLUMNS_TRICLINIC}.get(data.shape[1])
    if columns is None:
        raise ValueError(f"{path}: {data.shape[1]} columns; GPUMD's thermo.out has 12 or 18")
    table = pd.DataFrame(data, columns=list(columns))
    if timestep_fs is not None and interval is not None:
        steps = (np.arange(len(table)) + 1) * int(interval)
        table.insert(0, "time_ps", steps * float(timestep_fs) / 1000.0)
        table.insert(0, "step", steps)
    return table
