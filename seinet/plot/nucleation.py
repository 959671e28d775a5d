"""Nucleation figures: n_max(t), facet fractions of a nucleus over time, a rendered nucleus."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from mpl_toolkits.mplot3d.art3d import Poly3DCollection  # noqa: E402

from ..errors import ConfigError  # noqa: E402
from ..nucleation.facets import FAMILIES  # noqa: E402

__all__ = ["FAMILY_COLOURS", "plot_nucleation", "plot_facet_fractions", "plot_nucleus"]

#: One colour per facet family, in :data:`~seinet.nucleation.facets.FAMILIES` order.
FAMILY_COLOURS: dict[str, str] = {"{100}": "tab:blue", "{110}": "tab:green", "{111}": "tab:red",
                                  "other": "0.6"}


def _time_axis(df: pd.DataFrame) -> tuple[str, str]:
    if "time_ps" in df and len(df) and df["time_ps"].notna().all():
        return "time_ps", "time (ps)"
    return "frame", "frame"


def plot_nucleation(nucleation: pd.DataFrame, path) -> None:
    """Largest nucleus n_max(t) and number of nuclei against time.

    Parameters
    ----------
    nucleation : DataFrame
        nucleation.csv (:data:`~seinet.nucleation.columns.NUCLEATION_COLUMNS`).
    path : str or Path
        Output image (png or svg).
    """
    tcol, xlabel = _time_axis(nucleation)
    fig, ax = plt.subplots(figsize=(7, 3.6), constrained_layout=True)
    t = nucleation[tcol].to_numpy()
    ax.plot(t, nucleation["n_max"].to_numpy(), color="k", lw=1.5, label="$n_{max}$ (ions)")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("largest nucleus (ions)")
    ax2 = ax.twinx()
    ax2.step(t, nucleation["n_nuclei"].to_numpy(), where="mid", color="tab:orange", lw=1, label="nuclei")
    ax2.set_ylabel("number of nuclei", color="tab:orange")
    ax2.tick_params(axis="y", colors="tab:orange")
    lines = ax.get_lines() + ax2.get_lines()
    ax.legend(lines, [ln.get_label() for ln in lines], fontsize=8, frameon=False, loc="upper left")
    ax.set_title("NaF nucleation")
    fig.savefig(path, dpi=150)
    plt.close(fig)


def _default_nucleus(facets: pd.DataFrame, nuclei: pd.DataFrame | None) -> int:
    if nuclei is not None and len(nuclei):
        with_facets = nuclei[nuclei["nucleus_id"].isin(facets["nucleus_id"].unique())]
        if len(with_facets):
            best = with_facets.sort_values(["size", "nucleus_id"], ascending=[False, True], kind="stable")
            return int(best["nucleus_id"].iloc[0])
    area = facets.groupby("nucleus_id")["area_A2"].sum()
    return int(area.sort_values(ascending=False, kind="stable").index[0])


def plot_facet_fractions(facets: pd.DataFrame, path, nucleus_id: int | None = None,
                         nuclei: pd.DataFrame | None = None, wulff: dict[str, float] | None = None) -> None:
    """Area fraction of each facet family of one nucleus against time.

    Parameters
    ----------
    facets : DataFrame
        facets.csv (:data:`~seinet.nucleation.columns.FACET_COLUMNS`).
    path : str or Path
    nucleus_id : int, optional
        Tracked nucleus; default: the largest nucleus with facets (needs ``nuclei``),
        else the one with the largest summed hull area.
    nuclei : DataFrame, optional
        nuclei.csv, to choose the default nucleus.
    wulff : dict, optional
        Predicted fractions by family (``{"{100}": 0.8, "{111}": 0.2}``), drawn dashed.
    """
    if facets.empty:
        raise ConfigError("no facet rows to plot: no nucleus reached facet_min_size")
    nid = _default_nucleus(facets, nuclei) if nucleus_id is None else int(nucleus_id)
    sub = facets[facets["nucleus_id"] == nid]
    if sub.empty:
        raise ConfigError(f"nucleus {nid} has no facet rows")
    tcol, xlabel = _time_axis(sub)
    fig, ax = plt.subplots(figsize=(7, 3.6), constrained_layout=True)
    for fam in FAMILIES:
        rows = sub[sub["family"] == fam].sort_values("frame")
        ax.plot(rows[tcol].to_numpy(), rows["fraction"].to_numpy(), marker="o", ms=3, lw=1.2,
                color=FAMILY_COLOURS[fam], label=fam)
        if wulff and fam in wulff:
            ax.axhline(float(wulff[fam]), color=FAMILY_COLOURS[fam], ls="--", lw=1, label=f"{fam} Wulff")
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("hull area fraction")
    ax.set_title(f"facets of nucleus {nid}")
    ax.legend(fontsize=8, frameon=False, ncol=2)
    fig.savefig(path, dpi=150)
    plt.close(fig)


def plot_nucleus(nucleus, path, color_by: str = "surface", show_hull: bool = True) -> None:
    """3D rendering of one nucleus: ions, and hull facets coloured by family.

    Parameters
    ----------
    nucleus : seinet.nucleation.Nucleus
        From :func:`~seinet.nucleation.detect_frame` (unwrapped positions, facets).
    path : str or Path
    color_by : {"surface", "species", "facet"}
        Ion colours: Na/F with surface ions bright and bulk ions pale; Na/F only;
        or the family of each surface ion's facet (bulk ions grey).
    show_hull : bool
        Draw the hull triangles coloured by facet family (when facets exist).
    """
    if color_by not in ("surface", "species", "facet"):
        raise ConfigError(f"color_by must be surface, species or facet, got {color_by!r}")
    pos = nucleus.positions - nucleus.positions.mean(axis=0)
    cat = np.asarray(nucleus.is_cation, dtype=bool)
    facets = nucleus.facets
    if color_by == "facet" and facets is not None:
        fam = facets.ion_family()
        cols = np.array([FAMILY_COLOURS[FAMILIES[k]] if k >= 0 else "0.85" for k in fam], dtype=object)
    else:
        cols = np.where(cat, "tab:purple", "tab:green").astype(object)
    alpha = np.ones(len(pos))
    if color_by == "surface":
        alpha = np.where(nucleus.surface, 1.0, 0.25)
    fig = plt.figure(figsize=(5.5, 5.5), constrained_layout=True)
    ax = fig.add_subplot(projection="3d")
    sizes = np.where(cat, 30, 45)
    for a in np.unique(alpha):
        sel = alpha == a
        ax.scatter(pos[sel, 0], pos[sel, 1], pos[sel, 2], c=list(cols[sel]), s=sizes[sel], alpha=float(a),
                   depthshade=False, edgecolors="none")
    if show_hull and facets is not None:
        shift = nucleus.positions.mean(axis=0)
        tri = facets.points[facets.triangles] - shift
        fam = facets.family[facets.triangle_facet]
        poly = Poly3DCollection(tri, facecolors=[FAMILY_COLOURS[FAMILIES[k]] for k in fam], alpha=0.25,
                                edgecolors="none")
        ax.add_collection3d(poly)
        handles = [plt.Line2D([], [], color=FAMILY_COLOURS[f], lw=6, alpha=0.5,
                              label=f"{f} {100 * v:.0f}%") for f, v in facets.family_fractions().items() if v > 0]
        ax.legend(handles=handles, fontsize=8, frameon=False, loc="upper left")
    span = np.ptp(pos, axis=0).max() / 2 + 1.0
    for setter in (ax.set_xlim, ax.set_ylim, ax.set_zlim):
        setter(-span, span)
    ax.set_box_aspect((1, 1, 1))
    ax.set_xlabel("x (Å)")
    ax.set_ylabel("y (Å)")
    ax.set_zlabel("z (Å)")
    ax.set_title(f"nucleus of {len(pos)} ions ({int(cat.sum())} Na, {int((~cat).sum())} F)")
    fig.savefig(path, dpi=150)
    plt.close(fig)
