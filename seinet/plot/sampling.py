"""The Interface Reactor sampling figure: what each iteration added and how good the model got.

Reads ``iterations.csv`` of a sampling directory (:func:`seinet.sample.sample`).
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

__all__ = ["plot_sampling"]


def plot_sampling(table: pd.DataFrame, path) -> bool:
    """Three panels against iteration: labelled structures (this iteration, total), test force and
    energy RMSE of the first committee model, force disagreement and stability (filled: passed)."""
    if not len(table):
        return False
    it = table["iteration"].to_numpy(int)
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.2), constrained_layout=True)
    ax = axes[0]
    ax.bar(it, table["n_labelled"], color="#4c72b0", label="labelled this iteration")
    ax.plot(it, table["n_training_total"], "o-", color="k", label="training set")
    ax.set_xlabel("iteration")
    ax.set_ylabel("structures")
    ax.legend(fontsize=8)
    ax = axes[1]
    f = pd.to_numeric(table["force_rmse_meV_A"], errors="coerce")
    e = pd.to_numeric(table["energy_rmse_meV_atom"], errors="coerce")
    ax.plot(it, f, "o-", color="#c44e52", label="force (meV/Å)")
    ax.plot(it, e, "s--", color="#55a868", label="energy (meV/atom)")
    ax.set_xlabel("iteration")
    ax.set_ylabel("test RMSE")
    ax.legend(fontsize=8)
    ax = axes[2]
    sigma = pd.to_numeric(table["sigma_max_eV_A"], errors="coerce").to_numpy(float)
    stable = table["stable"].astype(bool).to_numpy()
    y = np.where(np.isfinite(sigma), sigma, 0.0)
    ax.scatter(it[stable], y[stable], marker="o", color="#4c72b0", label="stable")
    ax.scatter(it[~stable], y[~stable], marker="o", facecolors="none", edgecolors="#c44e52", label="unstable")
    ax.set_xlabel("iteration")
    ax.set_ylabel("max committee σ_F (eV/Å)")
    ax.legend(fontsize=8)
    for a in axes:
        a.set_xticks(it)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return True
