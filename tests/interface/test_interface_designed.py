"""The interface stage end to end on designed systems with known answers.

* a Na(100) slab with free Na+ and NaF pairs at known heights above and below it;
* the same slab from which three atoms are moved into the electrolyte (one comes back);
* designed solvation shells (1/3 SSIP, 1/3 CIP, 1/3 AGG) and 0.5 / 1 / 2 M boxes without an electrode.
"""

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from seinet.pipeline import analyze
from seinet.frame import Frame
from seinet.interface import InterfaceSettings, analyze_interface
from seinet.reactions import EventSettings
from seinet.solvation import rdf, solvation_shells, solvation_summary
from seinet.species import Partitioner
from builders import bcc_slab, molecule, write_extxyz

sys.path.insert(0, str(Path(__file__).parents[1] / "solvation"))
from solvation_designs import designed_box  # noqa: E402
from test_solvation_rdf import solvated_frames  # noqa: E402

A = 4.23
N = 6                 # 6 x 6 (100) surface: 25.38 Å
LAYERS = 5
Z0 = 15.0             # bottom layer height
LZ = 60.0
TOP = Z0 + (LAYERS - 1) * A / 2


def slab():
    sym, pos = bcc_slab(N, N, LAYERS, A)
    pos[:, 2] += Z0
    return list(sym), pos


def decorated(n_frames=3):
    """Slab + free Na+ at 5.2, 7.2, 10.2 Å above the top face and 6.2 Å below the bottom face,
    two NaF pairs 4.5 Å above the top face (SEI) and one 12.5 Å above it (beyond the SEI region)."""
    sym, pos = slab()
    extra_sym, extra = [], []
    for (x, y), h in zip([(2.0, 2.0), (14.0, 3.0), (8.0, 14.0)], (5.2, 7.2, 10.2)):
        extra_sym.append("Na"); extra.append((x, y, TOP + h))
    extra_sym.append("Na"); extra.append((20.0, 20.0, Z0 - 6.2))
    for (x, y), h in zip([(3.0, 12.0), (18.0, 6.0), (12.0, 21.0)], (4.5, 4.5, 12.5)):
        extra_sym += ["Na", "F"]; extra += [(x, y, TOP + h), (x + 2.2, y, TOP + h)]
    ec_sym, ec_pos = molecule("O=C1OCCO1")
    sym = sym + extra_sym + list(ec_sym)
    ec_pos = ec_pos - ec_pos.mean(axis=0) + (20.0, 13.0, TOP + 6.5)  # EC centroid 6.5 Å above the top face
    pos = np.vstack([pos, np.array(extra), ec_pos])
    cell = np.diag([N * A, N * A, LZ])
    return [Frame(index=f, symbols=np.array(sym), positions=pos.copy(), cell=cell, time_ps=0.01 * f)
            for f in range(n_frames)]


@pytest.fixture(scope="module")
def decorated_results(tmp_path_factory):
    path = tmp_path_factory.mktemp("slab") / "slab.extxyz"
    write_extxyz(path, decorated())
    return analyze_interface(path, events=EventSettings())


def test_electrode_faces(decorated_results):
    e = decorated_results.electrode
    assert e["electrode"].all() and (e["n_electrode"] == N * N * LAYERS).all() and (e["axis"] == 2).all()
    assert e["top_A"].to_numpy() == pytest.approx(TOP) and e["bottom_A"].to_numpy() == pytest.approx(Z0)
    assert e["thickness_A"].to_numpy() == pytest.approx(TOP - Z0)
    assert e["roughness_top_A"].to_numpy() == pytest.approx(0.0, abs=1e-4)


def test_transport_counts_at_known_distances(decorated_results):
    t = decorated_results.transport
    assert set(t["frame"]) == {0, 1, 2}
    f0 = t[t["frame"] == 0]
    na = f0[f0["group"] == "Na+"].set_index("distance_A")["count"].to_dict()
    assert na == {5.5: 1, 6.5: 1, 7.5: 1, 10.5: 1}  # 5.2, 6.2 (below the bottom face), 7.2, 10.2 Å
    naf = f0[f0["group"] == "NaF aggregates"].set_index("distance_A")["count"].to_dict()
    assert naf == {4.5: 2, 12.5: 1}
    solvent = f0[f0["group"] == "solvent"]
    assert solvent["count"].sum() == 1 and solvent["distance_A"].iloc[0] == 6.5
    area = (N * A) ** 2
    one = f0[(f0["group"] == "Na+") & (f0["distance_A"] == 5.5)]["density_nm3"].iloc[0]
    assert one == pytest.approx(1000.0 / (2 * area * 1.0))


def test_sei_and_inventory(decorated_results):
    sei = decorated_results.sei.iloc[0]
    assert sei["inorganic"] == 4 and sei["organic"] == 0 and sei["inorganic_units"] == 2
    assert sei["thickness_A"] == pytest.approx(4.5)
    assert np.isnan(sei["ratio"]) and sei["inorganic_fraction"] == 1.0
    comp = decorated_results.sei_composition
    assert comp[comp["frame"] == 0][["species", "units", "atoms"]].values.tolist() == [["NaF", 2, 4]]
    inv = decorated_results.inventory.iloc[0]
    assert (inv["metal"], inv["metal_electrode"], inv["ion_sei"], inv["ion_electrolyte"]) == (180, 180, 2, 5)
    assert inv["lost"] == 0


def test_sei_region_is_a_setting(tmp_path):
    path = tmp_path / "slab.extxyz"
    write_extxyz(path, decorated(1))
    res = analyze_interface(path, InterfaceSettings(sei_max_distance_A=15.0))
    assert res.sei.iloc[0]["inorganic"] == 6 and res.sei.iloc[0]["thickness_A"] > 12.0


def dissolving(n_frames=12, out_at=4, back_at=None):
    """Slab frames; from ``out_at`` three top-layer atoms sit 8-12 Å above the surface, isolated.
    From ``back_at`` the first of them is back in its lattice site."""
    sym, pos = slab()
    top_layer = np.flatnonzero(np.isclose(pos[:, 2], TOP))
    moved = top_layer[[0, 14, 28]]
    targets = np.array([[3.0, 3.0, TOP + 8.0], [15.0, 10.0, TOP + 10.0], [8.0, 20.0, TOP + 12.0]])
    cell = np.diag([N * A, N * A, LZ])
    frames = []
    for f in range(n_frames):
        p = pos.copy()
        if f >= out_at:
            p[moved] = targets
        if back_at is not None and f >= back_at:
            p[moved[0]] = pos[moved[0]]
        frames.append(Frame(index=f, symbols=np.array(sym), positions=p, cell=cell, time_ps=0.01 * f))
    return frames


@pytest.mark.parametrize("back_at, lost", [(None, 3), (8, 2)])
def test_known_number_of_atoms_moved_out(tmp_path, back_at, lost):
    path = tmp_path / "dissolve.extxyz"
    write_extxyz(path, dissolving(back_at=back_at))
    run = tmp_path / "run"
    analyze(path, run, events=EventSettings(redox_tau=2))
    inv = pd.read_csv(run / "na_inventory.csv")
    assert inv["metal"].tolist()[:4] == [180] * 4
    last = inv.iloc[-1]
    assert last["metal"] == 180 - lost and last["ion_electrolyte"] == lost and last["ion_sei"] == 0
    assert last["oxidised"] == 3 and last["deposited"] == 3 - lost
    assert last["lost"] == lost and last["lost_fraction"] == pytest.approx(lost / 180)
    assert inv.loc[inv["frame"] < 4, "lost"].eq(0).all()
    manifest = json.loads((run / "manifest.json").read_text())
    assert manifest["interface"]["sodium_lost"] == lost
    for name in ("electrode.csv", "transport.parquet", "sei.csv", "gases.csv", "figures/transport.png",
                 "figures/na_inventory.png"):
        assert (run / name).exists(), name


def test_designed_shells_stream_equals_batch(tmp_path):
    frame = designed_box().frame(time_ps=0.0)
    frames = [Frame(index=i, symbols=frame.symbols, positions=frame.positions, cell=frame.cell, time_ps=0.1 * i)
              for i in range(3)]
    path = tmp_path / "shells.extxyz"
    write_extxyz(path, frames)
    res = analyze_interface(path)
    row = res.solvation.iloc[0]
    assert row["n_ions"] == 9
    assert row["frac_SSIP"] == row["frac_CIP"] == row["frac_AGG"] == pytest.approx(1 / 3)
    p = Partitioner(frames[0].symbols)
    parts = [p.partition(f) for f in frames]
    species = p.catalogue.to_dataframe(order=np.arange(len(p.catalogue)))
    batch = solvation_summary(solvation_shells(frames, parts, species).ions)
    pd.testing.assert_frame_equal(res.solvation.reset_index(drop=True), batch, check_dtype=False)
    assert not res.electrode["electrode"].any()  # no metal: no electrode, said so in the summary
    assert "no metal electrode" in res.summary["note"]
    # a solvent molecule never leaves its shell in a static box: C(t) = 1 at every lag
    solvent = res.residence[res.residence["role"] == "solvent"]
    assert solvent["c_t"].to_numpy() == pytest.approx(1.0)


@pytest.mark.parametrize("molar", [0.5, 1.0, 2.0])
def test_bulk_boxes_without_electrode(tmp_path, molar):
    frames = solvated_frames(molar=molar, n_frames=3)
    path = tmp_path / "bulk.extxyz"
    write_extxyz(path, frames)
    run = tmp_path / "run"
    analyze(path, run)
    files = {p.name for p in run.iterdir()}
    assert {"solvation.csv", "rdf.csv", "gases.csv", "na_inventory.csv"} <= files
    assert not {"electrode.csv", "transport.parquet", "sei.csv"} & files
    got = pd.read_csv(run / "rdf.csv")
    ref = rdf(frames, ("Na", "O"), r_max=got[got["pair"] == "Na-O"]["r_A"].max() + 0.5 * (got["r_A"][1] - got["r_A"][0]),
              n_bins=160)
    mine = got[got["pair"] == "Na-O"].reset_index(drop=True)
    assert mine["g_r"].to_numpy() == pytest.approx(ref["g_r"].to_numpy(), rel=1e-9)
    assert mine["cn"].to_numpy() == pytest.approx(ref["cn"].to_numpy(), rel=1e-9)
    f = frames[0]  # first shells: O within the Na-O contact cutoff (3.10 Å), brute force
    na, o = f.positions[f.symbols == "Na"], f.positions[f.symbols == "O"]
    dv = na[:, None] - o[None]
    dv -= np.diag(f.cell) * np.round(dv / np.diag(f.cell))
    expected = (np.linalg.norm(dv, axis=2) < 3.10).sum(axis=1).mean()
    assert pd.read_csv(run / "solvation.csv")["mean_cn"].iloc[0] == pytest.approx(expected)
