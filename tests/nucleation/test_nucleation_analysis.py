"""The trajectory driver: tables, tracking of a growing crystal, electrode contact, fluoride selection, files."""

import numpy as np
import pandas as pd
import pytest

from builders import bcc_slab, octahedral
from naf_crystals import Crystal, crystal, embedded, exact_fractions, random_rotation, rocksalt_sites
from seinet.errors import ConfigError
from seinet.frame import Frame
from seinet.nucleation import (NucleationAnalysis, NucleationSettings, analyze_nucleation, detect_frame,
                               misorientation_deg)
from seinet.nucleation.columns import FACET_COLUMNS, NUCLEATION_COLUMNS, NUCLEI_COLUMNS

BOX = 44.0


def growing_cube_frames(sizes=(2, 3, 4), dt=0.5):
    """A cube growing shell by shell; crystal ions keep their atom indices from frame to frame."""
    rot = random_rotation(21)
    sites = rocksalt_sites("cube", n=max(sizes))
    sites = sites[np.lexsort((np.arange(len(sites)), np.abs(sites).max(axis=1)))]  # inner shells first
    frames = []
    for k, n in enumerate(sizes):
        own = sites[np.abs(sites).max(axis=1) <= n]
        pos = own * 2.31 @ rot.T + BOX / 2 + np.random.default_rng(k).normal(0, 0.1, own.shape)
        c = Crystal(np.where(own.sum(axis=1) % 2 == 0, "Na", "F"), pos, rot, exact_fractions("cube", n=n),
                    np.zeros((0, 3)))
        frames.append(embedded([c], [BOX] * 3, seed=40 + k, index=k, time_ps=k * dt).frame)
    return frames, rot


@pytest.fixture(scope="module")
def growing():
    frames, rot = growing_cube_frames()
    return frames, rot, analyze_nucleation(frames)


def test_tables(growing):
    frames, rot, res = growing
    assert list(res.nucleation.columns) == NUCLEATION_COLUMNS
    assert list(res.nuclei.columns) == NUCLEI_COLUMNS
    assert list(res.facets.columns) == FACET_COLUMNS
    assert res.nucleation["n_max"].tolist() == [125, 343, 729]
    assert res.nucleation["n_nuclei"].tolist() == [1, 1, 1]
    assert res.nucleation["time_ps"].tolist() == [0.0, 0.5, 1.0]
    nuclei = res.nuclei
    assert nuclei["nucleus_id"].tolist() == [0, 0, 0]
    assert nuclei["size"].tolist() == [125, 343, 729]
    assert (nuclei["n_Na"] - nuclei["n_F"]).tolist() == [1, -1, 1]  # centre ion is Na
    assert np.allclose(nuclei[["x_A", "y_A", "z_A"]].to_numpy(), BOX / 2, atol=0.1)
    assert nuclei["on_electrode"].isna().all()
    assert (nuclei["rotation_prev_deg"].iloc[1:] < 0.5).all()
    quat = nuclei[["quat_w", "quat_x", "quat_y", "quat_z"]].to_numpy()
    from scipy.spatial.transform import Rotation
    for q in quat:
        assert misorientation_deg(Rotation.from_quat(q[[1, 2, 3, 0]]).as_matrix(), rot) < 1.0
    fam = res.facets.pivot(index="frame", columns="family", values="fraction")
    assert (fam["{100}"] > 0.9).all()
    assert np.allclose(res.facets.groupby("frame")["fraction"].sum(), 1.0)
    tracks = res.tracks()
    assert len(tracks) == 1
    assert tracks["growth_rate_ions_per_ps"].iloc[0] == pytest.approx(np.polyfit([0, 0.5, 1], [125, 343, 729], 1)[0])
    assert res.to_dataframe("tracks").equals(tracks)
    with pytest.raises(ConfigError):
        res.to_dataframe("nope")


def test_write_is_deterministic(growing, tmp_path):
    frames, _, res = growing
    paths = res.write(tmp_path / "a")
    assert sorted(p.name for p in paths) == ["facets.csv", "nucleation.csv", "nuclei.csv", "nucleus_events.csv",
                                             "nucleus_tracks.csv"]
    analyze_nucleation(frames).write(tmp_path / "b")
    for p in paths:
        assert p.read_bytes() == (tmp_path / "b" / p.name).read_bytes()
    back = pd.read_csv(tmp_path / "a" / "nuclei.csv")
    assert list(back.columns) == NUCLEI_COLUMNS


def test_electrode_contact_and_metal_excluded():
    nx = 10
    a_na = 4.23
    msym, mpos = bcc_slab(nx, nx, 4, a=a_na)
    cell = np.diag([nx * a_na, nx * a_na, 60.0])
    top = mpos[:, 2].max()
    rot = random_rotation(2)
    near = crystal("cube", n=2, rotation=rot, center=(12, 12, top + 2.8 + 2 * 2.31 * 1.2), jitter=0.05, seed=1)
    near.positions[:, 2] += top + 2.8 - near.positions[:, 2].min()
    far = crystal("cube", n=2, rotation=rot, center=(30, 30, top + 30), jitter=0.05, seed=2)
    symbols = np.concatenate([msym, near.symbols, far.symbols])
    positions = np.concatenate([mpos, near.positions, far.positions])
    metal = np.zeros(len(symbols), bool)
    metal[:len(msym)] = True
    frame = Frame(index=0, symbols=symbols, positions=positions, cell=cell, time_ps=0.0)
    res = detect_frame(frame, metal=metal)
    assert len(res.ions) == len(near.symbols) + len(far.symbols)  # metal Na is not an ion
    assert [n.on_electrode for n in res.nuclei] in ([True, False], [False, True])
    first_near = np.isin(res.nuclei[0].atoms, np.arange(len(msym), len(msym) + len(near.symbols))).all()
    assert res.nuclei[0].on_electrode == first_near
    # without metal information, metal Na counts as ions and contact is unknown
    plain = detect_frame(frame)
    assert len(plain.ions) > len(res.ions) and plain.nuclei[0].on_electrode is None
    # metal given as a function of the frame, or one mask per frame
    table = analyze_nucleation([frame, frame], metal=lambda f: metal).nuclei
    assert table["on_electrode"].sum() == 2
    table = analyze_nucleation([frame, frame], metal=[metal, metal]).nuclei
    assert table["on_electrode"].sum() == 2
    with pytest.raises(ConfigError):
        analyze_nucleation([frame, frame], metal=[metal])
    with pytest.raises(ConfigError):
        detect_frame(frame, metal=metal[:-1])


def test_fluorine_of_pf6_is_not_fluoride():
    c = crystal("cube", n=2, center=(15, 15, 15))
    sym, pos = octahedral()
    frame = Frame(index=0, symbols=np.concatenate([c.symbols, sym, sym]),
                  positions=np.concatenate([c.positions, pos + [5, 5, 5], pos + [25, 25, 25]]),
                  cell=np.eye(3) * 30)
    res = detect_frame(frame)
    assert len(res.ions) == len(c.symbols)
    every_f = detect_frame(frame, NucleationSettings(free_anion_cutoff_A=None))
    assert len(every_f.ions) == len(c.symbols) + 12


def test_frame_without_cell():
    c = crystal("cube", n=3, rotation=random_rotation(1), center=(-50, 10, 3), jitter=0.05, seed=1)
    frame = Frame(index=3, symbols=c.symbols, positions=c.positions, cell=None)
    res = detect_frame(frame)
    assert res.nuclei[0].size == len(c.symbols)
    assert np.allclose(res.nuclei[0].centroid, c.positions.mean(axis=0))
    assert np.isnan(res.time_ps)


def test_settings_validation():
    with pytest.raises(ConfigError):
        NucleationSettings(cutoff_A=0)
    with pytest.raises(ConfigError):
        NucleationSettings(facet_tolerance_deg=20)
    with pytest.raises(ConfigError):
        NucleationSettings(cation="F")
    with pytest.raises(ConfigError):
        NucleationSettings(facet_absorb_deg=40)
    assert NucleationSettings().to_dict()["cutoff_A"] == 2.95


def test_empty_and_liquid_frames():
    liquid = embedded([], [30, 30, 30], seed=1).frame
    res = analyze_nucleation([liquid])
    assert res.nuclei.empty and res.facets.empty and res.events.empty
    assert res.nucleation["n_max"].iloc[0] <= 3
    nothing = Frame(index=0, symbols=np.array(["C", "H"]), positions=np.zeros((2, 3)) + [[0, 0, 0], [1, 0, 0]],
                    cell=np.eye(3) * 20)
    row = detect_frame(nothing).summary()
    assert row["n_ions"] == 0 and row["n_max"] == 0 and np.isnan(row["crystalline_fraction"])


def test_film_through_the_box_percolates():
    g = np.arange(8)
    sites = np.stack(np.meshgrid(g, g, np.arange(6), indexing="ij"), -1).reshape(-1, 3)
    cell = np.diag([8 * 2.31, 8 * 2.31, 40.0])
    frame = Frame(index=0, symbols=np.where(sites.sum(axis=1) % 2 == 0, "Na", "F"),
                  positions=sites * 2.31 + [0.3, 0.3, 10.0], cell=cell)
    nucleus = detect_frame(frame).nuclei[0]
    assert nucleus.size == len(sites) and nucleus.percolating and nucleus.facets is None
    assert misorientation_deg(nucleus.rotation, np.eye(3)) < 1e-6
    table = analyze_nucleation([frame]).nuclei
    assert table["percolating"].tolist() == [True]
    closed = detect_frame(embedded([crystal("cube", n=3, center=(15, 15, 15))], [30, 30, 30], seed=0).frame)
    assert not closed.nuclei[0].percolating and closed.nuclei[0].facets is not None


def test_streaming_equals_batch(growing):
    frames, _, res = growing
    nuc = NucleationAnalysis()
    nuc.update(frames[0])
    for frame in frames[1:]:
        nuc.add(detect_frame(frame))  # detections from workers, added in frame order
    streamed = nuc.results()
    for name in ("nucleation", "nuclei", "facets", "events"):
        pd.testing.assert_frame_equal(getattr(streamed, name), getattr(res, name))
