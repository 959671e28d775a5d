"""MFPT analysis: exact toy cases, censoring, and recovery of a known barrier from Langevin runs."""

import json
import math

import numpy as np
import pandas as pd
import pytest

from seinet.errors import SeinetError
from seinet.nucleation.mfpt import (
    MFPTCurve,
    MFPTError,
    analyze_mfpt,
    as_runs,
    first_passage_times,
    fit_mfpt,
    mfpt_curve,
    mfpt_model,
    reconstruct_barrier,
)

# cubic barrier beta G(n) = dG (3 u^2 - 2 u^3), u = n / n*: maximum dG at n*, minimum 0 at n = 0
DG_TRUE = 5.0
N_STAR_TRUE = 10.0
B_ABSORB = 2 * N_STAR_TRUE
DT = 0.04


def langevin_runs(n_runs: int = 200, dg: float = DG_TRUE, n_star: float = N_STAR_TRUE,
                  b: float = B_ABSORB, dt: float = DT, seed: int = 0, block: int = 2000) -> list[np.ndarray]:
    """Overdamped Langevin dynamics of a cluster size in beta G(n), D = 1, reflecting at 0.

    Every replica starts at n = 0 and is recorded at every step until its first step at
    n >= b (absorbed). Returns one float32 array of n per run (frame spacing ``dt``).
    """
    rng = np.random.default_rng(seed)
    sig = math.sqrt(2 * dt)
    c = 6 * dg / n_star**2 * dt  # D beta G'(n) dt = c n (1 - n / n*)
    x = np.zeros(n_runs)
    alive = np.arange(n_runs)
    pieces = [[np.zeros(1, np.float32)] for _ in range(n_runs)]
    while len(alive):
        xa = x[alive]
        buf = np.empty((block, len(alive)), np.float32)
        noise = rng.standard_normal((block, len(alive)))
        for k in range(block):
            xa = np.minimum(np.abs(xa - c * xa * (1 - xa / n_star) + sig * noise[k]), 2 * b)
            buf[k] = xa
        x[alive] = xa
        done = (buf >= b).any(axis=0)
        for j, i in enumerate(alive):
            col = buf[:, j]
            pieces[i].append(col[: np.argmax(col >= b) + 1] if done[j] else col)
        alive = alive[~done]
    return [np.concatenate(p) for p in pieces]


@pytest.fixture(scope="module")
def langevin():
    return langevin_runs()


# ------------------------------------------------------------------------------ basics
def test_first_passage_times_and_censoring():
    runs = [(np.arange(5.0), np.array([0, 1, 3, 2, 5.0])), (np.arange(3.0), np.array([0, 2, 1.0]))]
    fpt = first_passage_times(runs, [1, 2, 3, 5])
    np.testing.assert_array_equal(fpt[0], [1, 2, 2, 4])
    assert fpt[1, 0] == 1 and fpt[1, 1] == 1
    assert np.isnan(fpt[1, 2]) and np.isnan(fpt[1, 3])

    curve = mfpt_curve(runs, thresholds=[1, 2, 3, 5])
    np.testing.assert_array_equal(curve.n_reached, [2, 2, 1, 1])
    np.testing.assert_allclose(curve.tau, [1.0, 1.5, 2.0, 4.0])
    assert np.isnan(curve.tau_sem[2])  # one run only
    df = curve.to_dataframe()
    assert list(df.columns) == ["n", "tau_ps", "tau_sem_ps", "n_runs_reached", "n_runs", "fraction_reached"]
    np.testing.assert_allclose(df["fraction_reached"], [1, 1, 0.5, 0.5])


def test_inputs_dataframe_arrays_and_offsets():
    table = pd.DataFrame({"run": [0, 0, 0, 1, 1, 1], "time_ps": [10.0, 11.0, 12.0, 5.0, 6.0, 7.0],
                          "n_max": [1, 2, 4, 1, 3, 3]})
    runs = as_runs(table)
    assert [t[0] for t, _ in runs] == [0.0, 0.0]  # times measured from each run's start
    c1 = mfpt_curve(table, thresholds=[2, 3, 4])
    c2 = mfpt_curve([np.array([1, 2, 4]), np.array([1, 3, 3])], thresholds=[2, 3, 4], dt=1.0)
    np.testing.assert_allclose(c1.tau, c2.tau)
    np.testing.assert_allclose(c1.tau, [1.0, 1.5, 2.0])
    # default thresholds for integer data: every integer above the smallest start
    np.testing.assert_array_equal(mfpt_curve(table).thresholds, [2, 3, 4])
    with pytest.raises(MFPTError):
        as_runs([np.array([1, 2])])  # bare arrays need dt
    with pytest.raises(MFPTError):
        as_runs(table.drop(columns="n_max"))
    with pytest.raises(SeinetError):
        as_runs([])


def test_fit_recovers_exact_sigmoid_and_rate():
    n = np.arange(1, 41, dtype=float)
    tau = mfpt_model(n, 500.0, 17.3, 0.12)
    curve = MFPTCurve(n, tau, np.full(len(n), 1.0), np.full(len(n), 8), 8)
    fit = fit_mfpt(curve, volume_nm3=20.0)
    assert fit.n_star == pytest.approx(17.3, rel=1e-6)
    assert fit.zeldovich == pytest.approx(0.12, rel=1e-6)
    assert fit.tau_j == pytest.approx(500.0, rel=1e-6)
    assert fit.rate == pytest.approx(1 / (500.0 * 20.0), rel=1e-6)
    assert fit.rate_m3_s == pytest.approx(fit.rate * 1e39)
    json.dumps(fit.to_dict())
    with pytest.raises(MFPTError):
        fit_mfpt(curve, n_range=(1, 3))


def test_fit_skips_thresholds_most_runs_never_reach(caplog):
    n = np.arange(1, 31, dtype=float)
    tau = mfpt_model(n, 100.0, 12.0, 0.2)
    reached = np.where(n > 25, 1, 10)
    curve = MFPTCurve(n, tau, np.ones(len(n)), reached, 10)
    fit = fit_mfpt(curve)
    assert fit.n_range == (1.0, 25.0)
    with caplog.at_level("WARNING", logger="seinet.nucleation.mfpt"):
        fit_mfpt(curve, min_fraction_reached=0.0)
    assert "right-censored" in caplog.text


def test_barrier_needs_runs_reaching_b():
    runs = [np.array([0, 1, 2, 1, 0.0])]
    with pytest.raises(MFPTError):
        reconstruct_barrier(runs, b=5, dt=1.0)


# ------------------------------------------------------------------------------ acceptance
def test_langevin_mfpt_recovers_critical_size(langevin):
    """Issue 5 acceptance: n* from the MFPT fit within 10 % of the known barrier top."""
    thresholds = np.linspace(0.25, B_ABSORB, 80)
    result = analyze_mfpt(langevin, thresholds=thresholds, dt=DT, b=B_ABSORB, bin_width=0.5,
                          volume_nm3=8.0)
    fit = result.fit
    assert fit is not None
    assert abs(fit.n_star - N_STAR_TRUE) / N_STAR_TRUE < 0.10
    # the erf form is a saddle-point expansion: Z within 20 % of sqrt(|beta G''(n*)| / 2 pi)
    z_true = math.sqrt(6 * DG_TRUE / N_STAR_TRUE**2 / (2 * math.pi))
    assert abs(fit.zeldovich - z_true) / z_true < 0.2
    assert result.curve.n_reached.min() == len(langevin)  # nothing censored
    assert fit.rate == pytest.approx(1 / (fit.tau_j * 8.0))

    barrier = result.barrier
    assert barrier is not None and barrier.n_runs_used == len(langevin)
    assert abs(barrier.barrier_kt - DG_TRUE) < 1.0
    assert abs(barrier.n_star - N_STAR_TRUE) / N_STAR_TRUE < 0.15
    # the reconstructed profile follows the true one up to the top
    true = DG_TRUE * (3 * (barrier.n / N_STAR_TRUE) ** 2 - 2 * (barrier.n / N_STAR_TRUE) ** 3)
    sel = (barrier.n > 1) & (barrier.n < N_STAR_TRUE) & np.isfinite(barrier.beta_dg)
    dev = (barrier.beta_dg[sel] - barrier.beta_dg[sel][0]) - (true[sel] - true[sel][0])
    assert np.abs(dev).max() < 1.0
    # D(n) = 1 was simulated
    mid = (barrier.n > 3) & (barrier.n < 8)
    assert np.nanmedian(barrier.attachment[mid]) == pytest.approx(1.0, rel=0.3)

    df = result.to_dataframe()
    assert {"n", "tau_ps", "tau_fit_ps"} <= set(df.columns)
    assert list(barrier.to_dataframe().columns) == ["n", "p_st", "tau_ps", "B", "D_per_ps", "beta_dG_kT"]
    json.dumps(result.to_dict())
    print(f"\nn*_fit = {fit.n_star:.2f} (true {N_STAR_TRUE}), Z = {fit.zeldovich:.3f} (true {z_true:.3f}), "
          f"barrier = {barrier.barrier_kt:.2f} kT at n = {barrier.n_star:.2f} (true {DG_TRUE} kT)")


def test_langevin_censored_runs_are_counted(langevin):
    # cut every run at a fixed length: runs that have not nucleated are right-censored
    cut = int(np.median([len(r) for r in langevin]))
    runs = [r[:cut] for r in langevin]
    curve = mfpt_curve(runs, thresholds=[5.0, 15.0], dt=DT)
    full = mfpt_curve(langevin, thresholds=[5.0, 15.0], dt=DT)
    assert curve.n_reached[1] < len(runs)
    assert curve.n_reached[1] == sum(int((r >= 15.0).any()) for r in runs)
    assert curve.tau[1] < full.tau[1]  # the documented low bias of the reached-only mean
