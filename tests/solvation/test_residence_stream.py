"""The streaming residence accumulator equals the batch estimator on random presence patterns."""

import numpy as np
import pandas as pd
import pytest

from seinet.solvation import residence_correlation
from seinet.solvation.residence import ResidenceAccumulator


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_stream_equals_batch(seed):
    rng = np.random.default_rng(seed)
    n_frames, n_pairs = 40, 25
    present = rng.random((n_frames, n_pairs)) < rng.uniform(0.2, 0.9, n_pairs)
    rows = [(f, p // 5, p % 5 + 100) for f in range(n_frames) for p in range(n_pairs) if present[f, p]]
    df = pd.DataFrame(rows, columns=["frame", "ion", "fragment"])
    batch = residence_correlation(df, frames=np.arange(n_frames), max_lag=15, role=None)
    acc = ResidenceAccumulator()
    for f in range(n_frames):
        sub = df[df["frame"] == f]
        acc.add(sub["ion"].to_numpy() * 1000 + sub["fragment"].to_numpy())
    stream = acc.correlation(max_lag=15)
    np.testing.assert_allclose(stream["c_t"], batch["c_t"])
    np.testing.assert_array_equal(stream["n_origins"], batch["n_origins"])
