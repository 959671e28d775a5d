"""Figures of a NEP / qNEP training: parity plots, loss curves, descriptor PCA.

Built from the tables of :mod:`seinet.train.results` and :mod:`seinet.train.pca` only, so they
can be redrawn from a training directory without the trainer.
"""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

__all__ = ["plot_parity", "plot_loss", "plot_descriptor_pca"]

_SET_STYLE = {"train": dict(color="#1f77b4", marker="o"), "test": dict(color="#ff7f0e", marker="^")}


def _panel(ax, pairs, title, unit, scale=1.0):
    """One parity panel; ``pairs`` maps set label -> (predicted, target)."""
    lo, hi = math.inf, -math.inf
    for label, (pred, target) in pairs.items():
        pred, target = np.asarray(pred, float) * scale, np.asarray(target, float) * scale
        ok = np.isfinite(pred) & np.isfinite(target)
        if not ok.any():
            continue
        rmse = float(np.sqrt(np.mean((pred[ok] - target[ok]) ** 2)))
        style = _SET_STYLE.get(label, dict(color="gray", marker="s"))
        ax.scatter(target[ok], pred[ok], s=10, alpha=0.6, edgecolors="none", label=f"{label} (RMSE {rmse:.3g})",
                   **style)
        lo, hi = min(lo, target[ok].min(), pred[ok].min()), max(hi, target[ok].max(), pred[ok].max())
    if math.isfinite(lo):
        pad = 0.05 * (hi - lo or 1.0)
        ax.plot([lo - pad, hi + pad], [lo - pad, hi + pad], color="k", lw=0.8)
        ax.set_xlim(lo - pad, hi + pad)
        ax.set_ylim(lo - pad, hi + pad)
        ax.legend(fontsize=7, frameon=False, loc="upper left")
    ax.set_xlabel(f"reference ({unit})")
    ax.set_ylabel(f"NEP ({unit})")
    ax.set_title(title, fontsize=10)


def plot_parity(parities: dict, path, title: str | None = None) -> None:
    """Parity plots of energy, force, virial (when any) and charge (qNEP), train and test.

    Parameters
    ----------
    parities : dict
        Set label -> :class:`seinet.train.results.ParityData` (None values are skipped).
    path : str or Path
        Output image.
    title : str, optional

    Notes
    -----
    The charge panel shows partial charges (predicted, shifted to the total charge) against the
    labels' partial charges when the directory has them, otherwise the trained quantity: the
    total raw charge per atom against the structure's charge per atom.
    """
    parities = {k: v for k, v in parities.items() if v is not None}
    panels = [("energy", "energy", "meV/atom"), ("force", "force components", "eV/Å")]
    if any(len(p.virial) for p in parities.values()):
        panels.append(("virial", "virial", "meV/atom"))
    charged = [p for p in parities.values() if p.charge is not None]
    has_reference = any(np.isfinite(p.charge["reference_e"]).any() for p in charged)
    if charged:
        panels.append(("charge", "partial charges" if has_reference else "total charge per atom",
                       "e" if has_reference else "e/atom"))
    fig, axes = plt.subplots(1, len(panels), figsize=(3.6 * len(panels), 3.6), constrained_layout=True)
    axes = np.atleast_1d(axes)
    for ax, (kind, heading, unit) in zip(axes, panels):
        pairs = {}
        for label, p in parities.items():
            if kind == "energy":
                pairs[label] = (p.energy["predicted_eV_per_atom"], p.energy["target_eV_per_atom"])
            elif kind == "force":
                pairs[label] = (p.force["predicted_eV_per_A"], p.force["target_eV_per_A"])
            elif kind == "virial" and len(p.virial):
                pairs[label] = (p.virial["predicted_eV_per_atom"], p.virial["target_eV_per_atom"])
            elif kind == "charge" and p.charge is not None:
                if has_reference:
                    pairs[label] = (p.charge["predicted_e"], p.charge["reference_e"])
                else:
                    pairs[label] = (p.total_charge["predicted_e_per_atom"], p.total_charge["target_e_per_atom"])
        scale = 1e3 if kind in ("energy", "virial") else 1.0
        _panel(ax, pairs, heading, unit, scale)
    if title:
        fig.suptitle(title)
    fig.savefig(path, dpi=130)
    plt.close(fig)


_LOSS_PANELS = (("E", "energy RMSE", "meV/atom", 1e3), ("F", "force RMSE", "meV/Å", 1e3),
                ("V", "virial RMSE", "meV/atom", 1e3), ("Q", "charge RMSE", "e/atom", 1.0))


def plot_loss(loss, path, title: str | None = None) -> None:
    """Loss curves: the total loss and the RMSEs (train solid, test dashed) against the step.

    Parameters
    ----------
    loss : DataFrame
        :func:`seinet.train.results.read_loss` (index: generation).
    path : str or Path
    """
    panels = [("total", "total loss", "", 1.0)] if "total_loss" in loss else []
    for symbol, heading, unit, factor in _LOSS_PANELS:
        cols = [c for c in (f"RMSE_{symbol}_train", f"RMSE_{symbol}_test") if c in loss]
        if cols and np.nanmax(np.abs(loss[cols].to_numpy(dtype=float))) > 0:
            panels.append((symbol, heading, unit, factor))
    fig, axes = plt.subplots(1, max(len(panels), 1), figsize=(3.4 * max(len(panels), 1), 3.2),
                             constrained_layout=True)
    axes = np.atleast_1d(axes)
    x = np.asarray(loss.index, dtype=float)
    for ax, (symbol, heading, unit, factor) in zip(axes, panels):
        if symbol == "total":
            series = [("total", loss["total_loss"], "-")]
        else:
            series = [(label, loss[f"RMSE_{symbol}_{label}"], "-" if label == "train" else "--")
                      for label in ("train", "test") if f"RMSE_{symbol}_{label}" in loss]
        for label, values, style in series:
            y = np.asarray(values, dtype=float) * factor
            color = _SET_STYLE.get(label, {}).get("color", "k")
            ax.plot(x, y, style, color=color, lw=1.4, label=label)
        if np.all(np.asarray([np.nanmin(np.asarray(v, float)) for _, v, _ in series]) > 0):
            ax.set_yscale("log")
        ax.set_xlabel("step")
        ax.set_ylabel(f"{heading} ({unit})" if unit else heading)
        if len(series) > 1:
            ax.legend(fontsize=7, frameon=False)
    if title:
        fig.suptitle(title)
    fig.savefig(path, dpi=130)
    plt.close(fig)


def plot_descriptor_pca(pca, path, title: str | None = None) -> None:
    """Structures in the first two principal components of the model's descriptors.

    Colour: ``config_type`` (the sampling round); marker: set (train filled circles, test open
    triangles).

    Parameters
    ----------
    pca : :class:`seinet.train.pca.DescriptorPCA`
    path : str or Path
    """
    table = pca.table
    fig, ax = plt.subplots(figsize=(5.2, 4.2), constrained_layout=True)
    if len(table):
        groups = sorted(table["config_type"].unique(), key=lambda c: (c == "", c))
        cmap = plt.get_cmap("tab10" if len(groups) <= 10 else "viridis")
        colors = {g: cmap(i % 10 if len(groups) <= 10 else i / max(len(groups) - 1, 1)) for i, g in enumerate(groups)}
        for (group, split), rows in table.groupby(["config_type", "set"], sort=True):
            filled = split == "train"
            marker = "o" if filled else "^"
            ax.scatter(rows["pc1"], rows["pc2"], s=22, marker=marker,
                       facecolors=colors[group] if filled else "none", edgecolors=colors[group],
                       label=f"{group or 'no config_type'} ({split})")
        ax.legend(fontsize=7, frameon=False, loc="best")
    ratio = list(pca.explained_variance_ratio) + [0.0, 0.0]
    ax.set_xlabel(f"PC1 ({100 * ratio[0]:.0f} % of variance)")
    ax.set_ylabel(f"PC2 ({100 * ratio[1]:.0f} % of variance)")
    ax.set_title(title or "training set in descriptor space", fontsize=10)
    fig.savefig(path, dpi=130)
    plt.close(fig)
