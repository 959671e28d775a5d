"""Reaction network model built from the species and reactions tables.

The network is a bipartite directed graph: species nodes (id ``"s:<label>"``) and
reaction nodes (id ``"r:<reaction_id>"``), with edges reactant -> reaction and
reaction -> product. Its species projection keeps only species -> species edges
(reactant -> product), weighted by how many reaction events connect them.

A species' *label* is its SMILES, or its composition name for ionic aggregates
(``kind == "aggregate"``); labels are the column names of ``species_counts.csv``
and the words of a reaction key ``"r1.r2>p1.p2"`` (sorted, multiplicity by
repetition).
"""

from __future__ import annotations

import math
from collections import Counter

import networkx as nx
import pandas as pd

from ..species.catalogue import species_labels

__all__ = [
    "SPECIES",
    "REACTION",
    "species_node",
    "reaction_node",
    "species_labels",
    "parse_reaction_key",
    "build_network",
    "species_projection",
    "prune",
]

#: Value of the ``kind`` node attribute of species nodes.
SPECIES = "species"
#: Value of the ``kind`` node attribute of reaction nodes.
REACTION = "reaction"

_UNKNOWN_CLASS = "unknown"


def species_node(label: str) -> str:
    """Node id of the species with this label (``"s:<label>"``)."""
    return f"s:{label}"


def reaction_node(reaction_id) -> str:
    """Node id of the reaction with this id (``"r:<reaction_id>"``)."""
    return f"r:{reaction_id}"


def parse_reaction_key(key: str) -> tuple[Counter, Counter]:
    """Reactant and product multisets of a reaction key.

    Parameters
    ----------
    key : str
        ``"r1.r2>p1.p2"``; a side may be empty.

    Returns
    -------
    reactants, products : Counter
        Label -> stoichiometric coefficient.

    Raises
    ------
    ValueError
        When the key does not contain exactly one ``">"``.
    """
    sides = str(key).split(">")
    if len(sides) != 2:
        raise ValueError(f"reaction key {key!r} must look like 'r1.r2>p1.p2' (exactly one '>')")
    return tuple(Counter(w for w in side.split(".") if w) for side in sides)  # type: ignore[return-value]


def _clean(value, default=""):
    """A GraphML-friendly scalar: numpy scalars to Python, None/NaN strings to ``default``."""
    if value is None:
        return default
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and math.isnan(value) and isinstance(default, str):
        return default
    return value


def build_network(species: pd.DataFrame, reactions: pd.DataFrame) -> nx.DiGraph:
    """Bipartite reaction network.

    Parameters
    ----------
    species : DataFrame
        species.csv: species_id, smiles, formula, name, charge, n_atoms, class, kind, ...
    reactions : DataFrame
        reactions.csv: reaction_id, reaction_key, equation, forward_count, reverse_count,
        net, first_frame, first_time_ps (the last four optional).

    Returns
    -------
    networkx.DiGraph
        Species nodes ``"s:<label>"`` with ``kind="species"``, ``bipartite=0``, ``label``,
        ``name``, ``formula``, ``class`` (and ``species_id``, ``charge`` when given);
        reaction nodes ``"r:<reaction_id>"`` with ``kind="reaction"``, ``bipartite=1``,
        ``label`` (the equation), ``reaction_key``, ``equation``, ``forward_count``,
        ``reverse_count``, ``net``, ``first_frame``, ``first_time_ps``. Edges reactant ->
        reaction (``role="reactant"``) and reaction -> product (``role="product"``) carry
        ``stoichiometry`` and ``count`` (= the reaction's forward_count).
        Species named in a reaction key but missing from the species table get a node
        with ``name = label`` and ``class = "unknown"``.

    Notes
    -----
    O(S + R * m) for S species, R reactions of at most m participants.
    """
    G = nx.DiGraph()
    labels = species_labels(species)
    for label, (_, row) in zip(labels, species.iterrows()):
        attrs = {
            "kind": SPECIES,
            "bipartite": 0,
            "label": label,
            "name": _clean(row.get("name"), label) or label,
            "formula": _clean(row.get("formula")),
            "class": _clean(row.get("class"), _UNKNOWN_CLASS) or _UNKNOWN_CLASS,
        }
        for key in ("species_id", "charge"):
            if key in row.index and pd.notna(row[key]):
                attrs[key] = _clean(row[key])
        G.add_node(species_node(label), **attrs)

    for _, row in reactions.iterrows():
        reactants, products = parse_reaction_key(row["reaction_key"])
        fwd = int(_clean(row.get("forward_count"), 0) or 0)
        rev = int(_clean(row.get("reverse_count"), 0) or 0)
        net = row.get("net")
        net = fwd - rev if net is None or pd.isna(net) else int(_clean(net))
        rnode = reaction_node(_clean(row["reaction_id"]))
        equation = _clean(row.get("equation"), "") or f"{' + '.join(reactants.elements())} -> " \
            f"{' + '.join(products.elements())}"
        attrs = {
            "kind": REACTION,
            "bipartite": 1,
            "label": equation,
            "reaction_key": str(row["reaction_key"]),
            "equation": equation,
            "forward_count": fwd,
            "reverse_count": rev,
            "net": net,
        }
        if "first_frame" in row.index and pd.notna(row["first_frame"]):
            attrs["first_frame"] = int(row["first_frame"])
        if "first_time_ps" in row.index and pd.notna(row["first_time_ps"]):
            attrs["first_time_ps"] = float(row["first_time_ps"])
        G.add_node(rnode, **attrs)
        for side, role in ((reactants, "reactant"), (products, "product")):
            for label, nu in side.items():
                snode = species_node(label)
                if snode not in G:
                    G.add_node(snode, kind=SPECIES, bipartite=0, label=label, name=label,
                               formula="", **{"class": _UNKNOWN_CLASS})
                u, v = (snode, rnode) if role == "reactant" else (rnode, snode)
                G.add_edge(u, v, role=role, stoichiometry=int(nu), count=fwd)
    return G


def _is_reaction(G: nx.DiGraph, node) -> bool:
    return G.nodes[node].get("kind") == REACTION


def species_projection(G: nx.DiGraph, include_reverse: bool = False) -> nx.DiGraph:
    """Species -> species graph of a bipartite network.

    Parameters
    ----------
    G : networkx.DiGraph
        From :func:`build_network`.
    include_reverse : bool
        Also add product -> reactant edges weighted by ``reverse_count``.

    Returns
    -------
    networkx.DiGraph
        All species nodes with their attributes plus ``out_count``: the number of
        reaction events that consume the species (sum of the counts of the reactions it is
        a reactant of; the denominator of branching probabilities). An edge r -> p for
        every reaction with reactant r and product p (r != p), with ``count`` summed over
        those reactions, ``weight = count`` and ``reactions``: the reaction node ids,
        ``";"``-joined in order of appearance.

    Notes
    -----
    O(R * m^2) for R reactions of at most m participants.
    """
    P = nx.DiGraph()
    P.add_nodes_from((n, dict(d)) for n, d in G.nodes(data=True) if not _is_reaction(G, n))
    nx.set_node_attributes(P, 0, "out_count")
    for rnode, data in G.nodes(data=True):
        if not _is_reaction(G, rnode):
            continue
        reactants = list(G.predecessors(rnode))
        products = list(G.successors(rnode))
        channels = [(reactants, products, int(data.get("forward_count", 0)))]
        if include_reverse:
            channels.append((products, reactants, int(data.get("reverse_count", 0))))
        for sources, targets, count in channels:
            if count <= 0:
                continue
            for r in sources:
                P.nodes[r]["out_count"] += count
                for p in targets:
                    if r == p:
                        continue
                    if P.has_edge(r, p):
                        e = P.edges[r, p]
                        e["count"] += count
                        e["weight"] = e["count"]
                        e["reactions"] += f";{rnode}"
                    else:
                        P.add_edge(r, p, count=count, weight=count, reactions=str(rnode))
    return P


def prune(G: nx.DiGraph, min_count: int | None = None, top_n: int | None = None) -> nx.DiGraph:
    """Keep the frequent part of a network.

    Parameters
    ----------
    G : networkx.DiGraph
        Bipartite network (:func:`build_network`) or species projection
        (:func:`species_projection`).
    min_count : int, optional
        Keep reactions (bipartite) or edges (projection) with count >= ``min_count``.
    top_n : int, optional
        Keep only the ``top_n`` most frequent reactions (or edges); ties broken by node id
        so the result is deterministic. Applied after ``min_count``.

    Returns
    -------
    networkx.DiGraph
        A new graph; species left without any edge are dropped.

    Notes
    -----
    O(N + E log E).
    """
    H = G.copy()
    bipartite = any(_is_reaction(H, n) for n in H)
    if bipartite:
        items = [(n, int(d.get("forward_count", 0))) for n, d in H.nodes(data=True) if _is_reaction(H, n)]
    else:
        items = [((u, v), int(d.get("count", 0))) for u, v, d in H.edges(data=True)]
    keep = [(item, c) for item, c in items if min_count is None or c >= min_count]
    if top_n is not None:
        keep = sorted(keep, key=lambda ic: (-ic[1], str(ic[0])))[: max(int(top_n), 0)]
    kept = {item for item, _ in keep}
    drop = [item for item, _ in items if item not in kept]
    if bipartite:
        H.remove_nodes_from(drop)
    else:
        H.remove_edges_from(drop)
    H.remove_nodes_from([n for n in list(H) if H.degree(n) == 0 and not _is_reaction(H, n)])
    return H
