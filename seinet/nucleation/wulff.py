"""Wulff and Winterbottom shapes of rock-salt NaF and how well observed nuclei follow them.

A crystal that minimises its surface free energy at fixed volume takes the Wulff shape: the
inner envelope of the planes ``n_hat . x = gamma(n_hat)`` over all facet normals. For rock
salt with {100}, {110} and {111} facets that is a cube (``gamma_111 >= sqrt(3) gamma_100``
and ``gamma_110 >= sqrt(2) gamma_100``), an octahedron (``gamma_100 >= sqrt(3) gamma_111``) or
a truncated form in between. A nucleus sitting on a substrate (here: Na metal) takes the
Winterbottom shape, a Wulff shape cut by the substrate plane.

:func:`wulff_shape` and :func:`winterbottom_shape` use wulffpack (``SingleCrystal`` and
``Winterbottom``, imported on use) and return a :class:`WulffPrediction` with the area
fraction of each facet family. :func:`halfspace_wulff_fractions` is an independent
construction (half-space intersection, scipy) and :func:`cube_octahedron_fractions` the closed
form for the cube - truncated cube - cuboctahedron - truncated octahedron - octahedron series;
both serve to validate wulffpack and to draw null shapes cheaply.

:func:`facet_agreement` compares facet fractions measured on nuclei (seinet.nucleation.facets:
families "100", "110", "111", "other") with a prediction; see its docstring for the score.

Facet families are labelled by the sorted absolute Miller indices: (0, 0, 1), (1, 0, 0),
(0, -1, 0) are all "100"; any other index is "other". Surface energies are in J/m^2.
"""

from __future__ import annotations

import logging
import math
import warnings
from collections.abc import Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import permutations, product

import numpy as np
import pandas as pd

from ..errors import ConfigError, SeinetError

__all__ = [
    "FAMILIES",
    "FRACTION_FAMILIES",
    "NAF_LATTICE_A",
    "WulffError",
    "WulffPrediction",
    "FacetAgreement",
    "facet_fraction_table",
    "family_label",
    "family_normals",
    "wulff_shape",
    "winterbottom_shape",
    "halfspace_wulff_fractions",
    "cube_octahedron_fractions",
    "random_wulff_fractions",
    "tv_similarity",
    "facet_agreement",
]

logger = logging.getLogger(__name__)

#: Facet families a rock-salt Wulff shape is built from.
FAMILIES = ("100", "110", "111")
#: Families of an observed facet analysis (the order of every fraction vector here).
FRACTION_FAMILIES = ("100", "110", "111", "other")
#: Experimental lattice constant of rock-salt NaF at room temperature (Å).
NAF_LATTICE_A = 4.63
#: 1 J/m^2 in eV/Å^2.
_J_M2_TO_EV_A2 = 1.0 / 16.021766


class WulffError(SeinetError, ValueError):
    """Surface energies or observed fractions that cannot give a shape or a comparison."""


def family_label(miller: Sequence[int]) -> str:
    """Family label of a Miller index: ``"100"``, ``"110"``, ``"111"`` or ``"other"``.

    Parameters
    ----------
    miller : sequence of 3 int
        Miller indices in the cubic (conventional) cell; signs and order do not matter and
        a common factor is divided out, so (2, 0, 0) is "100".

    Returns
    -------
    str
    """
    idx = [abs(int(v)) for v in miller]
    if len(idx) != 3 or not any(idx):
        raise WulffError(f"not a Miller index: {tuple(miller)}")
    g = math.gcd(math.gcd(idx[0], idx[1]), idx[2])
    key = "".join(str(v // g) for v in sorted(idx, reverse=True))
    return key if key in FAMILIES else "other"


def family_normals(family: str) -> np.ndarray:
    """Unit normals of every facet of a family (6 for {100}, 12 for {110}, 8 for {111}).

    Parameters
    ----------
    family : {"100", "110", "111"}

    Returns
    -------
    ndarray (k, 3)
    """
    if family not in FAMILIES:
        raise WulffError(f"unknown facet family {family!r}; expected one of {FAMILIES}")
    base = [int(c) for c in family]
    vecs = set()
    for perm in set(permutations(base)):
        for signs in product((1, -1), repeat=3):
            v = tuple(s * p for s, p in zip(signs, perm))
            if any(v):
                vecs.add(v)
    arr = np.array(sorted(vecs), dtype=float)
    return arr / np.linalg.norm(arr, axis=1, keepdims=True)


def _energies_by_family(surface_energies: Mapping) -> dict[str, float]:
    """Accept keys as Miller tuples or family strings; return {"100": g, ...}."""
    out: dict[str, float] = {}
    for key, value in surface_energies.items():
        label = key if isinstance(key, str) else family_label(key)
        if label not in FAMILIES:
            raise WulffError(f"surface energy for {key!r}: only the families {FAMILIES} are supported")
        if label in out:
            raise WulffError(f"two surface energies given for the {label} family")
        value = float(value)
        if not np.isfinite(value) or value <= 0:
            raise WulffError(f"surface energy of {label} must be positive and finite, got {value}")
        out[label] = value
    if not out:
        raise WulffError("no surface energies given")
    return out


def _miller(label: str) -> tuple[int, int, int]:
    return tuple(int(c) for c in label)  # type: ignore[return-value]


# --------------------------------------------------------------------------------------------
# prediction
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class WulffPrediction:
    """Equilibrium shape of a NaF crystal from its surface energies.

    Attributes
    ----------
    kind : {"wulff", "winterbottom"}
    surface_energies : dict
        Family -> gamma (J/m^2) used.
    facet_fractions : dict
        Family -> fraction of the *free* surface area ("100", "110", "111"; sums to 1). For
        a Winterbottom shape the contact area with the substrate is not in it.
    volume_A3, area_A2 : float
        Volume and free surface area of the shape for ``n_formula_units`` (Å^3, Å^2).
    surface_energy_eV : float
        Total free-surface energy ``sum gamma_i A_i`` (eV), the interface term not included.
    n_formula_units : int
        Size the shape was scaled to.
    lattice_a_A : float
        Rock-salt lattice constant used for the volume.
    interface_miller : tuple of int or None
        Facet in contact with the substrate (Winterbottom).
    interface_energy : float or None
        Generalised interface energy (J/m^2), see :func:`winterbottom_shape`.
    interface_fraction : float or None
        Contact area / (free area + contact area).
    shape : object or None
        The wulffpack particle (not compared, not serialised).
    """

    kind: str
    surface_energies: dict
    facet_fractions: dict
    volume_A3: float
    area_A2: float
    surface_energy_eV: float
    n_formula_units: int
    lattice_a_A: float
    interface_miller: tuple | None = None
    interface_energy: float | None = None
    interface_fraction: float | None = None
    shape: object | None = field(default=None, compare=False, repr=False)

    def fraction_vector(self, include_interface: bool = False) -> np.ndarray:
        """Fractions in :data:`FRACTION_FAMILIES` order ("other" is 0).

        Parameters
        ----------
        include_interface : bool, optional
            Use :meth:`hull_fractions` (contact facet counted in its family) instead of the
            free-surface fractions.
        """
        fr = self.hull_fractions() if include_interface else self.facet_fractions
        return np.array([fr.get(f, 0.0) for f in FRACTION_FAMILIES])

    def hull_fractions(self) -> dict:
        """Fractions over the whole polyhedron, the contact facet counted in its own family.

        This is what a convex-hull facet classifier sees on a nucleus that sits on the metal:
        the flat contact face is a facet of the hull too. Equal to :attr:`facet_fractions`
        for a free Wulff shape.
        """
        if self.interface_fraction is None:
            return dict(self.facet_fractions)
        free = 1.0 - self.interface_fraction
        out = {f: v * free for f, v in self.facet_fractions.items()}
        label = family_label(self.interface_miller)
        out[label] = out.get(label, 0.0) + self.interface_fraction
        return out

    def to_dict(self) -> dict:
        """JSON-ready dictionary (for ``wulff.json``); the shape object is left out."""
        return {
            "kind": self.kind,
            "surface_energies_J_m2": dict(self.surface_energies),
            "facet_fractions": {k: float(v) for k, v in self.facet_fractions.items()},
            "hull_fractions": {k: float(v) for k, v in self.hull_fractions().items()},
            "volume_A3": self.volume_A3,
            "area_A2": self.area_A2,
            "surface_energy_eV": self.surface_energy_eV,
            "n_formula_units": self.n_formula_units,
            "lattice_a_A": self.lattice_a_A,
            "interface_miller": None if self.interface_miller is None else list(self.interface_miller),
            "interface_energy_J_m2": self.interface_energy,
            "interface_fraction": self.interface_fraction,
        }


def _wulffpack():
    try:
        import wulffpack
    except ImportError as exc:
        raise ImportError(
            "Wulff constructions need wulffpack: pip install wulffpack (or pip install 'seinet[nucleation]')"
        ) from exc
    return wulffpack


@contextmanager
def _quiet_spglib():
    """Silence spglib's deprecation notice that wulffpack triggers on every construction."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*OLD_ERROR_HANDLING.*", category=DeprecationWarning)
        yield


def _primitive(lattice_a: float):
    from ase.build import bulk

    return bulk("NaF", "rocksalt", a=float(lattice_a))


def _summarise(particle, energies: dict[str, float]) -> tuple[dict, float, float, float]:
    """Family fractions of the free surface, free area, interface area, free-surface energy."""
    free: dict[str, float] = {}
    interface_area = 0.0
    for form in particle.forms:
        key = form.parent_miller_indices
        if key == "interface":
            interface_area += float(form.area)
            continue
        if key == "twin":  # pragma: no cover - not produced by the constructions used here
            continue
        label = family_label(key)
        free[label] = free.get(label, 0.0) + float(form.area)
    area = sum(free.values())
    fractions = {f: free[f] / area for f in FAMILIES if free.get(f, 0.0) > 0}
    energy_ev = sum(energies[f] * a for f, a in free.items()) * _J_M2_TO_EV_A2
    return fractions, area, interface_area, energy_ev


def wulff_shape(surface_energies: Mapping, lattice_a: float = NAF_LATTICE_A,
                n_formula_units: int = 500, keep_shape: bool = True) -> WulffPrediction:
    """Wulff shape of rock-salt NaF (wulffpack ``SingleCrystal``).

    Parameters
    ----------
    surface_energies : mapping
        ``{(1, 0, 0): g100, (1, 1, 0): g110, (1, 1, 1): g111}`` in J/m^2; keys may also be
        the family labels "100", "110", "111". A family left out does not appear.
    lattice_a : float, optional
        Lattice constant (Å); sets the volume per formula unit only.
    n_formula_units : int, optional
        Size of the particle (volume = ``n_formula_units * a^3 / 4``).
    keep_shape : bool, optional
        Keep the wulffpack particle in ``shape`` (for plots and atoms).

    Returns
    -------
    WulffPrediction

    Raises
    ------
    WulffError
        Non-positive or duplicate energies, unsupported facets.
    ImportError
        wulffpack is not installed.

    Notes
    -----
    The fractions depend only on the energy ratios. wulffpack takes the point group from
    the rock-salt primitive cell (Fm-3m); a construction takes ~0.2 s.
    """
    energies = _energies_by_family(surface_energies)
    wp = _wulffpack()
    with _quiet_spglib():
        particle = wp.SingleCrystal({_miller(f): g for f, g in energies.items()},
                                    primitive_structure=_primitive(lattice_a),
                                    natoms=2 * int(n_formula_units))
    fractions, area, _, energy_ev = _summarise(particle, energies)
    return WulffPrediction("wulff", energies, fractions, float(particle.volume), area, energy_ev,
                           int(n_formula_units), float(lattice_a),
                           shape=particle if keep_shape else None)


def winterbottom_shape(surface_energies: Mapping, interface_energy: float,
                       interface_miller: Sequence[int] = (1, 0, 0), lattice_a: float = NAF_LATTICE_A,
                       n_formula_units: int = 500, keep_shape: bool = True) -> WulffPrediction:
    """Winterbottom shape of a NaF nucleus on a substrate (wulffpack ``Winterbottom``).

    Parameters
    ----------
    surface_energies : mapping
        As for :func:`wulff_shape` (J/m^2), the NaF surfaces towards the electrolyte.
    interface_energy : float
        Generalised interface energy (J/m^2), wulffpack's convention:
        ``gamma_int = gamma(NaF|Na) - gamma(Na|electrolyte)``, the interface energy of the
        NaF facet on the metal minus the energy of the bare metal surface it covers.
        With the work of adhesion ``W = gamma_NaF(hkl) + gamma_Na - gamma(NaF|Na)`` this is
        ``gamma_int = gamma_NaF(hkl) - W``. ``gamma_int -> +gamma_NaF(hkl)``: no adhesion,
        the free Wulff shape touching the metal; ``0``: a half crystal;
        ``-> -gamma_NaF(hkl)``: complete wetting (a film). wulffpack needs
        ``|gamma_int| <`` the smallest surface energy.
    interface_miller : sequence of 3 int, optional
        NaF facet in contact with the metal; default (1, 0, 0).
    lattice_a, n_formula_units, keep_shape
        As for :func:`wulff_shape`.

    Returns
    -------
    WulffPrediction
        ``facet_fractions`` over the free surface; ``interface_fraction`` the contact share
        of the whole polyhedron; :meth:`WulffPrediction.hull_fractions` counts the contact
        facet in its own family.
    """
    energies = _energies_by_family(surface_energies)
    gamma_int = float(interface_energy)
    if abs(gamma_int) >= min(energies.values()):
        raise WulffError(
            f"|interface energy| = {abs(gamma_int)} J/m^2 must be below the smallest surface energy "
            f"{min(energies.values())} J/m^2 (otherwise the nucleus wets the metal completely or "
            "does not touch it)"
        )
    miller = tuple(int(v) for v in interface_miller)
    family_label(miller)  # validates
    # wulffpack divides by the distance of the interface plane from the centre: exactly 0
    # (half a Wulff shape) gives NaN vertices, a vanishing offset gives the same shape
    effective = gamma_int if gamma_int != 0.0 else 1e-9 * min(energies.values())
    wp = _wulffpack()
    with _quiet_spglib():
        particle = wp.Winterbottom({_miller(f): g for f, g in energies.items()}, interface_direction=miller,
                                   interface_energy=effective, primitive_structure=_primitive(lattice_a),
                                   natoms=2 * int(n_formula_units))
    fractions, area, contact, energy_ev = _summarise(particle, energies)
    return WulffPrediction("winterbottom", energies, fractions, float(particle.volume), area, energy_ev,
                           int(n_formula_units), float(lattice_a), interface_miller=miller,
                           interface_energy=gamma_int, interface_fraction=contact / (area + contact),
                           shape=particle if keep_shape else None)


# --------------------------------------------------------------------------------------------
# independent constructions
# --------------------------------------------------------------------------------------------
def halfspace_wulff_fractions(surface_energies: Mapping) -> dict[str, float]:
    """Facet-family area fractions of a cubic Wulff shape by half-space intersection.

    Parameters
    ----------
    surface_energies : mapping
        As for :func:`wulff_shape`.

    Returns
    -------
    dict
        Family -> area fraction (families with no area are left out).

    Notes
    -----
    Intersects the 6 + 12 + 8 half-spaces ``n_hat . x <= gamma`` (scipy
    ``HalfspaceIntersection``), takes the convex hull of the vertices and assigns each hull
    triangle to the plane it lies on. Independent of wulffpack; ~1 ms.
    """
    from scipy.spatial import ConvexHull, HalfspaceIntersection

    energies = _energies_by_family(surface_energies)
    normals, gammas, labels = [], [], []
    for fam, g in energies.items():
        n = family_normals(fam)
        normals.append(n)
        gammas.append(np.full(len(n), g))
        labels += [fam] * len(n)
    normals = np.vstack(normals)
    gammas = np.concatenate(gammas)
    hs = HalfspaceIntersection(np.column_stack([normals, -gammas]), np.zeros(3))
    hull = ConvexHull(hs.intersections)
    areas: dict[str, float] = {}
    scale = float(gammas.max())
    for simplex, eq in zip(hull.simplices, hull.equations):
        tri = hull.points[simplex]
        a = 0.5 * np.linalg.norm(np.cross(tri[1] - tri[0], tri[2] - tri[0]))
        # the plane of this triangle: normal ~ eq[:3], offset ~ -eq[3]
        dev = np.abs(normals @ eq[:3] - 1.0) + np.abs(gammas + eq[3]) / scale
        areas[labels[int(np.argmin(dev))]] = areas.get(labels[int(np.argmin(dev))], 0.0) + a
    total = sum(areas.values())
    return {f: float(areas[f] / total) for f in FAMILIES if areas.get(f, 0.0) > 1e-12 * total}


def cube_octahedron_fractions(gamma_100: float, gamma_111: float) -> dict[str, float]:
    """Exact area fractions of the {100}+{111} Wulff shape (no {110} facets).

    Parameters
    ----------
    gamma_100, gamma_111 : float
        Surface energies (any unit, only the ratio matters).

    Returns
    -------
    dict
        ``{"100": f, "111": 1 - f}``.

    Notes
    -----
    With ``s = sqrt(3) gamma_111 / gamma_100`` (the cube faces at ``|x_i| = 1``, the
    octahedron faces at ``|x| + |y| + |z| = s``):

    - ``s >= 3``: cube, ``f = 1``;
    - ``2 <= s < 3``: truncated cube, corners cut to depth ``d = 3 - s``:
      ``A_100 = 24 - 12 d^2``, ``A_111 = 4 sqrt(3) d^2`` (``d = 1``: cuboctahedron);
    - ``1 < s < 2``: truncated octahedron: ``A_100 = 12 (s - 1)^2``,
      ``A_111 = 4 sqrt(3) (s^2 - 3 (s - 1)^2)``;
    - ``s <= 1``: octahedron, ``f = 0``.
    """
    if gamma_100 <= 0 or gamma_111 <= 0:
        raise WulffError("surface energies must be positive")
    s = math.sqrt(3.0) * gamma_111 / gamma_100
    if s >= 3.0:
        a100, a111 = 1.0, 0.0
    elif s >= 2.0:
        d = 3.0 - s
        a100, a111 = 24.0 - 12.0 * d * d, 4.0 * math.sqrt(3.0) * d * d
    elif s > 1.0:
        a100, a111 = 12.0 * (s - 1.0) ** 2, 4.0 * math.sqrt(3.0) * (s * s - 3.0 * (s - 1.0) ** 2)
    else:
        a100, a111 = 0.0, 1.0
    total = a100 + a111
    return {"100": a100 / total, "111": a111 / total}


def random_wulff_fractions(n_shapes: int, seed: int = 0, log_sigma: float = 0.3,
                           families: Sequence[str] = FAMILIES) -> np.ndarray:
    """Fraction vectors of Wulff shapes with random surface energies (a null ensemble).

    Parameters
    ----------
    n_shapes : int
        Number of shapes.
    seed : int, optional
        Seed of ``numpy.random.default_rng``.
    log_sigma : float, optional
        Each ``ln gamma`` is drawn from N(0, log_sigma^2) independently; 0.3 spans the
        cube-to-octahedron range.
    families : sequence of str, optional
        Families that get an energy.

    Returns
    -------
    ndarray (n_shapes, 4)
        Fractions in :data:`FRACTION_FAMILIES` order.
    """
    rng = np.random.default_rng(seed)
    out = np.zeros((n_shapes, len(FRACTION_FAMILIES)))
    for k in range(n_shapes):
        g = np.exp(rng.normal(0.0, log_sigma, size=len(families)))
        fr = halfspace_wulff_fractions(dict(zip(families, g)))
        out[k] = [fr.get(f, 0.0) for f in FRACTION_FAMILIES]
    return out


# --------------------------------------------------------------------------------------------
# comparison with observations
# --------------------------------------------------------------------------------------------
def tv_similarity(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """``1 - TV(p, q) = 1 - sum|p - q| / 2 = sum min(p, q)`` along the last axis."""
    return 1.0 - 0.5 * np.abs(np.asarray(p, float) - np.asarray(q, float)).sum(axis=-1)


def _family_key(label) -> str:
    """'{100}' / '100' / 'fraction_100' -> '100'; anything else unchanged."""
    text = str(label).strip().strip("{}")
    return text


def facet_fraction_table(facets: pd.DataFrame) -> pd.DataFrame:
    """Wide facet table from the long one of the nucleation analysis (``facets.csv``).

    Parameters
    ----------
    facets : DataFrame
        One row per frame, nucleus and family with columns ``frame``, ``time_ps``,
        ``nucleus_id``, ``family`` ("{100}" or "100" style labels), ``area_A2`` and
        ``fraction`` (seinet.nucleation.columns.FACET_COLUMNS).

    Returns
    -------
    DataFrame
        One row per (frame, nucleus_id): ``frame``, ``time_ps``, ``nucleus_id``, ``area_A2``
        (hull area) and ``fraction_100``, ``fraction_110``, ``fraction_111``,
        ``fraction_other`` (NaN rows, hulls without area, are kept).
    """
    need = {"frame", "nucleus_id", "family", "fraction"}
    if not need <= set(facets.columns):
        raise WulffError(f"facet table lacks columns {sorted(need - set(facets.columns))}")
    df = facets.assign(family=facets["family"].map(_family_key))
    unknown = set(df["family"]) - set(FRACTION_FAMILIES)
    if unknown:
        raise WulffError(f"unknown facet families {sorted(unknown)}; expected {FRACTION_FAMILIES}")
    keys = ["frame", "nucleus_id"]
    wide = df.pivot_table(index=keys, columns="family", values="fraction", aggfunc="sum", dropna=False)
    wide = wide.reindex(columns=list(FRACTION_FAMILIES)).fillna(0.0)
    nan_rows = df.groupby(keys)["fraction"].apply(lambda x: x.isna().all())
    wide.loc[nan_rows[nan_rows].index, :] = np.nan
    wide.columns = [f"fraction_{c}" for c in wide.columns]
    extra = {}
    if "time_ps" in df:
        extra["time_ps"] = df.groupby(keys)["time_ps"].first()
    if "area_A2" in df:
        extra["area_A2"] = df.groupby(keys)["area_A2"].sum()
    out = pd.concat([pd.DataFrame(extra), wide], axis=1).reset_index()
    return out.sort_values(keys, kind="stable").reset_index(drop=True)


def _as_fraction_matrix(observed) -> np.ndarray:
    """Rows of observed fractions in FRACTION_FAMILIES order (NaN rows allowed)."""
    if isinstance(observed, Mapping):
        observed = pd.DataFrame({k: np.atleast_1d(np.asarray(v, float)) for k, v in observed.items()})
    if isinstance(observed, pd.DataFrame):
        cols = []
        for fam in FRACTION_FAMILIES:
            hits = [c for c in observed.columns
                    if _family_key(c) == fam or str(c).endswith("_" + fam) or str(c).endswith("_{" + fam + "}")]
            if len(hits) > 1:
                raise WulffError(f"several columns match family {fam}: {hits}")
            if not hits and fam != "other":
                raise WulffError(f"no column for family {fam} in {list(observed.columns)}")
            cols.append(observed[hits[0]].to_numpy(float) if hits else np.zeros(len(observed)))
        mat = np.column_stack(cols)
    else:
        mat = np.atleast_2d(np.asarray(observed, float))
        if mat.shape[1] == 3:
            mat = np.column_stack([mat, np.zeros(len(mat))])
        if mat.shape[1] != 4:
            raise WulffError("observed fractions need 3 or 4 columns (100, 110, 111[, other])")
    if np.any(mat < -1e-12) or np.any(np.isinf(mat)):
        raise WulffError("observed fractions must be finite and non-negative")
    return mat


@dataclass(frozen=True)
class FacetAgreement:
    """How close observed facet fractions are to a Wulff prediction, with a null for scale.

    Attributes
    ----------
    score, score_ci : float, (float, float)
        ``S = 1 - TV(mean observed, predicted)`` and its bootstrap confidence interval.
    null_score, null_score_ci : float, (float, float)
        The same against the null shape.
    skill, skill_ci : float, (float, float)
        ``(S - S_null) / (1 - S_null)``: 1 = the prediction explains all the difference
        the null leaves, 0 = no better than the null, < 0 = worse (-inf when the null
        matches exactly and the prediction does not).
    random_rank : float or None
        Fraction of random-energy Wulff shapes that match the mean observation at least as
        well as the prediction (a p-value-like rank; None if no random ensemble was drawn).
    per_unit_score : float
        Mean of ``1 - TV`` computed unit by unit (shape-by-shape agreement; lower than
        ``score`` when units scatter around the prediction).
    observed_mean, predicted, null : dict
        Fraction vectors (family -> fraction) compared.
    n_units, n_groups, n_boot, seed, ci_level : int, int, int, int, float
    """

    score: float
    score_ci: tuple[float, float]
    null_score: float
    null_score_ci: tuple[float, float]
    skill: float
    skill_ci: tuple[float, float]
    random_rank: float | None
    per_unit_score: float
    observed_mean: dict
    predicted: dict
    null: dict
    n_units: int
    n_groups: int
    n_boot: int
    seed: int
    ci_level: float

    def to_dict(self) -> dict:
        """JSON-ready dictionary."""
        return {
            "score": self.score, "score_ci": list(self.score_ci),
            "null_score": self.null_score, "null_score_ci": list(self.null_score_ci),
            "skill": self.skill, "skill_ci": list(self.skill_ci),
            "random_rank": self.random_rank, "per_unit_score": self.per_unit_score,
            "observed_mean": self.observed_mean, "predicted": self.predicted, "null": self.null,
            "n_units": self.n_units, "n_groups": self.n_groups, "n_boot": self.n_boot,
            "seed": self.seed, "ci_level": self.ci_level,
            "definition": "score = 1 - 0.5*sum|f_obs - f_pred| over families 100,110,111,other",
        }


def facet_agreement(observed, prediction: WulffPrediction | Mapping, null: str | Mapping = "isotropic",
                    groups=None, weights=None, include_interface: bool = True, n_boot: int = 2000,
                    n_random: int = 200, ci_level: float = 0.95, seed: int = 0) -> FacetAgreement:
    """Score how surface-energy controlled the observed nucleus shapes are.

    Parameters
    ----------
    observed : DataFrame, mapping or array_like (U, 3 or 4)
        Facet-area fractions of U observation units (nuclei, or frames of a nucleus), in the
        order "100", "110", "111"[, "other"]. A DataFrame or mapping is read by column name:
        ``"100"``/``"{100}"`` or a name ending in ``"_100"`` (e.g. ``fraction_100``), likewise
        for the others; "other" may be absent. The long ``facets.csv`` table of the
        nucleation analysis (a ``family`` column) is turned into one unit per frame and
        nucleus by :func:`facet_fraction_table`, and then ``groups`` defaults to
        ``"nucleus_id"``. Rows are renormalised to sum 1; rows with no area (or NaN) are
        dropped.
    prediction : WulffPrediction or mapping
        The shape to test, or a family -> fraction mapping.
    null : "isotropic", mapping or WulffPrediction, optional
        Reference shape: "isotropic" is the Wulff shape with equal {100}, {110}, {111}
        energies (the rock-salt polyhedron closest to a sphere: 28 % {100}, 44 % {110},
        28 % {111}).
    groups : array_like (U,) or str, optional
        Bootstrap unit per row (e.g. nucleus id or a block of frames), or the name of a column
        of ``observed``: frames of one trajectory are correlated, resampling them one by one
        understates the uncertainty. Default: every row its own unit.
    weights : array_like (U,) or str, optional
        Weight of each row in the mean (e.g. ``"area_A2"``, the hull area: then the mean is
        the share of all facet area); default equal.
    include_interface : bool, optional
        For a Winterbottom prediction compare the whole-hull fractions (contact face in its
        family), which is what a convex-hull facet classifier measures.
    n_boot : int, optional
        Bootstrap resamples of the groups.
    n_random : int, optional
        Random-energy Wulff shapes for ``random_rank`` (:func:`random_wulff_fractions`);
        0 to skip.
    ci_level : float, optional
        Confidence level of the percentile intervals.
    seed : int, optional
        Seed for the bootstrap and the random shapes.

    Returns
    -------
    FacetAgreement

    Notes
    -----
    Definition. With ``f_obs`` the (weighted) mean fraction vector over the units and
    ``f_pred`` the predicted one over the families 100, 110, 111, other,

    ``S = 1 - TV(f_obs, f_pred) = 1 - 1/2 sum_k |f_obs,k - f_pred,k| = sum_k min(f_obs,k, f_pred,k)``,

    the share of facet area that is where the Wulff shape puts it (1: identical
    distributions, 0: disjoint). Area on "other" facets always counts as disagreement.
    ``S`` alone has no scale (two arbitrary rock-salt polyhedra typically share 50-80 % of
    their area), so the same score against a null shape and the skill
    ``(S - S_null) / (1 - S_null)`` are reported, with percentile bootstrap intervals over
    the groups (all three from the same resamples), and the rank of ``S`` among Wulff
    shapes with random surface energies. Growth that is surface-energy controlled gives
    ``S`` close to 1, a skill interval above 0 and a small ``random_rank``; kinetically
    shaped nuclei do not. O(n_boot * U + n_random) time.
    """
    if isinstance(observed, pd.DataFrame) and "family" in observed.columns:
        observed = facet_fraction_table(observed)
        if groups is None and "nucleus_id" in observed.columns:
            groups = "nucleus_id"
    if isinstance(groups, str) or isinstance(weights, str):
        if not isinstance(observed, pd.DataFrame):
            raise WulffError("groups or weights given by column name need a table of observations")
        for name in (groups, weights):
            if isinstance(name, str) and name not in observed.columns:
                raise WulffError(f"no column {name!r} in the observations")
        groups = observed[groups].to_numpy() if isinstance(groups, str) else groups
        weights = observed[weights].to_numpy(float) if isinstance(weights, str) else weights
    mat = _as_fraction_matrix(observed)
    sums = mat.sum(axis=1)
    keep = np.isfinite(sums) & (sums > 0)
    if not keep.any():
        raise WulffError("no observation unit has any facet area")
    n_rows = len(mat)
    w = np.ones(n_rows) if weights is None else np.asarray(weights, float)
    g = np.arange(n_rows) if groups is None else np.asarray(groups)
    if len(w) != n_rows or len(g) != n_rows:
        raise WulffError("weights and groups must have one entry per observation unit")
    if np.any(w < 0):
        raise WulffError("weights must be non-negative")
    mat, w, g = mat[keep] / sums[keep, None], w[keep], g[keep]
    if not np.all(np.isfinite(w)) or w.sum() <= 0:
        raise WulffError("all weights are zero")

    def vector(p) -> np.ndarray:
        if isinstance(p, WulffPrediction):
            return p.fraction_vector(include_interface=include_interface)
        if isinstance(p, str):
            if p != "isotropic":
                raise ConfigError(f"unknown null shape {p!r}; use 'isotropic' or a mapping")
            fr = halfspace_wulff_fractions({f: 1.0 for f in FAMILIES})
            return np.array([fr.get(f, 0.0) for f in FRACTION_FAMILIES])
        p = {_family_key(k): float(x) for k, x in p.items()}
        v = np.array([p.get(f, 0.0) for f in FRACTION_FAMILIES])
        if v.sum() <= 0:
            raise WulffError("a compared fraction vector has no area")
        return v / v.sum()

    pred, nul = vector(prediction), vector(null)
    labels, inverse = np.unique(g, return_inverse=True)
    n_groups = len(labels)
    # per-group weighted sums, so a resample is a weighted count of groups
    gsum = np.zeros((n_groups, 4))
    np.add.at(gsum, inverse, mat * w[:, None])
    gw = np.bincount(inverse, weights=w, minlength=n_groups)
    mean = gsum.sum(axis=0) / gw.sum()
    s_pred, s_null = float(tv_similarity(mean, pred)), float(tv_similarity(mean, nul))

    def skill_of(sp, sn):
        # a null that matches perfectly leaves nothing to explain: 0 if the prediction matches
        # as well, -inf otherwise
        denom = 1.0 - sn
        degenerate = np.where(sp >= sn - 1e-9, 0.0, -np.inf)
        return np.where(denom > 1e-9, (sp - sn) / np.where(denom > 1e-9, denom, 1.0), degenerate)

    rng = np.random.default_rng(seed)
    lo_q, hi_q = 0.5 * (1 - ci_level), 0.5 * (1 + ci_level)
    if n_boot > 0 and n_groups > 1:
        counts = rng.multinomial(n_groups, np.full(n_groups, 1.0 / n_groups), size=n_boot)
        tot_w = counts @ gw
        ok = tot_w > 0
        means = (counts @ gsum)[ok] / tot_w[ok, None]
        bp, bn = tv_similarity(means, pred), tv_similarity(means, nul)
        bs = skill_of(bp, bn)
        ci = lambda arr: (float(np.quantile(arr, lo_q)), float(np.quantile(arr, hi_q)))  # noqa: E731
        with np.errstate(invalid="ignore"):  # a skill of -inf (see skill_of) is a valid sample
            score_ci, null_ci, skill_ci = ci(bp), ci(bn), ci(bs)
    else:
        if n_groups == 1:
            logger.warning("one observation group only: no bootstrap interval")
        score_ci, null_ci = (s_pred, s_pred), (s_null, s_null)
        skill_ci = (float(skill_of(s_pred, s_null)),) * 2
    rank = None
    if n_random > 0:
        rand = random_wulff_fractions(n_random, seed=seed)
        rank = float(np.mean(tv_similarity(mean, rand) >= s_pred - 1e-12))
    per_unit = float(np.average(tv_similarity(mat, pred), weights=w))
    as_dict = lambda v: {f: float(x) for f, x in zip(FRACTION_FAMILIES, v)}  # noqa: E731
    return FacetAgreement(s_pred, score_ci, s_null, null_ci, float(skill_of(s_pred, s_null)), skill_ci,
                          rank, per_unit, as_dict(mean), as_dict(pred), as_dict(nul), int(len(mat)),
                          int(n_groups), int(n_boot), int(seed), float(ci_level))
