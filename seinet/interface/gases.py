"""Gas products over time: counts of every gas-class species and the CO2/CO ratio.

A table-only model: it reads species_counts and species.csv (no trajectory).
Gas species are those of class ``gas`` (:mod:`seinet.chem.names`: H2, CH4, C2H4,
C2H6, CO, CO2, PF5, PF3, POF3, HF, ...), named by their common name.
``co2_co_ratio`` is NaN while no CO is present.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..species.catalogue import species_labels

__all__ = ["gas_table", "KEY_GASES"]

#: Gases always written as columns (zero when absent), in this order.
KEY_GASES: tuple[str, ...] = ("C2H4", "CO", "CO2", "H2", "CH4")


def gas_table(counts: pd.DataFrame, species: pd.DataFrame) -> pd.DataFrame:
    """gases.csv: frame, time_ps, one column per gas (common name), total_gas, co2_co_ratio.

    Parameters
    ----------
    counts : DataFrame
        species_counts (frame, time_ps, one column per species label).
    species : DataFrame
        species.csv.

    Notes
    -----
    O(F x G) for F frames and G gas species.
    """
    gas = species[species["class"] == "gas"]
    out = counts[["frame", "time_ps"]].copy()
    names = dict(zip(species_labels(gas), gas["name"].astype(str)))
    columns = {name: np.zeros(len(counts), np.int64) for name in KEY_GASES}
    for label, name in names.items():
        if label in counts:
            columns[name] = columns.get(name, np.zeros(len(counts), np.int64)) + counts[label].to_numpy(np.int64)
    for name in list(KEY_GASES) + sorted(set(columns) - set(KEY_GASES)):
        out[name] = columns[name]
    out["total_gas"] = sum(columns.values()) if columns else 0
    with np.errstate(divide="ignore", invalid="ignore"):
        out["co2_co_ratio"] = np.where(out["CO"] > 0, out["CO2"] / out["CO"].where(out["CO"] > 0, 1), np.nan)
    return out
