"""Reaction network model: graph from the species and reactions tables, path queries,
mass-action kinetics, exports and a figure.

Modules
-------
model
    :func:`build_network` (bipartite species/reaction graph), :func:`species_projection`,
    :func:`prune`.
paths
    :func:`most_frequent_path` (widest path), :func:`most_probable_path` (branching
    probabilities).
kinetics
    :func:`rate_constants`, :class:`KineticModel`, :func:`replay_error`.
export
    :func:`export` to graphml, json, cytoscape, csv, dot.
plot
    :func:`plot_network` (imported lazily: matplotlib is only needed to draw).
"""

from .export import FORMATS, export, to_cytoscape_json, to_dot, to_edge_csv, to_graphml, to_node_link_json
from .kinetics import KineticModel, rate_constants, replay_error
from .model import build_network, parse_reaction_key, prune, species_labels, species_projection
from .paths import PathResult, most_frequent_path, most_probable_path

__all__ = [
    "build_network", "species_projection", "prune", "species_labels", "parse_reaction_key",
    "PathResult", "most_frequent_path", "most_probable_path",
    "rate_constants", "KineticModel", "replay_error",
    "FORMATS", "export", "to_graphml", "to_node_link_json", "to_cytoscape_json", "to_edge_csv", "to_dot",
    "plot_network",
]


def __getattr__(name):
    if name == "plot_network":
        from .plot import plot_network

        return plot_network
    raise AttributeError(f"module 'seinet.network' has no attribute {name!r}")
