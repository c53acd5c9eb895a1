"""Article extraction in worker processes: both cores, and a hard time limit.

trafilatura and lxml are pure CPU and hold the GIL, so threads cannot use a second
core; and a pathological page can keep them busy for a long time inside C code, where no
Python-level timeout reaches. Worker processes solve both: a page that runs past the
limit has its worker killed and replaced, and only that page fails.

Each worker is a new Python process with two pipes: calls go down one, results come back
up the other in the same order, read by one thread per worker. concurrent.futures'
ProcessPoolExecutor did the same job with a manager thread, a feeder thread and a
selector built anew for every result: in a 1,000-page backfill those cost the parent
~0.4 s of CPU out of its ~3.3 s (a synthetic run of 80 KB pages: 0.39 ms of parent CPU
per call there, 0.17-0.25 ms here).

pebble's ProcessPool was tried in its place (issue 18; numbers in bench/RESULTS.md,
"Worker pool"). It halves this module (113 lines of code against 251, docstrings and
comments aside) but was kept out: the parent paid 0.33-0.39 ms of CPU per call
against 0.18-0.21 ms here, the first result came 0.75-1.1 s after start against
0.3-0.5 s (the 100-page backfill took 9.6 s against 5.7 s, the big-feeds run 35.2 s
against 30.4 s; the 1,000-page backfill was even, 32.2 s against 31.2 s), its fork
server and resource tracker held ~30 MB more, and a result that cannot be unpickled
breaks its whole pool, failing every call in flight, unless each result is pickled
twice in the worker first. It would also be one more dependency.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from multiprocessing.connection import Connection
from typing import Any, TypeVar, cast

from rssarchive.core.decide.policies import WORKER_DEATH_RETRIES
from rssarchive.core.errors import ExtractError
from rssarchive.core.models import Article, Selectors
from rssarchive.net.addresses import Allow

R = TypeVar("R")

# A news page extracts in well under a second; 30 s is generous for a huge one on a slow
# runner and still bounds what a hostile page can cost.
EXTRACT_TIMEOUT = 30.0


# Calls the pool holds per worker process: the one it runs and one queued beside it, so
# that a worker that finishes starts its next page at once instead of waiting for a
# thread to hand it one (the queued call's clock starts only when it runs).
QUEUED_PER_WORKER = 2
# How often a worker checks that the run that started it is still alive.
PARENT_CHECK_INTERVAL = 0.2
# Pages a worker extracts between two clearings of trafilatura's caches (see below).
PAGES_PER_CACHE_RESET = 500

# Pipe capacity asked for (Linux caps it at /proc/sys/fs/pipe-max-size, 1 MB by default).
PIPE_BYTES = 1024 * 1024

_pages_done = 0


def extract_in_worker(
    page: bytes,
    url: str,
    *,
    selectors: Selectors | None,
    content_type: str | None,
    allow_private_addresses: Allow = False,
) -> Article:
    # Imported here, so that starting a worker (and its parent check) is quick.
    from rssarchive.extract.article import extract_article

    global _pages_done
    _pages_done += 1
    if _pages_done % PAGES_PER_CACHE_RESET == 0:
        release_caches()
    return extract_article(
        page,
        url,
        selectors=selectors,
        content_type=content_type,
        allow_private_addresses=allow_private_addresses,
    )


def warm_up() -> None:
    """Import the extractor (~0.3 s of CPU), so that a worker's first page need not."""
    import trafilatura  # noqa: F401

    from rssarchive.extract import article as extract  # noqa: F401


def release_caches() -> None:
    """Empty trafilatura's module-level caches (stripped lines, htmldate's and courlan's
    lookups). They are bounded, and since extraction stopped computing content
    fingerprints (whose per-word cache, when never cleared, grew a worker by ~35 MB) they
    stay small; pages of one archive never repeat, so clearing them every few hundred
    pages (~10 ms) costs nothing and keeps a long backfill's workers flat."""
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


class _WorkerDied(Exception):
    """The worker process ended with this call sent to it (killed, crashed, or closed)."""


class _Call:
    """One call sent to a worker: its future, and when the worker started on it."""

    __slots__ = ("future", "started")

    def __init__(self) -> None:
        self.future: Future[Any] = Future()
        self.started: float | None = None  # None while calls before it still run


def serve(calls_fd: int, results_fd: int, parent: int) -> None:
    """A worker's life: run each call that arrives, send back its result or exception,
    until the pipe closes (the pool closed) or the parent is gone."""
    calls = Connection(calls_fd, writable=False)
    results = Connection(results_fd, readable=False)
    _exit_with_parent(parent)
    while True:
        try:
            data = calls.recv_bytes()
        except (EOFError, OSError):
            return
        try:
            function, args, kwargs = pickle.loads(data)
            outcome: tuple[bool, Any] = (True, function(*args, **kwargs))
        except Exception as exc:
            outcome = (False, exc)
        try:
            payload = pickle.dumps(outcome, pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # an exception (or result) that cannot travel
            error = ExtractError(f"a worker's result could not be sent back ({exc})")
            payload = pickle.dumps((False, error), pickle.HIGHEST_PROTOCOL)
        try:
            results.send_bytes(payload)
        except OSError:
            return


def _widen(connection: Connection) -> None:
    """A pipe that holds a whole page (Linux): one write per call instead of a 64 KB
    trickle, each piece waking the other side."""
    try:
        import fcntl

        fcntl.fcntl(connection.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (ImportError, AttributeError, OSError):
        pass


class _Worker:
    """One worker process, its two pipes, and the calls sent to it, oldest first."""

    def __init__(self) -> None:
        call_out, call_in = os.pipe()  # (the worker's reading end, our writing end)
        result_out, result_in = os.pipe()
        # A new interpreter, not a fork: the parent runs HTTP threads, and forking a
        # threaded process can copy a held lock into the child. Not multiprocessing's
        # spawn either: it starts a resource-tracker process as well (13 MB, for
        # resources this pool never makes). A worker is a process group of its own, so
        # that Ctrl-C in a terminal (and a signal sent to the run's group) reaches only
        # the parent, which stops the run and kills its workers: a worker still
        # starting up would print "Fatal Python error" for it. It also ignores SIGINT
        # from its first line, for a signal sent to it all the same.
        code = (
            "import signal; signal.signal(signal.SIGINT, signal.SIG_IGN); import sys; "
            f"sys.path[:] = {sys.path!r}; from {__name__} import serve; "
            f"serve({call_out}, {result_in}, {os.getpid()})"
        )
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-c", code],
                stdin=subprocess.DEVNULL,
                pass_fds=(call_out, result_in),
                process_group=0,
            )
        except BaseException:
            for fd in (call_in, result_out):
                os.close(fd)
            raise
        finally:
            os.close(call_out)  # the worker's ends: closed here, so that EOF means it is gone
            os.close(result_in)
        self._calls = Connection(call_in, readable=False)
        self._results = Connection(result_out, writable=False)
        _widen(self._calls)
        _widen(self._results)
        self._send_lock = threading.Lock()
        self._lock = threading.Lock()
        self._pending: deque[_Call] = deque()
        self._dead = False
        self._closed = False
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    @property
    def load(self) -> int:
        return len(self._pending)

    def send(self, function: Callable[..., Any], args: tuple[Any, ...], kwargs: Any) -> _Call:
        data = pickle.dumps((function, args, kwargs), pickle.HIGHEST_PROTOCOL)
        call = _Call()
        # Two locks: the send lock keeps calls in the order they are read back, and is
        # held while the pipe is full (a large feed, the worker busy); the reader only
        # ever takes the short one, so the worker's results drain meanwhile. (One lock
        # for both deadlocked: a worker blocked sending a large result never read on.)
        with self._send_lock:
            with self._lock:
                if self._dead or self._closed:
                    raise _WorkerDied
                if not self._pending:
                    call.started = time.monotonic()
                self._pending.append(call)
            try:
                self._calls.send_bytes(data)
            except OSError:
                raise _WorkerDied from None  # the reader fails the call at the pipe's EOF
        return call

    def _read(self) -> None:
        """The results, in order (this worker's own thread)."""
        while True:
            try:
                data = self._results.recv_bytes()
            except (EOFError, OSError):
                break
            with self._lock:
                call = self._pending.popleft()
                if self._pending:
                    self._pending[0].started = time.monotonic()
            try:
                ok, value = pickle.loads(data)
            except Exception as exc:  # e.g. an exception class that cannot be rebuilt
                ok, value = False, ExtractError(f"a worker's result could not be read ({exc})")
            if ok:
                call.future.set_result(value)
            else:
                call.future.set_exception(value)
        with self._lock:
            self._dead = True
            left, self._pending = list(self._pending), deque()
        for call in left:
            call.future.set_exception(_WorkerDied())

    def kill(self) -> None:
        self.process.kill()  # a sender blocked on the full pipe gets EPIPE and lets go
        self.close()

    def close(self) -> None:
        """Let the worker finish what it was sent, then end; wait for it. Idempotent."""
        with self._send_lock:
            with self._lock:
                if self._closed:
                    return
                self._closed = True
            self._calls.close()  # the worker reads EOF after its last call
        self.process.wait()
        self._reader.join()
        self._results.close()


class ExtractionPool:
    """Run :func:`extract_article` in worker processes, each call bounded in time.

    ``extract`` may be called from many threads; each worker runs one call and holds
    at most one more, so a worker that finishes starts its next page at once, and a
    call's clock starts only when its worker starts on it.
    """

    def __init__(
        self,
        workers: int | None = None,
        timeout: float | None = None,
        job: Callable[..., Article] = extract_in_worker,
        *,
        allow_private_addresses: Allow = False,
    ) -> None:
        self.workers = workers or default_workers()
        self.timeout = EXTRACT_TIMEOUT if timeout is None else timeout
        self._job = job  # a module-level function: it is sent to the workers by name
        # The config's network.allow_private_addresses, for lead images' URLs.
        self._allow_private = allow_private_addresses
        self._free = threading.BoundedSemaphore(self.workers * QUEUED_PER_WORKER)
        self._lock = threading.Lock()
        self._slots: list[_Worker | None] = [None] * self.workers
        self._warmed = False
        self._closed = False  # closed pools start no worker (a thread may still call)

    def extract(
        self, page: bytes, url: str, selectors: Selectors | None, content_type: str | None
    ) -> Article:
        return self.run(
            url,
            self._job,
            page,
            url,
            selectors=selectors,
            content_type=content_type,
            allow_private_addresses=self._allow_private,
        )

    def run(self, label: str, function: Callable[..., R], *args: Any, **kwargs: Any) -> R:
        """``function(*args, **kwargs)`` in a worker, bounded in time; ``label`` (a URL)
        names the work in errors. ``function`` must be importable by name."""
        with self._free:
            try:
                # Again when the worker died under a call, within WORKER_DEATH_RETRIES:
                # it may have been killed for another call's time limit.
                attempts = 0
                while True:
                    worker = self._least_loaded()
                    attempts += 1
                    try:
                        call = worker.send(function, args, kwargs)
                        return cast(R, self._wait(label, worker, call))
                    except _WorkerDied:
                        self._replace(worker)
                    if WORKER_DEATH_RETRIES.gives_up(attempts):
                        raise ExtractError("the worker process died on it", url=label)
            except ExtractError as exc:
                # The pool's own errors (a result that could not travel, a run
                # stopping) are raised where the work's URL is not known: named here.
                if exc.url is None:
                    exc.url = label
                raise

    def _wait(self, label: str, worker: _Worker, call: _Call) -> Any:
        wait = self.timeout
        while True:
            try:
                return call.future.result(timeout=wait)
            except FutureTimeout:
                # Queued behind another call, the clock has not started yet.
                started = call.started
                wait = (
                    self.timeout if started is None else started + self.timeout - time.monotonic()
                )
                if wait > 0:
                    continue
                self._replace(worker, kill=True)
                raise ExtractError(
                    f"took longer than {self.timeout:g} s in a worker process; skipped", url=label
                ) from None

    def warm(self) -> None:
        """Start every worker now, importing the extractor while the first pages are
        still being fetched."""
        with self._lock:
            if self._warmed:
                return
            self._warmed = True
        for index in range(self.workers):
            self._worker(index).send(warm_up, (), {})  # its result is not waited for

    def close(self, *, kill: bool = False) -> None:
        """Let each worker finish what it was sent and end; with ``kill`` (the run was
        interrupted), end them at once: a page's extraction may take up to the time
        limit, and nobody will write it."""
        with self._lock:
            workers, self._slots = self._slots, [None] * self.workers
            self._closed = True
        for worker in workers:
            if worker is not None:
                if kill:
                    worker.kill()
                else:
                    worker.close()

    def _least_loaded(self) -> _Worker:
        with self._lock:
            loads = [slot.load if slot is not None else 0 for slot in self._slots]
        return self._worker(loads.index(min(loads)))

    def _worker(self, index: int) -> _Worker:
        with self._lock:
            if self._closed:
                raise ExtractError("the run is stopping; no extraction started")
            worker = self._slots[index]
            if worker is None:
                worker = self._slots[index] = _Worker()
            return worker

    def _replace(self, worker: _Worker, *, kill: bool = False) -> None:
        """Take ``worker`` out of its slot (a new one starts on the next call) and end it.
        Killed, its other calls see _WorkerDied and are tried again elsewhere."""
        with self._lock:
            for index, slot in enumerate(self._slots):
                if slot is worker:
                    self._slots[index] = None
        if kill:
            worker.kill()
        else:
            worker.close()  # dead already: this only collects it
