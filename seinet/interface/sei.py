"""The SEI of one frame: which units form it, how thick it is, what it is made of.

Definition (docs/interface.md)
------------------------------
The SEI is the set of units (covalent molecules, free ions, ionic aggregates)
whose species class is ``inorganic SEI`` or ``organic SEI``
(:mod:`seinet.chem.names`: NaF, Na2O, Na2CO3, NaOH, F-, carbonate, ... are
inorganic; alkoxides, alkyl carbonates, EDC are organic; an aggregate is organic
when one of its anions is) and whose centroid lies within ``max_distance_A`` of
the electrode surface (signed distance, so SEI units between surface atoms count).
Decomposition products that drifted farther into the electrolyte are not SEI.

* thickness: the ``quantile`` (0.95) of the distances of the SEI's atoms from the
  surface (0 when there is no SEI): robust against one far atom;
* composition: atoms in inorganic and in organic SEI units (atoms, not units: a
  (NaF)32 nucleus weighs 64, not 1), their ratio (NaN without organic SEI) and the
  inorganic fraction inorganic / (inorganic + organic).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["SeiTrack", "SEI_COLUMNS", "SEI_NONE", "SEI_INORGANIC", "SEI_ORGANIC"]

SEI_NONE, SEI_INORGANIC, SEI_ORGANIC = 0, 1, 2
SEI_COLUMNS = ["frame", "time_ps", "thickness_A", "inorganic", "organic", "ratio", "inorganic_fraction",
               "inorganic_units", "organic_units"]


class SeiTrack:
    """Accumulates sei.csv and the per-species SEI composition frame by frame.

    Parameters
    ----------
    max_distance_A : float
        Units whose centroid is farther from the surface are not SEI.
    quantile : float
        Quantile of SEI atom distances reported as the thickness.
    """

    def __init__(self, max_distance_A: float = 8.0, quantile: float = 0.95) -> None:
        self.max_distance_A = float(max_distance_A)
        self.quantile = float(quantile)
        self._rows: list[tuple] = []
        self._comp: list[tuple[np.ndarray, ...]] = []

    def select(self, unit_class: np.ndarray, unit_distance_A: np.ndarray) -> np.ndarray:
        """Boolean mask of the units in the SEI."""
        return (unit_class != SEI_NONE) & (unit_distance_A <= self.max_distance_A)

    def add(self, frame: int, time_ps: float, in_sei: np.ndarray, unit_class: np.ndarray, unit_species: np.ndarray,
            unit_size: np.ndarray, atom_distance_A: np.ndarray) -> None:
        """One frame; ``atom_distance_A`` holds the distances of the SEI units' atoms."""
        cls, size, sid = unit_class[in_sei], unit_size[in_sei], unit_species[in_sei]
        inorg = int(size[cls == SEI_INORGANIC].sum())
        org = int(size[cls == SEI_ORGANIC].sum())
        thick = float(np.quantile(np.maximum(atom_distance_A, 0.0), self.quantile)) if len(atom_distance_A) else 0.0
        ratio = inorg / org if org else np.nan
        frac = inorg / (inorg + org) if inorg + org else np.nan
        self._rows.append((frame, time_ps, thick, inorg, org, ratio, frac, int((cls == SEI_INORGANIC).sum()),
                           int((cls == SEI_ORGANIC).sum())))
        if len(sid):
            ids, inv = np.unique(sid, return_inverse=True)
            units = np.bincount(inv).astype(np.int64)
            atoms = np.bincount(inv, weights=size).astype(np.int64)
            self._comp.append((np.full(len(ids), frame, np.int64), np.full(len(ids), time_ps), ids, units, atoms))

    def table(self) -> pd.DataFrame:
        """sei.csv (:data:`SEI_COLUMNS`)."""
        return pd.DataFrame(self._rows, columns=SEI_COLUMNS)

    def composition(self, label_of) -> pd.DataFrame:
        """sei_composition.csv: frame, time_ps, species (label), units, atoms; non-zero rows only.

        ``label_of(ids) -> sequence of str`` names the species ids the frames used.
        """
        if not self._comp:
            return pd.DataFrame(columns=["frame", "time_ps", "species", "units", "atoms"])
        frame, time, ids, units, atoms = (np.concatenate(x) for x in zip(*self._comp))
        df = pd.DataFrame({"frame": frame, "time_ps": time, "species": list(label_of(ids)), "units": units,
                           "atoms": atoms})
        return df.sort_values(["frame", "species"], kind="stable").reset_index(drop=True)
