"""Headline numbers of one run, each with its own uncertainty, and their statistics over replicas.

Per run, most metrics are time averages over the final ``window`` (default 20 %)
of the frames: the state the run reached, not its start. Their uncertainty is the
standard error of block averages (5 blocks over the window; Flyvbjerg & Petersen
1989 without the blocking transformation: 5 blocks is enough to show whether a
mean is settled, not a convergence proof). End-of-run counts (sodium lost) and
whole-run counts (reactions) have no per-run uncertainty.

Per condition (replicas share a label): the mean over replicas and a 95 %
confidence interval from their spread (Student t, n - 1 degrees of freedom); with
a single replica the interval is 1.96 standard errors, the larger of the block
standard error and, for counts (atoms, molecules, ions), the Poisson error
sqrt(mean): a count that happens to be constant over the window (3 gas molecules
throughout) has a block error of 0, but a replica could as well have made 2.
Without either, the interval is unknown. Two conditions differ in a metric only when the difference
exceeds the combined half-widths sqrt(h_a^2 + h_b^2); with an unknown interval the
comparison says "cannot tell", never "different".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from ..species.catalogue import species_labels
from .runs import RunTables

__all__ = ["Metric", "METRICS", "run_metrics", "condition_table", "differences", "key_species", "window_mean"]


@dataclass(frozen=True)
class Metric:
    name: str
    unit: str
    description: str


METRICS = {m.name: m for m in [
    Metric("sei_inorganic_atoms", "atoms", "atoms in inorganic SEI units (final window mean)"),
    Metric("sei_organic_atoms", "atoms", "atoms in organic SEI units (final window mean)"),
    Metric("sei_inorganic_fraction", "", "inorganic / (inorganic + organic) SEI atoms (final window mean)"),
    Metric("sei_thickness_A", "Å", "SEI thickness, 95th percentile of SEI atom distances (final window mean)"),
    Metric("sodium_lost_fraction", "", "metal oxidised and never returned, fraction of the initial metal (end)"),
    Metric("sodium_metal", "atoms", "metallic Na (final window mean)"),
    Metric("gas_total", "molecules", "gas molecules (final window mean)"),
    Metric("co2_co_ratio", "", "CO2/CO (final window mean over frames with CO)"),
    Metric("frac_SSIP", "", "solvent-separated Na+ (final window mean)"),
    Metric("frac_CIP", "", "contact-ion-pair Na+ (final window mean)"),
    Metric("frac_AGG", "", "aggregated Na+ (final window mean)"),
    Metric("nucleus_n_max", "ions", "largest crystalline NaF nucleus (final window mean)"),
    Metric("crystalline_fraction", "", "crystalline fraction of Na/F ions (final window mean)"),
    Metric("n_species", "species", "distinct species seen"),
    Metric("n_reactions", "reactions", "distinct reactions"),
]}


_COUNT_UNITS = ("atoms", "molecules", "ions")


def window_mean(values, window: float = 0.2, n_blocks: int = 5) -> tuple[float, float]:
    """Mean of the final ``window`` fraction of a series and its block standard error (NaN if < 2 blocks).

    Notes
    -----
    O(n). NaN values are dropped first (e.g. CO2/CO in frames without CO).
    """
    x = np.asarray(values, dtype=float)
    x = x[len(x) - max(1, int(round(window * len(x)))):]
    x = x[np.isfinite(x)]
    if len(x) == 0:
        return float("nan"), float("nan")
    mean = float(x.mean())
    k = min(n_blocks, len(x) // 2)
    if k < 2:
        return mean, float("nan")
    blocks = np.array([b.mean() for b in np.array_split(x, k)])
    return mean, float(blocks.std(ddof=1) / np.sqrt(k))


def key_species(runs: list[RunTables], n: int = 8) -> list[tuple[str, str]]:
    """(label, name) of the ``n`` species with the largest mean count that every run has seen."""
    shared = None
    weight: dict[str, float] = {}
    names: dict[str, str] = {}
    for r in runs:
        labels = set(r.counts.columns[2:])
        shared = labels if shared is None else shared & labels
        for lab in labels:
            weight[lab] = weight.get(lab, 0.0) + float(r.counts[lab].mean())
        names.update(dict(zip(species_labels(r.species), r.species["name"].astype(str))))
    order = sorted(shared or [], key=lambda lab: (-weight[lab], lab))
    return [(lab, names.get(lab, lab)) for lab in order[:n]]


def run_metrics(run: RunTables, species: list[tuple[str, str]] = (), window: float = 0.2) -> pd.DataFrame:
    """One run's metrics: metric, value, se (block standard error or NaN)."""
    rows: list[tuple[str, float, float]] = []

    def series(name, table, column):
        if table is not None and column in table and len(table):
            rows.append((name, *window_mean(table[column], window)))

    series("sei_inorganic_atoms", run.sei, "inorganic")
    series("sei_organic_atoms", run.sei, "organic")
    series("sei_inorganic_fraction", run.sei, "inorganic_fraction")
    series("sei_thickness_A", run.sei, "thickness_A")
    inv = run.na_inventory
    if inv is not None and "lost_fraction" in inv and len(inv):
        rows.append(("sodium_lost_fraction", float(inv["lost_fraction"].iloc[-1]), float("nan")))
    series("sodium_metal", inv, "metal")
    series("gas_total", run.gases, "total_gas")
    series("co2_co_ratio", run.gases, "co2_co_ratio")
    for c in ("frac_SSIP", "frac_CIP", "frac_AGG"):
        series(c, run.solvation, c)
    series("nucleus_n_max", run.nucleation, "n_max")
    series("crystalline_fraction", run.nucleation, "crystalline_fraction")
    rows.append(("n_species", float(len(run.species)), float("nan")))
    if run.reactions is not None:
        rows.append(("n_reactions", float(len(run.reactions)), float("nan")))
    for label, name in species:
        if label in run.counts:
            rows.append((f"count:{name}", *window_mean(run.counts[label], window)))
    return pd.DataFrame(rows, columns=["metric", "value", "se"])


def condition_table(per_run: pd.DataFrame) -> pd.DataFrame:
    """Mean and 95 % interval per (condition, metric) from a table of run, condition, metric, value, se."""
    rows = []
    for (cond, metric), g in per_run.groupby(["condition", "metric"], sort=False):
        v = g["value"].to_numpy(float)
        v = v[np.isfinite(v)]
        n = len(v)
        if n == 0:
            continue
        mean = float(v.mean())
        if n >= 2:
            half = float(stats.t.ppf(0.975, n - 1) * v.std(ddof=1) / np.sqrt(n))
            basis = f"t, {n} replicas"
        else:
            m = METRICS.get(metric)
            se = float(g["se"].iloc[0])
            is_count = metric.startswith("count:") or (m is not None and m.unit in _COUNT_UNITS)
            if is_count and np.isfinite(se):
                se = max(se, float(np.sqrt(max(mean, 0.0))))
                basis = "max(block SE, Poisson), 1 replica"
            else:
                basis = "block SE, 1 replica" if np.isfinite(se) else "1 replica, no interval"
            half = 1.96 * se if np.isfinite(se) else float("nan")
        m = METRICS.get(metric)
        rows.append((cond, metric, n, mean, mean - half, mean + half, half, basis,
                     m.unit if m else "molecules", m.description if m else f"mean count of {metric[6:]} (final window)"))
    return pd.DataFrame(rows, columns=["condition", "metric", "n_runs", "mean", "ci_low", "ci_high", "ci_half",
                                       "interval", "unit", "description"])


def differences(conditions: pd.DataFrame) -> pd.DataFrame:
    """Pairwise differences between conditions with the rule of the module docstring."""
    rows = []
    labels = list(dict.fromkeys(conditions["condition"]))
    for i, a in enumerate(labels):
        for b in labels[i + 1:]:
            ta = conditions[conditions["condition"] == a].set_index("metric")
            tb = conditions[conditions["condition"] == b].set_index("metric")
            for metric in ta.index.intersection(tb.index):
                diff = float(ta.at[metric, "mean"] - tb.at[metric, "mean"])
                u = float(np.hypot(ta.at[metric, "ci_half"], tb.at[metric, "ci_half"]))
                verdict = "cannot tell" if not np.isfinite(u) else ("different" if abs(diff) > u else "same within CI")
                rows.append((metric, a, b, diff, u, verdict))
    return pd.DataFrame(rows, columns=["metric", "condition_a", "condition_b", "difference", "uncertainty", "verdict"])
