"""Other ways in: ASE-readable files, an MDAnalysis Universe from Python, variable (NPT) cells."""

import numpy as np
import pytest
from dataclasses import replace

from builders import Box, molecule, write_extxyz
from seinet.species import Partitioner
from seinet.species.analysis import AnalysisSettings, SpeciesAnalysis


def ec_box(n=4, L=16.0):
    box = Box([L, L, L])
    s, p = molecule("O=C1OCCO1")
    for k in range(n):
        box.add(s, p, ((k % 2) * L / 2 + L / 4, (k // 2) * L / 2 + L / 4, L / 2))
    return box


def test_variable_cell_each_frame_uses_its_own_cell():
    # one H2 across the periodic boundary along x; the cell changes between frames
    frames = []
    for k, L in enumerate([10.0, 10.4, 9.8]):
        pos = np.array([[0.2, 5.0, 5.0], [L - 0.4, 5.0, 5.0]])  # 0.6 Å apart through the boundary
        from seinet.frame import Frame

        frames.append(Frame(index=k, symbols=np.array(["H", "H"]), positions=pos, cell=np.diag([L, 10.0, 10.0])))
    p = Partitioner(frames[0].symbols)
    for f in frames:
        part = p.partition(f)
        assert {p.catalogue.species[s].smiles for s in part.unit_counts} == {"[HH]"}
    # the same coordinates in a cell that puts the atoms 9.4 Å apart: no bond
    wide = replace(frames[0], cell=np.diag([20.0, 10.0, 10.0]))
    q = Partitioner(wide.symbols)
    assert {q.catalogue.species[s].smiles for s in q.partition(wide).unit_counts} == {"[H]"}


def test_ase_format_route(tmp_path):
    import ase.io as ase_io  # ase is in the [test] extra
    from ase import Atoms

    box = ec_box()
    f = box.frame()
    atoms = Atoms(symbols=list(f.symbols), positions=f.positions, cell=f.cell, pbc=True)
    path = tmp_path / "ec.traj"
    ase_io.write(path, [atoms, atoms])
    res = SpeciesAnalysis(path, AnalysisSettings(format="ase")).run().results
    assert res.n_frames == 2
    assert res.counts["O=C1OCCO1"].tolist() == [4, 4]


def test_mdanalysis_universe_route(tmp_path):
    import MDAnalysis as mda

    import seinet  # noqa: F401  registers the GPUMD reader

    box = ec_box()
    path = tmp_path / "ec.extxyz"
    write_extxyz(path, [box.frame(k, jitter=0.02, seed=k, time_ps=0.01 * k) for k in range(3)])
    u = mda.Universe(str(path))
    res = SpeciesAnalysis(u).run().results
    assert res.n_frames == 3
    assert res.counts["O=C1OCCO1"].tolist() == [4, 4, 4]
    np.testing.assert_allclose(res.counts["time_ps"], [0.0, 0.01, 0.02])


def test_segments_continue_frame_numbering(tmp_path):
    box = ec_box()
    a, b = tmp_path / "a.extxyz", tmp_path / "b.extxyz"
    write_extxyz(a, [box.frame(k, time_ps=0.01 * k) for k in range(2)])
    write_extxyz(b, [box.frame(k, time_ps=0.02 + 0.01 * k) for k in range(3)])
    res = SpeciesAnalysis([a, b]).run().results
    assert res.counts["frame"].tolist() == [0, 1, 2, 3, 4]
