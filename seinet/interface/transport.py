"""Transport diagrams: number density of species groups versus distance from the electrode and time.

Every unit (molecule, free ion, ionic aggregate: the rows of species_counts) is
placed at its centroid; its distance is the signed distance of the centroid from
the nearer electrode face (:meth:`~seinet.interface.electrode.Electrode.distance`).
Distances are binned (``bin_A``, bins aligned on 0); the number density of a bin is
``count / (2 A bin_A)``: A is the lateral cell area and the 2 counts both faces of
the periodic slab (the distance is to the *nearer* face, so each bin is two slabs
of electrolyte). The table keeps non-empty bins only (long format: memory grows
with the units present, not with frames x bins); empty bins are zero.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["TransportProfile", "TRANSPORT_COLUMNS", "density_grid"]

TRANSPORT_COLUMNS = ["frame", "time_ps", "group", "distance_A", "count", "density_nm3"]


class TransportProfile:
    """Accumulates the transport table frame by frame.

    Parameters
    ----------
    groups : sequence of str
        Group names (the order of the rows of ``membership`` passed to :meth:`add`).
    bin_A : float
        Distance bin width (Å).
    """

    def __init__(self, groups, bin_A: float = 1.0) -> None:
        self.groups = list(groups)
        self.bin_A = float(bin_A)
        self._parts: list[tuple[np.ndarray, ...]] = []

    def add(self, frame: int, time_ps: float, membership: np.ndarray, distance_A: np.ndarray, area_A2: float) -> None:
        """One frame.

        Parameters
        ----------
        membership : ndarray of bool (G, U)
            Which of the U units belong to each group.
        distance_A : ndarray (U,)
            Signed distance of each unit from the electrode.
        area_A2 : float
            Lateral cell area.
        """
        bins = np.floor(np.asarray(distance_A) / self.bin_A).astype(np.int64)
        for g in range(len(self.groups)):
            b = bins[membership[g]]
            if len(b) == 0:
                continue
            values, counts = np.unique(b, return_counts=True)
            n = len(values)
            self._parts.append((np.full(n, frame, np.int64), np.full(n, time_ps), np.full(n, g, np.int64),
                                values, counts.astype(np.int64), np.full(n, area_A2)))

    def table(self) -> pd.DataFrame:
        """transport.parquet (:data:`TRANSPORT_COLUMNS`), sorted by frame, group, distance."""
        if not self._parts:
            return pd.DataFrame({c: pd.Series(dtype=t) for c, t in zip(
                TRANSPORT_COLUMNS, ("int64", "float64", "object", "float64", "int64", "float64"))})
        frame, time, group, b, count, area = (np.concatenate(x) for x in zip(*self._parts))
        density = count / (2.0 * area * self.bin_A) * 1000.0  # per nm^3
        df = pd.DataFrame({"frame": frame, "time_ps": time, "group": np.asarray(self.groups, dtype=object)[group],
                           "distance_A": (b + 0.5) * self.bin_A, "count": count, "density_nm3": density})
        order = np.lexsort((b, group, frame))
        return df.iloc[order].reset_index(drop=True)


def density_grid(transport: pd.DataFrame, group: str, d_max: float | None = None
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Dense (distance x frame) density array of one group, zeros where the table has no row.

    Returns
    -------
    times : ndarray (F,), distances : ndarray (D,), density : ndarray (D, F)
    """
    df = transport[transport["group"] == group]
    frames = np.unique(transport["frame"].to_numpy())
    times = transport.drop_duplicates("frame").set_index("frame")["time_ps"].reindex(frames).to_numpy(float)
    if len(df) == 0:
        return times, np.empty(0), np.zeros((0, len(frames)))
    step = float(np.min(np.diff(np.unique(transport["distance_A"])))) if transport["distance_A"].nunique() > 1 else 1.0
    lo = float(min(transport["distance_A"].min(), 0.5 * step))
    hi = float(df["distance_A"].max() if d_max is None else d_max)
    dist = np.arange(lo, hi + 0.5 * step, step)
    grid = np.zeros((len(dist), len(frames)))
    di = np.rint((df["distance_A"].to_numpy() - lo) / step).astype(np.int64)
    fi = np.searchsorted(frames, df["frame"].to_numpy())
    ok = (di >= 0) & (di < len(dist))
    grid[di[ok], fi[ok]] = df["density_nm3"].to_numpy()[ok]
    return times, dist, grid
