"""Sodium inventory: where the alkali atoms are in every frame, and how much metal is lost.

Per frame (na_inventory.csv): ``metal`` (alkali atoms the ionic layer calls metal),
``metal_electrode`` (those in the electrode), ``ion_sei`` (ions inside SEI units:
the Na of NaF, Na2CO3, alkoxide aggregates in the SEI region), ``ion_electrolyte``
(all other ions), and from the redox events of events.csv (metal -> ion
``oxidation`` and ion -> metal ``deposition``, each lasting at least the redox
window; flicker is not an event):

* ``oxidised`` / ``deposited``: cumulative number of such events up to the frame;
* ``lost``: atoms whose latest redox event up to the end of the run is an
  oxidation that happened at or before the frame: metal that became ion and did
  not return; ``lost_fraction`` divides by the metal atoms of the first frame.

An atom oxidised near the end of the run may still return later: ``lost`` is
what the trajectory shows, not a forecast.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["InventoryTrack", "sodium_loss", "INVENTORY_COLUMNS"]

INVENTORY_COLUMNS = ["frame", "time_ps", "metal", "metal_electrode", "ion_electrolyte", "ion_sei"]


class InventoryTrack:
    """Accumulates the per-frame counts of :data:`INVENTORY_COLUMNS`."""

    def __init__(self) -> None:
        self._rows: list[tuple] = []

    def add(self, frame: int, time_ps: float, metal: int, metal_electrode: int, ion_electrolyte: int,
            ion_sei: int) -> None:
        self._rows.append((frame, time_ps, metal, metal_electrode, ion_electrolyte, ion_sei))

    def table(self) -> pd.DataFrame:
        return pd.DataFrame(self._rows, columns=INVENTORY_COLUMNS)


def sodium_loss(inventory: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """Add ``oxidised``, ``deposited``, ``lost`` and ``lost_fraction`` to the inventory (module docstring).

    Parameters
    ----------
    inventory : DataFrame
        :data:`INVENTORY_COLUMNS`, one row per frame.
    events : DataFrame
        events.csv (``frame``, ``kind``, ``atoms``); only ``oxidation`` and ``deposition`` rows are used.

    Notes
    -----
    O(F + E log E) for F frames and E redox events.
    """
    out = inventory.copy()
    frames = out["frame"].to_numpy(np.int64)
    redox = events[events["kind"].isin(["oxidation", "deposition"])] if len(events) else events
    for kind, col in (("oxidation", "oxidised"), ("deposition", "deposited")):
        f = np.sort(redox.loc[redox["kind"] == kind, "frame"].to_numpy(np.int64)) if len(redox) else np.empty(0)
        out[col] = np.searchsorted(f, frames, side="right").astype(np.int64)
    lost_at = np.empty(0, np.int64)
    if len(redox):
        atoms = redox["atoms"].astype(str).str.split().str[0].astype(np.int64).to_numpy()
        last = pd.DataFrame({"atom": atoms, "frame": redox["frame"].to_numpy(np.int64),
                             "kind": redox["kind"].to_numpy()}).sort_values(["atom", "frame"], kind="stable")
        last = last.groupby("atom").tail(1)
        lost_at = np.sort(last.loc[last["kind"] == "oxidation", "frame"].to_numpy(np.int64))
    out["lost"] = np.searchsorted(lost_at, frames, side="right").astype(np.int64)
    metal0 = int(out["metal"].iloc[0]) if len(out) else 0
    out["lost_fraction"] = out["lost"] / metal0 if metal0 else np.nan
    return out
