"""Side-by-side figures of several runs (``seinet compare``): one colour per condition, one line per run."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

__all__ = ["plot_comparison"]

_STYLES = ["-", "--", ":", "-."]


def _colours(runs) -> dict[str, str]:
    labels = list(dict.fromkeys(r.label for r in runs))
    cycle = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    return {c: cycle[i % len(cycle)] for i, c in enumerate(labels)}


def _lines(ax, runs, get, colours, ylabel):
    seen: dict[str, int] = {}
    drew = False
    for r in runs:
        data = get(r)
        if data is None:
            continue
        x, y = data
        k = seen.get(r.label, 0)
        seen[r.label] = k + 1
        ax.plot(x, y, color=colours[r.label], ls=_STYLES[k % len(_STYLES)], lw=1.1,
                label=r.label if k == 0 else None)
        drew = True
    ax.set_ylabel(ylabel)
    ax.set_xlabel("time (ps)")
    if drew:
        ax.legend(fontsize=7)
    return drew


def _col(table_name, column):
    def get(r):
        t = getattr(r, table_name)
        if t is None or column not in t or len(t) == 0:
            return None
        return t["time_ps"].to_numpy(float), t[column].to_numpy(float)
    return get


def _save(fig, path) -> None:
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_comparison(runs, key_species: list[tuple[str, str]], conditions: pd.DataFrame, folder: str | Path
                    ) -> list[str]:
    """Write the comparison figures into ``folder``; returns their file names."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    colours = _colours(runs)
    written = []
    if key_species:
        ncol = min(4, len(key_species))
        nrow = -(-len(key_species) // ncol)
        fig, axes = plt.subplots(nrow, ncol, figsize=(3.4 * ncol, 2.6 * nrow), squeeze=False, constrained_layout=True)
        for ax, (label, name) in zip(axes.flat, key_species):
            _lines(ax, runs, lambda r, lab=label: (r.counts["time_ps"].to_numpy(float), r.counts[lab].to_numpy(float)),
                   colours, "count")
            ax.set_title(name if len(name) < 30 else name[:27] + "...", fontsize=9)
        for ax in list(axes.flat)[len(key_species):]:
            ax.axis("off")
        _save(fig, folder / "species.png")
        written.append("species.png")
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.3), constrained_layout=True)
    a = _lines(axes[0], runs, _col("sei", "inorganic"), colours, "inorganic SEI atoms")
    b = _lines(axes[1], runs, _col("sei", "organic"), colours, "organic SEI atoms")
    frac = conditions[conditions["metric"] == "sei_inorganic_fraction"]
    if len(frac):
        x = np.arange(len(frac))
        axes[2].bar(x, frac["mean"], yerr=np.nan_to_num(frac["ci_half"].to_numpy()), capsize=4,
                    color=[colours.get(c, "grey") for c in frac["condition"]])
        axes[2].set_xticks(x, frac["condition"])
        axes[2].set_ylabel("inorganic fraction (95 % CI)")
        axes[2].set_ylim(0, 1.05)
    if a or b or len(frac):
        _save(fig, folder / "sei.png")
        written.append("sei.png")
    else:
        plt.close(fig)
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.3), constrained_layout=True)
    drew = [_lines(axes[0], runs, _col("na_inventory", "lost_fraction"), colours, "Na lost (fraction of metal)"),
            _lines(axes[1], runs, _col("gases", "total_gas"), colours, "gas molecules"),
            _lines(axes[2], runs, _col("gases", "co2_co_ratio"), colours, "CO2 / CO")]
    if any(drew):
        _save(fig, folder / "sodium_gases.png")
        written.append("sodium_gases.png")
    else:
        plt.close(fig)
    groups = ["solvent", "Na+", "NaF aggregates", "PF6-"]
    if any(r.transport is not None and len(r.transport) for r in runs):
        fig, axes = plt.subplots(1, len(groups), figsize=(3.4 * len(groups), 3.0), constrained_layout=True)
        for ax, g in zip(axes, groups):
            def profile(r, g=g):
                t = r.transport
                if t is None or len(t) == 0:
                    return None
                frames = np.unique(t["frame"])
                last = frames[len(frames) - max(1, len(frames) // 5):]  # final 20 % of the frames
                sub = t[(t["group"] == g) & t["frame"].isin(last)]
                if len(sub) == 0:
                    return None
                prof = sub.groupby("distance_A")["density_nm3"].sum() / len(last)
                return prof.index.to_numpy(float), prof.to_numpy(float)
            _lines(ax, runs, profile, colours, "density (nm$^{-3}$)")
            ax.set_xlabel("distance from surface (Å)")
            ax.set_title(f"{g} (final 20 %)", fontsize=9)
        _save(fig, folder / "transport.png")
        written.append("transport.png")
    if any(r.nucleation is not None for r in runs):
        fig, ax = plt.subplots(figsize=(5, 3.3), constrained_layout=True)
        _lines(ax, runs, _col("nucleation", "n_max"), colours, "largest NaF nucleus (ions)")
        _save(fig, folder / "nucleation.png")
        written.append("nucleation.png")
    return written
