"""GPUMD extended XYZ as an MDAnalysis format (``GPUMDXYZ``, and ``EXTXYZ`` by extension).

Importing this module (``import seinet.io`` does) registers a topology parser and
a coordinate reader with MDAnalysis, so that a GPUMD ``dump_xyz`` trajectory opens
as a Universe:

>>> import MDAnalysis as mda
>>> import seinet.io  # noqa: F401  registers the format
>>> u = mda.Universe("dump.xyz", format="GPUMDXYZ")
>>> u = mda.Universe("run.extxyz.gz")             # by extension

Both classes are thin adapters over :class:`~seinet.io.extxyz.ExtXYZTrajectory`:
parsing, ``.gz`` and the byte-offset index for random access are its job.
The name ``EXTXYZ`` is registered only when MDAnalysis does not already own it.

Units (what MDAnalysis expects, and what the reader converts from):

============  =====================  ==================  =========================
quantity      GPUMD ``dump_xyz``     MDAnalysis          conversion
============  =====================  ==================  =========================
positions     Å                      Å                   none
cell          Å (rows of Lattice=)   Å, degrees (box)    ``triclinic_box``
time          fs (``Time=``)         ps                  / 1000
velocities    Å/fs                   Å/ps                × 1000
forces        eV/Å                   kJ/(mol Å)          × 96.485 (eV -> kJ/mol)
charges       e                      e                   none
============  =====================  ==================  =========================
"""

from __future__ import annotations

import numpy as np
from MDAnalysis import _PARSERS, _READERS
from MDAnalysis.coordinates.base import ReaderBase
from MDAnalysis.core.topology import Topology
from MDAnalysis.core.topologyattrs import (Atomids, Atomnames, Atomtypes, Charges, Elements, Masses, Resids,
                                           Resnums, Segids)
from MDAnalysis.lib.mdamath import triclinic_box
from MDAnalysis.lib.util import store_init_arguments
from MDAnalysis.topology.base import TopologyReaderBase

from ..frame import Frame
from .extxyz import ExtXYZTrajectory

try:
    from MDAnalysis.guesser.tables import masses as _MASSES
except ImportError:  # MDAnalysis < 2.8
    from MDAnalysis.topology.tables import masses as _MASSES

__all__ = ["GPUMDXYZParser", "GPUMDXYZReader", "VELOCITY_FACTOR", "FORCE_FACTOR", "FORMAT_NAMES"]

VELOCITY_FACTOR = 1000.0
"""Å/fs (GPUMD) -> Å/ps (MDAnalysis)."""

FORCE_FACTOR = 96.48533212331002
"""eV/Å (GPUMD) -> kJ/(mol Å) (MDAnalysis): 1 eV = N_A × e J = 96.4853 kJ/mol (CODATA 2018)."""


def _owned_elsewhere(name: str) -> bool:
    """True when a class outside this module is registered as MDAnalysis format ``name``."""
    return any(getattr(table.get(name), "__module__", __name__) != __name__ for table in (_READERS, _PARSERS))


FORMAT_NAMES: tuple[str, ...] = ("GPUMDXYZ",) + (() if _owned_elsewhere("EXTXYZ") else ("EXTXYZ",))
"""Format names registered with MDAnalysis (``EXTXYZ`` only when MDAnalysis lacks it)."""


def _mass(symbol: str) -> float:
    """Atomic mass in u from MDAnalysis' table; 0.0 (MDAnalysis' convention) when unknown."""
    return float(_MASSES.get(symbol, _MASSES.get(symbol.capitalize(), _MASSES.get(symbol.upper(), 0.0))))


def _first_frame(path: str) -> Frame:
    for frame in ExtXYZTrajectory(path).iter_frames(0, 1):
        return frame
    raise ValueError(f"{path}: no complete frame")


class GPUMDXYZParser(TopologyReaderBase):
    """Topology of a GPUMD extended-XYZ file, from its first frame.

    Atoms get ``elements``, ``names`` and ``types`` (all the species symbol),
    ``masses`` in u (MDAnalysis' element table; 0.0 for unknown symbols), ``ids``
    (1-based), and ``charges`` in e when the first frame has a ``charge`` column.
    All atoms are in one residue (resid 1) of one segment (``SYSTEM``).
    """

    format = list(FORMAT_NAMES)

    def parse(self, **kwargs) -> Topology:
        """Read the first frame and return the :class:`~MDAnalysis.core.topology.Topology`."""
        frame = _first_frame(self.filename)
        symbols = np.asarray(frame.symbols, dtype=object)
        n = len(symbols)
        attrs = [
            Atomnames(symbols.copy()),
            Atomtypes(symbols.copy()),
            Elements(symbols.copy()),
            Masses(np.array([_mass(s) for s in symbols], dtype=np.float64)),
            Atomids(np.arange(1, n + 1)),
            Resids(np.array([1])),
            Resnums(np.array([1])),
            Segids(np.array(["SYSTEM"], dtype=object)),
        ]
        if "charge" in frame.arrays:
            attrs.append(Charges(np.asarray(frame.arrays["charge"], dtype=np.float64)))
        return Topology(n, 1, 1, attrs=attrs)


class GPUMDXYZReader(ReaderBase):
    """Coordinates of a GPUMD extended-XYZ trajectory (plain or ``.gz``).

    Parameters
    ----------
    filename : str or PathLike
        The trajectory.
    time_unit_fs : float, optional
        Femtoseconds per unit of ``Time=`` in the file (1.0 for GPUMD).
    **kwargs
        Passed to :class:`~MDAnalysis.coordinates.base.ReaderBase` (``dt`` in ps
        for files without ``Time=``, ``time_offset``, ``convert_units``).

    Notes
    -----
    ``ts.time`` is ``Time=`` converted to ps; ``ts.dt`` is the time between
    frames 0 and 1 (ps). ``ts.dimensions`` is ``[a, b, c, alpha, beta, gamma]``
    (Å, degrees) from ``Lattice=``, or None when a frame has no cell.
    ``ts.velocities`` (Å/ps) and ``ts.forces`` (kJ/(mol Å)) are present when the
    file has ``vel``/``force`` columns; see the module docstring for the
    conversions. Opening builds the byte-offset index (one pass over the file
    that does not parse numbers); ``u.trajectory[i]`` then seeks directly, and
    iteration streams frames, parsing each once.
    """

    format = list(FORMAT_NAMES)
    units = {"time": "ps", "length": "Angstrom", "velocity": "Angstrom/ps", "force": "kJ/(mol*Angstrom)"}

    @store_init_arguments
    def __init__(self, filename, time_unit_fs: float = 1.0, **kwargs) -> None:
        self._stream = None  # before anything can fail: ReaderBase.__del__ calls close()
        super().__init__(filename, **kwargs)
        self._traj = ExtXYZTrajectory(self.filename, time_unit_fs=time_unit_fs)
        self._stream_next = -1
        self._n_frames = len(self._traj)
        if self._n_frames == 0:
            raise ValueError(f"{self.filename}: no complete frame")
        first = self._traj.read_frame(0)
        self._n_atoms = first.n_atoms
        self._has_vel = "velocities" in first.arrays
        self._has_force = "forces" in first.arrays
        self.ts = self._Timestep(self._n_atoms, velocities=self._has_vel, forces=self._has_force,
                                 reader=self, **self._ts_kwargs)
        self._frame_to_ts(first, self.ts)

    @property
    def n_atoms(self) -> int:
        """Number of atoms (the same in every frame)."""
        return self._n_atoms

    @property
    def n_frames(self) -> int:
        """Number of complete frames."""
        return self._n_frames

    @staticmethod
    def parse_n_atoms(filename, **kwargs) -> int:
        """Number of atoms in the first frame (used by MDAnalysis for ``Universe.empty``)."""
        return _first_frame(str(filename)).n_atoms

    def _get_dt(self) -> float:
        """Time between frames 0 and 1 in ps; AttributeError (MDAnalysis: dt = 1 ps) when unknown."""
        if self._n_frames < 2:
            raise AttributeError("dt needs two frames")
        t0, t1 = self._traj.read_frame(0).time_ps, self._traj.read_frame(1).time_ps
        if t0 is None or t1 is None:
            raise AttributeError("no Time= in the file")
        return float(t1 - t0)

    def _frame_to_ts(self, frame: Frame, ts):
        if frame.n_atoms != self._n_atoms:
            raise ValueError(f"{self.filename}, frame {frame.index}: {frame.n_atoms} atoms, "
                             f"expected {self._n_atoms} (MDAnalysis needs a constant atom count)")
        ts.frame = frame.index
        ts.positions = frame.positions
        ts.dimensions = None if frame.cell is None else triclinic_box(*frame.cell)
        if frame.time_ps is not None:
            ts.time = frame.time_ps
        else:
            ts.data.pop("time", None)
        if self._has_vel:
            ts.velocities = frame.arrays["velocities"] * VELOCITY_FACTOR
        if self._has_force:
            ts.forces = frame.arrays["forces"] * FORCE_FACTOR
        return ts

    def _read_frame(self, frame: int):
        """Seek to ``frame`` through the byte-offset index and fill ``self.ts``."""
        self._close_stream()
        return self._frame_to_ts(self._traj.read_frame(frame), self.ts)

    def _read_next_timestep(self, ts=None):
        """Read the frame after ``ts.frame``, streaming; EOFError at the end."""
        if ts is None:
            ts = self.ts
        target = ts.frame + 1
        if target >= self._n_frames:
            raise EOFError
        if self._stream is None or self._stream_next != target:
            self._close_stream()
            self._stream = self._traj.iter_frames(target)
        try:
            frame = next(self._stream)
        except StopIteration:
            self._close_stream()
            raise EOFError from None
        self._stream_next = frame.index + 1
        return self._frame_to_ts(frame, ts)

    def _reopen(self) -> None:
        """Position before the first frame (the next read returns frame 0)."""
        self._close_stream()
        self.ts.frame = -1

    def _close_stream(self) -> None:
        if getattr(self, "_stream", None) is not None:
            self._stream.close()  # closes the file the generator holds
        self._stream = None
        self._stream_next = -1

    def __getstate__(self) -> dict:
        """Pickle without the open stream (for MDAnalysis' parallel backends).

        The unpickled reader stays on the same frame; its next read seeks to the
        following frame through the offset index.
        """
        state = self.__dict__.copy()
        state["_stream"] = None
        state["_stream_next"] = -1
        return state

    def close(self) -> None:
        """Close the file held by an ongoing iteration, if any."""
        self._close_stream()
