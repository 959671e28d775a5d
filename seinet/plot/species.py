"""Species evolution figure: counts of the top-N species against time."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from ..species.catalogue import species_labels  # noqa: E402

__all__ = ["plot_species_evolution", "top_species"]


def top_species(counts: pd.DataFrame, species: pd.DataFrame, n: int = 10) -> list[str]:
    """Labels of the ``n`` species with the largest mean count (ties by label)."""
    data = counts.drop(columns=["frame", "time_ps"])
    if data.shape[1] == 0:
        return []
    mean = data.mean(axis=0)
    order = sorted(mean.index, key=lambda c: (-mean[c], c))
    return order[:n]


def plot_species_evolution(counts: pd.DataFrame, species: pd.DataFrame, path, n: int = 10,
                           title: str | None = None) -> None:
    """Write a two-panel figure: the top-``n`` species, and the products (absent in frame 0).

    Parameters
    ----------
    counts : DataFrame
        species_counts (frame, time_ps, one column per label).
    species : DataFrame
        species.csv (for names).
    path : str or Path
        Output image (png or svg).
    """
    label_to_name = dict(zip(species_labels(species), species["name"]))
    x = counts["time_ps"].to_numpy()
    xlabel = "time (ps)"
    if not np.isfinite(x).all():
        x, xlabel = counts["frame"].to_numpy(), "frame"
    data = counts.drop(columns=["frame", "time_ps"])
    products = [c for c in data.columns if data[c].iloc[0] == 0 and data[c].max() > 0]
    products = sorted(products, key=lambda c: (-data[c].mean(), c))[:n]
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5), constrained_layout=True)
    for ax, cols, heading in ((axes[0], top_species(counts, species, n), f"top {n} species"),
                              (axes[1], products, "products (absent at start)")):
        for c in cols:
            ax.plot(x, data[c].to_numpy(), lw=1.4, label=_short(label_to_name.get(c, c)))
        ax.set_xlabel(xlabel)
        ax.set_ylabel("count")
        ax.set_title(heading)
        if cols:
            ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        else:
            ax.text(0.5, 0.5, "none", ha="center", va="center", transform=ax.transAxes)
    if title:
        fig.suptitle(title)
    fig.savefig(path, dpi=130)
    plt.close(fig)


def _short(name: str, width: int = 28) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"
