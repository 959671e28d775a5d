"""The metadynamics bias: a growing sum of Gaussian hills in CV space, well-tempered or plain.

Every ``pace`` steps a hill is deposited at the current CV values ``s``:

- well-tempered (``biasfactor`` gamma > 1): height ``w = h0 exp(-V(s) / (kB dT))`` with
  ``dT = T (gamma - 1)``; the bias converges to ``V = -(1 - 1/gamma) F + const``, so
  ``F = -gamma / (gamma - 1) V``;
- plain (``biasfactor=None``): ``w = h0``; ``F = -V`` once the bias fills the wells.

The HILLS file and :attr:`WellTemperedBias.hills` carry the heights **as PLUMED writes them**:
``w gamma / (gamma - 1)`` in well-tempered runs, ``w`` otherwise, so ``F = -sum of written hills``
in both cases (:mod:`seinet.simulate.hills`).

The bias is a sum over all hills (exact), or, with a grid (``grid_min``, ``grid_max``,
``grid_bins``, PLUMED's ``GRID_MIN/GRID_MAX/GRID_BIN``), values and derivatives accumulated on a
grid at deposition and interpolated multilinearly; points outside the grid fall back to the exact
sum. The grid makes evaluation O(2^d) instead of O(n_hills), which matters for long runs and for
many walkers sharing one bias.

Energies are in eV, CVs in their own units (Å for heights), temperatures in K;
``kB = 8.617333262e-5 eV/K`` (CODATA 2018).
"""

from __future__ import annotations

import itertools
import math
import os
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from .errors import SimulationConfigError
from .hills import Hills, append_hills, gaussian_sum, gaussian_sum_at, hills_header

__all__ = ["KB_EV_PER_K", "MetadynamicsSettings", "WellTemperedBias"]

#: Boltzmann constant, eV/K (CODATA 2018).
KB_EV_PER_K = 8.617333262e-5


def _tuple(x, kind=float) -> tuple | None:
    if x is None:
        return None
    return tuple(kind(v) for v in np.atleast_1d(x))


@dataclass(frozen=True)
class MetadynamicsSettings:
    """Well-tempered (or plain) metadynamics, the same for the CPU calculator and PLUMED.

    Parameters
    ----------
    sigma : float or tuple of float
        Hill width (standard deviation) per CV, in CV units.
    height_eV : float
        Initial hill height h0, eV (PLUMED ``HEIGHT`` with ``UNITS ENERGY=eV``).
        1 kJ/mol = 0.010364 eV.
    pace : int
        Steps between hills.
    biasfactor : float or None
        gamma > 1 for well-tempered metadynamics; None for plain metadynamics.
    temperature_K : float
        Simulation temperature (PLUMED ``TEMP``).
    timestep_fs : float
        MD time step; only for the time column of HILLS (fs).
    grid_min, grid_max : tuple of float, optional
        Bias grid bounds per CV.
    grid_bins : tuple of int, optional
        Bins per CV (bins + 1 points for a non-periodic CV).
    """

    sigma: tuple[float, ...]
    height_eV: float
    pace: int = 500
    biasfactor: float | None = 10.0
    temperature_K: float = 300.0
    timestep_fs: float = 1.0
    grid_min: tuple[float, ...] | None = None
    grid_max: tuple[float, ...] | None = None
    grid_bins: tuple[int, ...] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "sigma", _tuple(self.sigma))
        object.__setattr__(self, "grid_min", _tuple(self.grid_min))
        object.__setattr__(self, "grid_max", _tuple(self.grid_max))
        object.__setattr__(self, "grid_bins", _tuple(self.grid_bins, int))
        problems = []
        if not self.sigma or min(self.sigma) <= 0:
            problems.append("sigma must be > 0 for every CV")
        if not self.height_eV > 0:
            problems.append(f"height_eV must be > 0 (got {self.height_eV})")
        if int(self.pace) < 1:
            problems.append(f"pace must be >= 1 (got {self.pace})")
        if self.biasfactor is not None and not self.biasfactor > 1:
            problems.append(f"biasfactor must be > 1, or None for plain metadynamics (got {self.biasfactor})")
        if not self.temperature_K > 0 or not self.timestep_fs > 0:
            problems.append("temperature_K and timestep_fs must be > 0")
        grid = (self.grid_min, self.grid_max, self.grid_bins)
        if any(g is not None for g in grid):
            if any(g is None or len(g) != len(self.sigma) for g in grid):
                problems.append("grid_min, grid_max and grid_bins need one value per CV, all three or none")
            elif any(hi <= lo for lo, hi in zip(self.grid_min, self.grid_max)) or min(self.grid_bins) < 1:
                problems.append("the grid needs grid_max > grid_min and grid_bins >= 1")
        if problems:
            raise SimulationConfigError("metadynamics: " + "; ".join(problems))

    @property
    def ncv(self) -> int:
        """Number of CVs."""
        return len(self.sigma)

    @property
    def delta_T_K(self) -> float:
        """dT = T (gamma - 1), the well-tempered bias temperature (inf for plain metadynamics)."""
        return math.inf if self.biasfactor is None else self.temperature_K * (self.biasfactor - 1.0)

    @property
    def height_scale(self) -> float:
        """Written height / deposited height: gamma / (gamma - 1), or 1 for plain metadynamics."""
        return 1.0 if self.biasfactor is None else self.biasfactor / (self.biasfactor - 1.0)

    def as_dict(self) -> dict:
        """Every setting (for manifests)."""
        return asdict(self)


class _Grid:
    """Bias values and derivatives on a regular grid, multilinear interpolation."""

    def __init__(self, lo, hi, bins, periods) -> None:
        self.periods = list(periods)
        self.lo = np.array(lo, dtype=float)
        self.hi = np.array(hi, dtype=float)
        axes = []
        for i, (a, b, n) in enumerate(zip(lo, hi, bins)):
            p = self.periods[i]
            if p is not None:  # a periodic CV: its period, bins points, the last one wraps onto the first
                self.lo[i], self.hi[i] = p
                axes.append(p[0] + (p[1] - p[0]) * np.arange(n) / n)
            else:
                axes.append(np.linspace(a, b, n + 1))
        self.axes = axes
        self.dx = np.array([(self.hi[i] - self.lo[i]) / (len(ax) if self.periods[i] else len(ax) - 1)
                            for i, ax in enumerate(axes)])
        shape = tuple(len(a) for a in axes)
        self.values = np.zeros(shape)
        self.grads = [np.zeros(shape) for _ in axes]

    def add(self, centers, sigmas, heights) -> None:
        v, g = gaussian_sum(centers, sigmas, heights, self.axes, self.periods, gradient=True)
        self.values += v
        for i in range(len(g)):
            self.grads[i] += g[i]

    def inside(self, points: np.ndarray) -> np.ndarray:
        ok = np.ones(len(points), dtype=bool)
        for i, p in enumerate(self.periods):
            if p is None:
                ok &= (points[:, i] >= self.lo[i]) & (points[:, i] <= self.hi[i])
        return ok

    def interpolate(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        d = points.shape[1]
        if d == 1 and self.periods[0] is None:  # the common case, in C
            x, ax = points[:, 0], self.axes[0]
            return np.interp(x, ax, self.values), np.interp(x, ax, self.grads[0])[:, None]
        k, t = [], []
        for i in range(d):
            n = len(self.axes[i])
            u = (points[:, i] - self.lo[i]) / self.dx[i]
            if self.periods[i] is not None:
                u = np.mod(u, n)
                ki = np.minimum(np.floor(u).astype(np.int64), n - 1)
            else:
                ki = np.clip(np.floor(u).astype(np.int64), 0, n - 2)
            k.append(ki)
            t.append(u - ki)
        values = np.zeros(len(points))
        grads = np.zeros((len(points), d))
        for corner in itertools.product((0, 1), repeat=d):
            w = np.ones(len(points))
            idx = []
            for i, b in enumerate(corner):
                w = w * (t[i] if b else 1.0 - t[i])
                j = k[i] + b
                idx.append(np.mod(j, len(self.axes[i])) if self.periods[i] is not None else j)
            idx = tuple(idx)
            values += w * self.values[idx]
            for i in range(d):
                grads[:, i] += w * self.grads[i][idx]
        return values, grads


class WellTemperedBias:
    """The bias potential of a metadynamics run in CV space.

    Parameters
    ----------
    settings : MetadynamicsSettings
    names : sequence of str, optional
        CV names for HILLS (default ``cv1``, ``cv2``, ...).
    periods : sequence, optional
        Per CV (min, max) of a periodic CV or None.
    hills_path : path, optional
        HILLS file, written (header) now and appended at every deposition, so it is complete
        whenever the run stops.

    Notes
    -----
    Evaluation costs O(m n_hills d) for m points without a grid, O(m 2^d) with one; a deposition
    of m hills on a grid costs O(m sum_i n_i + m prod_i n_i).
    """

    def __init__(self, settings: MetadynamicsSettings, names=None, periods=None,
                 hills_path: str | os.PathLike | None = None) -> None:
        self.settings = settings
        d = settings.ncv
        self.names = tuple(names) if names is not None else tuple(f"cv{i + 1}" for i in range(d))
        self.periods = tuple(periods) if periods is not None else (None,) * d
        if len(self.names) != d or len(self.periods) != d:
            raise SimulationConfigError(f"metadynamics: {len(self.names)} CV names and {len(self.periods)} periods "
                                        f"for {d} sigma values")
        self._sigma = np.array(settings.sigma)
        self._centers = np.empty((64, d))
        self._heights = np.empty(64)
        self._times = np.empty(64)
        self.n_hills = 0
        self._grid = None
        if settings.grid_bins is not None:
            self._grid = _Grid(settings.grid_min, settings.grid_max, settings.grid_bins, self.periods)
        self.hills_path = Path(hills_path) if hills_path is not None else None
        if self.hills_path is not None:
            self.hills_path.write_text(hills_header(self.names, self.periods))

    @property
    def kT_bias_eV(self) -> float:
        """kB dT, the energy scale of the height tempering (inf for plain metadynamics)."""
        return KB_EV_PER_K * self.settings.delta_T_K

    def _points(self, s) -> tuple[np.ndarray, bool]:
        s = np.asarray(s, dtype=float)
        single = s.ndim <= 1
        pts = s.reshape(1, -1) if single else s
        if pts.shape[1] != self.settings.ncv:
            raise SimulationConfigError(f"metadynamics: {pts.shape[1]} CV values for {self.settings.ncv} CVs")
        return pts, single

    def evaluate(self, s) -> tuple[np.ndarray | float, np.ndarray]:
        """Bias V(s) (eV) and dV/ds.

        Parameters
        ----------
        s : array_like
            (d,) one point or (m, d) points.

        Returns
        -------
        V : float or numpy.ndarray
            Scalar for one point, (m,) otherwise.
        dV_ds : numpy.ndarray
            (d,) or (m, d).
        """
        pts, single = self._points(s)
        values = np.zeros(len(pts))
        grads = np.zeros(pts.shape)
        if self.n_hills:
            n = self.n_hills
            if self._grid is None:
                values, grads = gaussian_sum_at(self._centers[:n], self._sigma, self._heights[:n], pts, self.periods)
            else:
                inside = self._grid.inside(pts)
                if inside.any():
                    values[inside], grads[inside] = self._grid.interpolate(pts[inside])
                if not inside.all():
                    values[~inside], grads[~inside] = gaussian_sum_at(self._centers[:n], self._sigma,
                                                                      self._heights[:n], pts[~inside], self.periods)
        return (float(values[0]), grads[0]) if single else (values, grads)

    def next_heights(self, s) -> np.ndarray:
        """Heights (eV, as deposited) that hills at ``s`` would get now: h0 exp(-V(s) / (kB dT))."""
        pts, _ = self._points(s)
        h0 = self.settings.height_eV
        if self.settings.biasfactor is None:
            return np.full(len(pts), h0)
        v, _ = self.evaluate(pts)
        return h0 * np.exp(-np.maximum(v, 0.0) / self.kT_bias_eV)

    def deposit(self, s, time: float = 0.0) -> np.ndarray:
        """Deposit hills at ``s`` ((d,) or (m, d): m walkers at once, heights from the bias before).

        Parameters
        ----------
        s : array_like
            CV values.
        time : float
            Time for the HILLS file (fs).

        Returns
        -------
        numpy.ndarray
            (m,) deposited heights, eV.
        """
        pts, _ = self._points(s)
        heights = self.next_heights(pts)
        m, n = len(pts), self.n_hills
        if n + m > len(self._heights):
            cap = max(2 * len(self._heights), n + m)
            self._centers = np.resize(self._centers, (cap, pts.shape[1]))
            self._heights = np.resize(self._heights, cap)
            self._times = np.resize(self._times, cap)
        self._centers[n:n + m] = pts
        self._heights[n:n + m] = heights
        self._times[n:n + m] = time
        self.n_hills = n + m
        if self._grid is not None:
            self._grid.add(pts, self._sigma, heights)
        if self.hills_path is not None:
            biasf = 1.0 if self.settings.biasfactor is None else self.settings.biasfactor
            append_hills(self.hills_path, np.full(m, float(time)), pts, np.broadcast_to(self._sigma, pts.shape),
                         heights * self.settings.height_scale, np.full(m, biasf))
        return heights

    @property
    def hills(self) -> Hills:
        """The hills so far, heights as written to HILLS (rescaled in well-tempered runs)."""
        n = self.n_hills
        biasf = 1.0 if self.settings.biasfactor is None else self.settings.biasfactor
        return Hills(names=self.names, time=self._times[:n].copy(), centers=self._centers[:n].copy(),
                     sigmas=np.broadcast_to(self._sigma, (n, self.settings.ncv)).copy(),
                     heights=self._heights[:n] * self.settings.height_scale, biasf=np.full(n, biasf),
                     periods=self.periods)
