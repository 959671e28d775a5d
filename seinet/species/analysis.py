"""Species detection over a whole trajectory: the driver behind ``seinet analyze``.

Modelled on MDAnalysis' ``AnalysisBase``: configure, ``run(start, stop, step)``,
read ``results``. Frames stream through a :class:`~seinet.species.Partitioner`;
only per-frame counts are kept in memory (O(frames x species present)); per-atom
membership goes to a sink (Parquet on disk) as it is produced.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from ..bonds import BondRules, ContactRules
from ..errors import ConfigError, SeinetError, TrajectoryError
from ..io import open_trajectory
from ..io.base import TextTrajectory
from ..io.follow import Follow
from ..io.prefetch import prefetch
from ..io.validate import FrameValidator
from .catalogue import SpeciesCatalogue, species_labels
from .partition import FramePartition, Partitioner

__all__ = ["AnalysisSettings", "SpeciesAnalysis", "SpeciesResults", "SpeciesState", "ReadCursor"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AnalysisSettings:
    """Every setting of a species analysis (written to manifest.json).

    Parameters
    ----------
    format : str
        Reader name or ``auto``.
    elements : tuple of str, optional
        Element of each LAMMPS atom type, in type order.
    cell : tuple of float, optional
        ``(a, b, c)`` orthorhombic or 9 numbers (rows) replacing the file's cell.
    timestep_fs : float, optional
        MD timestep, for files that give steps but no times (LAMMPS).
    bond_rules, contact_rules
        See :mod:`seinet.bonds.cutoffs`.
    start, stop, step : int
        Frame slice (applied per file).
    workers : int
        Prepare frames (parse, neighbour searches) on a dask LocalCluster of this many
        processes (0: threads in this process); :mod:`seinet.species.distributed`.
    scheduler : str, optional
        Address of an existing dask scheduler instead of a LocalCluster.
    skip_bad_frames : bool
        Skip a frame that does not parse or fails validation (logged as a warning and
        listed in :attr:`SpeciesResults.skipped`) instead of stopping at it.
    """

    format: str = "auto"
    elements: tuple[str, ...] | None = None
    cell: tuple[float, ...] | None = None
    timestep_fs: float | None = None
    bond_rules: BondRules = field(default_factory=BondRules)
    contact_rules: ContactRules = field(default_factory=ContactRules)
    start: int = 0
    stop: int | None = None
    step: int = 1
    skip_bad_frames: bool = False
    workers: int = 0
    scheduler: str | None = None

    def cell_matrix(self) -> np.ndarray | None:
        if self.cell is None:
            return None
        c = np.asarray(self.cell, dtype=float)
        if c.size == 3:
            return np.diag(c)
        if c.size == 9:
            return c.reshape(3, 3)
        raise SeinetError("--cell takes 3 lengths (a,b,c) or 9 numbers (cell vectors as rows)")

    def as_dict(self) -> dict:
        return {"format": self.format, "elements": list(self.elements) if self.elements else None,
                "cell": list(self.cell) if self.cell else None, "timestep_fs": self.timestep_fs,
                "bonds": self.bond_rules.as_dict(), "contacts": self.contact_rules.as_dict(),
                "start": self.start, "stop": self.stop, "step": self.step,
                "skip_bad_frames": self.skip_bad_frames, "workers": self.workers, "scheduler": self.scheduler}


@dataclass(frozen=True)
class SpeciesResults:
    """Tables of a species analysis.

    Attributes
    ----------
    species : DataFrame
        species.csv (ids in canonical order).
    counts : DataFrame
        species_counts: frame, time_ps, then one column per species label (units).
    fragment_counts : DataFrame
        Same for the covalent layer (anions inside aggregates counted too).
    n_atoms, n_frames : int
    symbols : ndarray
    id_map : ndarray
        Internal species id -> published species_id.
    steps : ndarray of int64
        MD step of every analysed frame (-1 where the file gives none).
    cells : DataFrame
        frame, time_ps and cell lengths/volume per frame (for the manifest and later stages).
    skipped : DataFrame
        Frames skipped as bad (``skip_bad_frames``): frame (numbered like ``counts``), file,
        byte_offset (of the frame in its file; -1 when unknown), reason. Empty when none.
    """

    species: pd.DataFrame
    counts: pd.DataFrame
    fragment_counts: pd.DataFrame
    n_atoms: int
    n_frames: int
    symbols: np.ndarray
    id_map: np.ndarray
    cells: pd.DataFrame
    steps: np.ndarray
    skipped: pd.DataFrame = field(default_factory=lambda: _skipped_table([]))


@dataclass
class ReadCursor:
    """Where reading resumes: just after the last frame an analysis consumed.

    Attributes
    ----------
    source : int
        Index of that frame's file in the analysis' sources.
    next_index : int
        Index, in that file, of the frame after it.
    offset : int or None
        Byte offset where that frame ends (``Frame.byte_range``; text readers), None
        for readers that resume by frame index.
    first_number : int
        Global frame number of that file's frame 0 (files continue each other's numbering).
    reader, check
        That file's reader and :class:`~seinet.io.validate.FrameValidator`, with what they
        learned from its first frame (elements, the reference frame); they hold no open file.
    """

    source: int
    next_index: int
    offset: int | None
    first_number: int
    reader: object
    check: FrameValidator


@dataclass
class SpeciesState:
    """Everything a species analysis has accumulated: small, explicit and picklable (checkpoints).

    The per-frame rows (counts by internal species id, times, steps, cells) are
    O(frames x species present), as in the results; per-atom data lives in the partitioner
    (the previous frame's bonds, a few frames of fragment signatures) and in the sinks.
    """

    catalogue: SpeciesCatalogue = field(default_factory=SpeciesCatalogue)
    partitioner: Partitioner | None = None
    symbols: np.ndarray | None = None
    first_path: str | None = None
    frames: list = field(default_factory=list)
    times: list = field(default_factory=list)
    steps: list = field(default_factory=list)
    unit_rows: list = field(default_factory=list)
    frag_rows: list = field(default_factory=list)
    cells: list = field(default_factory=list)
    skipped: list | None = None
    cursor: ReadCursor | None = None

    @property
    def n_frames(self) -> int:
        return len(self.frames)

    def __getstate__(self) -> dict:
        # The reading thread appends bad frames it meets ahead of the analysis; a checkpoint
        # keeps only those up to the last consumed frame (the others are met again on resume).
        state = self.__dict__.copy()
        if self.skipped is not None:
            last = self.frames[-1] if self.frames else -1
            state["skipped"] = [row for row in list(self.skipped) if row[0] <= last]
        return state


class SpeciesAnalysis:
    """Detect species in every frame of one trajectory (possibly split over several files).

    Parameters
    ----------
    sources : path, Universe, or sequence of paths
        Files read one after another as consecutive segments.
    settings : AnalysisSettings
    sink : callable, optional
        Called with every :class:`FramePartition` (e.g. a Parquet writer).
    progress : bool
        Show a progress bar on stderr.
    client : distributed.Client, optional
        Prepare frames on this dask client's workers (otherwise ``settings.workers`` /
        ``settings.scheduler`` decide). Results are identical to the serial run.
    follow : Follow, optional
        The last file is still being written: read it to its end, then wait for more
        (:mod:`seinet.io.follow`). Text formats only; not with workers.
    """

    def __init__(self, sources, settings: AnalysisSettings = AnalysisSettings(),
                 sink: Callable[[FramePartition], None] | None = None, progress: bool = False,
                 client=None, follow: Follow | None = None) -> None:
        if isinstance(sources, (str, os.PathLike)) or hasattr(sources, "trajectory"):
            sources = [sources]
        self.sources: Sequence = list(sources)
        self.settings = settings
        self.sink = sink
        self.progress = progress
        self.results: SpeciesResults | None = None
        self.client = client
        self.follow = follow
        #: What the run has accumulated (:class:`SpeciesState`); ``state.cursor`` says where reading resumes.
        self.state = self.new_state()
        #: The run's species registry (internal ids of the partitions); a sink may read it while frames stream.
        self.catalogue = self.state.catalogue

    @property
    def distributed(self) -> bool:
        """Whether frames are prepared on dask workers."""
        return bool(self.client is not None or self.settings.workers > 0 or self.settings.scheduler)

    def _reader_options(self) -> dict:
        s = self.settings
        options = {"elements": list(s.elements) if s.elements else None, "timestep_fs": s.timestep_fs}
        if s.format in ("auto", "extxyz", "xyz"):
            options["properties"] = ("charge",)  # velocities and forces are not needed for species
        return options

    def _prepared_distributed(self, skipped: list | None):
        """``(number, PreparedFrame, None)`` from dask workers (:mod:`seinet.species.distributed`)."""
        from .distributed import make_client, prepared_frames

        if any(hasattr(src, "trajectory") for src in self.sources):
            raise SeinetError("distributed analysis reads files; an MDAnalysis Universe runs serially")
        client = self.client
        own = client is None
        if own:
            client = make_client(self.settings.workers, self.settings.scheduler)
        try:
            for number, ready in prepared_frames(client, self.sources, self.settings, self._reader_options(), skipped):
                yield number, ready, None
        finally:
            if own:
                cluster = getattr(client, "cluster", None)
                client.close()
                if cluster is not None:
                    cluster.close()

    def _frames(self, skipped: list | None = None, cursor: ReadCursor | None = None):
        """Yield ``(global frame index, frame, where)``; segments continue each other's numbering.

        ``where`` is ``(source index, global number of the file's frame 0, reader, validator)``,
        what a :class:`ReadCursor` needs. With ``cursor``, reading resumes there. With
        ``skipped`` (a list), bad frames are appended to it as
        ``(global frame, file, byte offset, reason)`` and reading goes on.
        """
        s = self.settings
        options = self._reader_options()
        offset = 0 if cursor is None else cursor.first_number
        for i in range(0 if cursor is None else cursor.source, len(self.sources)):
            src = self.sources[i]
            follow = self.follow if i == len(self.sources) - 1 else None
            resuming = cursor is not None and i == cursor.source
            if resuming:
                traj, check = cursor.reader, cursor.check
            else:
                traj = open_trajectory(src, s.format, **options)
                check = FrameValidator(traj.path, s.cell_matrix())
            if follow is not None and not isinstance(traj, TextTrajectory):
                raise ConfigError(f"{traj.path}: --follow reads text trajectories (extxyz, xyz, lammps-dump, "
                                  f"lammps-bonds), not {getattr(traj, 'format_name', type(traj).__name__)!r}")
            last = [cursor.next_index - 1 if resuming else -1]  # last frame index of this file read, good or bad
            where = (i, offset, traj, check)

            def skip(err: TrajectoryError, offset: int = offset, last: list = last) -> None:
                frame = last[0] + 1 if err.frame is None else err.frame
                last[0] = max(last[0], frame)
                log.warning("skipped bad frame: %s", err)
                skipped.append((offset + frame, err.path, -1 if err.offset is None else err.offset, err.message))

            on_error = None if skipped is None else skip
            extra = {} if follow is None else {"follow": follow}
            start = s.start
            if resuming and cursor.offset is not None:
                extra["resume"] = (cursor.next_index, cursor.offset)
            elif resuming:  # by index: the next frame of the slice
                start = max(s.start, s.start + -(-(cursor.next_index - s.start) // s.step) * s.step)
            for frame in traj.iter_frames(start, s.stop, s.step, check=check, on_error=on_error, **extra):
                last[0] = frame.index
                yield offset + frame.index, frame, where
            offset += last[0] + 1

    def _check_inputs(self, state: SpeciesState) -> None:
        if self.distributed and (state.cursor is not None or self.follow is not None):
            raise ConfigError("distributed analysis (--workers/--scheduler) neither follows a growing file "
                              "nor resumes from a checkpoint; run without workers for that")
        if self.follow is not None and self.sources and hasattr(self.sources[-1], "trajectory"):
            raise ConfigError("--follow reads a file; an MDAnalysis Universe cannot be followed")

    def new_state(self) -> SpeciesState:
        """An empty :class:`SpeciesState` for these settings (what :meth:`run` starts from)."""
        return SpeciesState(skipped=[] if self.settings.skip_bad_frames else None)

    def run(self, *, state: SpeciesState | None = None,
            after_frame: Callable[[SpeciesState], bool | None] | None = None) -> "SpeciesAnalysis":
        """Analyse all frames; returns self with :attr:`results` set.

        Parameters
        ----------
        state : SpeciesState, optional
            The state to continue: one restored from a checkpoint (reading goes on at its
            cursor, and the results are those of one uninterrupted run), or a new one
            (:meth:`new_state`, e.g. to give sinks its catalogue first). Default: a new one.
        after_frame : callable, optional
            Called in this thread after every frame (after the sink) with :attr:`state`; a
            checkpoint is consistent there. Returning True ends reading after this frame
            (the results cover the frames so far).
        """
        state = self.state = self.new_state() if state is None else state
        self._check_inputs(state)
        resume_cursor = state.cursor
        self.catalogue = state.catalogue
        skipped = state.skipped
        bar = None
        if self.progress:
            from tqdm import tqdm

            bar = tqdm(unit=" frames", file=sys.stderr, dynamic_ncols=True, leave=False, disable=None,
                       initial=state.n_frames)

        def check(frame) -> None:
            """The first frame makes the partitioner; every later frame must have the same atoms."""
            if state.partitioner is None:
                state.symbols, state.first_path = frame.symbols, frame.source
                state.partitioner = Partitioner(state.symbols, self.settings.bond_rules, self.settings.contact_rules,
                                                state.catalogue)
            elif frame.n_atoms != len(state.symbols) or (frame.symbols is not state.symbols
                                                         and not np.array_equal(frame.symbols, state.symbols)):
                raise TrajectoryError(frame.source, frame.index,
                                      f"atoms differ from {state.first_path} ({len(state.symbols)} atoms); "
                                      f"segments of one run must have the same atoms in the same order")

        def prepared():
            """Second read-ahead stage: the stateless neighbour searches of parsed frames."""
            for number, frame, where in prefetch(self._frames(skipped, resume_cursor)):
                check(frame)
                yield number, state.partitioner.prepare(_renumber(frame, number)), where

        def checked(stream):
            """Frames prepared elsewhere (dask workers) pass the same check."""
            for number, ready, where in stream:
                check(ready.frame)
                yield number, ready, where

        # three stages on their own threads: parse -> neighbour search -> stateful partition.
        # Parsing (pandas C tokenizer) and the numba kernels release the GIL, so the stages
        # overlap and the two cores share the work without a hand-tuned split.
        stream = checked(self._prepared_distributed(skipped)) if self.distributed else prefetch(prepared())
        try:
            for number, ready, where in stream:
                self._single_frame(state, number, ready, where)
                if bar is not None:
                    bar.update(1)
                if after_frame is not None and after_frame(state):
                    break
        finally:
            stream.close()  # stops the reading threads when the loop ends early
            if bar is not None:
                bar.close()
        self._conclude(state)
        return self

    def _single_frame(self, state: SpeciesState, number: int, ready, where) -> None:
        frame = ready.frame
        part = state.partitioner.partition(ready)
        state.frames.append(number)
        state.steps.append(-1 if frame.step is None else frame.step)
        state.times.append(np.nan if frame.time_ps is None else frame.time_ps)
        state.unit_rows.append(part.unit_counts)
        state.frag_rows.append(part.fragment_counts)
        if frame.cell is not None:
            lengths = np.linalg.norm(frame.cell, axis=1)
            state.cells.append((number, lengths[0], lengths[1], lengths[2], abs(np.linalg.det(frame.cell))))
        if where is not None:
            source, first_number, reader, validator = where
            end = None if frame.byte_range is None else frame.byte_range[1]
            state.cursor = ReadCursor(source, number - first_number + 1, end, first_number, reader, validator)
        if self.sink is not None:
            self.sink(part)

    def _conclude(self, state: SpeciesState) -> None:
        skipped = state.skipped
        if state.partitioner is None:
            where = ", ".join(str(s) for s in self.sources)
            what = f"all {len(skipped)} frames are bad" if skipped else "empty file or slice"
            raise TrajectoryError(where, None, f"no complete frame to analyse ({what})")
        catalogue = state.catalogue
        order = catalogue.canonical_order()
        id_map = np.empty(len(order), dtype=np.int64)
        id_map[order] = np.arange(len(order))
        species = catalogue.to_dataframe(order)
        labels = species_labels(species).tolist()
        self.results = SpeciesResults(
            species=species,
            counts=_wide(state.frames, state.times, state.unit_rows, id_map, labels),
            fragment_counts=_wide(state.frames, state.times, state.frag_rows, id_map, labels),
            n_atoms=len(state.symbols), n_frames=state.n_frames, symbols=state.symbols, id_map=id_map,
            cells=pd.DataFrame(state.cells, columns=["frame", "a_A", "b_A", "c_A", "volume_A3"]),
            steps=np.asarray(state.steps, dtype=np.int64), skipped=_skipped_table(skipped or []))
        if skipped:
            log.warning("%d bad frame(s) skipped; %d analysed", len(skipped), state.n_frames)


def _skipped_table(rows: list) -> pd.DataFrame:
    table = pd.DataFrame(rows, columns=["frame", "file", "byte_offset", "reason"])
    return table.astype({"frame": np.int64, "file": str, "byte_offset": np.int64, "reason": str})


def _renumber(frame, number: int):
    return replace(frame, index=number) if frame.index != number else frame


def _wide(frames, times, rows, id_map, labels) -> pd.DataFrame:
    counts = np.zeros((len(frames), len(labels)), dtype=np.int64)
    for r, row in enumerate(rows):
        if row:
            ids = np.fromiter(row.keys(), dtype=np.int64, count=len(row))
            counts[r, id_map[ids]] = np.fromiter(row.values(), dtype=np.int64, count=len(row))
    table = pd.DataFrame(counts, columns=labels)
    table.insert(0, "time_ps", np.asarray(times, dtype=float))
    table.insert(0, "frame", np.asarray(frames, dtype=np.int64))
    return table
