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
from ..errors import SeinetError, TrajectoryError
from ..io import iter_frames
from ..io.prefetch import prefetch
from .catalogue import SpeciesCatalogue, species_labels
from .partition import FramePartition, Partitioner

__all__ = ["AnalysisSettings", "SpeciesAnalysis", "SpeciesResults"]

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
    """

    def __init__(self, sources, settings: AnalysisSettings = AnalysisSettings(),
                 sink: Callable[[FramePartition], None] | None = None, progress: bool = False,
                 client=None) -> None:
        if isinstance(sources, (str, os.PathLike)) or hasattr(sources, "trajectory"):
            sources = [sources]
        self.sources: Sequence = list(sources)
        self.settings = settings
        self.sink = sink
        self.progress = progress
        self.results: SpeciesResults | None = None
        self.client = client
        #: The run's species registry (internal ids of the partitions); a sink may read it while frames stream.
        self.catalogue = SpeciesCatalogue()

    def _reader_options(self) -> dict:
        s = self.settings
        options = {"elements": list(s.elements) if s.elements else None, "timestep_fs": s.timestep_fs}
        if s.format in ("auto", "extxyz", "xyz"):
            options["properties"] = ("charge",)  # velocities and forces are not needed for species
        return options

    def _prepared_distributed(self, skipped: list | None):
        """``(number, PreparedFrame)`` from dask workers (:mod:`seinet.species.distributed`)."""
        from .distributed import make_client, prepared_frames

        if any(hasattr(src, "trajectory") for src in self.sources):
            raise SeinetError("distributed analysis reads files; an MDAnalysis Universe runs serially")
        client = self.client
        own = client is None
        if own:
            client = make_client(self.settings.workers, self.settings.scheduler)
        try:
            yield from prepared_frames(client, self.sources, self.settings, self._reader_options(), skipped)
        finally:
            if own:
                cluster = getattr(client, "cluster", None)
                client.close()
                if cluster is not None:
                    cluster.close()

    def _frames(self, skipped: list | None = None):
        """Yield ``(global frame index, frame)``; segments continue each other's numbering.

        With ``skipped`` (a list), bad frames are appended to it as
        ``(global frame, file, byte offset, reason)`` and reading goes on.
        """
        s = self.settings
        options = self._reader_options()
        offset = 0
        for src in self.sources:
            last = [-1]  # index of the last frame of this file read so far, good or bad

            def skip(err: TrajectoryError, offset: int = offset) -> None:
                frame = last[0] + 1 if err.frame is None else err.frame
                last[0] = max(last[0], frame)
                log.warning("skipped bad frame: %s", err)
                skipped.append((offset + frame, err.path, -1 if err.offset is None else err.offset, err.message))

            for frame in iter_frames(src, s.format, start=s.start, stop=s.stop, step=s.step, cell=s.cell_matrix(),
                                     on_error=None if skipped is None else skip, **options):
                last[0] = frame.index
                yield offset + frame.index, frame
            offset += last[0] + 1

    def run(self) -> "SpeciesAnalysis":
        """Analyse all frames; returns self with :attr:`results` set."""
        catalogue = self.catalogue = SpeciesCatalogue()
        skipped: list | None = [] if self.settings.skip_bad_frames else None
        frames, times, steps, unit_rows, frag_rows, cells = [], [], [], [], [], []
        bar = None
        if self.progress:
            from tqdm import tqdm

            bar = tqdm(unit=" frames", file=sys.stderr, dynamic_ncols=True, leave=False, disable=None)
        symbols = None
        first_path = None
        holder: list[Partitioner] = []

        def check(frame) -> None:
            """The first frame makes the partitioner; every later frame must have the same atoms."""
            nonlocal symbols, first_path
            if not holder:
                symbols, first_path = frame.symbols, frame.source
                holder.append(Partitioner(symbols, self.settings.bond_rules, self.settings.contact_rules, catalogue))
            elif frame.n_atoms != len(symbols) or (frame.symbols is not symbols
                                                   and not np.array_equal(frame.symbols, symbols)):
                raise TrajectoryError(frame.source, frame.index,
                                      f"atoms differ from {first_path} ({len(symbols)} atoms); "
                                      f"segments of one run must have the same atoms in the same order")

        def prepared():
            """Second read-ahead stage: the stateless neighbour searches of parsed frames."""
            for number, frame in prefetch(self._frames(skipped)):
                check(frame)
                yield number, holder[0].prepare(_renumber(frame, number))

        def checked(stream):
            """Frames prepared elsewhere (dask workers) pass the same check."""
            for number, ready in stream:
                check(ready.frame)
                yield number, ready

        # three stages on their own threads: parse -> neighbour search -> stateful partition.
        # Parsing (pandas C tokenizer) and the numba kernels release the GIL, so the stages
        # overlap and the two cores share the work without a hand-tuned split.
        distributed = self.client is not None or self.settings.workers > 0 or self.settings.scheduler
        stream = checked(self._prepared_distributed(skipped)) if distributed else prefetch(prepared())
        for number, ready in stream:
            frame = ready.frame
            part = holder[0].partition(ready)
            frames.append(number)
            steps.append(-1 if frame.step is None else frame.step)
            times.append(np.nan if frame.time_ps is None else frame.time_ps)
            unit_rows.append(part.unit_counts)
            frag_rows.append(part.fragment_counts)
            if frame.cell is not None:
                lengths = np.linalg.norm(frame.cell, axis=1)
                cells.append((number, lengths[0], lengths[1], lengths[2], abs(np.linalg.det(frame.cell))))
            if self.sink is not None:
                self.sink(part)
            if bar is not None:
                bar.update(1)
        if bar is not None:
            bar.close()
        if not holder:
            where = ", ".join(str(s) for s in self.sources)
            what = f"all {len(skipped)} frames are bad" if skipped else "empty file or slice"
            raise TrajectoryError(where, None, f"no complete frame to analyse ({what})")
        order = catalogue.canonical_order()
        id_map = np.empty(len(order), dtype=np.int64)
        id_map[order] = np.arange(len(order))
        species = catalogue.to_dataframe(order)
        labels = species_labels(species).tolist()
        self.results = SpeciesResults(
            species=species,
            counts=_wide(frames, times, unit_rows, id_map, labels),
            fragment_counts=_wide(frames, times, frag_rows, id_map, labels),
            n_atoms=len(symbols), n_frames=len(frames), symbols=symbols, id_map=id_map,
            cells=pd.DataFrame(cells, columns=["frame", "a_A", "b_A", "c_A", "volume_A3"]),
            steps=np.asarray(steps, dtype=np.int64), skipped=_skipped_table(skipped or []))
        if skipped:
            log.warning("%d bad frame(s) skipped; %d analysed", len(skipped), len(frames))
        return self


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
