"""Any format ASE reads, through ``ase.io.iread`` (optional dependency ``ase``)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import numpy as np

from ..errors import SeinetError, TrajectoryError
from ..frame import Frame
from .base import ErrorHandler, FrameCheck
from .validate import checked

__all__ = ["ASETrajectory", "frame_from_atoms"]


def frame_from_atoms(atoms, index: int, source: str = "") -> Frame:
    """Convert an ``ase.Atoms`` to a :class:`Frame` (cell only when periodic and non-zero)."""
    cell = np.array(atoms.cell[:], dtype=float)
    has_cell = bool(np.any(atoms.pbc)) and abs(np.linalg.det(cell)) > 1e-9
    arrays = {}
    if "charges" in atoms.arrays:
        arrays["charge"] = np.asarray(atoms.arrays["charges"], dtype=float)
    if "momenta" in atoms.arrays:
        arrays["velocities"] = atoms.get_velocities()
    time_ps = atoms.info.get("time_ps")
    return Frame(index=index, symbols=np.asarray(atoms.get_chemical_symbols(), dtype=str),
                 positions=np.asarray(atoms.positions, dtype=float), cell=cell if has_cell else None,
                 time_ps=float(time_ps) if time_ps is not None else None, arrays=arrays, source=source)


class ASETrajectory:
    """Stream frames of any ASE-readable file.

    Parameters
    ----------
    path : str
    ase_format : str or None
        ASE format name; None lets ASE guess from the file.
    """

    format_name = "ase"

    def __init__(self, path, ase_format: str | None = None) -> None:
        try:
            import ase.io  # noqa: F401
        except ImportError:
            raise SeinetError("reading this format needs ASE: pip install 'seinet[ase]'") from None
        self.path = os.fspath(path)
        self.ase_format = ase_format
        if not os.path.exists(self.path):
            raise TrajectoryError(self.path, None, "file not found")

    def iter_frames(self, start: int = 0, stop: int | None = None, step: int = 1, *,
                    check: FrameCheck | None = None, on_error: ErrorHandler | None = None) -> Iterator[Frame]:
        """Frames ``start:stop:step``; ``check``/``on_error`` as for text readers, except that
        ASE cannot resume after a frame it fails to read: that error always ends the iteration."""
        return checked(self._frames(start, stop, step), check, on_error)

    def _frames(self, start: int, stop: int | None, step: int) -> Iterator[Frame]:
        import ase.io

        index = 0
        try:
            for atoms in ase.io.iread(self.path, index=slice(start, stop, step), format=self.ase_format):
                yield frame_from_atoms(atoms, start + index * step, self.path)
                index += 1
        except TrajectoryError:
            raise
        except Exception as exc:  # ASE raises many types for bad files
            raise TrajectoryError(self.path, start + index * step, f"ASE cannot read it: {exc}") from None

    def __iter__(self) -> Iterator[Frame]:
        return self.iter_frames()
