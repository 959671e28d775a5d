"""Reading prediction files: a hand-made training directory with known RMSEs (no trainer)."""

import math

import numpy as np
import pytest

from seinet.train import compute_rmse, read_neppo_summary, read_parity


@pytest.fixture()
def directory(tmp_path):
    """Two structures (H2O neutral, OH- with charge -1, the second periodic with a virial)."""
    import ase.io
    from ase import Atoms
    from ase.calculators.singlepoint import SinglePointCalculator

    water = Atoms("H2O", positions=[[0, 0, 0], [0.96, 0, 0], [-0.24, 0.93, 0]], cell=[10] * 3, pbc=False)
    water.info["config_type"] = "iter0"
    hydroxide = Atoms("OH", positions=[[0, 0, 0], [0.97, 0, 0]], cell=[5] * 3, pbc=True)
    hydroxide.info.update(config_type="iter1", charge=-1)
    for atoms in (water, hydroxide):
        atoms.calc = SinglePointCalculator(atoms, energy=-1.0, forces=np.zeros((len(atoms), 3)))
    ase.io.write(tmp_path / "train.xyz", [water, hydroxide], format="extxyz")
    # energy per atom: errors +0.003 and -0.004 eV/atom
    np.savetxt(tmp_path / "energy_train.out", [[-1.0, -1.003], [-2.004, -2.0]])
    # forces: one error of 0.1 in one of 15 components
    f = np.zeros((5, 6))
    f[0, 0] = 0.1
    np.savetxt(tmp_path / "force_train.out", f)
    # virial: the molecule has none (target -1e6), the hydroxide errors 0.006 in all six components
    v = np.zeros((2, 12))
    v[0, 6:] = -1e6
    v[1, :6] = 0.006
    np.savetxt(tmp_path / "virial_train.out", v)
    # raw charges: water sums to +0.03 (target 0), hydroxide to -0.98 (target -1)
    np.savetxt(tmp_path / "charge_train.out", [0.33, 0.33, -0.63, -0.49, -0.49])
    np.savetxt(tmp_path / "reference_charge_train.out", [0.3, 0.3, -0.6, np.nan, np.nan])
    return tmp_path


def test_rmse_by_hand(directory):
    parity = read_parity(directory, "train")
    assert read_parity(directory, "test") is None
    assert list(parity.energy["config_type"]) == ["iter0", "iter1"]
    assert list(parity.virial["structure"].unique()) == [1]
    rmse = compute_rmse(parity)
    assert rmse["n_structures"] == 2 and rmse["n_atoms"] == 5
    assert rmse["energy_meV_per_atom"] == pytest.approx(1e3 * math.sqrt((0.003 ** 2 + 0.004 ** 2) / 2))
    assert rmse["force_meV_per_A"] == pytest.approx(1e3 * math.sqrt(0.01 / 15))
    assert rmse["virial_meV_per_atom"] == pytest.approx(6.0)
    # neppo's charge error: (sum of raw charges - total charge) / n_atoms
    assert rmse["charge_e_per_atom"] == pytest.approx(math.sqrt(((0.03 / 3) ** 2 + (0.02 / 2) ** 2) / 2))
    # shifted charges sum to the total charge; compared with the reference only where it exists
    shifted = parity.charge.groupby("structure")["predicted_e"].sum()
    assert shifted.to_numpy() == pytest.approx([0.0, -1.0])
    assert rmse["partial_charge_e"] == pytest.approx(math.sqrt(((0.02 ** 2) * 2 + 0.04 ** 2) / 3))


def test_mismatched_files_are_an_error(directory):
    np.savetxt(directory / "force_train.out", np.zeros((4, 6)))
    with pytest.raises(ValueError, match="do not match"):
        read_parity(directory, "train")


def test_neppo_summary_lines(tmp_path):
    (tmp_path / "train.log").write_text(
        "RMSE train               : E 12.57 meV/atom, F 372.7 meV/Å, Q 0.007307 e/atom\n"
        "RMSE test                : E 21.7 meV/atom, F 971.5 meV/Å, V 3.5 meV/atom\n"
        "best RMSE train          : E 1 meV/atom\n")
    summary = read_neppo_summary(tmp_path / "train.log")
    assert summary == {"train": {"energy_meV_per_atom": 12.57, "force_meV_per_A": 372.7, "charge_e_per_atom": 0.007307},
                       "test": {"energy_meV_per_atom": 21.7, "force_meV_per_A": 971.5, "virial_meV_per_atom": 3.5}}
