"""Extended XYZ files that GPUMD reads and writes: ``model.xyz`` and the ``dump_xyz`` trajectory.

``model.xyz`` (GPUMD's documented input, doc/gpumd/input_files/model_xyz.rst)::

    N
    pbc="T T T" Lattice="ax ay az bx by bz cx cy cz" Properties=species:S:1:pos:R:3[:vel:R:3][:group:I:k]

velocities in Å/fs; ``group`` holds one integer label per grouping method.

The trajectory follows GPUMD's ``dump_xyz`` output (src/measure/dump_xyz.cu)::

    N
    Time=<fs> pbc="T T T" Lattice="..." energy=<eV> virial="<9, eV>" stress="<9, eV/Å^3>"
    Properties=species:S:1:pos:R:3[:charge:R:1][:vel:R:3][:forces:R:3]

(one line in the file)

``virial`` is the summed per-atom virial (−V σ_ASE), ``stress`` is GPUMD's pressure tensor
(kinetic + virial)/V, positive under compression; columns come in GPUMD's order (charge before
velocity before forces); positions are wrapped into the cell. Numbers are written with ``%.8f``.
:class:`seinet.io.extxyz.ExtXYZTrajectory` reads both files as they are.
"""

from __future__ import annotations

import gzip
import io
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

__all__ = ["DumpWriter", "write_model_xyz", "gpumd_header", "pressure_tensor"]



def _ase_fs() -> float:
    """1 fs in ASE time units: ASE velocity x this = Å/fs."""
    from ase import units

    return units.fs


def _fmt9(m: np.ndarray) -> str:
    return " ".join(f"{v:.8f}" for v in np.asarray(m, dtype=float).reshape(9))


def _pbc(atoms) -> str:
    return " ".join("T" if p else "F" for p in atoms.pbc)


def _rows(symbols: Sequence[str], columns: np.ndarray) -> str:
    """Atom lines ``S x y z ...`` with %.8f (one formatting call per frame)."""
    fmt = "%s" + " %.8f" * columns.shape[1] + "\n"
    table = [(s, *row) for s, row in zip(symbols, columns.tolist())]
    return "".join(fmt % row for row in table)


def write_model_xyz(path: str | os.PathLike, atoms, groups: Sequence[Sequence[int]] | None = None,
                    velocities: bool = False) -> None:
    """Write GPUMD's ``model.xyz``.

    Parameters
    ----------
    path : path
    atoms : ase.Atoms
        Orthogonal or triclinic cell; positions are wrapped.
    groups : sequence of int sequences, optional
        Grouping methods: ``groups[m][i]`` is the label of atom i in method m (at most 3).
    velocities : bool
        Write ``vel`` in Å/fs from the atoms' momenta.
    """
    symbols = atoms.get_chemical_symbols()
    cols = [atoms.get_positions(wrap=True)]
    props = "species:S:1:pos:R:3"
    if velocities:
        cols.append(atoms.get_velocities() * _ase_fs())
        props += ":vel:R:3"
    body_columns = np.hstack(cols)
    header = f'pbc="{_pbc(atoms)}" Lattice="{_fmt9(atoms.cell.array)}"'
    if groups:
        labels = np.asarray(groups, dtype=int).reshape(len(groups), len(atoms)).T
        if len(groups) > 3:
            raise ValueError("GPUMD takes at most 3 grouping methods")
        props += f":group:I:{labels.shape[1]}"
        lines = [f"{s}" + "".join(f" {v:.8f}" for v in row) + "".join(f" {g:d}" for g in lab) + "\n"
                 for s, row, lab in zip(symbols, body_columns.tolist(), labels.tolist())]
        body = "".join(lines)
    else:
        body = _rows(symbols, body_columns)
    Path(path).write_text(f"{len(atoms)}\n{header} Properties={props}\n{body}")


def pressure_tensor(atoms) -> tuple[np.ndarray, np.ndarray]:
    """GPUMD's virial (eV) and pressure tensor (eV/Å^3) of the current state.

    Returns
    -------
    virial : numpy.ndarray
        (3, 3) summed per-atom virial, −V σ_ASE (without the kinetic part).
    pressure : numpy.ndarray
        (3, 3) (Σ m v v + virial) / V, positive under compression.
    """
    from ase.stress import voigt_6_to_full_3x3_stress

    volume = atoms.get_volume()
    virial = -voigt_6_to_full_3x3_stress(atoms.get_stress(include_ideal_gas=False)) * volume
    momenta = atoms.get_momenta()
    kinetic = (momenta.T / atoms.get_masses()) @ momenta
    return virial, (kinetic + virial) / volume


def gpumd_header(atoms, time_fs: float, properties: str) -> str:
    """Comment line of one ``dump_xyz`` frame (see the module docstring)."""
    virial, pressure = pressure_tensor(atoms)
    return (f'Time={time_fs:.8f} pbc="{_pbc(atoms)}" Lattice="{_fmt9(atoms.cell.array)}"'
            f" energy={atoms.get_potential_energy():.8f}"
            f' virial="{_fmt9(virial)}" stress="{_fmt9(pressure)}" Properties={properties}')


class DumpWriter:
    """Append frames in GPUMD's ``dump_xyz`` layout to ``dump.xyz`` or ``dump.xyz.gz``.

    Parameters
    ----------
    path : path
        Output file; a ``.gz`` suffix writes gzip (mtime 0, so bytes are reproducible).
    velocities, forces, charges : bool
        Which per-atom columns to write (charges need a calculator that gives ``charges``).

    Examples
    --------
    >>> with DumpWriter("dump.xyz", charges=False) as dump:   # doctest: +SKIP
    ...     dump.write(atoms, time_fs=10.0)
    """

    def __init__(self, path: str | os.PathLike, *, velocities: bool = True, forces: bool = True,
                 charges: bool = False) -> None:
        self.path = Path(path)
        self.velocities, self.forces, self.charges = velocities, forces, charges
        self.properties = "species:S:1:pos:R:3" + (":charge:R:1" if charges else "") \
            + (":vel:R:3" if velocities else "") + (":forces:R:3" if forces else "")
        self.n_frames = 0
        self._raw = open(self.path, "wb")
        if self.path.suffix == ".gz":
            self._gz = gzip.GzipFile(filename="", mode="wb", fileobj=self._raw, compresslevel=6, mtime=0)
            self._text = io.TextIOWrapper(self._gz, encoding="ascii", newline="\n")
        else:
            self._gz = None
            self._text = io.TextIOWrapper(self._raw, encoding="ascii", newline="\n")

    def write(self, atoms, time_fs: float) -> None:
        """Append the current state of ``atoms`` (with a calculator attached)."""
        cols = [atoms.get_positions(wrap=True)]
        if self.charges:
            cols.append(np.asarray(atoms.get_charges(), dtype=float).reshape(-1, 1))
        if self.velocities:
            cols.append(atoms.get_velocities() * _ase_fs())
        if self.forces:
            cols.append(atoms.get_forces())
        header = gpumd_header(atoms, time_fs, self.properties)
        self._text.write(f"{len(atoms)}\n{header}\n")
        self._text.write(_rows(atoms.get_chemical_symbols(), np.hstack(cols)))
        self.n_frames += 1

    def close(self) -> None:
        """Flush and close the file."""
        if self._text.closed:
            return
        self._text.flush()
        self._text.close()  # closes the gzip stream and the raw file beneath
        if not self._raw.closed:
            self._raw.close()

    def __enter__(self) -> DumpWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
