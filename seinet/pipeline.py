"""``seinet analyze`` as a Python function: trajectory in, run directory out.

The module is ``seinet.pipeline`` and not ``seinet.analyze``: a submodule of that name
would replace the function ``seinet.analyze`` on the package the moment anything
imported it (it did, through ``seinet.compare``, and ``seinet.analyze(...)`` became
"'module' object is not callable").

>>> from seinet import analyze
>>> results = analyze("dump.xyz.gz", "RUN")      # doctest: +SKIP
"""

from __future__ import annotations

import json
import logging
import os
import platform
import time
from pathlib import Path

import numpy as np

from . import __version__
from .interface import InterfaceAnalysis, InterfaceSettings
from .io import detect_format
from .nucleation import NucleationSettings, NucleationStage, write_nucleation
from .plot import plot_species_evolution
from .reactions import EventExtractor, EventSettings, reactions_table, reverse_key
from .reactions.geometry import RecentFrames
from .run import MembershipWriter, RunDirectory, sha256_of
from .species.catalogue import species_labels
from .species.analysis import AnalysisSettings, SpeciesAnalysis, SpeciesResults

__all__ = ["analyze", "write_tables"]

log = logging.getLogger(__name__)


def _input_record(src, settings: AnalysisSettings) -> dict:
    if hasattr(src, "trajectory"):
        return {"path": "<MDAnalysis.Universe>", "format": "mdanalysis"}
    path = os.fspath(src)
    return {"path": os.path.abspath(path),
            "format": settings.format if settings.format != "auto" else detect_format(path),
            "size_bytes": os.path.getsize(path), "sha256": sha256_of(path)}


def write_tables(results: SpeciesResults, out: Path) -> None:
    """species.csv, species_counts.csv/.parquet, fragment_counts.parquet, figures/."""
    results.species.to_csv(out / "species.csv", index=False)
    results.counts.to_csv(out / "species_counts.csv", index=False)
    results.counts.to_parquet(out / "species_counts.parquet", index=False)
    results.fragment_counts.to_parquet(out / "fragment_counts.parquet", index=False)
    results.cells.to_csv(out / "cells.csv", index=False)
    if len(results.skipped):
        results.skipped.to_csv(out / "skipped_frames.csv", index=False)
    (out / "figures").mkdir(exist_ok=True)
    plot_species_evolution(results.counts, results.species, out / "figures" / "species_evolution.png")


def _with_reaction_ids(events, reactions):
    """events.csv gains ``reaction_id`` (its reaction in reactions.csv, either direction; -1 for
    Na redox events) and ``direction`` (forward or reverse), right after ``time_ps``."""
    forward = dict(zip(reactions["reaction_key"], reactions["reaction_id"]))
    reverse = {reverse_key(k): i for k, i in forward.items()}
    ids = [forward.get(k, reverse.get(k, -1)) for k in events["reaction_key"]]
    direction = ["forward" if k in forward else "reverse" if k in reverse else "" for k in events["reaction_key"]]
    events = events.copy()
    at = events.columns.get_loc("time_ps") + 1
    events.insert(at, "reaction_id", ids)
    events.insert(at + 1, "direction", direction)
    return events


def _with_names(reactions, species):
    """reactions.csv gains ``equation_names``: the equation with common names (EC, C2H4, PF6-)."""
    from .network.model import parse_reaction_key

    name_of = dict(zip(species_labels(species), species["name"]))

    def side(counter) -> str:
        return " + ".join(f"{n} {name_of.get(lab, lab)}" if n > 1 else name_of.get(lab, lab)
                          for lab, n in sorted(counter.items()))

    names = []
    for key in reactions["reaction_key"]:
        left, right = parse_reaction_key(key)
        names.append(f"{side(left)} -> {side(right)}")
    out = reactions.copy()
    out.insert(out.columns.get_loc("equation") + 1 if "equation" in out else len(out.columns), "equation_names", names)
    return out


def write_reactions(results: SpeciesResults, events, out: Path) -> dict:
    """events.csv, reactions.csv (with mass-action rate constants), network.graphml/.json, figures/network.*,
    figures/reaction_timeline.png and figures/structures/species_<id>.svg (RDKit drawings of molecules)."""
    from .network import build_network, export, rate_constants, species_projection
    from .plot.reactions import plot_reaction_timeline
    from .plot.structures import structure_svg

    reactions = reactions_table(events[events["kind"] == "reaction"])
    events = _with_reaction_ids(events, reactions)
    reactions = _with_names(reactions, results.species)
    events.to_csv(out / "events.csv", index=False)
    plot_reaction_timeline(events, out / "figures" / "reaction_timeline.png")
    drawings = out / "figures" / "structures"
    drawings.mkdir(exist_ok=True)
    for sid, smiles, kind in results.species[["species_id", "smiles", "kind"]].itertuples(index=False):
        if kind == "molecule":  # aggregates and single ions need no drawing
            svg = structure_svg(smiles)
            if svg:
                (drawings / f"species_{sid}.svg").write_text(svg)
    cells = results.cells
    counts = results.fragment_counts  # reactions are covalent: anions inside aggregates count
    if len(reactions) and not cells.empty and len(counts) > 1 and counts["time_ps"].notna().all():
        reactions = rate_constants(reactions, counts, float(cells["volume_A3"].mean()))
    reactions.to_csv(out / "reactions.csv", index=False)
    graph = build_network(results.species, reactions)
    export(graph, out / "network.graphml", "graphml")
    export(graph, out / "network.json", "json")
    if len(reactions):
        from .network import plot_network

        projection = species_projection(graph)
        for ext in ("svg", "png"):
            plot_network(projection, out / "figures" / f"network.{ext}")
    return {"n_reactions": len(reactions)}


def analyze(sources, out: str | os.PathLike, settings: AnalysisSettings = AnalysisSettings(), *,
            overwrite: bool = False, progress: bool = False, membership: bool = True,
            events: EventSettings = EventSettings(),
            interface: InterfaceSettings | None = InterfaceSettings(),
            nucleation: NucleationSettings | None = NucleationSettings(),
            surface_energies: dict | None = None) -> SpeciesResults:
    """Detect species and write the run directory ``out`` atomically.

    Parameters
    ----------
    sources : path, sequence of paths, or MDAnalysis Universe
    out : path
        Run directory to create (must not exist unless ``overwrite``).
    settings : AnalysisSettings
    overwrite : bool
    progress : bool
    membership : bool
        Write membership.parquet (per-atom, per-frame), needed by later stages.
    events : EventSettings
        Reaction-event noise control (lifetime window); events.csv, reactions.csv and
        the network files are written from them.
    interface : InterfaceSettings or None
        Electrode, transport, SEI, sodium inventory, gases and solvation tables
        (:mod:`seinet.interface`); None skips them.
    nucleation : NucleationSettings or None
        NaF nuclei, facets and the Wulff comparison (:mod:`seinet.nucleation`) when the
        system has Na and F; None skips them.
    surface_energies : dict, optional
        gamma(hkl) of NaF in J/m^2 by family ("100", "110", "111") for the Wulff prediction;
        default the NEP89 values (docs/wulff.md).

    Returns
    -------
    SpeciesResults
    """
    t0 = time.perf_counter()
    if isinstance(sources, (str, os.PathLike)) or hasattr(sources, "trajectory"):
        sources = [sources]
    with RunDirectory(out, overwrite=overwrite) as tmp:
        writer = MembershipWriter(tmp / "membership.parquet") if membership else None
        extractor = EventExtractor(events)
        recent = RecentFrames(depth=4 * events.tau + 4)
        extractor.on_event = recent  # centroid and electrode distance of each event
        analysis = SpeciesAnalysis(sources, settings, progress=progress)
        stage = None
        if interface is not None:
            stage = InterfaceAnalysis(interface, species_info=lambda sid: analysis.catalogue.species[sid])

        nuclei: list[NucleationStage] = []

        def sink(part) -> None:
            recent.add(part)
            extractor.update_partition(part)
            if stage is not None:
                stage.add(part)
            if nucleation is not None:
                if not nuclei and part.symbols is not None and {"Na", "F"} <= set(np.unique(part.symbols)):
                    nuclei.append(NucleationStage(nucleation))
                if nuclei:
                    nuclei[0].add(part)
            if writer is not None:
                writer(part)

        analysis.sink = sink
        try:
            results = analysis.run().results
        except BaseException:
            if writer is not None:
                writer.abort()
            raise
        if writer is not None:
            writer.finalize(results.id_map)
        write_tables(results, tmp)
        labels = species_labels(results.species).tolist()
        event_table = extractor.finish(lambda sid: labels[results.id_map[sid]])
        reaction_info = write_reactions(results, event_table, tmp)
        interface_info = None
        if stage is not None:
            found = stage.finish(results.species, results.id_map, results.counts, event_table)
            found.write(tmp)
            interface_info = found.summary
        nucleation_info = None
        if nuclei and nuclei[0].n_frames:
            nucleation_info = write_nucleation(nuclei[0].results(), tmp, nuclei[0].largest, surface_energies,
                                               None if surface_energies is None else "user")
        cells = results.cells
        manifest = {
            "seinet_version": __version__,
            "created_by": "seinet analyze",
            "inputs": [_input_record(s, settings) for s in sources],
            "n_atoms": results.n_atoms,
            "n_frames": results.n_frames,
            "elements": {str(e): int(c) for e, c in zip(*np.unique(results.symbols, return_counts=True))},
            "time_ps": {"first": _num(results.counts["time_ps"].iloc[0]),
                        "last": _num(results.counts["time_ps"].iloc[-1])},
            "timestep_fs": settings.timestep_fs,
            "cell": None if cells.empty else {
                "first_lengths_A": [float(cells[c].iloc[0]) for c in ("a_A", "b_A", "c_A")],
                "volume_A3_min": float(cells["volume_A3"].min()),
                "volume_A3_max": float(cells["volume_A3"].max()),
                "variable": bool(cells["volume_A3"].nunique() > 1)},
            "n_species": len(results.species),
            "skipped_frames": {"n": int(len(results.skipped)),
                               "file": "skipped_frames.csv" if len(results.skipped) else None},
            "settings": settings.as_dict(),
            "events": {"settings": events.as_dict(), **{k: int(v) for k, v in extractor.stats.items()},
                       **reaction_info},
            "interface": interface_info,
            "nucleation": nucleation_info,
            "files": sorted(p.relative_to(tmp).as_posix() for p in tmp.rglob("*") if p.is_file()) + ["manifest.json", "report.html"],
            "environment": {"python": platform.python_version(), "numpy": np.__version__},
            "wall_time_s": round(time.perf_counter() - t0, 3),
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
        _write_report(tmp, Path(out).name)
    return results


def _write_report(tmp: Path, title: str) -> None:
    """report.html into the run directory; a failure costs the report, never the analysis."""
    from .report import build_report

    try:
        build_report(tmp, title=title)
    except Exception as exc:  # the tables are the product; the report can be rebuilt from them
        log.warning("report.html not written (%s: %s); rebuild it with `seinet report RUN`",
                    type(exc).__name__, exc)


def _num(x):
    x = float(x)
    return None if np.isnan(x) else x
