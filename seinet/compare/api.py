"""``seinet compare`` as a function: run directories in, a comparison directory out (atomically)."""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .. import __version__
from ..errors import SeinetError
from ..run import RunDirectory
from .metrics import condition_table, differences, key_species, run_metrics
from .reactions import compare_reactions, dominant_reactions
from .runs import RunTables, load_run

__all__ = ["compare", "Comparison", "HEADLINE_METRICS"]

#: Metrics printed by ``seinet compare`` / ``seinet demo`` (all are in comparison.csv).
HEADLINE_METRICS = ("sei_inorganic_fraction", "sei_inorganic_atoms", "sei_organic_atoms", "sodium_lost_fraction",
                    "gas_total", "frac_SSIP", "frac_AGG", "nucleus_n_max", "n_reactions")


@dataclass(frozen=True)
class Comparison:
    """Tables of a comparison (also written by :func:`compare`).

    Attributes
    ----------
    runs : list of RunTables
    per_run : DataFrame
        condition, run, metric, value, se.
    conditions : DataFrame
        comparison.csv: condition, metric, n_runs, mean, ci_low, ci_high, ci_half, interval, unit, description.
    differences : DataFrame
        differences.csv: metric, condition_a, condition_b, difference, uncertainty, verdict.
    reactions : DataFrame
        reactions_comparison.csv.
    """

    runs: list
    per_run: pd.DataFrame
    conditions: pd.DataFrame
    differences: pd.DataFrame
    reactions: pd.DataFrame

    def headline(self, metrics=HEADLINE_METRICS) -> pd.DataFrame:
        """metric x condition table of ``mean ± ci`` strings (what the command prints)."""
        c = self.conditions[self.conditions["metric"].isin(metrics)]
        text = [f"{m:.3g}" + ("" if pd.isna(h) else f" ± {h:.2g}") for m, h in zip(c["mean"], c["ci_half"])]
        wide = c.assign(value=text).pivot_table(index="metric", columns="condition", values="value", aggfunc="first")
        order = [m for m in metrics if m in wide.index]
        labels = list(dict.fromkeys(r.label for r in self.runs))
        return wide.reindex(index=order, columns=labels)


def compare(runs, out: str | os.PathLike | None = None, labels=None, overwrite: bool = False,
            window: float = 0.2, n_key_species: int = 8) -> Comparison:
    """Compare run directories side by side.

    Parameters
    ----------
    runs : sequence of paths (or RunTables)
        Run directories of ``seinet analyze``.
    out : path, optional
        Directory to write (comparison.csv, differences.csv, per_run.csv, reactions_comparison.csv,
        figures/, comparison.html, manifest.json); nothing is written when None.
    labels : sequence of str, optional
        Condition of each run (replicas share one); default: each run is its own condition.
    overwrite : bool
    window : float
        Final fraction of frames the time-averaged metrics use.
    n_key_species : int
        Shared species compared by count.

    Returns
    -------
    Comparison
    """
    runs = list(runs)
    if len(runs) < 2:
        raise SeinetError("compare needs at least two run directories")
    if labels is not None and len(labels) != len(runs):
        raise SeinetError(f"compare: {len(labels)} labels for {len(runs)} runs")
    tables: list[RunTables] = [r if isinstance(r, RunTables) else load_run(r, None if labels is None else labels[i])
                               for i, r in enumerate(runs)]
    names = [str(t.path.resolve()) for t in tables]
    if len(set(names)) != len(names):
        raise SeinetError("compare: the same run directory is given twice")
    species = key_species(tables, n_key_species)
    per_run = pd.concat([run_metrics(t, species, window).assign(condition=t.label, run=t.name) for t in tables],
                        ignore_index=True)[["condition", "run", "metric", "value", "se"]]
    conditions = condition_table(per_run)
    result = Comparison(runs=tables, per_run=per_run, conditions=conditions, differences=differences(conditions),
                        reactions=compare_reactions(tables))
    if out is not None:
        _write(result, Path(out), species, overwrite, window)
    return result


def _write(result: Comparison, out: Path, species, overwrite: bool, window: float) -> None:
    from ..plot.compare import plot_comparison
    from ..report.compare_html import build_comparison_page

    t0 = time.perf_counter()
    with RunDirectory(out, overwrite=overwrite) as tmp:
        result.conditions.to_csv(tmp / "comparison.csv", index=False)
        result.differences.to_csv(tmp / "differences.csv", index=False)
        result.per_run.to_csv(tmp / "per_run.csv", index=False)
        result.reactions.to_csv(tmp / "reactions_comparison.csv", index=False)
        figures = plot_comparison(result.runs, species, result.conditions, tmp / "figures")
        labels = list(dict.fromkeys(r.label for r in result.runs))
        dominant = {c: dominant_reactions(result.reactions, c) for c in labels}
        build_comparison_page(tmp, result.runs, result.conditions, result.differences, result.reactions, dominant,
                              title=f"seinet comparison: {' vs '.join(labels)}")
        manifest = {"seinet_version": __version__, "created_by": "seinet compare",
                    "runs": [{"path": str(r.path.resolve()), "condition": r.label} for r in result.runs],
                    "window": window, "key_species": [n for _, n in species],
                    "figures": [f"figures/{f}" for f in figures], "wall_time_s": round(time.perf_counter() - t0, 3)}
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
