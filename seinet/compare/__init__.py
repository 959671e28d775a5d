"""Runs side by side (``seinet compare``): headline numbers with intervals, differences, reactions, figures.

Modules: :mod:`.runs` (a run directory read back as tables), :mod:`.metrics` (per-run
numbers, replica statistics and the "is it a difference" rule), :mod:`.reactions`
(unique and shared reactions, rate ratios), :mod:`.api` (:func:`compare`).
Only tables are read: a comparison never touches a trajectory.
"""

from .api import HEADLINE_METRICS, Comparison, compare
from .metrics import METRICS, condition_table, differences, key_species, run_metrics, window_mean
from .reactions import compare_reactions, dominant_reactions
from .runs import RunTables, load_run

__all__ = ["Comparison", "HEADLINE_METRICS", "METRICS", "RunTables", "compare", "compare_reactions",
           "condition_table", "differences", "dominant_reactions", "key_species", "load_run", "run_metrics",
           "window_mean"]
