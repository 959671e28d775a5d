"""Helpers of the benchmark suite (benchmarks/): what they generate and measure, never how fast."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCH))

import _common  # noqa: E402
import _stages  # noqa: E402
import suite  # noqa: E402


def test_bounced_frames_equal_tiled_frames_then_run_back_continuously():
    tiled = list(_common.tiled_frames(3, reps=(2, 1, 1)))
    bounced = list(_common.bounced_frames(205, reps=(2, 1, 1)))
    for (s1, p1, c1, t1), (s2, p2, c2, t2) in zip(tiled, bounced):
        assert np.array_equal(s1, s2) and np.array_equal(p1, p2) and np.array_equal(c1, c2) and t1 == t2
    symbols, source, _, _ = _common._source_frames()
    m = len(source)
    assert m < 205 - 4 and suite.DEMO_ATOMS == len(symbols)
    pos = np.stack([p for _, p, _, _ in bounced])
    # past the last source frame (m - 1) the run goes back: frame m - 1 + k has the positions of frame m - 1 - k
    assert np.allclose(pos[m], pos[m - 2]) and np.allclose(pos[m + 3], pos[m - 5])
    times = np.array([t for *_, t in bounced])
    assert np.all(np.diff(times) > 0)
    assert len(bounced[0][0]) == 2 * len(symbols)


def test_run_measured_reports_each_commands_own_peak_rss():
    # from a fresh, small process: Linux hands the caller's RSS high-water mark to its children
    script = f"""
import json, sys
sys.path.insert(0, {str(BENCH)!r})
from _common import run_measured
big = [sys.executable, "-c", "b = bytearray(200_000_000); b[::4096] = b'x' * len(b[::4096])"]
first = run_measured(big)["peak_rss_MiB"]
second = run_measured([sys.executable, "-c", "pass"])["peak_rss_MiB"]
print(json.dumps([first, second]))
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    first, second = json.loads(out)
    assert first > 150
    assert second < first / 2  # not the running maximum over all children (RUSAGE_CHILDREN)
    with pytest.raises(TimeoutError):
        _common.run_measured([sys.executable, "-c", "import time; time.sleep(30)"], timeout=0.5)
    with pytest.raises(RuntimeError):
        _common.run_measured([sys.executable, "-c", "raise SystemExit(3)"])


def test_steady_rate_leaves_out_the_first_frame_and_the_frames_read_ahead():
    # slow first frame, 1 s per frame, then the read-ahead frames go by at 0.1 s each
    stamps = [0.0] + [5.0 + k for k in range(20)]
    stamps += [stamps[-1] + 0.1 * (k + 1) for k in range(_stages.LOOKAHEAD)]
    assert _stages.steady_rate(stamps, 100) == pytest.approx(100.0)
    assert _stages.steady_rate([0.0, 5.0, 6.0, 7.0, 8.0, 9.0], 100) == pytest.approx(100.0)  # few frames
    assert _stages.steady_rate([1.0], 100) is None


def test_suite_section_is_replaced_between_markers_and_nothing_else():
    text = "# Performance\n\nintro\n"
    once = suite.replace_section(text, "first")
    assert once.startswith(text.rstrip("\n")) and "first" in once
    twice = suite.replace_section(once + "\n## Later\n", "second")
    assert "first" not in twice and "second" in twice and twice.endswith("## Later\n")
    assert twice.count(suite.BEGIN) == 1 and twice.count(suite.END) == 1
