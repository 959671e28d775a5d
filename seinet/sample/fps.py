"""Farthest-point sampling of structures in NEP descriptor space.

A structure is described by the mean NEP descriptor of each element's atoms, concatenated
(elements in a fixed order; an absent element contributes zeros), computed with the current
model by calorine's ``get_descriptors``. Features are scaled by the spread of the candidates
and the training set together. Farthest-point sampling then repeatedly picks the candidate
whose distance to everything already chosen (the training set included) is largest: new
structures cover what the training set lacks, not more of what it has. Ties break by the
lower index, so the choice is deterministic.
"""

from __future__ import annotations

import os

import numpy as np

from ..errors import ConfigError

__all__ = ["structure_descriptors", "farthest_points"]


def structure_descriptors(structures, model: str | os.PathLike, elements=None) -> np.ndarray:
    """Per-structure descriptor vectors (module docstring).

    Parameters
    ----------
    structures : sequence of ase.Atoms
    model : path
        nep.txt whose descriptor is used.
    elements : sequence of str, optional
        Element order (default: sorted elements of all structures).

    Returns
    -------
    ndarray (S, len(elements) * D)
    """
    from calorine.nep import get_descriptors

    structures = list(structures)
    if elements is None:
        elements = sorted({s for a in structures for s in a.get_chemical_symbols()})
    rows = []
    for atoms in structures:
        d = np.asarray(get_descriptors(atoms, model_filename=os.fspath(model)), dtype=float)
        symbols = np.asarray(atoms.get_chemical_symbols())
        parts = [d[symbols == e].mean(axis=0) if np.any(symbols == e) else np.zeros(d.shape[1]) for e in elements]
        rows.append(np.concatenate(parts))
    return np.array(rows) if rows else np.empty((0, 0))


def farthest_points(candidates: np.ndarray, n: int, existing: np.ndarray | None = None) -> list[int]:
    """Indices of ``n`` candidates chosen by farthest-point sampling (module docstring).

    Parameters
    ----------
    candidates : ndarray (C, F)
    n : int
    existing : ndarray (E, F), optional
        Already chosen points (the training set); the first pick is the candidate farthest
        from them, or candidate 0 without them.

    Returns
    -------
    list of int
    """
    X = np.asarray(candidates, dtype=float)
    if X.ndim != 2:
        raise ConfigError(f"candidates must be a 2D array (got shape {X.shape})")
    n = min(int(n), len(X))
    if n <= 0:
        return []
    E = np.empty((0, X.shape[1])) if existing is None or len(existing) == 0 else np.asarray(existing, dtype=float)
    scale = np.vstack([X, E]).std(axis=0)
    scale[scale == 0] = 1.0
    Xs, Es = X / scale, E / scale
    if len(Es):
        dist = np.min(((Xs[:, None, :] - Es[None, :, :]) ** 2).sum(axis=2), axis=1)
    else:
        dist = np.full(len(Xs), np.inf)
    chosen: list[int] = []
    for step in range(n):
        k = 0 if step == 0 and not len(Es) else int(np.argmax(dist))  # nothing chosen yet: candidate 0
        chosen.append(k)
        dist = np.minimum(dist, ((Xs - Xs[k]) ** 2).sum(axis=1))
        dist[chosen] = -1.0
    return chosen
