"""Principal components of the structures in the descriptor space of a trained NEP model.

Each structure becomes one point: the mean over its atoms of the model's descriptor vector
(calorine's :func:`calorine.nep.get_descriptors`), scaled by the model's ``q_scaler`` (what the
network sees). The points are centred and projected on the leading right singular vectors of
``numpy.linalg.svd``; each component's sign is fixed so that its largest loading is positive,
which makes the coordinates reproducible. Coloured by ``config_type`` (the sampler's iteration,
``iter0``, ``iter1``, ...), the map shows where each round of sampling added data.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["DescriptorPCA", "mean_descriptors", "descriptor_pca"]


@dataclass(frozen=True)
class DescriptorPCA:
    """Structures projected on the principal components of their mean descriptors.

    Attributes
    ----------
    table : DataFrame
        One row per structure: structure (index within its set), set, config_type, formula,
        pc1, pc2, ...
    explained_variance_ratio : numpy.ndarray
        Share of the variance along each component.
    """

    table: pd.DataFrame
    explained_variance_ratio: np.ndarray

    def to_dataframe(self) -> pd.DataFrame:
        """The table."""
        return self.table.copy()


def mean_descriptors(structures, model: str | os.PathLike) -> np.ndarray:
    """(n_structures, n_descriptors) mean descriptor of each structure, scaled by ``q_scaler``.

    Notes
    -----
    One calorine descriptor evaluation per structure: O(atoms x neighbours); calorine reads the
    model file once per structure.
    """
    from calorine.nep import get_descriptors, read_model

    scaler = np.asarray(read_model(str(model)).q_scaler, dtype=float)
    rows = []
    for atoms in structures:
        d = np.asarray(get_descriptors(atoms, str(model)), dtype=float)
        rows.append(d.mean(axis=0) * scaler[: d.shape[1]])
    return np.array(rows).reshape(len(rows), -1)


def descriptor_pca(sets: dict, model: str | os.PathLike, n_components: int = 2) -> DescriptorPCA:
    """PCA of the mean descriptors of the structures of several sets.

    Parameters
    ----------
    sets : dict
        Set name (``"train"``, ``"test"``) -> list of ase.Atoms; ``info["config_type"]`` colours
        the points. The components are fitted on the first set (the training set) and the
        others are projected on them.
    model : path
        ``nep.txt``.
    n_components : int

    Returns
    -------
    DescriptorPCA
    """
    names = list(sets)
    blocks = {name: mean_descriptors(sets[name], model) for name in names}
    fit = blocks[names[0]] if names else np.zeros((0, 0))
    k = int(n_components)
    if len(fit) >= 2:
        mean = fit.mean(axis=0)
        _, s, vt = np.linalg.svd(fit - mean, full_matrices=False)
        vt = vt[:k]
        flip = np.sign(vt[np.arange(len(vt)), np.abs(vt).argmax(axis=1)])
        vt = vt * flip[:, None]
        ratio = (s ** 2 / max(float((s ** 2).sum()), 1e-300))[:k]
    else:
        mean = fit.mean(axis=0) if len(fit) else 0.0
        vt = np.zeros((0, fit.shape[1] if fit.ndim == 2 else 0))
        ratio = np.zeros(0)
    frames = []
    for name in names:
        x = blocks[name]
        scores = (x - mean) @ vt.T if len(x) and len(vt) else np.zeros((len(x), len(vt)))
        frame = pd.DataFrame({"structure": np.arange(len(x)), "set": name,
                              "config_type": [str(a.info.get("config_type", "")) for a in sets[name]],
                              "formula": [a.get_chemical_formula(mode="hill") for a in sets[name]]})
        for j in range(k):
            frame[f"pc{j + 1}"] = scores[:, j] if j < scores.shape[1] else 0.0
        frames.append(frame)
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    ratio = np.concatenate([ratio, np.zeros(max(0, k - len(ratio)))])
    return DescriptorPCA(table, ratio)
