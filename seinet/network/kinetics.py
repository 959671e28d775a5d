"""Mass-action rate constants from counted reaction events, and an ODE model to replay them.

Units
-----
Concentrations are in mol/L (``M``), from molecule counts ``n`` and the mean cell volume
``V`` in Å^3: ``c = n / (N_A * V * 1e-27 L/Å^3)``. Time is in ps. A reaction of total
reactant order ``m`` (sum of stoichiometric coefficients of its reactants) has a rate
constant in ``M^(1-m) ps^-1``: ``ps^-1`` (first order), ``M^-1 ps^-1`` (second order),
``M^-2 ps^-1`` (third order), ``M ps^-1`` (zero order).

Estimator
---------
For a reaction with reactant multiset ``R`` (coefficients ``nu_r``) observed ``N_f`` times,
mass action says the expected number of events is ``N_A V ∫ k Π_r c_r(t)^nu_r dt``, so::

    k = N_f / (N_A V ∫ Π_r c_r(t)^nu_r dt)

The integral (the *exposure*, ``M^m ps``) is the trapezoid rule over the frames, spaced by
the frame interval. For first-order decay with exact exponential counts this recovers ``k``
up to the O((k dt)^2) trapezoid error. ``c^nu`` is the continuum form; for ``2A`` at low
counts the combinatorial ``n(n-1)`` would be slightly smaller. Reactions whose exposure is
zero (a reactant never present, a missing column, a single frame) get ``k = NaN``.
Reverse events (``reverse_count``) give ``k_reverse`` the same way from the products.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from .model import parse_reaction_key

__all__ = ["AVOGADRO", "LITRE_PER_A3", "molar_per_count", "rate_constant_units", "rate_constants",
           "KineticModel", "replay_error"]

logger = logging.getLogger(__name__)

#: Avogadro constant, 1/mol.
AVOGADRO = 6.02214076e23
#: Litres per cubic ångström.
LITRE_PER_A3 = 1e-27


def molar_per_count(volume_A3: float) -> float:
    """Concentration (mol/L) of one molecule in a cell of ``volume_A3`` Å^3."""
    if not volume_A3 or volume_A3 <= 0 or not math.isfinite(volume_A3):
        raise ValueError(f"cell volume must be a positive number of Å^3, got {volume_A3!r}")
    return 1.0 / (AVOGADRO * volume_A3 * LITRE_PER_A3)


def rate_constant_units(order: int) -> str:
    """Units of a rate constant of total reactant order ``order`` (``"M^-1 ps^-1"``, ...)."""
    power = 1 - int(order)
    if power == 0:
        return "ps^-1"
    if power == 1:
        return "M ps^-1"
    return f"M^{power} ps^-1"


def _times(counts: pd.DataFrame, dt_ps: float | None) -> np.ndarray:
    if dt_ps is not None:
        if not dt_ps > 0:
            raise ValueError(f"frame interval dt_ps must be positive, got {dt_ps!r}")
        return np.arange(len(counts), dtype=float) * float(dt_ps)
    if "time_ps" not in counts.columns:
        raise ValueError("species counts have no time_ps column; pass dt_ps (the frame interval)")
    return counts["time_ps"].to_numpy(dtype=float)


def _exposure(conc: Mapping, side, t: np.ndarray) -> float:
    """∫ Π c_r^nu_r dt by the trapezoid rule (0 when a species is absent)."""
    f = np.ones_like(t)
    for label, nu in side.items():
        c = conc.get(label)
        if c is None:
            return 0.0
        f = f * c ** nu
    if len(t) < 2:
        return 0.0
    return float(np.sum(0.5 * (f[1:] + f[:-1]) * np.diff(t)))


def rate_constants(reactions: pd.DataFrame, counts: pd.DataFrame, volume_A3: float,
                   dt_ps: float | None = None) -> pd.DataFrame:
    """Mass-action rate constants of every reaction.

    Parameters
    ----------
    reactions : DataFrame
        reactions.csv: reaction_key, forward_count and optionally reverse_count.
    counts : DataFrame
        species_counts: frame, time_ps, one column per species label.
    volume_A3 : float
        Mean cell volume in Å^3.
    dt_ps : float, optional
        Frame interval in ps; when omitted the ``time_ps`` column is used.

    Returns
    -------
    DataFrame
        ``reactions`` plus ``order``, ``exposure`` (M^order ps), ``k``, ``k_units``,
        ``reverse_order``, ``reverse_exposure``, ``k_reverse``, ``k_reverse_units``.
        ``k`` is NaN where the exposure is zero. ``attrs`` holds ``volume_A3`` and
        ``dt_ps`` for :class:`KineticModel`.

    Notes
    -----
    O(R * m * F) for R reactions of at most m reactants and F frames.
    """
    t = _times(counts, dt_ps)
    scale = molar_per_count(volume_A3)
    conc = {c: counts[c].to_numpy(dtype=float) * scale for c in counts.columns if c not in ("frame", "time_ps")}
    rows = []
    for _, row in reactions.iterrows():
        reactants, products = parse_reaction_key(row["reaction_key"])
        out = {}
        for prefix, side, col in (("", reactants, "forward_count"), ("reverse_", products, "reverse_count")):
            n_events = float(row[col]) if col in row.index and pd.notna(row[col]) else 0.0
            order = int(sum(side.values()))
            exposure = _exposure(conc, side, t)
            k = n_events * scale / exposure if exposure > 0 else math.nan
            out[f"{prefix}order"] = order
            out[f"{prefix}exposure"] = exposure
            out["k" if not prefix else "k_reverse"] = k
            out["k_units" if not prefix else "k_reverse_units"] = rate_constant_units(order)
        missing = [lab for lab in list(reactants) + list(products) if lab not in conc]
        if missing:
            logger.debug("reaction %s: no counts for %s", row["reaction_key"], missing)
        rows.append(out)
    cols = ["order", "exposure", "k", "k_units", "reverse_order", "reverse_exposure", "k_reverse",
            "k_reverse_units"]
    extra = pd.DataFrame(rows, index=reactions.index, columns=cols)
    result = pd.concat([reactions.drop(columns=[c for c in cols if c in reactions.columns]), extra], axis=1)
    result.attrs.update(volume_A3=float(volume_A3), dt_ps=None if dt_ps is None else float(dt_ps))
    return result


class KineticModel:
    """Mass-action ODE system of a set of reactions with rate constants.

    Parameters
    ----------
    reactions_with_k : DataFrame
        From :func:`rate_constants` (reaction_key, k, and optionally k_reverse,
        reverse_count, reaction_id). Every reaction with a finite positive ``k`` is a
        forward channel; every one with ``reverse_count > 0`` and a finite positive
        ``k_reverse`` adds a separate reverse channel (products -> reactants).
    species_labels : sequence of str, optional
        Species order of the state vector; must include every species of the kept
        channels. Default: all of them, sorted.
    volume_A3 : float, optional
        Cell volume in Å^3 to convert counts to concentrations; default
        ``reactions_with_k.attrs["volume_A3"]``.

    Attributes
    ----------
    species : list of str
    channels : DataFrame
        One row per channel: reaction_id, direction ("forward"/"reverse"), reaction_key, k.
    stoichiometry : ndarray, shape (n_species, n_channels)
        Net change of each species per event.
    orders : ndarray, shape (n_species, n_channels)
        Reactant coefficients (mass-action exponents).
    """

    def __init__(self, reactions_with_k: pd.DataFrame, species_labels=None, volume_A3: float | None = None):
        if volume_A3 is None:
            volume_A3 = reactions_with_k.attrs.get("volume_A3")
        if volume_A3 is None:
            raise ValueError("KineticModel needs the cell volume: pass volume_A3 or a table from rate_constants")
        self.volume_A3 = float(volume_A3)
        self.molar_per_count = molar_per_count(self.volume_A3)
        channels = []
        for i, row in reactions_with_k.iterrows():
            reactants, products = parse_reaction_key(row["reaction_key"])
            rid = row["reaction_id"] if "reaction_id" in row.index else i
            k = float(row["k"])
            if math.isfinite(k) and k > 0:
                channels.append((rid, "forward", row["reaction_key"], k, reactants, products))
            rev = row.get("reverse_count", 0)
            k_rev = float(row.get("k_reverse", math.nan))
            if pd.notna(rev) and rev > 0 and math.isfinite(k_rev) and k_rev > 0:
                channels.append((rid, "reverse", row["reaction_key"], k_rev, products, reactants))
        involved = sorted({lab for ch in channels for side in ch[4:] for lab in side})
        self.species = list(involved if species_labels is None else species_labels)
        index = {lab: i for i, lab in enumerate(self.species)}
        missing = [lab for lab in involved if lab not in index]
        if missing:
            raise ValueError(f"species_labels lacks species of the reactions: {missing}")
        S, J = len(self.species), len(channels)
        self.stoichiometry = np.zeros((S, J))
        self.orders = np.zeros((S, J))
        for j, (_, _, _, _, reactants, products) in enumerate(channels):
            for lab, nu in reactants.items():
                self.orders[index[lab], j] += nu
                self.stoichiometry[index[lab], j] -= nu
            for lab, nu in products.items():
                self.stoichiometry[index[lab], j] += nu
        self.k = np.array([ch[3] for ch in channels], dtype=float)
        self.channels = pd.DataFrame([ch[:4] for ch in channels],
                                     columns=["reaction_id", "direction", "reaction_key", "k"])
        self._reactant_rows = [np.flatnonzero(self.orders[:, j]) for j in range(J)]

    def rates(self, c: np.ndarray) -> np.ndarray:
        """Channel rates (M/ps) at concentrations ``c`` (negative values clipped to 0)."""
        c = np.maximum(np.asarray(c, dtype=float), 0.0)
        return self.k * np.prod(c[:, None] ** self.orders, axis=0)

    def rhs(self, t: float, c: np.ndarray) -> np.ndarray:
        """dc/dt (M/ps)."""
        return self.stoichiometry @ self.rates(c)

    def jacobian(self, t: float, c: np.ndarray) -> np.ndarray:
        """d(dc/dt)/dc, shape (n_species, n_species)."""
        c = np.maximum(np.asarray(c, dtype=float), 0.0)
        D = np.zeros((len(self.k), len(self.species)))  # d rate_j / d c_m
        for j, rows in enumerate(self._reactant_rows):
            nu = self.orders[rows, j]
            powers = c[rows] ** nu
            for a, m in enumerate(rows):
                others = np.prod(np.delete(powers, a))
                D[j, m] = self.k[j] * nu[a] * c[m] ** (nu[a] - 1) * others
        return self.stoichiometry @ D

    def simulate(self, c0, t_end_ps: float, t_eval=None, units: str = "count", method: str = "LSODA",
                 rtol: float = 1e-8) -> pd.DataFrame:
        """Integrate the ODE system.

        Parameters
        ----------
        c0 : mapping label -> amount, Series, or array of length n_species
            Initial amounts; species not given start at 0.
        t_end_ps : float
            End time in ps (start is 0).
        t_eval : array-like, optional
            Output times in ps; default 201 points from 0 to ``t_end_ps``.
        units : {"count", "molar"}
            Units of ``c0``: molecule numbers (default) or mol/L.
        method : str
            A stiff :func:`scipy.integrate.solve_ivp` method: "LSODA" (default), "BDF", "Radau".
        rtol : float
            Relative tolerance; the absolute one is 1e-6 molecules.

        Returns
        -------
        DataFrame
            ``time_ps`` and one column per species, in molecule numbers.

        Raises
        ------
        ValueError
            Unknown species in ``c0`` or unknown ``units``.
        RuntimeError
            When the integrator fails (its message included).
        """
        from scipy.integrate import solve_ivp

        if units not in ("count", "molar"):
            raise ValueError(f"units must be 'count' or 'molar', got {units!r}")
        factor = self.molar_per_count if units == "count" else 1.0
        if isinstance(c0, (Mapping, pd.Series)):
            unknown = [lab for lab in dict(c0) if lab not in self.species]
            if unknown:
                raise ValueError(f"c0 names species that are not in the model: {unknown}")
            y0 = np.array([float(dict(c0).get(lab, 0.0)) for lab in self.species])
        else:
            y0 = np.asarray(c0, dtype=float)
            if y0.shape != (len(self.species),):
                raise ValueError(f"c0 must have {len(self.species)} values (one per species), got shape {y0.shape}")
        y0 = y0 * factor
        t_eval = np.linspace(0.0, float(t_end_ps), 201) if t_eval is None else np.asarray(t_eval, dtype=float)
        if len(self.k) == 0 or t_end_ps <= 0:
            y = np.repeat(y0[:, None], len(t_eval), axis=1)
        else:
            sol = solve_ivp(self.rhs, (0.0, float(t_end_ps)), y0, method=method, t_eval=t_eval,
                            jac=self.jacobian, rtol=rtol, atol=1e-6 * self.molar_per_count)
            if not sol.success:
                raise RuntimeError(f"kinetic model integration failed ({method}): {sol.message}")
            y = sol.y
        data = {"time_ps": t_eval}
        data.update({lab: y[i] / self.molar_per_count for i, lab in enumerate(self.species)})
        return pd.DataFrame(data)


def replay_error(model: KineticModel, counts: pd.DataFrame) -> pd.DataFrame:
    """Compare a kinetic model started from the first MD frame with the MD counts.

    Parameters
    ----------
    model : KineticModel
    counts : DataFrame
        species_counts (time_ps and one column per species label).

    Returns
    -------
    DataFrame
        One row per model species present in ``counts``: ``species``, ``rmse`` (molecules),
        ``mean_count`` (MD), ``nrmse`` = rmse / max(mean_count, 1) (one molecule is the
        floor so species that are rare in MD do not blow up the ratio).

    Notes
    -----
    One ODE integration plus O(S * F).
    """
    if "time_ps" not in counts.columns:
        raise ValueError("species counts need a time_ps column")
    t = counts["time_ps"].to_numpy(dtype=float)
    t = t - t[0]
    present = [lab for lab in model.species if lab in counts.columns]
    c0 = {lab: float(counts[lab].iloc[0]) for lab in present}
    sim = model.simulate(c0, t_end_ps=float(t[-1]), t_eval=t)
    rows = []
    for lab in present:
        md = counts[lab].to_numpy(dtype=float)
        rmse = float(np.sqrt(np.mean((sim[lab].to_numpy() - md) ** 2)))
        mean = float(md.mean())
        rows.append({"species": lab, "rmse": rmse, "mean_count": mean, "nrmse": rmse / max(mean, 1.0)})
    return pd.DataFrame(rows, columns=["species", "rmse", "mean_count", "nrmse"])
