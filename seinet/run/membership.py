"""Per-frame, per-atom membership in Parquet: what later stages (reactions, SEI) read.

Columns: ``frame`` (int32), ``atom`` (int32), ``fragment`` (smallest atom index of
the covalent fragment), ``species`` (covalent-layer species_id), ``unit``
(smallest atom index of the unit: molecule, aggregate, ion or metal atom),
``unit_species`` (species_id of the unit), ``state`` (int8: 0 covalent, 1 metal,
2 ion). One row group per batch of whole frames (at least ``batch_atoms`` rows); memory O(atoms).

While a run is under way species ids are internal and rows go to part files
(``part-000000.parquet``, ...): :meth:`MembershipWriter.checkpoint` closes the current
part, so that a resumed run can discard what was written after its checkpoint.
:meth:`MembershipWriter.finalize` merges the parts into one file with the published ids
of species.csv, in row groups that do not depend on where the parts were cut: the file
is the same, byte for byte, whether the run was checkpointed, resumed or neither.
"""

from __future__ import annotations

import os
import re
import shutil

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from ..species.partition import FramePartition

__all__ = ["MembershipWriter", "read_membership", "MEMBERSHIP_SCHEMA"]

MEMBERSHIP_SCHEMA = pa.schema([
    ("frame", pa.int32()), ("atom", pa.int32()), ("fragment", pa.int32()), ("species", pa.int32()),
    ("unit", pa.int32()), ("unit_species", pa.int32()), ("state", pa.int8()),
])


#: Dictionary encoding only where values repeat (species ids, state, frame): on the
#: per-atom index columns it doubled the write time for no gain in size.
_WRITE_OPTIONS = {"compression": "zstd", "compression_level": 1,
                  "use_dictionary": ["frame", "species", "unit_species", "state"]}


class MembershipWriter:
    """Streaming Parquet writer of :class:`FramePartition` records (a ``sink``).

    Parameters
    ----------
    path : path
        The final file (written by :meth:`finalize`).
    batch_atoms : int
        Rows per row group (rounded up to whole frames).
    parts : path, optional
        Directory of the part files (default: ``path + ".parts"``, removed by :meth:`finalize`).

    Notes
    -----
    Picklable between a :meth:`checkpoint` and the next frame (checkpoints of
    ``seinet analyze``); after unpickling, :meth:`discard_uncommitted` removes parts
    written after that checkpoint.
    """

    def __init__(self, path: str | os.PathLike, batch_atoms: int = 500_000,
                 parts: str | os.PathLike | None = None) -> None:
        self.path = os.fspath(path)
        self.parts = os.fspath(parts) if parts is not None else self.path + ".parts"
        self._own_parts = parts is None
        self.batch_atoms = batch_atoms
        self.n_parts = 0  # parts closed by a checkpoint (or finalize)
        self._writer: pq.ParquetWriter | None = None
        self._batch: list[pa.Table] = []
        self._rows = 0
        self._n_atoms: int | None = None

    def _part(self, k: int) -> str:
        return os.path.join(self.parts, f"part-{k:06d}.parquet")

    def __call__(self, part: FramePartition) -> None:
        n = len(part.species)
        if self._n_atoms is None:
            self._n_atoms = n
        table = pa.table({
            "frame": np.full(n, part.frame, dtype=np.int32), "atom": np.arange(n, dtype=np.int32),
            "fragment": part.fragment, "species": part.species, "unit": part.unit,
            "unit_species": part.unit_species, "state": part.state}, schema=MEMBERSHIP_SCHEMA)
        self._batch.append(table)
        self._rows += n
        if self._rows >= self.batch_atoms:
            self._flush()

    def _flush(self) -> None:
        if self._batch:
            if self._writer is None:
                os.makedirs(self.parts, exist_ok=True)
                self._writer = pq.ParquetWriter(self._part(self.n_parts), MEMBERSHIP_SCHEMA, **_WRITE_OPTIONS)
            self._writer.write_table(pa.concat_tables(self._batch))
            self._batch, self._rows = [], 0

    def checkpoint(self) -> int:
        """Write the rows so far into a closed, synced part file; returns the number of parts."""
        self._flush()
        if self._writer is not None:
            self._writer.close()
            self._writer = None
            with open(self._part(self.n_parts), "rb") as fh:
                os.fsync(fh.fileno())
            self.n_parts += 1
        return self.n_parts

    def __getstate__(self) -> dict:
        if self._writer is not None or self._batch:
            raise RuntimeError("MembershipWriter pickles only right after checkpoint()")
        state = self.__dict__.copy()
        state["_writer"] = None
        return state

    def discard_uncommitted(self) -> None:
        """Remove part files beyond :attr:`n_parts` (written after the checkpoint this writer was restored from)."""
        if not os.path.isdir(self.parts):
            return
        for name in os.listdir(self.parts):
            m = re.fullmatch(r"part-([0-9]+)\.parquet", name)
            if m is None or int(m.group(1)) >= self.n_parts:
                os.remove(os.path.join(self.parts, name))

    def finalize(self, id_map: np.ndarray) -> None:
        """Merge the parts into :attr:`path` with published species ids (``id_map[internal]``).

        Row groups hold ``ceil(batch_atoms / n_atoms)`` whole frames each, wherever the
        parts were cut. The parts are removed unless a ``parts`` directory was given.
        """
        self.checkpoint()
        group = self.batch_atoms if not self._n_atoms else -(-self.batch_atoms // self._n_atoms) * self._n_atoms
        pending: list[pa.Table] = []
        rows = 0
        with pq.ParquetWriter(self.path, MEMBERSHIP_SCHEMA, **_WRITE_OPTIONS) as out:
            def write(t: pa.Table) -> None:
                cols = {name: t.column(name).to_numpy() for name in t.column_names}
                for name in ("species", "unit_species"):
                    cols[name] = id_map[cols[name]].astype(np.int32)
                out.write_table(pa.table(cols, schema=MEMBERSHIP_SCHEMA))

            for k in range(self.n_parts):
                src = pq.ParquetFile(self._part(k))
                for g in range(src.num_row_groups):
                    pending.append(src.read_row_group(g))
                    rows += pending[-1].num_rows
                    while rows >= group:
                        table = pa.concat_tables(pending).combine_chunks()
                        write(table.slice(0, group))
                        rest = table.slice(group)
                        pending, rows = ([rest] if rest.num_rows else []), rest.num_rows
            if rows:
                write(pa.concat_tables(pending).combine_chunks())
        if self._own_parts:
            shutil.rmtree(self.parts, ignore_errors=True)

    def abort(self) -> None:
        try:
            if self._writer is not None:
                self._writer.close()
        finally:
            self._writer = None
            if self._own_parts:
                shutil.rmtree(self.parts, ignore_errors=True)


def read_membership(path: str | os.PathLike, frames: list[int] | None = None):
    """Read membership (optionally some frames only) as a pandas DataFrame."""
    filters = [("frame", "in", list(frames))] if frames is not None else None
    return pq.read_table(path, filters=filters).to_pandas()
