"""Politeness per host: the one place that decides when a request to a host may go out.

Every request of the process goes through one :class:`HostLimiter` (the HTTP client's).
A caller with a say of its own on whether a request still goes out (the re-checks'
budget) gives an :class:`Admission`, asked when the host's turn has come, instead of
keeping a second politeness of its own around the client's.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

# While a request waits for its host's turn, whether its admission was closed is looked
# at this often: a caller that stops does not wait a whole per_host_delay (up to a
# minute) for each of its waiting requests.
WAIT_STEP = 0.1


class Admission:
    """A caller's say on its requests: ``decide``, asked when a request's turn at its host
    came (just before it would go out), may refuse it. Once ``closed`` is set, every
    request is refused and every wait for a turn ends within WAIT_STEP.
    """

    def __init__(self, decide: Callable[[], bool], closed: threading.Event | None = None) -> None:
        self._decide = decide
        self.closed = closed if closed is not None else threading.Event()

    def __call__(self) -> bool:
        return not self.closed.is_set() and self._decide()

    def once(self) -> Admission:
        """``decide`` asked at the first request only: the later ones (a retry, a
        redirect's next hop) belong to a fetch already admitted; closing still refuses
        them."""
        asked = False

        def first() -> bool:
            nonlocal asked
            if asked:
                return True
            asked = True
            return self._decide()

        return Admission(first, self.closed)


class HostLimiter:
    """Politeness per host, shared by every thread: at most ``concurrency`` requests in
    flight to one host, and request starts at least ``delay`` seconds apart.

    Each request reserves its start time under a lock, so waiting threads queue in order
    instead of all waking at once when the delay has passed. A turn its admission
    refused is given back when no later one was reserved: no request went out, so the
    next one need not wait for it.
    """

    def __init__(
        self,
        concurrency: int,
        delay: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._concurrency = concurrency
        self._delay = delay
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._slots: dict[str, threading.Semaphore] = {}
        self._next_start: dict[str, float] = {}

    @contextmanager
    def slot(self, host: str, admit: Admission | None = None) -> Iterator[bool]:
        """Hold one of the host's places while the request runs. Yields False when
        ``admit``, asked once the turn came, refuses: then the caller sends nothing."""
        with self._lock:
            semaphore = self._slots.setdefault(host, threading.Semaphore(self._concurrency))
        with semaphore:
            with self._lock:
                now = self._clock()
                start = max(now, self._next_start.get(host, now))
                self._next_start[host] = start + self._delay
            if admit is None:
                if start > now:
                    self._sleep(start - now)
                yield True
                return
            while not admit.closed.is_set() and (left := start - self._clock()) > 0:
                self._sleep(min(left, WAIT_STEP))
            if not admit():
                with self._lock:
                    if self._next_start.get(host) == start + self._delay:
                        self._next_start[host] = start
                yield False
                return
            yield True
