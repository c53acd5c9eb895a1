"""Re-checks go through the one per-host politeness (the HTTP client's HostLimiter), and
the re-checker adds only its own say, asked when a request's turn came: the budget,
giving up on a failing host, stopping. Against a real local server, whose log of
requests is what is measured."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from rssarchive.core import recheck_schedule as schedule
from rssarchive.core.errors import NotAdmittedError
from rssarchive.core.models import Config, Entry, FeedConfig, NetworkConfig
from rssarchive.core.urls import host_key
from rssarchive.net.http import HttpClient
from rssarchive.net.politeness import Admission, HostLimiter
from rssarchive.run import rechecker, recheckgate, recheckpage
from rssarchive.run.rechecker import Rechecker
from rssarchive.store.state import State

T0 = datetime(2024, 7, 24, tzinfo=UTC)
AN_HOUR = (timedelta(hours=1),)


def _page(n: int) -> str:
    text = f"第{n}篇文章的正文，足够长的一段文字，用来提取和比较。"
    return f"<html><body><article><p>{text}</p><p>{text}</p></article></body></html>"


def _config(tmp_path: Path, server: HTTPServer, **network: Any) -> Config:
    return Config(
        site_dir=tmp_path / "site",
        state_path=tmp_path / "state.sqlite3",
        feeds=(FeedConfig(name="F", url=server.url_for("/f"), recheck=AN_HOUR),),
        network=NetworkConfig(allow_private_addresses=True, timeout=10, **network),
    )


@pytest.fixture
def state(tmp_path: Path) -> Iterator[State]:
    opened = State.open(tmp_path / "state.sqlite3")
    yield opened
    opened.close()


def _archive(state: State, server: HTTPServer, n: int) -> str:
    """Article ``n`` archived at T0 from its page, due an hour later."""
    url = server.url_for(f"/a/{n}")
    ident = state.begin(
        url_key=url, guid_key=None, feed="F", entry=Entry(title="t", link=url), now=T0
    )
    state.finish(ident, f"2024-07-24-{n}.md", T0)
    state.schedule_recheck(ident, T0, T0 + timedelta(hours=1), from_page=False)
    return f"/a/{n}"


class Log:
    """The server's log: (monotonic time, what) of each request as it arrives, and of
    the re-checker's own events the tests add."""

    def __init__(self) -> None:
        self.lines: list[tuple[float, str]] = []
        self.lock = threading.Lock()

    def add(self, what: str) -> None:
        with self.lock:
            self.lines.append((time.monotonic(), what))

    def arrivals(self) -> list[tuple[float, str]]:
        return [(t, w) for t, w in self.lines if w.startswith("GET ")]

    def order(self) -> list[str]:
        return [w for _, w in self.lines]


def _serve(server: HTTPServer, path: str, n: int, log: Log, then: Callable[[], None]) -> None:
    def answer(request: Request) -> Response:
        log.add(f"GET {path}")
        then()
        return Response(_page(n), content_type="text/html")

    server.expect_request(path).respond_with_handler(answer)


def test_one_politeness_and_extraction_holds_up_no_request_to_its_host(
    tmp_path: Path, httpserver: HTTPServer, state: State, monkeypatch: pytest.MonkeyPatch
) -> None:
    delay = 0.3
    config = _config(tmp_path, httpserver, per_host_concurrency=1, per_host_delay=delay)
    paths = [_archive(state, httpserver, n) for n in range(4)]
    log = Log()
    second = threading.Event()  # the host's second request has arrived
    for n, path in enumerate(paths):
        _serve(httpserver, path, n, log, (lambda: None) if n == 0 else second.set)

    # The first page's extraction (the real one) ends only once the host's next request
    # has arrived: a gate that held the host through extraction would send that request
    # only after this wait gave up, and the log would show the extraction end first.
    real = recheckpage.page_text
    extracted: list[str] = []

    def slow_first(
        response: rechecker.Response, feed: FeedConfig, allow: rechecker.Allow
    ) -> tuple[str | None, str | None]:
        text = real(response, feed, allow)
        if not extracted:
            second.wait(30)
        extracted.append(response.url)
        log.add(f"extracted {response.url}")
        return text

    monkeypatch.setattr(recheckpage, "page_text", slow_first)
    with HttpClient(config.network) as client:
        report = Rechecker(config, client, state, lambda: T0 + timedelta(hours=2)).run()
    assert report.checked == 4 and report.outages == 0
    order = log.order()
    first_extracted = next(i for i, w in enumerate(order) if w.startswith("extracted"))
    assert sum(w.startswith("GET ") for w in order[:first_extracted]) >= 2, order
    # Still one politeness: the server saw the host's requests at least its delay apart
    # (a little slack for when the server's thread logs an arrival).
    starts = [t for t, _ in log.arrivals()]
    assert len(starts) == 4
    assert all(b - a >= delay - 0.05 for a, b in itertools.pairwise(starts)), starts


def test_the_budget_is_judged_when_the_request_goes_out(
    tmp_path: Path, httpserver: HTTPServer, state: State
) -> None:
    config = _config(tmp_path, httpserver, per_host_concurrency=1, per_host_delay=0)
    config = Config(**{**config.__dict__, "recheck_seconds": 25.0})
    paths = [_archive(state, httpserver, n) for n in range(5)]
    log = Log()
    # The budget's clock: each request that reaches the server moves it 10 s on. All
    # five checks are handed to threads at 0 s; the budget (25 s) must be judged when
    # each request's turn came: at 0, 10 and 20 s they go, at 30 s the fourth does not.
    clock = [0.0]

    def tick() -> None:
        clock[0] += 10.0

    for n, path in enumerate(paths):
        _serve(httpserver, path, n, log, tick)
    with HttpClient(config.network) as client:
        checker = Rechecker(
            config, client, state, lambda: T0 + timedelta(hours=2), timer=lambda: clock[0]
        )
        report = checker.run()
    # Which three went out is the threads' race (they wait for one place at the gate);
    # that three did, and no fourth, is the budget's.
    sent = [w for _, w in log.arrivals()]
    assert len(sent) == 3 and set(sent) <= {f"GET {p}" for p in paths}, sent
    assert report.checked == 3 and report.still_due == 2


def test_a_stopped_gate_leaves_no_check_waiting_for_its_turn(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    # A minute between requests to the host: the second check waits for its turn in
    # the client, the third for a place at the gate, when the run stops.
    config = _config(tmp_path, httpserver, per_host_concurrency=1, per_host_delay=60)
    log = Log()
    for n in range(3):
        _serve(httpserver, f"/a/{n}", n, log, lambda: None)
    host = host_key(httpserver.url_for("/"))
    gate = recheckgate.RecheckGate(config, schedule.Budget(10, 3600.0), time.monotonic)
    waiting = threading.Event()

    def sleep(seconds: float) -> None:  # the client's waits for a turn
        waiting.set()
        time.sleep(seconds)

    outcomes: dict[int, str] = {}

    def check(n: int) -> None:
        with gate.check(host) as admit:
            if admit is None:
                outcomes[n] = "not started"
                return
            try:
                client.get(httpserver.url_for(f"/a/{n}"), admit=admit)
                outcomes[n] = "fetched"
            except NotAdmittedError:
                outcomes[n] = "refused"

    with HttpClient(config.network, sleep=sleep) as client:
        check(0)
        threads = [threading.Thread(target=check, args=(n,)) for n in (1, 2)]
        for thread in threads:
            thread.start()
        assert waiting.wait(30)
        gate.stop()
        for thread in threads:
            # Within moments, not the minute of the host's turn.
            thread.join(timeout=20)
            assert not thread.is_alive()
    assert [w for _, w in log.arrivals()] == ["GET /a/0"]
    assert sorted(outcomes.values()) == ["fetched", "not started", "refused"]


def test_host_limiter_asks_the_admission_when_the_turn_came_and_gives_back_a_refused_turn() -> None:
    now = [100.0]
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += seconds

    limiter = HostLimiter(1, 1.0, clock=lambda: now[0], sleep=sleep)
    asked: list[float] = []

    def refuse() -> bool:
        asked.append(now[0])
        return False

    with limiter.slot("a") as went:
        assert went
    with limiter.slot("a", Admission(refuse)) as went:
        assert not went
    # Asked once its turn came (a delay after the first request), not when it queued.
    assert asked == [pytest.approx(101.0)] and sum(sleeps) == pytest.approx(1.0)
    # Its turn was not used: the next request goes at once, not a second delay later.
    with limiter.slot("a", Admission(lambda: True)) as went:
        assert went
    assert sum(sleeps) == pytest.approx(1.0) and now[0] == pytest.approx(101.0)
    # A closed admission refuses, without asking its decision.
    closed = Admission(refuse)
    closed.closed.set()
    with limiter.slot("a", closed) as went:
        assert not went
    assert len(asked) == 1
