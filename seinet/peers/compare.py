"""Put seinet's species counts on a peer's footing (formula per frame)."""

from __future__ import annotations

import pandas as pd

from ..species.catalogue import species_labels

__all__ = ["counts_by_formula"]


def counts_by_formula(counts: pd.DataFrame, species: pd.DataFrame, steps=None) -> pd.DataFrame:
    """Long table ``frame (or step), formula, count``: species with one formula summed.

    Peers such as LAMMPS ``fix reaxff/species`` count molecules by formula only;
    seinet distinguishes isomers, so isomers are summed here.
    """
    label = species_labels(species)
    formula_of = dict(zip(label, species["formula"]))
    long = counts.melt(id_vars=["frame", "time_ps"], var_name="label", value_name="count")
    long = long[long["count"] > 0]
    long["formula"] = long["label"].map(formula_of)
    out = long.groupby(["frame", "formula"], as_index=False)["count"].sum()
    if steps is not None:
        out["step"] = out["frame"].map(dict(enumerate(steps)))
    return out
