"""seinet fes on a HILLS file, and GPUMD run.in with PLUMED passes the keyword check."""

import numpy as np
import pandas as pd
import pytest

from seinet.cli import main
from seinet.simulate import Hills, MDSettings, add_plumed, check_run_in, write_hills, write_run_in


def test_fes_command_recovers_a_single_well(tmp_path, capsys):
    n = 400
    rng = np.random.default_rng(0)
    centers = rng.normal(0.0, 0.3, (n, 1))  # hills piled where the walker sat: -sum is a well at 0
    hills = Hills(names=("x",), time=np.arange(n, dtype=float), centers=centers, sigmas=np.full((n, 1), 0.1),
                  heights=np.full(n, 0.01), biasf=np.full(n, 10.0))
    path = write_hills(tmp_path / "HILLS", hills)
    assert main(["fes", str(path), "--out", str(tmp_path / "fes"), "--bins", "120"]) == 0
    table = pd.read_csv(tmp_path / "fes" / "fes.csv")
    energy = [c for c in table.columns if c != "x"][0]
    assert table[energy].min() == pytest.approx(0.0)
    assert abs(table.loc[table[energy].idxmin(), "x"]) < 0.1
    assert (tmp_path / "fes" / "fes.png").is_file()
    (tmp_path / "bad").write_text("#! FIELDS time x sigma_x height biasf\n1 2 oops\n")
    assert main(["fes", str(tmp_path / "bad"), "--out", str(tmp_path / "fes2")]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_run_in_with_plumed_passes_the_grammar():
    from pathlib import Path

    from seinet.simulate import ModelInfo

    model = ModelInfo(name="nep.txt", path=Path("nep.txt"), sha256="0" * 64, kind="nep4", elements=("Na", "F"))
    text = add_plumed(write_run_in(MDSettings(steps=100), model))
    lines = check_run_in(text)
    assert any(line.keyword == "plumed" for line in lines)
