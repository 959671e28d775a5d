"""Slab surface energies: exact pair-sum check with Lennard-Jones, octopolar (111), NEP89 smoke test."""

import importlib.util
import json
import math

import numpy as np
import pytest

pytest.importorskip("ase", reason="surface energies need ase")

from ase.calculators.lj import LennardJones  # noqa: E402

from seinet.errors import ConfigError  # noqa: E402
from seinet.nucleation.surface_energy import (  # noqa: E402
    EV_A2_TO_J_M2,
    SurfaceEnergyError,
    atomic_planes,
    build_slab,
    relax_bulk,
    slab_surface_energy,
    surface_energies,
)

SIGMA, EPS = 2.0, 0.1
RC = 3 * SIGMA


def lj():
    # one LJ for both species: rock salt becomes a simple cubic lattice with spacing a/2
    return LennardJones(sigma=SIGMA, epsilon=EPS, rc=RC)


def shifted_lj(r):
    phi = lambda x: 4 * EPS * ((SIGMA / x) ** 12 - (SIGMA / x) ** 6)  # noqa: E731
    return np.where(r < RC, phi(r) - phi(RC), 0.0)


def sc100_gamma(d: float) -> float:
    """Unrelaxed (100) surface energy (J/m^2) of a simple-cubic pair-potential crystal.

    Cutting the crystal breaks, per surface atom, every pair between a plane and the planes
    L = 1, 2, ... above it, L times over: gamma = -sum_L L S(L) / (2 d^2), with S(L) the sum
    of the pair energy over one plane at distance L d.
    """
    m = int(math.ceil(RC / d)) + 1
    u = np.arange(-m, m + 1)
    uu, vv = np.meshgrid(u, u, indexing="ij")
    total = 0.0
    for layer in range(1, m + 1):
        r = d * np.sqrt(uu**2 + vv**2 + layer**2)
        total += layer * shifted_lj(r).sum()
    return -total / (2 * d * d) * EV_A2_TO_J_M2


@pytest.fixture(scope="module")
def lj_bulk():
    return relax_bulk(lj(), a0=2 * 2 ** (1 / 6) * SIGMA, search=0.15)


def test_bulk_minimum_is_stationary(lj_bulk):
    calc = lj()
    from ase.build import bulk

    def e(a):
        atoms = bulk("NaF", "rocksalt", a=a, cubic=True)
        atoms.calc = calc
        return atoms.get_potential_energy() / 4

    a = lj_bulk.lattice_a_A
    assert e(a) == pytest.approx(lj_bulk.energy_per_formula_eV)
    assert e(a) <= min(e(a - 0.01), e(a + 0.01))
    with pytest.raises(SurfaceEnergyError, match="edge"):
        relax_bulk(calc, a0=3.0, search=0.05)


def test_unrelaxed_100_equals_pair_sum(lj_bulk):
    res = slab_surface_energy(lj_bulk, lj(), (1, 0, 0), 6, relax=False)
    assert res.gamma_unrelaxed_J_m2 == pytest.approx(sc100_gamma(lj_bulk.lattice_a_A / 2), rel=1e-8)
    assert res.gamma_J_m2 == res.gamma_unrelaxed_J_m2
    assert res.n_atoms == 24 and res.n_formula_units == 12
    assert res.area_A2 == pytest.approx(lj_bulk.lattice_a_A**2)


def test_relaxed_series_and_convergence(lj_bulk):
    series = surface_energies(lj(), planes={"100": (4, 6, 8), "110": (4, 6), "111": (7,)},
                              bulk=lj_bulk, fmax=0.01)
    df = series.to_dataframe()
    assert len(df) == 3 + 2 + 2  # (111) for both terminations
    assert df["converged"].all()
    assert (df["gamma_J_m2"] <= df["gamma_unrelaxed_J_m2"] + 1e-9).all()
    assert (df["gamma_J_m2"] > 0).all()
    conv = series.convergence()
    row = conv[conv["surface"] == "100"].iloc[0]
    assert abs(row["delta_last_J_m2"]) < 1e-3
    assert row["gamma_fit_J_m2"] == pytest.approx(row["gamma_J_m2"], abs=2e-3)
    gam = series.gamma()
    assert set(gam) == {"100", "110", "111"}
    assert gam["100"] < gam["110"]
    json.dumps(series.to_dict())


def test_slab_geometry():
    a = 4.63
    s100 = build_slab(a, (1, 0, 0), 6, vacuum=15.0)
    assert len(atomic_planes(s100)) == 6
    z = s100.positions[:, 2]
    assert s100.cell[2, 2] - (z.max() - z.min()) == pytest.approx(15.0)
    s110 = build_slab(a, (1, 1, 0), 5)
    assert len(atomic_planes(s110)) == 5
    assert s110.get_chemical_symbols().count("Na") == s110.get_chemical_symbols().count("F")
    with pytest.raises(ConfigError):
        build_slab(a, (1, 1, 1), 8)  # even: polar
    with pytest.raises(ConfigError):
        build_slab(a, (2, 1, 0), 5)
    with pytest.raises(ConfigError):
        build_slab(a, (1, 0, 0), 5, termination="Na")


@pytest.mark.parametrize("termination, repeat", [("Na", (1, 1)), ("F", (1, 1)), ("Na", (2, 3))])
def test_octopolar_111_is_stoichiometric_symmetric_and_nonpolar(termination, repeat):
    slab = build_slab(4.63, (1, 1, 1), 9, termination=termination, repeat=repeat)
    planes = atomic_planes(slab)
    sizes = [len(p) // (repeat[0] * repeat[1]) for p in planes]
    assert sizes == [1, 3, 4, 4, 4, 4, 4, 3, 1]
    symbols = np.array(slab.get_chemical_symbols())
    assert symbols[planes[0][0]] == termination and symbols[planes[-1][0]] == termination
    assert (symbols == "Na").sum() == (symbols == "F").sum()
    q = np.where(symbols == "Na", 1.0, -1.0)
    z = slab.positions[:, 2]
    assert abs((q * (z - z.mean())).sum()) < 1e-9  # no dipole along the normal
    # each apex sits on the three ions of the plane below it (rock-salt nearest neighbours)
    for apex in planes[-1]:
        d = slab.get_distances(apex, planes[-2], mic=True)
        assert np.sum(np.abs(d - 4.63 / 2) < 1e-6) == 3
    # apexes form a 2x2 superlattice: second-neighbour distance 2 a / sqrt(2)
    if len(planes[-1]) > 1:
        d = slab.get_distances(planes[-1][0], planes[-1][1:], mic=True)
        assert d.min() == pytest.approx(2 * 4.63 / math.sqrt(2))
    assert slab.info["reconstruction"] == "octopolar"


NEP89_CACHED = False
if importlib.util.find_spec("calorine") is not None:
    from seinet.models import default_cache_dir

    NEP89_CACHED = (default_cache_dir() / "nep89.txt").is_file()


@pytest.mark.skipif(not NEP89_CACHED, reason="needs calorine and a cached NEP89 model (no download in tests)")
def test_nep89_tiny_100_slab():
    from seinet.nucleation.surface_energy import default_calculator

    calc = default_calculator()
    bulk = relax_bulk(calc)
    assert 4.5 < bulk.lattice_a_A < 4.75  # NaF: 4.63 Å experimental
    res = slab_surface_energy(bulk, calc, (1, 0, 0), 4, fmax=0.05)
    assert res.converged
    assert 0.1 < res.gamma_J_m2 <= res.gamma_unrelaxed_J_m2 < 1.5
