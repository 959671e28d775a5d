"""Tests for seinet.chem.perception: graphs without bond orders to SMILES."""

import random

import pytest
from rdkit import Chem

from seinet.chem import Perception, perceive

# (SMILES, net charge, unpaired electrons): electrolyte, SEI and fragment species.
SPECIES = [
    ("O=C1OCCO1", 0, 0),  # EC
    ("COCCOC", 0, 0),  # DME
    ("F[P-](F)(F)(F)(F)F", -1, 0),  # PF6-
    ("FP(F)(F)(F)F", 0, 0),  # PF5
    ("O=P(F)(F)F", 0, 0),  # POF3
    ("FP(F)F", 0, 0),  # PF3
    ("F", 0, 0),  # HF
    ("[F-]", -1, 0),
    ("C=C", 0, 0),
    ("[C-]#[O+]", 0, 0),  # CO
    ("O=C=O", 0, 0),
    ("[HH]", 0, 0),
    ("C", 0, 0),
    ("O", 0, 0),
    ("[OH-]", -1, 0),
    ("[O-2]", -2, 0),
    ("O=C([O-])[O-]", -2, 0),  # carbonate
    ("O=C([O-])OCCOC(=O)[O-]", -2, 0),  # EDC 2-
    ("[O-]CC[O-]", -2, 0),  # ethylene glycolate
    ("CC[O-]", -1, 0),  # ethoxide
    ("C[O-]", -1, 0),  # methoxide
    ("O=C[O-]", -1, 0),  # formate
    ("CC(=O)[O-]", -1, 0),  # acetate
    ("O=C([O-])C(=O)[O-]", -2, 0),  # oxalate
    ("O=c1occo1", 0, 0),  # VC
    ("COC(=O)OC", 0, 0),  # DMC
    ("CCOC(=O)OC", 0, 0),  # EMC
    ("O=C1OCC(F)O1", 0, 0),  # FEC
    ("CCO", 0, 0),
    ("OCCO", 0, 0),
    ("CC=O", 0, 0),
    ("C=O", 0, 0),
    ("CC", 0, 0),
    ("C#C", 0, 0),
    ("c1ccccc1", 0, 0),
    ("c1ccc2ccccc2c1", 0, 0),  # naphthalene: Kekule from the matching
    ("[CH3]", 0, 1),
    ("[CH]=O", 0, 1),  # formyl radical
    ("[H]", 0, 1),
    ("[CH2]COC(=O)[O-]", -1, 1),  # ring-opened EC radical anion
    ("C=C[O-]", -1, 0),  # enolate preferred over the vinoxy radical
    ("O=P([O-])(F)F", -1, 0),  # PO2F2-
    ("F[P-](F)(F)F", -1, 0),  # PF4 read as closed-shell PF4-
    ("F[B-](F)(F)F", -1, 0),
    ("O=S(=O)([O-])[O-]", -2, 0),  # hypervalent S
    ("O=S(=O)([N-]S(=O)(=O)C(F)(F)F)C(F)(F)F", -1, 0),  # TFSI-
    ("[O-][N+](=O)[O-]", -1, 0),  # nitrate
    ("C[N+](C)(C)C", 1, 0),
    ("[C-]#N", -1, 0),
    ("C=C=O", 0, 0),  # ketene
    ("[Na+]", 1, 0),
    ("[F-].[Na+]", 0, 0),  # disconnected input is fine
]

SEEDS = (0, 1, 2, 3)


def graph_of(smiles):
    """Element list and bond list (orders dropped) with explicit H atoms."""
    mol = Chem.AddHs(Chem.MolFromSmiles(smiles))
    symbols = [a.GetSymbol() for a in mol.GetAtoms()]
    bonds = [(b.GetBeginAtomIdx(), b.GetEndAtomIdx()) for b in mol.GetBonds()]
    charges = [a.GetFormalCharge() for a in mol.GetAtoms()]
    return symbols, bonds, charges


def shuffled(symbols, bonds, charges, seed):
    """The same graph with atoms renumbered by a seeded permutation."""
    perm = list(range(len(symbols)))
    random.Random(seed).shuffle(perm)  # old atom i becomes atom perm[i]
    new_symbols = [None] * len(symbols)
    new_charges = [None] * len(symbols)
    for old, new in enumerate(perm):
        new_symbols[new] = symbols[old]
        new_charges[new] = charges[old]
    new_bonds = [(perm[j], perm[i]) if (i + j) % 2 else (perm[i], perm[j]) for i, j in bonds]
    random.Random(seed + 100).shuffle(new_bonds)
    return new_symbols, new_bonds, new_charges


@pytest.mark.parametrize(("smiles", "charge", "n_radicals"), SPECIES)
def test_perceive_matches_rdkit_for_every_atom_order(smiles, charge, n_radicals):
    expected = Chem.MolToSmiles(Chem.MolFromSmiles(smiles))
    symbols, bonds, charges = graph_of(smiles)
    results = []
    for seed in SEEDS:
        s, b, q = shuffled(symbols, bonds, charges, seed)
        res = perceive(s, b)
        assert isinstance(res, Perception)
        assert res.valid
        assert res.smiles == expected
        assert res.charge == charge
        assert res.n_radicals == n_radicals
        assert len(res.atom_charges) == len(s)
        assert sum(res.atom_charges) == charge
        # charges sit on atoms of the right elements (resonance-equivalent
        # atoms may swap, so compare element/charge multisets)
        assert sorted(zip(s, res.atom_charges)) == sorted(zip(s, q))
        results.append(res)
    assert len({r.skeleton_key for r in results}) == 1
    # everything but the per-atom charges (input order) is order-independent
    assert len({(r.smiles, r.charge, r.n_radicals, r.valid) for r in results}) == 1


def test_atom_charges_follow_input_order():
    # F- (atom 0), then PF6 with P at index 1
    symbols = ["F", "P"] + ["F"] * 6
    bonds = [(1, k) for k in range(2, 8)]
    res = perceive(symbols, bonds)
    assert res.smiles == "F[P-](F)(F)(F)(F)F.[F-]"
    assert res.atom_charges == (-1, -1, 0, 0, 0, 0, 0, 0)
    assert res.charge == -2


def test_skeleton_key_distinguishes_isomers_and_ignores_orders():
    ethanol = perceive(*graph_of("CCO")[:2])
    ether = perceive(*graph_of("COC")[:2])
    assert ethanol.skeleton_key != ether.skeleton_key
    assert perceive(*graph_of("C")[:2]).skeleton_key == "[H]C([H])([H])[H]"
    # charge is not part of the skeleton: carbonate and CO3 with H differ,
    # but a graph and its relabelling never do
    assert perceive(*graph_of("O=C([O-])[O-]")[:2]).skeleton_key == "OC(O)O"


def test_invalid_pentavalent_carbon_is_deterministic():
    symbols = ["C"] + ["H"] * 5
    bonds = [(0, k) for k in range(1, 6)]
    results = {
        perceive(*shuffled(symbols, bonds, [0] * 6, seed)[:2]) for seed in range(5)
    }
    assert len(results) == 1
    (res,) = results
    assert not res.valid
    assert res.charge == 0 and res.n_radicals == 0
    assert res.smiles  # best-effort skeleton string
    assert res.atom_charges == (0,) * 6


def test_invalid_bridging_hydrogen():
    res = perceive(["O", "H", "O", "H", "H"], [(0, 1), (1, 2), (0, 3), (2, 4)])
    assert not res.valid


def test_bad_bonds_raise():
    with pytest.raises(ValueError):
        perceive(["C", "O"], [(0, 2)])
    with pytest.raises(ValueError):
        perceive(["C", "O"], [(0, 0)])


def test_duplicate_bonds_and_empty_graph():
    assert perceive(["H", "F"], [(0, 1), (1, 0)]).smiles == "F"
    empty = perceive([], [])
    assert empty.smiles == "" and empty.valid and empty.charge == 0


def test_large_polymer_is_fast_enough_and_correct():
    peo = "C" + "COC" * 150 + "C"  # ~1000 atoms with H
    res = perceive(*graph_of(peo)[:2])
    assert res.valid and res.smiles == Chem.MolToSmiles(Chem.MolFromSmiles(peo))
    polyene = "C" + "C=C" * 100 + "C"
    res = perceive(*graph_of(polyene)[:2])
    assert res.smiles == Chem.MolToSmiles(Chem.MolFromSmiles(polyene))


def test_random_graphs_never_fail_and_are_order_invariant():
    elements = ["C"] * 5 + ["H"] * 6 + ["O"] * 3 + ["F", "P", "N", "S", "B", "Si", "Cl"]
    for trial in range(150):
        rng = random.Random(trial)
        n = rng.randint(1, 12)
        symbols = [rng.choice(elements) for _ in range(n)]
        bonds = [(i, rng.randrange(i)) for i in range(1, n)]
        bonds += [(a, b) for a, b in ((rng.randrange(n), rng.randrange(n)),) if a != b]
        outs = set()
        for seed in range(3):
            s, b, _ = shuffled(symbols, bonds, [0] * n, seed)
            res = perceive(s, b)
            outs.add((res.smiles, res.charge, res.n_radicals, res.valid, res.skeleton_key))
        assert len(outs) == 1, (symbols, bonds, outs)
