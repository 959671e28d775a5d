"""model.xyz, the dump_xyz trajectory and thermo.out round-trip through seinet's readers (and calorine's)."""

import gzip

import numpy as np
import pytest
from sim_helpers import lj_calculator

from seinet.io import open_trajectory
from seinet.simulate import DumpWriter, MDSettings, read_thermo, write_model_xyz
from seinet.simulate.cpu import run_md
from seinet.simulate.thermo import EV_A3_TO_GPA, THERMO_COLUMNS, thermo_row
from seinet.simulate.writers import pressure_tensor


@pytest.fixture()
def small():
    """Three molecules' worth of atoms in a periodic box, with momenta and a calculator."""
    from ase import Atoms, units

    rng = np.random.default_rng(0)
    atoms = Atoms("NaPF6C3H4O3", positions=rng.uniform(0, 9, (18, 3)), cell=[9.0, 9.5, 10.0], pbc=True)
    atoms.set_momenta(rng.normal(0, 0.3, (18, 3)))
    atoms.calc = lj_calculator(charges=True)
    return atoms, units


def test_model_xyz_round_trip_with_groups(tmp_path, small):
    atoms, _ = small
    atoms.positions[0] += [9.0, 0, 0]  # outside the cell: written wrapped
    labels = [1] * 4 + [0] * 14
    write_model_xyz(tmp_path / "model.xyz", atoms, groups=[labels])
    lines = (tmp_path / "model.xyz").read_text().splitlines()
    assert lines[0] == "18"
    assert lines[1].startswith('pbc="T T T" Lattice="9.00000000 0.00000000')
    assert lines[1].endswith("Properties=species:S:1:pos:R:3:group:I:1")
    assert [int(r.split()[-1]) for r in lines[2:]] == labels
    frame = next(open_trajectory(tmp_path / "model.xyz").iter_frames())
    assert list(frame.symbols) == atoms.get_chemical_symbols()
    assert np.allclose(frame.positions, atoms.get_positions(wrap=True), atol=1e-7)
    assert np.allclose(frame.cell, atoms.cell.array)


def test_model_xyz_is_what_calorine_reads(tmp_path, small):
    read_xyz = pytest.importorskip("calorine.gpumd").read_xyz

    atoms, _ = small
    write_model_xyz(tmp_path / "model.xyz", atoms, velocities=True)
    back = read_xyz(str(tmp_path / "model.xyz"))
    assert back.get_chemical_symbols() == atoms.get_chemical_symbols()
    assert np.allclose(back.get_velocities(), atoms.get_velocities(), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name", ["dump.xyz", "dump.xyz.gz"])
def test_dump_round_trip_gpumd_header(tmp_path, small, name):
    atoms, units = small
    with DumpWriter(tmp_path / name, charges=True) as dump:
        dump.write(atoms, 5.0)
        atoms.positions += 0.01
        dump.write(atoms, 10.0)
    assert dump.n_frames == 2
    opener = gzip.open if name.endswith(".gz") else open
    with opener(tmp_path / name, "rt") as fh:
        fh.readline()
        header = fh.readline()
    assert header.startswith('Time=5.00000000 pbc="T T T" Lattice="9.00000000')
    assert " energy=" in header and ' virial="' in header and ' stress="' in header
    assert header.rstrip().endswith("Properties=species:S:1:pos:R:3:charge:R:1:vel:R:3:forces:R:3")
    frames = list(open_trajectory(tmp_path / name).iter_frames())
    assert len(frames) == 2
    f = frames[1]
    assert f.time_ps == pytest.approx(0.010)
    assert np.allclose(f.positions, atoms.get_positions(wrap=True), atol=1e-7)
    assert np.allclose(f.arrays["velocities"], atoms.get_velocities() * units.fs, atol=1e-8)
    assert np.allclose(f.arrays["forces"], atoms.get_forces(), atol=1e-7)
    assert np.allclose(f.arrays["charge"], atoms.get_charges(), atol=1e-8)


def test_dump_gzip_bytes_are_reproducible(tmp_path, small):
    atoms, _ = small
    for k in (1, 2):
        with DumpWriter(tmp_path / f"d{k}.xyz.gz", charges=False, velocities=False, forces=False) as dump:
            dump.write(atoms, 1.0)
    assert (tmp_path / "d1.xyz.gz").read_bytes() == (tmp_path / "d2.xyz.gz").read_bytes()


def test_pressure_tensor_is_gpumd_sign(small):
    atoms, _ = small
    virial, pressure = pressure_tensor(atoms)
    stress = atoms.get_stress(voigt=False, include_ideal_gas=True)
    assert np.allclose(pressure, -stress, atol=1e-10)  # GPUMD: positive under compression
    assert np.allclose(virial, virial.T)


def test_thermo_row_columns_and_calorine_reader(tmp_path, small):
    calorine_read_thermo = pytest.importorskip("calorine.gpumd").read_thermo

    atoms, _ = small
    pressure = pressure_tensor(atoms)[1]
    row = thermo_row(atoms, pressure)
    assert len(row.rstrip("\n")) == 12 * 20
    (tmp_path / "thermo.out").write_text(row * 3)
    table = read_thermo(tmp_path / "thermo.out", timestep_fs=0.5, interval=10)
    assert list(table.columns) == ["step", "time_ps", *THERMO_COLUMNS]
    assert table["step"].tolist() == [10, 20, 30] and table["time_ps"].iloc[-1] == pytest.approx(0.015)
    r = table.iloc[0]
    assert r["temperature_K"] == pytest.approx(atoms.get_temperature())
    assert r["potential_eV"] == pytest.approx(atoms.get_potential_energy())
    assert r["pxy_GPa"] == pytest.approx(pressure[0, 1] * EV_A3_TO_GPA)
    assert r["lz_A"] == pytest.approx(10.0)
    theirs = calorine_read_thermo(str(tmp_path / "thermo.out"))
    assert theirs["temperature"].iloc[0] == pytest.approx(r["temperature_K"])
    assert theirs["stress_yz"].iloc[0] == pytest.approx(r["pyz_GPa"])


def test_run_md_writes_what_the_reader_reads(tmp_path, small):
    atoms, _ = small
    settings = MDSettings(steps=12, dump_every=4, thermo_every=3, timestep_fs=0.25, tau_fs=10, temperature_K=200)
    run = run_md(atoms, lj_calculator(charges=True), settings, tmp_path)
    assert run.n_frames == 3 and run.n_thermo_rows == 4 and run.charges
    frames = list(open_trajectory(run.trajectory).iter_frames())
    assert [f.time_ps for f in frames] == pytest.approx([0.001, 0.002, 0.003])
    assert "charge" in frames[0].arrays and frames[0].arrays["charge"][0] == pytest.approx(0.8)
    assert len(read_thermo(run.thermo)) == 4
