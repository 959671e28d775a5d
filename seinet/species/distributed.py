"""Frame ranges on dask.distributed workers: the stateless half of species detection, in parallel.

Per frame, species detection has a stateless part (parsing, the covalent bond
candidates and the alkali contacts: :meth:`~seinet.species.partition.Partitioner.prepare`)
and a stateful part (bond hysteresis, the species catalogue, events) that needs
the frames in order. Workers do the first: each task reads a range of frames by
the reader's byte-offset index (random access, no pass over the frames before it)
and returns the prepared frames; the client runs the stateful part on them in
frame order, exactly as the serial run does. The result is identical to the serial
run by construction (tested), with no hysteresis warm-up at chunk boundaries,
because no state is split.

What crosses the network per frame: positions (24 bytes per atom), the candidate
pairs (about 20 bytes per atom) and the contact pairs. At most ``2 x workers``
chunks are in flight, so the client's memory is bounded whatever the length of
the trajectory. Gzipped files have no random access (each task would decompress
from the start); give plain files to many workers.

Notes
-----
Plan for 10^6 atoms x 10^5 frames on a cluster (docs/performance.md has the numbers):
each worker holds one chunk (4 frames: ~0.2 GB at 10^6 atoms); about 50 MB per frame
travel to the client, which partitions at ~25 ms per 10^5 atoms per frame.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterator

from ..errors import SeinetError, TrajectoryError
from ..io import iter_frames, open_trajectory

__all__ = ["prepared_frames", "plan_chunks", "make_client"]

log = logging.getLogger(__name__)


def make_client(workers: int = 0, scheduler: str | None = None):
    """A dask Client: on ``scheduler`` (an address) or a LocalCluster of ``workers`` processes.

    Raises
    ------
    SeinetError
        dask.distributed is not installed, or the scheduler cannot be reached.
    """
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise SeinetError("distributed analysis needs dask.distributed: pip install 'dask[distributed]'") from None
    if scheduler:
        try:
            return Client(scheduler, timeout="10s")
        except (OSError, TimeoutError) as exc:
            raise SeinetError(f"cannot reach the dask scheduler at {scheduler} ({exc})") from None
    cluster = LocalCluster(n_workers=int(workers), threads_per_worker=1, processes=True, dashboard_address=None)
    return Client(cluster)


def plan_chunks(sources, fmt: str, start: int, stop: int | None, step: int, chunk: int, options: dict
                ) -> list[tuple]:
    """Tasks ``(source, first, stop, global offset)`` covering the frames the serial reader would read.

    Frame numbers continue from one segment file to the next as in the serial run
    (the next file starts after the last frame index of the previous one).
    """
    tasks = []
    offset = 0
    for src in sources:
        n = len(open_trajectory(src, fmt, **options))
        end = n if stop is None else min(stop, n)
        indices = list(range(start, end, step))
        for k in range(0, len(indices), chunk):
            part = indices[k:k + chunk]
            tasks.append((src, part[0], part[-1] + 1, offset))
        offset += (indices[-1] + 1) if indices else 0
    return tasks


def _prepare_chunk(src, fmt: str, first: int, stop: int, step: int, cell, options: dict, bond_rules, contact_rules,
                   skip: bool) -> tuple[list, list]:
    """Worker task: read frames [first, stop) with ``step`` and prepare them (no state kept)."""
    from .partition import Partitioner

    bad: list[tuple] = []

    def on_error(err: TrajectoryError) -> None:
        bad.append((err.frame, err.path, -1 if err.offset is None else err.offset, err.message))

    partitioner = None
    out = []
    for frame in iter_frames(src, fmt, start=first, stop=stop, step=step, cell=cell,
                             on_error=on_error if skip else None, **options):
        if partitioner is None:
            partitioner = Partitioner(frame.symbols, bond_rules, contact_rules)
        out.append(partitioner.prepare(frame))
    return out, bad


def prepared_frames(client, sources, settings, options: dict, skipped: list | None = None, chunk: int = 4
                    ) -> Iterator[tuple[int, object]]:
    """Yield ``(global frame number, PreparedFrame)`` in frame order, prepared on the client's workers.

    Parameters
    ----------
    client : distributed.Client
    sources : list of paths
    settings : AnalysisSettings
    options : dict
        Reader options (as the serial reader gets them).
    skipped : list, optional
        Bad frames are appended as ``(global frame, file, byte offset, reason)`` when given
        (``skip_bad_frames``); otherwise the first bad frame raises its TrajectoryError.
    chunk : int
        Frames per task.
    """
    from dataclasses import replace

    s = settings
    tasks = plan_chunks(sources, s.format, s.start, s.stop, s.step, chunk, options)
    n_workers = max(1, len(client.scheduler_info().get("workers", {})))
    window: deque = deque()
    it = iter(tasks)

    def submit() -> bool:
        task = next(it, None)
        if task is None:
            return False
        src, first, stop, offset = task
        fut = client.submit(_prepare_chunk, src, s.format, first, stop, s.step, s.cell_matrix(), options,
                            s.bond_rules, s.contact_rules, skipped is not None, pure=False)
        window.append((fut, offset))
        return True

    for _ in range(2 * n_workers):
        if not submit():
            break
    while window:
        fut, offset = window.popleft()
        prepared, bad = fut.result()  # a worker's TrajectoryError is raised here, as in the serial run
        submit()
        if skipped is not None:
            skipped.extend((offset + (f if f is not None else -1), path, off, msg) for f, path, off, msg in bad)
        for ready in prepared:
            number = offset + ready.frame.index
            if ready.frame.index != number:
                ready = replace(ready, frame=replace(ready.frame, index=number))
            yield number, ready
