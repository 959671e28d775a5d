"""NaF nucleation detection over a trajectory: crystalline ions, nuclei, orientation, facets, tracking.

Per frame (:func:`detect_frame`, frames are independent):

1. ions: every cation (Na) that is not electrode metal and every anion (F) that is
   not covalently bound (no atom other than an alkali or another anion within
   ``free_anion_cutoff_A``: F of PF6- or HF is not fluoride); other atoms are ignored;
2. first shells, q_l, solid-like bonds, crystalline ions and surface growth
   (:mod:`seinet.nucleation.order`);
3. ionic clusters and nuclei (:mod:`seinet.nucleation.clusters`), unwrapped;
4. per nucleus of at least ``min_nucleus`` ions: composition, centroid, contact with
   electrode metal, mean q_l, lattice orientation; of at least ``facet_min_size``
   ions: hull facets (:mod:`seinet.nucleation.facets`).

Over frames (:func:`analyze_nucleation`) nuclei are tracked by shared atoms
(:mod:`seinet.nucleation.tracking`) and the tables of :class:`NucleationResults`
are filled. Memory holds the tables only, not the frames.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..elements import ALKALI
from ..errors import ConfigError
from ..frame import Frame
from .clusters import Components, components, contact_mask, unwrap_components, wrap_positions
from .columns import FACET_COLUMNS, NUCLEATION_COLUMNS, NUCLEI_COLUMNS
from .facets import (FAMILIES, NucleusFacets, canonical_orientation, lattice_orientation, misorientation_deg,
                     nucleus_facets, rotation_to_quaternion)
from .order import (crystalline_ions, growth_depth, ion_shells, solid_bonds, steinhardt_ql,
                    steinhardt_qlm)
from .tracking import EVENT_COLUMNS, NucleusTracker, nucleus_tracks

__all__ = ["NucleationSettings", "Nucleus", "FrameNuclei", "NucleationResults", "NucleationAnalysis", "select_ions",
           "detect_frame", "analyze_nucleation"]

logger = logging.getLogger(__name__)

MetalInput = np.ndarray | Callable[[Frame], np.ndarray] | Iterable[np.ndarray] | None


@dataclass(frozen=True)
class NucleationSettings:
    """Every setting of the nucleation analysis (defaults: DESIGN.md, method notes).

    Attributes
    ----------
    cutoff_A : float
        Cation-anion first-shell cutoff (Na-F: 2.95 Å, first minimum of g(r)).
    l : int
        Steinhardt degree (4: the rock-salt first shell is an octahedron).
    q_threshold : float
        Normalised q_lm dot product above which a bond is solid-like.
    solid_threshold : int
        Solid-like bonds needed for an ion to be crystalline.
    growth_min_neighbors : int
        Crystalline neighbours needed to join in surface growth (0 disables growth).
    min_nucleus : int
        Smallest crystalline cluster reported as a nucleus (n_max counts all).
    facet_min_size : int
        Smallest nucleus whose hull facets are analysed.
    facet_tolerance_deg : float
        Largest angle between a facet normal and a {100}/{110}/{111} direction.
    coplanar_deg : float
        Adjacent hull triangles closer than this in normal merge into one facet.
    facet_absorb_deg : float
        A hull facet off every low-index direction joins a larger adjacent low-index
        facet whose direction is closer than this to its normal (adatom pyramids,
        rounded edges); 0 disables.
    hull_max_growth_depth : int or None
        Only crystalline ions attached within this many growth sweeps shape the hull
        (1 leaves out adatoms and partial layers sitting only on grown ions, which
        would turn a flat {111} face into a shallow pyramid); None uses every ion.
    electrode_contact_A : float
        A nucleus with an ion this close to electrode metal is on the electrode.
    cation, anion : str
        Element symbols of the ionic crystal.
    free_anion_cutoff_A : float or None
        An anion with a non-alkali atom (other than another anion) this close is
        covalently bound and not an ion (F-P 1.6, F-C 1.35, F-H 0.92 Å); None
        takes every anion atom.
    """

    cutoff_A: float = 2.95
    l: int = 4
    q_threshold: float = 0.7
    solid_threshold: int = 4
    growth_min_neighbors: int = 3
    min_nucleus: int = 4
    facet_min_size: int = 30
    facet_tolerance_deg: float = 15.0
    coplanar_deg: float = 2.0
    facet_absorb_deg: float = 25.0
    hull_max_growth_depth: int | None = 1
    electrode_contact_A: float = 3.5
    cation: str = "Na"
    anion: str = "F"
    free_anion_cutoff_A: float | None = 1.9

    def __post_init__(self) -> None:
        if not self.cutoff_A > 0:
            raise ConfigError(f"nucleation cutoff_A must be positive, got {self.cutoff_A}")
        if self.l < 1:
            raise ConfigError(f"nucleation l must be >= 1, got {self.l}")
        if not -1.0 <= self.q_threshold <= 1.0:
            raise ConfigError(f"nucleation q_threshold must lie in [-1, 1], got {self.q_threshold}")
        if self.solid_threshold < 1 or self.min_nucleus < 1 or self.facet_min_size < 4:
            raise ConfigError("nucleation solid_threshold and min_nucleus must be >= 1, facet_min_size >= 4")
        if not 0 <= self.facet_absorb_deg < 35.0:
            raise ConfigError(f"facet_absorb_deg must lie in [0, 35) (below the 35.3 deg between the {{110}} and "
                              f"{{111}} directions), got {self.facet_absorb_deg}")
        if not 0 < self.facet_tolerance_deg < 17.6:
            raise ConfigError("facet_tolerance_deg must lie in (0, 17.6) so that the {110} and {111} "
                              f"windows do not overlap, got {self.facet_tolerance_deg}")
        if self.cation == self.anion:
            raise ConfigError(f"cation and anion must differ, both are {self.cation!r}")

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Nucleus:
    """One crystalline cluster of one frame.

    Attributes
    ----------
    label : int
        Rank in the frame (0 = largest).
    atoms : ndarray of int64
        Global atom indices, sorted.
    positions : ndarray (size, 3)
        Unwrapped positions (Å), in the order of ``atoms``.
    is_cation : ndarray of bool (size,)
    centroid : ndarray (3,)
        Centroid wrapped into the cell (Å).
    on_electrode : bool or None
        Contact with electrode metal; None without metal information.
    percolating : bool
        The nucleus joins itself across the periodic boundary (a film or rod through
        the box): its positions cannot be made whole, its centroid is that of one
        unfolding and it has no facets.
    q_mean : float
        Mean q_l of the members.
    surface : ndarray of bool (size,)
        Members with fewer than six first-shell neighbours inside the nucleus.
    rotation : ndarray (3, 3)
        Canonical crystal-to-sample rotation (NaN when undefined).
    spread_deg : float
        RMS angle of the member bonds from the fitted cube axes.
    facets : NucleusFacets or None
    """

    label: int
    atoms: np.ndarray
    positions: np.ndarray
    is_cation: np.ndarray
    centroid: np.ndarray
    on_electrode: bool | None
    percolating: bool
    q_mean: float
    surface: np.ndarray
    rotation: np.ndarray
    spread_deg: float
    facets: NucleusFacets | None = None

    @property
    def size(self) -> int:
        return int(len(self.atoms))


@dataclass(frozen=True)
class FrameNuclei:
    """Per-ion and per-nucleus results of one frame.

    Attributes
    ----------
    frame : int
    time_ps : float
        NaN when the frame has no time.
    ions : ndarray of int64 (n,)
        Global indices of the ions analysed.
    is_cation : ndarray of bool (n,)
    ql : ndarray (n,)
        Steinhardt q_l of every ion.
    n_solid : ndarray of int64 (n,)
        Solid-like bonds of every ion.
    crystalline : ndarray of bool (n,)
        Crystalline after surface growth.
    clusters : Components
        Ionic clusters (labels over ``ions``).
    crystals : Components
        Crystalline clusters (labels over ``ions``).
    nuclei : list of Nucleus
        Crystalline clusters of at least ``min_nucleus`` ions, largest first.
    """

    frame: int
    time_ps: float
    ions: np.ndarray
    is_cation: np.ndarray
    ql: np.ndarray
    n_solid: np.ndarray
    crystalline: np.ndarray
    clusters: Components
    crystals: Components
    nuclei: list = field(default_factory=list)

    def summary(self) -> dict:
        """The nucleation.csv row of this frame."""
        n = len(self.ions)
        n_cr = int(self.crystalline.sum())
        sizes = self.clusters.sizes
        return {"frame": self.frame, "time_ps": self.time_ps, "n_ions": n,
                "n_max": int(self.crystals.sizes[0]) if self.crystals.n else 0,
                "n_nuclei": len(self.nuclei), "n_crystalline": n_cr,
                "crystalline_fraction": n_cr / n if n else float("nan"),
                "n_clusters": int(np.count_nonzero(sizes >= 2)),
                "largest_cluster": int(sizes[0]) if len(sizes) else 0,
                "q_mean": float(self.ql.mean()) if n else float("nan")}


def _cell_of(frame: Frame, pad: float) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Positions and cell; a cell-less frame is shifted into a box wide enough to have no images.

    The third value is the shift to add back (None for a periodic frame).
    """
    pos = np.asarray(frame.positions, dtype=np.float64)
    if frame.cell is not None:
        return pos, np.asarray(frame.cell, dtype=np.float64), None
    lo = pos.min(axis=0) if len(pos) else np.zeros(3)
    hi = pos.max(axis=0) if len(pos) else np.zeros(3)
    return pos - lo, np.diag(hi - lo + 3 * pad + 1.0), lo


def select_ions(symbols: np.ndarray, positions: np.ndarray, cell: np.ndarray, settings: NucleationSettings,
                metal: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the ions taking part and whether each is a cation (module docstring, step 1).

    Notes
    -----
    O(N); the covalent-anion test is a cell-list search centred on anion atoms.
    """
    symbols = np.asarray(symbols)
    cat = symbols == settings.cation
    if metal is not None:
        cat &= ~metal
    an = symbols == settings.anion
    cut = settings.free_anion_cutoff_A
    if cut and an.any():
        binder = ~np.isin(symbols, list(ALKALI | {settings.anion}))
        if binder.any():
            an &= ~contact_mask(positions, cell, an, binder, cut)
    ions = np.flatnonzero(cat | an)
    return ions, cat[ions]


def detect_frame(frame: Frame, settings: NucleationSettings = NucleationSettings(),
                 metal: np.ndarray | None = None) -> FrameNuclei:
    """Crystalline ions, clusters and nuclei of one frame.

    Parameters
    ----------
    frame : Frame
        Needs positions; a frame without a cell is treated as non-periodic.
    settings : NucleationSettings
    metal : ndarray of bool (N,), optional
        Electrode metal atoms: excluded from the ions and used for ``on_electrode``.

    Returns
    -------
    FrameNuclei

    Notes
    -----
    O(N) for the neighbour searches and order parameters; O(M log M) per nucleus of
    M ions for the hull. About 0.1 s for a 100k-atom frame with 22k ions and four
    nuclei of ~1000 ions (benchmarks/bench_nucleation.py).
    """
    if frame.positions is None:
        raise ConfigError(f"{frame.source or 'frame'} {frame.index}: nucleation analysis needs positions")
    if metal is not None:
        metal = np.asarray(metal, dtype=bool)
        if metal.shape != (frame.n_atoms,):
            raise ConfigError(f"metal mask has shape {metal.shape}, the frame has {frame.n_atoms} atoms")
    s = settings
    positions, cell, shift = _cell_of(frame, max(s.cutoff_A, s.electrode_contact_A, s.free_anion_cutoff_A or 0.0))
    ions, is_cation = select_ions(frame.symbols, positions, cell, s, metal)
    ipos = positions[ions]
    shells = ion_shells(ipos, cell, is_cation, s.cutoff_A)
    qlm = steinhardt_qlm(shells, s.l)
    _, solid = solid_bonds(shells, qlm, s.q_threshold)
    n = len(ions)
    n_solid = np.bincount(shells.i[solid], minlength=n) + np.bincount(shells.j[solid], minlength=n)
    depth = growth_depth(shells, crystalline_ions(shells, solid, s.solid_threshold), s.growth_min_neighbors)
    crystalline = depth >= 0
    clusters = components(n, shells.i, shells.j)
    crystals = components(n, shells.i, shells.j, crystalline)
    ql = steinhardt_ql(qlm)
    time_ps = float(frame.time_ps) if frame.time_ps is not None else float("nan")
    nuclei = _nuclei(s, crystals, shells, depth, ql, ions, is_cation, ipos, positions, cell, shift, metal)
    return FrameNuclei(frame=frame.index, time_ps=time_ps, ions=ions, is_cation=is_cation, ql=ql,
                       n_solid=n_solid.astype(np.int64), crystalline=crystalline, clusters=clusters,
                       crystals=crystals, nuclei=nuclei)


def _nuclei(s: NucleationSettings, crystals: Components, shells, depth: np.ndarray, ql: np.ndarray,
            ions: np.ndarray, is_cation: np.ndarray, ipos: np.ndarray, positions: np.ndarray, cell: np.ndarray,
            shift: np.ndarray | None, metal: np.ndarray | None) -> list[Nucleus]:
    """Composition, position, contact, orientation and facets of every reported nucleus."""
    n_nuc = int(np.count_nonzero(crystals.sizes >= s.min_nucleus))
    if n_nuc == 0:
        return []
    n = len(ions)
    crystalline = depth >= 0
    unwrapped = unwrap_components(ipos, crystals, shells.i, shells.j, shells.vectors)
    inner = crystalline[shells.i] & crystalline[shells.j] & (crystals.labels[shells.i] == crystals.labels[shells.j])
    inner_cn = np.bincount(shells.i[inner], minlength=n) + np.bincount(shells.j[inner], minlength=n)
    touching = None
    if metal is not None:
        query = np.zeros(len(positions), dtype=bool)
        query[ions[crystals.labels >= 0]] = True
        touching = contact_mask(positions, cell, query, metal, s.electrode_contact_A)[ions]
    out = []
    gap = unwrapped[shells.j[inner]] - unwrapped[shells.i[inner]] - shells.vectors[inner]
    wrapped_bonds = np.linalg.norm(gap, axis=1) > 1e-6
    percolating = np.zeros(crystals.n, dtype=bool)
    percolating[crystals.labels[shells.i[inner][wrapped_bonds]]] = True
    bond_label = np.where(inner, crystals.labels[shells.i], -1)
    bond_order = np.argsort(bond_label, kind="stable")
    bond_start = np.searchsorted(bond_label[bond_order], np.arange(n_nuc + 1))
    members = crystals.member_lists()
    for k in range(n_nuc):
        idx = members[k]
        pts = unwrapped[idx] if shift is None else unwrapped[idx] + shift
        vecs = shells.vectors[bond_order[bond_start[k]:bond_start[k + 1]]]
        rot, spread = lattice_orientation(vecs)
        rot = canonical_orientation(rot)
        surface = inner_cn[idx] < 6
        facets = None
        if len(idx) >= s.facet_min_size and not percolating[k]:
            hull_mask = None if s.hull_max_growth_depth is None else depth[idx] <= s.hull_max_growth_depth
            facets = nucleus_facets(pts, rot, s.facet_tolerance_deg, s.coplanar_deg, surface, hull_mask,
                                    s.facet_absorb_deg)
            if facets is not None:
                surface = facets.surface
        out.append(Nucleus(
            label=k, atoms=ions[idx], positions=pts, is_cation=is_cation[idx],
            centroid=pts.mean(axis=0) if shift is not None else wrap_positions(pts.mean(axis=0), cell)[0],
            on_electrode=None if touching is None else bool(touching[idx].any()), percolating=bool(percolating[k]),
            q_mean=float(ql[idx].mean()), surface=surface, rotation=rot, spread_deg=spread, facets=facets))
    return out


def _metal_stream(metal: MetalInput) -> Callable[[Frame], np.ndarray | None]:
    if metal is None:
        return lambda frame: None
    if callable(metal):
        return metal
    if isinstance(metal, np.ndarray) and metal.dtype == bool and metal.ndim == 1:
        return lambda frame: metal
    it = iter(metal)

    def next_mask(frame: Frame) -> np.ndarray:
        try:
            return np.asarray(next(it), dtype=bool)
        except StopIteration:
            raise ConfigError(f"metal masks ran out before the frames (at frame {frame.index})") from None
    return next_mask


@dataclass(frozen=True)
class NucleationResults:
    """Tables of a nucleation analysis (columns in :mod:`seinet.nucleation.columns`).

    Attributes
    ----------
    nucleation : DataFrame
        One row per frame: n_max(t), number of nuclei, crystalline ions, clusters.
    nuclei : DataFrame
        One row per nucleus and frame, with the tracked ``nucleus_id``.
    facets : DataFrame
        One row per analysed nucleus, frame and facet family ({100}, {110}, {111}, other).
    events : DataFrame
        Births, deaths, splits and merges of tracked nuclei.
    settings : dict
    """

    nucleation: pd.DataFrame
    nuclei: pd.DataFrame
    facets: pd.DataFrame
    events: pd.DataFrame
    settings: dict

    def tracks(self) -> pd.DataFrame:
        """One row per tracked nucleus with its growth rate (:func:`~seinet.nucleation.tracking.nucleus_tracks`)."""
        return nucleus_tracks(self.nuclei, self.events)

    def to_dataframe(self, table: str = "nucleation") -> pd.DataFrame:
        """One table by name: nucleation, nuclei, facets, events or tracks."""
        if table == "tracks":
            return self.tracks()
        if table not in ("nucleation", "nuclei", "facets", "events"):
            raise ConfigError(f"unknown nucleation table {table!r}; use nucleation, nuclei, facets, events, tracks")
        return getattr(self, table)

    def write(self, run_dir) -> list[Path]:
        """Write nucleation.csv, nuclei.csv, facets.csv, nucleus_events.csv and nucleus_tracks.csv."""
        run_dir = Path(run_dir)
        run_dir.mkdir(parents=True, exist_ok=True)
        out = []
        for name, df in (("nucleation", self.nucleation), ("nuclei", self.nuclei), ("facets", self.facets),
                         ("nucleus_events", self.events), ("nucleus_tracks", self.tracks())):
            path = run_dir / f"{name}.csv"
            df.to_csv(path, index=False, float_format="%.6g")
            out.append(path)
        return out


class NucleationAnalysis:
    """Streaming nucleation analysis: detection per frame, then tracking and tables in frame order.

    Parameters
    ----------
    settings : NucleationSettings

    Examples
    --------
    In a loop that already holds each frame (e.g. beside species detection)::

        nuc = NucleationAnalysis(NucleationSettings())
        for frame in frames:
            nuc.update(frame, metal=mask)       # or nuc.add(detect_frame(...)) from a worker
        results = nuc.results()

    Notes
    -----
    :func:`detect_frame` is independent per frame and can run on workers;
    :meth:`add` must then receive the detections in frame order (tracking is sequential).
    """

    def __init__(self, settings: NucleationSettings = NucleationSettings()) -> None:
        self.settings = settings
        self._tracker = NucleusTracker()
        self._summary: list[dict] = []
        self._nuclei_rows: list[tuple] = []
        self._facet_rows: list[tuple] = []
        self._last_rot: dict[int, np.ndarray] = {}

    def update(self, frame: Frame, metal: np.ndarray | None = None) -> FrameNuclei:
        """Detect the nuclei of ``frame`` and add them; returns the detection."""
        res = detect_frame(frame, self.settings, metal)
        self.add(res)
        return res

    def add(self, res: FrameNuclei) -> None:
        """Track the nuclei of one detected frame and append its table rows."""
        self._summary.append(res.summary())
        ids = self._tracker.update(res.frame, res.time_ps, [nu.atoms for nu in res.nuclei])
        rot_now = {}
        for nid, nu in zip(ids.tolist(), res.nuclei):
            prev = self._last_rot.get(nid)
            rot_now[nid] = nu.rotation
            quat = rotation_to_quaternion(nu.rotation)
            self._nuclei_rows.append((
                res.frame, res.time_ps, nid, nu.size, int(nu.is_cation.sum()), int((~nu.is_cation).sum()),
                *map(float, nu.centroid), pd.NA if nu.on_electrode is None else nu.on_electrode, nu.percolating,
                nu.q_mean, int(nu.surface.sum()), *map(float, quat), nu.spread_deg,
                misorientation_deg(prev, nu.rotation) if prev is not None else float("nan")))
            if nu.facets is not None:
                areas, counts, total = nu.facets.family_areas(), nu.facets.family_counts(), nu.facets.total_area
                for fam in FAMILIES:
                    self._facet_rows.append((res.frame, res.time_ps, nid, fam, counts[fam], areas[fam],
                                             areas[fam] / total if total > 0 else float("nan")))
        self._last_rot = rot_now

    def run(self, frames: Iterable[Frame], metal: MetalInput = None, progress: bool = False) -> NucleationResults:
        """Analyse every frame of ``frames`` (see :func:`analyze_nucleation`) and return the results."""
        metal_of = _metal_stream(metal)
        if progress:
            from tqdm.auto import tqdm
            frames = tqdm(frames, desc="nucleation", unit="frame")
        for frame in frames:
            self.update(frame, metal_of(frame))
        return self.results()

    def results(self) -> NucleationResults:
        """Tables of the frames added so far."""
        logger.info("nucleation: %d frames, largest nucleus %d ions", len(self._summary),
                    max((r["n_max"] for r in self._summary), default=0))
        nucleation = pd.DataFrame(self._summary, columns=NUCLEATION_COLUMNS)
        nuclei = pd.DataFrame(self._nuclei_rows, columns=NUCLEI_COLUMNS)
        nuclei["on_electrode"] = nuclei["on_electrode"].astype("boolean")
        facets = pd.DataFrame(self._facet_rows, columns=FACET_COLUMNS)
        tracker = self._tracker
        events = tracker.events_dataframe() if tracker.events else pd.DataFrame(columns=EVENT_COLUMNS)
        return NucleationResults(nucleation=nucleation, nuclei=nuclei, facets=facets, events=events,
                                 settings=self.settings.to_dict())


def analyze_nucleation(frames: Iterable[Frame], settings: NucleationSettings = NucleationSettings(),
                       metal: MetalInput = None, progress: bool = False) -> NucleationResults:
    """Detect, characterise and track NaF nuclei over a stream of frames.

    Parameters
    ----------
    frames : iterable of Frame
    settings : NucleationSettings
    metal : ndarray of bool, callable or iterable, optional
        Electrode metal atoms: one mask for every frame, a function of the frame
        (e.g. ``lambda f: partitioner.partition(f).state == STATE_METAL``), or one
        mask per frame.
    progress : bool
        Show a progress bar.

    Returns
    -------
    NucleationResults

    Notes
    -----
    Frames are analysed one at a time (memory independent of their number); cost
    is that of :func:`detect_frame` per frame plus O(A log A) tracking.
    ``NucleationAnalysis(settings).run(frames, metal)`` is the same.
    """
    return NucleationAnalysis(settings).run(frames, metal, progress)
