"""Run labelling tasks on dask.distributed workers, or in the calling process.

Four ways, one result (the list of task results in input order):

- ``client=<distributed.Client>``: use it (it is not closed);
- ``scheduler="synchronous"``: no dask at all, a loop in this process (tests, debugging,
  machines without dask);
- ``scheduler="tcp://host:8786"``: connect to a running scheduler (its workers need seinet and
  the backend's program: tblite, CP2K);
- neither: a ``LocalCluster`` of ``n_workers`` processes with one thread each, started for
  this call and closed after it.

One task per structure (``client.map``, ``pure=False``), gathered in submission order; a
task that raises stops the call with that exception (the other tasks are cancelled). dask's
nanny starts workers with ``OMP_NUM_THREADS=1`` and the backends run one thread each, so a
structure gives the same numbers whichever worker computes it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from ..errors import SimulationConfigError

__all__ = ["SYNCHRONOUS", "run_tasks"]

log = logging.getLogger(__name__)

#: ``scheduler`` value for in-process execution without dask.
SYNCHRONOUS = "synchronous"


def _progress(iterable, total: int, enabled: bool, desc: str):
    if not enabled:
        return iterable
    from tqdm.auto import tqdm

    return tqdm(iterable, total=total, desc=desc, unit="structure")


def run_tasks(func: Callable, items: Sequence, *, client=None, scheduler: str | None = None, n_workers: int = 2,
              progress: bool = False, desc: str = "labelling") -> list:
    """``[func(item) for item in items]``, on dask workers or in this process.

    Parameters
    ----------
    func : callable
        A picklable function of one argument (a module-level function or a
        :func:`functools.partial` of one).
    items : sequence
    client : distributed.Client, optional
        An existing client (not closed here).
    scheduler : str, optional
        ``"synchronous"`` for an in-process loop, or a scheduler address.
    n_workers : int
        Worker processes of the LocalCluster started when neither ``client`` nor
        ``scheduler`` is given (one thread each).
    progress : bool
        Show a tqdm progress bar.
    desc : str
        Progress bar label.

    Returns
    -------
    list
        The results in the order of ``items``.

    Raises
    ------
    SimulationConfigError
        dask.distributed is not installed, or the scheduler cannot be reached.
    """
    items = list(items)
    if client is None and scheduler == SYNCHRONOUS:
        return [func(item) for item in _progress(items, len(items), progress, desc)]
    if not items:
        return []
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise SimulationConfigError("parallel labelling needs dask.distributed: pip install 'dask[distributed]' "
                                    "(or pass scheduler='synchronous' to run in this process)") from None
    owned = []
    if client is None:
        if scheduler:
            try:
                client = Client(scheduler, timeout="10s")
            except (OSError, TimeoutError) as exc:
                raise SimulationConfigError(f"cannot reach the dask scheduler at {scheduler} ({exc})") from None
            owned.append(client)
        else:
            if int(n_workers) < 1:
                raise SimulationConfigError(f"n_workers must be >= 1 (got {n_workers})")
            cluster = LocalCluster(n_workers=int(n_workers), threads_per_worker=1, processes=True,
                                   dashboard_address=None)
            client = Client(cluster)
            owned += [client, cluster]
            log.info("dask LocalCluster: %d workers x 1 thread", int(n_workers))
    try:
        futures = client.map(func, items, pure=False)
        try:
            for _ in _progress(as_completed(futures), len(futures), progress, desc):
                pass
            return client.gather(futures)
        except BaseException:
            client.cancel(futures)
            raise
    finally:
        for obj in owned:
            obj.close()
