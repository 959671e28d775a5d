"""Surface energies gamma(hkl) of rock-salt crystals (NaF) from slab calculations.

The same potential that ran the MD should give the surface energies that a Wulff analysis of
its nuclei is compared with. Any ASE calculator works; the default is NEP89 through calorine
(:func:`default_calculator`).

Procedure (:func:`surface_energies`):

1. **Bulk.** The lattice constant ``a`` of the conventional 8-atom rock-salt cell is found by
   minimising ``E(a)`` (bounded Brent search; cubic symmetry keeps the ions in place), which
   gives the bulk energy per formula unit ``E_bulk``.
2. **Slabs.** :func:`build_slab` cuts a periodic slab of ``n_planes`` atomic planes parallel
   to (hkl) from the bulk at that ``a`` (``ase.build.surface``), in-plane cell from the cubic
   cell, at least ``vacuum`` Å of vacuum (default 15, beyond every cutoff) between images.
3. **Relaxation.** Ions relax at fixed cell (BFGS, ``fmax`` 0.05 eV/Å); optionally the
   central planes are frozen at their bulk positions.
4. ``gamma = (E_slab - N E_bulk) / (2 A)`` with N formula units and A the in-plane area;
   reported for the cleaved (unrelaxed) and the relaxed slab in J/m^2, for every thickness,
   with the Fiorentini-Methfessel estimate (slope and intercept of ``E_slab(N)``) as a check
   that ``E_bulk`` and the slabs are consistent.

Polar (111). Rock-salt (111) planes hold one species each, so a stoichiometric slab with a
bulk-terminated (111) face has a dipole through it and a surface energy that grows with
thickness; it has no meaningful gamma. The standard non-polar model is the **octopolar
reconstruction** (Wolf, *Phys. Rev. Lett.* 68, 3315 (1992)): on a slab with an odd number of
planes, the same species on both faces, the outermost plane keeps 1/4 of its ions and the
plane below 3/4 (the three ions under the one kept), in a 2x2 surface cell. The slab is then
stoichiometric, symmetric and free of a dipole, and each face is made of small {100}-faceted
pyramids. It is what the "(111)R" of the NaCl values 0.16/0.33/0.52 J/m^2 in DESIGN.md
refers to. Both terminations (Na-apex and F-apex) are computed; the lower is reported as
gamma(111). It is still a model: in an electrolyte a (111) face can be stabilised by
adsorbates instead, and MD nuclei can show it only as small {100}-stepped facets.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from ..errors import ConfigError, SeinetError
from .wulff import family_label

__all__ = [
    "DEFAULT_PLANES",
    "EV_A2_TO_J_M2",
    "SurfaceEnergyError",
    "BulkReference",
    "SlabEnergy",
    "SurfaceEnergies",
    "default_calculator",
    "relax_bulk",
    "build_slab",
    "atomic_planes",
    "slab_surface_energy",
    "surface_energies",
]

logger = logging.getLogger(__name__)

#: 1 eV/Å^2 in J/m^2.
EV_A2_TO_J_M2 = 16.021766208

#: Default thickness series (atomic planes) per family; (111) needs odd counts.
DEFAULT_PLANES = {"100": (4, 6, 8, 10), "110": (4, 6, 8, 10), "111": (7, 9, 11, 13)}


class SurfaceEnergyError(SeinetError, RuntimeError):
    """A slab or bulk calculation that cannot give a surface energy."""


def default_calculator():
    """NEP89 through calorine's ``CPUNEP`` (the model is fetched and verified on first use)."""
    try:
        from calorine.calculators import CPUNEP
    except ImportError as exc:
        raise ImportError(
            "the default calculator needs calorine: pip install 'seinet[sim]' (or pip install calorine)"
        ) from exc
    from ..models import nep89_path

    return CPUNEP(str(nep89_path()))


def _elements(formula: str) -> tuple[str, str]:
    from ase.formula import Formula

    counts = Formula(formula).count()
    if len(counts) != 2 or any(v != 1 for v in counts.values()):
        raise ConfigError(f"{formula!r} is not a 1:1 binary rock-salt formula such as 'NaF'")
    cation, anion = list(counts)
    return cation, anion


def _conventional(formula: str, a: float):
    from ase.build import bulk

    return bulk(formula, "rocksalt", a=float(a), cubic=True)


# --------------------------------------------------------------------------------------------
# bulk
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BulkReference:
    """Relaxed rock-salt bulk.

    Attributes
    ----------
    formula : str
    lattice_a_A : float
        Lattice constant of the conventional cubic cell (Å).
    energy_per_formula_eV : float
        Bulk energy per formula unit (eV).
    n_evaluations : int
        Energy evaluations the search took.
    """

    formula: str
    lattice_a_A: float
    energy_per_formula_eV: float
    n_evaluations: int


def relax_bulk(calculator, a0: float = 4.63, formula: str = "NaF", search: float = 0.1,
               tol: float = 1e-4) -> BulkReference:
    """Lattice constant and energy per formula unit of rock-salt ``formula``.

    Parameters
    ----------
    calculator : ase.calculators.calculator.Calculator
        Any ASE calculator that knows the elements.
    a0 : float, optional
        Starting lattice constant (Å); 4.63 is experimental NaF.
    formula : str, optional
        1:1 binary, e.g. "NaF".
    search : float, optional
        Relative half-width of the bracket ``[a0 (1 - search), a0 (1 + search)]``.
    tol : float, optional
        Absolute tolerance on ``a`` (Å).

    Returns
    -------
    BulkReference

    Raises
    ------
    SurfaceEnergyError
        If the minimum lies on the bracket edge (widen ``search`` or fix ``a0``).

    Notes
    -----
    The cubic cell keeps every ion on a centre of inversion, so the forces vanish by
    symmetry and only ``a`` needs optimising. ~20-30 energy evaluations of 8 atoms.
    """
    from scipy.optimize import minimize_scalar

    _elements(formula)
    atoms = _conventional(formula, a0)
    atoms.calc = calculator
    scaled = atoms.get_scaled_positions()
    n_fu = len(atoms) // 2
    calls = [0]

    def energy(a: float) -> float:
        calls[0] += 1
        atoms.set_cell(np.eye(3) * a, scale_atoms=False)
        atoms.set_scaled_positions(scaled)
        return float(atoms.get_potential_energy()) / n_fu

    lo, hi = a0 * (1 - search), a0 * (1 + search)
    res = minimize_scalar(energy, bounds=(lo, hi), method="bounded", options={"xatol": tol})
    a = float(res.x)
    if min(a - lo, hi - a) < 5 * tol:
        raise SurfaceEnergyError(f"bulk {formula}: E(a) minimum at the edge of [{lo:.3f}, {hi:.3f}] Å; "
                                 "widen search or change a0")
    e = energy(a)
    logger.info("bulk %s: a = %.4f Å, E = %.5f eV per formula unit", formula, a, e)
    return BulkReference(formula, a, e, calls[0])


# --------------------------------------------------------------------------------------------
# slabs
# --------------------------------------------------------------------------------------------
def atomic_planes(atoms, tol: float = 0.3) -> list[np.ndarray]:
    """Atom indices grouped into planes along z (bottom to top).

    Parameters
    ----------
    atoms : ase.Atoms
        Slab with its normal along z and no atom wrapped across the vacuum.
    tol : float, optional
        Largest z gap (Å) inside one plane.

    Returns
    -------
    list of ndarray of int
    """
    z = atoms.positions[:, 2]
    order = np.argsort(z, kind="stable")
    cuts = np.nonzero(np.diff(z[order]) > tol)[0] + 1
    return [np.sort(g) for g in np.split(order, cuts)]


def _octopolar(atoms, top: bool, nn_distance: float, primitive: np.ndarray) -> list[int]:
    """Indices to delete for the octopolar reconstruction of the top or bottom face.

    ``primitive`` holds the two in-plane primitive vectors of the (111) surface lattice
    (rows). The apexes kept are the outer-plane ions on one 2x2 sublattice; under each apex
    the three inner-plane ions within a nearest-neighbour distance are kept.
    """
    from ase.geometry import get_distances

    planes = atomic_planes(atoms)
    outer, inner = (planes[-1], planes[-2]) if top else (planes[0], planes[1])
    if len(outer) % 4 or len(inner) != len(outer):
        raise ConfigError("octopolar reconstruction needs planes of 4k ions (a 2x2 surface cell)")
    shifts = atoms.positions[outer, :2] - atoms.positions[outer[0], :2]
    coeff = np.linalg.solve(primitive[:, :2].T, shifts.T).T  # shifts in primitive units
    if not np.allclose(coeff, np.round(coeff), atol=1e-3):
        raise SurfaceEnergyError("octopolar reconstruction: outer plane is not a (111) lattice plane")
    on_sublattice = np.all(np.round(coeff).astype(int) % 2 == 0, axis=1)
    apexes = outer[on_sublattice]
    if len(apexes) * 4 != len(outer):
        raise SurfaceEnergyError("octopolar reconstruction: could not place one apex per 2x2 cell")
    delete = [int(i) for i in outer[~on_sublattice]]
    _, d = get_distances(atoms.positions[apexes], atoms.positions[inner], cell=atoms.cell,
                         pbc=[True, True, False])
    under = (d < 1.2 * nn_distance).any(axis=0)
    if under.sum() != 3 * len(apexes):
        raise SurfaceEnergyError(f"octopolar reconstruction: {int(under.sum())} ions under "
                                 f"{len(apexes)} apexes (expected 3 each)")
    delete += [int(i) for i in inner[~under]]
    return delete


def build_slab(lattice_a: float, miller: Sequence[int], n_planes: int, formula: str = "NaF",
               vacuum: float = 15.0, termination: str | None = None, reconstruction: str | None = None,
               repeat: tuple[int, int] = (1, 1)):
    """Periodic rock-salt slab parallel to (hkl).

    Parameters
    ----------
    lattice_a : float
        Lattice constant (Å), normally from :func:`relax_bulk`.
    miller : sequence of 3 int
        (1, 0, 0), (1, 1, 0) or (1, 1, 1) (cubic indices).
    n_planes : int
        Atomic planes before any reconstruction. (111) needs an odd number.
    formula : str, optional
    vacuum : float, optional
        Vacuum between periodic images along z (Å).
    termination : str, optional
        (111) only: element of the two outer planes (default the cation).
    reconstruction : {None, "octopolar"}, optional
        Default ``"octopolar"`` for (111), none otherwise.
    repeat : (int, int), optional
        In-plane repetition of the surface cell. The (111) cell from the cubic cell is
        already 2x2 in surface units.

    Returns
    -------
    ase.Atoms
        Periodic in all directions, surface normal along z, with ``info`` keys
        ``miller``, ``n_planes``, ``termination``, ``reconstruction``.

    Raises
    ------
    ConfigError
        Unsupported facet, an even number of (111) planes, a polar (111) slab without
        reconstruction, a non-stoichiometric result.
    """
    from ase.build import surface

    label = family_label(miller)
    if label == "other":
        raise ConfigError(f"build_slab supports (100), (110), (111); got {tuple(miller)}")
    cation, anion = _elements(formula)
    if n_planes < 2:
        raise ConfigError(f"n_planes must be at least 2, got {n_planes}")
    polar = label == "111"
    if polar:
        reconstruction = "octopolar" if reconstruction is None else reconstruction
        if reconstruction != "octopolar":
            raise ConfigError("a bulk-terminated rock-salt (111) slab is polar: use reconstruction='octopolar'")
        if n_planes % 2 == 0 or n_planes < 5:
            raise ConfigError(f"(111) octopolar slabs need an odd number of planes >= 5, got {n_planes}")
        termination = cation if termination is None else termination
        if termination not in (cation, anion):
            raise ConfigError(f"termination must be {cation} or {anion}, got {termination!r}")
    elif reconstruction is not None:
        raise ConfigError(f"no reconstruction is implemented for ({label}); it is non-polar")
    elif termination is not None:
        raise ConfigError(f"({label}) planes hold both species: termination does not apply")

    conv = _conventional(formula, lattice_a)
    layers = n_planes // 2 + 2  # 2 planes per layer of the cubic cell along these normals
    # ase.build.surface puts the planes inside the cell, unwrapped, once vacuum is added
    slab = surface(conv, tuple(int(v) for v in miller), layers, vacuum=5.0, periodic=True)
    planes = atomic_planes(slab)
    start = 0
    if polar and slab[planes[0][0]].symbol != termination:
        start = 1
    keep = np.concatenate(planes[start:start + n_planes])
    if len(planes) - start < n_planes:  # pragma: no cover - layers is always enough
        raise SurfaceEnergyError("not enough planes in the cut")
    slab = slab[np.sort(keep)]
    slab.center(vacuum=vacuum / 2, axis=2)
    primitive = np.array(slab.cell[:2]) / 2  # the (111) cell of the cubic cell is 2x2 surface units
    if repeat != (1, 1):
        slab = slab.repeat((int(repeat[0]), int(repeat[1]), 1))
    if polar:
        nn = lattice_a / 2
        delete = _octopolar(slab, top=True, nn_distance=nn, primitive=primitive)
        delete += _octopolar(slab, top=False, nn_distance=nn, primitive=primitive)
        del slab[sorted(set(delete))]
    symbols = slab.get_chemical_symbols()
    if symbols.count(cation) != symbols.count(anion):
        raise ConfigError(f"slab ({label}) with {n_planes} planes is not stoichiometric")
    slab.pbc = True
    slab.info.update({"miller": tuple(int(v) for v in miller), "n_planes": int(n_planes),
                      "termination": termination, "reconstruction": reconstruction})
    return slab


# --------------------------------------------------------------------------------------------
# one slab
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SlabEnergy:
    """Surface energy of one slab.

    Attributes
    ----------
    surface : str
        Family label "100", "110", "111".
    n_planes : int
        Atomic planes before reconstruction.
    termination, reconstruction : str or None
    n_atoms, n_formula_units : int
    area_A2 : float
        In-plane area of the cell (Å^2); the slab has two such faces.
    thickness_A : float
        Distance between the outermost planes (Å), unrelaxed.
    energy_unrelaxed_eV, energy_eV : float
        Slab energy as cleaved and after relaxation.
    gamma_unrelaxed_J_m2, gamma_J_m2 : float
        ``(E - N E_bulk) / (2 A)``.
    n_steps : int
        Optimiser steps.
    max_force_eV_A : float
        Largest remaining force on a free atom.
    converged : bool
    """

    surface: str
    n_planes: int
    termination: str | None
    reconstruction: str | None
    n_atoms: int
    n_formula_units: int
    area_A2: float
    thickness_A: float
    energy_unrelaxed_eV: float
    energy_eV: float
    gamma_unrelaxed_J_m2: float
    gamma_J_m2: float
    n_steps: int
    max_force_eV_A: float
    converged: bool


def _optimizer(name: str):
    from ase import optimize

    try:
        return {"BFGS": optimize.BFGS, "FIRE": optimize.FIRE, "LBFGS": optimize.LBFGS}[name.upper()]
    except KeyError:
        raise ConfigError(f"unknown optimizer {name!r}; use BFGS, LBFGS or FIRE") from None


def slab_surface_energy(bulk: BulkReference, calculator, miller: Sequence[int], n_planes: int,
                        vacuum: float = 15.0, relax: bool = True, fmax: float = 0.05, steps: int = 1000,
                        optimizer: str = "BFGS", fix_center_planes: int = 0, termination: str | None = None,
                        repeat: tuple[int, int] = (1, 1), rattle: float = 0.0, seed: int = 0,
                        return_atoms: bool = False):
    """Build, relax and evaluate one slab.

    Parameters
    ----------
    bulk : BulkReference
        From :func:`relax_bulk` with the same calculator.
    calculator : ase Calculator
    miller, n_planes, vacuum, termination, repeat
        See :func:`build_slab`.
    relax : bool, optional
        Relax the ions (fixed cell); otherwise the relaxed values equal the cleaved ones.
    fmax : float, optional
        Force criterion (eV/Å).
    steps : int, optional
        Optimiser step limit; not converging is logged and recorded, not raised.
    optimizer : {"BFGS", "LBFGS", "FIRE"}, optional
    fix_center_planes : int, optional
        Number of central planes frozen at bulk positions (0: everything relaxes).
    rattle : float, optional
        Standard deviation (Å) of random displacements before relaxing, so the optimiser can
        leave the symmetric cleaved geometry (use with ``repeat`` to look for in-plane
        reconstructions); the cleaved energy is taken before.
    seed : int, optional
        Seed of the rattle.
    return_atoms : bool, optional
        Also return the relaxed slab.

    Returns
    -------
    SlabEnergy or (SlabEnergy, ase.Atoms)
    """
    from ase.constraints import FixAtoms

    slab = build_slab(bulk.lattice_a_A, miller, n_planes, formula=bulk.formula, vacuum=vacuum,
                      termination=termination, repeat=repeat)
    slab.calc = calculator
    n_fu = len(slab) // 2
    area = float(np.linalg.norm(np.cross(slab.cell[0], slab.cell[1])))
    z = slab.positions[:, 2]
    thickness = float(z.max() - z.min())
    e0 = float(slab.get_potential_energy())
    n_steps, converged = 0, True
    if fix_center_planes:
        planes = atomic_planes(slab)
        mid = len(planes) // 2
        lo = mid - fix_center_planes // 2
        frozen = np.concatenate(planes[lo:lo + fix_center_planes])
        slab.set_constraint(FixAtoms(indices=frozen))
    if relax:
        if rattle > 0:
            slab.rattle(stdev=rattle, seed=seed)
        opt = _optimizer(optimizer)(slab, logfile=None)
        converged = bool(opt.run(fmax=fmax, steps=steps))
        n_steps = int(opt.get_number_of_steps())
    e1 = float(slab.get_potential_energy())
    forces = slab.get_forces()  # constrained forces: frozen atoms read zero
    fmax_left = float(np.sqrt((forces ** 2).sum(axis=1)).max())
    label = family_label(miller)
    if relax and not converged:
        logger.warning("(%s) slab, %d planes: not converged in %d steps (max force %.3f eV/Å)",
                       label, n_planes, steps, fmax_left)
    ref = n_fu * bulk.energy_per_formula_eV
    scale = EV_A2_TO_J_M2 / (2 * area)
    result = SlabEnergy(label, int(n_planes), slab.info["termination"], slab.info["reconstruction"], len(slab),
                        n_fu, area, thickness, e0, e1, (e0 - ref) * scale, (e1 - ref) * scale, n_steps,
                        fmax_left, converged)
    logger.info("(%s)%s %d planes, %d atoms: gamma = %.4f J/m^2 (cleaved %.4f)", label,
                f" {result.termination}" if result.termination else "", n_planes, len(slab),
                result.gamma_J_m2, result.gamma_unrelaxed_J_m2)
    return (result, slab) if return_atoms else result


# --------------------------------------------------------------------------------------------
# the series
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SurfaceEnergies:
    """Surface energies of several facets and thicknesses with one bulk reference.

    Attributes
    ----------
    bulk : BulkReference
    slabs : tuple of SlabEnergy
    calculator : str
        Description of the calculator (class name, model).
    """

    bulk: BulkReference
    slabs: tuple
    calculator: str = ""

    def to_dataframe(self) -> pd.DataFrame:
        """One row per slab, columns as :class:`SlabEnergy` fields (units in the names)."""
        return pd.DataFrame([asdict(s) for s in self.slabs])

    def _series(self, surface: str, termination=None) -> list[SlabEnergy]:
        rows = [s for s in self.slabs if s.surface == surface and s.termination == termination]
        return sorted(rows, key=lambda s: s.n_planes)

    def _keys(self) -> list[tuple[str, str | None]]:
        seen: list[tuple[str, str | None]] = []
        for s in self.slabs:
            if (s.surface, s.termination) not in seen:
                seen.append((s.surface, s.termination))
        return seen

    def convergence(self) -> pd.DataFrame:
        """Per facet and termination: gamma of the thickest slab, the change from the
        next thinner one, and the Fiorentini-Methfessel fit.

        Columns ``surface``, ``termination``, ``n_planes_max``, ``gamma_J_m2``,
        ``delta_last_J_m2``, ``gamma_fit_J_m2``, ``bulk_fit_minus_bulk_meV`` (slope of
        ``E_slab(N)`` minus ``E_bulk`` per formula unit), ``gamma_unrelaxed_J_m2``. The
        Fiorentini-Methfessel line is fitted to the three thickest slabs (relaxed energies).
        """
        rows = []
        for surface, term in self._keys():
            series = self._series(surface, term)
            last = series[-1]
            delta = last.gamma_J_m2 - series[-2].gamma_J_m2 if len(series) > 1 else np.nan
            fit_gamma = fit_dev = np.nan
            thick = series[-3:]
            if len(thick) > 1 and len({round(s.area_A2, 6) for s in thick}) == 1:
                n = np.array([s.n_formula_units for s in thick], float)
                e = np.array([s.energy_eV for s in thick])
                slope, intercept = np.polyfit(n, e, 1)
                fit_gamma = intercept * EV_A2_TO_J_M2 / (2 * last.area_A2)
                fit_dev = 1000 * (slope - self.bulk.energy_per_formula_eV)
            rows.append({"surface": surface, "termination": term, "n_planes_max": last.n_planes,
                         "gamma_J_m2": last.gamma_J_m2, "delta_last_J_m2": delta,
                         "gamma_fit_J_m2": fit_gamma, "bulk_fit_minus_bulk_meV": fit_dev,
                         "gamma_unrelaxed_J_m2": last.gamma_unrelaxed_J_m2})
        return pd.DataFrame(rows)

    def gamma(self) -> dict[str, float]:
        """Family -> gamma (J/m^2) of the thickest relaxed slab; for (111) the lowest over
        terminations. Ready for :func:`seinet.nucleation.wulff.wulff_shape`."""
        out: dict[str, float] = {}
        for row in self.convergence().itertuples():
            out[row.surface] = min(out.get(row.surface, np.inf), float(row.gamma_J_m2))
        return out

    def to_dict(self) -> dict:
        """JSON-ready: bulk, calculator, per-slab rows, convergence and the chosen gammas."""
        conv = self.convergence().replace({np.nan: None})
        return {
            "calculator": self.calculator,
            "bulk": asdict(self.bulk),
            "gamma_J_m2": self.gamma(),
            "convergence": conv.to_dict(orient="records"),
            "slabs": [asdict(s) for s in self.slabs],
        }


def surface_energies(calculator=None, planes: Mapping[str, Sequence[int]] | None = None,
                     formula: str = "NaF", a0: float = 4.63, vacuum: float = 15.0, fmax: float = 0.05,
                     steps: int = 1000, optimizer: str = "BFGS", fix_center_planes: int = 0,
                     terminations: Sequence[str] | None = None, relax: bool = True,
                     bulk: BulkReference | None = None) -> SurfaceEnergies:
    """gamma(100), gamma(110), gamma(111) over a series of slab thicknesses.

    Parameters
    ----------
    calculator : ase Calculator, optional
        Default :func:`default_calculator` (NEP89).
    planes : mapping, optional
        Family label -> atomic-plane counts, default :data:`DEFAULT_PLANES`; leave a family
        out to skip it. (111) counts must be odd.
    formula, a0 : str, float
        Rock-salt compound and start lattice constant for :func:`relax_bulk`.
    vacuum, fmax, steps, optimizer, fix_center_planes, relax
        See :func:`slab_surface_energy`.
    terminations : sequence of str, optional
        (111) terminations; default both elements.
    bulk : BulkReference, optional
        Skip the bulk relaxation and use this one (same calculator!).

    Returns
    -------
    SurfaceEnergies

    Notes
    -----
    Cost is one bulk search plus one relaxation per slab; with NEP89 on one core the default
    series (16 slabs of 16-44 atoms) takes well under a minute.
    """
    calc = default_calculator() if calculator is None else calculator
    planes = dict(DEFAULT_PLANES if planes is None else planes)
    ref = relax_bulk(calc, a0=a0, formula=formula) if bulk is None else bulk
    terms = list(_elements(formula)) if terminations is None else list(terminations)
    slabs = []
    for label, counts in planes.items():
        if label not in ("100", "110", "111"):
            raise ConfigError(f"unknown surface {label!r}; use '100', '110', '111'")
        miller = tuple(int(c) for c in label)
        for term in (terms if label == "111" else [None]):
            for n in counts:
                slabs.append(slab_surface_energy(ref, calc, miller, int(n), vacuum=vacuum, relax=relax,
                                                 fmax=fmax, steps=steps, optimizer=optimizer,
                                                 fix_center_planes=fix_center_planes, termination=term))
    desc = type(calc).__name__
    model = getattr(calc, "model_filename", None) or getattr(calc, "_model_filename", None)
    if model:
        desc += f" ({model})"
    return SurfaceEnergies(ref, tuple(slabs), desc)
