"""Tests for seinet.chem.names: common names and species classes."""

import pytest
from rdkit import Chem

from seinet.chem import CLASSES, COMMON_NAMES, classify, common_name, perceive
from seinet.chem.names import SPECIES_CLASSES, _TABLE


def graph_of(smiles):
    mol = Chem.AddHs(Chem.MolFromSmiles(smiles))
    return (
        [a.GetSymbol() for a in mol.GetAtoms()],
        [(b.GetBeginAtomIdx(), b.GetEndAtomIdx()) for b in mol.GetBonds()],
    )


def test_table_size_and_keys_are_canonical():
    assert len(COMMON_NAMES) >= 40
    assert set(COMMON_NAMES) == set(SPECIES_CLASSES)
    assert set(SPECIES_CLASSES.values()) <= set(CLASSES)
    for key in COMMON_NAMES:
        assert Chem.MolToSmiles(Chem.MolFromSmiles(key), isomericSmiles=False) == key


@pytest.mark.parametrize(("smiles", "name", "cls"), _TABLE)
def test_every_table_species_is_perceived_from_its_graph(smiles, name, cls):
    symbols, bonds = graph_of(smiles)
    res = perceive(symbols, bonds)
    assert res.valid
    assert common_name(res.smiles) == name
    assert classify(res, symbols) == cls
    assert classify(res.smiles) == cls


@pytest.mark.parametrize(
    ("smiles", "name", "cls"),
    [
        ("O=C1OCCO1", "EC", "solvent"),
        ("COCCOC", "DME", "solvent"),
        ("F[P-](F)(F)(F)(F)F", "PF6-", "salt anion"),
        ("FP(F)(F)(F)F", "PF5", "gas"),
        ("O=P(F)(F)F", "POF3", "gas"),
        ("F", "HF", "gas"),
        ("C=C", "C2H4", "gas"),
        ("[C-]#[O+]", "CO", "gas"),
        ("O=C=O", "CO2", "gas"),
        ("[HH]", "H2", "gas"),
        ("[F-]", "F-", "inorganic SEI"),
        ("O=C([O-])[O-]", "CO3 2-", "inorganic SEI"),
        ("[O-2]", "O2-", "inorganic SEI"),
        ("O=C([O-])OCCOC(=O)[O-]", "EDC 2-", "organic SEI"),
        ("[O-]CC[O-]", "ethylene glycolate", "organic SEI"),
        ("[CH3]", "methyl radical", "radical/fragment"),
    ],
)
def test_key_species(smiles, name, cls):
    assert common_name(smiles) == name
    assert classify(smiles) == cls


def test_non_canonical_spelling_is_found():
    assert common_name("C1OC(=O)OC1") == "EC"
    assert common_name("[O+]#[C-]") == "CO"


@pytest.mark.parametrize(
    ("smiles", "cls"),
    [
        ("CCC", "gas"),  # small neutral closed shell
        ("CCCO", "organic SEI"),  # alcohol: not a gas
        ("CCCC[O-]", "organic SEI"),  # organic anion
        ("O=C([O-])CC", "organic SEI"),
        ("[CH2]CC", "radical/fragment"),
        ("OP(O)(O)=O", "inorganic SEI"),
        ("F[Si-2](F)(F)(F)(F)F", "inorganic SEI"),
        ("CCOCCOCCOCC", "organic SEI"),  # large neutral oligomer
        ("[NH4+]", "ion"),
        ("not a smiles", "radical/fragment"),
    ],
)
def test_rules_for_species_not_in_table(smiles, cls):
    assert common_name(smiles) is None
    assert classify(smiles) == cls


def test_invalid_perception_is_fragment():
    res = perceive(["C"] + ["H"] * 5, [(0, k) for k in range(1, 6)])
    assert classify(res) == "radical/fragment"
