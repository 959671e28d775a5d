"""Metadynamics: CV gradients, the well-tempered bias, HILLS I/O, free-energy surfaces, PLUMED input.

The acceptance test (issue 6): well-tempered metadynamics on an analytic double well
V(z) = Eb ((z/a)^2 - 1)^2 with Eb = 5 kT recovers the barrier within 0.5 kT from the HILLS file.
"""

import math

import numpy as np
import pytest

from seinet.simulate.bias import KB_EV_PER_K, MetadynamicsSettings, WellTemperedBias
from seinet.simulate.colvars import (CoordinationCV, HeightCV, coordination_number, height_above_surface,
                                     minimum_image, plumed_atom_list, rational_switch, top_layer)
from seinet.simulate.errors import RunInError, SimulationConfigError
from seinet.simulate.fes import free_energy_surface, plot_fes, write_fes
from seinet.simulate.hills import Hills, HillsFormatError, gaussian_sum, read_hills, write_hills
from seinet.simulate.plumed import add_plumed, plumed_input

T_K = 300.0
KT = KB_EV_PER_K * T_K

ORTHO = np.diag([9.0, 10.0, 12.0])
TRICLINIC = np.array([[9.0, 0.0, 0.0], [4.1, 8.5, 0.0], [2.3, -3.1, 11.0]])


def _fd_gradient(f, pos, h=1e-5):
    grad = np.zeros_like(pos)
    for i in range(pos.shape[0]):
        for k in range(3):
            p, m = pos.copy(), pos.copy()
            p[i, k] += h
            m[i, k] -= h
            grad[i, k] = (f(p) - f(m)) / (2 * h)
    return grad


# ----------------------------------------------------------------------------- collective variables

def test_minimum_image_is_the_shortest_image_in_a_skewed_cell():
    rng = np.random.default_rng(1)
    delta = rng.uniform(-15, 15, size=(200, 3))
    got = minimum_image(delta, TRICLINIC, True)
    shifts = np.array([(i, j, k) for i in range(-2, 3) for j in range(-2, 3) for k in range(-2, 3)]) @ TRICLINIC
    start = delta - np.round(delta @ np.linalg.inv(TRICLINIC)) @ TRICLINIC
    brute = np.linalg.norm(start[:, None, :] + shifts[None], axis=2).min(axis=1)
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), brute, atol=1e-12)
    # the image differs from the displacement by a lattice vector
    frac = (got - delta) @ np.linalg.inv(TRICLINIC)
    np.testing.assert_allclose(frac, np.round(frac), atol=1e-9)
    # non-periodic directions stay as they are
    part = minimum_image(delta, ORTHO, (True, False, True))
    np.testing.assert_allclose(part[:, 1], delta[:, 1])


def test_rational_switch_value_limit_and_derivative():
    s, _ = rational_switch([2.95], 2.95)
    assert s[0] == pytest.approx(0.5)
    r = np.array([0.5, 1.0, 2.0, 2.95 - 1e-7, 2.95 + 1e-7, 3.5, 6.0])
    s, ds = rational_switch(r, 2.95)
    np.testing.assert_allclose(s, 1 / (1 + (r / 2.95) ** 6), rtol=1e-6)  # mm = 2 nn: a plain rational
    h = 1e-6
    fd = (rational_switch(r + h, 2.95, 6, 10, 0.3)[0] - rational_switch(r - h, 2.95, 6, 10, 0.3)[0]) / (2 * h)
    np.testing.assert_allclose(rational_switch(r, 2.95, 6, 10, 0.3)[1], fd, rtol=1e-5, atol=1e-8)
    assert rational_switch([0.2], 2.95, d0=0.3)[0][0] == 1.0


@pytest.mark.parametrize("cell", [None, ORTHO, TRICLINIC], ids=["free", "orthorhombic", "triclinic"])
def test_cv_gradients_match_finite_differences(cell):
    rng = np.random.default_rng(7)
    pbc = cell is not None
    pos = rng.uniform(0, 9, size=(12, 3))
    pos[:4, 2] = 1.0 + rng.normal(0, 0.05, 4)  # a rough "top layer"
    pos[3, 0] += 8.9  # across the periodic boundary in x
    ion, anions = 5, [6, 7, 8, 9, 10, 11]
    for fn in (lambda p: height_above_surface(p, ion, surface=[0, 1, 2, 3], cell=cell, pbc=pbc),
               lambda p: height_above_surface(p, ion, plane_z=0.7, cell=cell, pbc=pbc),
               lambda p: coordination_number(p, ion, anions, 2.95, cell=cell, pbc=pbc),
               lambda p: coordination_number(p, ion, anions + [ion], 2.6, nn=8, mm=14, d0=0.2, cell=cell, pbc=pbc)):
        value, grad = fn(pos)
        np.testing.assert_allclose(grad, _fd_gradient(lambda p: fn(p)[0], pos), rtol=1e-6, atol=1e-8)
        assert np.isfinite(value)
    # a coordination number counts neighbours through the boundary
    p2 = np.array([[0.2, 5.0, 5.0], [8.7, 5.0, 5.0], [4.5, 5.0, 5.0]])
    cn, _ = coordination_number(p2, 0, [1, 2], 2.95, cell=ORTHO, pbc=True)
    assert cn == pytest.approx(1 / (1 + (0.5 / 2.95) ** 6) + 1 / (1 + (4.3 / 2.95) ** 6))


def test_height_uses_the_minimum_image_along_z_and_surface_helpers():
    pos = np.array([[0.0, 0.0, 11.8], [3.0, 3.0, 0.2], [5.0, 1.0, 2.5]])  # surface split by the boundary
    h, grad = height_above_surface(pos, 2, surface=[0, 1], cell=ORTHO, pbc=True)
    assert h == pytest.approx(2.5 - 0.0)
    np.testing.assert_allclose(grad[:, 2], [-0.5, -0.5, 1.0])
    slab = np.array([[0, 0, 0.0], [1, 0, 2.1], [0, 1, 4.2], [2, 2, 4.25], [5, 5, 9.0]])
    np.testing.assert_array_equal(top_layer(slab, [0, 1, 2, 3]), [2, 3])
    assert plumed_atom_list([0, 1, 2, 5, 7, 8]) == "1-3,6,8-9"
    with pytest.raises(SimulationConfigError):
        HeightCV(ion=1)
    with pytest.raises(SimulationConfigError):
        CoordinationCV(ion=1, anions=(2,), label="bad.label")
    with pytest.raises(SimulationConfigError):
        coordination_number(slab, 0, [1, 1], 2.95)


# ----------------------------------------------------------------------------- HILLS and FES

def _random_hills(n=40, d=2, seed=3, periodic=False):
    rng = np.random.default_rng(seed)
    periods = ((-math.pi, math.pi),) + (None,) * (d - 1) if periodic else (None,) * d
    return Hills(names=("phi", "cn")[:d], time=np.arange(1, n + 1) * 10.0, centers=rng.uniform(-2, 2, (n, d)),
                 sigmas=rng.uniform(0.1, 0.4, (n, d)), heights=rng.uniform(0.001, 0.02, n), biasf=np.full(n, 8.0),
                 periods=periods)


def test_hills_round_trip_and_plumed_header(tmp_path):
    hills = _random_hills(periodic=True)
    path = write_hills(tmp_path / "HILLS", hills)
    text = path.read_text().splitlines()
    assert text[0] == "#! FIELDS time phi cn sigma_phi sigma_cn height biasf"
    assert "#! SET multivariate false" in text and "#! SET min_phi -pi" in text and "#! SET max_phi pi" in text
    back = read_hills(path)
    assert back.names == hills.names and back.periods == hills.periods
    for attr in ("time", "centers", "sigmas", "heights", "biasf"):
        np.testing.assert_allclose(getattr(back, attr), getattr(hills, attr), rtol=1e-11)
    assert list(back.to_dataframe().columns) == ["time", "phi", "cn", "sigma_phi", "sigma_cn", "height", "biasf"]


def test_hills_reader_is_tolerant_and_strict_where_it_matters(tmp_path):
    plumed = """#! FIELDS time d1 sigma_d1 height biasf clock
#! SET multivariate false
#! SET kerneltype stretched-gaussian
# a comment
      1.000  0.50  0.10  1.2  10  1700000000
      2.000  0.60  0.10  1.1  10  1700000001

#! FIELDS time d1 sigma_d1 height biasf clock
      3.000  0.70  0.10  1.0  10  1700000002
      4.000  0.80  0.1"""
    p = tmp_path / "HILLS"
    p.write_text(plumed)
    with pytest.warns(UserWarning, match="truncated"):
        hills = read_hills(p)
    assert hills.names == ("d1",) and len(hills) == 3
    np.testing.assert_allclose(hills.heights, [1.2, 1.1, 1.0])
    bad = {"no header": "1 2 3\n", "multivariate": "#! FIELDS time a sigma_a height biasf\n#! SET multivariate true\n",
           "short line": "#! FIELDS time a sigma_a height biasf\n1 2\n1 2 3 4 5\n",
           "not a number": "#! FIELDS time a sigma_a height biasf\n1 x 3 4 5\n1 2 3 4 5\n"}
    for what, text in bad.items():
        p.write_text(text)
        with pytest.raises(HillsFormatError):
            read_hills(p)


@pytest.mark.parametrize("periodic", [False, True])
def test_2d_factorised_hill_sum_equals_the_naive_sum(periodic):
    hills = _random_hills(n=300, periodic=periodic)
    x, y = np.linspace(-math.pi, math.pi, 61), np.linspace(-2.5, 2.5, 41)
    fast, (gx, gy) = gaussian_sum(hills.centers, hills.sigmas, hills.heights, (x, y), hills.periods, gradient=True,
                                  chunk=64)
    dx = x[:, None, None] - hills.centers[None, None, :, 0]
    if periodic:
        dx -= 2 * math.pi * np.round(dx / (2 * math.pi))
    dy = y[None, :, None] - hills.centers[None, None, :, 1]
    g = hills.heights * np.exp(-0.5 * (dx / hills.sigmas[:, 0]) ** 2 - 0.5 * (dy / hills.sigmas[:, 1]) ** 2)
    np.testing.assert_allclose(fast, g.sum(axis=2), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(gx, (-g * dx / hills.sigmas[:, 0] ** 2).sum(axis=2), rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(gy, (-g * dy / hills.sigmas[:, 1] ** 2).sum(axis=2), rtol=1e-10, atol=1e-14)
    fes = free_energy_surface(hills, axes=(x, y))
    np.testing.assert_allclose(fes.values, -(g.sum(axis=2)) + g.sum(axis=2).max(), atol=1e-14)
    assert fes.values.min() == 0.0


def test_fes_options_and_figures(tmp_path):
    hills = _random_hills(d=1)
    f = free_energy_surface(hills, bins=100)
    raw = free_energy_surface(hills, bins=100, raw_heights=True)
    np.testing.assert_allclose(raw.values, f.values * 8.0 / 7.0, rtol=1e-12)  # gamma / (gamma - 1)
    early = free_energy_surface(hills, axes=f.axes, until_time=100.0)
    assert early.n_hills == 10
    assert f.to_dataframe().columns.tolist() == ["phi", "free_energy_eV"]
    fig = plot_fes(f, tmp_path / "fes1d.png", kT=KT)
    assert (tmp_path / "fes1d.png").stat().st_size > 0 and fig.axes
    path = write_hills(tmp_path / "HILLS", _random_hills(d=2))
    fes2 = write_fes(path, tmp_path / "out", bins=(40, 30), temperature_K=T_K)
    assert fes2.values.shape == (41, 31)
    assert (tmp_path / "out" / "fes.png").stat().st_size > 0
    assert len((tmp_path / "out" / "fes.csv").read_text().splitlines()) == 41 * 31 + 1
    with pytest.raises(SimulationConfigError):
        free_energy_surface(hills.select(np.zeros(len(hills), dtype=bool)))


# ----------------------------------------------------------------------------- bias

def test_well_tempered_heights_rescaled_output_and_grid(tmp_path):
    st = MetadynamicsSettings(sigma=0.1, height_eV=0.01, pace=10, biasfactor=5.0, temperature_K=T_K)
    bias = WellTemperedBias(st, ["z"], hills_path=tmp_path / "HILLS")
    h1 = bias.deposit([0.3], time=10.0)[0]
    h2 = bias.deposit([0.3], time=20.0)[0]
    assert h1 == pytest.approx(0.01)
    assert h2 == pytest.approx(0.01 * math.exp(-0.01 / (KB_EV_PER_K * T_K * 4.0)))
    written = read_hills(tmp_path / "HILLS")
    np.testing.assert_allclose(written.heights, np.array([h1, h2]) * 5.0 / 4.0, rtol=1e-11)
    np.testing.assert_allclose(written.time, [10.0, 20.0])
    assert written.biasf.tolist() == [5.0, 5.0]
    # plain metadynamics: constant heights, written as deposited
    plain = WellTemperedBias(MetadynamicsSettings(sigma=0.1, height_eV=0.01, biasfactor=None), ["z"])
    plain.deposit([[0.3], [0.3]])
    assert plain.hills.heights.tolist() == [0.01, 0.01] and plain.hills.biasf.tolist() == [1.0, 1.0]
    # the grid reproduces the exact sum; points outside fall back to it
    rng = np.random.default_rng(0)
    exact = WellTemperedBias(MetadynamicsSettings(sigma=(0.2, 0.3), height_eV=0.01), ["a", "b"])
    grid = WellTemperedBias(MetadynamicsSettings(sigma=(0.2, 0.3), height_eV=0.01, grid_min=(-2, -2),
                                                 grid_max=(2, 2), grid_bins=(200, 200)), ["a", "b"])
    centers = rng.uniform(-1.5, 1.5, (30, 2))
    for b in (exact, grid):
        b.deposit(centers)
    pts = np.vstack([rng.uniform(-1.9, 1.9, (50, 2)), [[3.0, 0.0]]])
    (ve, ge), (vg, gg) = exact.evaluate(pts), grid.evaluate(pts)
    np.testing.assert_allclose(vg, ve, atol=1e-3 * ve.max())  # linear interpolation, dx = sigma / 10
    np.testing.assert_allclose(gg, ge, atol=3e-3 * np.abs(ge).max())
    assert vg[-1] == ve[-1]
    with pytest.raises(SimulationConfigError):
        MetadynamicsSettings(sigma=0.1, height_eV=0.01, biasfactor=1.0)


def _brownian_double_well(tmp_path, seed=0, walkers=64, steps=20_000):
    """Overdamped Langevin of `walkers` particles in V(z) = Eb ((z/a)^2 - 1)^2 sharing one
    well-tempered bias (PLUMED's multiple walkers), Euler-Maruyama, rms step 0.06 Å."""
    eb, a, step = 5.0 * KT, 1.0, 0.06
    st = MetadynamicsSettings(sigma=0.06, height_eV=0.05 * KT, pace=20, biasfactor=6.0, temperature_K=T_K,
                              timestep_fs=1.0, grid_min=-2.0, grid_max=2.0, grid_bins=400)
    bias = WellTemperedBias(st, ["z"], hills_path=tmp_path / "HILLS")
    rng = np.random.default_rng(seed)
    mobility = step ** 2 / 2 / KT  # D dt / kT, Å^2/eV
    z = np.where(np.arange(walkers) % 2, a, -a).astype(float)
    for i in range(1, steps + 1):
        _, dv = bias.evaluate(z[:, None])
        force = -4 * eb * z / a ** 2 * ((z / a) ** 2 - 1) - dv[:, 0]
        z = z + mobility * force + step * rng.standard_normal(walkers)
        if i % st.pace == 0:
            bias.deposit(z[:, None], time=i * st.timestep_fs)
    return tmp_path / "HILLS", eb, a


def test_well_tempered_metadynamics_recovers_a_double_well_barrier_within_half_kT(tmp_path):
    hills_path, eb, a = _brownian_double_well(tmp_path)
    fes = free_energy_surface(hills_path, extent=[(-1.8, 1.8)], bins=360)
    left, top, right = fes.at([-a, 0.0, a])
    barrier = (top - min(left, right)) / KT
    assert abs(barrier - eb / KT) < 0.5, barrier
    assert abs(left - right) / KT < 0.75  # the two wells agree (rms 0.15 kT over 30 seeds)


# ----------------------------------------------------------------------------- ASE calculator and PLUMED

class DoubleWell:
    """Factory of a one-atom ASE calculator with V(z) = Eb ((z/a)^2 - 1)^2."""

    @staticmethod
    def make(eb, a):
        from ase.calculators.calculator import Calculator, all_changes

        class _DW(Calculator):
            implemented_properties = ["energy", "free_energy", "forces"]

            def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes):
                super().calculate(atoms, properties, system_changes)
                z = self.atoms.positions[:, 2]
                e = eb * ((z / a) ** 2 - 1) ** 2
                f = np.zeros_like(self.atoms.positions)
                f[:, 2] = -4 * eb * z / a ** 2 * ((z / a) ** 2 - 1)
                self.results = {"energy": float(e.sum()), "free_energy": float(e.sum()), "forces": f}

        return _DW()


def test_metadynamics_calculator_end_to_end_with_ase_langevin(tmp_path):
    from ase import Atoms, units
    from ase.md.langevin import Langevin

    from seinet.simulate.metad import MetadynamicsCalculator

    eb, a = 5.0 * KT, 1.0
    st = MetadynamicsSettings(sigma=0.1, height_eV=0.5 * KT, pace=20, biasfactor=6.0, temperature_K=T_K,
                              timestep_fs=2.0)
    cv = HeightCV(ion=0, plane_z_A=0.0, label="z")
    calc = MetadynamicsCalculator(DoubleWell.make(eb, a), [cv], st, hills_path=tmp_path / "HILLS")
    atoms = Atoms("H", positions=[[0.0, 0.0, -a]], masses=[2.0])
    atoms.calc = calc
    dyn = Langevin(atoms, 2.0 * units.fs, temperature_K=T_K, friction=0.05, fixcm=False,
                   rng=np.random.default_rng(4))
    calc.attach(dyn)
    dyn.run(1000)
    hills = read_hills(tmp_path / "HILLS")
    assert len(hills) == 50 and hills.names == ("z",)
    np.testing.assert_allclose(hills.time, np.arange(1, 51) * 20 * 2.0)  # no hill at step 0
    np.testing.assert_allclose(hills.heights, calc.bias.hills.heights, rtol=1e-11)
    assert hills.heights.max() <= 0.5 * KT * 6 / 5 + 1e-12 and hills.heights[-1] < hills.heights[0]
    # the forces are minus the gradient of the biased energy; the energy is the base energy + bias
    z0 = float(atoms.positions[0, 2])
    assert atoms.get_potential_energy() == pytest.approx(eb * ((z0 / a) ** 2 - 1) ** 2 + calc.bias_energy)
    assert calc.bias_energy == pytest.approx(calc.bias.evaluate([z0])[0]) and calc.bias_energy > 0
    for z in (-1.1, -0.4, 0.2):
        atoms.positions[0, 2] = z
        h = 1e-5
        fd = []
        for dz in (h, -h):
            atoms.positions[0, 2] = z + dz
            fd.append(atoms.get_potential_energy())
        atoms.positions[0, 2] = z
        assert atoms.get_forces()[0, 2] == pytest.approx(-(fd[0] - fd[1]) / (2 * h), rel=1e-6, abs=1e-9)
    assert not calc.deposit(atoms, 1000)  # once per step
    assert calc.deposit(atoms, 1020) and calc.bias.n_hills == 51


def test_metadynamics_calculator_many_atoms_forces_and_passthrough(tmp_path):
    from ase import Atoms

    from sim_helpers import lj_calculator
    from seinet.simulate.metad import MetadynamicsCalculator

    rng = np.random.default_rng(5)
    pos = np.vstack([np.c_[rng.uniform(0, 8, (4, 2)), np.full(4, 1.0)], rng.uniform(0, 8, (5, 3)) + [0, 0, 2.5]])
    atoms = Atoms("Na4NaF2O2", positions=pos, cell=np.diag([8.0, 8.0, 10.0]), pbc=True)
    cvs = [HeightCV(ion=4, surface=(0, 1, 2, 3)), CoordinationCV(ion=4, anions=(5, 6, 7, 8))]
    st = MetadynamicsSettings(sigma=(0.3, 0.2), height_eV=0.02, pace=1, biasfactor=10.0, temperature_K=T_K)
    calc = MetadynamicsCalculator(lj_calculator(charges=True), cvs, st)
    atoms.calc = calc
    for step in range(1, 4):
        atoms.positions[4] += [0.05, 0.0, 0.1]
        calc.deposit(atoms, step)
    assert "charges" in calc.implemented_properties
    assert atoms.get_charges()[5] == pytest.approx(-0.5)  # from the wrapped calculator
    forces = atoms.get_forces()
    ref = atoms.positions.copy()

    def energy(p):
        atoms.positions[:] = p
        return atoms.get_potential_energy()

    np.testing.assert_allclose(forces, -_fd_gradient(energy, ref, h=1e-5), rtol=1e-5, atol=1e-7)
    with pytest.raises(SimulationConfigError):
        MetadynamicsCalculator(lj_calculator(), cvs[:1], st)


def test_plumed_input_and_gpumd_run_in(tmp_path):
    from sim_helpers import write_fake_model
    from seinet.simulate.gpumd import write_run_in
    from seinet.simulate.potential import resolve_model
    from seinet.simulate.settings import MDSettings

    cvs = [HeightCV(ion=149, surface=tuple(range(96, 112))), CoordinationCV(ion=149, anions=(159, 160, 161, 169))]
    st = MetadynamicsSettings(sigma=(0.2, 0.1), height_eV=0.01, pace=500, biasfactor=10, temperature_K=400,
                              grid_min=(-2, 0), grid_max=(20, 8), grid_bins=(220, 80))
    text = plumed_input(cvs, st)
    lines = text.splitlines()
    assert lines[1] == "UNITS LENGTH=A TIME=fs ENERGY=eV"
    assert "dz_ref: CENTER ATOMS=97-112" in lines
    assert "dz_d: DISTANCE ATOMS=dz_ref,150 COMPONENTS" in lines
    assert "dz: COMBINE ARG=dz_d.z PERIODIC=NO" in lines
    assert "cn: COORDINATION GROUPA=150 GROUPB=160-162,170 SWITCH={RATIONAL R_0=2.95 D_0=0 NN=6 MM=12}" in lines
    assert ("metad: METAD ARG=dz,cn SIGMA=0.2,0.1 HEIGHT=0.01 PACE=500 TEMP=400 BIASFACTOR=10 "
            "GRID_MIN=-2,0 GRID_MAX=20,8 GRID_BIN=220,80 FILE=HILLS") in lines
    assert "PRINT ARG=dz,cn,metad.bias STRIDE=500 FILE=COLVAR" in lines
    plain = plumed_input([HeightCV(ion=0, plane_z_A=12.5, label="h")], MetadynamicsSettings(0.2, 0.01, biasfactor=None))
    assert "h_ref: FIXEDATOM AT=0,0,12.5" in plain and "BIASFACTOR" not in plain
    model = resolve_model(write_fake_model(tmp_path / "nep.txt"))
    run_in = write_run_in(MDSettings(steps=1000), model)
    out = add_plumed(run_in).splitlines()
    k = out.index("run 1000")
    assert out[k - 1] == "plumed plumed.dat 1 0" and sum(line.startswith("plumed") for line in out) == 1
    assert add_plumed(run_in, "meta.dat", restart=True).count("plumed meta.dat 1 1") == 1
    with pytest.raises(RunInError):
        add_plumed("\n".join(out))
    with pytest.raises(RunInError):
        add_plumed(run_in, interval=0)


def test_cpu_backend_runs_metadynamics(tmp_path):
    """run_md attaches a bias calculator: hills every pace steps, written as a HILLS file, beside the dump."""
    from ase import Atoms

    from sim_helpers import lj_calculator
    from seinet.simulate import MDSettings
    from seinet.simulate.cpu import run_md
    from seinet.simulate.metad import MetadynamicsCalculator

    rng = np.random.default_rng(5)
    pos = np.vstack([np.c_[rng.uniform(0, 8, (4, 2)), np.full(4, 1.0)], rng.uniform(0, 8, (5, 3)) + [0, 0, 3.5]])
    atoms = Atoms("Na4NaF2O2", positions=pos, cell=np.diag([8.0, 8.0, 10.0]), pbc=True)
    st = MetadynamicsSettings(sigma=0.3, height_eV=0.02, pace=10, biasfactor=10.0, temperature_K=T_K, timestep_fs=0.5)
    calc = MetadynamicsCalculator(lj_calculator(), [HeightCV(ion=4, surface=(0, 1, 2, 3))], st,
                                  hills_path=tmp_path / "HILLS")
    res = run_md(atoms, calc, MDSettings(steps=60, timestep_fs=0.5, temperature_K=T_K, dump_every=20,
                                         thermostat="langevin", seed=1), tmp_path)
    hills = read_hills(tmp_path / "HILLS")
    assert len(hills) == 6 and res.n_frames == 3
    np.testing.assert_allclose(hills.time, np.arange(1, 7) * 10 * 0.5)
