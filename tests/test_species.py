"""Species detection on designed systems with known answers."""

import numpy as np
import pandas as pd
import pytest
from dataclasses import replace

from builders import Box, bcc_slab, molecule, octahedral, rocksalt_cluster
from seinet.species import Partitioner


def counts_by_label(part, partitioner):
    cat = partitioner.catalogue
    return {cat.species[s].label: c for s, c in part.unit_counts.items()}


def electrolyte_box():
    box = Box([36.0, 36.0, 36.0])
    ec, dme = molecule("O=C1OCCO1"), molecule("COCCOC")
    for x in (4, 12, 20):
        box.add(*ec, (x, 4, 4), "EC")
    box.add(*dme, (28, 4, 4), "DME")
    box.add(*octahedral(), (4, 14, 4), "PF6-")
    box.add(*rocksalt_cluster(4), (24, 24, 24), "(NaF)32")
    box.add(["Na"], [[0, 0, 0]], (14, 14, 14), "Na+")
    box.add(["F"], [[0, 0, 0]], (4, 30, 30), "F-")
    s, p = molecule("O=C([O-])[O-]")
    box.add(s, p, (30, 10, 30), "CO3")
    # Na2CO3: two Na+ at 2.3 Å from the two O- (outside the C-O direction)
    o_minus = [k for k, e in enumerate(s) if e == "O"][1:]
    for k in o_minus:
        v = p[k] / np.linalg.norm(p[k])
        box.add(["Na"], [p[k] + 2.3 * v], (30, 10, 30), "Na(CO3)")
    # a Na+ on the carbonyl O of an EC molecule
    s, p = ec
    box.add(s, p, (10, 28, 12), "EC@Na")
    v = p[0] / np.linalg.norm(p[0])
    box.add(["Na"], [p[0] + 2.3 * v], (10, 28, 12), "Na@EC")
    return box


EXPECTED = {"O=C1OCCO1": 4, "COCCOC": 1, "F[P-](F)(F)(F)(F)F": 1, "Na32F32": 1, "[Na+]": 2, "[F-]": 1}


def test_known_composition():
    box = electrolyte_box()
    frame = box.frame()
    p = Partitioner(frame.symbols)
    part = p.partition(frame)
    got = counts_by_label(part, p)
    for label, n in EXPECTED.items():
        assert got.get(label) == n, (label, got)
    # carbonate with two Na+ on its O- is one aggregate, not a free anion
    carbonate_agg = [lab for lab in got if lab.startswith("Na2") and "CO3" in lab]
    assert carbonate_agg == ["Na2CO3"]
    assert "O=C([O-])[O-]" not in got
    assert sum(n * p.catalogue.species[s].n_atoms for s, n in part.unit_counts.items()) == frame.n_atoms


def test_naf_nanocrystal_is_one_aggregate_under_thermal_noise():
    box = electrolyte_box()
    for seed in range(3):
        frame = box.frame(jitter=0.1, seed=seed)
        p = Partitioner(frame.symbols)
        got = counts_by_label(p.partition(frame), p)
        assert got["Na32F32"] == 1
        assert "[F-]" in got and got["[F-]"] == 1


def test_na_next_to_carbonyl_leaves_ec_intact():
    box = electrolyte_box()
    frame = box.frame()
    p = Partitioner(frame.symbols)
    part = p.partition(frame)
    ec_idx = dict(box.groups and [(t, i) for t, i in box.groups])["EC@Na"]
    na = dict([(t, i) for t, i in box.groups])["Na@EC"][0]
    assert p.catalogue.species[part.unit_species[ec_idx[0]]].name == "EC"
    assert p.catalogue.species[part.unit_species[na]].label == "[Na+]"
    # the ion is coordinated by the carbonyl O
    ionic = part.ionic
    slot = int(np.flatnonzero(ionic.alkali == na)[0])
    assert ec_idx[0] in ionic.contact_j[ionic.contact_i == na]
    assert ionic.n_contacts[slot] >= 1


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_shuffled_atom_order_gives_identical_species(seed):
    box = electrolyte_box()
    f0 = box.frame(jitter=0.05, seed=9)
    order = np.random.default_rng(seed).permutation(f0.n_atoms)
    f1 = replace(f0, symbols=f0.symbols[order], positions=f0.positions[order])
    out = []
    for f in (f0, f1):
        p = Partitioner(f.symbols)
        part = p.partition(f)
        out.append(sorted((p.catalogue.species[s].key, p.catalogue.species[s].smiles, n)
                          for s, n in part.unit_counts.items()))
    assert out[0] == out[1]


def test_periodic_slab_is_metal_and_detached_atom_is_ion():
    a = 4.23
    sym, pos = bcc_slab(4, 4, 6, a)
    box = Box([4 * a, 4 * a, 40.0])
    box.add(sym, pos, (0, 0, 5))
    box.add(["Na"], [[0, 0, 0]], (8, 8, 30))
    frame = box.frame(jitter=0.05)
    p = Partitioner(frame.symbols)
    got = counts_by_label(p.partition(frame), p)
    assert got == {"[Na]": len(sym), "[Na+]": 1}


def test_bond_hysteresis_keeps_stretched_bond():
    # H2 stretched between r_form (0.95) and r_break (1.10): bonded only if it was bonded before
    box = Box([20.0, 20.0, 20.0])
    box.add(["H", "H"], [[0, 0, 0], [0.74, 0, 0]], (10, 10, 10))
    f0 = box.frame(0)
    stretched = replace(f0, index=1, positions=f0.positions + np.array([[0, 0, 0], [0.30, 0, 0]]))
    broken = replace(f0, index=2, positions=f0.positions + np.array([[0, 0, 0], [0.45, 0, 0]]))
    p = Partitioner(f0.symbols)
    labels = [set(counts_by_label(p.partition(f), p)) for f in (f0, stretched, broken, stretched)]
    assert labels == [{"[HH]"}, {"[HH]"}, {"[H]"}, {"[H]"}]
    fresh = Partitioner(f0.symbols)
    assert set(counts_by_label(fresh.partition(stretched), fresh)) == {"[H]"}


def test_unchanged_molecules_are_not_canonicalised_again(monkeypatch):
    box = electrolyte_box()
    frame = box.frame()
    p = Partitioner(frame.symbols)
    p.partition(frame)
    import seinet.species.catalogue as cat

    calls = []
    monkeypatch.setattr(cat, "skeleton_key", lambda *a: calls.append(1) or (_ for _ in ()).throw(AssertionError))
    p.partition(replace(frame, index=1))
    assert calls == []


# --- bad frames in a long file (issue 8) ------------------------------------------------

def _long_extxyz(path, n_frames=200, skip=None):
    """EC + PF6- + Na+ jittering for ``n_frames`` frames; frame ``skip`` left out when given.

    Returns the byte offset at which every written frame starts.
    """
    from builders import write_extxyz

    box = Box([14.0, 14.0, 14.0])
    box.add(*molecule("O=C1OCCO1"), (4, 4, 4))
    box.add(*octahedral(), (10, 10, 10))
    box.add(["Na"], [[0, 0, 0]], (4, 10, 10))
    frames = [box.frame(k, jitter=0.03, seed=k, time_ps=0.01 * k) for k in range(n_frames) if k != skip]
    write_extxyz(path, frames)
    text = path.read_bytes()
    n_lines = frames[0].n_atoms + 2
    starts, pos = [], 0
    for k, line in enumerate(text.splitlines(keepends=True)):
        if k % n_lines == 0:
            starts.append(pos)
        pos += len(line)
    return starts


CORRUPTIONS = {
    "garbage number": lambda lines: lines.__setitem__(5, b"C 1.2.3 4.0 5.0\n"),
    "nan coordinate": lambda lines: lines.__setitem__(5, b"C nan 4.0 5.0\n"),
    "nul bytes": lambda lines: lines.__setitem__(4, b"\x00" * 300 + b"\n"),
    "wrong atom count": lambda lines: lines.__setitem__(0, b"5\n"),
    "unknown element": lambda lines: lines.__setitem__(6, b"Qq 1.0 2.0 3.0\n"),
}


@pytest.mark.parametrize("corruption", sorted(CORRUPTIONS))
def test_corrupt_frame_117_error_or_skip(tmp_path, corruption):
    from seinet.errors import TrajectoryError
    from seinet.species.analysis import AnalysisSettings, SpeciesAnalysis

    path = tmp_path / "long.extxyz"
    starts = _long_extxyz(path)
    data = path.read_bytes()
    frame = data[starts[117]:starts[118]].splitlines(keepends=True)
    CORRUPTIONS[corruption](frame)
    path.write_bytes(data[:starts[117]] + b"".join(frame) + data[starts[118]:])

    with pytest.raises(TrajectoryError) as err:
        SpeciesAnalysis(path).run()
    message = str(err.value)
    assert len(message.splitlines()) == 1
    assert f"long.extxyz, frame 117: " in message and f"(byte offset {starts[117]})" in message
    assert err.value.frame == 117 and err.value.offset == starts[117]

    res = SpeciesAnalysis(path, AnalysisSettings(skip_bad_frames=True)).run().results
    assert res.n_frames == 199
    assert list(res.counts["frame"]) == [k for k in range(200) if k != 117]
    assert res.skipped[["frame", "byte_offset"]].values.tolist() == [[117, starts[117]]]
    assert list(res.skipped.columns) == ["frame", "file", "byte_offset", "reason"]
    assert res.skipped["reason"][0] == err.value.message

    clean = tmp_path / "clean.extxyz"
    _long_extxyz(clean, skip=117)
    ref = SpeciesAnalysis(clean).run().results
    assert ref.skipped.empty and list(ref.skipped.columns) == list(res.skipped.columns)
    pd.testing.assert_frame_equal(res.counts.drop(columns="frame").reset_index(drop=True),
                                  ref.counts.drop(columns="frame"))
    pd.testing.assert_frame_equal(res.species, ref.species)


def test_skipped_frames_keep_segment_numbering(tmp_path):
    from seinet.species.analysis import AnalysisSettings, SpeciesAnalysis

    paths = [tmp_path / "a.extxyz", tmp_path / "b.extxyz"]
    starts = [_long_extxyz(p, n_frames=6) for p in paths]
    data = paths[0].read_bytes()
    paths[0].write_bytes(data[:starts[0][5]] + b"garbage\n")  # the last frame of segment 1 is bad
    res = SpeciesAnalysis(paths, AnalysisSettings(skip_bad_frames=True)).run().results
    assert res.skipped["frame"].tolist() == [5]
    assert res.counts["frame"].tolist() == [0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11]
