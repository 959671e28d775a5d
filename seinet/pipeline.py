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
import signal
import threading
import time
from pathlib import Path

import numpy as np

from . import __version__
from .errors import ConfigError, SeinetError
from .interface import InterfaceAnalysis, InterfaceSettings
from .io import detect_format
from .io.follow import Follow
from .nucleation import NucleationSettings, NucleationStage, write_nucleation
from .plot import plot_species_evolution
from .reactions import EventExtractor, EventSettings, reactions_table, reverse_key
from .reactions.geometry import RecentFrames
from .run import MembershipWriter, RunDirectory
from .run.checkpoint import CHECKPOINT_DIR, CheckpointPolicy, CheckpointStore, SourceHash, differences
from .species.catalogue import species_labels
from .species.analysis import AnalysisSettings, SpeciesAnalysis, SpeciesResults, SpeciesState

__all__ = ["analyze", "write_tables", "Interrupted", "CheckpointMismatch"]

log = logging.getLogger(__name__)


def _input_record(src, settings: AnalysisSettings, digest: SourceHash | None = None) -> dict:
    """manifest.json ``inputs`` entry; ``digest`` (the checkpoints' hash of the file) saves a second pass."""
    if hasattr(src, "trajectory"):
        return {"path": "<MDAnalysis.Universe>", "format": "mdanalysis"}
    path = os.fspath(src)
    if digest is None:
        digest = SourceHash(path)
    sha = digest.advance(None)
    return {"path": os.path.abspath(path),
            "format": settings.format if settings.format != "auto" else detect_format(path),
            "size_bytes": digest.n_bytes, "sha256": sha}


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


class _Stages:
    """The stateful consumers of the per-frame partitions (the species analysis' sink).

    Plain objects only (no lambdas, files or clients), so that a checkpoint pickles them
    with the species state; they share its catalogue.
    """

    def __init__(self, catalogue, writer: MembershipWriter | None, events: EventSettings,
                 interface: InterfaceSettings | None, nucleation: NucleationSettings | None) -> None:
        self.writer = writer
        self.extractor = EventExtractor(events)
        self.recent = RecentFrames(depth=4 * events.tau + 4)
        self.extractor.on_event = self.recent  # centroid and electrode distance of each event
        self.interface = None if interface is None else InterfaceAnalysis(interface, species_info=catalogue.info)
        self.nucleation_settings = nucleation
        self.nucleation: NucleationStage | None = None
        self._naf_checked = False

    def __call__(self, part) -> None:
        self.recent.add(part)
        self.extractor.update_partition(part)
        if self.interface is not None:
            self.interface.add(part)
        if self.nucleation_settings is not None:
            if not self._naf_checked and part.symbols is not None:
                self._naf_checked = True
                if {"Na", "F"} <= set(np.unique(part.symbols)):
                    self.nucleation = NucleationStage(self.nucleation_settings)
            if self.nucleation is not None:
                self.nucleation.add(part)
        if self.writer is not None:
            self.writer(part)


class CheckpointMismatch(SeinetError):
    """The work directory holds a checkpoint of another analysis (inputs or settings differ)."""


class Interrupted(KeyboardInterrupt):
    """Ctrl-C (SIGINT) or SIGTERM stopped ``analyze`` at a frame boundary, after it wrote a checkpoint.

    Attributes
    ----------
    signal : int
    n_frames : int
        Frames analysed so far (all in the checkpoint).
    checkpoint : Path or None
        The checkpoint file (None when checkpoints are off).
    """

    def __init__(self, signum: int, n_frames: int, checkpoint: Path | None) -> None:
        super().__init__(signum)
        self.signal, self.n_frames, self.checkpoint = signum, n_frames, checkpoint


class _Signals:
    """While frames stream: the first SIGINT/SIGTERM is noted and acted on at the next frame boundary
    (a second SIGINT interrupts at once). When following, SIGINT also stops the waiting reader."""

    def __init__(self, follow: Follow | None) -> None:
        self.follow = follow
        self.received: int | None = None
        self._old: dict = {}

    def _handler(self, signum, frame) -> None:
        if self.received is not None and signum == signal.SIGINT:
            raise KeyboardInterrupt
        self.received = signum
        if self.follow is not None:
            self.follow.stop.set()

    def __enter__(self) -> _Signals:
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                self._old[sig] = signal.signal(sig, self._handler)
        return self

    def __exit__(self, *exc) -> bool:
        for sig, old in self._old.items():
            signal.signal(sig, old)
        return False


def _fingerprint(sources, settings: AnalysisSettings, membership: bool, events: EventSettings,
                 interface: InterfaceSettings | None, nucleation: NucleationSettings | None) -> dict:
    """What must be the same for a checkpoint to be resumed: inputs and every setting that shapes the
    per-frame state. Not in it: workers, progress, overwrite, the checkpoint interval, following, and
    the surface energies (used only when the outputs are written)."""
    species = settings.as_dict()
    species.pop("workers", None)
    species.pop("scheduler", None)
    return {"seinet_version": __version__,
            "inputs": [{"path": os.path.abspath(os.fspath(src)),
                        "format": settings.format if settings.format != "auto" else detect_format(os.fspath(src))}
                       for src in sources],
            "settings": species, "events": events.as_dict(),
            "interface": None if interface is None else interface.as_dict(),
            "nucleation": None if nucleation is None else nucleation.to_dict(),
            "membership": bool(membership)}


class _Checkpoints:
    """Writes the checkpoints of one run (policy, input hashes, header) and restores them."""

    def __init__(self, store: CheckpointStore, policy: CheckpointPolicy, fingerprint: dict, sources,
                 t0: float) -> None:
        self.store = store
        self.policy = policy
        self.fingerprint = fingerprint
        self.hashes = [SourceHash(src) for src in sources]
        self.resumed_at: list[int] = []
        self.wall_before = 0.0  # analysis time of earlier sessions
        self._t0 = t0
        self._last_frames = 0
        self._last_time = time.monotonic()

    # --- resuming --------------------------------------------------------------------
    def restore(self, resume: bool, overwrite: bool, distributed: bool):
        """``(SpeciesState, _Stages)`` of a matching checkpoint, or None (the work directory is then emptied).

        Raises
        ------
        CheckpointMismatch
            A checkpoint of another analysis, unless ``overwrite`` (then it is discarded with a warning).
        """
        store = self.store
        header = store.header() if resume else None
        if header is None:
            store.clear()
            return None
        problems = self._mismatch(header)
        if problems:
            if overwrite:
                log.warning("%s: discarding the checkpoint of another analysis (%s) and starting over (--overwrite)",
                            store.dir.parent, problems)
                store.clear()
                return None
            raise CheckpointMismatch(f"{store.dir.parent} holds a checkpoint of another analysis ({problems}); "
                                     f"run the command that made it to resume it, or pass --no-resume to discard "
                                     f"it and start over")
        if distributed:
            raise CheckpointMismatch(f"{store.dir.parent} holds a checkpoint ({header['frames']} frames); "
                                     f"--workers/--scheduler runs cannot resume it: run without them to resume, "
                                     f"or pass --no-resume to start over")
        state, stages = store.load_state()
        if stages.writer is not None:
            stages.writer.path = str(store.dir.parent / "membership.parquet")
            stages.writer.parts = str(store.membership_parts)
            stages.writer.discard_uncommitted()
        store.discard_outputs()
        self.resumed_at = list(header.get("resumed_at_frames", [])) + [int(header["last_frame"]) + 1]
        self.wall_before = float(header.get("wall_time_s", 0.0))
        self._last_frames = state.n_frames
        log.warning("resuming from the checkpoint in %s: %d frames already analysed, reading on after frame %d",
                    store.dir.parent, state.n_frames, header["last_frame"])
        return state, stages

    def _mismatch(self, header: dict) -> str:
        if "unreadable" in header:
            return f"checkpoint unreadable: {header['unreadable']}"
        diff = differences(header.get("fingerprint", {}), self.fingerprint)
        if diff:
            return "different " + ", ".join(diff)
        for k, rec in enumerate(header.get("inputs", [])):
            h = self.hashes[k]
            try:
                same = h.advance(rec["bytes"]) == rec["sha256"]
            except (OSError, ValueError):
                same = False
            if not same:
                return f"{rec['path']} changed in its first {rec['bytes']} bytes"
        return ""

    # --- writing -----------------------------------------------------------------------
    def after_frame(self, state: SpeciesState, stages: _Stages) -> None:
        if self.policy.due(state.n_frames - self._last_frames, time.monotonic() - self._last_time):
            self.save(state, stages)

    def save(self, state: SpeciesState, stages: _Stages) -> None:
        """Write a checkpoint of everything up to the last consumed frame."""
        if not self.policy.enabled or state.cursor is None or state.n_frames == self._last_frames:
            return
        if stages.writer is not None:
            stages.writer.checkpoint()
        cursor = state.cursor
        inputs = []
        for k in range(cursor.source + 1):
            self.hashes[k].advance(cursor.offset if k == cursor.source and cursor.offset is not None else None)
            inputs.append(self.hashes[k].record())
        header = {"fingerprint": self.fingerprint, "frames": state.n_frames, "last_frame": int(state.frames[-1]),
                  "inputs": inputs, "resumed_at_frames": self.resumed_at, "wall_time_s": self.wall_time()}
        self.store.save(header, (state, stages))
        self._last_frames = state.n_frames
        self._last_time = time.monotonic()
        log.debug("checkpoint: %d frames (%s)", state.n_frames, self.store.file)

    def wall_time(self) -> float:
        return round(self.wall_before + time.perf_counter() - self._t0, 3)


def analyze(sources, out: str | os.PathLike, settings: AnalysisSettings = AnalysisSettings(), *,
            overwrite: bool = False, progress: bool = False, membership: bool = True,
            events: EventSettings = EventSettings(),
            interface: InterfaceSettings | None = InterfaceSettings(),
            nucleation: NucleationSettings | None = NucleationSettings(),
            surface_energies: dict | None = None, follow: bool | Follow = False, resume: bool = True,
            checkpoint_every: int | str | CheckpointPolicy | None = None) -> SpeciesResults:
    """Detect species and write the run directory ``out`` atomically, with checkpoints.

    Parameters
    ----------
    sources : path, sequence of paths, or MDAnalysis Universe
    out : path
        Run directory to create (must not exist unless ``overwrite``).
    settings : AnalysisSettings
    overwrite : bool
        Replace an existing ``out`` (once the new one is complete). A checkpoint of another
        analysis is then discarded instead of being an error.
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
    follow : bool or Follow
        The last file is still being written: analyse its complete frames, wait for more,
        and finish when it has not grown for ``Follow.timeout_s`` (or on Ctrl-C); True
        means ``Follow()`` (poll every 2 s, stop after 60 s without growth).
    resume : bool
        Go on from the checkpoint of an earlier run of the same analysis in ``.OUT.partial``
        (default). False discards it and starts over.
    checkpoint_every : int, str or CheckpointPolicy, optional
        Frames (``100``) or time (``"60s"``, ``"5min"``) between checkpoints; ``0`` for none.
        Default every 60 s. Runs on dask workers and on an MDAnalysis Universe write none.

    Returns
    -------
    SpeciesResults

    Notes
    -----
    docs/resume.md: checkpoints, resuming, following, and what a resumed run guarantees
    (the same run directory as one uninterrupted run).
    """
    t0 = time.perf_counter()
    if isinstance(sources, (str, os.PathLike)) or hasattr(sources, "trajectory"):
        sources = [sources]
    sources = list(sources)
    follow = Follow() if follow is True else (follow or None)
    if follow is not None:
        follow.stop.clear()  # a Follow stopped by Ctrl-C in an earlier run follows again
    analysis = SpeciesAnalysis(sources, settings, progress=progress, follow=follow)
    universe = any(hasattr(s, "trajectory") for s in sources)
    if follow is not None and (analysis.distributed or universe):
        raise ConfigError("--follow reads files serially: not with --workers/--scheduler or a Universe")
    policy = CheckpointPolicy.parse(checkpoint_every)
    if analysis.distributed or universe:
        if checkpoint_every is not None and policy.enabled:
            raise ConfigError("checkpoints need a serial run on files: not with --workers/--scheduler or a Universe")
        if policy.enabled:
            log.info("no checkpoints in %s runs: a killed run starts over", "distributed" if analysis.distributed
                     else "Universe")
        policy = CheckpointPolicy(frames=None, seconds=None)
    with RunDirectory(out, overwrite=overwrite, resumable=not universe) as tmp:
        ckpt = None
        restored = None
        if not universe:
            fingerprint = _fingerprint(sources, settings, membership, events, interface, nucleation)
            ckpt = _Checkpoints(CheckpointStore(tmp), policy, fingerprint, sources, t0)
            restored = ckpt.restore(resume, overwrite, analysis.distributed)
        if restored is not None:
            state, stages = restored
        else:
            state = analysis.new_state()
            writer = None
            if membership:
                parts = ckpt.store.membership_parts if ckpt is not None else None
                writer = MembershipWriter(tmp / "membership.parquet", parts=parts)
            stages = _Stages(state.catalogue, writer, events, interface, nucleation)
        analysis.sink = stages

        with _Signals(follow) as signals:
            def interrupt(st: SpeciesState):
                if ckpt is not None:
                    ckpt.save(st, stages)
                saved = ckpt is not None and ckpt.store.exists()
                return Interrupted(signals.received, st.n_frames, ckpt.store.file if saved else None)

            def after_frame(st: SpeciesState) -> bool:
                if signals.received is not None:
                    if follow is not None and signals.received == signal.SIGINT:
                        return True  # stop following; the outputs are written for the frames so far
                    raise interrupt(st)
                if ckpt is not None:
                    ckpt.after_frame(st, stages)
                return False

            try:
                results = analysis.run(state=state, after_frame=after_frame).results
                if signals.received is not None and not (follow is not None and signals.received == signal.SIGINT):
                    raise interrupt(state)  # SIGTERM while the follower waited for more
            except BaseException:
                if stages.writer is not None:
                    stages.writer.abort()  # closes the open part; parts of a checkpoint stay
                raise
        if ckpt is not None:
            ckpt.save(state, stages)  # nothing read is lost if writing the outputs fails or is killed
        return _write_outputs(tmp, out, results, stages, sources, settings, events, surface_energies, ckpt, follow, t0)


def _write_outputs(tmp: Path, out, results: SpeciesResults, stages: _Stages, sources, settings: AnalysisSettings,
                   events: EventSettings, surface_energies, ckpt: _Checkpoints | None,
                   follow: Follow | None, t0: float) -> SpeciesResults:
    """Every table, figure, manifest.json and report.html of a finished analysis, into ``tmp``."""
    if stages.writer is not None:
        stages.writer.finalize(results.id_map)
    write_tables(results, tmp)
    labels = species_labels(results.species).tolist()
    event_table = stages.extractor.finish(lambda sid: labels[results.id_map[sid]])
    reaction_info = write_reactions(results, event_table, tmp)
    interface_info = None
    if stages.interface is not None:
        found = stages.interface.finish(results.species, results.id_map, results.counts, event_table)
        found.write(tmp)
        interface_info = found.summary
    nucleation_info = None
    nuclei = stages.nucleation
    if nuclei is not None and nuclei.n_frames:
        nucleation_info = write_nucleation(nuclei.results(), tmp, nuclei.largest, surface_energies,
                                           None if surface_energies is None else "user")
    cells = results.cells
    hashes = ckpt.hashes if ckpt is not None else [None] * len(sources)
    manifest = {
        "seinet_version": __version__,
        "created_by": "seinet analyze",
        "inputs": [_input_record(s, settings, h) for s, h in zip(sources, hashes)],
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
        "events": {"settings": events.as_dict(), **{k: int(v) for k, v in stages.extractor.stats.items()},
                   **reaction_info},
        "interface": interface_info,
        "nucleation": nucleation_info,
        "files": sorted(p.relative_to(tmp).as_posix() for p in tmp.rglob("*")
                        if p.is_file() and p.relative_to(tmp).parts[0] != CHECKPOINT_DIR)
        + ["manifest.json", "report.html"],
        "environment": {"python": platform.python_version(), "numpy": np.__version__},
        "execution": {"follow": follow is not None,
                      "checkpoint_every": str(ckpt.policy) if ckpt is not None else "off",
                      "resumed_at_frames": ckpt.resumed_at if ckpt is not None else []},
        "wall_time_s": ckpt.wall_time() if ckpt is not None else round(time.perf_counter() - t0, 3),
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
