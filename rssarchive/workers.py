"""Article extraction in worker processes: both cores, and a hard time limit.

trafilatura and lxml are pure CPU and hold the GIL, so threads cannot use a second
core; and a pathological page can keep them busy for a long time inside C code, where no
Python-level timeout reaches. Worker processes solve both: a page that runs past the
limit has its worker killed, the pool is started again, and only that page fails.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from .errors import ExtractError
from .models import Article, Selectors

R = TypeVar("R")

# A news page extracts in well under a second; 30 s is generous for a huge one on a slow
# runner and still bounds what a hostile page can cost.
EXTRACT_TIMEOUT = 30.0


# Pages in the pool per worker process (see ExtractionPool.__init__).
QUEUED_PER_WORKER = 2
# How often a worker checks that the run that started it is still alive.
PARENT_CHECK_INTERVAL = 0.2
# Pages a worker extracts between two clearings of trafilatura's caches (see below).
PAGES_PER_CACHE_RESET = 500

_pages_done = 0


def extract_in_worker(
    page: bytes, url: str, *, selectors: Selectors | None, content_type: str | None
) -> Article:
    # Imported here, so that starting a worker (and its parent check) is quick.
    from .extract import extract_article

    global _pages_done
    _pages_done += 1
    if _pages_done % PAGES_PER_CACHE_RESET == 0:
        release_caches()
    return extract_article(page, url, selectors=selectors, content_type=content_type)


def warm_up() -> None:
    """Import the extractor (~0.3 s of CPU), so that a worker's first page need not."""
    import trafilatura  # noqa: F401

    from . import extract  # noqa: F401


def release_caches() -> None:
    """Empty trafilatura's module-level caches. They are bounded, but their bound is
    large (16,384 content fingerprints, each with its text): a worker grew by ~35 MB
    between its 1,000th and 2,000th page. Pages of one archive never repeat, so the
    caches buy nothing here; clearing them every few hundred pages keeps workers flat
    for about 10 ms each time."""
    import trafilatura.meta

    trafilatura.meta.reset_caches()


def _exit_with_parent(parent: int) -> None:
    """Worker initializer: end this worker when the run is gone (even after kill -9),
    instead of leaving it to finish a page nobody will write."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_INTERVAL)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 4))


class ExtractionPool:
    """Run :func:`extract_article` in worker processes, each call bounded in time.

    ``extract`` may be called from many threads; at most ``workers`` extractions run at
    once and as many more wait in the pool, so a call's clock starts at most one page's
    time before a worker takes it.
    """

    def __init__(
        self,
        workers: int | None = None,
        timeout: float | None = None,
        job: Callable[..., Article] = extract_in_worker,
    ) -> None:
        self.workers = workers or default_workers()
        self.timeout = EXTRACT_TIMEOUT if timeout is None else timeout
        self._job = job  # a module-level function: it is sent to the workers by name
        # One page queued per worker beside the one it works on: a worker that finishes
        # starts its next page at once instead of waiting for a thread to hand it one.
        # A queued page waits at most one page's time, well inside the limit.
        self._free = threading.BoundedSemaphore(self.workers * QUEUED_PER_WORKER)
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None

    def extract(
        self, page: bytes, url: str, selectors: Selectors | None, content_type: str | None
    ) -> Article:
        return self.run(url, self._job, page, url, selectors=selectors, content_type=content_type)

    def run(self, label: str, function: Callable[..., R], *args: Any, **kwargs: Any) -> R:
        """``function(*args, **kwargs)`` in a worker, bounded in time; ``label`` (a URL)
        names the work in errors. ``function`` must be importable by name."""
        with self._free:
            # Once: a call whose pool was killed for another page's timeout is retried.
            for _ in range(2):
                executor = self._get_executor()
                future: Future[R] = executor.submit(function, *args, **kwargs)
                try:
                    return future.result(timeout=self.timeout)
                except FutureTimeout:
                    self._restart(executor)
                    raise ExtractError(
                        f"{label}: took longer than {self.timeout:g} s in a worker process; skipped"
                    ) from None
                except BrokenProcessPool:
                    self._restart(executor)
            raise ExtractError(f"{label}: the worker process died on it")

    def warm(self) -> None:
        """Start every worker now, importing the extractor while the first pages are
        still being fetched (a submit starts a worker when none is idle)."""
        executor = self._get_executor()
        for _ in range(self.workers):
            executor.submit(warm_up)

    def close(self) -> None:
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)

    def _get_executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                # spawn: the parent runs HTTP threads, and forking a threaded process can
                # copy a held lock into the child.
                self._executor = ProcessPoolExecutor(
                    self.workers,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_exit_with_parent,
                    initargs=(os.getpid(),),
                )
            return self._executor

    def _restart(self, executor: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._executor is not executor:
                return  # another thread restarted it already
            self._executor = None
        # The stuck worker ignores shutdown; kill every worker of the old pool. Calls
        # still waiting on it see BrokenProcessPool and retry on the new pool.
        processes = list(getattr(executor, "_processes", {}).values())
        for process in processes:
            process.kill()
        executor.shutdown(wait=False, cancel_futures=True)
