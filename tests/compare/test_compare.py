"""seinet compare: replica statistics, the difference rule, reactions side by side, the command and its page."""

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from seinet.cli import main
from seinet.compare import compare_reactions, condition_table, differences, load_run, window_mean
from seinet.compare.runs import RunTables

sys.path.insert(0, str(Path(__file__).parents[1]))
from test_report import external_references, render  # noqa: E402

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"


def per_run(values: dict[str, list[float]], se=np.nan, metric="gas_total") -> pd.DataFrame:
    rows = [(cond, f"{cond}{i}", metric, v, se) for cond, vs in values.items() for i, v in enumerate(vs)]
    return pd.DataFrame(rows, columns=["condition", "run", "metric", "value", "se"])


def test_replicas_give_t_intervals_and_the_difference_rule():
    rng = np.random.default_rng(3)
    table = condition_table(per_run({"EC": list(10 + rng.normal(0, 1, 4)), "DME": list(20 + rng.normal(0, 1, 4)),
                                     "EC2": list(10 + rng.normal(0, 1, 4))}))
    ec = table.set_index("condition").loc["EC"]
    assert ec["n_runs"] == 4 and ec["interval"] == "t, 4 replicas"
    assert ec["ci_low"] < 10 < ec["ci_high"] or abs(ec["mean"] - 10) < 2
    d = differences(table).set_index(["condition_a", "condition_b"])["verdict"]
    assert d[("EC", "DME")] == "different" and d[("DME", "EC2")] == "different"
    assert d[("EC", "EC2")] == "same within CI"


def test_single_runs_poisson_floor_and_cannot_tell():
    counts = condition_table(per_run({"A": [3.0], "B": [2.0]}, se=0.0))  # constant counts: block SE 0
    assert counts["ci_half"].to_numpy() == pytest.approx(1.96 * np.sqrt([3.0, 2.0]))
    assert differences(counts)["verdict"].iloc[0] == "same within CI"
    unknown = condition_table(per_run({"A": [0.7], "B": [0.9]}, metric="sodium_lost_fraction"))
    assert differences(unknown)["verdict"].iloc[0] == "cannot tell"


def test_window_mean_blocks():
    x = np.r_[np.zeros(80), np.arange(20.0)]
    mean, se = window_mean(x, 0.2)
    assert mean == pytest.approx(9.5) and se > 0
    assert window_mean([1.0, np.nan, np.nan], 1.0) == (1.0, pytest.approx(float("nan"), nan_ok=True))


def _run(label, reactions, t_end=1.0):
    counts = pd.DataFrame({"frame": [0, 1, 2], "time_ps": np.linspace(0, t_end, 3)})
    rx = pd.DataFrame(reactions, columns=["reaction_key", "equation_names", "forward_count"])
    return RunTables(path=Path(label), label=label, manifest={}, species=pd.DataFrame(), counts=counts, reactions=rx)


def test_reactions_unique_shared_and_rate_ratio():
    a = _run("EC", [("A>B", "A -> B", 4), ("C>D", "C -> D", 1)])
    b = _run("DME", [("A>B", "A -> B", 2), ("E>F", "E -> F", 3)])
    t = compare_reactions([a, b]).set_index("reaction_key")
    assert t.loc["A>B", "status"] == "shared" and t.loc["C>D", "status"] == "only EC"
    assert t.loc["E>F", "status"] == "only DME"
    dt = 1.0 + 0.5  # last time + one frame spacing
    assert t.loc["A>B", "rate_per_ps:EC"] == pytest.approx(4 / dt)
    assert t.loc["A>B", "ratio:DME/EC"] == pytest.approx(0.5)
    assert np.isnan(t.loc["E>F", "ratio:DME/EC"])


@pytest.fixture(scope="module")
def demo_runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("cmp")
    runs = {}
    for name in ("na_ec", "na_dme"):
        out = root / name
        assert main(["analyze", str(DEMO / f"{name}.extxyz.gz"), "--out", str(out), "--stop", "60", "--quiet",
                     "--no-membership"]) == 0
        runs[name] = out
    return root, runs


def test_compare_command_writes_a_self_contained_page(demo_runs, tmp_path, capsys):
    root, runs = demo_runs
    out = tmp_path / "cmp"
    assert main(["compare", str(runs["na_ec"]), str(runs["na_dme"]), "--out", str(out), "--labels", "EC,DME"]) == 0
    printed = capsys.readouterr().out
    assert "sei_inorganic_fraction" in printed and "EC" in printed and "DME" in printed
    for name in ("comparison.csv", "differences.csv", "per_run.csv", "reactions_comparison.csv", "comparison.html",
                 "manifest.json", "figures/species.png", "figures/sei.png", "figures/transport.png"):
        assert (out / name).is_file(), name
    table = pd.read_csv(out / "comparison.csv")
    assert set(table["condition"]) == {"EC", "DME"}
    assert {"sei_inorganic_fraction", "sodium_lost_fraction", "n_reactions"} <= set(table["metric"])
    html = (out / "comparison.html").read_text()
    assert external_references(html) == []
    dom, log = render(out / "comparison.html", tmp_path)
    assert "Headline numbers" in dom and "CONSOLE" not in log
    assert re_errors_empty(dom)
    # deterministic: the same comparison again gives identical tables
    out2 = tmp_path / "cmp2"
    assert main(["compare", str(runs["na_ec"]), str(runs["na_dme"]), "--out", str(out2), "--labels", "EC,DME",
                 "--quiet"]) == 0
    for name in ("comparison.csv", "differences.csv", "reactions_comparison.csv"):
        assert (out / name).read_bytes() == (out2 / name).read_bytes()


def re_errors_empty(dom: str) -> bool:
    import re

    m = re.search(r'<pre id="errors"[^>]*>(.*?)</pre>', dom, flags=re.S)
    return m is not None and m.group(1).strip() == ""


def test_replicas_by_label(demo_runs, tmp_path):
    root, runs = demo_runs
    import shutil

    from seinet.compare import compare

    rep = tmp_path / "na_ec_rep"
    shutil.copytree(runs["na_ec"], rep)
    res = compare([runs["na_ec"], rep, runs["na_dme"]], labels=["EC", "EC", "DME"])
    ec = res.conditions[(res.conditions["condition"] == "EC") & (res.conditions["metric"] == "n_reactions")]
    assert ec["n_runs"].iloc[0] == 2 and ec["ci_half"].iloc[0] == pytest.approx(0.0)


def test_compare_errors_are_one_line(demo_runs, tmp_path, capsys):
    root, runs = demo_runs
    assert main(["compare", str(runs["na_ec"]), str(tmp_path), "--out", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err.strip()
    assert "not a run directory" in err and len(err.splitlines()) == 1
    assert main(["compare", str(runs["na_ec"]), str(runs["na_ec"]), "--out", str(tmp_path / "y")]) == 2
    assert "twice" in capsys.readouterr().err
    assert main(["compare", str(runs["na_ec"]), str(runs["na_dme"]), "--out", str(tmp_path / "z"),
                 "--labels", "A"]) == 2
    assert not (tmp_path / "z").exists() and not (tmp_path / "x").exists()
    existing = tmp_path / "keep"
    existing.mkdir()
    (existing / "mine.txt").write_text("user data")
    assert main(["compare", str(runs["na_ec"]), str(runs["na_dme"]), "--out", str(existing)]) == 2
    assert (existing / "mine.txt").read_text() == "user data"
