"""Deterministic train/test split of a list of structures.

The test set is a seeded random draw (``numpy.random.default_rng(seed).permutation``) of
``round(test_fraction * n)`` structures, at least one and at most ``n - 1`` when ``n >= 2`` and
``test_fraction > 0``; both sets keep the input order. The same ``n``, fraction and seed give
the same split on every machine (numpy's PCG64 stream is fixed).
"""

from __future__ import annotations

import numpy as np

from ..simulate.errors import SimulationConfigError

__all__ = ["split_indices", "split_train_test"]


def split_indices(n: int, test_fraction: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the training and the test structures among ``n``.

    Parameters
    ----------
    n : int
        Number of structures.
    test_fraction : float
        Fraction in [0, 1) that goes to the test set.
    seed : int

    Returns
    -------
    train, test : numpy.ndarray of int
        Sorted, disjoint, together ``range(n)``.

    Raises
    ------
    SimulationConfigError
        ``test_fraction`` outside [0, 1).

    Notes
    -----
    O(n).
    """
    if not 0.0 <= float(test_fraction) < 1.0:
        raise SimulationConfigError(f"test_fraction must be in [0, 1) (got {test_fraction})")
    n = int(n)
    n_test = 0
    if n >= 2 and test_fraction > 0:
        n_test = min(max(int(round(test_fraction * n)), 1), n - 1)
    order = np.random.default_rng(int(seed)).permutation(n)
    test = np.sort(order[:n_test])
    train = np.setdiff1d(np.arange(n), test)
    return train, test


def split_train_test(structures, test_fraction: float = 0.2, seed: int = 0) -> tuple[list, list]:
    """Split structures into a training and a test list (see :func:`split_indices`).

    Parameters
    ----------
    structures : sequence
        Anything indexable (labelled ``ase.Atoms`` in practice).
    test_fraction : float
    seed : int

    Returns
    -------
    train, test : list
        The same objects (not copies), each list in input order.
    """
    structures = list(structures)
    train, test = split_indices(len(structures), test_fraction, seed)
    return [structures[i] for i in train], [structures[i] for i in test]
