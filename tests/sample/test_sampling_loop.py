"""The Interface Reactor loop end to end on the CPU at toy scale, and its resume after a kill.

One toy run (``SamplingSettings.toy()``, about a minute on 2 cores): the ``na-ec`` preset, one
reactor, NEP89 MD at 300 and 700 K (60 steps), farthest-point selection of 8 structures, GFN1-xTB labels on a dask
LocalCluster, two tiny qNEP models trained with neppo, committee selection in the second
iteration, the NVE stability run with the trained model, then ``seinet analyze`` on that run.
A second run of the same command is killed (SIGKILL, the whole process group) while it trains,
started again, and must end with the same tables and byte-identical models.
"""

import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import ase.io
import numpy as np
import pandas as pd
import pytest

from seinet.cli import main

HAVE = all(importlib.util.find_spec(m) is not None for m in ("tblite", "neppo", "torch", "distributed"))
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not HAVE, reason="needs tblite, neppo/torch and dask.distributed "
                                 "(pip install 'seinet[train,label]')")]

STEPS = ("explore", "select", "label", "train", "test")


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    """The uninterrupted toy run, through the command line as a user starts it."""
    out = tmp_path_factory.mktemp("sampling") / "SAMPLING"
    assert main(["sample", "na-ec", "--out", str(out), "--toy", "--quiet"]) == 0
    return out


def test_every_step_of_both_iterations_is_on_disk(toy):
    manifest = json.loads((toy / "manifest.json").read_text())
    assert list(manifest["steps"]) == ["carve"] + [f"iter_{k:03d}/{s}" for k in range(2) for s in STEPS]
    assert not list(toy.rglob("*.tmp"))  # every step finished and was renamed
    assert len(manifest["iterations"]) == 2
    table = pd.read_csv(toy / "iterations.csv")
    assert list(table["iteration"]) == [0, 1]
    assert table["n_selected"].iloc[0] == 8  # NEP89's frames are physical: FPS picks a full set
    assert (table["n_selected"] >= 1).all() and (table["n_selected"] <= 8).all()
    assert (table["n_labelled"] + table["n_failed_labels"] == table["n_selected"]).all()
    assert list(table["n_training_total"]) == list(table["n_labelled"].cumsum())
    assert (toy / "figures" / "sampling.png").stat().st_size > 10_000


def test_the_reactor_is_a_small_periodic_interface(toy):
    (reactor,) = ase.io.read(toy / "carve" / "reactors.xyz", ":")
    info = reactor.info["reactor"]
    assert len(reactor) <= 60 and reactor.pbc.all() and reactor.info["charge"] == 0
    assert info["n_metal"] > 0 and info["n_units"] > 0
    assert set(reactor.get_chemical_symbols()) >= {"Na", "C", "H", "O"}


def test_exploration_runs_the_ladder_and_selection_uses_the_committee(toy):
    for k in range(2):
        runs = json.loads((toy / "manifest.json").read_text())["steps"][f"iter_{k:03d}/explore"]["runs"]
        assert [r["temperature_K"] for r in runs] == [300.0, 700.0]
        assert all(r["frames"] == 6 for r in runs)  # 60 steps, a frame every 10
    first = pd.read_csv(toy / "iter_000" / "select" / "candidates.csv")
    assert first["sigma_eV_A"].isna().all() and first["eligible"].all()  # no committee yet: FPS alone
    second = pd.read_csv(toy / "iter_001" / "select" / "candidates.csv")
    assert len(second) == 12 and np.isfinite(second["sigma_eV_A"]).all() and (second["sigma_eV_A"] > 0).all()
    picked = second[second["selected"] == 1]
    assert 1 <= len(picked) == min(8, int(second["eligible"].sum())) and picked["eligible"].all()
    for table in (first, second):  # nothing unphysical is labelled: no pair closer than 0.7 x covalent radii
        assert (table.loc[table["eligible"] == 1, "contact_ratio"] >= 0.7).all()
        assert not table.loc[table["contact_ratio"] < 0.7, "eligible"].any()
    assert len(ase.io.read(toy / "iter_001" / "select" / "selected.xyz", ":")) == len(picked)


def test_labels_are_xtb_energies_and_forces_with_a_fixed_split(toy):
    labelled = []
    for k in range(2):
        got = ase.io.read(toy / f"iter_{k:03d}" / "label" / "labelled.xyz", ":")
        assert got, f"iteration {k}: no structure labelled"
        for atoms in got:
            assert atoms.info["config_type"] == f"iter{k}" and atoms.info["split"] in ("train", "test")
            assert np.isfinite(atoms.get_potential_energy()) and np.isfinite(atoms.get_forces()).all()
        labelled += got
    model = toy / "iter_001" / "train" / "model_0"
    n_train = len(ase.io.read(model / "train.xyz", ":"))
    n_test = len(ase.io.read(model / "test.xyz", ":"))
    assert n_train + n_test == len(labelled)  # the second committee trains on both iterations' labels


def test_committee_members_differ_and_know_every_element_of_the_interface(toy):
    texts = [(toy / "iter_001" / "train" / f"model_{m}" / "nep.txt").read_text() for m in range(2)]
    assert texts[0] != texts[1]  # different seeds: a committee, not two copies
    for text in texts:
        assert text.splitlines()[0].split()[:8] == ["nep4_charge1", "6", "H", "C", "O", "F", "Na", "P"]
    metrics = json.loads((toy / "iter_001" / "train" / "model_0" / "metrics.json").read_text())
    assert metrics["backend"] == "neppo" and metrics["reference_energies"]  # fitted per-element shifts


def test_the_stability_run_uses_the_trained_model_and_analyze_reads_it(toy, tmp_path):
    for k in range(2):
        test = toy / f"iter_{k:03d}" / "test"
        record = json.loads((test / "stability.json").read_text())
        assert set(record) >= {"passed", "min_distance_A", "drift_meV_atom_ps", "lost_atoms", "reasons"}
        assert record["passed"] == (not record["reasons"])
        assert record["model"] == f"iter_{k:03d}/train/model_0/nep.txt"
    run = tmp_path / "RUN"
    assert main(["analyze", str(toy / "iter_001" / "test" / "dump.xyz"), "--out", str(run), "--quiet"]) == 0
    species = pd.read_csv(run / "species.csv")
    counts = pd.read_csv(run / "species_counts.csv")
    assert len(species) and len(counts) == json.loads((run / "manifest.json").read_text())["n_frames"] > 0


def test_killed_while_training_resumes_to_the_uninterrupted_result(toy, tmp_path):
    out = tmp_path / "SAMPLING"
    cmd = [sys.executable, "-m", "seinet", "sample", "na-ec", "--out", str(out), "--toy", "--quiet"]
    proc = subprocess.Popen(cmd, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    target = out / "iter_001" / "train.tmp" / "model_0"
    deadline = time.monotonic() + 600
    while not target.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert proc.poll() is None, f"the run ended before the kill: {proc.stderr.read().decode()[-500:]}"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    manifest = json.loads((out / "manifest.json").read_text())
    assert "iter_001/label" in manifest["steps"] and "iter_001/train" not in manifest["steps"]
    label_file = out / "iter_001" / "label" / "labelled.xyz"
    before = label_file.stat().st_mtime_ns

    assert main(["sample", "na-ec", "--out", str(out), "--toy", "--quiet"]) == 0
    assert label_file.stat().st_mtime_ns == before  # finished steps are not redone
    assert not list(out.rglob("*.tmp"))
    pd.testing.assert_frame_equal(pd.read_csv(out / "iterations.csv"), pd.read_csv(toy / "iterations.csv"))
    for m in range(2):
        rel = Path("iter_001") / "train" / f"model_{m}" / "nep.txt"
        assert (out / rel).read_bytes() == (toy / rel).read_bytes()
    assert (out / "iter_001" / "test" / "dump.xyz").read_bytes() == (toy / "iter_001" / "test" / "dump.xyz").read_bytes()


def test_other_settings_in_the_same_directory_are_one_line(toy, capsys):
    assert main(["sample", "na-ec", "--out", str(toy), "--toy", "--per-iteration", "3", "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "other settings" in err[0]
