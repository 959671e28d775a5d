"""Frame ranges on dask workers give exactly the serial run's tables."""

from pathlib import Path

import pandas as pd
import pytest

from seinet.cli import main
from seinet.errors import SeinetError
from seinet.species.analysis import AnalysisSettings, SpeciesAnalysis
from seinet.species.distributed import plan_chunks

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo" / "na_dme.extxyz.gz"


@pytest.fixture(scope="module")
def plain_demo(tmp_path_factory):
    """The first 40 frames of the DME demo as a plain file (random access for the workers)."""
    import gzip

    out = tmp_path_factory.mktemp("dist") / "dme.extxyz"
    lines = gzip.open(DEMO, "rt").read().splitlines(keepends=True)
    n = int(lines[0]) + 2
    out.write_text("".join(lines[: 40 * n]))
    return out


def test_plan_covers_the_serial_frames(plain_demo):
    tasks = plan_chunks([plain_demo, plain_demo], "auto", 1, 35, 3, 4, {})
    numbers = [(off, first, stop) for _, first, stop, off in tasks]
    assert numbers[0] == (0, 1, 11) and numbers[-1][0] == 35  # second segment starts after index 34
    assert sum(len(range(first, stop, 3)) for _, first, stop in numbers) == 2 * len(range(1, 35, 3))


def test_two_workers_equal_the_serial_run(plain_demo, tmp_path):
    serial, dist = tmp_path / "serial", tmp_path / "dist"
    assert main(["analyze", str(plain_demo), "--out", str(serial), "--quiet", "--stride", "2"]) == 0
    assert main(["analyze", str(plain_demo), "--out", str(dist), "--quiet", "--stride", "2", "--workers", "2"]) == 0
    for name in ("species.csv", "species_counts.csv", "events.csv", "reactions.csv", "sei.csv", "na_inventory.csv",
                 "solvation.csv"):
        assert (serial / name).read_bytes() == (dist / name).read_bytes(), name
    a = pd.read_parquet(serial / "membership.parquet")
    b = pd.read_parquet(dist / "membership.parquet")
    pd.testing.assert_frame_equal(a, b)


def test_universe_input_is_refused(plain_demo):
    import MDAnalysis as mda

    u = mda.Universe(str(plain_demo), format="GPUMDXYZ")
    with pytest.raises(SeinetError, match="serially"):
        SpeciesAnalysis(u, AnalysisSettings(workers=1)).run()
