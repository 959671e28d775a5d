"""Free-energy surfaces from HILLS files (1D and 2D), and their figures.

``F(s) = -sum_k height_k prod_i exp(-(s_i - c_ki)^2 / (2 sigma_ki^2))``, shifted so that its minimum
is 0 (what PLUMED's ``sum_hills`` computes).

Why no gamma / (gamma - 1) factor: in a well-tempered run the bias converges to
``V = -(1 - 1/gamma) F``, so ``F = -gamma / (gamma - 1) V``; PLUMED writes each hill's height already
multiplied by ``gamma / (gamma - 1)`` (``MetaD::writeGaussian``), and seinet's
:class:`~seinet.simulate.bias.WellTemperedBias` does the same, so the sum of the written hills
is ``-F`` as it is. Files whose heights are the deposited bias heights (other codes, hand-made
files) need the factor: ``raw_heights=True`` multiplies each hill by ``biasf / (biasf - 1)`` from
its ``biasf`` column (1 for plain metadynamics, where ``F = -V``).

With diagonal widths each hill factorises, so the 2D sum on an n1 x n2 grid is the matrix product
``(G1 * h)^T G2`` (:func:`seinet.simulate.hills.gaussian_sum`).

The energy unit is the file's: eV for seinet and for PLUMED with ``UNITS ENERGY=eV`` (seinet's
plumed.dat), kJ/mol for PLUMED's default; give ``energy_unit`` accordingly.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import SimulationConfigError
from .hills import Hills, gaussian_sum, read_hills

__all__ = ["FreeEnergySurface", "free_energy_surface", "plot_fes", "write_fes"]


@dataclass(frozen=True)
class FreeEnergySurface:
    """A free-energy surface on a grid.

    Attributes
    ----------
    names : tuple of str
        CV names.
    axes : tuple of numpy.ndarray
        Grid of each CV.
    values : numpy.ndarray
        Free energy, minimum 0, shape (len(axes[0]),) or (len(axes[0]), len(axes[1])).
    energy_unit : str
    n_hills : int
        Hills summed.
    """

    names: tuple[str, ...]
    axes: tuple[np.ndarray, ...]
    values: np.ndarray
    energy_unit: str = "eV"
    n_hills: int = 0

    @property
    def column(self) -> str:
        """Name of the free-energy column: ``free_energy_<unit>`` (``/`` becomes ``_``)."""
        return "free_energy_" + re.sub(r"[^A-Za-z0-9]+", "_", self.energy_unit).strip("_")

    def at(self, points) -> np.ndarray:
        """Free energy interpolated (linearly) at ``points``: scalars for 1D, (m, 2) for 2D."""
        if len(self.axes) == 1:
            return np.interp(points, self.axes[0], self.values)
        from scipy.interpolate import RegularGridInterpolator

        return RegularGridInterpolator(self.axes, self.values)(np.atleast_2d(points))

    def to_dataframe(self):
        """Tidy table: one column per CV, then the free energy column (:attr:`column`)."""
        import pandas as pd

        mesh = np.meshgrid(*self.axes, indexing="ij")
        cols = {name: m.reshape(-1) for name, m in zip(self.names, mesh)}
        cols[self.column] = self.values.reshape(-1)
        return pd.DataFrame(cols)


def _default_axis(hills: Hills, i: int, bins: int, extent, period) -> np.ndarray:
    if period is not None:
        lo, hi = extent if extent is not None else period
        return lo + (hi - lo) * np.arange(bins) / bins
    if extent is not None:
        lo, hi = extent
    else:
        pad = 3.0 * hills.sigmas[:, i].max()
        lo, hi = hills.centers[:, i].min() - pad, hills.centers[:, i].max() + pad
    return np.linspace(lo, hi, bins + 1)


def free_energy_surface(hills: Hills | str | os.PathLike, *, bins=200, extent=None, axes=None,
                        raw_heights: bool = False, periods=None, until_time: float | None = None,
                        energy_unit: str = "eV") -> FreeEnergySurface:
    """Free energy from metadynamics hills: minus the sum of hills, minimum 0.

    Parameters
    ----------
    hills : Hills or path
        Hills, or a HILLS file (:func:`~seinet.simulate.hills.read_hills`); 1 or 2 CVs.
    bins : int or tuple of int
        Bins per CV (bins + 1 points for a non-periodic CV, bins for a periodic one).
    extent : sequence of (min, max), optional
        Grid range per CV; default: the hill centres +- 3 sigma, or the period.
    axes : sequence of array_like, optional
        Explicit grids (override ``bins`` and ``extent``).
    raw_heights : bool
        The file's heights are deposited heights, not PLUMED's rescaled ones: multiply each by
        biasf / (biasf - 1) (module notes). False for PLUMED and seinet files.
    periods : sequence, optional
        Per CV (min, max) or None; overrides the file's ``#! SET min_/max_`` lines.
    until_time : float, optional
        Sum only the hills deposited up to this time (convergence checks).
    energy_unit : str
        Unit of the heights.

    Returns
    -------
    FreeEnergySurface

    Raises
    ------
    SimulationConfigError
        No hills, more than two CVs, or mismatched options.

    Notes
    -----
    O(n sum_i n_i) exponentials and O(n prod_i n_i) multiply-adds for n hills.
    """
    if not isinstance(hills, Hills):
        hills = read_hills(hills)
    if until_time is not None:
        hills = hills.select(hills.time <= until_time)
    d = hills.ncv
    if len(hills) == 0:
        raise SimulationConfigError("free energy surface: no hills")
    if d > 2:
        raise SimulationConfigError(f"free energy surface: {d} CVs; 1D and 2D only")
    periods = tuple(periods) if periods is not None else hills.periods
    if len(periods) != d:
        raise SimulationConfigError(f"free energy surface: {len(periods)} periods for {d} CVs")
    if axes is None:
        bins_t = tuple(int(b) for b in np.broadcast_to(np.asarray(bins), (d,)))
        extents = list(extent) if extent is not None else [None] * d
        if len(extents) != d or min(bins_t) < 2:
            raise SimulationConfigError("free energy surface: one extent per CV and bins >= 2")
        axes = [_default_axis(hills, i, bins_t[i], extents[i], periods[i]) for i in range(d)]
    axes = tuple(np.asarray(a, dtype=float) for a in axes)
    if len(axes) != d:
        raise SimulationConfigError(f"free energy surface: {len(axes)} axes for {d} CVs")
    heights = hills.heights
    if raw_heights:
        b = hills.biasf
        heights = heights * np.where(b > 1.0, b / np.where(b > 1.0, b - 1.0, 1.0), 1.0)
    values = -gaussian_sum(hills.centers, hills.sigmas, heights, axes, periods)
    values -= values.min()
    return FreeEnergySurface(names=hills.names, axes=axes, values=values, energy_unit=energy_unit,
                             n_hills=len(hills))


def plot_fes(fes: FreeEnergySurface, path: str | os.PathLike | None = None, *, kT: float | None = None,
             levels: int = 20, title: str = ""):
    """Figure of a free-energy surface: a curve (1D) or filled contours with a colour bar (2D).

    Parameters
    ----------
    fes : FreeEnergySurface
    path : path, optional
        Save the figure there (format from the suffix, 150 dpi).
    kT : float, optional
        Energy of kB T in the surface's unit: plot F / kT.
    levels : int
        Contour levels (2D).
    title : str

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.figure import Figure

    scale, unit = (1.0 / kT, "kT") if kT else (1.0, fes.energy_unit)
    fig = Figure(figsize=(5.0, 3.6) if len(fes.axes) == 1 else (5.2, 4.2))
    ax = fig.add_subplot(1, 1, 1)
    if len(fes.axes) == 1:
        ax.plot(fes.axes[0], fes.values * scale, color="C0", lw=1.5)
        ax.set_xlabel(fes.names[0])
        ax.set_ylabel(f"free energy ({unit})")
        ax.grid(alpha=0.3)
    else:
        x, y = fes.axes
        cs = ax.contourf(x, y, fes.values.T * scale, levels=levels, cmap="viridis")
        ax.contour(x, y, fes.values.T * scale, levels=levels, colors="k", linewidths=0.3)
        fig.colorbar(cs, ax=ax, label=f"free energy ({unit})")
        ax.set_xlabel(fes.names[0])
        ax.set_ylabel(fes.names[1])
    if title:
        ax.set_title(title)
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=150)
    return fig


def write_fes(hills_path: str | os.PathLike, out: str | os.PathLike, *, bins=200, raw_heights: bool = False,
              energy_unit: str = "eV", temperature_K: float | None = None) -> FreeEnergySurface:
    """Free energy of a HILLS file into ``out``: ``fes.csv`` and ``fes.png``.

    Parameters
    ----------
    hills_path : path
        HILLS file.
    out : path
        Directory (created).
    bins, raw_heights, energy_unit
        As in :func:`free_energy_surface`.
    temperature_K : float, optional
        Plot in units of kB T (eV files only).

    Returns
    -------
    FreeEnergySurface
    """
    from .bias import KB_EV_PER_K

    fes = free_energy_surface(hills_path, bins=bins, raw_heights=raw_heights, energy_unit=energy_unit)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    fes.to_dataframe().to_csv(out / "fes.csv", index=False, float_format="%.8g")
    kT = KB_EV_PER_K * temperature_K if (temperature_K and fes.energy_unit == "eV") else None
    plot_fes(fes, out / "fes.png", kT=kT, title=Path(hills_path).name)
    return fes
