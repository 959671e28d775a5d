"""Ionic clusters and crystalline nuclei: connected components of the cation-anion first-shell graph.

* An **ionic cluster** is a connected component of the graph whose edges are the
  cation-anion first-shell bonds (Na-F within 2.95 Å), whatever the order.
* A **nucleus** is a connected component of that graph restricted to crystalline
  ions (:mod:`seinet.nucleation.order`); n_max is the size of the largest one.

Components are labelled 0, 1, ... by decreasing size, ties by smallest member
index, so labels do not depend on the neighbour search. Positions of a component
are *unwrapped* by a breadth-first walk over its bonds from its smallest member,
adding minimum-image bond vectors, so a nucleus cut by the periodic boundary is
whole again; its centroid is wrapped back into the cell.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from ..bonds.neighbors import neighbor_pairs

__all__ = ["Components", "components", "unwrap_components", "wrap_positions", "contact_mask"]


@dataclass(frozen=True)
class Components:
    """Connected components of a subset of nodes.

    Attributes
    ----------
    labels : ndarray of int64 (N,)
        Component of every node, -1 for nodes outside the subset; 0 is the largest.
    sizes : ndarray of int64 (K,)
        Size of each component (non-increasing).
    """

    labels: np.ndarray
    sizes: np.ndarray

    @property
    def n(self) -> int:
        return int(len(self.sizes))

    def members(self, k: int) -> np.ndarray:
        """Sorted node indices of component ``k``."""
        return np.flatnonzero(self.labels == k)

    def member_lists(self) -> list[np.ndarray]:
        """Sorted node indices of every component, in label order (O(N log N))."""
        nodes = np.flatnonzero(self.labels >= 0)
        order = np.argsort(self.labels[nodes], kind="stable")
        return np.split(nodes[order], np.cumsum(self.sizes)[:-1]) if self.n else []


def components(n: int, i: np.ndarray, j: np.ndarray, mask: np.ndarray | None = None) -> Components:
    """Connected components of the nodes in ``mask`` under the edges ``i``-``j``.

    Parameters
    ----------
    n : int
        Number of nodes.
    i, j : ndarray of int
        Edges; only those with both ends in ``mask`` count.
    mask : ndarray of bool (n,), optional
        Nodes that take part (default: all; isolated nodes are components of size 1).

    Returns
    -------
    Components

    Notes
    -----
    O(N + E) (scipy.sparse.csgraph), plus O(K log K) for the canonical label order.
    """
    mask = np.ones(n, dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
    keep = mask[i] & mask[j] if len(i) else np.zeros(0, dtype=bool)
    graph = coo_matrix((np.ones(int(keep.sum()), dtype=np.int8), (i[keep], j[keep])), shape=(n, n)).tocsr()
    _, raw = connected_components(graph, directed=False)
    raw = np.where(mask, raw, -1)
    labels = np.full(n, -1, dtype=np.int64)
    nodes = np.flatnonzero(mask)
    if len(nodes) == 0:
        return Components(labels, np.zeros(0, dtype=np.int64))
    uniq, first, inverse, sizes = np.unique(raw[nodes], return_index=True, return_inverse=True, return_counts=True)
    smallest = nodes[first]  # nodes are sorted, so the first occurrence is the smallest member
    order = np.lexsort((smallest, -sizes))
    rank = np.empty(len(uniq), dtype=np.int64)
    rank[order] = np.arange(len(uniq))
    labels[nodes] = rank[inverse]
    return Components(labels, sizes[order].astype(np.int64))


def unwrap_components(positions: np.ndarray, comps: Components, i: np.ndarray, j: np.ndarray,
                      vectors: np.ndarray) -> np.ndarray:
    """Positions of every component made whole across periodic boundaries.

    Parameters
    ----------
    positions : ndarray (N, 3)
    comps : Components
    i, j, vectors : ndarray
        Bonds and their minimum-image vectors ``r_j - r_i``.

    Returns
    -------
    ndarray (N, 3)
        The root (smallest member) of each component keeps its position; every other
        member is placed at its parent's unwrapped position plus the bond vector.
        Nodes outside every component keep their positions.

    Notes
    -----
    Breadth-first, one vectorised step per level: O(E * depth), depth being the
    largest graph distance from a root (tens of bonds for nuclei of thousands of ions).
    """
    out = np.array(positions, dtype=np.float64, copy=True)
    lab = comps.labels
    if comps.n == 0 or len(i) == 0:
        return out
    keep = (lab[i] >= 0) & (lab[i] == lab[j])
    src = np.concatenate([i[keep], j[keep]])
    dst = np.concatenate([j[keep], i[keep]])
    vec = np.concatenate([vectors[keep], -vectors[keep]])
    order = np.lexsort((src, dst))  # deterministic parent choice: smallest source per target
    src, dst, vec = src[order], dst[order], vec[order]
    visited = np.zeros(len(lab), dtype=bool)
    visited[_roots(lab, comps.n)] = True
    while True:
        step = visited[src] & ~visited[dst]
        if not step.any():
            break
        s, d, v = src[step], dst[step], vec[step]
        d_u, first = np.unique(d, return_index=True)
        out[d_u] = out[s[first]] + v[first]
        visited[d_u] = True
    return out


def _roots(labels: np.ndarray, k: int) -> np.ndarray:
    nodes = np.flatnonzero(labels >= 0)
    roots = np.full(k, -1, dtype=np.int64)
    # first occurrence of each label among sorted nodes is its smallest member
    uniq, first = np.unique(labels[nodes], return_index=True)
    roots[uniq] = nodes[first]
    return roots


def wrap_positions(points: np.ndarray, cell: np.ndarray) -> np.ndarray:
    """Points mapped into the cell [0, 1)^3 in fractional coordinates."""
    frac = np.atleast_2d(points) @ np.linalg.inv(cell)
    frac -= np.floor(frac)
    return frac @ cell


def contact_mask(positions: np.ndarray, cell: np.ndarray, query: np.ndarray, targets: np.ndarray,
                 distance_A: float) -> np.ndarray:
    """Which ``query`` points have a ``targets`` point within ``distance_A`` (periodic).

    Parameters
    ----------
    positions : ndarray (N, 3)
        All points (query and targets).
    cell : ndarray (3, 3)
    query, targets : ndarray of bool (N,)
    distance_A : float

    Returns
    -------
    ndarray of bool (N,)
        True for query points in contact with a target.

    Notes
    -----
    O(N) cell list with the query points as centres.
    """
    hit = np.zeros(len(positions), dtype=bool)
    if not query.any() or not targets.any() or distance_A <= 0:
        return hit
    sel = np.flatnonzero(query | targets)
    types = np.where(query[sel], 0, 1).astype(np.int64)
    cut = np.array([[0.0, distance_A], [distance_A, 0.0]])
    a, b, _ = neighbor_pairs(positions[sel], cell, types, cut, centers=np.flatnonzero(types == 0))
    hit[sel[a]] = True
    return hit
