"""Per-frame, per-atom membership in Parquet: what later stages (reactions, SEI) read.

Columns: ``frame`` (int32), ``atom`` (int32), ``fragment`` (smallest atom index of
the covalent fragment), ``species`` (covalent-layer species_id), ``unit``
(smallest atom index of the unit: molecule, aggregate, ion or metal atom),
``unit_species`` (species_id of the unit), ``state`` (int8: 0 covalent, 1 metal,
2 ion). One row group per frame batch; memory O(atoms).

While a run is under way species ids are internal; :meth:`MembershipWriter.finalize`
rewrites the file with the published ids of species.csv.
"""

from __future__ import annotations

import os

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
    """Streaming Parquet writer of :class:`FramePartition` records (a ``sink``)."""

    def __init__(self, path: str | os.PathLike, batch_atoms: int = 500_000) -> None:
        self.path = os.fspath(path)
        self._raw = self.path + ".raw"
        self._writer = pq.ParquetWriter(self._raw, MEMBERSHIP_SCHEMA, **_WRITE_OPTIONS)
        self._batch: list[pa.Table] = []
        self._rows = 0
        self.batch_atoms = batch_atoms

    def __call__(self, part: FramePartition) -> None:
        n = len(part.species)
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
            self._writer.write_table(pa.concat_tables(self._batch))
            self._batch, self._rows = [], 0

    def finalize(self, id_map: np.ndarray) -> None:
        """Close, and rewrite species columns with published ids (``id_map[internal]``)."""
        self._flush()
        self._writer.close()
        src = pq.ParquetFile(self._raw)
        with pq.ParquetWriter(self.path, MEMBERSHIP_SCHEMA, **_WRITE_OPTIONS) as out:
            for g in range(src.num_row_groups):
                t = src.read_row_group(g)
                cols = {name: t.column(name).to_numpy() for name in t.column_names}
                for name in ("species", "unit_species"):
                    cols[name] = id_map[cols[name]].astype(np.int32)
                out.write_table(pa.table(cols, schema=MEMBERSHIP_SCHEMA))
        os.remove(self._raw)

    def abort(self) -> None:
        try:
            self._writer.close()
        finally:
            if os.path.exists(self._raw):
                os.remove(self._raw)


def read_membership(path: str | os.PathLike, frames: list[int] | None = None):
    """Read membership (optionally some frames only) as a pandas DataFrame."""
    filters = [("frame", "in", list(frames))] if frames is not None else None
    return pq.read_table(path, filters=filters).to_pandas()
