"""GPUMD backend: run.in writing and grammar checks, a missing executable, and a real run when gpumd exists."""

import os
import shutil

import pytest
from sim_helpers import needs_nep89, write_fake_model

from seinet.simulate import (
    ExecutableNotFoundError,
    MDSettings,
    RunInError,
    check_run_in,
    find_gpumd,
    resolve_model,
    simulate,
    write_run_in,
)
from seinet.simulate.gpumd import GPUMD_ENV

HAVE_GPUMD = shutil.which("gpumd") is not None or bool(os.environ.get(GPUMD_ENV))


@pytest.fixture()
def model(tmp_path):
    return resolve_model(write_fake_model(tmp_path / "nep.txt"))


@pytest.fixture()
def qnep(tmp_path):
    return resolve_model(write_fake_model(tmp_path / "qnep.txt", kind="nep4_zbl_charge1"))


def test_run_in_for_a_plain_model(model):
    s = MDSettings(steps=2000, timestep_fs=0.5, temperature_K=300, final_temperature_K=500, tau_fs=50,
                   dump_every=20, thermo_every=10, seed=7)
    text = write_run_in(s, model, fixed_group=1)
    lines = [ln for ln in text.splitlines() if not ln.startswith("#")]
    assert lines == [f"potential {model.path}", "velocity 300 seed 7", "time_step 0.5",
                     "ensemble nvt_bdp 300 500 100", "fix 1", "dump_thermo 10",
                     "dump_xyz 20 dump.xyz velocity force", "run 2000"]
    parsed = check_run_in(text)
    assert [p.keyword for p in parsed][-1] == "run"


def test_run_in_for_a_charge_model_has_kspace_and_charge(qnep):
    assert qnep.has_charges
    s = MDSettings(steps=100, thermostat="langevin", minimize_steps=50, kspace="ewald", dump_forces=False)
    text = write_run_in(s, qnep)
    assert "kspace ewald\n" in text and "minimize fire 0.5 50\n" in text
    assert "ensemble nvt_lan 300 300 100\n" in text
    assert "dump_xyz 10 dump.xyz charge velocity\n" in text


def test_dump_charges_needs_a_charge_model(model):
    with pytest.raises(RunInError, match="qNEP"):
        write_run_in(MDSettings(dump_charges=True), model)


GOOD = "potential nep.txt\nvelocity 300\nensemble nvt_bdp 300 300 100\ndump_xyz 10 d.xyz charge force\nrun 10\n"


@pytest.mark.parametrize("text, message", [
    ("potential nep.txt\nvelocity 300\nensemble nvt_bdp 300 300 100\ndump_exyz 10 0 0\nrun 10\n", "dump_exyz"),
    ("potential nep.txt\nvelocity 300\nensemble nvt_bdp 300 300 100\ndump_xyz -1 0 10 d.xyz\nrun 10\n",
     "order is gone"),
    ("potential nep.txt\nvelocity 300\nensemble nvt_bdp 300 300 100\ndump_xyz 10 d.xyz charges\nrun 10\n",
     "unknown property"),
    ("potential nep.txt\nvelocity 300\nensemble nvt_bdp 300 300 0.5\nrun 10\n", "T_coup must be >= 1"),
    ("potential nep.txt\nvelocity 300\nensemble nvt_xyz 300 300 100\nrun 10\n", "ensemble: takes"),
    ("potential nep.txt\nvelocity 300\nrun 10\n", "without an ensemble"),
    ("velocity 300\npotential nep.txt\nensemble nve\nrun 10\n", "first keyword must be potential"),
    ("potential nep.txt\nensemble nve\nrun 10\nvelocity 300\n", "velocity must come before"),
    ("potential nep.txt\nvelocity 300\nensemble nve\nrun 10\ndump_thermo 10\n", "after the last run"),
    ("potential nep.txt\nkspace pppm 3.0\nvelocity 300\nensemble nve\nrun 10\n", "spacing must be <= 2"),
    ("potential nep.txt\nvelocity 300\nensemble nve\nrun 10.5\n", "steps must be an integer"),
    ("potential nep.txt\nvelocity 300\nensemble nve\nplumed p.dat 1 2\nrun 10\n", "restart flag"),
    ("potential nep.txt\nvelocity 300\nensemble nve\nrerun 10\n", "unknown keyword"),
    ("potential nep.txt\nvelocity 300\nensemble nve\ndump_xyz 10 d.xyz group 0\nrun 10\n", "group"),
    ("potential nep.txt\nvelocity 300\nensemble nve\n", "no run keyword"),
])
def test_check_run_in_rejects(text, message):
    with pytest.raises(RunInError, match=message):
        check_run_in(text)


def test_check_run_in_accepts_the_documented_forms():
    check_run_in(GOOD)
    check_run_in("# comment\npotential a.txt  # the model\nkspace pppm 1.5\nminimize sd -1 100\n"
                 "velocity 300 seed 3\ntime_step 1.0 0.05\nensemble nve\nfix 0 2\ndump_thermo 5\n"
                 "dump_xyz 10 out.xyz group 0 1 precision double mass velocity force potential virial\n"
                 "run 100\nensemble nvt_nhc 300 400 200\nrun 50\n")


def test_missing_gpumd_is_one_clear_error(tmp_path, monkeypatch):
    monkeypatch.delenv(GPUMD_ENV, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ExecutableNotFoundError, match="SEINET_GPUMD") as info:
        find_gpumd()
    assert "\n" not in str(info.value) and "gpumd" in str(info.value)
    monkeypatch.setenv(GPUMD_ENV, str(tmp_path / "nowhere" / "gpumd"))
    with pytest.raises(ExecutableNotFoundError, match="not an executable"):
        find_gpumd()
    out = tmp_path / "RUN"
    with pytest.raises(ExecutableNotFoundError):
        simulate("bulk-ec-1M", out, backend="gpumd", model=write_fake_model(tmp_path / "nep.txt"), steps=10)
    assert not out.exists()


def test_find_gpumd_through_the_environment(tmp_path, monkeypatch):
    exe = tmp_path / "bin" / "gpumd"
    exe.parent.mkdir()
    exe.write_text("#!/bin/sh\nexit 0\n")
    exe.chmod(0o755)
    monkeypatch.setenv(GPUMD_ENV, str(exe.parent))
    assert find_gpumd() == exe


def test_fake_gpumd_run_is_streamed_and_failures_are_reported(tmp_path, monkeypatch):
    """A stand-in executable checks the run directory layout and the error path without a GPU."""
    from seinet.simulate import GPUMDError

    exe = tmp_path / "gpumd"
    exe.write_text("#!/bin/sh\necho 'Started running GPUMD.'\necho 'oops: Cannot open potential' >&2\nexit 3\n")
    exe.chmod(0o755)
    monkeypatch.setenv(GPUMD_ENV, str(exe))
    from ase import Atoms

    atoms = Atoms("NaF", positions=[[0, 0, 0], [2, 2, 2]], cell=[6, 6, 6], pbc=True)
    out = tmp_path / "RUN"
    with pytest.raises(GPUMDError, match="exited with code 3.*Cannot open potential"):
        simulate(atoms, out, backend="gpumd", model=write_fake_model(tmp_path / "nep.txt"), steps=10)
    assert not out.exists()


def test_prepare_only_writes_inputs(tmp_path):
    from ase import Atoms

    atoms = Atoms("NaF", positions=[[0, 0, 0], [2, 2, 2]], cell=[6, 6, 6], pbc=True)
    result = simulate(atoms, tmp_path / "RUN", backend="gpumd", execute=False, steps=100,
                      model=write_fake_model(tmp_path / "nep.txt"))
    assert sorted(p.name for p in result.out.iterdir()) == ["manifest.json", "model.xyz", "run.in"]
    check_run_in((result.out / "run.in").read_text())
    assert result.trajectory is None and "prepared" in result.manifest["outputs"]["status"]


@pytest.mark.gpu
@needs_nep89
@pytest.mark.skipif(not HAVE_GPUMD, reason="gpumd is not installed (set SEINET_GPUMD or put gpumd on PATH)")
def test_gpumd_nep89_end_to_end_then_analyze(tmp_path, tiny_interface):
    from seinet import analyze

    result = simulate(tiny_interface, tmp_path / "sim", backend="gpumd", steps=20, dump_every=5,
                      temperature_K=400, seed=1, fixed_layers=1)
    assert result.n_frames == 4 and (result.out / "gpumd.log").is_file()
    results = analyze(result.trajectory, tmp_path / "analysis")
    assert {"EC", "PF6-"} <= set(results.species["name"])


FAKE_GPUMD = '''#!{python}
"""Stand-in for gpumd: reads run.in and model.xyz, writes dump.xyz and thermo.out in GPUMD's layout."""
import sys
words = [ln.split() for ln in open("run.in") if ln.strip() and not ln.startswith("#")]
kw = {{w[0]: w[1:] for w in words}}
steps, every = int(kw["run"][0]), int(kw["dump_xyz"][0])
lines = open("model.xyz").read().splitlines()
n, lattice = int(lines[0]), lines[1].split('Lattice="')[1].split('"')[0]
atoms = [ln.split()[:4] for ln in lines[2:2 + n]]
with open(kw["dump_xyz"][1], "w") as dump, open("thermo.out", "w") as thermo:
    for k in range(1, steps // every + 1):
        time_fs = k * every * float(kw["time_step"][0])
        dump.write(f"{{n}}\\nTime={{time_fs:.8f}} pbc=\\"T T T\\" Lattice=\\"{{lattice}}\\" "
                   "energy=-1.0 Properties=species:S:1:pos:R:3\\n")
        dump.write("".join(" ".join(a) + "\\n" for a in atoms))
        thermo.write("".join(f"{{v:20.10e}}" for v in [300, 1, -1, 0, 0, 0, 0, 0, 0, 6, 6, 6]) + "\\n")
        print(f"    {{100 * k * every // steps}}% completed.", flush=True)
'''


def test_fake_gpumd_success_path_gives_the_common_layout(tmp_path, monkeypatch):
    import sys

    from ase import Atoms

    from seinet.io import open_trajectory

    exe = tmp_path / "gpumd"
    exe.write_text(FAKE_GPUMD.format(python=sys.executable))
    exe.chmod(0o755)
    monkeypatch.setenv(GPUMD_ENV, str(exe))
    atoms = Atoms("NaF", positions=[[0, 0, 0], [2, 2, 2]], cell=[6, 6, 6], pbc=True)
    result = simulate(atoms, tmp_path / "RUN", backend="gpumd", steps=20, dump_every=5, thermo_every=5, gzip=True,
                      model=write_fake_model(tmp_path / "nep.txt"))
    assert sorted(p.name for p in result.out.iterdir()) == ["dump.xyz.gz", "gpumd.log", "manifest.json",
                                                            "model.xyz", "run.in", "thermo.out"]
    assert "100% completed" in (result.out / "gpumd.log").read_text()
    frames = list(open_trajectory(result.trajectory).iter_frames())
    assert len(frames) == result.n_frames == 4 and frames[-1].time_ps == pytest.approx(0.01)
    assert result.manifest["outputs"]["thermo_summary"]["rows"] == 4
    assert result.manifest["versions"]["gpumd"] == str(exe)
