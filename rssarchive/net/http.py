"""The only module that speaks HTTP: one client with the network policy around it.

What it guarantees to callers, whatever the server does:

* only http/https, redirects followed by hand (bounded), every hop re-checked with
  ``addresses.check_url`` (re-exported here);
* the address policy (``addresses.py``) is applied to the addresses DNS returned, and the
  socket connects to exactly the address that was checked (no DNS-rebinding window:
  ``transport.GuardedBackend``);
* the decoded body never exceeds ``max_bytes`` and is decoded in bounded steps, so a gzip
  bomb costs at most the cap in memory;
* one attempt never takes longer than ``network.timeout`` seconds, slow-drip included,
  counted while it holds its host's slot (the wait for the host's turn is not counted);
* transient failures are retried a few times with backoff; 429 and 503 with Retry-After
  are not (the caller schedules the next attempt from ``FetchError.retry_after``): which
  are tried again is decide.retry_now's, beside the policy (decide.FETCH_RETRIES);
* every failure is a :class:`FetchError`; no httpcore/socket exception escapes, and
  which kind of failure it was is decided by its type (``transport.network_reason``).

HTTP/1.1 itself is httpcore's (h11 underneath), with kept-alive connections per host;
the wire under it (DNS, the address check, sockets, deadline, cancellation) is ours, in
``transport.py``.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from http import HTTPStatus
from types import TracebackType

import httpcore
import httpx
import tenacity

from rssarchive.core.caps import DEFAULT_MAX_BYTES
from rssarchive.core.dates import parse_http_date, to_utc
from rssarchive.core.decide import FETCH_RETRIES, retry_now, wire_failure_passes
from rssarchive.core.errors import (
    BlockedAddressError,
    FetchError,
    NotAdmittedError,
    RssArchiveError,
)
from rssarchive.core.models import NetworkConfig, Response
from rssarchive.core.stubs import STUB_HOPS
from rssarchive.net import bodies, messages
from rssarchive.net.addresses import address_policy, check_url
from rssarchive.net.politeness import Admission, HostLimiter
from rssarchive.net.transport import (
    CANCELLED,
    CONNECT_TIMEOUT,
    HOP,
    Cancelled,
    GuardedBackend,
    Hop,
    Pool,
    Refused,
    allow_requests,
    cancel_requests,
    network_reason,
)

__all__ = [
    "CONNECT_TIMEOUT",
    "DEFAULT_MAX_BYTES",
    "MAX_REDIRECTS",
    "MAX_RETRY_AFTER",
    "HostLimiter",
    "HttpClient",
    "allow_requests",
    "cancel_requests",
    "check_url",
    "parse_retry_after",
]

log = logging.getLogger(__name__)

# Browsers stop at 20; real feeds rarely need more than 2 or 3 hops (http→https, a move).
MAX_REDIRECTS = 10
# A Retry-After longer than this is treated as this: a misconfigured server must not
# silence a feed for days; six hours still keeps it polled a few times a day.
MAX_RETRY_AFTER = 6 * 3600.0
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Kept-alive connections spare a new TCP/TLS handshake per request; one idle this long
# is closed (servers commonly drop them after 5 to 15 s).
KEEPALIVE_EXPIRY = 5.0
# Socket timeouts may wake a little before the deadline; within this, it was the deadline.
_DEADLINE_TOLERANCE = 0.05


def _cancellable_sleep(seconds: float) -> None:
    """Wait between attempts or for a host's turn; cancel_requests ends the wait."""
    if CANCELLED.wait(seconds):
        raise Cancelled


# ------------------------------------------------------------------- Retry-After parsing


def parse_retry_after(value: str, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After value (delay-seconds or HTTP-date), capped.

    None when the value is not valid; a date in the past gives 0.
    """
    text = value.strip()
    if re.fullmatch(r"\d+(\.\d+)?", text):
        if len(text.partition(".")[0]) > 9:  # also avoids int() on thousands of digits
            return MAX_RETRY_AFTER
        return min(float(text), MAX_RETRY_AFTER)
    when = parse_http_date(text)
    if when is None:
        return None
    return min(max((when - to_utc(now)).total_seconds(), 0.0), MAX_RETRY_AFTER)


class _BodyCutShort(Exception):
    """The server closed the connection before the end of the body it announced."""


class _StreamCutShort(Exception):
    """A compressed body whose stream stops before its end: cut short, whatever its
    framing said (a close-delimited body has nothing else to tell)."""


class _Transient(Exception):
    """Carries a FetchError that may deserve another attempt (an HTTP error status, or a
    failure on the wire that may pass), with what decide.retry_now weighs: the error's
    status and Retry-After, and whether the attempt spent its whole time. Only tenacity
    sees it; get() raises its FetchError."""

    def __init__(self, error: FetchError, *, budget_spent: bool = False) -> None:
        super().__init__(str(error))
        self.error = error
        self.budget_spent = budget_spent


def _worth_another_try(exc: BaseException) -> bool:
    """tenacity's retry predicate: decide.retry_now, for the failures that may pass."""
    if not isinstance(exc, _Transient):
        return False
    return retry_now(exc.error.status, exc.error.retry_after, exc.budget_spent)


# ------------------------------------------------------------------------------ client


class _Budget:
    """The time one attempt may spend on the network (``network.timeout``), counted only
    while one of its hops holds its host's slot: each hop gets a deadline of what is
    left when its turn comes (set in transport.HOP for the backend's socket calls)."""

    def __init__(self, seconds: float) -> None:
        self.left = seconds
        self.hop: Hop | None = None  # the hop running, else the last one

    @property
    def deadline(self) -> float | None:
        return None if self.hop is None else self.hop.deadline

    @contextmanager
    def running(self) -> Iterator[None]:
        started = time.monotonic()
        self.hop = Hop(started + self.left)
        token = HOP.set(self.hop)
        try:
            yield
        finally:
            HOP.reset(token)
            self.left -= time.monotonic() - started

    def spent(self) -> bool:
        """Whether the whole budget is used up (a socket timeout may wake a little early)."""
        return self.hop is not None and time.monotonic() >= self.hop.deadline - _DEADLINE_TOLERANCE

    def peer_closed(self) -> bool:
        """Whether the server closed the connection during the last hop."""
        return self.hop is not None and self.hop.peer_closed


class HttpClient:
    """One client with the network policy, caps, deadline and retries around it.

    Safe to share between threads: one connection pool (kept-alive connections per
    host, the TLS context built once), all behind one HostLimiter. Cookies live for one
    ``get`` only, in a jar of its own, so a consent redirect works and nothing crosses
    into another fetch.
    """

    def __init__(
        self,
        network: NetworkConfig,
        *,
        backend: httpcore.NetworkBackend | None = None,
        sleep: Callable[[float], None] = _cancellable_sleep,
    ) -> None:
        self._allow = network.allow_private_addresses
        policy = address_policy(self._allow)  # invalid entries fail here, as ConfigError
        self._timeout = network.timeout
        self._sleep = sleep
        self._limiter = HostLimiter(
            network.per_host_concurrency, network.per_host_delay, sleep=sleep
        )
        # httpcore's pool, not httpx.Client: it would add nothing we use (redirects and
        # cookies are handled here, per fetch) and build every request and response
        # twice. An injected backend (tests that fake the network) skips the check
        # after DNS; check_url still runs.
        self._pool = Pool(
            backend if backend is not None else GuardedBackend(policy), KEEPALIVE_EXPIRY
        )
        self._headers = [
            ("Accept", "*/*"),
            ("Accept-Encoding", bodies.ACCEPT_ENCODING),
            ("Connection", "keep-alive"),
            ("User-Agent", network.user_agent),
        ]

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._pool.close()

    def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        referer: str | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
        admit: Admission | None = None,
    ) -> Response:
        """GET ``url``: a Response for 2xx (or 304 to a conditional GET), else FetchError.

        ``admit``, asked when the first request's turn at its host came (see
        politeness.HostLimiter), may refuse it: then nothing is sent, NotAdmittedError
        (so are the later requests of this get once it is closed).
        """
        headers: dict[str, str] = {}
        # Validators go back exactly as the server sent them (W/"x" included).
        if etag is not None:
            headers["If-None-Match"] = etag
        if last_modified is not None:
            headers["If-Modified-Since"] = last_modified
        if referer is not None:
            headers["Referer"] = referer
        retrying = tenacity.Retrying(
            # decide.FETCH_RETRIES: one try plus two retries (a restart, a dropped
            # connection; a dead host costs seconds), waits doubling from 1 s, capped,
            # plus up to 1 s of jitter so that feeds hosted together do not retry in
            # lockstep. tenacity takes them in seconds.
            stop=tenacity.stop_after_attempt(FETCH_RETRIES.attempts),
            wait=tenacity.wait_exponential_jitter(
                initial=FETCH_RETRIES.initial.total_seconds(),
                max=FETCH_RETRIES.longest.total_seconds(),
                jitter=FETCH_RETRIES.jitter.total_seconds(),
            ),
            retry=tenacity.retry_if_exception(_worth_another_try),
            sleep=self._sleep,
            before_sleep=_log_retry,
            reraise=True,
        )
        try:
            return retrying(
                self._attempt, url, headers, max_bytes, None if admit is None else admit.once()
            )
        except _Transient as exc:
            raise exc.error from exc.error.__cause__
        except Cancelled:  # in a wait between attempts or for the host's turn
            raise FetchError(url, "interrupted") from None

    def _attempt(
        self, url: str, headers: dict[str, str], max_bytes: int, admit: Admission | None = None
    ) -> Response:
        # The clock of the attempt runs only while a hop holds its host's slot (see
        # _follow): the wait for the host's turn is politeness, not the server's
        # slowness, and must not use up the time the request itself is given.
        budget = _Budget(self._timeout)
        try:
            return self._follow(url, headers, max_bytes, budget, admit)
        except (_Transient, RssArchiveError):
            if CANCELLED.is_set():
                raise FetchError(url, "interrupted") from None
            raise
        except Refused as exc:
            raise BlockedAddressError(url, exc.reason) from exc
        except Exception as exc:  # the boundary: nothing foreign goes past here
            if CANCELLED.is_set():
                # Whatever a shut-down socket made the request fail with: not the
                # server's fault, and no reason to try again.
                raise FetchError(url, "interrupted") from None
            failure = self._wrap(url, exc, budget)
            # Kept when the error travels inside _Transient.
            (failure.error if isinstance(failure, _Transient) else failure).__cause__ = exc
            raise failure from exc

    def _wrap(self, url: str, exc: Exception, budget: _Budget) -> FetchError | _Transient:
        """The FetchError of a failure on the wire; inside a _Transient when it may pass
        (its kind told by its type, transport.network_reason; whether it may pass,
        decide.wire_failure_passes), for decide.retry_now to weigh."""
        if isinstance(exc, TimeoutError | httpcore.TimeoutException):
            if budget.spent():
                error = FetchError(url, f"timed out after {self._timeout:g} s")
                return _Transient(error, budget_spent=True)
            return _Transient(FetchError(url, f"connection timed out ({exc})"))
        if isinstance(exc, _BodyCutShort):
            return _Transient(FetchError(url, f"connection closed by the server ({exc})"))
        if isinstance(exc, _StreamCutShort):
            return _Transient(FetchError(url, f"body cut short ({exc})"))
        found = network_reason(exc, peer_closed=budget.peer_closed())
        if found is not None:
            reason, kind = found
            error = FetchError(url, reason)
            return _Transient(error) if wire_failure_passes(kind) else error
        return FetchError(url, f"unexpected error ({type(exc).__name__}: {exc})")

    def _follow(
        self,
        url: str,
        headers: dict[str, str],
        max_bytes: int,
        budget: _Budget,
        admit: Admission | None = None,
    ) -> Response:
        current = url
        hops: list[tuple[int, str]] = []
        jar = messages.Jar()  # this fetch's cookies only (see the class docstring)

        def at(reason: str) -> str:
            return reason if current == url else f"{reason} (after redirect to {current})"

        for _ in range(MAX_REDIRECTS + 1):
            try:
                target = check_url(current, self._allow)
            except BlockedAddressError as exc:
                raise BlockedAddressError(url, at(exc.reason)) from exc
            if budget.left <= 0:
                raise FetchError(url, at(f"timed out after {self._timeout:g} s"))
            # No timeout extension: the backend bounds every connect, read and write by
            # the attempt's deadline itself (transport.HOP, CONNECT_TIMEOUT).
            request = messages.request(target, [*self._headers, *headers.items()], jar)
            with self._limiter.slot(target.host, admit) as admitted, budget.running():
                if not admitted:
                    raise NotAdmittedError(url, "not sent (refused when its turn came)")
                try:
                    with self._pool.exchange(request) as response:
                        result = self._finish_hop(
                            url, target, response, jar, headers, max_bytes, budget, hops, at
                        )
                except Refused as exc:
                    raise BlockedAddressError(url, at(exc.reason)) from exc
            if result is None:
                current = hops[-1][1]
                continue
            return result
        raise FetchError(url, f"too many redirects (max {MAX_REDIRECTS})", permanent=True)

    def _finish_hop(
        self,
        url: str,
        target: httpx.URL,
        response: httpcore.Response,
        jar: messages.Jar,
        headers: dict[str, str],
        max_bytes: int,
        budget: _Budget,
        hops: list[tuple[int, str]],
        at: Callable[[str], str],
    ) -> Response | None:
        """The Response, or None after recording a redirect hop in ``hops`` (the
        response is closed by the pool's exchange, read or not)."""
        fields = messages.fields(response.headers)
        if "set-cookie" in fields:
            jar.store(target, response)
        status = response.status
        if status in REDIRECT_STATUSES:
            location = fields.get("location", "").strip()
            if not location:
                raise FetchError(url, at(f"HTTP {status} without a Location"), permanent=True)
            try:
                to = str(target.join(location))
            except httpx.InvalidURL as exc:  # e.g. "0177.0.0.1", which httpx refuses
                raise FetchError(url, at(f"invalid redirect ({exc})"), permanent=True) from exc
            hops.append((status, to))
            return None
        conditional = "If-None-Match" in headers or "If-Modified-Since" in headers
        if 200 <= status < 300 or (status == 304 and conditional):
            content = self._body(url, response, fields, max_bytes, budget)
            stub = messages.stub_target(url, target, fields, content, at) if status == 200 else None
            if stub is not None:
                # A redirect stub (look16f s38) is a redirect: its hop is checked and
                # counted as any (its status, 200, says it was no permanent move).
                if sum(1 for code, _ in hops if code == 200) >= STUB_HOPS:
                    raise FetchError(url, at(f"more than {STUB_HOPS} redirect stubs in a row"))
                hops.append((status, stub))
                return None
            return Response(
                url=str(target),
                status=status,
                headers=fields,
                content=content,
                redirects=tuple(hops),
            )
        raise self._status_error(url, response, fields, at)

    def _status_error(
        self,
        url: str,
        response: httpcore.Response,
        fields: dict[str, str],
        at: Callable[[str], str],
    ) -> _Transient:
        status = response.status
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            given = response.extensions.get("reason_phrase", b"")
            phrase = given.decode("ascii", "ignore") if isinstance(given, bytes) else ""
        retry_after = None
        header = fields.get("retry-after")
        if header is not None and status in (429, 503):
            retry_after = parse_retry_after(header, datetime.now(UTC))
        reason = f"HTTP {status} {phrase}".rstrip()
        if retry_after is not None:
            reason += f" (retry after {retry_after:.0f} s)"
        # Tried again now or not: decide.retry_now, asked by the retry predicate (a
        # server that names a time to come back gets exactly that, not a hammering).
        return _Transient(FetchError(url, at(reason), status=status, retry_after=retry_after))

    def _body(
        self,
        url: str,
        response: httpcore.Response,
        fields: dict[str, str],
        max_bytes: int,
        budget: _Budget,
    ) -> bytes:
        received = 0
        encoding = fields.get("content-encoding", "").strip().lower()

        def truncated() -> None:
            raise _StreamCutShort(f"its {encoding} stream stops before its end")

        def raw() -> Iterator[bytes]:
            nonlocal received
            for chunk in response.iter_stream():
                received += len(chunk)
                yield chunk

        try:
            return bodies.read(
                url,
                raw(),
                fields,
                max_bytes,
                deadline=budget.deadline,
                timeout=self._timeout,
                on_truncated=truncated,
            )
        except httpcore.RemoteProtocolError as exc:
            if not budget.peer_closed():
                raise  # the framing itself is broken (bad chunk sizes): the server's bug
            # h11 notices a body cut short only at the end of the connection.
            declared = fields.get("content-length", "")
            short = (
                f"{int(declared) - received} bytes short of its Content-Length"
                if declared.isdigit()
                else "before the end of its body"
            )
            raise _BodyCutShort(short) from exc


def _log_retry(state: tenacity.RetryCallState) -> None:
    exc = state.outcome.exception() if state.outcome is not None else None
    wait = state.next_action.sleep if state.next_action is not None else 0.0
    log.info("attempt %d failed (%s); retrying in %.1f s", state.attempt_number, exc, wait)
