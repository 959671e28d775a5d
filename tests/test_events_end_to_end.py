"""Reaction events through `seinet analyze`: thermal noise and bond-order flicker are not chemistry."""

import pandas as pd

from builders import write_extxyz
from seinet.cli import main
from test_species import electrolyte_box


def test_thermal_noise_gives_no_reaction_event(tmp_path):
    box = electrolyte_box()
    frames = [box.frame(k, jitter=0.06, seed=100 + k, time_ps=0.01 * k) for k in range(20)]
    path = tmp_path / "noise.extxyz"
    write_extxyz(path, frames)
    assert main(["analyze", str(path), "--out", str(tmp_path / "RUN"), "--quiet"]) == 0
    events = pd.read_csv(tmp_path / "RUN" / "events.csv")
    assert (events["kind"] == "reaction").sum() == 0
    assert len(pd.read_csv(tmp_path / "RUN" / "reactions.csv")) == 0


def bond_file(orders):
    """A C-H pair whose bond order flickers around the 0.3 cutoff, plus a stable CH."""
    out = []
    for step, bo in enumerate(orders):
        out.append(f"# Timestep {step * 10}\n#\n# Number of particles 4\n#\n"
                   "# Max number of bonds per atom 3 with coarse bond order cutoff 0.100\n"
                   "# Particle connection table and bond orders\n"
                   "# id type nb id_1...id_nb mol bo_1...bo_nb abo nlp q\n")
        out.append(f" 1 1 2 2 3 0 {bo:.3f} 0.950 1.2 0.0 -0.2\n 2 2 1 1 0 {bo:.3f} {bo:.3f} 0.0 0.1\n"
                   " 3 2 1 1 0 0.950 0.950 0.0 0.1\n 4 2 0 0 0.000 0.000 0.000\n#\n")
    return "".join(out)


def test_bond_order_flicker_gives_no_event_but_a_lasting_change_does(tmp_path):
    flicker = [0.32 if k % 2 else 0.28 for k in range(30)]
    path = tmp_path / "flicker.reaxff"
    path.write_text(bond_file(flicker))
    assert main(["analyze", str(path), "--elements", "C,H", "--out", str(tmp_path / "A"), "--quiet"]) == 0
    events = pd.read_csv(tmp_path / "A" / "events.csv")
    assert (events["kind"] == "reaction").sum() == 0

    lasting = [0.6] * 10 + [0.1] * 20  # CH2 loses an H at frame 10 for good
    path = tmp_path / "lasting.reaxff"
    path.write_text(bond_file(lasting))
    assert main(["analyze", str(path), "--elements", "C,H", "--out", str(tmp_path / "B"), "--quiet"]) == 0
    events = pd.read_csv(tmp_path / "B" / "events.csv")
    reactions = events[events["kind"] == "reaction"]
    assert len(reactions) == 1 and reactions.iloc[0]["frame"] == 10
    assert reactions.iloc[0]["reactants"] == "[CH2]" and reactions.iloc[0]["products"] == "[CH];[H]"


def test_scripted_reactions_found_at_their_frames_and_nothing_else(tmp_path):
    """H2(0,1) dissociates at frame 5; at frame 12 H1 takes H2(2,3)'s atom 2 and H3 leaves (exchange)."""
    import numpy as np

    from seinet.frame import Frame

    cell = np.diag([30.0, 30.0, 30.0])
    base = np.array([[5.0, 5.0, 5.0], [5.74, 5.0, 5.0], [15.0, 5.0, 5.0], [15.74, 5.0, 5.0],
                     [25.0, 25.0, 25.0], [25.74, 25.0, 25.0]])  # atoms 4, 5: a spectator H2
    frames = []
    for k in range(20):
        pos = base.copy()
        if k >= 5:
            pos[1] = [9.0, 5.0, 5.0]                      # H1 leaves H0
        if k >= 12:
            pos[1] = [14.26, 5.0, 5.0]                    # H1 binds H2 ...
            pos[3] = [19.0, 5.0, 5.0]                     # ... and H3 leaves
        jitter = np.random.default_rng(k).normal(0, 0.01, pos.shape)
        frames.append(Frame(index=k, symbols=np.array(["H"] * 6), positions=pos + jitter, cell=cell,
                            time_ps=0.01 * k))
    path = tmp_path / "scripted.extxyz"
    write_extxyz(path, frames)
    assert main(["analyze", str(path), "--out", str(tmp_path / "RUN"), "--quiet"]) == 0
    events = pd.read_csv(tmp_path / "RUN" / "events.csv")
    got = events[["frame", "reactants", "products", "atoms"]].values.tolist()
    assert got == [[5, "[HH]", "[H];[H]", "0 1"], [12, "[HH];[H]", "[HH];[H]", "1 2 3"]]
