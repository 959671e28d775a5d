"""Reactor carving, farthest-point sampling, committee disagreement, stability criteria, state."""

import json

import numpy as np
import pandas as pd
import pytest
from ase.neighborlist import neighbor_list

from seinet.errors import ConfigError
from seinet.sample import ReactorSettings, carve_reactor, carve_reactors
from seinet.sample.committee import force_disagreement
from seinet.sample.fps import farthest_points
from seinet.sample.stability import StabilityCriteria, check_stability
from seinet.sample.state import SamplingState


@pytest.fixture(scope="module")
def na_ec():
    from seinet.simulate.presets import build_preset

    return build_preset("na-ec", seed=0)  # Na(100) 4x4 x 6 layers, 56 EC, 4 NaPF6


def test_every_tile_of_a_perfect_slab_carves_the_same_periodic_metal(na_ec):
    reactors = carve_reactors(na_ec, ReactorSettings(divisions=(2, 2), slab_depth_A=4.5))
    assert len(reactors) == 8  # 2 x 2 tiles x 2 faces, all with electrolyte
    for r in reactors:
        info = r.info["reactor"]
        assert info["n_metal"] == 12  # 2 x 2 surface cells x 3 layers (2.115 A spacing within 4.5 A)
        assert len(r) <= 150 and r.info["charge"] == 0 and r.pbc.all()
        np.testing.assert_allclose(r.cell.lengths()[:2], na_ec.cell.lengths()[:2] / 2)
        na = np.array(r.get_chemical_symbols()) == "Na"
        i, j, d = neighbor_list("ijd", r, 4.0)
        metal = np.zeros(len(r), bool)
        metal[: info["n_metal"]] = True
        # the carved slab is bcc again across the new boundaries: nearest Na-Na = a sqrt(3)/2 = 3.66 A
        mm = metal[i] & metal[j]
        assert d[mm].min() == pytest.approx(4.23 * np.sqrt(3) / 2, abs=0.01)
        assert np.bincount(i[mm & (d < 3.7)], minlength=len(r))[metal].max() == 8
        assert d.min() > 0.9  # no clash left (C-H 1.09 A is the shortest bond)
        assert na.sum() >= info["n_metal"]


def test_molecules_are_never_cut_and_the_budget_is_kept(na_ec):
    from seinet.species import Partitioner
    from seinet.frame import Frame

    small = carve_reactor(na_ec, (0, 0), "top", ReactorSettings(max_atoms=30))
    assert len(small) <= 30 and small.info["reactor"]["removed_budget"] >= 1
    big = carve_reactor(na_ec, (0, 0), "top", ReactorSettings(liquid_depth_A=9.0, max_atoms=400))
    symbols = np.array(big.get_chemical_symbols())
    part = Partitioner(symbols).partition(Frame(0, symbols, big.positions, big.cell.array))
    formulas = pd.Series(symbols[part.state == 0]).value_counts()
    # whole EC molecules (C3H4O3) and PF6 only
    n_ec = formulas.get("H", 0) / 4
    assert formulas.get("C", 0) == 3 * n_ec and formulas.get("P", 0) * 6 == formulas.get("F", 0)
    assert formulas.get("O", 0) == 3 * n_ec


def test_bottom_face_mirrors_and_errors_are_one_line(na_ec):
    bottom = carve_reactor(na_ec, (1, 1), "bottom")
    assert bottom.info["reactor"]["face"] == "bottom"
    z = bottom.positions[:, 2]
    assert z[: bottom.info["reactor"]["n_metal"]].max() < z[bottom.info["reactor"]["n_metal"]:].min()
    with pytest.raises(ConfigError, match="tile"):
        carve_reactor(na_ec, (2, 0))
    liquid = na_ec[[a.index for a in na_ec if a.symbol != "Na"]]
    with pytest.raises(ConfigError, match="no metal electrode"):
        carve_reactor(liquid, (0, 0))
    with pytest.raises(ConfigError, match="more than max_atoms"):
        carve_reactor(na_ec, (0, 0), settings=ReactorSettings(divisions=(1, 1), max_atoms=20))


def test_farthest_points_covers_what_the_training_set_lacks():
    X = np.array([[0.0, 0], [0.1, 0], [5, 5], [5.1, 5], [10, 0]])
    assert farthest_points(X, 3) == [0, 4, 2]
    # with the training set near 0 and 5, the far point 10 comes first
    assert farthest_points(X, 1, existing=np.array([[0.0, 0], [5, 5]])) == [4]
    assert farthest_points(X, 10) == farthest_points(X, 5)  # at most all candidates
    assert sorted(farthest_points(X, 5)) == [0, 1, 2, 3, 4]


def test_force_disagreement_is_the_rms_deviation_from_the_committee_mean():
    f = np.zeros((2, 3, 3))
    f[0, 1] = [1.0, 0, 0]
    f[1, 1] = [-1.0, 0, 0]
    np.testing.assert_allclose(force_disagreement(f), [0.0, 1.0, 0.0])
    with pytest.raises(ConfigError, match=">= 2 models"):
        force_disagreement(f[:1])


def _run(n=20, drift=0.0, jump=False, close=False):
    cell = np.diag([10.0, 10.0, 10.0])
    base = np.array([[1.0, 1, 1], [4.0, 4, 4], [7.0, 2, 5]])
    frames = []
    for k in range(n):
        p = base + 0.01 * k
        if jump and k == n // 2:
            p = p.copy()
            p[0] += [3.0, 0, 0]
        if close and k == 3:
            p = p.copy()
            p[1] = p[0] + [0.5, 0, 0]
        frames.append((p, cell))
    t = np.arange(1, n + 1) * 0.01
    thermo = pd.DataFrame({"time_ps": t, "kinetic_eV": 0.1 + 0 * t, "potential_eV": -3.0 + drift * 3 * t / 1000})
    return frames, thermo


def test_stability_criteria():
    ok = check_stability(*_run(), n_atoms=3)
    assert ok.passed and ok.lost_atoms == 0 and ok.drift_meV_atom_ps == pytest.approx(0, abs=1e-9)
    drifting = check_stability(*_run(drift=50.0), n_atoms=3)
    assert not drifting.passed and drifting.drift_meV_atom_ps == pytest.approx(50.0)
    assert check_stability(*_run(jump=True), n_atoms=3).lost_atoms == 1
    close = check_stability(*_run(close=True), n_atoms=3, criteria=StabilityCriteria(min_distance_A=0.7))
    assert not close.passed and close.min_distance_A == pytest.approx(0.5)


def test_state_resumes_only_finished_steps_and_refuses_other_settings(tmp_path):
    state = SamplingState(tmp_path / "s", {"a": 1}, {"x": "y"})
    tmp = state.begin("iter_000/explore")
    (tmp / "f.txt").write_text("1")
    state.finish("iter_000/explore", {"n": 1})
    half = state.begin("iter_000/select")  # killed here: no manifest entry
    (half / "junk").write_text("")
    again = SamplingState(tmp_path / "s", {"a": 1}, {"x": "y"})
    assert again.resumed and again.done("iter_000/explore") == {"n": 1}
    assert again.done("iter_000/select") is None
    assert not (again.begin("iter_000/select") / "junk").exists()
    assert json.loads((tmp_path / "s" / "manifest.json").read_text())["steps"]["iter_000/explore"] == {"n": 1}
    with pytest.raises(ConfigError, match="other settings"):
        SamplingState(tmp_path / "s", {"a": 2}, {"x": "y"})


def test_state_accepts_more_iterations_but_nothing_else(tmp_path):
    state = SamplingState(tmp_path / "s", {"a": 1, "iterations": 2}, {"x": "y"})
    state.finish("carve", {"n": 1}) if state.begin("carve") else None
    more = SamplingState(tmp_path / "s", {"a": 1, "iterations": 5}, {"x": "y"})
    assert more.done("carve") == {"n": 1}
    assert json.loads((tmp_path / "s" / "manifest.json").read_text())["settings"]["iterations"] == 5
    with pytest.raises(ConfigError, match="other settings"):
        SamplingState(tmp_path / "s", {"a": 1, "iterations": 5}, {"x": "z"})


def test_a_structure_without_electrode_is_one_error_and_leaves_no_directory(tmp_path):
    from seinet.sample import SamplingSettings, sample
    from seinet.simulate.presets import build_preset

    with pytest.raises(ConfigError, match="no metal electrode"):
        sample(build_preset("bulk-ec-1M", seed=0), tmp_path / "S", SamplingSettings.toy())
    assert not (tmp_path / "S").exists()


def test_contact_ratio_flags_atoms_closer_than_any_bond():
    from ase import Atoms
    from ase.build import molecule

    from seinet.sample.contacts import contact_ratio

    assert contact_ratio(molecule("H2")) == pytest.approx(0.737 / 0.62, abs=0.01)
    co = molecule("CO")
    assert contact_ratio(co) == pytest.approx(co.get_distance(0, 1) / 1.42, abs=1e-3)  # the tightest bond here
    assert contact_ratio(co) > 0.75
    squeezed = molecule("CH4")
    squeezed.positions[1] = squeezed.positions[0] + [0.5, 0, 0]  # C-H 0.5 A: a broken model's frame
    assert contact_ratio(squeezed) == pytest.approx(0.5 / 1.07, abs=1e-3)
    assert contact_ratio(squeezed) < 0.7
    # periodic: the closest pair is across the boundary (Na-Na 1.0 A through the cell face)
    pair = Atoms("Na2", positions=[[0.2, 5, 5], [9.2, 5, 5]], cell=[10, 10, 10], pbc=True)
    assert contact_ratio(pair) == pytest.approx(1.0 / 3.32, abs=1e-3)
    assert contact_ratio(Atoms("Na", cell=[10, 10, 10], pbc=True)) == float("inf")
