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
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool

from .errors import ExtractError
from .extract import extract_article
from .models import Article, Selectors

# A news page extracts in well under a second; 30 s is generous for a huge one on a slow
# runner and still bounds what a hostile page can cost.
EXTRACT_TIMEOUT = 30.0


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 4))


class ExtractionPool:
    """Run :func:`extract_article` in worker processes, each call bounded in time.

    ``extract`` may be called from many threads; at most ``workers`` extractions run at
    once, and a call only starts its clock once a worker is free for it.
    """

    def __init__(
        self,
        workers: int | None = None,
        timeout: float = EXTRACT_TIMEOUT,
        job: Callable[..., Article] = extract_article,
    ) -> None:
        self.workers = workers or default_workers()
        self.timeout = timeout
        self._job = job  # a module-level function: it is sent to the workers by name
        self._free = threading.BoundedSemaphore(self.workers)
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None

    def extract(
        self, page: bytes, url: str, selectors: Selectors | None, content_type: str | None
    ) -> Article:
        with self._free:
            # Once: a call whose pool was killed for another page's timeout is retried.
            for _ in range(2):
                executor = self._get_executor()
                future: Future[Article] = executor.submit(
                    self._job, page, url, selectors=selectors, content_type=content_type
                )
                try:
                    return future.result(timeout=self.timeout)
                except FutureTimeout:
                    self._restart(executor)
                    raise ExtractError(
                        f"{url}: extraction took longer than {self.timeout:g} s; page skipped"
                    ) from None
                except BrokenProcessPool:
                    self._restart(executor)
            raise ExtractError(f"{url}: the extraction worker died")

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
                    self.workers, mp_context=multiprocessing.get_context("spawn")
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
