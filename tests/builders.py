"""Synthetic systems with known answers, generated in code (no files).

Molecule geometries come from RDKit ETKDG with a fixed seed; molecules are placed
on a lattice of sites in a periodic box so that no two molecules touch.
"""

from __future__ import annotations

import numpy as np
from rdkit import Chem
from rdkit.Chem import AllChem

from seinet.frame import Frame


def octahedral(center: str = "P", ligand: str = "F", r: float = 1.60, n: int = 6) -> tuple[list[str], np.ndarray]:
    """PF6- (n=6) or PF5-like (n=5, one vertex removed) with bond length ``r``."""
    v = np.array([[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1]], dtype=float)[:n] * r
    return [center] + [ligand] * n, np.vstack([[0.0, 0.0, 0.0], v])


def molecule(smiles: str, seed: int = 7) -> tuple[list[str], np.ndarray]:
    """Symbols and centred 3D coordinates (Å) of a molecule, hydrogens explicit."""
    if smiles == "F[P-](F)(F)(F)(F)F":  # ETKDG cannot embed octahedral P
        return octahedral()
    mol = Chem.AddHs(Chem.MolFromSmiles(smiles))
    if mol.GetNumAtoms() == 1:
        return [mol.GetAtomWithIdx(0).GetSymbol()], np.zeros((1, 3))
    params = AllChem.ETKDGv3()
    params.randomSeed = seed
    if AllChem.EmbedMolecule(mol, params) != 0:
        raise RuntimeError(f"cannot embed {smiles}")
    pos = mol.GetConformer().GetPositions()
    return [a.GetSymbol() for a in mol.GetAtoms()], pos - pos.mean(axis=0)


def rocksalt_cluster(n_side: int, a: float = 4.62, cation: str = "Na", anion: str = "F") -> tuple[list[str], np.ndarray]:
    """A cube of n_side^3 rock-salt sites (lattice constant ``a``), centred."""
    d = a / 2
    grid = np.array([(i, j, k) for i in range(n_side) for j in range(n_side) for k in range(n_side)], dtype=float)
    symbols = [cation if (i + j + k) % 2 == 0 else anion for i, j, k in grid.astype(int)]
    pos = grid * d
    return symbols, pos - pos.mean(axis=0)


def bcc_slab(nx: int, ny: int, layers: int, a: float = 4.23, element: str = "Na") -> tuple[list[str], np.ndarray]:
    """bcc (100) slab, ``layers`` atomic layers (spacing a/2), origin at 0."""
    pos = []
    for l in range(layers):
        off = 0.0 if l % 2 == 0 else a / 2
        for i in range(nx):
            for j in range(ny):
                pos.append((i * a + off, j * a + off, l * a / 2))
    return [element] * len(pos), np.array(pos, dtype=float)


class Box:
    """Accumulate molecules in a periodic orthorhombic box."""

    def __init__(self, lengths):
        self.cell = np.diag(np.asarray(lengths, dtype=float))
        self.symbols: list[str] = []
        self.positions: list[np.ndarray] = []
        self.groups: list[tuple[str, list[int]]] = []

    def add(self, symbols, positions, center, tag: str = "") -> list[int]:
        start = len(self.symbols)
        self.symbols += list(symbols)
        self.positions.append(np.asarray(positions, dtype=float) + np.asarray(center, dtype=float))
        idx = list(range(start, start + len(symbols)))
        self.groups.append((tag, idx))
        return idx

    def frame(self, index: int = 0, jitter: float = 0.0, seed: int = 0, time_ps=None, order=None) -> Frame:
        pos = np.concatenate(self.positions)
        if jitter:
            pos = pos + np.random.default_rng(seed).normal(0, jitter, pos.shape)
        sym = np.asarray(self.symbols)
        if order is not None:
            pos, sym = pos[order], sym[order]
        return Frame(index=index, symbols=sym, positions=pos, cell=self.cell.copy(), time_ps=time_ps)


def write_extxyz(path, frames, properties="species:S:1:pos:R:3") -> None:
    """Write frames in GPUMD dump_xyz style (Time in fs)."""
    import gzip

    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "wt") as fh:
        for f in frames:
            lat = " ".join(f"{x:.8f}" for x in f.cell.ravel())
            t = f" Time={f.time_ps * 1000:.3f}" if f.time_ps is not None else ""
            fh.write(f"{f.n_atoms}\nLattice=\"{lat}\"{t} Properties={properties} pbc=\"T T T\"\n")
            for s, (x, y, z) in zip(f.symbols, f.positions):
                fh.write(f"{s} {x:.6f} {y:.6f} {z:.6f}\n")
