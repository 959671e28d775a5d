"""``seinet analyze`` end to end: the run directory contract, determinism, and bad input."""

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from dataclasses import replace

from builders import write_extxyz
from seinet.cli import main
from test_species import electrolyte_box


@pytest.fixture(scope="module")
def traj(tmp_path_factory):
    box = electrolyte_box()
    frames = [box.frame(k, jitter=0.05, seed=k, time_ps=0.05 * k) for k in range(6)]
    # frame 3: one EC loses a ring C-O bond (ring opening); frame 4 onwards it is back
    ec = [idx for tag, idx in box.groups if tag == "EC"][0]
    f3 = frames[3]
    pos = f3.positions.copy()
    pos[ec[3]] += (pos[ec[3]] - pos[ec[2]]) * 1.5  # pull ring O away from its CH2 carbon
    frames[3] = replace(f3, positions=pos)
    path = tmp_path_factory.mktemp("traj") / "traj.extxyz.gz"
    write_extxyz(path, frames)
    return path


def test_analyze_writes_the_run_directory(traj, tmp_path):
    out = tmp_path / "RUN"
    assert main(["analyze", str(traj), "--out", str(out), "--quiet"]) == 0
    for name in ("manifest.json", "species.csv", "species_counts.csv", "species_counts.parquet",
                 "membership.parquet", "figures/species_evolution.png"):
        assert (out / name).is_file(), name
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["n_frames"] == 6 and manifest["n_atoms"] == 136
    assert len(manifest["inputs"][0]["sha256"]) == 64
    assert manifest["settings"]["bonds"]["bond_order_cutoff"] == 0.3
    species = pd.read_csv(out / "species.csv")
    assert list(species.columns[:9]) == ["species_id", "smiles", "formula", "name", "charge", "n_atoms", "class",
                                         "kind", "first_frame"]
    counts = pd.read_csv(out / "species_counts.csv")
    assert list(counts["frame"]) == list(range(6))
    np.testing.assert_allclose(counts["time_ps"], 0.05 * np.arange(6))
    assert list(counts["O=C1OCCO1"]) == [4, 4, 4, 3, 4, 4]
    ring_open = [c for c in counts.columns if counts[c].tolist() == [0, 0, 0, 1, 0, 0]]
    assert ring_open, "the opened EC appears in frame 3 only"
    # every atom is in exactly one unit in every frame
    n_atoms = dict(zip(species["smiles"].where(species["kind"] != "aggregate", species["name"]), species["n_atoms"]))
    totals = sum(counts[c] * n_atoms[c] for c in counts.columns[2:])
    assert (totals == 136).all()
    m = pd.read_parquet(out / "membership.parquet")
    assert len(m) == 6 * 136
    ec_id = int(species.loc[species["smiles"] == "O=C1OCCO1", "species_id"].iloc[0])
    assert (m[m.frame == 0].groupby("unit")["unit_species"].first() == ec_id).sum() == 4


def test_same_input_gives_identical_tables(traj, tmp_path):
    for name in ("a", "b"):
        assert main(["analyze", str(traj), "--out", str(tmp_path / name), "--quiet"]) == 0
    for f in ("species.csv", "species_counts.csv"):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes()


def test_existing_run_is_never_clobbered(traj, tmp_path, capsys):
    out = tmp_path / "RUN"
    out.mkdir()
    (out / "precious.txt").write_text("keep me")
    assert main(["analyze", str(traj), "--out", str(out), "--quiet"]) == 2
    assert "already exists" in capsys.readouterr().err
    assert (out / "precious.txt").read_text() == "keep me"


@pytest.mark.parametrize("body,message", [
    ('2\nLattice="9 0 0 0 9 0 0 0 9" Properties=species:S:1:pos:R:3\nH 0 0 0\nH nan 0 0\n', "frame 0: non-finite"),
    ("2\nno cell here\nH 0 0 0\nH 1 0 0\n", "frame 0: no periodic cell"),
    ("", "no complete frame"),
])
def test_bad_input_one_line_nonzero_exit_no_output(tmp_path, body, message):
    path = tmp_path / "bad.xyz"
    path.write_text(body)
    out = tmp_path / "RUN"
    proc = subprocess.run([sys.executable, "-m", "seinet", "analyze", str(path), "--out", str(out), "--quiet"],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "bad.xyz" in lines[0], proc.stderr
    assert not out.exists()
    assert not list(tmp_path.glob(".RUN*")), "no half-written directory left behind"


def test_version():
    proc = subprocess.run([sys.executable, "-m", "seinet", "--version"], capture_output=True, text=True)
    assert proc.stdout.strip().startswith("seinet ")


def test_run_directory_has_reaction_outputs_and_a_one_frame_ring_opening_is_no_event(traj, tmp_path):
    out = tmp_path / "RUN"
    assert main(["analyze", str(traj), "--out", str(out), "--quiet"]) == 0
    for name in ("events.csv", "reactions.csv", "network.graphml", "network.json"):
        assert (out / name).is_file(), name
    events = pd.read_csv(out / "events.csv")
    # the EC ring opens in frame 3 only: shorter than the 3-frame window, it is flicker, not chemistry
    assert (events["kind"] == "reaction").sum() == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["events"]["settings"]["tau"] == 3
    assert manifest["events"]["n_intermediates"] >= 1  # the opened ring is an intermediate, not a product


def test_lasting_dissociation_is_one_event_at_its_frame(tmp_path):
    path = h2_dissociation(tmp_path / "h2.extxyz", second_molecule=True)
    assert main(["analyze", str(path), "--out", str(tmp_path / "RUN"), "--quiet"]) == 0
    events = pd.read_csv(tmp_path / "RUN" / "events.csv")
    reactions = events[events["kind"] == "reaction"]
    assert len(reactions) == 1
    row = reactions.iloc[0]
    assert row["frame"] == 4 and row["reactants"] == "[HH]" and row["products"] == "[H];[H]"
    assert row["atoms"] == "0 1"


def test_network_command_reexports_without_the_trajectory(tmp_path):
    path = h2_dissociation(tmp_path / "h2.extxyz")
    run = tmp_path / "RUN"
    assert main(["analyze", str(path), "--out", str(run), "--quiet"]) == 0
    path.unlink()  # the trajectory is gone: the network comes from the tables
    for fmt, ext in (("dot", "dot"), ("cytoscape", "cyjs"), ("csv", "csv")):
        out = tmp_path / f"net.{ext}"
        assert main(["network", str(run), "--format", fmt, "--min-count", "1", "--out", str(out), "--quiet"]) == 0
        assert out.stat().st_size > 0
    assert "[HH]" in (tmp_path / "net.dot").read_text()
    assert main(["network", str(tmp_path), "--quiet"]) == 2  # not a run directory: one clear error


def h2_dissociation(path, second_molecule: bool = False):
    """An H2 that dissociates at frame 4 and stays apart (10 frames); optionally a spectator H2."""
    from builders import Box, write_extxyz

    box = Box([20.0, 20.0, 20.0])
    box.add(["H", "H"], [[0, 0, 0], [0.74, 0, 0]], (10, 10, 10))
    if second_molecule:
        box.add(["H", "H"], [[0, 0, 0], [0.74, 0, 0]], (4, 4, 4))
    frames = []
    for k in range(10):
        f = box.frame(k, time_ps=0.01 * k)
        if k >= 4:
            pos = f.positions.copy()
            pos[1, 0] += 2.0
            f = replace(f, positions=pos)
        frames.append(f)
    write_extxyz(path, frames)
    return path


def test_events_have_their_position_and_distance_from_the_metal(tmp_path):
    path = h2_dissociation(tmp_path / "h2.extxyz")
    assert main(["analyze", str(path), "--out", str(tmp_path / "RUN"), "--quiet"]) == 0
    row = pd.read_csv(tmp_path / "RUN" / "events.csv").iloc[0]
    # H2 at (10, 10, 10) + (0.74, 0, 0), the second H moved 2 Å along x at frame 4
    assert row["x_A"] == pytest.approx(10 + (0.74 + 2.0) / 2, abs=1e-3)
    assert row["y_A"] == pytest.approx(10.0) and row["z_A"] == pytest.approx(10.0)
    assert np.isnan(row["electrode_distance_A"])  # no metal in this box


def test_centroid_across_the_periodic_boundary():
    from seinet.reactions.geometry import centroid, nearest_distance

    cell = np.diag([10.0, 10.0, 10.0])
    pos = np.array([[9.8, 5.0, 5.0], [0.2, 5.0, 5.0], [3.0, 3.0, 3.0]])
    assert centroid(pos, cell, [0, 1]) == pytest.approx([0.0, 5.0, 5.0], abs=1e-9) or \
        centroid(pos, cell, [0, 1]) == pytest.approx([10.0, 5.0, 5.0], abs=1e-9)
    assert nearest_distance(np.array([9.9, 3.0, 3.0]), pos[2:], cell) == pytest.approx(3.1)


def test_events_name_their_reaction_and_paths_are_queried_by_name(tmp_path, capsys):
    path = h2_dissociation(tmp_path / "h2.extxyz")
    run = tmp_path / "RUN"
    assert main(["analyze", str(path), "--out", str(run), "--quiet"]) == 0
    events = pd.read_csv(run / "events.csv")
    reactions = pd.read_csv(run / "reactions.csv")
    assert list(events.columns[:5]) == ["event_id", "frame", "time_ps", "reaction_id", "direction"]
    assert events.iloc[0]["reaction_id"] == reactions.iloc[0]["reaction_id"] == 0
    assert events.iloc[0]["direction"] == "forward"
    assert "equation_names" in reactions.columns
    capsys.readouterr()
    assert main(["network", str(run), "--path", "[HH]", "[H]"]) == 0
    out = capsys.readouterr().out
    assert "most frequent" in out and "most probable" in out
    assert main(["network", str(run), "--path", "[H]", "[HH]"]) == 2  # no such path: one line


def test_skip_bad_frames_flag_writes_the_list(tmp_path, capsys):
    from builders import Box, write_extxyz

    box = Box([20.0, 20.0, 20.0])
    box.add(["H", "H"], [[0, 0, 0], [0.74, 0, 0]], (10, 10, 10))
    path = tmp_path / "h2.extxyz"
    write_extxyz(path, [box.frame(k, time_ps=0.01 * k) for k in range(8)])
    lines = path.read_text().splitlines(keepends=True)
    lines[4 * 5 + 2] = "H nan 0.0 0.0\n"  # frame 5, first atom
    path.write_text("".join(lines))
    assert main(["analyze", str(path), "--out", str(tmp_path / "stop"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "frame 5" in err and "byte offset" in err and not (tmp_path / "stop").exists()
    run = tmp_path / "run"
    assert main(["analyze", str(path), "--out", str(run), "--quiet", "--skip-bad-frames"]) == 0
    import json

    import pandas as pd

    skipped = pd.read_csv(run / "skipped_frames.csv")
    assert skipped["frame"].tolist() == [5]
    assert json.loads((run / "manifest.json").read_text())["skipped_frames"]["n"] == 1
    assert 5 not in pd.read_csv(run / "species_counts.csv")["frame"].tolist()
