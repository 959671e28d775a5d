"""Mean first-passage times of the largest-cluster size and what they say about nucleation.

Input is the size of the largest crystalline cluster, ``n_max(t)``, of several independent
replica runs started from the same (metastable) state. The *first-passage time* of a run to a
threshold ``n`` is the first time at which ``n_max(t) >= n``; its mean over runs is the mean
first-passage time (MFPT) ``tau(n)``.

For a barrier of a few kT or more, ``tau(n)`` is a sigmoid (Wedekind, Strey, Reguera,
*J. Chem. Phys.* 126, 134103 (2007)):

.. math:: \\tau(n) = \\frac{\\tau_J}{2} \\left[1 + \\mathrm{erf}\\left(Z \\sqrt{\\pi}\\,(n - n^*)\\right)\\right],

with ``tau_J`` the nucleation time (the rate per volume is ``J = 1 / (tau_J V)``), ``n*`` the
critical size (the inflection point) and ``Z`` the Zeldovich factor.

The same runs also give the free-energy profile without any equilibrium sampling (Wedekind,
Reguera, *J. Phys. Chem. B* 112, 11060 (2008)). Cut every run at its first passage to an
absorbing size ``b`` and histogram the visited sizes into the stationary distribution
``P_st(n)`` (normalised on ``[a, b]``, ``a`` the reflecting lower end). Then

.. math:: B(n) = \\frac{1}{P_{st}(n)} \\left[\\int_a^n P_{st}(n')\\,dn' - \\frac{\\tau(n)}{\\tau(b)}\\right],
          \\qquad
          \\beta \\Delta G(n) = \\ln B(n) - \\int^n \\frac{dn'}{B(n')} + C.

The bracket equals ``(tau(b) - tau(n)) / tau(b) - integral_n^b P_st`` since ``P_st`` is
normalised; it is positive. For a Smoluchowski process with attachment coefficient ``D(n)``,
``B(n) = D(n) dtau/dn = exp(beta G(n)) integral_a^n exp(-beta G)``, which is where both
formulas come from (the second is the derivative of ``ln`` of that integral); the
attachment coefficient itself is ``D(n) = B(n) / (dtau/dn)``.

Censoring. A run that never reaches ``n`` within its length has no first-passage time to
``n``: it is right-censored. :func:`mfpt_curve` uses the standard estimator, the mean over the
runs that reached ``n``, and reports for every threshold how many did
(``n_runs_reached``). When some runs are censored that mean is biased low (the slowest runs
are the ones missing), so :func:`fit_mfpt` by default fits only thresholds reached by at
least half of the runs and logs a warning whenever a fitted threshold is censored at all.
:func:`reconstruct_barrier` uses only the runs that reach ``b``.

Times are in whatever unit the input uses (``time_ps`` by convention); sizes are numbers of
ions (or formula units) as the caller counts them.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import SeinetError

__all__ = [
    "MFPTError",
    "MFPTCurve",
    "MFPTFit",
    "KineticBarrier",
    "MFPTResult",
    "as_runs",
    "first_passage_times",
    "mfpt_curve",
    "mfpt_model",
    "fit_mfpt",
    "reconstruct_barrier",
    "analyze_mfpt",
]

logger = logging.getLogger(__name__)

#: 1 nm^-3 ps^-1 in m^-3 s^-1.
_NM3_PS_TO_M3_S = 1e27 * 1e12

Run = tuple[np.ndarray, np.ndarray]


class MFPTError(SeinetError, ValueError):
    """The replica data cannot give a mean first-passage time, fit or barrier."""


# --------------------------------------------------------------------------------------------
# input
# --------------------------------------------------------------------------------------------
def as_runs(data, dt: float | None = None, run_col: str = "run", time_col: str = "time_ps",
            value_col: str = "n_max") -> list[Run]:
    """Normalise replica data into a list of ``(times, n_max)`` pairs starting at time 0.

    Parameters
    ----------
    data : pandas.DataFrame or sequence
        A long table with one row per (run, frame) and columns ``run_col``, ``time_col``,
        ``value_col``; or a sequence whose items are either 1-D arrays of ``n_max`` per frame
        (then ``dt`` is required) or ``(times, n_max)`` pairs.
    dt : float, optional
        Time between frames, for bare arrays.
    run_col, time_col, value_col : str
        Column names of a long table.

    Returns
    -------
    list of (ndarray, ndarray)
        Per run, float64 times measured from the run's first frame (sorted, increasing) and
        float64 sizes.

    Raises
    ------
    MFPTError
        No runs, a run without frames, lengths that differ, missing ``dt`` or columns, times
        that decrease.
    """
    runs: list[Run] = []
    if isinstance(data, pd.DataFrame):
        missing = [c for c in (run_col, time_col, value_col) if c not in data.columns]
        if missing:
            raise MFPTError(f"replica table lacks column(s) {missing}; it has {list(data.columns)}")
        for _, group in data.groupby(run_col, sort=True):
            group = group.sort_values(time_col, kind="stable")
            runs.append((group[time_col].to_numpy(float), group[value_col].to_numpy(float)))
    else:
        for k, item in enumerate(data):
            if isinstance(item, tuple) and len(item) == 2:
                t, n = (np.asarray(item[0], float), np.asarray(item[1], float))
            else:
                n = np.asarray(item, float)
                if dt is None:
                    raise MFPTError("runs given as bare n_max arrays need dt (time between frames)")
                t = np.arange(len(n), dtype=float) * float(dt)
            if t.shape != n.shape or t.ndim != 1:
                raise MFPTError(f"run {k}: times and n_max must be 1-D arrays of one length")
            runs.append((t, n))
    if not runs:
        raise MFPTError("no replica runs given")
    out = []
    for k, (t, n) in enumerate(runs):
        if len(t) == 0:
            raise MFPTError(f"run {k} has no frames")
        if np.any(np.diff(t) < 0):
            raise MFPTError(f"run {k}: times decrease; sort the frames by time")
        if not np.all(np.isfinite(n)):
            raise MFPTError(f"run {k}: n_max contains NaN or inf")
        out.append((t - t[0], n))
    return out


def first_passage_times(runs: Sequence[Run], thresholds) -> np.ndarray:
    """First time each run reaches each threshold.

    Parameters
    ----------
    runs : sequence of (times, n_max)
        As returned by :func:`as_runs`.
    thresholds : array_like (T,)
        Sizes ``n``; a run passes ``n`` at its first frame with ``n_max >= n``.

    Returns
    -------
    ndarray (R, T)
        First-passage times; NaN where the run never reached the threshold (right-censored).

    Notes
    -----
    The running maximum of each run is non-decreasing, so one ``searchsorted`` per run finds
    every threshold: O(sum of run lengths + R T log L).
    """
    thr = np.asarray(thresholds, dtype=float)
    out = np.full((len(runs), len(thr)), np.nan)
    for r, (t, n) in enumerate(runs):
        running = np.maximum.accumulate(n)
        idx = np.searchsorted(running, thr, side="left")
        ok = idx < len(n)
        out[r, ok] = t[idx[ok]]
    return out


# --------------------------------------------------------------------------------------------
# MFPT curve
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MFPTCurve:
    """Mean first-passage time of the largest cluster to each size threshold.

    Attributes
    ----------
    thresholds : ndarray (T,)
        Sizes ``n``.
    tau : ndarray (T,)
        Mean first-passage time over the runs that reached ``n`` (NaN if none did).
    tau_sem : ndarray (T,)
        Standard error of that mean (NaN with fewer than two runs).
    n_reached : ndarray of int (T,)
        Runs that reached ``n``; the others are right-censored.
    n_runs : int
        Number of runs.
    """

    thresholds: np.ndarray
    tau: np.ndarray
    tau_sem: np.ndarray
    n_reached: np.ndarray
    n_runs: int

    @property
    def fraction_reached(self) -> np.ndarray:
        """Fraction of runs that reached each threshold."""
        return self.n_reached / self.n_runs

    def to_dataframe(self) -> pd.DataFrame:
        """Columns ``n``, ``tau_ps``, ``tau_sem_ps``, ``n_runs_reached``, ``n_runs``, ``fraction_reached``."""
        return pd.DataFrame({
            "n": self.thresholds,
            "tau_ps": self.tau,
            "tau_sem_ps": self.tau_sem,
            "n_runs_reached": self.n_reached.astype(np.int64),
            "n_runs": np.full(len(self.thresholds), self.n_runs, dtype=np.int64),
            "fraction_reached": self.fraction_reached,
        })


def _default_thresholds(runs: Sequence[Run]) -> np.ndarray:
    start = min(float(n[0]) for _, n in runs)
    top = max(float(n.max()) for _, n in runs)
    integral = all(np.all(n == np.round(n)) for _, n in runs)
    if integral:
        lo = int(math.floor(start)) + 1
        return np.arange(lo, int(top) + 1, dtype=float) if top >= lo else np.array([top])
    return np.linspace(start, top, 101)[1:]


def mfpt_curve(runs, thresholds=None, dt: float | None = None) -> MFPTCurve:
    """Mean first-passage time ``tau(n)`` over replica runs.

    Parameters
    ----------
    runs : DataFrame or sequence
        Anything :func:`as_runs` accepts.
    thresholds : array_like, optional
        Sizes ``n``. Default: every integer above the smallest starting size up to the
        largest size seen when the data are integers, else 100 evenly spaced values.
    dt : float, optional
        Frame spacing for bare arrays (see :func:`as_runs`).

    Returns
    -------
    MFPTCurve

    Notes
    -----
    Runs that never reach ``n`` are right-censored and left out of the mean at ``n``; the
    count of runs that did is reported (module docstring). O(sum of run lengths + R T log L).
    """
    runs = as_runs(runs, dt=dt)
    thr = _default_thresholds(runs) if thresholds is None else np.asarray(thresholds, float)
    if thr.ndim != 1 or len(thr) == 0:
        raise MFPTError("thresholds must be a non-empty 1-D array")
    fpt = first_passage_times(runs, thr)
    reached = np.isfinite(fpt)
    n_reached = reached.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        total = np.where(reached, fpt, 0.0).sum(axis=0)
        tau = np.where(n_reached > 0, total / np.maximum(n_reached, 1), np.nan)
        dev = np.where(reached, (fpt - tau) ** 2, 0.0).sum(axis=0)
        var = np.where(n_reached > 1, dev / np.maximum(n_reached - 1, 1), np.nan)
        sem = np.sqrt(var / np.maximum(n_reached, 1))
    return MFPTCurve(thr, tau, sem, n_reached.astype(np.int64), len(runs))


# --------------------------------------------------------------------------------------------
# fit
# --------------------------------------------------------------------------------------------
def mfpt_model(n, tau_j: float, n_star: float, zeldovich: float):
    """Wedekind-Strey-Reguera MFPT sigmoid ``tau_J / 2 [1 + erf(Z sqrt(pi) (n - n*))]``."""
    from scipy.special import erf

    return 0.5 * tau_j * (1.0 + erf(zeldovich * math.sqrt(math.pi) * (np.asarray(n, float) - n_star)))


@dataclass(frozen=True)
class MFPTFit:
    """Fit of the MFPT sigmoid.

    Attributes
    ----------
    tau_j, tau_j_err : float
        Nucleation time and its standard error (time unit of the input, ps by convention).
    n_star, n_star_err : float
        Critical size (inflection point of ``tau(n)``) and its standard error.
    zeldovich, zeldovich_err : float
        Zeldovich factor ``Z`` (per size unit) and its standard error.
    volume_nm3 : float or None
        Volume the rate refers to.
    rate, rate_err : float or None
        ``J = 1 / (tau_J V)`` in nm^-3 ps^-1 (None without a volume).
    n_range : tuple of float
        Smallest and largest threshold fitted.
    n_points : int
        Number of thresholds fitted.
    rmse : float
        Root-mean-square residual of the fit (time unit).
    covariance : ndarray (3, 3)
        Parameter covariance (tau_J, n*, Z) from ``scipy.optimize.curve_fit``.
    """

    tau_j: float
    tau_j_err: float
    n_star: float
    n_star_err: float
    zeldovich: float
    zeldovich_err: float
    volume_nm3: float | None
    rate: float | None
    rate_err: float | None
    n_range: tuple[float, float]
    n_points: int
    rmse: float
    covariance: np.ndarray = field(repr=False)

    @property
    def rate_m3_s(self) -> float | None:
        """``J`` in m^-3 s^-1 (assuming times in ps and the volume in nm^3)."""
        return None if self.rate is None else self.rate * _NM3_PS_TO_M3_S

    def to_dict(self) -> dict:
        """JSON-ready dictionary with units in the keys."""
        return {
            "tau_J_ps": self.tau_j, "tau_J_err_ps": self.tau_j_err,
            "n_star": self.n_star, "n_star_err": self.n_star_err,
            "zeldovich": self.zeldovich, "zeldovich_err": self.zeldovich_err,
            "volume_nm3": self.volume_nm3,
            "rate_per_nm3_ps": self.rate, "rate_err_per_nm3_ps": self.rate_err,
            "rate_per_m3_s": self.rate_m3_s,
            "fit_n_min": self.n_range[0], "fit_n_max": self.n_range[1],
            "fit_n_points": self.n_points, "rmse_ps": self.rmse,
        }


def fit_mfpt(curve: MFPTCurve, n_range: tuple[float, float] | None = None,
             volume_nm3: float | None = None, min_fraction_reached: float = 0.5,
             weighted: bool = False, p0: tuple[float, float, float] | None = None) -> MFPTFit:
    """Fit ``tau(n) = tau_J/2 [1 + erf(Z sqrt(pi) (n - n*))]`` to an MFPT curve.

    Parameters
    ----------
    curve : MFPTCurve
        From :func:`mfpt_curve`.
    n_range : (float, float), optional
        Thresholds to fit, inclusive. Default: all. Past the plateau ``tau(n)`` keeps rising
        slowly with the post-critical growth time; cut it off if that tail is long.
    volume_nm3 : float, optional
        Simulation volume for the rate ``J = 1 / (tau_J V)``.
    min_fraction_reached : float, optional
        Thresholds reached by a smaller fraction of the runs are not fitted (censoring bias).
    weighted : bool, optional
        Weight points by ``1 / tau_sem`` (absolute). Default unweighted, as in Wedekind et al.:
        the standard errors at small ``n`` are tiny and would dominate.
    p0 : (tau_J, n*, Z), optional
        Start values. Default from the curve: plateau, half-height crossing, slope there.

    Returns
    -------
    MFPTFit

    Raises
    ------
    MFPTError
        Fewer than four usable thresholds, or the fit does not converge.

    Notes
    -----
    Standard errors are the square roots of the diagonal of ``curve_fit``'s covariance
    (scaled by the residual variance when unweighted). They ignore the correlation between
    thresholds of one run, so they are a lower bound; bootstrap the runs for a stricter one.
    """
    from scipy.optimize import curve_fit

    x, y, s = curve.thresholds, curve.tau, curve.tau_sem
    keep = np.isfinite(y) & (curve.fraction_reached >= min_fraction_reached)
    if n_range is not None:
        keep &= (x >= n_range[0]) & (x <= n_range[1])
    if weighted:
        keep &= np.isfinite(s) & (s > 0)
    if keep.sum() < 4:
        raise MFPTError(f"only {int(keep.sum())} usable thresholds for the MFPT fit (need 4); "
                        "more runs, longer runs, or a wider n_range")
    censored = keep & (curve.n_reached < curve.n_runs)
    if censored.any():
        logger.warning("%d fitted thresholds are right-censored (some runs never reached them); "
                       "tau there is biased low", int(censored.sum()))
    x, y, s = x[keep], y[keep], s[keep]
    if p0 is None:
        tau_j0 = float(np.nanmax(y))
        half = np.nonzero(y >= 0.5 * tau_j0)[0][0]
        n0 = float(x[half])
        slope = np.gradient(y, x)[half] if len(x) > 1 else tau_j0
        z0 = float(max(slope / tau_j0, 1e-3 / max(np.ptp(x), 1e-12)))
        p0 = (tau_j0, n0, z0)
    try:
        popt, pcov = curve_fit(mfpt_model, x, y, p0=p0, sigma=s if weighted else None,
                               absolute_sigma=weighted, maxfev=20000)
    except (RuntimeError, ValueError) as exc:
        raise MFPTError(f"MFPT fit did not converge: {exc}") from exc
    err = np.sqrt(np.clip(np.diag(pcov), 0, np.inf))
    tau_j, n_star, z = (float(v) for v in popt)
    z = abs(z)
    rate = rate_err = None
    if volume_nm3 is not None:
        if volume_nm3 <= 0:
            raise MFPTError(f"volume_nm3 must be positive, got {volume_nm3}")
        rate = 1.0 / (tau_j * volume_nm3)
        rate_err = rate * float(err[0]) / tau_j
    resid = y - mfpt_model(x, *popt)
    return MFPTFit(tau_j, float(err[0]), n_star, float(err[1]), z, float(err[2]), volume_nm3, rate,
                   rate_err, (float(x[0]), float(x[-1])), int(len(x)),
                   float(np.sqrt(np.mean(resid ** 2))), pcov)


# --------------------------------------------------------------------------------------------
# barrier
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class KineticBarrier:
    """Free-energy profile from MFPT and the stationary distribution (Wedekind & Reguera 2008).

    Attributes
    ----------
    n : ndarray (K,)
        Bin centres (sizes).
    p_st : ndarray (K,)
        Stationary distribution, normalised on ``[a, b]``.
    tau : ndarray (K,)
        MFPT to each bin centre over the runs used.
    b_coef : ndarray (K,)
        ``B(n)``; NaN where it is not positive (noise at the very first bins).
    attachment : ndarray (K,)
        ``D(n) = B(n) / (dtau/dn)`` (size^2 per time unit).
    beta_dg : ndarray (K,)
        ``beta Delta G(n)`` in kT, zero at its minimum; NaN where ``B`` is.
    barrier_kt : float
        Maximum of ``beta Delta G`` minus the minimum to its left.
    n_star : float
        Size at the maximum.
    a, b : float
        Reflecting lower end and absorbing size.
    tau_b : float
        MFPT to ``b``.
    n_runs_used : int
        Runs that reached ``b`` (the others are left out).
    """

    n: np.ndarray
    p_st: np.ndarray
    tau: np.ndarray
    b_coef: np.ndarray
    attachment: np.ndarray
    beta_dg: np.ndarray
    barrier_kt: float
    n_star: float
    a: float
    b: float
    tau_b: float
    n_runs_used: int

    def to_dataframe(self) -> pd.DataFrame:
        """Columns ``n``, ``p_st``, ``tau_ps``, ``B``, ``D_per_ps``, ``beta_dG_kT``."""
        return pd.DataFrame({"n": self.n, "p_st": self.p_st, "tau_ps": self.tau, "B": self.b_coef,
                             "D_per_ps": self.attachment, "beta_dG_kT": self.beta_dg})

    def to_dict(self) -> dict:
        """Scalar summary (the profile itself is :meth:`to_dataframe`)."""
        return {"barrier_kT": self.barrier_kt, "n_star_barrier": self.n_star, "a": self.a,
                "b": self.b, "tau_b_ps": self.tau_b, "n_runs_used": self.n_runs_used}


def _inverse_integral(x: np.ndarray, bv: np.ndarray) -> np.ndarray:
    """``integral dx / B`` over each grid interval for ``B`` linear in between.

    Exact for linear ``B``: ``dx ln(B1/B0) / (B1 - B0)``. Near the reflecting end ``B`` grows
    like ``n - a``, where the trapezoid rule overestimates the integral by tenths of kT.
    """
    dx = np.diff(x)
    b0, b1 = bv[:-1], bv[1:]
    db = b1 - b0
    with np.errstate(invalid="ignore", divide="ignore"):
        exact = dx * (np.log(b1) - np.log(b0)) / db
    close = np.abs(db) <= 1e-9 * np.maximum(b0, b1)
    return np.where(close, dx / (0.5 * (b0 + b1)), exact)


def reconstruct_barrier(runs, b: float, a: float | None = None, bin_width: float = 1.0,
                        dt: float | None = None) -> KineticBarrier:
    """Reconstruct ``beta Delta G(n)`` from replica runs absorbed at ``b``.

    Parameters
    ----------
    runs : DataFrame or sequence
        Anything :func:`as_runs` accepts.
    b : float
        Absorbing size, well past the barrier top (where ``tau(n)`` has reached its plateau).
    a : float, optional
        Reflecting lower end; default the smallest size any used run visits. With integer
        sizes and ``bin_width=1`` the bins are centred on the integers.
    bin_width : float, optional
        Histogram bin width in size units.
    dt : float, optional
        Frame spacing for bare arrays.

    Returns
    -------
    KineticBarrier

    Raises
    ------
    MFPTError
        No run reaches ``b`` or fewer than three populated bins.

    Notes
    -----
    Each run that reaches ``b`` is cut at its first passage; runs that never reach ``b``
    are dropped (their count is logged). ``P_st`` is the histogram of all kept frames,
    ``integral_a^n P_st`` is taken at the bin centres (half of the bin itself) and ``tau(n)``
    is the MFPT to the bin centre over the kept runs. Formulas in the module docstring.
    The constant is fixed by setting the minimum of ``beta Delta G`` to zero.
    O(total frames + K R log L).
    """
    runs = as_runs(runs, dt=dt)
    if bin_width <= 0:
        raise MFPTError(f"bin_width must be positive, got {bin_width}")
    kept: list[Run] = []
    for t, n in runs:
        hit = np.nonzero(n >= b)[0]
        if len(hit):
            kept.append((t[: hit[0] + 1], n[: hit[0] + 1]))
    if not kept:
        raise MFPTError(f"no run reaches the absorbing size b = {b}")
    if len(kept) < len(runs):
        logger.warning("%d of %d runs never reach b = %g and are left out of the barrier",
                       len(runs) - len(kept), len(runs), b)
    tau_b = float(np.mean([t[-1] for t, _ in kept]))
    visited = np.concatenate([n[:-1] for _, n in kept])
    if a is None:
        a = float(visited.min())
        integral = all(np.all(n == np.round(n)) for _, n in kept)
        if integral:
            a -= 0.5 * bin_width
    edges = np.arange(a, b + 0.5 * bin_width, bin_width)
    if edges[-1] > b:
        edges = edges[:-1]
    if len(edges) < 4:
        raise MFPTError(f"fewer than three bins between a = {a} and b = {b}")
    counts, _ = np.histogram(visited, bins=edges)
    widths = np.diff(edges)
    p = counts / (counts.sum() * widths)
    centres = 0.5 * (edges[:-1] + edges[1:])
    cum = np.cumsum(p * widths) - 0.5 * p * widths
    fpt = first_passage_times(kept, centres)
    tau = np.nanmean(np.where(np.isfinite(fpt), fpt, np.nan), axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        bcoef = (cum - tau / tau_b) / p
    valid = (p > 0) & np.isfinite(bcoef) & (bcoef > 0)
    if valid.sum() < 3:
        raise MFPTError("fewer than three bins with a positive B(n); more runs or wider bins")
    bcoef = np.where(valid, bcoef, np.nan)
    x, bv = centres[valid], bcoef[valid]
    g = np.log(bv) - np.concatenate([[0.0], np.cumsum(_inverse_integral(x, bv))])
    top = int(np.argmax(g))
    g = g - g.min()
    barrier = float(g[top] - g[: top + 1].min())
    beta_dg = np.full(len(centres), np.nan)
    beta_dg[valid] = g
    with np.errstate(invalid="ignore", divide="ignore"):
        dtau = np.gradient(tau, centres)
        attach = np.where(valid, bcoef / dtau, np.nan)
    return KineticBarrier(centres, p, tau, bcoef, attach, beta_dg, barrier, float(x[top]), float(a),
                          float(b), tau_b, len(kept))


# --------------------------------------------------------------------------------------------
# all together
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MFPTResult:
    """MFPT curve, its sigmoid fit and (optionally) the reconstructed barrier.

    Attributes
    ----------
    curve : MFPTCurve
    fit : MFPTFit or None
        None when the fit failed (the reason is in ``fit_error``).
    barrier : KineticBarrier or None
        None unless an absorbing size was given and some run reached it.
    fit_error : str or None
    """

    curve: MFPTCurve
    fit: MFPTFit | None
    barrier: KineticBarrier | None
    fit_error: str | None = None

    def to_dataframe(self) -> pd.DataFrame:
        """The MFPT curve with the fitted model (``tau_fit_ps``) beside it."""
        df = self.curve.to_dataframe()
        if self.fit is not None:
            df["tau_fit_ps"] = mfpt_model(df["n"].to_numpy(), self.fit.tau_j, self.fit.n_star,
                                          self.fit.zeldovich)
        return df

    def to_dict(self) -> dict:
        """JSON-ready summary (fit parameters, barrier scalars, run counts)."""
        return {
            "n_runs": self.curve.n_runs,
            "n_runs_reached_max_threshold": int(self.curve.n_reached[-1]),
            "fit": None if self.fit is None else self.fit.to_dict(),
            "fit_error": self.fit_error,
            "barrier": None if self.barrier is None else self.barrier.to_dict(),
        }


def analyze_mfpt(runs, thresholds=None, b: float | None = None, dt: float | None = None,
                 volume_nm3: float | None = None, n_range: tuple[float, float] | None = None,
                 bin_width: float = 1.0, min_fraction_reached: float = 0.5) -> MFPTResult:
    """MFPT curve, sigmoid fit and kinetic barrier of replica runs in one call.

    Parameters
    ----------
    runs : DataFrame or sequence
        Anything :func:`as_runs` accepts.
    thresholds : array_like, optional
        See :func:`mfpt_curve`.
    b : float, optional
        Absorbing size for :func:`reconstruct_barrier`; no barrier without it.
    dt, volume_nm3, n_range, bin_width, min_fraction_reached
        Passed on to :func:`as_runs`, :func:`fit_mfpt` and :func:`reconstruct_barrier`.

    Returns
    -------
    MFPTResult
        A failed fit is recorded in ``fit_error`` instead of raising.
    """
    runs = as_runs(runs, dt=dt)
    curve = mfpt_curve(runs, thresholds)
    fit, err = None, None
    try:
        fit = fit_mfpt(curve, n_range=n_range, volume_nm3=volume_nm3,
                       min_fraction_reached=min_fraction_reached)
    except MFPTError as exc:
        err = str(exc)
        logger.warning("MFPT fit failed: %s", exc)
    barrier = None
    if b is not None:
        barrier = reconstruct_barrier(runs, b=b, bin_width=bin_width)
    return MFPTResult(curve, fit, barrier, err)
