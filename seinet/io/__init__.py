"""Trajectory readers: one table of formats, readers found by name or extension.

>>> from seinet.io import open_trajectory
>>> traj = open_trajectory("dump.xyz")          # format from the extension
>>> for frame in traj.iter_frames(0, None, 10): ...

Adding a format is one module with a reader class and one :func:`register_format`
call here. Every reader yields :class:`~seinet.frame.Frame` records from
``iter_frames(start, stop, step, *, check=None, on_error=None)``: ``check`` is applied
to every frame and ``on_error``, when given, receives the
:class:`~seinet.errors.TrajectoryError` of every bad frame (which is then skipped).
Text readers also take ``resume`` (start at a byte offset) and ``follow`` (a file still
being written, :mod:`seinet.io.follow`).
:func:`iter_frames` here passes the checks of :mod:`seinet.io.validate`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from ..errors import ConfigError
from ..frame import Frame
from ._text import strip_gz
from .ase_io import ASETrajectory
from .base import ErrorHandler, TextTrajectory
from .extxyz import ExtXYZTrajectory
from .follow import Follow
from .lammps_dump import LammpsDumpTrajectory
from .mda import UniverseTrajectory
from . import mda_reader  # noqa: F401  registers GPUMDXYZ/EXTXYZ with MDAnalysis
from .reaxff_bonds import ReaxFFBondsTrajectory
from .validate import FrameValidator

__all__ = ["FORMATS", "Format", "register_format", "detect_format", "open_trajectory", "iter_frames",
           "ExtXYZTrajectory", "LammpsDumpTrajectory", "ReaxFFBondsTrajectory", "ASETrajectory",
           "UniverseTrajectory", "Follow"]


@dataclass(frozen=True)
class Format:
    """A trajectory format: its name, file extensions, and how to open it."""

    name: str
    extensions: tuple[str, ...]
    opener: Callable[..., object]
    description: str


FORMATS: dict[str, Format] = {}


def register_format(fmt: Format) -> None:
    """Add a format to the table (later registrations replace earlier ones)."""
    FORMATS[fmt.name] = fmt


register_format(Format("extxyz", (".extxyz", ".xyz", ".exyz"),
                       lambda p, **o: ExtXYZTrajectory(p, time_unit_fs=o.get("time_unit_fs", 1.0),
                                                        properties=o.get("properties")),
                       "extended XYZ (GPUMD dump_xyz, ASE) and plain XYZ"))
register_format(Format("xyz", (), lambda p, **o: ExtXYZTrajectory(p), "plain XYZ (cell from --cell)"))
register_format(Format("lammps-dump", (".lammpstrj", ".dump", ".lammpsdump"),
                       lambda p, **o: LammpsDumpTrajectory(p, o.get("elements"), o.get("timestep_fs")),
                       "LAMMPS custom/atom text dump"))
register_format(Format("lammps-bonds", (".reaxff", ".bonds", ".reaxc"),
                       lambda p, **o: ReaxFFBondsTrajectory(p, o.get("elements"), o.get("timestep_fs")),
                       "LAMMPS fix reaxff/bonds connection table"))
register_format(Format("ase", (), lambda p, **o: ASETrajectory(p, o.get("ase_format")),
                       "any format ASE reads (pass --ase-format to name it)"))


def detect_format(path: str | os.PathLike) -> str:
    """Format name from the file extension (``.gz`` ignored); ``ase`` when unknown."""
    name = strip_gz(os.fspath(path)).lower()
    for fmt in FORMATS.values():
        if any(name.endswith(ext) for ext in fmt.extensions):
            return fmt.name
    if os.path.basename(name).startswith("dump.") or name.endswith(".lmp"):
        return "lammps-dump"
    return "ase"


def open_trajectory(source, format: str = "auto", **options):
    """Open a trajectory for streaming.

    Parameters
    ----------
    source : str, PathLike or MDAnalysis.Universe
    format : str
        A name in :data:`FORMATS` or ``"auto"`` (from the extension).
    **options
        ``elements`` (LAMMPS type order), ``timestep_fs``, ``time_unit_fs``, ``ase_format``,
        ``properties`` (extended XYZ columns to load besides species and pos; None: all).
    """
    if hasattr(source, "trajectory") and hasattr(source, "atoms"):
        return UniverseTrajectory(source)
    path = os.fspath(source)
    name = detect_format(path) if format == "auto" else format
    if name not in FORMATS:
        raise ConfigError(f"unknown format {name!r}; known: {', '.join(sorted(FORMATS))}")
    return FORMATS[name].opener(path, **options)


def iter_frames(source, format: str = "auto", *, start: int = 0, stop: int | None = None, step: int = 1,
                cell: np.ndarray | None = None, on_error: ErrorHandler | None = None,
                follow: Follow | None = None, resume: tuple[int, int] | None = None,
                **options) -> Iterator[Frame]:
    """Validated frames ``start:stop:step`` of a trajectory (see :func:`open_trajectory`).

    Parameters
    ----------
    cell : ndarray (3, 3), optional
        Replaces the file's cell (``--cell``).
    on_error : callable, optional
        Receives the :class:`~seinet.errors.TrajectoryError` (path, frame, byte offset,
        message) of every frame that does not parse or fails validation; that frame is
        skipped and reading goes on. None (default): the first bad frame raises.
    follow : Follow, optional
        The file is still being written: wait for more at its end (:mod:`seinet.io.follow`;
        text formats only).
    resume : (int, int), optional
        ``(frame index, byte offset)`` to start reading at (text formats; see
        :meth:`seinet.io.base.TextTrajectory.iter_frames`).
    """
    traj = open_trajectory(source, format, **options)
    extra = {k: v for k, v in (("follow", follow), ("resume", resume)) if v is not None}
    if extra and not isinstance(traj, TextTrajectory):
        raise ConfigError(f"{traj.path}: {' and '.join(extra)} need a text trajectory (extxyz, xyz, lammps-dump, "
                          f"lammps-bonds)")
    return traj.iter_frames(start, stop, step, check=FrameValidator(traj.path, cell), on_error=on_error, **extra)
