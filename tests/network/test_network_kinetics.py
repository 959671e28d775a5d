import math

import numpy as np
import pandas as pd
import pytest

from seinet.network import KineticModel, rate_constants, replay_error
from seinet.network.kinetics import AVOGADRO, molar_per_count

VOLUME = 50_000.0  # Å^3
DT = 0.1  # ps


def decay_tables(k=0.05, n0=20_000, n_frames=401):
    t = np.arange(n_frames) * DT
    a = np.rint(n0 * np.exp(-k * t))
    counts = pd.DataFrame({"frame": np.arange(n_frames), "time_ps": t, "A": a, "B": n0 - a})
    reactions = pd.DataFrame({"reaction_id": ["R1"], "reaction_key": ["A>B"], "equation": ["A -> B"],
                              "forward_count": [int(a[0] - a[-1])], "reverse_count": [0]})
    return reactions, counts


def test_molar_per_count():
    assert molar_per_count(1e27 / AVOGADRO) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="volume"):
        molar_per_count(0.0)


def test_first_order_decay_recovered():
    reactions, counts = decay_tables(k=0.05)
    rk = rate_constants(reactions, counts, VOLUME, DT)
    assert rk.loc[0, "order"] == 1 and rk.loc[0, "k_units"] == "ps^-1"
    assert rk.loc[0, "k"] == pytest.approx(0.05, rel=0.05)
    assert rk.loc[0, "k_reverse"] == 0.0  # B present, no B -> A events
    # time_ps column used when dt_ps is not given
    assert rate_constants(reactions, counts, VOLUME).loc[0, "k"] == pytest.approx(rk.loc[0, "k"])


def test_second_order_recovered_in_molar_units():
    k = 0.002  # M^-1 ps^-1
    n0 = 3000
    c0 = n0 * molar_per_count(VOLUME)  # ~100 M (one molecule in 50 nm^3 is 0.033 M)
    t = np.arange(301) * DT
    c = c0 / (1 + k * c0 * t)  # A + B -> C from equal amounts
    n = np.rint(c / molar_per_count(VOLUME))
    counts = pd.DataFrame({"frame": range(len(t)), "time_ps": t, "A": n, "B": n, "C": n0 - n})
    reactions = pd.DataFrame({"reaction_id": ["R1"], "reaction_key": ["A.B>C"],
                              "forward_count": [int(n0 - n[-1])], "reverse_count": [0]})
    rk = rate_constants(reactions, counts, VOLUME, DT)
    assert rk.loc[0, "order"] == 2 and rk.loc[0, "k_units"] == "M^-1 ps^-1"
    assert rk.loc[0, "k"] == pytest.approx(k, rel=0.05)


def test_zero_exposure_is_nan_and_reverse_estimated():
    counts = pd.DataFrame({"frame": [0, 1, 2], "time_ps": [0.0, 0.1, 0.2], "A": [10, 10, 10], "B": [5, 5, 5],
                           "Z": [0, 0, 0]})
    reactions = pd.DataFrame({"reaction_id": ["R1", "R2", "R3"], "reaction_key": ["A>B", "Z>A", "Q>A"],
                              "forward_count": [2, 1, 1], "reverse_count": [1, 0, 0]})
    rk = rate_constants(reactions, counts, VOLUME, DT)
    assert rk.loc[0, "k"] == pytest.approx(2 / (10 * 0.2))
    assert rk.loc[0, "k_reverse"] == pytest.approx(1 / (5 * 0.2))
    assert math.isnan(rk.loc[1, "k"]) and math.isnan(rk.loc[2, "k"])  # Z always 0; Q has no column
    m = KineticModel(rk)
    assert list(m.channels["direction"]) == ["forward", "reverse"]  # NaN channels dropped
    assert m.species == ["A", "B"]


def test_replay_of_first_order_decay():
    reactions, counts = decay_tables(k=0.05)
    model = KineticModel(rate_constants(reactions, counts, VOLUME, DT), ["A", "B"])
    sim = model.simulate({"A": 20_000}, t_end_ps=40.0, t_eval=counts["time_ps"])
    assert list(sim.columns) == ["time_ps", "A", "B"]
    assert sim["A"].iloc[-1] == pytest.approx(counts["A"].iloc[-1], rel=0.05)
    assert (sim["A"] + sim["B"]).to_numpy() == pytest.approx(20_000, rel=1e-6)  # conservation
    err = replay_error(model, counts)
    assert list(err["species"]) == ["A", "B"]
    assert (err["nrmse"] < 0.05).all()


def test_reverse_channel_reaches_equilibrium():
    rk = pd.DataFrame({"reaction_id": ["R1"], "reaction_key": ["A>B"], "reverse_count": [5],
                       "k": [0.2], "k_reverse": [0.1]})
    model = KineticModel(rk, volume_A3=VOLUME)
    sim = model.simulate({"A": 300}, t_end_ps=100.0, method="BDF")
    assert sim["A"].iloc[-1] == pytest.approx(100, rel=1e-3)  # K = kf/kr = 2


def test_jacobian_matches_finite_differences():
    rk = pd.DataFrame({"reaction_key": ["A.B>C", "A.A>D", "C>A.B"], "k": [1.5, 0.7, 0.3]})
    model = KineticModel(rk, volume_A3=VOLUME)
    c = np.array([0.3, 0.2, 0.1, 0.05])
    J = model.jacobian(0.0, c)
    h = 1e-7
    num = np.column_stack([(model.rhs(0, c + h * e) - model.rhs(0, c - h * e)) / (2 * h) for e in np.eye(4)])
    assert J == pytest.approx(num, rel=1e-5, abs=1e-9)


def test_model_errors():
    rk = pd.DataFrame({"reaction_key": ["A>B"], "k": [1.0]})
    with pytest.raises(ValueError, match="volume"):
        KineticModel(rk)
    with pytest.raises(ValueError, match="lacks"):
        KineticModel(rk, ["A"], volume_A3=VOLUME)
    model = KineticModel(rk, volume_A3=VOLUME)
    with pytest.raises(ValueError, match="not in the model"):
        model.simulate({"X": 1}, 1.0)
