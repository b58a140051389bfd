"""Map a function over many items in a process pool, in order, reporting progress."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

from hlopt.core.progress import Progress

T = TypeVar("T")
R = TypeVar("R")


def parallel_map(
    fn: Callable[[T], R],
    items: Sequence[T],
    jobs: int | None,
    progress: Progress,
    label: str,
    *,
    threshold: int = 48,
    chunksize: int | None = None,
    initializer: Callable[..., None] | None = None,
    initargs: tuple[Any, ...] = (),
) -> list[R]:
    """``map`` over one process per core (``jobs``), in-process below ``threshold`` items.

    ``chunksize`` None picks one that keeps every worker busy (a few chunks each); pass 1
    when each item is heavy. ``fn`` and the items must pickle.
    """
    total = len(items)
    workers = min(jobs or os.cpu_count() or 1, max(1, total))
    progress(label, 0, total)
    if workers <= 1 or total < threshold:
        if initializer is not None:
            initializer(*initargs)
        out = []
        for i, item in enumerate(items, 1):
            out.append(fn(item))
            progress(label, i, total)
        return out
    chunk = chunksize or max(1, min(32, total // (workers * 8)))
    results: list[R] = []
    with ProcessPoolExecutor(workers, initializer=initializer, initargs=initargs) as pool:
        for i, r in enumerate(pool.map(fn, items, chunksize=chunk), 1):
            results.append(r)
            if i % chunk == 0 or i == total:
                progress(label, i, total)
    return results
