"""Seeded train/test split and fitted reference energies."""

import numpy as np
import pytest

from seinet.simulate.errors import SimulationConfigError
from seinet.train import fit_reference_energies, split_indices, split_train_test


def test_split_is_deterministic_disjoint_and_complete():
    a = split_indices(50, 0.2, seed=3)
    b = split_indices(50, 0.2, seed=3)
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    train, test = a
    assert len(test) == 10 and len(train) == 40
    assert np.array_equal(np.sort(np.concatenate([train, test])), np.arange(50))
    assert not set(train) & set(test)
    other = split_indices(50, 0.2, seed=4)[1]
    assert not np.array_equal(other, test)


@pytest.mark.parametrize("n, fraction, n_test", [(2, 0.2, 1), (2, 0.9, 1), (3, 0.01, 1), (10, 0.0, 0), (1, 0.5, 0),
                                                  (0, 0.5, 0), (7, 0.5, 4)])
def test_at_least_one_in_each_set(n, fraction, n_test):
    train, test = split_indices(n, fraction, seed=0)
    assert len(test) == n_test and len(train) == n - n_test


def test_split_keeps_objects_and_order():
    items = [f"s{i}" for i in range(9)]
    train, test = split_train_test(items, 0.3, seed=1)
    assert train == [x for x in items if x in train] and test == [x for x in items if x in test]
    assert sorted(train + test) == sorted(items)


@pytest.mark.parametrize("fraction", [-0.1, 1.0, 1.5])
def test_bad_fraction(fraction):
    with pytest.raises(SimulationConfigError, match="test_fraction"):
        split_indices(10, fraction)


def test_reference_energies_recover_known_values():
    from ase import Atoms
    from ase.calculators.singlepoint import SinglePointCalculator

    mu = {"H": -13.5, "O": -432.0, "Na": -7.5}
    structures = []
    for formula in ["H2O", "H2O2", "NaOH", "Na2", "H2", "Na2O"]:
        atoms = Atoms(formula)
        energy = sum(mu[s] for s in atoms.get_chemical_symbols()) + 0.01 * len(atoms)
        atoms.calc = SinglePointCalculator(atoms, energy=energy, forces=np.zeros((len(atoms), 3)))
        structures.append(atoms)
    fitted = fit_reference_energies(structures)
    assert list(fitted) == ["H", "Na", "O"]
    for element, value in mu.items():
        assert fitted[element] == pytest.approx(value + 0.01, abs=1e-9)
    with pytest.raises(SimulationConfigError, match="no energy"):
        fit_reference_energies([Atoms("H2")])
