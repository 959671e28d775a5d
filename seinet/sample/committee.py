"""Committee force disagreement: where models trained on the same data disagree, the data is thin.

For a structure and M >= 2 models, the disagreement of atom i is the root mean square deviation
of the models' force vectors from their mean,

    sigma_i = sqrt( (1/M) sum_m |F_i^m - <F_i>|^2 ),

and the structure's disagreement is max_i sigma_i (eV/Å): the quantity GPUMD's ``active``
keyword thresholds, so a structure selected here is one GPUMD would flag.
"""

from __future__ import annotations

import os

import numpy as np

from ..errors import ConfigError

__all__ = ["force_disagreement", "committee_forces"]


def force_disagreement(forces: np.ndarray) -> np.ndarray:
    """Per-atom disagreement from stacked forces.

    Parameters
    ----------
    forces : ndarray (M, N, 3)
        Forces of M models on N atoms.

    Returns
    -------
    ndarray (N,)
    """
    forces = np.asarray(forces, dtype=float)
    if forces.ndim != 3 or forces.shape[0] < 2 or forces.shape[2] != 3:
        raise ConfigError(f"a committee needs forces of >= 2 models, shape (M, N, 3) (got {forces.shape})")
    dev = forces - forces.mean(axis=0)
    return np.sqrt((dev ** 2).sum(axis=2).mean(axis=0))


def committee_forces(structures, models) -> np.ndarray:
    """max_i sigma_i of every structure under a committee of NEP models (calorine CPUNEP).

    Parameters
    ----------
    structures : sequence of ase.Atoms
    models : sequence of paths
        Two or more nep.txt files (same elements).

    Returns
    -------
    ndarray (len(structures),)
    """
    from calorine.calculators import CPUNEP

    models = [os.fspath(m) for m in models]
    if len(models) < 2:
        raise ConfigError(f"a committee needs >= 2 models (got {len(models)})")
    calcs = [CPUNEP(m) for m in models]
    out = np.empty(len(structures))
    for k, atoms in enumerate(structures):
        stack = []
        for calc in calcs:
            work = atoms.copy()
            work.calc = calc
            stack.append(work.get_forces())
        out[k] = float(force_disagreement(np.array(stack)).max())
    return out
