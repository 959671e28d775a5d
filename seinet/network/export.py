"""Write a network (bipartite or projection) in formats other tools read.

========== ============================ ==================================================
format     writer                       read by
========== ============================ ==================================================
graphml    :func:`to_graphml`           networkx, Gephi, Cytoscape desktop, yEd
json       :func:`to_node_link_json`    networkx ``node_link_graph``, d3.js
cytoscape  :func:`to_cytoscape_json`    Cytoscape.js (``{"elements": {"nodes", "edges"}}``)
csv        :func:`to_edge_csv`          spreadsheets, pandas (one row per edge)
dot        :func:`to_dot`               Graphviz ``dot`` (written here; no pygraphviz)
========== ============================ ==================================================

Attributes are made serialisable first (:func:`serialisable`): ``None`` becomes ``""``,
lists/tuples/sets are ``";"``-joined, numpy scalars become Python scalars, anything else
non-scalar becomes its ``str``. JSON writers turn non-finite floats into ``null``.
Output is deterministic: same graph, byte-identical files.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import networkx as nx

__all__ = ["FORMATS", "serialisable", "to_graphml", "to_node_link_json", "to_cytoscape_json", "to_edge_csv",
           "to_dot", "export"]


def _value(v):
    if v is None:
        return ""
    if hasattr(v, "item") and not isinstance(v, (str, bytes)) and getattr(v, "ndim", 0) == 0:
        v = v.item()
    if isinstance(v, (bool, int, float, str)):
        return v
    if isinstance(v, (list, tuple, set, frozenset)):
        items = sorted(v, key=str) if isinstance(v, (set, frozenset)) else v
        return ";".join(str(_value(x)) for x in items)
    return str(v)


def _attrs(d: dict) -> dict:
    return {str(k): _value(v) for k, v in d.items()}


def serialisable(G: nx.Graph) -> nx.Graph:
    """Copy of ``G`` whose graph, node and edge attributes are GraphML scalars.

    Notes
    -----
    O(N + E). Node ids are turned into strings.
    """
    H = G.__class__()
    H.graph.update(_attrs(G.graph))
    H.add_nodes_from((str(n), _attrs(d)) for n, d in G.nodes(data=True))
    H.add_edges_from((str(u), str(v), _attrs(d)) for u, v, d in G.edges(data=True))
    return H


def _json_safe(obj):
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: _json_safe(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_json_safe(v) for v in obj]
    return obj


def _write_json(data, path) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(_json_safe(data), fh, indent=1, allow_nan=False, ensure_ascii=False)
        fh.write("\n")


def to_graphml(G: nx.Graph, path) -> None:
    """Write GraphML (``networkx.read_graphml`` reads it back)."""
    nx.write_graphml(serialisable(G), path)


def to_node_link_json(G: nx.Graph, path) -> None:
    """Write networkx node-link JSON (keys ``nodes`` and ``edges``).

    Read back with ``nx.node_link_graph(json.load(f), edges="edges")``.
    """
    _write_json(nx.node_link_data(serialisable(G), edges="edges"), path)


def to_cytoscape_json(G: nx.Graph, path) -> None:
    """Write Cytoscape.js elements JSON.

    ``{"data": {...graph attrs}, "directed": bool, "elements": {"nodes": [{"data": {"id", ...}}],
    "edges": [{"data": {"id", "source", "target", ...}}]}}``; edge ids are ``"e0"``, ``"e1"``, ...
    in edge order.
    """
    H = serialisable(G)
    nodes = [{"data": {**d, "id": n}} for n, d in H.nodes(data=True)]
    edges = [{"data": {**d, "id": f"e{i}", "source": u, "target": v}}
             for i, (u, v, d) in enumerate(H.edges(data=True))]
    _write_json({"data": H.graph, "directed": H.is_directed(), "elements": {"nodes": nodes, "edges": edges}},
                path)


def to_edge_csv(G: nx.Graph, path) -> None:
    """Write one row per edge: ``source``, ``target``, then every edge attribute (sorted by name)."""
    import pandas as pd

    H = serialisable(G)
    keys = sorted({k for _, _, d in H.edges(data=True) for k in d} - {"source", "target"})
    rows = [{"source": u, "target": v, **{k: d.get(k, "") for k in keys}} for u, v, d in H.edges(data=True)]
    pd.DataFrame(rows, columns=["source", "target", *keys]).to_csv(path, index=False)


def _dot_id(s) -> str:
    """A double-quoted DOT ID with backslashes, quotes and line breaks escaped."""
    s = str(s).replace("\\", "\\\\").replace('"', '\\"').replace("\r", "").replace("\n", "\\n")
    return f'"{s}"'


def _dot_attrs(d: dict) -> str:
    if not d:
        return ""
    body = ", ".join(f"{_dot_id(k)}={_dot_id(v)}" for k, v in d.items())
    return f" [{body}]"


def to_dot(G: nx.Graph, path, name: str = "network") -> None:
    """Write Graphviz DOT.

    Every ID and attribute value is double-quoted and escaped, so SMILES such as
    ``F[P-](F)(F)(F)(F)F`` or ``O=C([O-])[O-]`` are safe. Reaction nodes
    (``kind="reaction"``) get ``shape="box"`` unless they set a shape.

    Notes
    -----
    O(N + E).
    """
    H = serialisable(G)
    directed = H.is_directed()
    arrow = "->" if directed else "--"
    lines = [f"{'digraph' if directed else 'graph'} {_dot_id(name)} {{"]
    for k, v in H.graph.items():
        lines.append(f"  {_dot_id(k)}={_dot_id(v)};")
    for n, d in H.nodes(data=True):
        d = dict(d)
        if d.get("kind") == "reaction":
            d.setdefault("shape", "box")
        lines.append(f"  {_dot_id(n)}{_dot_attrs(d)};")
    for u, v, d in H.edges(data=True):
        lines.append(f"  {_dot_id(u)} {arrow} {_dot_id(v)}{_dot_attrs(d)};")
    lines.append("}")
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


#: Format name -> writer.
FORMATS = {
    "graphml": to_graphml,
    "json": to_node_link_json,
    "cytoscape": to_cytoscape_json,
    "csv": to_edge_csv,
    "dot": to_dot,
}

_EXTENSIONS = {".graphml": "graphml", ".json": "json", ".cyjs": "cytoscape", ".csv": "csv", ".dot": "dot",
               ".gv": "dot"}


def export(G: nx.Graph, path, format: str | None = None) -> None:
    """Write ``G`` to ``path`` in ``format`` (one of :data:`FORMATS`).

    Parameters
    ----------
    G : networkx.Graph
    path : str or Path
    format : str, optional
        graphml, json, cytoscape, csv or dot; default from the extension
        (.graphml, .json, .cyjs, .csv, .dot/.gv).

    Raises
    ------
    ValueError
        Unknown format, or none given and the extension is not recognised.
    """
    if format is None:
        format = _EXTENSIONS.get(Path(path).suffix.lower())
        if format is None:
            raise ValueError(f"cannot tell the network format from {str(path)!r}; pass format= one of "
                             f"{sorted(FORMATS)}")
    writer = FORMATS.get(str(format).lower())
    if writer is None:
        raise ValueError(f"unknown network format {format!r}; choose one of {sorted(FORMATS)}")
    writer(G, path)
