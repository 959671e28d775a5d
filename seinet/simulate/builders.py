"""Building blocks of interface models: bcc sodium slabs, molecules, electrolyte boxes, interfaces.

Everything returns :class:`ase.Atoms` with two integer per-atom arrays and a metadata dict:

``molecule``
    Molecule index of each liquid atom (0-based, in packing order: solvents, anions, cations);
    ``-1`` for slab atoms.
``layer``
    Slab layer of each metal atom counted from the bottom (0 = lowest); ``-1`` for the liquid.
``atoms.info["seinet"]``
    What was built (JSON-serialisable): kind, composition, molarity, density, slab facet and
    size, gap, liquid slot, minimum intermolecular distance, seed.

Conventions and sources
-----------------------
- Na is bcc with a = 4.23 Å (room temperature). Layer spacings: (100) a/2 = 2.115 Å,
  (110) a/√2 = 2.991 Å, (111) a/(2√3) = 1.221 Å. Slabs come from :func:`ase.build.bcc100`,
  :func:`ase.build.bcc110`, :func:`ase.build.bcc111` with ``orthogonal=True``; (110) and (111)
  need an even second lateral repeat for that.
- Molecules: EC (``O=C1OCCO1``) and DME (``COCCOC``) from RDKit ETKDGv3 + MMFF94 with a
  fixed seed; PF6- is an octahedron with P-F = 1.60 Å (ETKDG cannot embed octahedral P);
  Na+ is one atom. Any other SMILES is embedded the same way.
- Volumes by ideal mixing of molar volumes: EC 1.32 g/cm3 (liquid, ~40 °C), DME 0.867 g/cm3
  (25 °C), NaPF6 2.37 g/cm3 (crystal). Molarity c = n_salt / (N_A V). For ``n_solvent``
  solvent molecules the number of salt pairs is the integer nearest to
  c N_A V_solvent / (1 - c N_A v_salt); the molarity actually built is recorded.
- Packing: packmol with ``tolerance`` 2.0 Å in a periodic box, seeded. In an interface the
  liquid fills the slot between the slab's top layer and its periodic image along z, leaving
  ``gap_A`` (2.0 Å) between the outermost atom planes and the liquid's atom centres on both
  sides; the cell is periodic in x, y and z and its lateral vectors are the slab's.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .errors import PackingError, SimulationConfigError
from .packmol import PackStructure, min_intermolecular_distance, pack

__all__ = [
    "AVOGADRO", "NA_LATTICE_A", "SOLVENTS", "SALTS", "Solvent", "Salt", "ElectrolyteComposition",
    "molecule", "slab", "electrolyte_composition", "electrolyte_box", "interface", "layer_heights",
]

log = logging.getLogger(__name__)

#: Avogadro's number (1/mol).
AVOGADRO = 6.02214076e23
#: bcc sodium lattice constant at room temperature (Å).
NA_LATTICE_A = 4.23
_A3_PER_CM3 = 1e24
_LITRE_A3 = 1e27


@dataclass(frozen=True)
class Solvent:
    """A solvent: its name, SMILES and liquid density (g/cm3)."""

    name: str
    smiles: str
    density_g_cm3: float


@dataclass(frozen=True)
class Salt:
    """A 1:1 salt: cation and anion (names understood by :func:`molecule`) and crystal density."""

    name: str
    cation: str
    anion: str
    density_g_cm3: float


#: Solvents the builders know (extend by adding entries).
SOLVENTS: dict[str, Solvent] = {
    "EC": Solvent("EC", "O=C1OCCO1", 1.32),
    "DME": Solvent("DME", "COCCOC", 0.867),
}
#: Salts the builders know.
SALTS: dict[str, Salt] = {"NaPF6": Salt("NaPF6", "Na+", "PF6-", 2.37)}

_PF6_BOND_A = 1.60


def molecule(name: str, seed: int = 0):
    """One molecule as :class:`ase.Atoms`, centred at the origin, no cell.

    Parameters
    ----------
    name : str
        A solvent in :data:`SOLVENTS` (``EC``, ``DME``), ``PF6-``, ``Na+``, or any SMILES.
    seed : int
        RDKit embedding seed.

    Returns
    -------
    ase.Atoms
    """
    from ase import Atoms

    if name in ("PF6-", "PF6", "F[P-](F)(F)(F)(F)F"):
        v = np.array([[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1]], dtype=float)
        return Atoms(["P"] + ["F"] * 6, positions=np.vstack([np.zeros(3), _PF6_BOND_A * v]))
    if name in ("Na+", "Na", "[Na+]"):
        return Atoms(["Na"], positions=np.zeros((1, 3)))
    smiles = SOLVENTS[name].smiles if name in SOLVENTS else name
    from rdkit import Chem
    from rdkit.Chem import AllChem

    mol = Chem.MolFromSmiles(smiles)
    if mol is None:
        raise SimulationConfigError(f"unknown molecule {name!r}: not a known name "
                                    f"({', '.join([*SOLVENTS, 'PF6-', 'Na+'])}) and not a valid SMILES")
    mol = Chem.AddHs(mol)
    params = AllChem.ETKDGv3()
    params.randomSeed = int(seed)
    if AllChem.EmbedMolecule(mol, params) != 0:
        raise SimulationConfigError(f"RDKit could not embed {smiles!r} in 3D")
    if AllChem.MMFFHasAllMoleculeParams(mol):
        AllChem.MMFFOptimizeMolecule(mol)
    pos = mol.GetConformer().GetPositions()
    return Atoms([a.GetSymbol() for a in mol.GetAtoms()], positions=pos - pos.mean(axis=0))


def slab(facet: str = "100", size: tuple[int, int] = (4, 4), layers: int = 6, *, a: float = NA_LATTICE_A,
         element: str = "Na"):
    """A bcc slab, periodic laterally, bottom layer at z = 0, cell c = layer count x layer spacing.

    Parameters
    ----------
    facet : {"100", "110", "111"}
        Surface orientation.
    size : tuple of 2 int
        Lateral repeats of the surface cell (ASE's ``size[:2]``).
    layers : int
        Atomic layers (thickness).
    a : float
        Lattice constant in Å.
    element : str

    Returns
    -------
    ase.Atoms
        With arrays ``layer`` (0 = bottom) and ``molecule`` (-1); orthogonal cell,
        ``pbc = (True, True, False)`` (c is the nominal thickness; :func:`interface` makes the
        z direction periodic through the liquid).

    Raises
    ------
    SimulationConfigError
        Unknown facet, non-positive sizes, or an odd second repeat for (110)/(111).
    """
    from ase.build import bcc100, bcc110, bcc111

    builders = {"100": bcc100, "110": bcc110, "111": bcc111}
    facet = str(facet).strip("()")
    if facet not in builders:
        raise SimulationConfigError(f"unknown facet {facet!r}; choose 100, 110 or 111")
    nx, ny = (int(v) for v in size)
    if nx < 1 or ny < 1 or layers < 1:
        raise SimulationConfigError(f"slab size and layers must be positive, got size={size}, layers={layers}")
    if facet in ("110", "111") and ny % 2:
        raise SimulationConfigError(f"bcc({facet}) needs an even second lateral repeat for an orthogonal cell, "
                                    f"got size={size}; use ({nx}, {ny + 1})")
    atoms = builders[facet](element, size=(nx, ny, int(layers)), a=a, orthogonal=True)
    atoms.positions[:, 2] -= atoms.positions[:, 2].min()
    spacing = {"100": a / 2, "110": a / np.sqrt(2), "111": a / (2 * np.sqrt(3))}[facet]
    cell = atoms.cell.array.copy()
    cell[2] = [0.0, 0.0, layers * spacing]
    atoms.set_cell(cell)
    atoms.pbc = (True, True, False)
    layer = np.rint(atoms.positions[:, 2] / spacing).astype(int)
    atoms.set_tags(np.zeros(len(atoms), dtype=int))
    atoms.new_array("layer", layer)
    atoms.new_array("molecule", np.full(len(atoms), -1, dtype=int))
    atoms.info["seinet"] = {"kind": "slab", "facet": facet, "size": [nx, ny], "layers": int(layers),
                            "lattice_constant_A": float(a), "layer_spacing_A": float(spacing), "element": element}
    return atoms


def layer_heights(atoms) -> np.ndarray:
    """Mean z (Å) of each slab layer, bottom first (from the ``layer`` array)."""
    layer = atoms.arrays["layer"]
    z = atoms.positions[:, 2]
    return np.array([z[layer == k].mean() for k in range(layer.max() + 1)])


@dataclass(frozen=True)
class ElectrolyteComposition:
    """How many molecules of each kind, the volume they fill and what that means.

    Attributes
    ----------
    counts : tuple of (str, int)
        Solvents (in input order), then the anion and the cation of the salt.
    n_salt : int
        Salt pairs.
    volume_A3 : float
        Ideal-mixing volume.
    molarity_M : float
        Salt molarity actually built (mol/L).
    density_g_cm3 : float
        Mass density of the box.
    mass_amu : float
    """

    counts: tuple[tuple[str, int], ...]
    n_salt: int
    volume_A3: float
    molarity_M: float
    density_g_cm3: float
    mass_amu: float

    def as_dict(self) -> dict:
        return {"counts": dict(self.counts), "n_salt": self.n_salt, "volume_A3": self.volume_A3,
                "molarity_M": self.molarity_M, "density_g_cm3": self.density_g_cm3, "mass_amu": self.mass_amu}


def _mole_fractions(solvents) -> dict[str, float]:
    if isinstance(solvents, str):
        solvents = {solvents: 1.0}
    if not isinstance(solvents, Mapping) or not solvents:
        raise SimulationConfigError(f"solvents must be a name or a mapping name -> mole fraction, got {solvents!r}")
    unknown = [s for s in solvents if s not in SOLVENTS]
    if unknown:
        raise SimulationConfigError(f"unknown solvent(s) {unknown}; known: {', '.join(SOLVENTS)}")
    total = float(sum(solvents.values()))
    if total <= 0 or any(v < 0 for v in solvents.values()):
        raise SimulationConfigError(f"mole fractions must be non-negative with a positive sum, got {dict(solvents)}")
    return {k: float(v) / total for k, v in solvents.items()}


def _split_counts(n: int, fractions: dict[str, float]) -> dict[str, int]:
    """Largest-remainder rounding of ``n * x_i`` (ties broken by input order)."""
    raw = {k: n * x for k, x in fractions.items()}
    counts = {k: int(np.floor(v)) for k, v in raw.items()}
    rest = n - sum(counts.values())
    for k in sorted(raw, key=lambda k: -(raw[k] - counts[k]))[:rest]:
        counts[k] += 1
    return counts


@functools.cache
def _molar_mass(name: str) -> float:
    return float(molecule(name).get_masses().sum())


def _molecular_volume_A3(mass_amu: float, density_g_cm3: float) -> float:
    return mass_amu / density_g_cm3 / AVOGADRO * _A3_PER_CM3


def electrolyte_composition(solvents="EC", molarity_M: float = 1.0, n_solvent: int = 32,
                            salt: str = "NaPF6") -> ElectrolyteComposition:
    """Molecule counts and volume of an electrolyte (see the module notes for the rules).

    Parameters
    ----------
    solvents : str or mapping
        ``"EC"`` or mole fractions such as ``{"EC": 0.5, "DME": 0.5}``.
    molarity_M : float
        Salt concentration in mol/L (0 for the pure solvent).
    n_solvent : int
        Solvent molecules in total.
    salt : str
        A key of :data:`SALTS`.

    Returns
    -------
    ElectrolyteComposition

    Raises
    ------
    SimulationConfigError
        Unknown names, n_solvent < 1, a negative molarity, or a box too small to hold one
        salt pair at a positive molarity.
    """
    fractions = _mole_fractions(solvents)
    if salt not in SALTS:
        raise SimulationConfigError(f"unknown salt {salt!r}; known: {', '.join(SALTS)}")
    if int(n_solvent) < 1:
        raise SimulationConfigError(f"n_solvent must be at least 1, got {n_solvent}")
    if molarity_M < 0:
        raise SimulationConfigError(f"molarity must be >= 0, got {molarity_M}")
    counts = _split_counts(int(n_solvent), fractions)
    s = SALTS[salt]
    salt_mass = _molar_mass(s.cation) + _molar_mass(s.anion)
    v_salt = _molecular_volume_A3(salt_mass, s.density_g_cm3)
    masses = {k: _molar_mass(k) for k in counts}
    v_solvent = sum(n * _molecular_volume_A3(masses[k], SOLVENTS[k].density_g_cm3) for k, n in counts.items())
    c = molarity_M * AVOGADRO / _LITRE_A3  # pairs per Å^3
    if c * v_salt >= 1:
        raise SimulationConfigError(f"{molarity_M} M is above what the ideal-mixing model can hold "
                                    f"({1 / (v_salt * AVOGADRO / _LITRE_A3):.1f} M)")
    n_salt = int(np.rint(c * v_solvent / (1 - c * v_salt)))
    if molarity_M > 0 and n_salt == 0:
        need = int(np.ceil(0.5 * (1 - c * v_salt) / (c * v_solvent / n_solvent)))
        raise SimulationConfigError(f"{n_solvent} solvent molecules hold no salt pair at {molarity_M} M; "
                                    f"use n_solvent >= {need}")
    volume = v_solvent + n_salt * v_salt
    mass = sum(n * masses[k] for k, n in counts.items()) + n_salt * salt_mass
    built = n_salt / volume * _LITRE_A3 / AVOGADRO
    density = mass / AVOGADRO / (volume / _A3_PER_CM3)
    return ElectrolyteComposition(counts=tuple(counts.items()) + ((s.anion, n_salt), (s.cation, n_salt)),
                                  n_salt=n_salt, volume_A3=float(volume), molarity_M=float(built),
                                  density_g_cm3=float(density), mass_amu=float(mass))


def _structures(comp: ElectrolyteComposition, seed: int, constraints: tuple[str, ...]) -> list[PackStructure]:
    out = []
    for name, number in comp.counts:
        mol = molecule(name, seed=seed)
        out.append(PackStructure(name.replace("+", "p").replace("-", "m"), tuple(mol.get_chemical_symbols()),
                                 mol.positions, number, constraints))
    return out


def _liquid_atoms(symbols, positions, molecule_index, cell):
    from ase import Atoms

    atoms = Atoms(symbols, positions=positions, cell=cell, pbc=True)
    atoms.new_array("layer", np.full(len(atoms), -1, dtype=int))
    atoms.new_array("molecule", np.asarray(molecule_index, dtype=int))
    return atoms


def _into_slot(positions: np.ndarray, mol_index: np.ndarray, z0: float, z1: float) -> np.ndarray:
    """Shift each molecule along z by the (sub-0.1 Å) amount packmol left it outside [z0, z1]."""
    positions = positions.copy()
    for m in np.unique(mol_index):
        sel = mol_index == m
        low, high = positions[sel, 2].min(), positions[sel, 2].max()
        if low < z0:
            positions[sel, 2] += z0 - low
        elif high > z1:
            positions[sel, 2] -= high - z1
    return positions


def _check_distance(d: float, tolerance_A: float) -> None:
    if d < 0.75 * tolerance_A:
        raise PackingError(f"packmol left atoms of different molecules {d:.2f} A apart (tolerance "
                           f"{tolerance_A:.2f} A); lower the density or change the seed")


def electrolyte_box(solvents="EC", molarity_M: float = 1.0, n_solvent: int = 32, *, salt: str = "NaPF6",
                    seed: int = 0, tolerance_A: float = 2.0):
    """A cubic periodic box of electrolyte packed by packmol.

    Parameters
    ----------
    solvents, molarity_M, n_solvent, salt
        See :func:`electrolyte_composition`.
    seed : int
        Seed of the RDKit embedding and of packmol.
    tolerance_A : float
        packmol distance tolerance between molecules.

    Returns
    -------
    ase.Atoms
        Wrapped into the cell; ``info["seinet"]`` holds the composition.

    Raises
    ------
    PackingError, ExecutableNotFoundError, SimulationConfigError
    """
    comp = electrolyte_composition(solvents, molarity_M, n_solvent, salt)
    length = float(comp.volume_A3 ** (1 / 3))
    symbols, positions, mol_index = pack(_structures(comp, seed, ()), (0, 0, 0, length, length, length),
                                         tolerance_A=tolerance_A, seed=seed)
    atoms = _liquid_atoms(symbols, positions, mol_index, np.eye(3) * length)
    atoms.wrap()
    dmin = min_intermolecular_distance(atoms.positions, mol_index, (length,) * 3)
    _check_distance(dmin, tolerance_A)
    atoms.info["seinet"] = {"kind": "electrolyte", "solvents": _mole_fractions(solvents), "salt": salt,
                            "target_molarity_M": molarity_M, **comp.as_dict(), "box_A": length,
                            "min_intermolecular_distance_A": dmin, "seed": seed}
    log.info("electrolyte box %.2f A: %s, %.3f M, %.3f g/cm3, %d atoms", length, dict(comp.counts),
             comp.molarity_M, comp.density_g_cm3, len(atoms))
    return atoms


def interface(metal, solvents="EC", molarity_M: float = 1.0, n_solvent: int = 48, *, salt: str = "NaPF6",
              gap_A: float = 2.0, seed: int = 0, tolerance_A: float = 2.0):
    """A slab in contact with electrolyte on both faces, periodic along z.

    Parameters
    ----------
    metal : ase.Atoms
        A slab from :func:`slab` (orthogonal lateral cell, bottom layer at z = 0).
    solvents, molarity_M, n_solvent, salt
        See :func:`electrolyte_composition`.
    gap_A : float
        Distance from the top atom plane to the first liquid atom centre, and from the last
        liquid atom centre to the bottom plane's periodic image.
    seed : int
    tolerance_A : float

    Returns
    -------
    ase.Atoms
        Slab atoms first, then the liquid; the lateral cell is the slab's, c = slab height +
        2 gaps + liquid height (ideal-mixing volume / lateral area).

    Raises
    ------
    SimulationConfigError
        A slab without an orthogonal lateral cell or a non-positive gap.
    PackingError, ExecutableNotFoundError
    """
    from ase import Atoms

    cell = metal.cell.array
    if abs(cell[0, 1]) > 1e-8 or abs(cell[1, 0]) > 1e-8 or np.abs(cell[:2, 2]).max() > 1e-8:
        raise SimulationConfigError("interface() needs a slab with an orthogonal lateral cell (see slab())")
    if gap_A <= 0:
        raise SimulationConfigError(f"gap_A must be positive, got {gap_A}")
    comp = electrolyte_composition(solvents, molarity_M, n_solvent, salt)
    lx, ly = float(cell[0, 0]), float(cell[1, 1])
    z = metal.positions[:, 2] - metal.positions[:, 2].min()
    z_top = float(z.max())
    height = float(comp.volume_A3 / (lx * ly))
    z0 = z_top + gap_A
    z1 = z0 + height
    lz = z1 + gap_A
    # packmol's constraints are penalties met to ~0.01 A: aim 0.05 A inside the slot
    constraints = (f"above plane 0. 0. 1. {z0 + 0.05:.6f}", f"below plane 0. 0. 1. {z1 - 0.05:.6f}")
    symbols, positions, mol_index = pack(_structures(comp, seed, constraints), (0, 0, 0, lx, ly, lz),
                                         tolerance_A=tolerance_A, seed=seed)
    positions = _into_slot(positions, mol_index, z0, z1)
    liquid = _liquid_atoms(symbols, positions, mol_index, np.diag([lx, ly, lz]))
    metal_pos = metal.positions.copy()
    metal_pos[:, 2] = z
    atoms = Atoms(list(metal.get_chemical_symbols()) + symbols, positions=np.vstack([metal_pos, positions]),
                  cell=np.diag([lx, ly, lz]), pbc=True)
    atoms.new_array("layer", np.concatenate([metal.arrays["layer"], liquid.arrays["layer"]]))
    atoms.new_array("molecule", np.concatenate([np.full(len(metal), -1), mol_index]).astype(int))
    atoms.wrap()
    dmin = min_intermolecular_distance(atoms.positions[len(metal):], mol_index, (lx, ly, lz))
    _check_distance(dmin, tolerance_A)
    meta = dict(metal.info.get("seinet", {}))
    atoms.info["seinet"] = {"kind": "interface", "slab": meta, "n_slab": len(metal),
                            "solvents": _mole_fractions(solvents), "salt": salt, "target_molarity_M": molarity_M,
                            **comp.as_dict(), "gap_A": gap_A, "liquid_z_A": [z0, z1], "cell_A": [lx, ly, lz],
                            "min_intermolecular_distance_A": dmin, "seed": seed}
    log.info("interface %s: %d slab atoms + %d liquid atoms, cell %.2f x %.2f x %.2f A, liquid z %.2f..%.2f A",
             meta.get("facet", "?"), len(metal), len(liquid), lx, ly, lz, z0, z1)
    return atoms
