"""GPUMD extended XYZ opened as an MDAnalysis Universe (seinet.io.mda_reader)."""

import gzip

import MDAnalysis as mda
import numpy as np
import pytest
from MDAnalysis.lib.mdamath import triclinic_box

import seinet.io  # noqa: F401  registers the formats
from seinet.io.mda_reader import FORCE_FACTOR, FORMAT_NAMES, VELOCITY_FACTOR

SYMBOLS = ["Li", "F", "C", "O", "H", "Na"]
CHARGES = np.array([0.9, -0.8, 0.3, -0.5, 0.1, 0.0])
ORTHO = np.diag([10.0, 11.0, 12.0])
TRICLINIC = np.array([[10.0, 0.0, 0.0], [2.0, 9.0, 0.0], [1.0, 1.5, 8.0]])


def scripted(cell, n_frames=3, seed=0):
    """Known frames: positions, velocities (Å/fs), forces (eV/Å), times (fs)."""
    rng = np.random.default_rng(seed)
    frac = rng.random((len(SYMBOLS), 3))
    out = []
    for k in range(n_frames):
        pos = (frac + 0.01 * k) @ cell
        out.append({"pos": pos, "vel": rng.normal(0, 0.01, pos.shape), "force": rng.normal(0, 1, pos.shape),
                    "time_fs": 100.0 * k, "cell": cell * (1 + 0.01 * k)})
    return out


def write_gpumd(path, frames):
    """Write frames as GPUMD dump_xyz does (species, pos, charge, vel, force)."""
    lines = []
    for f in frames:
        lattice = " ".join(f"{x:.8f}" for x in f["cell"].ravel())
        lines += [str(len(SYMBOLS)),
                  f'Lattice="{lattice}" Time={f["time_fs"]:.6f} '
                  'Properties=species:S:1:pos:R:3:charge:R:1:vel:R:3:force:R:3 pbc="T T T"']
        for i, s in enumerate(SYMBOLS):
            cols = [*f["pos"][i], CHARGES[i], *f["vel"][i], *f["force"][i]]
            lines.append(s + " " + " ".join(f"{x:.8f}" for x in cols))
    text = "\n".join(lines) + "\n"
    if str(path).endswith(".gz"):
        with gzip.open(path, "wt") as fh:
            fh.write(text)
    else:
        path.write_text(text)
    return path


def test_extxyz_name_is_free_in_mdanalysis():
    assert "GPUMDXYZ" in FORMAT_NAMES
    assert "EXTXYZ" in FORMAT_NAMES  # MDAnalysis 2.x has no extxyz reader of its own
    assert mda._READERS["EXTXYZ"].__module__ == "seinet.io.mda_reader"


@pytest.mark.parametrize(("name", "cell", "fmt"), [
    ("dump.xyz", ORTHO, "GPUMDXYZ"),
    ("run.extxyz", TRICLINIC, None),
    ("run.extxyz.gz", TRICLINIC, None),
    ("dump.xyz.gz", ORTHO, "GPUMDXYZ"),
])
def test_universe_topology_and_frames(tmp_path, name, cell, fmt):
    frames = scripted(cell)
    path = write_gpumd(tmp_path / name, frames)
    u = mda.Universe(str(path), format=fmt) if fmt else mda.Universe(str(path))
    assert u.atoms.n_atoms == len(SYMBOLS)
    assert list(u.atoms.elements) == SYMBOLS
    assert list(u.atoms.names) == SYMBOLS
    assert list(u.atoms.types) == SYMBOLS
    np.testing.assert_allclose(u.atoms.masses[:2], [6.941, 18.998], atol=1e-2)
    np.testing.assert_allclose(u.atoms.charges, CHARGES)
    assert u.atoms.n_residues == 1 and u.atoms.n_segments == 1
    assert u.trajectory.n_frames == len(u.trajectory) == 3
    assert u.trajectory.dt == pytest.approx(0.1)
    for ts, ref in zip(u.trajectory, frames, strict=True):  # streaming iteration
        np.testing.assert_allclose(ts.positions, ref["pos"], atol=1e-5)
        np.testing.assert_allclose(ts.dimensions, triclinic_box(*ref["cell"]), rtol=1e-6)
        assert ts.time == pytest.approx(ref["time_fs"] / 1000.0)
        np.testing.assert_allclose(ts.velocities, ref["vel"] * VELOCITY_FACTOR, rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(ts.forces, ref["force"] * FORCE_FACTOR, rtol=1e-5, atol=1e-4)
    assert [ts.frame for ts in u.trajectory] == [0, 1, 2]  # iterating twice restarts


def test_random_access_then_continue(tmp_path):
    frames = scripted(TRICLINIC)
    u = mda.Universe(str(write_gpumd(tmp_path / "t.extxyz", frames)))
    ts = u.trajectory[2]
    assert ts.frame == 2 and ts.time == pytest.approx(0.2)
    np.testing.assert_allclose(u.atoms.positions, frames[2]["pos"], atol=1e-5)
    u.trajectory[0]
    u.trajectory.next()  # continues from the frame just read
    assert u.trajectory.frame == 1
    np.testing.assert_allclose(u.atoms.positions, frames[1]["pos"], atol=1e-5)
    assert [ts.frame for ts in u.trajectory[::2]] == [0, 2]
    assert [ts.frame for ts in u.trajectory[[2, 0, 1]]] == [2, 0, 1]
    u.trajectory[-1]
    assert u.trajectory.frame == 2


def test_units_factors():
    assert VELOCITY_FACTOR == 1000.0
    assert FORCE_FACTOR == pytest.approx(mda.units.convert(1.0, "eV", "kJ/mol"), rel=1e-6)


def test_minimal_file_without_time_or_extra_columns(tmp_path):
    path = tmp_path / "m.extxyz"
    path.write_text('2\nLattice="8 0 0 0 8 0 0 0 8" Properties=species:S:1:pos:R:3 pbc="T T T"\nNa 1 1 1\nF 3 1 1\n'
                    '2\nLattice="8 0 0 0 8 0 0 0 8" Properties=species:S:1:pos:R:3 pbc="T T T"\nNa 1 1 2\nF 3 1 2\n')
    u = mda.Universe(str(path), dt=0.5)
    assert not hasattr(u.atoms, "charges")
    assert not u.trajectory.ts.has_velocities and not u.trajectory.ts.has_forces
    assert u.trajectory[1].time == pytest.approx(0.5)
    np.testing.assert_allclose(u.dimensions, [8, 8, 8, 90, 90, 90])


@pytest.mark.parametrize("cell", [ORTHO, TRICLINIC])
def test_interrdf_counts_minimum_image_pairs(tmp_path, cell):
    from MDAnalysis.analysis.rdf import InterRDF
    from MDAnalysis.lib.distances import distance_array

    u = mda.Universe(str(write_gpumd(tmp_path / "t.extxyz", scripted(cell, n_frames=3, seed=1))))
    li, o = u.select_atoms("element Li C"), u.select_atoms("element O F")
    expected = sum(int(np.sum(distance_array(li.positions, o.positions, box=ts.dimensions) < 6.0))
                   for ts in u.trajectory)
    rdf = InterRDF(li, o, nbins=30, range=(0.0, 6.0)).run()
    assert rdf.n_frames == 3
    assert rdf.results.rdf.shape == (30,)
    assert expected > 0
    assert int(rdf.results.count.sum()) == expected


def test_pickle_mid_iteration_and_copy(tmp_path):
    import pickle

    frames = scripted(ORTHO, n_frames=4)
    u = mda.Universe(str(write_gpumd(tmp_path / "t.extxyz.gz", frames)))
    it = iter(u.trajectory)
    next(it), next(it)  # an open stream on frame 1
    u2 = pickle.loads(pickle.dumps(u))
    assert u2.trajectory.frame == 1
    u2.trajectory.next()
    np.testing.assert_allclose(u2.atoms.positions, frames[2]["pos"], atol=1e-5)
    assert u.trajectory.copy().frame == 1
    assert [ts.frame for ts in u2.trajectory] == [0, 1, 2, 3]
