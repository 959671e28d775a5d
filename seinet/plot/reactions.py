"""Reaction timeline: when each of the most frequent reactions happened."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

__all__ = ["plot_reaction_timeline"]


def plot_reaction_timeline(events: pd.DataFrame, path, top_n: int = 15) -> None:
    """Events of the ``top_n`` most frequent reactions (rows) against time, plus Na redox per frame.

    Parameters
    ----------
    events : DataFrame
        events.csv.
    path : str or Path
        Output image (png or svg).
    """
    reactions = events[events["kind"] == "reaction"]
    redox = events[events["kind"].isin(["oxidation", "deposition"])]
    use_time = events["time_ps"].notna().all() and len(events)
    tcol, xlabel = ("time_ps", "time (ps)") if use_time else ("frame", "frame")
    top = reactions["reaction_key"].value_counts()
    top = sorted(top.index, key=lambda k: (-top[k], k))[:top_n]
    eq = {k: (reactions.loc[reactions["reaction_key"] == k].iloc[0]["reactants"].replace(";", " + ") + " -> "
              + reactions.loc[reactions["reaction_key"] == k].iloc[0]["products"].replace(";", " + "))
          for k in top}
    height = 1.6 + 0.35 * max(len(top), 1) + (1.4 if len(redox) else 0)
    fig, axes = plt.subplots(2 if len(redox) else 1, 1, figsize=(10, height), squeeze=False,
                             gridspec_kw={"height_ratios": [max(len(top), 1), 3] if len(redox) else [1]},
                             constrained_layout=True)
    ax = axes[0, 0]
    for row, key in enumerate(top):
        t = reactions.loc[reactions["reaction_key"] == key, tcol].to_numpy()
        ax.scatter(t, np.full(len(t), row), marker="|", s=120, lw=1.5)
    ax.set_yticks(range(len(top)))
    ax.set_yticklabels([_short(eq[k]) for k in top], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.set_title(f"reaction events (top {len(top)} reactions)" if top else "no reaction events")
    if len(redox):
        ax2 = axes[1, 0]
        for kind, colour in (("oxidation", "tab:red"), ("deposition", "tab:blue")):
            per = redox[redox["kind"] == kind].groupby(tcol).size()
            ax2.bar(per.index, per.to_numpy(), width=_width(events[tcol]), color=colour, alpha=0.7,
                    label=f"Na {kind}")
        ax2.set_xlabel(xlabel)
        ax2.set_ylabel("events")
        ax2.legend(fontsize=8, frameon=False)
    fig.savefig(path, dpi=130)
    plt.close(fig)


def _width(t: pd.Series) -> float:
    u = np.unique(t.to_numpy())
    return float(np.min(np.diff(u))) if len(u) > 1 else 1.0


def _short(text: str, width: int = 70) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
