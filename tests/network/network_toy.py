"""Toy reaction network with known counts: labels and table builders (no fixtures here)."""

import pandas as pd

EC = "O=C1OCCO1"
ECR = "O=C([O-])OCC[CH2]"  # ring-opened EC radical anion
C2H4 = "C=C"
CO3 = "O=C([O-])[O-]"
CO = "[C-]#[O+]"
GLY = "[O-]CC[O-]"
PF6 = "F[P-](F)(F)(F)(F)F"
PF5 = "FP(F)(F)(F)F"
F = "[F-]"
NA = "[Na+]"
NAF = "NaF"  # aggregate: its label is the name


def key(reactants, products):
    return ".".join(sorted(reactants)) + ">" + ".".join(sorted(products))


def species_table():
    rows = [
        (0, EC, "C3H4O3", "EC", 0, 10, "solvent", "molecule"),
        (1, ECR, "C3H4O3", "EC radical", -1, 10, "radical/fragment", "molecule"),
        (2, C2H4, "C2H4", "ethylene", 0, 6, "gas", "molecule"),
        (3, CO3, "CO3", "carbonate", -2, 4, "inorganic SEI", "molecule"),
        (4, CO, "CO", "CO", 0, 2, "gas", "molecule"),
        (5, GLY, "C2H4O2", "ethylene glycolate", -2, 8, "organic SEI", "molecule"),
        (6, PF6, "F6P", "PF6-", -1, 7, "salt anion", "molecule"),
        (7, PF5, "F5P", "PF5", 0, 6, "gas", "molecule"),
        (8, F, "F", "fluoride", -1, 1, "inorganic SEI", "molecule"),
        (9, NA, "Na", "Na+", 1, 1, "ion", "ion"),
        (10, "[Na+].[F-]", "FNa", NAF, 0, 2, "inorganic SEI", "aggregate"),
    ]
    df = pd.DataFrame(rows, columns=["species_id", "smiles", "formula", "name", "charge", "n_atoms", "class",
                                     "kind"])
    df["first_frame"] = 0
    df["first_time_ps"] = 0.0
    return df


def reactions_table():
    rows = [
        ("R1", key([EC], [ECR]), "EC -> EC radical", 12, 2),
        ("R2", key([ECR], [C2H4, CO3]), "EC radical -> C2H4 + CO3", 5, 0),
        ("R3", key([ECR], [CO, GLY]), "EC radical -> CO + glycolate", 45, 0),
        ("R4", key([EC], [C2H4, CO3]), "EC -> C2H4 + CO3", 3, 0),
        ("R5", key([PF6], [PF5, F]), "PF6- -> PF5 + F-", 4, 0),
        ("R6", key([F, NA], [NAF]), "F- + Na+ -> NaF", 3, 0),
    ]
    df = pd.DataFrame(rows, columns=["reaction_id", "reaction_key", "equation", "forward_count", "reverse_count"])
    df["net"] = df["forward_count"] - df["reverse_count"]
    df["first_frame"] = [1, 2, 3, 4, 5, 6]
    df["first_time_ps"] = df["first_frame"] * 0.1
    return df
