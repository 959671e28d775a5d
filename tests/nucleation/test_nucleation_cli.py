"""NaF nucleation inside seinet analyze and as seinet nucleation TRAJ|RUN: a growing cube in a random Na+/F- liquid."""

import json

import numpy as np
import pandas as pd
import pytest

from builders import write_extxyz
from naf_crystals import crystal, embedded, random_rotation
from seinet.cli import main
from seinet.frame import Frame

CELL = np.diag([34.0, 34.0, 34.0])


@pytest.fixture(scope="module")
def growing_cube(tmp_path_factory):
    """Three frames of a cube nanocrystal (7 ions on a side, 343 ions) in a random liquid, thermal jitter 0.05 Å."""
    rot = random_rotation(5)
    system = embedded([crystal("cube", 3, rotation=rot, center=(17.0, 17.0, 17.0))], CELL, seed=1, density=0.02,
                      keep_sites_free=True)
    f = system.frame
    rng = np.random.default_rng(0)
    frames = [Frame(index=k, symbols=f.symbols, positions=f.positions + rng.normal(0, 0.05, f.positions.shape),
                    cell=f.cell, time_ps=0.1 * k) for k in range(3)]
    path = tmp_path_factory.mktemp("naf") / "naf.extxyz"
    write_extxyz(path, frames)
    return path


def test_analyze_writes_nucleation_tables(growing_cube, tmp_path):
    run = tmp_path / "run"
    assert main(["analyze", str(growing_cube), "--out", str(run), "--quiet", "--no-membership"]) == 0
    nuc = pd.read_csv(run / "nucleation.csv")
    assert nuc["n_max"].tolist() == pytest.approx([343] * 3, abs=4)
    wulff = json.loads((run / "wulff.json").read_text())
    assert wulff["prediction"]["facet_fractions"] == pytest.approx({"100": 1.0})  # NEP89 energies: a cube
    assert wulff["agreement"]["score"] > 0.9  # a cube is what the Wulff shape predicts
    manifest = json.loads((run / "manifest.json").read_text())
    assert manifest["nucleation"]["n_max"] == nuc["n_max"].max()
    assert (run / "figures" / "nucleation.png").is_file() and (run / "figures" / "nucleus.png").is_file()
    tracks = pd.read_csv(run / "nucleus_tracks.csv")
    assert len(tracks) >= 1


def test_nucleation_command_on_traj_and_run(growing_cube, tmp_path, capsys):
    out = tmp_path / "nuc"
    assert main(["nucleation", str(growing_cube), "--out", str(out), "--surface-energies", "0.9,0.9,0.3"]) == 0
    assert "largest nucleus" in capsys.readouterr().out
    wulff = json.loads((out / "wulff.json").read_text())
    assert wulff["source"] == "user" and wulff["prediction"]["facet_fractions"].get("111", 0) > 0.9  # octahedron
    assert wulff["agreement"]["score"] < 0.5  # a cube is not that octahedron
    run = tmp_path / "run"
    assert main(["analyze", str(growing_cube), "--out", str(run), "--quiet", "--no-nucleation"]) == 0
    assert not (run / "nucleation.csv").exists()
    assert main(["nucleation", str(run), "--quiet"]) == 0
    assert pd.read_csv(run / "nucleation" / "nucleation.csv")["n_max"].iloc[-1] == pytest.approx(343, abs=4)
    assert main(["nucleation", str(tmp_path), "--quiet"]) == 2  # neither a trajectory nor a run directory
    assert main(["analyze", str(growing_cube), "--out", str(tmp_path / "x"), "--surface-energies", "1,2"]) == 2
