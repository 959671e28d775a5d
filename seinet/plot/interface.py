"""Interface figures: transport heatmaps, SEI growth and composition, sodium inventory, gases, solvation.

Each function takes the tables of :class:`~seinet.interface.InterfaceResults` (or
the CSV files of a run directory) and writes one image; nothing is recomputed.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from ..interface.transport import density_grid  # noqa: E402

__all__ = ["plot_transport", "plot_sei", "plot_inventory", "plot_gases", "plot_solvation", "plot_interface"]


def _time(df: pd.DataFrame) -> tuple[np.ndarray, str]:
    t = df["time_ps"].to_numpy(float)
    return (t, "time (ps)") if len(t) and np.isfinite(t).all() else (df["frame"].to_numpy(float), "frame")


def plot_transport(transport: pd.DataFrame, path, d_max: float = 30.0) -> bool:
    """Heatmap per group: number density (nm^-3) vs time and distance from the electrode."""
    groups = [g for g in pd.unique(transport["group"])] if len(transport) else []
    if not groups:
        return False
    ncol = min(4, len(groups))
    nrow = -(-len(groups) // ncol)
    fig, axes = plt.subplots(nrow, ncol, figsize=(3.6 * ncol, 2.8 * nrow), squeeze=False, constrained_layout=True)
    for ax, g in zip(axes.flat, groups):
        times, dist, grid = density_grid(transport, g, d_max)
        x = times if np.isfinite(times).all() else np.arange(len(times))
        extent = [x[0], x[-1] if len(x) > 1 else x[0] + 1, dist[0] - 0.5, dist[-1] + 0.5]
        im = ax.imshow(grid, origin="lower", aspect="auto", extent=extent, cmap="viridis", interpolation="nearest")
        fig.colorbar(im, ax=ax, label="nm$^{-3}$")
        ax.set_title(g, fontsize=9)
        ax.set_xlabel("time (ps)" if np.isfinite(times).all() else "frame")
        ax.set_ylabel("distance from surface (Å)")
    for ax in list(axes.flat)[len(groups):]:
        ax.axis("off")
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return True


def plot_sei(sei: pd.DataFrame, composition: pd.DataFrame, path, n_species: int = 6) -> bool:
    """SEI thickness, inorganic vs organic atoms (and their ratio), and the main SEI species."""
    if len(sei) == 0:
        return False
    t, xlabel = _time(sei)
    fig, (a, b, c) = plt.subplots(1, 3, figsize=(13, 3.4), constrained_layout=True)
    a.plot(t, sei["thickness_A"], color="k")
    a.set_ylabel("SEI thickness (Å)")
    b.plot(t, sei["inorganic"], label="inorganic", color="tab:blue")
    b.plot(t, sei["organic"], label="organic", color="tab:orange")
    b.set_ylabel("atoms in SEI")
    b.legend(fontsize=8, loc="upper left")
    r = b.twinx()
    r.plot(t, sei["inorganic_fraction"], color="tab:green", lw=0.8, ls="--")
    r.set_ylabel("inorganic fraction", color="tab:green")
    r.set_ylim(0, 1.05)
    if len(composition):
        top = composition.groupby("species")["atoms"].sum().sort_values(ascending=False).index[:n_species]
        wide = composition[composition["species"].isin(top)].pivot_table(
            index="frame", columns="species", values="atoms", aggfunc="sum").reindex(sei["frame"]).fillna(0)
        for sp in top:
            c.plot(t, wide[sp].to_numpy(), label=sp if len(sp) < 28 else sp[:25] + "...")
        c.legend(fontsize=7)
    c.set_ylabel("atoms in SEI by species")
    for ax in (a, b, c):
        ax.set_xlabel(xlabel)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return True


def plot_inventory(inventory: pd.DataFrame, path) -> bool:
    """Where the sodium is (metal, ion in electrolyte, ion in SEI) and the metal lost."""
    if len(inventory) == 0:
        return False
    t, xlabel = _time(inventory)
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 3.4), constrained_layout=True)
    a.stackplot(t, inventory["metal"], inventory["ion_sei"], inventory["ion_electrolyte"],
                labels=["metal", "ion in SEI", "ion in electrolyte"], alpha=0.8)
    a.set_ylabel("Na atoms")
    a.legend(fontsize=8, loc="lower left")
    if "lost" in inventory:
        b.plot(t, inventory["lost"], color="tab:red", label="lost (oxidised, never returned)")
        b.plot(t, inventory["oxidised"], color="tab:orange", lw=0.8, label="oxidation events (cum.)")
        b.plot(t, inventory["deposited"], color="tab:blue", lw=0.8, label="deposition events (cum.)")
        b.legend(fontsize=8)
    b.set_ylabel("Na atoms")
    for ax in (a, b):
        ax.set_xlabel(xlabel)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return True


def plot_gases(gases: pd.DataFrame, path) -> bool:
    """Counts of gas molecules and the CO2/CO ratio."""
    names = [c for c in gases.columns if c not in ("frame", "time_ps", "total_gas", "co2_co_ratio")]
    names = [c for c in names if gases[c].sum() > 0]
    if not names:
        return False
    t, xlabel = _time(gases)
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 3.4), constrained_layout=True)
    for c in names:
        a.plot(t, gases[c], label=c)
    a.legend(fontsize=8)
    a.set_ylabel("molecules")
    b.plot(t, gases["co2_co_ratio"], color="k")
    b.set_ylabel("CO2 / CO")
    for ax in (a, b):
        ax.set_xlabel(xlabel)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return True


def plot_solvation(solvation: pd.DataFrame, rdf: pd.DataFrame, path) -> bool:
    """g(r) with running coordination numbers, and the SSIP / CIP / AGG fractions over time."""
    if len(solvation) == 0 or not (solvation["n_ions"] > 0).any():
        return False
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 3.4), constrained_layout=True)
    r = a.twinx()
    for pair, df in rdf.groupby("pair", sort=True):
        line, = a.plot(df["r_A"], df["g_r"], label=f"g(r) {pair}")
        r.plot(df["r_A"], df["cn"], ls="--", color=line.get_color(), lw=0.9)
    a.set_xlabel("r (Å)")
    a.set_ylabel("g(r)")
    r.set_ylabel("running CN (dashed)")
    a.legend(fontsize=8)
    t, xlabel = _time(solvation)
    for c in ("SSIP", "CIP", "AGG"):
        b.plot(t, solvation[f"frac_{c}"], label=c)
    b.set_ylim(0, 1.02)
    b.set_xlabel(xlabel)
    b.set_ylabel("fraction of Na+")
    b.legend(fontsize=8)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return True


def plot_interface(results, figures: str | Path) -> list[str]:
    """All interface figures of an :class:`~seinet.interface.InterfaceResults`; returns the file names written."""
    figures = Path(figures)
    written = []
    has_electrode = len(results.electrode) and bool(results.electrode["electrode"].any())
    jobs = [("gases.png", lambda p: plot_gases(results.gases, p)),
            ("solvation.png", lambda p: plot_solvation(results.solvation, results.rdf, p))]
    if has_electrode:
        jobs += [("transport.png", lambda p: plot_transport(results.transport, p)),
                 ("sei.png", lambda p: plot_sei(results.sei, results.sei_composition, p)),
                 ("na_inventory.png", lambda p: plot_inventory(results.inventory, p))]
    for name, job in jobs:
        if job(figures / name):
            written.append(name)
    return written
