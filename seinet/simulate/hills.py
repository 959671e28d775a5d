"""PLUMED HILLS files: Gaussian hills of a metadynamics run, read, written and summed.

Format (PLUMED's ``METAD ... FILE=HILLS``, diagonal hills)::

    #! FIELDS time h cn sigma_h sigma_cn height biasf
    #! SET multivariate false
    #! SET kerneltype stretched-gaussian
    #! SET min_phi -pi            (periodic CVs only)
    #! SET max_phi pi
              10.0      2.10000      4.9000     0.10000     0.20000    0.01200       10

One line per hill: time, centre of every CV, width (standard deviation) of every CV, height, bias
factor. **Heights are written as PLUMED writes them**: in a well-tempered run PLUMED deposits
``w = h0 exp(-V(s) / (kB dT))`` (dT = T (gamma - 1)) but writes ``w gamma / (gamma - 1)``, so that the
free energy is minus the plain sum of the written hills, ``F(s) = -sum_k height_k g_k(s)``, with no
extra factor (PLUMED's ``MetaD::writeGaussian`` multiplies by ``biasf / (biasf - 1)`` and
``readGaussians`` divides it out again on restart). seinet's writer follows the same convention.

The reader takes files of PLUMED 2.x and of seinet: any ``#`` line other than ``#! FIELDS`` and
``#! SET`` is a comment, a repeated header (a restarted run appends one) is accepted when the fields
are the same, extra fields (``clock`` of multiple walkers) are ignored, and a truncated last line
(a run stopped while writing) is dropped with a warning. Multivariate (non-diagonal) hills are not
supported.

:func:`gaussian_sum` evaluates a sum of diagonal hills on a product grid: each hill factorises into
one-dimensional Gaussians, so in 2D the sum is the matrix product ``(G1 * h)^T G2``, O(n (n1 + n2) +
n n1 n2) multiply-adds in BLAS instead of n n1 n2 exponentials.
"""

from __future__ import annotations

import gzip
import io
import math
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .errors import SimulationError

__all__ = ["Hills", "HillsFormatError", "read_hills", "write_hills", "append_hills", "hills_header",
           "gaussian_sum", "gaussian_sum_at"]


class HillsFormatError(SimulationError):
    """A HILLS file cannot be read; the message names the file and the line."""


@dataclass(frozen=True)
class Hills:
    """Gaussian hills of a metadynamics run, as in a HILLS file.

    Attributes
    ----------
    names : tuple of str
        CV names (labels).
    time : numpy.ndarray
        (n,) deposition times, in the run's time unit (fs for seinet and for PLUMED with
        ``UNITS TIME=fs``; PLUMED's default is ps).
    centers, sigmas : numpy.ndarray
        (n, d) centres and widths (standard deviations).
    heights : numpy.ndarray
        (n,) heights as written (well-tempered: rescaled, see the module notes).
    biasf : numpy.ndarray
        (n,) bias factor column (1 for plain metadynamics).
    periods : tuple
        Per CV: (min, max) for a periodic CV, None otherwise.
    """

    names: tuple[str, ...]
    time: np.ndarray
    centers: np.ndarray
    sigmas: np.ndarray
    heights: np.ndarray
    biasf: np.ndarray
    periods: tuple[tuple[float, float] | None, ...] = field(default=())

    def __post_init__(self) -> None:
        d = len(self.names)
        object.__setattr__(self, "time", np.asarray(self.time, dtype=float).reshape(-1))
        n = len(self.time)
        object.__setattr__(self, "centers", np.asarray(self.centers, dtype=float).reshape(n, d))
        object.__setattr__(self, "sigmas", np.asarray(self.sigmas, dtype=float).reshape(n, d))
        object.__setattr__(self, "heights", np.asarray(self.heights, dtype=float).reshape(n))
        object.__setattr__(self, "biasf", np.broadcast_to(np.asarray(self.biasf, dtype=float), (n,)).copy())
        periods = tuple(self.periods) if self.periods else (None,) * d
        if len(periods) != d:
            raise HillsFormatError(f"hills: {len(periods)} periods for {d} CVs")
        object.__setattr__(self, "periods", tuple(None if p is None else (float(p[0]), float(p[1])) for p in periods))

    def __len__(self) -> int:
        return len(self.time)

    @property
    def ncv(self) -> int:
        """Number of CVs."""
        return len(self.names)

    def select(self, mask) -> "Hills":
        """The hills where ``mask`` (boolean or index array) holds."""
        return Hills(self.names, self.time[mask], self.centers[mask], self.sigmas[mask], self.heights[mask],
                     self.biasf[mask], self.periods)

    def to_dataframe(self):
        """Tidy table: ``time``, one column per CV, ``sigma_<cv>``, ``height``, ``biasf``."""
        import pandas as pd

        cols = {"time": self.time}
        cols.update({name: self.centers[:, i] for i, name in enumerate(self.names)})
        cols.update({f"sigma_{name}": self.sigmas[:, i] for i, name in enumerate(self.names)})
        cols.update({"height": self.heights, "biasf": self.biasf})
        return pd.DataFrame(cols)


def _fmt_bound(x: float) -> str:
    for k, text in ((1.0, "pi"), (-1.0, "-pi"), (2.0, "2*pi")):
        if x == k * math.pi:
            return text
    return repr(float(x))


def _parse_bound(text: str) -> float:
    t = text.strip().lower().replace(" ", "")
    sign = -1.0 if t.startswith("-") else 1.0
    t = t.lstrip("+-")
    if t.endswith("pi"):
        coef = t[:-2].rstrip("*")
        return sign * (float(coef) if coef else 1.0) * math.pi
    return sign * float(t)


def hills_header(names, periods=None) -> str:
    """The ``#!`` header lines of a HILLS file for CVs ``names`` (periods: (min, max) or None per CV)."""
    names = list(names)
    periods = list(periods) if periods is not None else [None] * len(names)
    lines = ["#! FIELDS time " + " ".join(names) + " " + " ".join(f"sigma_{n}" for n in names) + " height biasf",
             "#! SET multivariate false", "#! SET kerneltype stretched-gaussian"]
    for name, p in zip(names, periods):
        if p is not None:
            lines += [f"#! SET min_{name} {_fmt_bound(p[0])}", f"#! SET max_{name} {_fmt_bound(p[1])}"]
    return "\n".join(lines) + "\n"


def _hill_lines(time, centers, sigmas, heights, biasf) -> str:
    centers = np.asarray(centers, dtype=float)
    table = np.column_stack([time, centers, sigmas, heights, biasf])
    fmt = "%14.4f" + " %20.12g" * (2 * centers.shape[1] + 1) + " %10.6g"
    return "".join(fmt % tuple(row) + "\n" for row in table.tolist())


def write_hills(path: str | os.PathLike, hills: Hills) -> Path:
    """Write ``hills`` as a HILLS file (header and one line per hill); returns the path.

    Numbers are written with 12 significant digits, so a round trip through :func:`read_hills`
    keeps them to a relative 1e-11.
    """
    path = Path(path)
    with open(path, "w") as fh:
        fh.write(hills_header(hills.names, hills.periods))
        fh.write(_hill_lines(hills.time, hills.centers, hills.sigmas, hills.heights, hills.biasf))
    return path


def append_hills(path: str | os.PathLike, time, centers, sigmas, heights, biasf) -> None:
    """Append hill lines to an existing HILLS file (opened and closed per call: the file is complete after it)."""
    with open(path, "a") as fh:
        fh.write(_hill_lines(np.atleast_1d(time), np.atleast_2d(centers), np.atleast_2d(sigmas),
                             np.atleast_1d(heights), np.atleast_1d(biasf)))


def _open_text(path: Path):
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"))
    return open(path)


def read_hills(path: str | os.PathLike) -> Hills:
    """Read a PLUMED HILLS file (plain or ``.gz``).

    Parameters
    ----------
    path : path

    Returns
    -------
    Hills

    Raises
    ------
    HillsFormatError
        No ``#! FIELDS`` header, fields that are not HILLS fields, multivariate hills, a
        changed header, a malformed line other than the last.

    Notes
    -----
    O(lines). A truncated last line gives a :class:`UserWarning` and is dropped.
    """
    path = Path(path)
    if not path.is_file():
        raise HillsFormatError(f"{path}: no such HILLS file")
    fields: list[str] | None = None
    sets: dict[str, str] = {}
    rows: list[tuple[int, list[str]]] = []
    with _open_text(path) as fh:
        for number, raw in enumerate(fh, start=1):
            line = raw.strip()
            if not line:
                continue
            if line.startswith("#"):
                tokens = line.split()
                if len(tokens) >= 2 and tokens[0] == "#!" and tokens[1] == "FIELDS":
                    if fields is not None and tokens[2:] != fields:
                        raise HillsFormatError(f"{path}, line {number}: the FIELDS header changed within the file")
                    fields = tokens[2:]
                elif len(tokens) >= 4 and tokens[0] == "#!" and tokens[1] == "SET":
                    sets[tokens[2]] = " ".join(tokens[3:])
                continue
            if fields is None:
                raise HillsFormatError(f"{path}, line {number}: a hill before the '#! FIELDS' header")
            rows.append((number, line))
    if fields is None:
        raise HillsFormatError(f"{path}: no '#! FIELDS' header; not a PLUMED HILLS file")
    if "time" not in fields or "height" not in fields:
        raise HillsFormatError(f"{path}: the FIELDS header lacks time or height")
    first_sigma = next((i for i, f in enumerate(fields) if f.startswith("sigma_")), None)
    if first_sigma is None:
        raise HillsFormatError(f"{path}: the FIELDS header has no sigma_ columns")
    names = fields[fields.index("time") + 1:first_sigma]
    if sets.get("multivariate", "false").lower() == "true":
        raise HillsFormatError(f"{path}: multivariate (non-diagonal) hills are not supported")
    missing = [f"sigma_{n}" for n in names if f"sigma_{n}" not in fields]
    if not names or missing:
        raise HillsFormatError(f"{path}: FIELDS must name the CVs and sigma_<cv> for each "
                               f"(missing {', '.join(missing) or 'CVs'})")
    width = len(fields)
    tokens = [line.split() for _, line in rows]
    if tokens and len(tokens[-1]) != width:
        tokens.pop()
        warnings.warn(f"{path}, line {rows.pop()[0]}: truncated last hill dropped", UserWarning, stacklevel=2)
    bad = next((k for k, t in enumerate(tokens) if len(t) != width), None)
    if bad is not None:
        raise HillsFormatError(f"{path}, line {rows[bad][0]}: {len(tokens[bad])} fields, the header names {width}")
    if "height" not in fields[first_sigma:]:
        raise HillsFormatError(f"{path}: the FIELDS header has no height column after the sigma_ columns")
    numeric_cols = [fields.index(f) for f in ["time", *names, *[f"sigma_{n}" for n in names]]]
    numeric_cols.append(fields.index("height", first_sigma))
    if "biasf" in fields[first_sigma:]:
        numeric_cols.append(fields.index("biasf", first_sigma))
    table = np.array(tokens, dtype=str).reshape(len(tokens), width)[:, numeric_cols]
    try:
        data = table.astype(float)
    except ValueError:
        for k, row in enumerate(table):
            try:
                row.astype(float)
            except ValueError:
                raise HillsFormatError(f"{path}, line {rows[k][0]}: a field is not a number") from None
        raise  # pragma: no cover - astype failed on the whole table but on no row
    if "biasf" not in fields[first_sigma:]:
        data = np.column_stack([data, np.ones(len(data))])
    d = len(names)
    periods = []
    for name in names:
        lo, hi = sets.get(f"min_{name}"), sets.get(f"max_{name}")
        if lo is None or hi is None:
            periods.append(None)
            continue
        try:
            periods.append((_parse_bound(lo), _parse_bound(hi)))
        except ValueError:
            raise HillsFormatError(f"{path}: cannot read the period of {name} ({lo}, {hi})") from None
    return Hills(names=tuple(names), time=data[:, 0], centers=data[:, 1:1 + d], sigmas=data[:, 1 + d:1 + 2 * d],
                 heights=data[:, 1 + 2 * d], biasf=data[:, -1], periods=tuple(periods))


def _diff(x, c, period):
    d = x - c
    if period is not None:
        length = period[1] - period[0]
        d = d - length * np.round(d / length)
    return d


def gaussian_sum(centers, sigmas, heights, axes, periods=None, gradient: bool = False, chunk: int = 4096):
    """Sum of diagonal Gaussian hills on the product grid of ``axes``.

    ``V(x) = sum_k h_k prod_i exp(-(x_i - c_ki)^2 / (2 sigma_ki^2))``.

    Parameters
    ----------
    centers, sigmas : array_like
        (n, d) hill centres and widths.
    heights : array_like
        (n,) heights.
    axes : sequence of array_like
        d one-dimensional grids (d = 1, 2 or 3).
    periods : sequence, optional
        Per CV (min, max) or None; periodic differences take the nearest image.
    gradient : bool
        Also return the d partial derivatives on the grid.
    chunk : int
        Hills per block (bounds the memory to chunk x max(len(axis)) per dimension).

    Returns
    -------
    values : numpy.ndarray
        Shape (len(axes[0]), ..., len(axes[d-1])).
    gradients : list of numpy.ndarray
        Only with ``gradient=True``: dV/dx_i on the same grid.

    Notes
    -----
    Each hill factorises into 1D Gaussians ``G_i[k, j] = exp(-(x_ij - c_ki)^2 / (2 sigma_ki^2))``;
    the sum over hills is a tensor contraction, in 2D the matrix product ``(G_1 * h)^T G_2``.
    Cost: n sum_i len(axis_i) exponentials plus n prod_i len(axis_i) multiply-adds (BLAS).
    Gaussians are not truncated (PLUMED cuts them at 6.25 sigma^2 / 2 in the exponent, a
    difference below 2e-3 of a hill height far from its centre).
    """
    centers = np.asarray(centers, dtype=float)
    d = centers.shape[1] if centers.ndim == 2 else 1
    centers = centers.reshape(-1, d)
    sigmas = np.broadcast_to(np.asarray(sigmas, dtype=float), centers.shape)
    heights = np.broadcast_to(np.asarray(heights, dtype=float), (len(centers),))
    axes = [np.asarray(a, dtype=float).reshape(-1) for a in axes]
    if len(axes) != d or not 1 <= d <= 3:
        raise ValueError(f"gaussian_sum: {len(axes)} axes for {d} CVs (1 to 3 supported)")
    periods = list(periods) if periods is not None else [None] * d
    shape = tuple(len(a) for a in axes)
    values = np.zeros(shape)
    grads = [np.zeros(shape) for _ in range(d)] if gradient else []
    letters = "abc"[:d]
    spec = ",".join(f"k{letter}" for letter in letters) + "->" + letters
    for start in range(0, len(centers), chunk):
        sl = slice(start, start + chunk)
        c, s, h = centers[sl], sigmas[sl], heights[sl]
        diffs = [_diff(axes[i][None, :], c[:, i:i + 1], periods[i]) for i in range(d)]
        factors = [np.exp(-0.5 * (diffs[i] / s[:, i:i + 1]) ** 2) for i in range(d)]
        weighted = [factors[0] * h[:, None]] + factors[1:]
        values += np.einsum(spec, *weighted, optimize=True) if d > 1 else weighted[0].sum(axis=0)
        for i in range(d if gradient else 0):
            dfac = -factors[i] * diffs[i] / s[:, i:i + 1] ** 2
            ops = [dfac if j == i else factors[j] for j in range(d)]
            ops[0] = ops[0] * h[:, None]
            grads[i] += np.einsum(spec, *ops, optimize=True) if d > 1 else ops[0].sum(axis=0)
    return (values, grads) if gradient else values


def gaussian_sum_at(centers, sigmas, heights, points, periods=None, chunk: int = 8192):
    """Sum of diagonal Gaussian hills and its gradient at scattered points.

    Parameters
    ----------
    centers, sigmas : array_like
        (n, d).
    heights : array_like
        (n,).
    points : array_like
        (m, d) points.
    periods : sequence, optional
        Per CV (min, max) or None.
    chunk : int
        Hills per block.

    Returns
    -------
    values : numpy.ndarray
        (m,).
    gradients : numpy.ndarray
        (m, d).

    Notes
    -----
    O(m n d).
    """
    points = np.atleast_2d(np.asarray(points, dtype=float))
    centers = np.asarray(centers, dtype=float).reshape(-1, points.shape[1])
    sigmas = np.broadcast_to(np.asarray(sigmas, dtype=float), centers.shape)
    heights = np.asarray(heights, dtype=float).reshape(-1)
    d = points.shape[1]
    periods = list(periods) if periods is not None else [None] * d
    values = np.zeros(len(points))
    grads = np.zeros((len(points), d))
    for start in range(0, len(centers), chunk):
        sl = slice(start, start + chunk)
        diff = np.stack([_diff(points[:, None, i], centers[None, sl, i], periods[i]) for i in range(d)], axis=-1)
        z = diff / sigmas[None, sl, :]
        g = heights[None, sl] * np.exp(-0.5 * (z ** 2).sum(axis=-1))
        values += g.sum(axis=1)
        grads -= np.einsum("mk,mki->mi", g, z / sigmas[None, sl, :])
    return values, grads
