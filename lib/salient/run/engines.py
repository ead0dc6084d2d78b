"""Where the per-article work runs: in this process, in worker processes, or on a Dask cluster.

An engine has one job: `map(fn, items)` returns `[fn(item) for item in items]`, in order, however
the work is spread. The pipeline decides everything else (cache, corpus-wide dates, tables), so
every engine gives byte-identical tables. `fn` must be a module-level function (it is pickled by
reference) and its items picklable.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Protocol

ENGINES = ("local", "dask")
MIN_PARALLEL = 32  # fewer items than this run in-process: starting workers would cost more
CHUNK = 32  # items per task sent to a worker: amortizes pickling and scheduling


class Engine(Protocol):
    def map(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]: ...

    def close(self) -> None: ...


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class _Closing:
    """`with engine:` closes the engine's workers at the end."""

    def close(self) -> None:
        """Release workers; the engine is not used afterwards."""

    def __enter__(self):
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class LocalEngine(_Closing):
    """In-process for `jobs=1` or small inputs, else a pool of `jobs` worker processes."""

    def __init__(self, jobs: int | None = None, *, min_parallel: int = MIN_PARALLEL) -> None:
        self.jobs = max(1, jobs if jobs is not None else default_jobs())
        self.min_parallel = min_parallel
        self._pool: ProcessPoolExecutor | None = None

    def map(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
        if self.jobs == 1 or len(items) < self.min_parallel:
            return [fn(item) for item in items]
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self.jobs)
        chunksize = max(1, min(CHUNK, len(items) // (self.jobs * 4)))
        return list(self._pool.map(fn, items, chunksize=chunksize))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None


class DaskEngine(_Closing):
    """The same map on dask.distributed: the scheduler at `scheduler`, else a LocalCluster.

    Items go to the workers in chunks; the client gathers the results in order. Workers need the
    same salient (and library versions) installed as the client: `check_workers` refuses a
    cluster whose fingerprint differs, as its results would not match the cache's keys.
    """

    def __init__(
        self,
        scheduler: str | None = None,
        *,
        n_workers: int | None = None,
        processes: bool = True,
        chunk: int = CHUNK,
    ) -> None:
        from dask.distributed import Client, LocalCluster

        self.chunk = chunk
        self._cluster = None
        if scheduler:
            self.client = Client(scheduler)
        else:
            self._cluster = LocalCluster(
                n_workers=n_workers or default_jobs(),
                threads_per_worker=1,  # extraction holds the GIL: one thread per process
                processes=processes,
                dashboard_address=None,
            )
            self.client = Client(self._cluster)
        self.check_workers()

    def check_workers(self) -> None:
        """Raise RuntimeError when a worker runs a different salient than this client."""
        from salient.run.cache import library_fingerprint

        mine = library_fingerprint()
        theirs = self.client.run(library_fingerprint)
        odd = sorted(worker for worker, fp in theirs.items() if fp != mine)
        if odd:
            raise RuntimeError(
                f"Dask workers {', '.join(odd)} run a different salient or library versions; "
                "install the same version on every worker"
            )

    def map(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
        if not items:
            return []
        chunks = [list(items[i : i + self.chunk]) for i in range(0, len(items), self.chunk)]
        futures = self.client.map(_run_chunk, [fn] * len(chunks), chunks, pure=False)
        return [result for chunk in self.client.gather(futures) for result in chunk]

    def close(self) -> None:
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()


def _run_chunk(fn: Callable[[Any], Any], chunk: list[Any]) -> list[Any]:
    return [fn(item) for item in chunk]


def make_engine(name: str = "local", *, jobs: int | None = None, scheduler: str | None = None):
    """An engine by name: 'local' (with `jobs`) or 'dask' (at `scheduler`, else a LocalCluster
    of `jobs` workers)."""
    if name == "local":
        return LocalEngine(jobs)
    if name == "dask":
        return DaskEngine(scheduler, n_workers=jobs)
    raise ValueError(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")
