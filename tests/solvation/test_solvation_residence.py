"""Continuous residence correlation on scripted partner sequences with known answers."""

import numpy as np
import pandas as pd
import pytest

from seinet.solvation import residence_correlation, residence_time


def scripted(presence: dict, n_frames: int, dt_ps: float = 0.5) -> pd.DataFrame:
    """Partner table from {(ion, fragment): frames present}; two atoms per molecule (counted once)."""
    rows = []
    for (ion, frag), frames in presence.items():
        for f in frames:
            for atom in (frag, frag + 1):
                rows.append((f, f * dt_ps, ion, atom, frag, 0, "solvent"))
    rows.append((n_frames - 1, (n_frames - 1) * dt_ps, 99, 500, 500, 3, "anion"))  # filtered out by role
    return pd.DataFrame(rows, columns=["frame", "time_ps", "ion", "atom", "fragment", "species_id", "role"])


def test_single_run_linear_decay():
    df = scripted({(1, 10): range(0, 5)}, n_frames=20)
    ct = residence_correlation(df, frames=np.arange(20), max_lag=8)
    np.testing.assert_allclose(ct["c_t"].to_numpy(), [1, 0.8, 0.6, 0.4, 0.2, 0, 0, 0, 0])
    assert ct["time_ps"].iloc[2] == pytest.approx(1.0)
    assert residence_time(ct) == pytest.approx(0.5 * 5 ** 2 / (2 * 5))  # dt * L^2 / (2 L) = 1.25 ps


def test_runs_of_several_pairs_and_breaks():
    # pair A: runs of 2 and 4 (a break at frame 2); pair B: run of 3; other ion, same molecule: run of 1
    presence = {(1, 10): [0, 1, 3, 4, 5, 6], (1, 20): [8, 9, 10], (2, 10): [12]}
    df = scripted(presence, n_frames=30, dt_ps=1.0)
    ct = residence_correlation(df, frames=np.arange(30), max_lag=6)
    lengths = np.array([2, 4, 3, 1])
    expect = [np.clip(lengths - t, 0, None).sum() / lengths.sum() for t in range(7)]
    np.testing.assert_allclose(ct["c_t"], expect)
    assert residence_time(ct) == pytest.approx((lengths ** 2).sum() / (2 * lengths.sum()))
    assert (ct["n_origins"] == lengths.sum()).all()


def test_always_present_and_end_truncation():
    """A molecule that never leaves: C(t) = 1 for every lag (origins limited to the trajectory)."""
    df = scripted({(1, 10): range(10)}, n_frames=10)
    ct = residence_correlation(df)
    np.testing.assert_allclose(ct["c_t"], 1.0)
    assert ct["n_origins"].tolist() == list(range(10, 0, -1))


def test_species_filter_and_exponential_exchange():
    """Geometric run lengths (leave with probability p per frame) give C(t) ~ (1 - p)^t."""
    rng = np.random.default_rng(5)
    p, n_frames = 0.2, 4000
    present = []
    inside = True
    for f in range(n_frames):
        if inside:
            present.append(f)
        inside = rng.random() > p if inside else True  # re-enter at the next frame as a new run
    df = scripted({(1, 10): present}, n_frames=n_frames, dt_ps=1.0)
    df_other = df.assign(species_id=7)
    both = pd.concat([df, df_other.assign(fragment=df_other["fragment"] + 1000)])
    ct = residence_correlation(both, frames=np.arange(n_frames), max_lag=10, species_id=0)
    np.testing.assert_allclose(ct["c_t"].to_numpy()[:6], (1 - p) ** np.arange(6), rtol=0.08)
    assert residence_time(ct) == pytest.approx(sum((1 - p) ** np.arange(11)) - 0.5 * (1 + (1 - p) ** 10), rel=0.1)
