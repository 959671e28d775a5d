"""Tests for seinet.chem.formula."""

import pytest

from seinet.chem import hill_formula


@pytest.mark.parametrize(
    ("symbols", "expected"),
    [
        ("CCCHHHHOOO", "C3H4O3"),  # EC
        ("PFFFFFF", "F6P"),  # PF6-
        ("HF", "FH"),
        ("HHO", "H2O"),
        ("OCO", "CO2"),
        ("HHHHC", "CH4"),
        ("C", "C"),
        ("NaF", "FNa"),
        ("OPFFF", "F3OP"),  # POF3
        ("CCHHHHHHOO", "C2H6O2"),  # ethylene glycol
    ],
)
def test_hill_formula(symbols, expected):
    import re

    atoms = re.findall(r"[A-Z][a-z]?", symbols)
    assert hill_formula(atoms) == expected


def test_hill_formula_order_independent_and_empty():
    assert hill_formula(["O", "C", "H", "Na", "H", "F"]) == "CH2FNaO"
    assert hill_formula(reversed(["O", "C", "H", "Na", "H", "F"])) == "CH2FNaO"
    assert hill_formula([]) == ""
    assert hill_formula(["Cl", "H", "C", "Br"]) == "CHBrCl"
