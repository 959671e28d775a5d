"""Read ahead in a background thread, so parsing overlaps analysis on a second core.

pandas' C tokenizer and seinet's numba kernels release the GIL, so a reader
thread and the analysis thread run concurrently. Exceptions from the reader
(bad frames) are re-raised in the consumer at the frame where they happened.
"""

from __future__ import annotations

import queue
import threading
import warnings
from collections.abc import Iterable, Iterator

__all__ = ["prefetch"]

_DONE = object()


def prefetch(items: Iterable, depth: int = 2) -> Iterator:
    """Yield ``items`` in order while a thread produces up to ``depth`` ahead."""
    q: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                for item in items:
                    while not stop.is_set():
                        try:
                            q.put(("item", item), timeout=0.1)
                            break
                        except queue.Full:
                            continue
                    if stop.is_set():
                        return
            q.put(("warnings", caught))
            q.put(("done", _DONE))
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer
            q.put(("error", exc))

    thread = threading.Thread(target=produce, name="seinet-prefetch", daemon=True)
    thread.start()
    try:
        while True:
            kind, value = q.get()
            if kind == "item":
                yield value
            elif kind == "warnings":
                for w in value:
                    warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
            elif kind == "error":
                raise value
            else:
                return
    finally:
        stop.set()
        while thread.is_alive():
            try:
                q.get_nowait()
            except queue.Empty:
                thread.join(0.05)
