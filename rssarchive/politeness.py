"""Politeness per host: the one place that decides when a request to a host may go out.

Every request of the process goes through one :class:`HostLimiter` (the HTTP client's);
callers with a say of their own on whether a request still goes out (the re-checks'
budget) give an ``admit`` hook, asked when the host's turn has come, instead of keeping
a second politeness of their own around the client's.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

# Asked when a request's turn came, just before it would go out: False keeps it unsent.
Admit = Callable[[], bool]


def once(admit: Admit) -> Admit:
    """``admit`` asked at the first request only; later ones (a retry, a redirect's next
    hop) belong to a fetch already admitted."""
    asked = False

    def first() -> bool:
        nonlocal asked
        if asked:
            return True
        asked = True
        return admit()

    return first


class HostLimiter:
    """Politeness per host, shared by every thread: at most ``concurrency`` requests in
    flight to one host, and request starts at least ``delay`` seconds apart.

    Each request reserves its start time under a lock, so waiting threads queue in order
    instead of all waking at once when the delay has passed. A turn its ``admit`` hook
    refused is given back when no later one was reserved: no request went out, so the
    next one need not wait for it (and a caller that stopped does not make each of its
    waiting requests sleep a delay in turn before refusing).
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
    def slot(self, host: str, admit: Admit | None = None) -> Iterator[bool]:
        """Hold one of the host's places while the request runs; yields False (and sends
        nothing, the caller's part) when ``admit``, asked once the turn came, refuses."""
        with self._lock:
            semaphore = self._slots.setdefault(host, threading.Semaphore(self._concurrency))
        with semaphore:
            with self._lock:
                now = self._clock()
                start = max(now, self._next_start.get(host, now))
                self._next_start[host] = start + self._delay
            if start > now:
                self._sleep(start - now)
            if admit is not None and not admit():
                with self._lock:
                    if self._next_start.get(host) == start + self._delay:
                        self._next_start[host] = start
                yield False
                return
            yield True
