"""Frames from an MDAnalysis ``Universe`` built by the user in Python."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ..frame import Frame
from .base import ErrorHandler, FrameCheck
from .validate import checked

__all__ = ["UniverseTrajectory"]


def _symbols(universe) -> np.ndarray:
    atoms = universe.atoms
    if hasattr(atoms, "elements"):
        return np.asarray([e.capitalize() if len(e) > 1 else e.upper() for e in atoms.elements], dtype=str)
    from MDAnalysis.topology.guessers import guess_types  # MDAnalysis < 3

    return np.asarray(guess_types(atoms.names), dtype=str)


class UniverseTrajectory:
    """Iterate a Universe's trajectory as :class:`Frame` records (time converted to ps)."""

    format_name = "mdanalysis"

    def __init__(self, universe) -> None:
        self.universe = universe
        self.path = str(getattr(universe.trajectory, "filename", None) or "<Universe>")
        self.symbols = _symbols(universe)

    def iter_frames(self, start: int = 0, stop: int | None = None, step: int = 1, *,
                    check: FrameCheck | None = None, on_error: ErrorHandler | None = None) -> Iterator[Frame]:
        """Frames ``start:stop:step``; ``check``/``on_error`` as for text readers (check failures only)."""
        return checked(self._frames(start, stop, step), check, on_error)

    def _frames(self, start: int, stop: int | None, step: int) -> Iterator[Frame]:
        for ts in self.universe.trajectory[start:stop:step]:
            cell = None
            if ts.dimensions is not None and np.all(ts.dimensions[:3] > 0):
                from MDAnalysis.lib.mdamath import triclinic_vectors

                cell = np.asarray(triclinic_vectors(ts.dimensions), dtype=float)
            yield Frame(index=int(ts.frame), symbols=self.symbols, positions=np.array(ts.positions, dtype=float),
                        cell=cell, time_ps=float(ts.time), source=self.path)

    def __iter__(self) -> Iterator[Frame]:
        return self.iter_frames()

    def __len__(self) -> int:
        return len(self.universe.trajectory)
