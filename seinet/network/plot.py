"""Figure of the species reaction network."""

from __future__ import annotations

import math
from pathlib import Path

import networkx as nx

from .model import REACTION, species_projection

__all__ = ["CLASS_COLOURS", "top_species_nodes", "plot_network"]

#: Node colour per species class (classes of :data:`seinet.chem.CLASSES`, plus metal/unknown).
CLASS_COLOURS = {
    "solvent": "#4C72B0",
    "salt anion": "#DD8452",
    "gas": "#55A868",
    "organic SEI": "#8172B3",
    "inorganic SEI": "#C44E52",
    "radical/fragment": "#937860",
    "ion": "#DA8BC3",
    "metal": "#8C8C8C",
}
_OTHER = "#CCCCCC"


def top_species_nodes(P: nx.DiGraph, top_n: int) -> list:
    """The ``top_n`` species with the largest flux (sum of in- and out-edge counts); ties by id."""
    flux = {n: 0 for n in P}
    for u, v, d in P.edges(data=True):
        c = d.get("count", 0)
        flux[u] += c
        flux[v] += c
    return sorted(P, key=lambda n: (-flux[n], str(n)))[: max(int(top_n), 0)]


def _layout(H: nx.DiGraph, seed: int) -> dict:
    """Kamada-Kawai per connected component (largest first), components packed in a row of rows."""
    import numpy as np

    U = nx.Graph()
    U.add_nodes_from(sorted(H, key=str))
    U.add_edges_from(sorted(((u, v) for u, v in H.edges if u != v), key=lambda e: (str(e[0]), str(e[1]))))
    comps = sorted((sorted(c, key=str) for c in nx.connected_components(U)), key=lambda c: (-len(c), str(c[0])))
    ncols = max(1, math.ceil(math.sqrt(len(comps))))
    pos, x, y, row_h = {}, 0.0, 0.0, 0.0
    for i, comp in enumerate(comps):
        size = math.sqrt(len(comp))  # box side of this component
        if len(comp) == 1:
            local = {comp[0]: np.zeros(2)}
        else:
            sub = U.subgraph(comp)
            init = nx.spring_layout(sub, seed=seed)
            local = nx.kamada_kawai_layout(sub, pos=init, scale=size / 2)
        if i and i % ncols == 0:
            x, y, row_h = 0.0, y - row_h - 0.6, 0.0
        for n, p in local.items():
            pos[n] = np.asarray(p) + np.array([x + size / 2, y - size / 2])
        x += size + 0.6
        row_h = max(row_h, size)
    return pos


def plot_network(P: nx.DiGraph, path, top_n: int = 25, seed: int = 0, title: str | None = None) -> None:
    """Draw the ``top_n`` busiest species and the reactions between them.

    Parameters
    ----------
    P : networkx.DiGraph
        Species projection; a bipartite network is projected first.
    path : str or Path
        Output image; the format follows the extension (.svg, .png, .pdf).
    top_n : int
        Species kept, by flux (see :func:`top_species_nodes`).
    seed : int
        Seed of the initial spring layout (same seed, same picture).
    title : str, optional

    Notes
    -----
    Nodes are labelled with their ``name`` (common name or composition) where there is
    one, else the label; colours follow ``class`` (:data:`CLASS_COLOURS`); edge width grows
    as ``0.6 + 1.6 log10(count)``. Uses the object-oriented Agg API, leaving pyplot alone.
    Layout: Kamada-Kawai per connected component (seeded spring start), components packed
    on a grid, O(N^3) for N drawn species (N <= ``top_n``).
    """
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    if any(d.get("kind") == REACTION for _, d in P.nodes(data=True)):
        P = species_projection(P)
    H = P.subgraph(top_species_nodes(P, top_n)).copy()
    nodes = sorted(H, key=str)
    H = nx.DiGraph(H.subgraph(nodes))  # fixed node order for the layout
    fig = Figure(figsize=(9, 7), dpi=120)
    ax = fig.add_subplot()
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    if H.number_of_nodes() == 0:
        ax.text(0.5, 0.5, "no reactions", ha="center", va="center", transform=ax.transAxes)
    else:
        pos = _layout(H, seed)
        classes = {n: H.nodes[n].get("class", "") for n in nodes}
        colours = [CLASS_COLOURS.get(classes[n], _OTHER) for n in nodes]
        edges = list(H.edges(data=True))
        widths = [0.6 + 1.6 * math.log10(max(d.get("count", 1), 1)) for _, _, d in edges]
        nx.draw_networkx_edges(H, pos, ax=ax, edgelist=[(u, v) for u, v, _ in edges], width=widths,
                               edge_color="#555555", alpha=0.7, arrows=True, arrowsize=12,
                               connectionstyle="arc3,rad=0.08", node_size=600)
        nx.draw_networkx_nodes(H, pos, ax=ax, nodelist=nodes, node_color=colours, node_size=600,
                               edgecolors="#333333", linewidths=0.8)
        labels = {n: str(H.nodes[n].get("name") or H.nodes[n].get("label") or n) for n in nodes}
        nx.draw_networkx_labels(H, pos, labels=labels, ax=ax, font_size=8,
                                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.7})
        present = sorted({c for c in classes.values()}, key=str)
        handles = [Line2D([], [], marker="o", linestyle="", markersize=9, markerfacecolor=CLASS_COLOURS.get(c, _OTHER),
                          markeredgecolor="#333333", label=c or "unclassified") for c in present]
        ax.legend(handles=handles, loc="best", fontsize=8, frameon=False)
    fig.tight_layout()
    path = Path(path)
    metadata = {"Date": None} if path.suffix.lower() == ".svg" else None
    fig.savefig(path, metadata=metadata)
