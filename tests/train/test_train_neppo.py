"""A real toy qNEP training with neppo on GFN1-xTB-labelled molecules and clusters (~20 s)."""

import json

import numpy as np
import pytest

from seinet.cli import main
from seinet.train import load_result, read_neppo_summary, read_parity


def test_directory_metrics_and_figures(trained):
    d = trained.directory
    for name in ("nep.in", "nep.txt", "train.xyz", "test.xyz", "loss.out", "train.log", "metrics.json",
                 "energy_train.out", "force_test.out", "charge_train.out", "reference_charge_train.out",
                 "reference_energies.json"):
        assert (d / name).is_file(), name
    assert not list(d.parent.glob(".nep0*"))  # the work directory was renamed, nothing left beside
    assert trained.backend == "neppo" and trained.model_path == d / "nep.txt"
    assert (trained.n_train, trained.n_test) == (16, 4)
    assert trained.types == ("H", "C", "O", "F", "Na", "P")
    assert "charge_mode 1" in (d / "nep.in").read_text()
    metrics = json.loads((d / "metrics.json").read_text())
    assert metrics["backend"] == "neppo" and metrics["n_train"] == 16 and metrics["settings"]["neuron"] == 8
    assert metrics["rmse"]["train"]["virial_meV_per_atom"] is None  # molecules: no virial
    assert {p.name for p in trained.figures} == {"parity.png", "loss.png", "descriptor_pca.png"}
    assert all(p.stat().st_size > 10_000 for p in trained.figures)
    pca = (d / "figures" / "descriptor_pca.csv").read_text().splitlines()
    assert pca[0].startswith("structure,set,config_type,formula,pc1,pc2") and len(pca) == 21
    table = trained.to_dataframe()
    assert list(table.index) == ["train", "test"]
    loaded = load_result(d)
    assert loaded.settings == trained.settings and loaded.types == trained.types
    assert loaded.rmse["test"]["force_meV_per_A"] == pytest.approx(trained.rmse["test"]["force_meV_per_A"])


def test_rmse_read_back_equals_neppos_summary(trained):
    summary = read_neppo_summary(trained.directory / "train.log")
    assert set(summary) == {"train", "test"}
    for label, printed in summary.items():
        assert set(printed) == {"energy_meV_per_atom", "force_meV_per_A", "charge_e_per_atom"}
        for key, value in printed.items():  # neppo prints four significant digits
            assert trained.rmse[label][key] == pytest.approx(value, rel=6e-4), (label, key)
    # the fit is a fit: the training errors are far below the spread of the data
    parity = read_parity(trained.directory, "train")
    spread = 1e3 * parity.force["target_eV_per_A"].std()
    assert trained.rmse["train"]["force_meV_per_A"] < 0.5 * spread


def test_model_runs_in_calorine_cpunep(trained):
    """nep.txt loads in calorine and reproduces neppo's predictions (energies, forces, charges).

    neppo (like GPUMD's nep) evaluates a pbc="F F F" structure as isolated (direct Coulomb sum);
    calorine's CPUNEP always uses the cell's periodic images and has no total charge. Neutral
    molecules therefore agree once the box is large (the image interaction falls as L^-3: EC
    differs by 1.8 meV/atom in the 12 Å-vacuum box of train.xyz, 0.06 meV/atom with 50 Å), and a
    charged structure comes out neutral: CPUNEP's charges are the raw charges shifted to zero.
    """
    import ase.io
    from calorine.calculators import CPUNEP

    structures = ase.io.read(trained.directory / "train.xyz", ":")
    parity = read_parity(trained.directory, "train")
    raw = parity.charge["raw_e"].to_numpy()
    calc = CPUNEP(str(trained.model_path))
    start, n_neutral = 0, 0
    for k, atoms in enumerate(structures):
        atoms = atoms.copy()
        n = len(atoms)
        atoms.set_cell(np.ptp(atoms.positions, axis=0) + 60.0)
        atoms.center()
        atoms.calc = calc
        charges = atoms.get_charges()
        assert charges == pytest.approx(raw[start: start + n] - raw[start: start + n].mean(), abs=1e-4)
        if not atoms.info.get("charge", 0):
            n_neutral += 1
            energy = atoms.get_potential_energy() / n
            forces = atoms.get_forces()
            assert energy == pytest.approx(parity.energy["predicted_eV_per_atom"][k], abs=2e-4)
            predicted = parity.force["predicted_eV_per_A"].to_numpy()[3 * start: 3 * (start + n)].reshape(n, 3)
            assert np.abs(forces - predicted).max() < 5e-3  # neppo trains in single precision
            assert charges == pytest.approx(parity.charge["predicted_e"].to_numpy()[start: start + n], abs=1e-4)
        start += n
    assert n_neutral >= 12


def test_cli_end_to_end_is_deterministic(trained, tmp_path, capsys):
    """The same files, split and seed through the command line give a byte-identical nep.txt."""
    d = trained.directory
    out = tmp_path / "cli"
    code = main(["train", str(d / "train.xyz"), "--test", str(d / "test.xyz"), "--out", str(out), "--toy",
                 "--backend", "neppo", "--no-figures"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "neppo: 16 train / 4 test structures" in printed and "force_meV_per_A" in printed
    assert (out / "nep.txt").read_bytes() == (d / "nep.txt").read_bytes()
    assert (out / "force_test.out").read_bytes() == (d / "force_test.out").read_bytes()
    assert not (out / "figures").exists()
    # an existing directory is never touched without --overwrite: one line, exit 2
    assert main(["train", str(d / "train.xyz"), "--out", str(out), "--toy", "--backend", "neppo"]) == 2
    err = capsys.readouterr().err.strip()
    assert "already exists" in err and "\n" not in err
