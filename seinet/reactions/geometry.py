"""Where events happen: centroid of the atoms involved and distance from the metal electrode.

Events are recorded a few frames after they happen (products must persist ``tau``
frames), so the positions of recent frames are kept in a small ring buffer
(:class:`RecentFrames`); an event older than the buffer gets NaN coordinates.

"Distance from the electrode" is, for now, the distance from the event centroid to
the nearest metallic alkali atom in the event's frame (minimum image); NaN when the
frame has no metal. The interface analysis (issue 4) will add distances to fitted
surfaces.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

__all__ = ["centroid", "nearest_distance", "RecentFrames", "EVENT_GEOMETRY_COLUMNS"]

EVENT_GEOMETRY_COLUMNS = ["x_A", "y_A", "z_A", "electrode_distance_A"]


def _minimum_image(delta: np.ndarray, cell: np.ndarray) -> np.ndarray:
    frac = delta @ np.linalg.inv(cell)
    frac -= np.round(frac)
    return frac @ cell


def centroid(positions: np.ndarray, cell: np.ndarray, atoms) -> np.ndarray:
    """Centroid of ``atoms`` with the periodic images chosen around the first atom, wrapped into the cell.

    Notes
    -----
    O(len(atoms)). Exact for groups smaller than half the cell, which covers molecules.
    """
    atoms = np.asarray(atoms, dtype=np.int64)
    ref = positions[atoms[0]]
    c = ref + _minimum_image(positions[atoms] - ref, cell).mean(axis=0)
    frac = c @ np.linalg.inv(cell)
    return (frac - np.floor(frac)) @ cell


def nearest_distance(point: np.ndarray, others: np.ndarray, cell: np.ndarray) -> float:
    """Minimum-image distance from ``point`` to the nearest of ``others`` (NaN if none). O(len(others))."""
    if len(others) == 0:
        return float("nan")
    return float(np.linalg.norm(_minimum_image(others - point, cell), axis=1).min())


class RecentFrames:
    """Ring buffer of the positions, cell and metal atoms of the last ``depth`` frames.

    Call :meth:`add` with each frame's partition; use the instance as the event
    extractor's ``on_event`` callback. Memory: ``depth`` x N x 3 floats (references
    to the frames' own arrays, no copies).
    """

    def __init__(self, depth: int = 16) -> None:
        self.depth = depth
        self._frames: OrderedDict[int, tuple] = OrderedDict()

    def add(self, partition) -> None:
        if partition.positions is None or partition.cell is None:
            return
        metal = np.flatnonzero(partition.state == 1)
        self._frames[partition.frame] = (partition.positions, partition.cell, metal)
        while len(self._frames) > self.depth:
            self._frames.popitem(last=False)

    def __call__(self, frame: int, atoms) -> dict:
        entry = self._frames.get(frame)
        if entry is None:
            return dict.fromkeys(EVENT_GEOMETRY_COLUMNS, float("nan"))
        positions, cell, metal = entry
        c = centroid(positions, cell, atoms)
        metal = np.setdiff1d(metal, np.asarray(atoms, dtype=np.int64), assume_unique=True)
        return {"x_A": round(float(c[0]), 4), "y_A": round(float(c[1]), 4), "z_A": round(float(c[2]), 4),
                "electrode_distance_A": round(nearest_distance(c, positions[metal], cell), 4)}
