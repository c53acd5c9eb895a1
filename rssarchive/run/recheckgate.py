"""What the re-checks add to the client's per-host politeness: the per-run budget and
a host given up after its failed checks (rechecker.py runs the checks through it)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from rssarchive.core import decide
from rssarchive.core import recheck_schedule as schedule
from rssarchive.core.models import Config
from rssarchive.net.politeness import Admission


class RecheckGate:
    """What the re-checks add to the client's politeness (politeness.HostLimiter, the
    one that spaces and caps requests per host): whether a check's request may still go
    out, judged when its host's turn came (the ``admit`` hook given to the client), not
    when the check was handed to a thread: the budget's count and seconds at that
    moment; and not at all for a host that failed its checks in this run
    (decide.HOST_RECHECK_RETRIES), or once the run is stopping.

    So that a host's failures are known before more of its checks are sent, at most
    per_host_concurrency checks of one host fetch at once (a retry's backoff included):
    the same bound as the client's, so it holds no request back from its turn; and it
    ends when the answer came, so extracting a page holds up no request either.
    """

    def __init__(
        self,
        config: Config,
        budget: schedule.Budget,
        timer: Callable[[], float],
        paused: Iterable[str] = (),
    ) -> None:
        self._concurrency = max(1, config.network.per_host_concurrency)
        self._budget = budget
        self._timer = timer
        self._started = timer()
        self._lock = threading.Lock()
        # Per host, on the one lock: a place freed wakes one check of that host only.
        self._places: dict[str, threading.Condition] = {}
        self._fetching: dict[str, int] = {}
        self._failures: dict[str, int] = {}
        # Per host: second fetches waiting for a place (they go first), and all checks
        # asking for one (waiting()).
        self._confirming: dict[str, int] = {}
        self._waiting: dict[str, int] = {}
        # Hosts that answered 429 with Retry-After: none of their checks goes out any
        # more in this run (review 19d, 9); with the seconds each asked for, kept for
        # the next runs (review 19s, M1). ``paused``: those still in an earlier run's.
        self._paused: set[str] = set()
        self._asked: dict[str, float] = {}
        self._held = frozenset(paused)
        self._count = 0
        self._stop = threading.Event()  # closes every check's admission

    def spent(self) -> bool:
        return not schedule.may_start(self._count, self._timer() - self._started, self._budget)

    def stop(self) -> None:
        """No request goes out any more: checks waiting for a place here give up at
        once, those waiting for their host's turn in the client within moments
        (politeness.WAIT_STEP), refused."""
        with self._lock:
            self._stop.set()
            for place in self._places.values():
                place.notify_all()

    @contextmanager
    def check(self, host: str, confirming: bool = False) -> Iterator[Admission | None]:
        """While a check of ``host`` fetches: its admission for the client, or None
        when it is not to start (the run is stopping, or its host failed too often).
        ``confirming``: the second fetch of a check already made, which the budget
        does not count (it counts articles checked) or stop."""
        with self._lock:
            place = self._places.setdefault(host, threading.Condition(self._lock))
            if confirming:
                self._confirming[host] = self._confirming.get(host, 0) + 1
            self._waiting[host] = self._waiting.get(host, 0) + 1
            while not self._closed(host) and not self._my_turn(host, confirming):
                place.wait()
            self._waiting[host] -= 1
            if confirming:
                self._confirming[host] -= 1
            go = not self._closed(host)
            if go:
                self._fetching[host] = self._fetching.get(host, 0) + 1
        if not go:
            yield None
            return
        try:
            admit = (lambda: not self._closed(host)) if confirming else (lambda: self._admit(host))
            yield Admission(admit, self._stop)
        finally:
            with self._lock:
                self._fetching[host] -= 1
                # One place is free; a host given up frees all that wait for it, and a
                # second fetch waiting must be the one to take it.
                if self._closed(host) or self._confirming.get(host, 0):
                    place.notify_all()
                else:
                    place.notify()

    def _my_turn(self, host: str, confirming: bool) -> bool:
        """A place is free, and a check's first request leaves it to the second
        fetches of checks already made (review 19d, 7): a second fetch takes the
        host's next turn, not one behind every first fetch of the host's due articles."""
        if self._fetching.get(host, 0) >= self._concurrency:
            return False
        return confirming or not self._confirming.get(host, 0)

    def _closed(self, host: str) -> bool:
        return (
            self._stop.is_set()
            or host in self._paused
            or host in self._held
            or decide.HOST_RECHECK_RETRIES.gives_up(self._failures.get(host, 0))
        )

    def _admit(self, host: str) -> bool:
        with self._lock:
            go = not self._closed(host) and not self.spent()
            self._count += go
            return go

    def answered(self, host: str, ok: bool) -> None:
        if not ok:
            with self._lock:
                self._failures[host] = self._failures.get(host, 0) + 1

    def waiting(self, host: str) -> int:
        """Checks of ``host`` asking for a place now (those fetching included until
        they got theirs)."""
        with self._lock:
            return self._waiting.get(host, 0)

    def back_off(self, host: str, seconds: float = 0.0) -> None:
        """The host asked for a pause (429 with Retry-After, of ``seconds``): its checks
        stop for this run, those waiting for a place give up at once; the longest pause
        asked is the one kept for the next runs (:meth:`pauses`)."""
        with self._lock:
            self._paused.add(host)
            self._asked[host] = max(seconds, self._asked.get(host, 0.0))
            place = self._places.get(host)
            if place is not None:
                place.notify_all()

    def backed_off(self) -> list[str]:
        return sorted(self._paused)

    def paused(self, host: str) -> bool:
        """Whether ``host`` asked for a pause, in this run or an earlier one."""
        with self._lock:
            return host in self._paused or host in self._held

    def pauses(self) -> dict[str, float]:
        """The seconds each host asked to be left alone for in this run."""
        with self._lock:
            return dict(self._asked)

    def given_up(self) -> list[tuple[str, int]]:
        return sorted(
            (h, n) for h, n in self._failures.items() if decide.HOST_RECHECK_RETRIES.gives_up(n)
        )
