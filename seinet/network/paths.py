"""Path queries on the species projection: how does species A become species B?

Two questions with different answers:

* :func:`most_frequent_path` -- the *widest* path: the route whose least frequent step
  (bottleneck) is as frequent as possible; among routes of equal bottleneck the one with
  the fewest steps. Its score is the bottleneck count (events). It answers "which route
  carried the most material", and does not depend on how a count is turned into a cost.
* :func:`most_probable_path` -- branching probabilities ``p(r -> p) = count(r -> p) /
  out_count(r)`` (the fraction of the reaction events consuming ``r`` that yield ``p``);
  the path maximising the product of ``p``, found as the shortest path on ``-log p``.
  Its score is that product. It answers "following one molecule of A, which route is it
  most likely to take to B".

Sources and targets are species labels (SMILES, or aggregate names) or node ids
(``"s:<label>"``).
"""

from __future__ import annotations

import math
from collections import deque
from typing import NamedTuple

import networkx as nx

from .model import species_node

__all__ = ["PathResult", "most_frequent_path", "most_probable_path", "branching_probability"]


class PathResult(NamedTuple):
    """A path between two species.

    Attributes
    ----------
    labels : list of str
        Species labels from source to target.
    score : float
        Bottleneck count (:func:`most_frequent_path`) or probability
        (:func:`most_probable_path`).
    """

    labels: list
    score: float


def _node(P: nx.DiGraph, species: str) -> str:
    for candidate in (species, species_node(species)):
        if candidate in P:
            return candidate
    raise ValueError(f"species {species!r} is not in the network; pass a label (SMILES or aggregate "
                     "name) or a node id 's:<label>'")


def _label(P: nx.DiGraph, node) -> str:
    return P.nodes[node].get("label", str(node))


def _no_path(source: str, target: str) -> ValueError:
    return ValueError(f"no reaction path from {source!r} to {target!r} in the network "
                      "(check the direction, or prune less)")


def _bfs_path(P: nx.DiGraph, s, t, min_count: float):
    """Fewest-steps path using only edges with count >= min_count, or None."""
    parent = {s: None}
    queue = deque([s])
    while queue:
        u = queue.popleft()
        if u == t:
            path = [u]
            while parent[path[-1]] is not None:
                path.append(parent[path[-1]])
            return path[::-1]
        for v in P.successors(u):
            if v not in parent and P.edges[u, v].get("count", 0) >= min_count:
                parent[v] = u
                queue.append(v)
    return None


def most_frequent_path(P: nx.DiGraph, source: str, target: str) -> PathResult:
    """Widest (maximum-bottleneck) path from ``source`` to ``target``.

    Parameters
    ----------
    P : networkx.DiGraph
        Species projection (edges with ``count``).
    source, target : str
        Species labels or node ids.

    Returns
    -------
    PathResult
        ``labels`` and ``score`` = the smallest edge count along the path (``inf`` when
        ``source == target``). Among paths of equal bottleneck, the fewest steps.

    Raises
    ------
    ValueError
        Unknown species, or no directed path.

    Notes
    -----
    Binary search over the distinct edge counts with a breadth-first reachability test:
    O((V + E) log E).
    """
    s, t = _node(P, source), _node(P, target)
    if s == t:
        return PathResult([_label(P, s)], math.inf)
    levels = sorted({d.get("count", 0) for _, _, d in P.edges(data=True) if d.get("count", 0) > 0})
    if not levels or _bfs_path(P, s, t, levels[0]) is None:
        raise _no_path(source, target)
    lo, hi = 0, len(levels) - 1  # levels[lo] is always feasible
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if _bfs_path(P, s, t, levels[mid]) is not None:
            lo = mid
        else:
            hi = mid - 1
    path = _bfs_path(P, s, t, levels[lo])
    return PathResult([_label(P, n) for n in path], float(levels[lo]))


def branching_probability(P: nx.DiGraph, u, v) -> float:
    """``count(u -> v) / out_count(u)``; ``out_count`` falls back to the sum of out-edge counts."""
    out = P.nodes[u].get("out_count")
    if not out:
        out = sum(d.get("count", 0) for _, _, d in P.out_edges(u, data=True))
    return P.edges[u, v].get("count", 0) / out if out else 0.0


def most_probable_path(P: nx.DiGraph, source: str, target: str) -> PathResult:
    """Path of maximal product of branching probabilities.

    Parameters
    ----------
    P : networkx.DiGraph
        Species projection (edges with ``count``; nodes with ``out_count`` as written by
        :func:`~seinet.network.model.species_projection`, else the sum of out-edge counts).
    source, target : str
        Species labels or node ids.

    Returns
    -------
    PathResult
        ``labels`` and ``score`` = product of ``p`` along the path (1 when
        ``source == target``).

    Raises
    ------
    ValueError
        Unknown species, or no directed path through edges with ``p > 0``.

    Notes
    -----
    Dijkstra on ``-log p`` (non-negative since ``p <= 1``): O(E + V log V).
    """
    s, t = _node(P, source), _node(P, target)

    def cost(u, v, _d):
        p = branching_probability(P, u, v)
        return None if p <= 0 else -math.log(min(p, 1.0))  # None hides the edge

    try:
        length, path = nx.single_source_dijkstra(P, s, t, weight=cost)
    except nx.NetworkXNoPath:
        raise _no_path(source, target) from None
    return PathResult([_label(P, n) for n in path], math.exp(-length))
