"""Collective variables for sodium deposition and trapping, with analytic gradients.

Two collective variables (CVs) describe a Na ion arriving at the metal and being caught by the SEI:

- **height** of the ion above the electrode surface along z: z component of the minimum-image
  vector from the surface reference to the ion. The reference is the centre of a set of surface
  atoms (usually the top layer of the slab, :func:`top_layer`) or a fixed plane ``z = z0``.
- **coordination number** of the ion by a set of anion atoms (F, O):
  ``CN = sum_j s(r_ij)`` with PLUMED's rational switching function
  ``s(r) = (1 - x^nn) / (1 - x^mm)``, ``x = (r - d0) / r0`` (``s = 1`` for ``r <= d0``),
  nn = 6, mm = 12 by default, so that ``s(r0) = 1/2``.

The kernels are pure functions of positions (Å), cell and periodicity that return the value and its
gradient with respect to every position, shape (N, 3). Periodic boundaries use the minimum image in
orthorhombic and triclinic cells (:func:`minimum_image`). The CV classes (:class:`HeightCV`,
:class:`CoordinationCV`) bind atoms and parameters, evaluate on positions and write the same CV as
PLUMED actions (1-based atom numbers), so a CPU run with
:class:`seinet.simulate.metad.MetadynamicsCalculator` and a GPUMD run with ``plumed.dat``
bias the same quantity.

PLUMED equivalents (``UNITS LENGTH=A``):

- height above atoms: ``CENTER ATOMS=...``, ``DISTANCE ATOMS=centre,ion COMPONENTS``, ``.z``.
  Both use the minimum image of the full vector; for cells whose c vector is along z (seinet's and
  ASE's orthogonal slabs) the z component does not depend on the lateral position of the centre.
- height above a plane: ``FIXEDATOM AT=0,0,z0`` and the same ``DISTANCE``.
- coordination: ``COORDINATION GROUPA=ion GROUPB=anions SWITCH={RATIONAL R_0=r0 D_0=d0 NN=nn MM=mm}``
  (pairs of an atom with itself are skipped, as PLUMED does).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from .errors import SimulationConfigError

__all__ = ["CollectiveVariable", "HeightCV", "CoordinationCV", "RESERVED_LABELS", "minimum_image", "rational_switch",
           "height_above_surface", "coordination_number", "top_layer", "plumed_atom_list"]

_LABEL = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _pbc3(pbc) -> np.ndarray:
    return np.broadcast_to(np.asarray(pbc, dtype=bool), (3,)).copy()


def minimum_image(delta, cell=None, pbc=False) -> np.ndarray:
    """Minimum-image displacement vectors in an orthorhombic or triclinic cell.

    Parameters
    ----------
    delta : array_like
        Displacements, shape (..., 3), Å.
    cell : array_like, optional
        (3, 3) lattice vectors as rows (ASE's convention); needed when any direction is periodic.
    pbc : bool or sequence of 3 bool
        Periodic directions (along the lattice vectors).

    Returns
    -------
    numpy.ndarray
        The shortest image of every displacement, same shape as ``delta``.

    Raises
    ------
    SimulationConfigError
        A periodic direction with a singular cell.

    Notes
    -----
    Fractional coordinates are rounded to the nearest integer along the periodic vectors; in a
    triclinic cell that is not always the shortest image, so the 3^k neighbouring images
    (k periodic directions) are compared as well. O(M 3^k) for M displacements.
    """
    delta = np.asarray(delta, dtype=float)
    pbc = _pbc3(pbc)
    if cell is None or not pbc.any():
        return delta.copy()
    cell = np.asarray(cell, dtype=float).reshape(3, 3)
    if abs(np.linalg.det(cell)) < 1e-12:
        raise SimulationConfigError("a periodic minimum image needs a cell with three independent lattice vectors")
    frac = delta @ np.linalg.inv(cell)
    frac[..., pbc] -= np.round(frac[..., pbc])
    d = frac @ cell
    if np.count_nonzero(cell - np.diag(np.diag(cell))) == 0:
        return d
    shifts = np.array(list(itertools.product(*[(-1, 0, 1) if p else (0,) for p in pbc])), dtype=float) @ cell
    candidates = d.reshape(-1, 1, 3) + shifts
    best = np.argmin((candidates ** 2).sum(axis=-1), axis=-1)
    return candidates[np.arange(len(candidates)), best].reshape(d.shape)


def rational_switch(r, r0: float, nn: int = 6, mm: int = 12, d0: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """PLUMED's rational switching function and its derivative.

    ``s = (1 - x^nn) / (1 - x^mm)`` with ``x = (r - d0) / r0``; ``s = 1`` for ``r <= d0``.

    Parameters
    ----------
    r : array_like
        Distances, Å.
    r0 : float
        Switching length, Å (``s(d0 + r0) = nn / mm``).
    nn, mm : int
        Exponents, ``mm > nn > 0``.
    d0 : float
        Shift, Å.

    Returns
    -------
    s, ds_dr : numpy.ndarray
        Values and derivatives with respect to r (1/Å), shape of ``r``.

    Notes
    -----
    At ``x = 1`` the quotient is 0/0; within 1e-6 of it the first-order expansion
    ``s = nn/mm (1 + (nn - mm)/2 (x - 1))`` is used, as in PLUMED.
    """
    r = np.asarray(r, dtype=float)
    x = np.maximum(r - d0, 0.0) / r0
    near = np.abs(x - 1.0) < 1e-6
    xs = np.where(near, 0.5, x)  # placeholder where the expansion takes over
    xn1, xm1 = xs ** (nn - 1), xs ** (mm - 1)
    num, den = 1.0 - xn1 * xs, 1.0 - xm1 * xs
    s = num / den
    ds_dx = (-nn * xn1 * den + mm * xm1 * num) / den ** 2
    e = x - 1.0
    s = np.where(near, nn / mm * (1.0 + 0.5 * (nn - mm) * e), s)
    ds_dx = np.where(near, nn * (nn - mm) / (2.0 * mm), ds_dx)
    inside = r <= d0
    s = np.where(inside, 1.0, s)
    ds_dx = np.where(inside, 0.0, ds_dx)
    return s, ds_dx / r0


def _indices(values, n_atoms: int, what: str) -> np.ndarray:
    idx = np.asarray(values, dtype=np.int64).reshape(-1)
    if idx.size and (idx.min() < 0 or idx.max() >= n_atoms):
        raise SimulationConfigError(f"{what}: atom index out of range 0..{n_atoms - 1}")
    return idx


def height_above_surface(positions, ion: int, surface=None, plane_z: float | None = None, cell=None,
                         pbc=False) -> tuple[float, np.ndarray]:
    """Height of atom ``ion`` above the surface along z, and its gradient.

    Parameters
    ----------
    positions : array_like
        (N, 3) positions, Å.
    ion : int
        Index of the ion.
    surface : sequence of int, optional
        Atoms whose centre is the surface reference (the slab's top layer, see :func:`top_layer`).
        Their periodic images are taken around the first of them.
    plane_z : float, optional
        A fixed plane instead: the reference point is (0, 0, plane_z). Give exactly one of
        ``surface`` and ``plane_z``.
    cell, pbc
        As in :func:`minimum_image`.

    Returns
    -------
    value : float
        z component of the minimum-image vector from the reference to the ion, Å.
    gradient : numpy.ndarray
        (N, 3): +z on the ion, -z/n on each of the n surface atoms.

    Notes
    -----
    O(n). Where the minimum image switches (the ion half a cell away along z) the value jumps,
    as PLUMED's ``DISTANCE ... COMPONENTS`` does.
    """
    pos = np.asarray(positions, dtype=float)
    n_atoms = len(pos)
    _indices([ion], n_atoms, "height: ion")
    if (surface is None) == (plane_z is None):
        raise SimulationConfigError("height: give either surface atoms or plane_z, not both or neither")
    grad = np.zeros_like(pos)
    if surface is not None:
        surf = _indices(surface, n_atoms, "height: surface")
        if surf.size == 0:
            raise SimulationConfigError("height: the surface atom list is empty")
        ref = pos[surf[0]]
        centre = ref + minimum_image(pos[surf] - ref, cell, pbc).mean(axis=0)
        np.add.at(grad[:, 2], surf, -1.0 / surf.size)
    else:
        centre = np.array([0.0, 0.0, float(plane_z)])
    d = minimum_image(pos[ion] - centre, cell, pbc)
    grad[ion, 2] += 1.0
    return float(d[2]), grad


def coordination_number(positions, ion: int, anions, r0: float, nn: int = 6, mm: int = 12, d0: float = 0.0,
                        cell=None, pbc=False) -> tuple[float, np.ndarray]:
    """Coordination number of atom ``ion`` by ``anions`` with the rational switch, and its gradient.

    Parameters
    ----------
    positions : array_like
        (N, 3) positions, Å.
    ion : int
        Index of the central ion.
    anions : sequence of int
        Coordinating atoms (F, O, ...); ``ion`` itself is skipped if listed.
    r0, nn, mm, d0
        Switching function (:func:`rational_switch`).
    cell, pbc
        As in :func:`minimum_image`.

    Returns
    -------
    value : float
        ``sum_j s(|r_j - r_ion|)`` over minimum-image distances.
    gradient : numpy.ndarray
        (N, 3) derivatives with respect to every position.

    Raises
    ------
    SimulationConfigError
        Bad indices, repeated anions, or bad switching parameters.

    Notes
    -----
    O(M 3^k) for M anions (:func:`minimum_image`); no cutoff, as PLUMED's COORDINATION without
    ``D_MAX`` or a neighbour list.
    """
    pos = np.asarray(positions, dtype=float)
    _indices([ion], len(pos), "coordination: ion")
    idx = _indices(anions, len(pos), "coordination: anions")
    if np.unique(idx).size != idx.size:
        raise SimulationConfigError("coordination: an anion is listed twice")
    if not (r0 > 0 and 0 < nn < mm and d0 >= 0):
        raise SimulationConfigError(f"coordination: need r0 > 0, 0 < nn < mm, d0 >= 0 (got r0={r0}, nn={nn}, "
                                    f"mm={mm}, d0={d0})")
    idx = idx[idx != ion]
    grad = np.zeros_like(pos)
    if idx.size == 0:
        return 0.0, grad
    d = minimum_image(pos[idx] - pos[ion], cell, pbc)
    r = np.linalg.norm(d, axis=1)
    s, ds = rational_switch(r, r0, nn, mm, d0)
    with np.errstate(invalid="ignore", divide="ignore"):
        g = np.where(r[:, None] > 0, ds[:, None] * d / r[:, None], 0.0)
    np.add.at(grad, idx, g)
    grad[ion] -= g.sum(axis=0)
    return float(s.sum()), grad


def top_layer(positions, atoms, tolerance_A: float = 0.5, cell=None, pbc=False) -> np.ndarray:
    """The atoms of ``atoms`` within ``tolerance_A`` of the highest of them along z.

    Choose the surface once, from the start structure, and keep the list fixed during the run:
    a CV whose atom list changes jumps.

    Parameters
    ----------
    positions : array_like
        (N, 3) positions, Å.
    atoms : sequence of int
        Candidate atoms (the slab; for seinet's builders ``np.flatnonzero(atoms.arrays["layer"] >= 0)``).
    tolerance_A : float
        Layer thickness, Å (bcc Na(100) layers are 2.1 Å apart, (110) 3.0 Å, (111) 1.2 Å).
    cell, pbc
        Periodic images of the candidates are taken around the first of them.

    Returns
    -------
    numpy.ndarray
        Sorted indices.
    """
    pos = np.asarray(positions, dtype=float)
    idx = _indices(atoms, len(pos), "top_layer")
    if idx.size == 0:
        raise SimulationConfigError("top_layer: no candidate atoms")
    z = pos[idx[0], 2] + minimum_image(pos[idx] - pos[idx[0]], cell, pbc)[:, 2]
    return np.sort(idx[z >= z.max() - tolerance_A])


def plumed_atom_list(indices) -> str:
    """0-based indices as PLUMED's 1-based atom list with ranges: ``[0, 1, 2, 5]`` -> ``1-3,6``."""
    idx = sorted({int(i) + 1 for i in indices})
    parts, start = [], None
    for k, i in enumerate(idx):
        if start is None:
            start = i
        if k + 1 == len(idx) or idx[k + 1] != i + 1:
            parts.append(str(start) if start == i else f"{start}-{i}")
            start = None
    return ",".join(parts)


#: Names a CV label may not take: HILLS fields and seinet's METAD label.
RESERVED_LABELS = ("time", "height", "biasf", "clock", "multivariate", "kerneltype", "metad")


def _check_label(label: str) -> None:
    if not _LABEL.match(label):
        raise SimulationConfigError(f"CV label {label!r} must be letters, digits and _ (a PLUMED label)")
    if label in RESERVED_LABELS or label.startswith(("sigma_", "min_", "max_")):
        raise SimulationConfigError(f"CV label {label!r} is a HILLS field name; choose another")


@runtime_checkable
class CollectiveVariable(Protocol):
    """What the metadynamics bias needs from a CV.

    Attributes
    ----------
    label : str
        Name in HILLS and PLUMED (letters, digits, _).
    period : tuple of float or None
        (min, max) of a periodic CV, None otherwise.
    """

    label: str
    period: tuple[float, float] | None

    def evaluate(self, positions, cell=None, pbc=False) -> tuple[float, np.ndarray]:
        """Value and (N, 3) gradient."""
        ...

    def plumed(self) -> list[str]:
        """PLUMED action lines that define ``label``."""
        ...


@dataclass(frozen=True)
class HeightCV:
    """Height of one ion above the electrode (:func:`height_above_surface`).

    Parameters
    ----------
    ion : int
        0-based index of the ion.
    surface : tuple of int
        Surface atoms (fixed list; see :func:`top_layer`), or empty with ``plane_z_A``.
    plane_z_A : float, optional
        Fixed plane instead of surface atoms.
    label : str
        Name in HILLS and PLUMED (not a HILLS field such as ``height``).
    """

    ion: int
    surface: tuple[int, ...] = ()
    plane_z_A: float | None = None
    label: str = "dz"
    period = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "surface", tuple(int(i) for i in self.surface))
        if bool(self.surface) == (self.plane_z_A is not None):
            raise SimulationConfigError("HeightCV: give either surface atoms or plane_z_A, not both or neither")
        _check_label(self.label)

    def evaluate(self, positions, cell=None, pbc=False) -> tuple[float, np.ndarray]:
        """Value (Å) and (N, 3) gradient."""
        return height_above_surface(positions, self.ion, self.surface or None, self.plane_z_A, cell, pbc)

    def plumed(self) -> list[str]:
        """``CENTER`` (or ``FIXEDATOM``), ``DISTANCE ... COMPONENTS`` and ``COMBINE`` of its z component."""
        lab = self.label
        if self.surface:
            ref = f"{lab}_ref: CENTER ATOMS={plumed_atom_list(self.surface)}"
        else:
            ref = f"{lab}_ref: FIXEDATOM AT=0,0,{self.plane_z_A:.10g}"
        return [ref, f"{lab}_d: DISTANCE ATOMS={lab}_ref,{self.ion + 1} COMPONENTS",
                f"{lab}: COMBINE ARG={lab}_d.z PERIODIC=NO"]


@dataclass(frozen=True)
class CoordinationCV:
    """Coordination number of one ion by anion atoms (:func:`coordination_number`).

    Parameters
    ----------
    ion : int
        0-based index of the ion.
    anions : tuple of int
        Coordinating atoms (F of PF6- and NaF, carbonyl and ether O).
    r0_A : float
        Switching length: s(r0) = 1/2. The default, 2.95 Å, separates the first (2.31 Å) and
        second (3.27 Å) Na-F shells of rock salt (DESIGN.md).
    nn, mm : int
    d0_A : float
    label : str
    """

    ion: int
    anions: tuple[int, ...]
    r0_A: float = 2.95
    nn: int = 6
    mm: int = 12
    d0_A: float = 0.0
    label: str = "cn"
    period = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "anions", tuple(int(i) for i in self.anions))
        if not self.anions:
            raise SimulationConfigError("CoordinationCV: the anion list is empty")
        if not (self.r0_A > 0 and 0 < self.nn < self.mm and self.d0_A >= 0):
            raise SimulationConfigError("CoordinationCV: need r0_A > 0, 0 < nn < mm and d0_A >= 0")
        _check_label(self.label)

    def evaluate(self, positions, cell=None, pbc=False) -> tuple[float, np.ndarray]:
        """Value and (N, 3) gradient."""
        return coordination_number(positions, self.ion, self.anions, self.r0_A, self.nn, self.mm, self.d0_A,
                                   cell, pbc)

    def plumed(self) -> list[str]:
        """One ``COORDINATION`` action with a ``RATIONAL`` switch."""
        return [f"{self.label}: COORDINATION GROUPA={self.ion + 1} GROUPB={plumed_atom_list(self.anions)} "
                f"SWITCH={{RATIONAL R_0={self.r0_A:.10g} D_0={self.d0_A:.10g} NN={self.nn} MM={self.mm}}}"]
