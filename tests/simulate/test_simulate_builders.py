"""Builders: slabs, molecules, electrolyte composition and boxes, interfaces, presets."""

import numpy as np
import pytest
from sim_helpers import needs_packmol

from seinet.simulate import (
    NA_LATTICE_A,
    PRESETS,
    SimulationConfigError,
    build_preset,
    electrolyte_box,
    electrolyte_composition,
    interface,
    layer_heights,
    molecule,
    slab,
)
from seinet.simulate.builders import AVOGADRO
from seinet.simulate.packmol import min_intermolecular_distance

SPACING = {"100": NA_LATTICE_A / 2, "110": NA_LATTICE_A / np.sqrt(2), "111": NA_LATTICE_A / (2 * np.sqrt(3))}


@pytest.mark.parametrize("facet", ["100", "110", "111"])
def test_slab_layers_spacing_and_orthogonal_cell(facet):
    atoms = slab(facet, (2, 2), 5)
    heights = layer_heights(atoms)
    assert len(heights) == 5 and heights[0] == pytest.approx(0.0, abs=1e-9)
    assert np.diff(heights) == pytest.approx(np.full(4, SPACING[facet]), abs=1e-6)
    cell = atoms.cell.array
    assert np.allclose(cell, np.diag(np.diag(cell)))
    assert cell[2, 2] == pytest.approx(5 * SPACING[facet])
    per_layer = {"100": 4, "110": 4, "111": 4}[facet]
    assert len(atoms) == 5 * per_layer
    assert set(atoms.arrays["molecule"]) == {-1}
    # bcc nearest neighbours at a sqrt(3)/2 within the slab
    from ase.neighborlist import neighbor_list

    d = neighbor_list("d", atoms, 3.8)
    assert d.min() == pytest.approx(NA_LATTICE_A * np.sqrt(3) / 2, abs=1e-6)


def test_slab_rejects_odd_repeat_for_110_and_unknown_facet():
    with pytest.raises(SimulationConfigError, match="even"):
        slab("110", (2, 3), 4)
    with pytest.raises(SimulationConfigError, match="facet"):
        slab("211", (2, 2), 4)


@pytest.mark.parametrize("name, n, formula", [("EC", 10, "C3H4O3"), ("DME", 16, "C4H10O2"),
                                              ("PF6-", 7, "F6P"), ("Na+", 1, "Na")])
def test_molecules(name, n, formula):
    mol = molecule(name, seed=1)
    assert len(mol) == n and mol.get_chemical_formula(mode="hill") == formula
    assert np.allclose(molecule(name, seed=1).positions, mol.positions)  # seeded


def test_pf6_is_an_octahedron():
    mol = molecule("PF6-")
    d = np.linalg.norm(mol.positions[1:] - mol.positions[0], axis=1)
    assert d == pytest.approx(np.full(6, 1.60))


def test_molarity_to_salt_pairs():
    # 1 M: n_salt = c N_A V_solv / (1 - c N_A v_salt); 28 EC -> 2 pairs, 0.995 M
    comp = electrolyte_composition("EC", 1.0, 28)
    assert comp.n_salt == 2 and dict(comp.counts) == {"EC": 28, "PF6-": 2, "Na+": 2}
    assert comp.molarity_M == pytest.approx(comp.n_salt / (AVOGADRO * comp.volume_A3 * 1e-27))
    assert comp.molarity_M == pytest.approx(1.0, rel=0.01)
    assert electrolyte_composition("EC", 2.0, 26).n_salt == 4
    assert electrolyte_composition("DME", 0.5, 19).n_salt == 1
    assert electrolyte_composition("EC", 0.0, 10).n_salt == 0
    # pure solvent density is the tabulated one
    assert electrolyte_composition("EC", 0.0, 10).density_g_cm3 == pytest.approx(1.32)
    assert electrolyte_composition("DME", 0.0, 10).density_g_cm3 == pytest.approx(0.867)


def test_mixture_by_mole_fraction():
    comp = electrolyte_composition({"EC": 3, "DME": 1}, 1.0, 24)
    counts = dict(comp.counts)
    assert counts["EC"] == 18 and counts["DME"] == 6


def test_composition_errors_are_clear():
    with pytest.raises(SimulationConfigError, match="n_solvent >="):
        electrolyte_composition("EC", 0.1, 3)
    with pytest.raises(SimulationConfigError, match="unknown solvent"):
        electrolyte_composition("PC", 1.0, 10)


@needs_packmol
@pytest.mark.parametrize("solvent, molarity, n", [("EC", 1.0, 20), ("DME", 2.0, 12)])
def test_electrolyte_box_counts_density_and_no_overlaps(solvent, molarity, n):
    atoms = electrolyte_box(solvent, molarity, n, seed=2)
    meta = atoms.info["seinet"]
    comp = electrolyte_composition(solvent, molarity, n)
    n_atoms = {"EC": 10, "DME": 16}[solvent] * n + 8 * comp.n_salt
    assert len(atoms) == n_atoms
    assert atoms.get_chemical_symbols().count("Na") == comp.n_salt
    density = atoms.get_masses().sum() / AVOGADRO / (atoms.get_volume() * 1e-24)
    assert density == pytest.approx(meta["density_g_cm3"], rel=0.01)
    assert density == pytest.approx(comp.density_g_cm3, rel=0.03)
    dmin = min_intermolecular_distance(atoms.positions, atoms.arrays["molecule"], atoms.cell.lengths())
    assert dmin > 1.5
    assert np.all((atoms.get_scaled_positions(wrap=False) >= 0) & (atoms.get_scaled_positions(wrap=False) < 1))


@needs_packmol
def test_electrolyte_box_is_deterministic():
    a = electrolyte_box("EC", 1.0, 14, seed=5)
    b = electrolyte_box("EC", 1.0, 14, seed=5)
    c = electrolyte_box("EC", 1.0, 14, seed=6)
    assert np.array_equal(a.positions, b.positions)
    assert not np.allclose(a.positions, c.positions)


def test_interface_geometry(tiny_interface):
    atoms = tiny_interface
    meta = atoms.info["seinet"]
    n_slab = meta["n_slab"]
    assert n_slab == 16 and len(atoms) == 16 + 12 * 10 + 8
    assert np.all(atoms.arrays["molecule"][:n_slab] == -1) and np.all(atoms.arrays["layer"][n_slab:] == -1)
    cell = atoms.cell.array
    assert cell[0, 0] == pytest.approx(2 * NA_LATTICE_A) and cell[1, 1] == pytest.approx(2 * NA_LATTICE_A)
    z = atoms.positions[:, 2]
    z_top = z[:n_slab].max()
    z_liquid = z[n_slab:]
    # the gap on both sides: liquid atom centres at least gap_A from the top layer and from the
    # periodic image of the bottom layer (z = 0 + c)
    assert z_liquid.min() >= z_top + meta["gap_A"] - 1e-9
    assert z_liquid.max() <= cell[2, 2] - meta["gap_A"] + 1e-9
    assert cell[2, 2] == pytest.approx(meta["liquid_z_A"][1] + meta["gap_A"])
    liquid_volume = cell[0, 0] * cell[1, 1] * (meta["liquid_z_A"][1] - meta["liquid_z_A"][0])
    assert liquid_volume == pytest.approx(meta["volume_A3"])
    dmin = min_intermolecular_distance(atoms.positions[n_slab:], atoms.arrays["molecule"][n_slab:],
                                       atoms.cell.lengths())
    assert dmin > 1.5


def test_interface_needs_an_orthogonal_slab():
    from ase.build import bcc110

    skew = bcc110("Na", size=(2, 2, 3), a=NA_LATTICE_A)
    skew.new_array("layer", np.zeros(len(skew), dtype=int))
    with pytest.raises(SimulationConfigError, match="orthogonal"):
        interface(skew, "EC", 1.0, 10)


def test_preset_table_matches_the_documented_sizes():
    expected = {"na-ec": 688, "na-dme": 704, "bulk-ec-0.5M": 298, "bulk-ec-1M": 296, "bulk-ec-2M": 292,
                "bulk-dme-0.5M": 312, "bulk-dme-1M": 304, "bulk-dme-2M": 304}
    assert set(PRESETS) == set(expected)
    for name, p in PRESETS.items():
        comp = electrolyte_composition(dict(p.solvents), p.molarity_M, p.n_solvent)
        n_liquid = sum(len(molecule(k)) * n for k, n in comp.counts)
        n_slab = 0 if p.facet is None else p.slab_size[0] * p.slab_size[1] * p.slab_layers
        assert n_liquid + n_slab == expected[name], name
        assert comp.molarity_M == pytest.approx(p.molarity_M, rel=0.025), name


@needs_packmol
def test_build_preset_small():
    atoms = build_preset("na-dme", n_solvent=9, seed=1, slab_size=(2, 2), slab_layers=4)
    meta = atoms.info["seinet"]
    assert meta["preset"]["name"] == "na-dme" and meta["kind"] == "interface"
    assert meta["counts"] == {"DME": 9, "PF6-": 1, "Na+": 1}
    # the preset recorded is the one built: overrides included (manifest.json provenance)
    assert (meta["preset"]["n_solvent"], meta["preset"]["slab_size"], meta["preset"]["slab_layers"]) == (9, [2, 2], 4)
    assert len(atoms) == 2 * 2 * 4 + 9 * 16 + 7 + 1
    assert sorted(set(atoms.arrays["layer"][atoms.arrays["layer"] >= 0])) == [0, 1, 2, 3]
    with pytest.raises(SimulationConfigError, match="bulk electrolyte preset"):
        build_preset("bulk-ec-1M", slab_layers=4)
    bulk = build_preset("bulk-ec-2M", seed=1)
    assert len(bulk) == 292 and bulk.info["seinet"]["molarity_M"] == pytest.approx(2.0, rel=0.025)
    with pytest.raises(SimulationConfigError, match="unknown preset"):
        build_preset("na-pc")
