"""Interface, SEI, sodium inventory, gases and solvation of a trajectory: the stage behind them in ``seinet analyze``.

:class:`InterfaceAnalysis` takes the partitions of the species stage one frame at
a time (it is the analysis' sink, like the membership writer), so it adds no
second pass over the file and keeps only per-frame rows: O(frames) small rows,
never N x frames. Per frame it computes the fractional coordinates once, the
electrode (:mod:`.electrode`), every unit's centroid and signed distance from the
surface, and hands them to the transport, SEI and inventory tracks and the
solvation stream. In a frame where no electrode is found (the slab dissolved
below ``min_electrode_atoms``, or metal fills the cell) distances are measured from
the last electrode found (``reference_frame`` in electrode.csv): the former
surface stays the reference plane of the SEI instead of the tables going blank.
Frames before the first electrode have no distances. :meth:`InterfaceAnalysis.finish` turns them into tables with the
run's published species ids and labels, and adds what needs the whole run (gases
from species_counts, sodium loss from the redox events).

From Python on its own::

    from seinet.interface import analyze_interface
    res = analyze_interface("dump.xyz")          # runs the species stage too
    res.sei, res.inventory, res.transport        # DataFrames
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..elements import ALKALI
from ..solvation.columns import ROLE_ANION, ROLE_OTHER, ROLE_SOLVENT
from ..solvation.stream import SolvationStream
from .electrode import Electrode, find_electrode, fractional, largest_gap_axis
from .gases import gas_table
from .groups import DEFAULT_TRANSPORT_GROUPS, group_matches
from .inventory import InventoryTrack, sodium_loss
from .sei import SEI_INORGANIC, SEI_NONE, SEI_ORGANIC, SeiTrack
from .transport import TransportProfile

__all__ = ["InterfaceSettings", "InterfaceAnalysis", "InterfaceResults", "analyze_interface", "ELECTRODE_COLUMNS"]

log = logging.getLogger(__name__)

STATE_METAL, STATE_ION = 1, 2
ELECTRODE_COLUMNS = ["frame", "time_ps", "electrode", "axis", "n_metal", "n_electrode", "top_A", "bottom_A",
                     "thickness_A", "roughness_top_A", "roughness_bottom_A", "reference_frame"]


@dataclass(frozen=True)
class InterfaceSettings:
    """Settings of the interface stage (written to manifest.json; defaults explained in docs/interface.md).

    Parameters
    ----------
    normal_axis : int or None
        Cell axis of the surface normal; None picks, at the first frame with metal,
        the axis along which the metal leaves the widest gap.
    gap_A, min_electrode_atoms, grid_A
        Electrode detection (:func:`~seinet.interface.electrode.find_electrode`).
    transport_groups : tuple of str
        Groups of the transport diagrams (:mod:`~seinet.interface.groups`).
    bin_A : float
        Distance bin of the transport diagrams.
    sei_max_distance_A, sei_thickness_quantile
        SEI region and thickness (:mod:`~seinet.interface.sei`).
    rdf_pairs, rdf_r_max_A, rdf_bins, rdf_every
        Radial distribution functions (centre: alkali ions).
    residence_max_lag : int
        Longest lag (frames) of the residence correlation.
    """

    normal_axis: int | None = None
    gap_A: float = 4.0
    min_electrode_atoms: int = 8
    grid_A: float = 7.0
    transport_groups: tuple[str, ...] = DEFAULT_TRANSPORT_GROUPS
    bin_A: float = 1.0
    sei_max_distance_A: float = 8.0
    sei_thickness_quantile: float = 0.95
    rdf_pairs: tuple[tuple[str, str], ...] = (("Na", "O"), ("Na", "F"))
    rdf_r_max_A: float = 8.0
    rdf_bins: int = 160
    rdf_every: int = 1
    residence_max_lag: int = 200

    def as_dict(self) -> dict:
        d = asdict(self)
        d["transport_groups"] = list(self.transport_groups)
        d["rdf_pairs"] = ["-".join(p) for p in self.rdf_pairs]
        return d


class _SpeciesTables:
    """Per-species arrays (group membership, SEI class, solvation role) by internal id, grown as species appear."""

    def __init__(self, info: Callable[[int], object], groups) -> None:
        self.info = info
        self.groups = list(groups)
        self.member = np.zeros((len(self.groups), 0), dtype=bool)
        self.sei = np.zeros(0, dtype=np.int8)
        self.role = np.zeros(0, dtype=np.int8)

    def ensure(self, max_id: int) -> None:
        start = self.sei.shape[0]
        if max_id < start:
            return
        new = range(start, max_id + 1)
        infos = [self.info(s) for s in new]
        member = np.array([[group_matches(g, i.name, i.label, i.klass, i.kind, i.formula) for i in infos]
                           for g in self.groups], dtype=bool).reshape(len(self.groups), len(infos))
        sei = np.array([SEI_INORGANIC if i.klass == "inorganic SEI" else SEI_ORGANIC if i.klass == "organic SEI"
                        else SEI_NONE for i in infos], dtype=np.int8)
        role = np.array([ROLE_ANION if (i.klass == "salt anion" or i.charge < 0) else
                         ROLE_SOLVENT if i.klass == "solvent" else ROLE_OTHER for i in infos], dtype=np.int8)
        self.member = np.concatenate([self.member, member], axis=1)
        self.sei = np.concatenate([self.sei, sei])
        self.role = np.concatenate([self.role, role])

    def role_of(self, ids: np.ndarray) -> np.ndarray:
        ids = np.asarray(ids, dtype=np.int64)
        out = np.full(len(ids), ROLE_OTHER, dtype=np.int8)
        ok = ids >= 0
        if ok.any():
            self.ensure(int(ids[ok].max()))
            out[ok] = self.role[ids[ok]]
        return out


@dataclass(frozen=True)
class InterfaceResults:
    """Tables of the interface stage (each also written to the run directory by :meth:`write`).

    Attributes
    ----------
    electrode : DataFrame
        electrode.csv (:data:`ELECTRODE_COLUMNS`); ``electrode`` False in frames without one.
    transport : DataFrame
        transport.parquet (:data:`~seinet.interface.transport.TRANSPORT_COLUMNS`).
    sei, sei_composition, inventory, gases, solvation, rdf, residence : DataFrame
    summary : dict
        Headline numbers (manifest.json ``interface``).
    """

    electrode: pd.DataFrame
    transport: pd.DataFrame
    sei: pd.DataFrame
    sei_composition: pd.DataFrame
    inventory: pd.DataFrame
    gases: pd.DataFrame
    solvation: pd.DataFrame
    rdf: pd.DataFrame
    residence: pd.DataFrame
    summary: dict = field(default_factory=dict)

    def write(self, out: str | Path) -> list[str]:
        """Write the tables and figures into ``out``; returns the file names written."""
        from ..plot.interface import plot_interface

        out = Path(out)
        written = []
        has_electrode = bool(len(self.electrode)) and bool(self.electrode["electrode"].any())
        tables = {"gases.csv": self.gases}
        if has_electrode:
            tables.update({"electrode.csv": self.electrode, "sei.csv": self.sei,
                           "sei_composition.csv": self.sei_composition})
        if len(self.inventory) and (self.inventory[["metal", "ion_electrolyte", "ion_sei"]].to_numpy().sum() > 0):
            tables["na_inventory.csv"] = self.inventory
        if len(self.solvation) and (self.solvation["n_ions"] > 0).any():
            tables.update({"solvation.csv": self.solvation, "rdf.csv": self.rdf, "residence.csv": self.residence})
        for name, df in tables.items():
            df.to_csv(out / name, index=False)
            written.append(name)
        if has_electrode:
            self.transport.to_parquet(out / "transport.parquet", index=False)
            written.append("transport.parquet")
        (out / "figures").mkdir(exist_ok=True)
        written += [f"figures/{p}" for p in plot_interface(self, out / "figures")]
        return written


class InterfaceAnalysis:
    """Streaming interface stage: call :meth:`add` with every FramePartition, then :meth:`finish`.

    Parameters
    ----------
    settings : InterfaceSettings
    species_info : callable
        ``species_info(internal_id) -> SpeciesInfo`` (the run's catalogue), read while frames stream.
    """

    def __init__(self, settings: InterfaceSettings = InterfaceSettings(),
                 species_info: Callable[[int], object] | None = None) -> None:
        self.settings = settings
        self._species = _SpeciesTables(species_info, settings.transport_groups) if species_info else None
        self.transport = TransportProfile(settings.transport_groups, settings.bin_A)
        self.sei = SeiTrack(settings.sei_max_distance_A, settings.sei_thickness_quantile)
        self.inventory = InventoryTrack()
        self.solvation: SolvationStream | None = None
        self._axis = settings.normal_axis
        self._electrode_rows: list[tuple] = []
        self._reference: tuple[int, Electrode] | None = None  # (frame, electrode) distances are measured from
        self._alkali: np.ndarray | None = None
        self.n_frames = 0
        self.n_without_geometry = 0

    def __call__(self, part) -> None:
        self.add(part)

    def add(self, part) -> None:
        """Add one frame (:class:`~seinet.species.partition.FramePartition` with positions, cell and symbols)."""
        if self._species is None:
            raise RuntimeError("InterfaceAnalysis needs species_info (the run's catalogue)")
        self.n_frames += 1
        s = self.settings
        t = np.nan if part.time_ps is None else float(part.time_ps)
        if self._alkali is None:
            symbols = np.asarray(part.symbols)
            self._alkali = np.isin(symbols, list(ALKALI))
            self.solvation = SolvationStream(symbols, self._species.role_of, s.rdf_pairs, s.rdf_r_max_A, s.rdf_bins,
                                             s.rdf_every)
        self.solvation.add(part)
        state = np.asarray(part.state)
        metal = np.flatnonzero((state == STATE_METAL) & self._alkali)
        ions = (state == STATE_ION) & self._alkali
        if part.positions is None or part.cell is None:
            self.n_without_geometry += 1
            self.inventory.add(part.frame, t, len(metal), 0, int(ions.sum()), 0)
            return
        frac = fractional(part.positions, part.cell)
        if self._axis is None and len(metal) >= s.min_electrode_atoms:
            self._axis = largest_gap_axis(frac[metal], part.cell)
        found = None
        if len(metal) >= s.min_electrode_atoms:
            found = find_electrode(frac, metal, part.cell, self._axis, s.gap_A, s.min_electrode_atoms, s.grid_A)
        if found is not None:
            self._reference = (part.frame, found)
        self._electrode_row(part.frame, t, len(metal), found)
        if self._reference is None:  # no electrode yet: nothing to measure distances from
            self.inventory.add(part.frame, t, len(metal), 0, int(ions.sum()), 0)
            return
        electrode = self._reference[1]
        n_electrode = found.n_atoms if found is not None else 0
        unit = np.asarray(part.unit, dtype=np.int64)
        n = len(unit)
        reps = np.flatnonzero(unit == np.arange(n))
        size = np.bincount(unit, minlength=n)
        d = frac - frac[unit]
        d -= np.round(d)
        centre = frac[reps] + np.stack([np.bincount(unit, d[:, k], n)[reps] for k in range(3)], axis=1) / size[reps, None]
        dist = electrode.distance(centre)
        sid = np.asarray(part.unit_species, dtype=np.int64)[reps]
        self._species.ensure(int(sid.max()))
        member = self._species.member[:, sid]
        other = [k for k in range(3) if k != electrode.axis]
        area = float(np.linalg.norm(np.cross(part.cell[other[0]], part.cell[other[1]])))
        self.transport.add(part.frame, t, member, dist, area)
        cls = self._species.sei[sid]
        in_sei = self.sei.select(cls, dist)
        sei_rep = np.zeros(n, dtype=bool)
        sei_rep[reps[in_sei]] = True
        sei_atoms = np.flatnonzero(sei_rep[unit])
        self.sei.add(part.frame, t, in_sei, cls, sid, size[reps], electrode.distance(frac[sei_atoms]))
        ion_sei = int((ions & sei_rep[unit]).sum())
        self.inventory.add(part.frame, t, len(metal), n_electrode, int(ions.sum()) - ion_sei, ion_sei)

    def _electrode_row(self, frame: int, t: float, n_metal: int, e: Electrode | None) -> None:
        ref = -1 if self._reference is None else self._reference[0]
        if e is None:
            self._electrode_rows.append((frame, t, False, -1 if self._axis is None else self._axis, n_metal, 0,
                                         *[np.nan] * 5, ref))
            return
        top, bottom = e.surface_heights()
        self._electrode_rows.append((frame, t, True, e.axis, n_metal, e.n_atoms, round(top, 4), round(bottom, 4),
                                     round(e.thickness_A, 4), round(e.roughness_top_A, 4),
                                     round(e.roughness_bottom_A, 4), ref))

    def finish(self, species: pd.DataFrame, id_map: np.ndarray, counts: pd.DataFrame,
               events: pd.DataFrame | None = None) -> InterfaceResults:
        """Tables with published species labels, gases and sodium loss.

        Parameters
        ----------
        species, id_map, counts
            From :class:`~seinet.species.analysis.SpeciesResults` (species.csv, internal -> published
            ids, species_counts).
        events : DataFrame, optional
            events.csv (redox rows give deposition and loss); without it those columns are absent.
        """
        from ..species.catalogue import species_labels

        labels = np.asarray(species_labels(species).tolist(), dtype=object)
        electrode = pd.DataFrame(self._electrode_rows, columns=ELECTRODE_COLUMNS)
        inventory = self.inventory.table()
        if events is not None:
            inventory = sodium_loss(inventory, events)
        solvation = self.solvation.summary() if self.solvation else pd.DataFrame()
        rdf = self.solvation.rdf_table() if self.solvation else pd.DataFrame()
        residence, tau = self.solvation.residence(self.settings.residence_max_lag) if self.solvation else (None, {})
        sei = self.sei.table()
        summary = {"settings": self.settings.as_dict(),
                   "frames_with_electrode": int(electrode["electrode"].sum()) if len(electrode) else 0,
                   "frames_without_geometry": self.n_without_geometry,
                   "residence_time_ps": {k: (None if not np.isfinite(v) else round(v, 4)) for k, v in tau.items()}}
        if len(electrode) and not electrode["electrode"].any():
            summary["note"] = "no metal electrode found in any frame (no metal region with a gap around it)"
            log.info("interface: %s", summary["note"])
        if len(sei):
            last = sei.iloc[-1]
            summary["final_sei"] = {"thickness_A": _num(last["thickness_A"]), "inorganic": int(last["inorganic"]),
                                    "organic": int(last["organic"]), "ratio": _num(last["ratio"])}
        if "lost" in inventory and len(inventory):
            summary["sodium_lost"] = int(inventory["lost"].iloc[-1])
            summary["sodium_lost_fraction"] = _num(inventory["lost_fraction"].iloc[-1])
        return InterfaceResults(
            electrode=electrode, transport=self.transport.table(), sei=sei,
            sei_composition=self.sei.composition(lambda ids: labels[id_map[ids]]), inventory=inventory,
            gases=gas_table(counts, species), solvation=solvation, rdf=rdf,
            residence=residence if residence is not None else pd.DataFrame(), summary=summary)


def _num(x):
    x = float(x)
    return None if not np.isfinite(x) else round(x, 6)


def analyze_interface(sources, settings: InterfaceSettings = InterfaceSettings(), species_settings=None,
                      events=None) -> InterfaceResults:
    """Run the species stage and the interface stage on a trajectory; no files written.

    Parameters
    ----------
    sources : path, sequence of paths, or MDAnalysis Universe
    settings : InterfaceSettings
    species_settings : AnalysisSettings, optional
    events : EventSettings, optional
        When given, redox events are extracted too and sodium loss is computed.

    Returns
    -------
    InterfaceResults
    """
    from ..reactions import EventExtractor
    from ..species.analysis import AnalysisSettings, SpeciesAnalysis
    from ..species.catalogue import species_labels

    holder: list = []
    stage = InterfaceAnalysis(settings, species_info=lambda sid: holder[0].catalogue.species[sid])
    extractor = EventExtractor(events) if events is not None else None

    def sink(part) -> None:
        stage.add(part)
        if extractor is not None:
            extractor.update_partition(part)

    analysis = SpeciesAnalysis(sources, species_settings or AnalysisSettings(), sink=sink)
    holder.append(analysis)
    res = analysis.run().results
    table = None
    if extractor is not None:
        labels = species_labels(res.species).tolist()
        table = extractor.finish(lambda sid: labels[res.id_map[sid]])
    return stage.finish(res.species, res.id_map, res.counts, table)
