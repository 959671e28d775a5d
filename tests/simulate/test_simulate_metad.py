"""seinet simulate --metad: Na-deposition metadynamics on both backends (CPU runs, GPUMD inputs)."""

import json

import numpy as np
import pytest
from sim_helpers import HAVE_PACKMOL

from seinet.cli import main
from seinet.simulate.deposition import DepositionMetad
from seinet.simulate.errors import SimulationConfigError
from seinet.simulate.hills import read_hills

pytestmark = pytest.mark.skipif(not HAVE_PACKMOL, reason="packmol is not installed")


def test_cpu_metad_biases_the_na_ion_closest_to_the_surface_and_writes_hills(tmp_path):
    out = tmp_path / "run"
    assert main(["simulate", "na-ec", "--n-solvent", "14", "--steps", "40", "--dump-every", "10", "--metad",
                 "height,cn", "--metad-pace", "10", "--out", str(out), "--quiet"]) == 0
    meta = json.loads((out / "manifest.json").read_text())["metadynamics"]
    from ase.io import read

    start = read(out / "model.xyz")
    assert start[meta["ion"]].symbol == "Na" and meta["n_surface_atoms"] == 16  # Na(100) 4x4 top layer
    hills = read_hills(out / "HILLS")
    assert list(hills.names) == ["dz", "cn"] and len(hills.time) == 4  # steps 10, 20, 30, 40
    # the first hill sits at the start structure's CV: the ion above the top layer, solvated
    assert 0 < hills.centers[0, 0] < 8.0 and hills.centers[0, 1] > 1.0
    assert np.all(np.diff(hills.heights) < 0)  # well-tempered: hills shrink where bias accumulates


def test_gpumd_metad_writes_plumed_and_the_run_in_line(tmp_path):
    out = tmp_path / "g"
    assert main(["simulate", "na-ec", "--n-solvent", "14", "--steps", "40", "--backend", "gpumd", "--prepare-only",
                 "--metad", "height", "--out", str(out), "--quiet"]) == 0
    run_in = (out / "run.in").read_text().splitlines()
    assert run_in.index("plumed plumed.dat 1 0") == run_in.index("run 40") - 1
    plumed = (out / "plumed.dat").read_text()
    assert "METAD ARG=dz SIGMA=0.25" in plumed and "BIASFACTOR=10" in plumed


def test_metad_spec_errors_are_one_line():
    with pytest.raises(SimulationConfigError, match="height and/or cn"):
        DepositionMetad(cvs=("distance",))
    with pytest.raises(SimulationConfigError, match="2 CVs but 1 sigma"):
        DepositionMetad(cvs=("height", "cn"), sigma=(0.1,))
