"""Table-only models of the interface stage: gases and sodium loss from events."""

import numpy as np
import pandas as pd
import pytest

from seinet.interface import gas_table, group_matches, sodium_loss


def test_gas_table_counts_and_ratio():
    species = pd.DataFrame({"species_id": [0, 1, 2, 3], "smiles": ["O=C1OCCO1", "[C-]#[O+]", "O=C=O", "C=C"],
                            "name": ["EC", "CO", "CO2", "C2H4"], "class": ["solvent", "gas", "gas", "gas"],
                            "kind": ["molecule"] * 4})
    counts = pd.DataFrame({"frame": [0, 1, 2], "time_ps": [0.0, 0.1, 0.2], "O=C1OCCO1": [10, 9, 8],
                           "[C-]#[O+]": [0, 2, 4], "O=C=O": [1, 1, 2], "C=C": [0, 0, 1]})
    g = gas_table(counts, species)
    assert g["CO"].tolist() == [0, 2, 4] and g["CO2"].tolist() == [1, 1, 2] and g["H2"].tolist() == [0, 0, 0]
    assert g["total_gas"].tolist() == [1, 3, 7]
    assert np.isnan(g["co2_co_ratio"].iloc[0]) and g["co2_co_ratio"].tolist()[1:] == [0.5, 0.5]
    assert "EC" not in g


def test_sodium_loss_from_redox_events():
    inv = pd.DataFrame({"frame": range(6), "time_ps": np.arange(6) * 0.1, "metal": [10] * 6,
                        "metal_electrode": [10] * 6, "ion_electrolyte": [0] * 6, "ion_sei": [0] * 6})
    ev = pd.DataFrame({"frame": [1, 2, 3, 4, 4], "kind": ["oxidation", "oxidation", "deposition", "oxidation",
                                                          "reaction"],
                       "atoms": ["5", "7", "5", "5", "1 2 3"]})
    out = sodium_loss(inv, ev)
    assert out["oxidised"].tolist() == [0, 1, 2, 2, 3, 3]
    assert out["deposited"].tolist() == [0, 0, 0, 1, 1, 1]
    # atom 7 lost from frame 2; atom 5 came back at 3 and left for good at 4
    assert out["lost"].tolist() == [0, 0, 1, 1, 2, 2]
    assert out["lost_fraction"].iloc[-1] == pytest.approx(0.2)


def test_groups():
    assert group_matches("solvent", "EC", "O=C1OCCO1", "solvent", "molecule", "C3H4O3")
    assert group_matches("NaF aggregates", "Na4F4", "Na4F4", "inorganic SEI", "aggregate", "F4Na4")
    assert not group_matches("NaF aggregates", "Na2CO3", "Na2CO3", "inorganic SEI", "aggregate", "CNa2O3")
    assert group_matches("Na+", "Na+", "[Na+]", "ion", "ion", "Na")
    assert group_matches("PF6-", "PF6-", "F[P-](F)(F)(F)(F)F", "salt anion", "molecule", "F6P")
    assert group_matches("O=C1OCCO1", "EC", "O=C1OCCO1", "solvent", "molecule", "C3H4O3")
