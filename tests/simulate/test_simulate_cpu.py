"""CPU backend: thermostats, ramps, fixed layers, determinism, atomic run directories, NEP89 end to end."""

import json

import numpy as np
import pytest
from sim_helpers import lj_calculator, needs_nep89

from seinet.io import open_trajectory
from seinet.simulate import MDSettings, SimulationConfigError, read_thermo, simulate
from seinet.simulate.cpu import fixed_atoms, make_dynamics, run_md, set_target_temperature


def box(n=24, seed=0):
    from ase import Atoms

    rng = np.random.default_rng(seed)
    grid = np.array([(i, j, k) for i in range(3) for j in range(3) for k in range(3)], float)[:n] * 3.0
    atoms = Atoms(["Na"] * n, positions=grid + rng.normal(0, 0.05, grid.shape), cell=[9.0] * 3, pbc=True)
    atoms.new_array("layer", np.full(n, -1))
    return atoms


@pytest.mark.parametrize("thermostat", ["bussi", "langevin", "nose-hoover"])
def test_thermostats_run_with_a_ramp(tmp_path, thermostat):
    settings = MDSettings(steps=10, timestep_fs=1.0, tau_fs=20, temperature_K=100, final_temperature_K=300,
                          thermostat=thermostat, dump_every=5)
    run = run_md(box(), lj_calculator(), settings, tmp_path)
    assert run.n_frames == 2 and run.n_thermo_rows == 2
    assert np.isfinite(read_thermo(run.thermo)["temperature_K"]).all()


def test_set_target_temperature_moves_every_thermostat():
    from ase import units

    for thermostat in ("bussi", "langevin", "nose-hoover"):
        atoms = box()
        atoms.calc = lj_calculator()
        atoms.set_momenta(np.random.default_rng(1).normal(0, 0.5, (len(atoms), 3)))
        dyn = make_dynamics(atoms, MDSettings(thermostat=thermostat, temperature_K=100), np.random.default_rng(0))
        set_target_temperature(dyn, 450.0)
        kT = getattr(dyn, "temp", None) or getattr(getattr(dyn, "_thermostat", None), "_kT", None)
        assert kT == pytest.approx(450.0 * units.kB), thermostat


def test_target_temperature_is_linear():
    s = MDSettings(steps=100, temperature_K=300, final_temperature_K=500)
    assert [s.target_temperature(k) for k in (0, 50, 100)] == [300, 400, 500]
    assert MDSettings(temperature_K=300).target_temperature(50) == 300


def test_settings_are_checked():
    with pytest.raises(SimulationConfigError, match="thermostat"):
        MDSettings(thermostat="berendsen")
    with pytest.raises(SimulationConfigError, match="tau_fs"):
        MDSettings(tau_fs=0.1, timestep_fs=0.5)


def test_fixed_layers_do_not_move(tmp_path):
    from seinet.simulate import slab

    atoms = slab("100", (2, 2), 4)
    atoms.pbc = True
    atoms.set_cell(np.diag([atoms.cell[0, 0], atoms.cell[1, 1], 4 * 2.115]))
    assert len(fixed_atoms(atoms, 2)) == 8
    settings = MDSettings(steps=8, dump_every=4, fixed_layers=2, temperature_K=300, tau_fs=10)
    run = run_md(atoms, lj_calculator(), settings, tmp_path)
    frames = list(open_trajectory(run.trajectory).iter_frames())
    fixed = fixed_atoms(atoms, 2)
    assert np.allclose(frames[-1].positions[fixed], atoms.get_positions(wrap=True)[fixed], atol=1e-7)
    assert np.allclose(frames[-1].arrays["velocities"][fixed], 0.0)
    assert not np.allclose(frames[-1].positions, atoms.get_positions(wrap=True), atol=1e-4)
    with pytest.raises(SimulationConfigError, match="whole slab"):
        fixed_atoms(atoms, 4)
    with pytest.raises(SimulationConfigError, match="needs a slab"):
        fixed_atoms(box(), 1)


def test_seed_gives_identical_files(tmp_path):
    settings = MDSettings(steps=10, dump_every=5, thermostat="langevin", tau_fs=20, seed=4)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = run_md(box(), lj_calculator(), settings, tmp_path / "a")
    b = run_md(box(), lj_calculator(), settings, tmp_path / "b")
    assert a.trajectory.read_bytes() == b.trajectory.read_bytes()
    assert a.thermo.read_bytes() == b.thermo.read_bytes()


def test_failed_run_leaves_no_directory(tmp_path):
    from ase.calculators.calculator import CalculatorError

    class Exploding(type(lj_calculator())):
        calls = 0

        def calculate(self, *args, **kwargs):
            Exploding.calls += 1
            if Exploding.calls > 5:
                raise CalculatorError("boom")
            super().calculate(*args, **kwargs)

    out = tmp_path / "RUN"
    calc = Exploding(sigma=1.0, epsilon=0.01, rc=3.0, smooth=True)
    with pytest.raises(CalculatorError):
        simulate(box(), out, steps=20, dump_every=2, calculator=calc, model=_fake_model(tmp_path))
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".RUN")]


def _fake_model(tmp_path):
    from sim_helpers import write_fake_model

    return write_fake_model(tmp_path / "nep.txt")


def test_custom_calculator_run_directory_layout(tmp_path):
    out = tmp_path / "RUN"
    result = simulate(box(), out, steps=6, dump_every=3, calculator=lj_calculator(), model=_fake_model(tmp_path),
                      gzip=True, seed=2)
    assert sorted(p.name for p in out.iterdir()) == ["dump.xyz.gz", "manifest.json", "model.xyz", "run.json",
                                                     "thermo.out"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest == result.manifest
    assert manifest["backend"] == "cpu" and manifest["preset"] == "custom"
    assert manifest["settings"]["seed"] == 2 and manifest["settings"]["gzip"] is True
    assert manifest["outputs"]["n_frames"] == 2 and manifest["outputs"]["trajectory"] == "dump.xyz.gz"
    assert set(manifest["files"]) == {"dump.xyz.gz", "model.xyz", "run.json", "thermo.out"}
    assert len(manifest["model"]["sha256"]) == 64
    with pytest.raises(Exception, match="already exists"):
        simulate(box(), out, steps=2, calculator=lj_calculator(), model=_fake_model(tmp_path))


def test_model_must_cover_the_elements(tmp_path):
    from sim_helpers import write_fake_model

    model = write_fake_model(tmp_path / "nep.txt", elements=("H", "C", "O"))
    with pytest.raises(SimulationConfigError, match="does not cover Na"):
        simulate(box(), tmp_path / "RUN", steps=2, model=model, calculator=lj_calculator())
    assert not (tmp_path / "RUN").exists()


@needs_nep89
def test_nep89_cpu_md_end_to_end_then_analyze(tmp_path, tiny_interface):
    """144 atoms (Na(100) + EC + NaPF6), 20 steps of NEP89 MD, then seinet analyze reads the dump as is."""
    from seinet import analyze

    result = simulate(tiny_interface, tmp_path / "sim", steps=20, dump_every=5, temperature_K=400,
                      fixed_layers=1, seed=1)
    assert result.n_frames == 4 and result.trajectory.name == "dump.xyz"
    manifest = result.manifest
    assert manifest["model"]["name"] == "nep89" and manifest["model"]["charges"] is False
    assert manifest["outputs"]["n_fixed"] == 4
    thermo = read_thermo(result.thermo, 0.5, 5)
    assert len(thermo) == 4 and thermo["temperature_K"].between(100, 900).all()
    results = analyze(result.trajectory, tmp_path / "analysis")
    names = set(results.species["name"])
    assert {"EC", "PF6-"} <= names
    assert len(results.counts) == 4
    assert results.counts["time_ps"].tolist() == pytest.approx([0.0025, 0.005, 0.0075, 0.01])


@needs_nep89
def test_nep89_runs_are_byte_identical_for_a_seed(tmp_path, tiny_interface):
    from seinet.models import nep89_path
    from seinet.simulate.cpu import make_calculator

    calc = make_calculator(nep89_path())
    settings = MDSettings(steps=6, dump_every=3, seed=11, temperature_K=350)
    runs = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        runs.append(run_md(tiny_interface, calc, settings, tmp_path / name))
    assert runs[0].trajectory.read_bytes() == runs[1].trajectory.read_bytes()
    assert runs[0].thermo.read_bytes() == runs[1].thermo.read_bytes()


def test_cli_passes_the_slab_options_to_simulate(tmp_path, monkeypatch, capsys):
    import seinet.simulate
    from seinet.cli import main

    seen = {}

    def fake_simulate(preset, out, **kwargs):
        seen.update(kwargs, preset=preset)
        raise SimulationConfigError("stop here")

    monkeypatch.setattr(seinet.simulate, "simulate", fake_simulate)
    args = ["simulate", "na-ec", "--out", str(tmp_path / "RUN"), "--n-solvent", "56", "--slab-size", "4x3",
            "--slab-layers", "5", "--quiet"]
    assert main(args) != 0 and "stop here" in capsys.readouterr().err
    assert (seen["preset"], seen["n_solvent"], seen["slab_size"], seen["slab_layers"]) == ("na-ec", 56, (4, 3), 5)
    assert main(["simulate", "na-ec", "--out", str(tmp_path / "RUN"), "--slab-size", "4"]) != 0
    err = capsys.readouterr().err
    assert "--slab-size" in err and len(err.strip().splitlines()) == 1


def test_slab_options_are_refused_for_a_given_structure(tmp_path):
    with pytest.raises(SimulationConfigError, match="interface presets"):
        simulate(box(), tmp_path / "RUN", steps=2, slab_layers=5, calculator=lj_calculator(),
                 model=_fake_model(tmp_path))
    assert not (tmp_path / "RUN").exists()


def test_a_run_that_blows_up_stops_with_one_line_and_keeps_its_frames(tmp_path):
    from ase.calculators.calculator import Calculator, all_changes

    from seinet.simulate import SimulationError

    class Breaks(Calculator):
        """Lennard-Jones-like forces until the 8th evaluation, then NaN (a model that fails)."""

        implemented_properties = ["energy", "forces", "stress"]

        def __init__(self):
            super().__init__()
            self.calls = 0
            self.inner = lj_calculator()

        def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes):
            super().calculate(atoms, properties, system_changes)
            self.calls += 1
            work = atoms.copy()
            work.calc = self.inner
            forces = work.get_forces()
            self.results = {"energy": work.get_potential_energy(), "stress": work.get_stress(),
                            "forces": forces if self.calls < 8 else np.full_like(forces, np.nan)}

    settings = MDSettings(steps=20, timestep_fs=1.0, thermostat="nve", temperature_K=100, dump_every=2)
    with pytest.raises(SimulationError, match=r"blew up by step \d+: non-finite positions.*3 frames kept"):
        run_md(box(), Breaks(), settings, tmp_path)
    frames = list(open_trajectory(tmp_path / "dump.xyz"))
    assert len(frames) == 3 and all(np.isfinite(f.positions).all() for f in frames)
