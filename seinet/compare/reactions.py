"""Reaction networks side by side: reactions unique to a condition, shared ones with their rate ratio.

A reaction is identified by its order-independent ``reaction_key`` (reactions.csv),
so the same chemistry in two runs is one row. Its rate in a condition is the
number of forward events per ps of simulated time, summed over the replicas of
the condition (events and time both summed). The ratio column divides every
condition's rate by the first condition's (NaN where that is zero).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .runs import RunTables

__all__ = ["compare_reactions", "dominant_reactions"]


def _duration_ps(run: RunTables) -> float:
    t = run.counts["time_ps"].to_numpy(float)
    if len(t) > 1 and np.isfinite(t).all() and t[-1] > t[0]:
        return float(t[-1] - t[0] + np.median(np.diff(t)))
    return float(len(t))  # no times: rates per frame


def compare_reactions(runs: list[RunTables]) -> pd.DataFrame:
    """reactions_comparison.csv: reaction_key, equation_names, per condition events and rate_per_ps, status, ratios.

    Notes
    -----
    O(R) for R reaction rows over all runs.
    """
    labels = list(dict.fromkeys(r.label for r in runs))
    time = {c: 0.0 for c in labels}
    rows = []
    for r in runs:
        time[r.label] += _duration_ps(r)
        if r.reactions is None or len(r.reactions) == 0:
            continue
        eq = r.reactions["equation_names"] if "equation_names" in r.reactions else r.reactions["equation"]
        rows.append(pd.DataFrame({"reaction_key": r.reactions["reaction_key"], "equation_names": eq,
                                  "condition": r.label, "events": r.reactions["forward_count"]}))
    if not rows:
        return pd.DataFrame(columns=["reaction_key", "equation_names", "status"])
    df = pd.concat(rows, ignore_index=True)
    names = df.drop_duplicates("reaction_key").set_index("reaction_key")["equation_names"]
    wide = df.pivot_table(index="reaction_key", columns="condition", values="events", aggfunc="sum",
                          fill_value=0).reindex(columns=labels, fill_value=0)
    out = pd.DataFrame({"reaction_key": wide.index, "equation_names": names.reindex(wide.index).to_numpy()})
    for c in labels:
        out[f"events:{c}"] = wide[c].to_numpy(np.int64)
        out[f"rate_per_ps:{c}"] = wide[c].to_numpy(float) / time[c]
    seen = wide.to_numpy() > 0
    out["status"] = ["shared" if s.all() else "only " + ", ".join(np.asarray(labels)[s]) for s in seen]
    first = out[f"rate_per_ps:{labels[0]}"].to_numpy()
    for c in labels[1:]:
        with np.errstate(divide="ignore", invalid="ignore"):
            out[f"ratio:{c}/{labels[0]}"] = np.where(first > 0, out[f"rate_per_ps:{c}"] / np.where(first > 0, first, 1),
                                                      np.nan)
    total = wide.sum(axis=1).to_numpy()
    return out.iloc[np.lexsort((out["reaction_key"].to_numpy(), -total))].reset_index(drop=True)


def dominant_reactions(table: pd.DataFrame, condition: str, n: int = 5) -> pd.DataFrame:
    """The ``n`` most frequent reactions of a condition (its dominant pathways), most frequent first."""
    col = f"events:{condition}"
    if col not in table:
        return table.iloc[0:0]
    t = table[table[col] > 0]
    return t.iloc[np.lexsort((t["reaction_key"].to_numpy(), -t[col].to_numpy()))].head(n)
