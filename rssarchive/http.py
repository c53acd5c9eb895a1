"""The only module that speaks HTTP: one client with the network policy around it.

What it guarantees to callers, whatever the server does:

* only http/https, redirects followed by hand (bounded), every hop re-checked with
  ``addresses.check_url`` (re-exported here);
* the address policy (``addresses.py``) is applied to the addresses DNS returned, and the
  socket connects to exactly the address that was checked (no DNS-rebinding window);
* the decoded body never exceeds ``max_bytes`` and is decoded in bounded steps, so a gzip
  bomb costs at most the cap in memory;
* one attempt never takes longer than ``network.timeout`` seconds, slow-drip included,
  counted while it holds its host's slot (the wait for the host's turn is not counted);
* transient failures are retried a few times with backoff; 429 and 503 with Retry-After
  are not (the caller schedules the next attempt from ``FetchError.retry_after``);
* every failure is a :class:`FetchError`; no httpx/http.client/socket exception escapes.
"""

from __future__ import annotations

import contextlib
import contextvars
import errno
import http.client
import logging
import re
import select
import socket
import ssl
import threading
import time
import weakref
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from types import TracebackType
from typing import TYPE_CHECKING, Any

import httpx
import tenacity

from .addresses import AddressPolicy, address_policy, check_url
from .errors import BlockedAddressError, FetchError, NotAdmittedError, RssArchiveError
from .models import NetworkConfig, Response
from .politeness import Admission, HostLimiter
from .urls import DEFAULT_PORTS

__all__ = [
    "DEFAULT_MAX_BYTES",
    "MAX_ATTEMPTS",
    "MAX_REDIRECTS",
    "MAX_RETRY_AFTER",
    "HostLimiter",
    "HttpClient",
    "check_url",
    "parse_retry_after",
]

log = logging.getLogger(__name__)

# Feeds and article pages are well under a megabyte; 10 MB leaves room for the largest
# real feeds while keeping a hostile or broken server from filling memory.
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
# Browsers stop at 20; real feeds rarely need more than 2 or 3 hops (http→https, a move).
MAX_REDIRECTS = 10
# One try plus two retries: enough to ride out a restart or a dropped connection, few
# enough that a dead host costs seconds, not minutes. The next run retries anyway.
MAX_ATTEMPTS = 3
# Exponential backoff between attempts: 1 s, 2 s, ... capped, plus up to 1 s of jitter so
# that feeds hosted together do not retry in lockstep.
BACKOFF_INITIAL = 1.0
BACKOFF_MAX = 10.0
BACKOFF_JITTER = 1.0
# A Retry-After longer than this is treated as this: a misconfigured server must not
# silence a feed for days; six hours still keeps it polled a few times a day.
MAX_RETRY_AFTER = 6 * 3600.0
# A TCP handshake slower than this means a black-holed address; a shorter connect timeout
# than the total deadline leaves time for a retry.
CONNECT_TIMEOUT = 10.0
# Statuses that usually mean "try again in a moment" (a restart, an overloaded proxy).
RETRY_STATUSES = frozenset({500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# brotli and zstd are deliberately not offered: their Python decoders cannot bound the
# output of one call, so a small compressed chunk could inflate without limit.
ACCEPT_ENCODING = "gzip, deflate"
# Inflate at most this much per zlib call, so memory stays at the cap plus one step.
DECODE_STEP = 64 * 1024
# Kept-alive connections spare a new TCP/TLS handshake per request; one idle this long
# is closed (servers commonly drop them after 5 to 15 s).
KEEPALIVE_EXPIRY = 5.0
# Bytes asked of the socket per read of a body: one system call for most pages.
READ_STEP = 64 * 1024
# Socket timeouts may wake a little before the deadline; within this, it was the deadline.
_DEADLINE_TOLERANCE = 0.05

# Monotonic deadline of the attempt running in this thread, read by every socket operation.
_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "rssarchive_http_deadline", default=None
)

# Ctrl-C and SIGTERM (see cancel_requests): set once, for the rest of the process.
_CANCELLED = threading.Event()
# Every socket the transport opened and has not let go: what cancel_requests shuts down.
# Weak, so that a socket closed and dropped anywhere leaves on its own.
_LIVE_SOCKETS: weakref.WeakSet[socket.socket] = weakref.WeakSet()
# Reentrant: the signal handler that calls cancel_requests runs in the main thread, which
# may be inside _watch holding it.
_LIVE_LOCK = threading.RLock()


class _Cancelled(Exception):
    """A request stopped by cancel_requests; the client turns it into a FetchError."""


def cancel_requests() -> None:
    """Stop every request of this process now, and refuse new ones (signal handlers call
    it, so that Ctrl-C does not wait for a stalled server to reach network.timeout).

    A thread blocked in a read, a write or a connect is woken by shutting its socket
    down: on Linux shutdown(2) ends a blocked recv and aborts a connect in progress,
    where close(2) from another thread would leave the read blocked. Every socket
    operation and every wait between attempts checks the flag first.
    """
    _CANCELLED.set()
    with _LIVE_LOCK:
        sockets = list(_LIVE_SOCKETS)
    for sock in sockets:
        with contextlib.suppress(OSError):
            # The plain socket's method: an SSL socket's own shutdown would also tear
            # down its TLS state under the reading thread.
            socket.socket.shutdown(sock, socket.SHUT_RDWR)


def allow_requests() -> None:
    """Undo cancel_requests: a new run in the same process (tests run many)."""
    _CANCELLED.clear()


def _watch(sock: socket.socket) -> None:
    with _LIVE_LOCK:
        _LIVE_SOCKETS.add(sock)
    if _CANCELLED.is_set():  # cancelled while it was being made
        with contextlib.suppress(OSError):
            socket.socket.shutdown(sock, socket.SHUT_RDWR)


def _cancellable_sleep(seconds: float) -> None:
    """Wait between attempts or for a host's turn; cancel_requests ends the wait."""
    if _CANCELLED.wait(seconds):
        raise _Cancelled


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
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)  # HTTP-dates are always GMT
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    return min(max((when - now).total_seconds(), 0.0), MAX_RETRY_AFTER)


# --------------------------------------------------------------------- network plumbing
#
# The transport speaks HTTP/1.1 through the standard library's http.client, on sockets we
# open ourselves. httpx's own transport (httpcore and h11) cost ~0.4 ms more CPU per 80 KB
# page (~1.0 against ~0.6 ms in all, measured side by side) and ~20 ms of imports at
# every start, which an hourly no-op run feels most.
# httpx still builds the requests and reads the responses (URLs, headers, cookies).


class _Refused(Exception):
    """Raised by the transport; turned into BlockedAddressError by the client."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _BodyCutShort(http.client.HTTPException):
    """The connection ended before the Content-Length the server announced."""


def _clip(timeout: float | None) -> float | None:
    """A socket timeout that never reaches past the current attempt's deadline."""
    if _CANCELLED.is_set():
        raise _Cancelled
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError("request deadline exceeded")
    return remaining if timeout is None else min(timeout, remaining)


class _Deadlined:
    """Bounds every read and write by the deadline, so dripping bytes cannot stretch it.

    http.client reads through ``recv_into`` (its buffered file) and writes with
    ``sendall``; both get the time left to the attempt, recomputed at each call. Mixed
    into a plain socket and into the TLS socket the context builds.
    """

    if TYPE_CHECKING:

        def settimeout(self, value: float | None, /) -> None: ...

    def recv_into(self, buffer: Any, *args: Any) -> int:
        self.settimeout(_clip(None))
        return super().recv_into(buffer, *args)  # type: ignore[misc, no-any-return]

    def sendall(self, data: Any, *args: Any) -> None:
        self.settimeout(_clip(None))
        super().sendall(data, *args)  # type: ignore[misc]


class _DeadlineSocket(_Deadlined, socket.socket):
    pass


class _DeadlineSSLSocket(_Deadlined, ssl.SSLSocket):
    pass


def _guarded_connect(policy: AddressPolicy, host: str, port: int) -> socket.socket:
    """Resolve once, check every address, then connect to a checked address only."""
    try:
        # Note: getaddrinfo cannot be interrupted; the system resolver's own timeout
        # applies to this step.
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except UnicodeError as exc:
        raise socket.gaierror(f"could not resolve {host}: {exc}") from exc
    targets: list[tuple[int, Any]] = []
    for family, _, _, _, sockaddr in infos:
        refused = policy.refused_resolution(host, str(sockaddr[0]))
        if refused is not None:  # one bad address refuses the host: no fallback games
            raise _Refused(refused)
        if (family, sockaddr) not in targets:
            targets.append((family, sockaddr))
    last: OSError | None = None
    for kind, sockaddr in targets:
        sock = _DeadlineSocket(kind, socket.SOCK_STREAM)
        try:
            _watch(sock)
            sock.settimeout(_clip(CONNECT_TIMEOUT))
            sock.connect(sockaddr)
        except TimeoutError:
            sock.close()
            raise
        except OSError as exc:  # refused or unreachable: the next address may answer
            sock.close()
            last = exc
            continue
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock
    raise last or socket.gaierror(f"no address found for {host}")


class _Response(http.client.HTTPResponse):
    """http.client's response, which also skips interim answers such as 103 Early Hints
    (it skips only 100 Continue by itself); 101 is left to fail as a final status."""

    def _read_status(self) -> tuple[str, int, str]:
        while True:
            version, status, reason = super()._read_status()  # type: ignore[misc]
            if not 101 < status < 200:
                return version, status, reason
            http.client.parse_headers(self.fp)  # at most 100 lines, each bounded


class _Connection(http.client.HTTPConnection):
    """One kept-alive connection to an origin; it opens its socket only through the
    guard, and never reconnects on its own (``auto_open`` off)."""

    def __init__(self, origin: _Origin, opener: Callable[[_Origin], socket.socket]) -> None:
        super().__init__(origin[1], origin[2])
        self.response_class = _Response
        self.auto_open = 0
        self.origin = origin
        self.idle_since = 0.0
        self._opener = opener

    def connect(self) -> None:
        self.sock = self._opener(self.origin)

    def stale(self) -> bool:
        """True when an idle connection was closed by the server (or is readable, which
        a kept-alive connection between responses must not be)."""
        if self.sock is None:
            return True
        # poll, not select: select refuses descriptors above 1023, and would have such a
        # connection reopened for every request.
        poller = select.poll()
        try:
            poller.register(self.sock, select.POLLIN | select.POLLPRI)
            return bool(poller.poll(0))
        except (OSError, ValueError):
            return True


# (scheme, host, port): one pool of connections each.
_Origin = tuple[str, str, int]


class _Body(httpx.SyncByteStream):
    """A response body read straight off the connection, which goes back to the pool
    only when the body was read to its end."""

    def __init__(self, raw: http.client.HTTPResponse, conn: _Connection, pool: _Pool) -> None:
        self._raw = raw
        self._conn = conn
        self._pool = pool
        self._complete = False

    def __iter__(self) -> Iterator[bytes]:
        while chunk := self._raw.read1(READ_STEP):
            yield chunk
        if self._raw.length:  # http.client ends quietly when the peer hangs up early
            raise _BodyCutShort(f"{self._raw.length} bytes short of its Content-Length")
        self._complete = True

    def close(self) -> None:
        self._raw.close()
        if self._complete and not self._raw.will_close and self._conn.sock is not None:
            self._pool.put(self._conn)
        else:
            self._conn.close()


class _Pool:
    """Idle kept-alive connections per origin, shared by every thread.

    A connection idle past the keep-alive expiry is closed (swept at most once per
    expiry), so that a backfill over thousands of hosts does not keep a socket open for
    each. The TLS context is built on the first https origin: loading the CA bundle takes
    ~25 ms, which a run that polls only http:// feeds need not pay.
    """

    def __init__(self, policy: AddressPolicy) -> None:
        self._policy = policy
        self._lock = threading.Lock()
        self._idle: dict[_Origin, list[_Connection]] = {}
        self._tls: ssl.SSLContext | None = None
        self._next_sweep = time.monotonic() + KEEPALIVE_EXPIRY

    def take(self, origin: _Origin) -> _Connection:
        """An idle connection to ``origin`` if one is still good, else a new one."""
        expired: list[_Connection] = []
        found: _Connection | None = None
        with self._lock:
            now = time.monotonic()
            if now >= self._next_sweep:
                expired = self._take_expired(now)
            idle = self._idle.get(origin)
            while idle and found is None:
                conn = idle.pop()
                if now - conn.idle_since > KEEPALIVE_EXPIRY:
                    expired.append(conn)
                else:
                    found = conn
        for conn in expired:
            conn.close()
        if found is not None and found.stale():
            found.close()
            found = None
        return found or _Connection(origin, self._open)

    def put(self, conn: _Connection) -> None:
        conn.idle_since = time.monotonic()
        with self._lock:
            self._idle.setdefault(conn.origin, []).append(conn)

    def _take_expired(self, now: float) -> list[_Connection]:
        self._next_sweep = now + KEEPALIVE_EXPIRY
        expired: list[_Connection] = []
        for origin, conns in list(self._idle.items()):
            keep: list[_Connection] = []
            for conn in conns:
                (keep if now - conn.idle_since <= KEEPALIVE_EXPIRY else expired).append(conn)
            if keep:
                self._idle[origin] = keep
            else:
                del self._idle[origin]
        return expired

    def _open(self, origin: _Origin) -> socket.socket:
        scheme, host, port = origin
        sock = _guarded_connect(self._policy, host, port)
        if scheme != "https":
            return sock
        try:
            sock.settimeout(_clip(CONNECT_TIMEOUT))
            tls = self._tls_context().wrap_socket(sock, server_hostname=host)
            _watch(tls)  # the same descriptor, now owned by the TLS socket
            return tls
        except BaseException:
            sock.close()
            raise

    def _tls_context(self) -> ssl.SSLContext:
        with self._lock:
            if self._tls is None:
                # Certifi's bundle, or SSL_CERT_FILE / SSL_CERT_DIR when the environment
                # sets them.
                context = httpx.create_ssl_context()
                context.sslsocket_class = _DeadlineSSLSocket
                self._tls = context
            return self._tls

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, {}
        for conns in idle.values():
            for conn in conns:
                conn.close()


class _GuardedTransport(httpx.BaseTransport):
    """HTTP/1.1 over the guarded sockets. Proxies are never used: they would hide the
    real destination from the address check."""

    def __init__(self, policy: AddressPolicy) -> None:
        self._pool = _Pool(policy)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        scheme = url.scheme
        origin = (scheme, url.raw_host.decode("ascii"), url.port or DEFAULT_PORTS[scheme])
        conn = self._pool.take(origin)
        try:
            if conn.sock is None:
                conn.connect()
            # httpx has put the Host header in already, and percent-encoded the target.
            conn.putrequest(
                request.method,
                url.raw_path.decode("ascii"),
                skip_host=True,
                skip_accept_encoding=True,
            )
            for name, value in request.headers.raw:
                conn.putheader(name, value)
            conn.endheaders()
            raw = conn.getresponse()
        except BaseException:
            conn.close()
            raise
        headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in raw.getheaders()]
        return httpx.Response(
            raw.status,
            headers=headers,
            stream=_Body(raw, conn, self._pool),
            extensions={"reason_phrase": raw.reason.encode("latin-1", "replace")},
        )

    def close(self) -> None:
        self._pool.close()


# ----------------------------------------------------------------------- body decoding


def _decoded(raw: Iterator[bytes], encoding: str) -> Iterator[bytes]:
    """Decode a gzip/deflate stream in pieces of at most DECODE_STEP bytes."""
    if encoding in ("", "identity"):
        yield from raw
        return
    gzip = encoding in ("gzip", "x-gzip")
    inflater: Any = None  # zlib's decompress object type is not public
    pending = b""
    produced = False
    for chunk in raw:
        data = pending + chunk
        if inflater is None:
            if gzip:
                inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            elif len(data) < 2:
                pending = data
                continue
            else:
                # "deflate" should be zlib-wrapped, but many servers send raw deflate.
                wrapped = data[0] & 0x0F == 8 and int.from_bytes(data[:2], "big") % 31 == 0
                inflater = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
            pending = b""
        while data:
            if inflater.eof:
                if not (gzip and data[:2] == b"\x1f\x8b"):
                    break  # bytes after the end of the stream are ignored, as browsers do
                # Concatenated gzip members are one body (RFC 1952, section 2.2).
                inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            out = inflater.decompress(data, DECODE_STEP)
            if out:
                produced = True
                yield out
            data = inflater.unused_data if inflater.eof else inflater.unconsumed_tail
    if inflater is not None and not inflater.eof:
        tail = inflater.flush()
        if tail:
            yield tail
        elif not produced:
            # A cut-off stream keeps what it gave (browsers show it); one that gave
            # nothing is no body, and "empty page" would not say why.
            raise zlib.error("truncated before any data")


def _size(n: int) -> str:
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if n >= factor:
            return f"{n / factor:g} {unit}"
    return f"{n} bytes"


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        # A library may re-raise with "from None": the OS error may only be the context.
        current = current.__cause__ or current.__context__


def _network_reason(exc: BaseException) -> tuple[str, bool]:
    """A short reason for a network failure, and whether another attempt may help."""
    for link in _chain(exc):
        if isinstance(link, ssl.SSLCertVerificationError):
            # A wrong certificate stays wrong a second later.
            return f"TLS certificate verification failed ({link.verify_message})", False
        if isinstance(link, socket.gaierror):
            return "could not resolve the host name", True
        if isinstance(link, OSError) and link.errno is not None:
            if link.errno == errno.ECONNREFUSED:
                return "connection refused", True
            if link.errno in (errno.ECONNRESET, errno.EPIPE):
                return "connection reset", True
            return f"network error: {link.strerror or link}", True
    text = str(exc)
    if "refused" in text.lower():
        return "connection refused", True
    if "reset" in text.lower():
        return "connection reset", True
    if isinstance(exc, http.client.IncompleteRead | _BodyCutShort | http.client.RemoteDisconnected):
        return (f"connection closed by the server ({text})" if text else "connection closed"), True
    return f"network error: {text or type(exc).__name__}", True


class _Transient(Exception):
    """Carries a FetchError that deserves another attempt (only tenacity sees it)."""

    def __init__(self, error: FetchError) -> None:
        super().__init__(str(error))
        self.error = error


# ------------------------------------------------------------------------------ client


class _Budget:
    """The time one attempt may spend on the network (``network.timeout``), counted only
    while one of its hops holds its host's slot: each hop gets a deadline of what is
    left when its turn comes (set in _DEADLINE for the transport's socket calls)."""

    def __init__(self, seconds: float) -> None:
        self.left = seconds
        self.deadline: float | None = None  # of the hop running, else of the last one

    @contextmanager
    def running(self) -> Iterator[None]:
        started = time.monotonic()
        self.deadline = started + self.left
        token = _DEADLINE.set(self.deadline)
        try:
            yield
        finally:
            _DEADLINE.reset(token)
            self.left -= time.monotonic() - started

    def spent(self) -> bool:
        """Whether the whole budget is used up (a socket timeout may wake a little early)."""
        return self.deadline is not None and time.monotonic() >= self.deadline - _DEADLINE_TOLERANCE


class HttpClient:
    """One client with the network policy, caps, deadline and retries around it.

    Safe to share between threads: one transport (its connection pool and TLS context
    built once), all behind one HostLimiter. Cookies live for one ``get`` only, in a jar
    of its own, so a consent redirect works and nothing crosses into another fetch.
    """

    def __init__(
        self,
        network: NetworkConfig,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = _cancellable_sleep,
    ) -> None:
        self._allow = network.allow_private_addresses
        policy = address_policy(self._allow)  # invalid entries fail here, as ConfigError
        self._timeout = network.timeout
        self._sleep = sleep
        self._limiter = HostLimiter(
            network.per_host_concurrency, network.per_host_delay, sleep=sleep
        )
        # Requests go straight to the transport: httpx.Client would add nothing we use
        # (redirects and cookies are handled here, per fetch) and its cookie jar and
        # request building cost ~0.3 ms a request. An injected transport (tests) skips
        # the post-DNS check; check_url still runs.
        self._transport = transport if transport is not None else _GuardedTransport(policy)
        self._headers = {
            "Accept": "*/*",
            "Accept-Encoding": ACCEPT_ENCODING,
            "Connection": "keep-alive",
            "User-Agent": network.user_agent,
        }

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
        self._transport.close()

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
            stop=tenacity.stop_after_attempt(MAX_ATTEMPTS),
            wait=tenacity.wait_exponential_jitter(
                initial=BACKOFF_INITIAL, max=BACKOFF_MAX, jitter=BACKOFF_JITTER
            ),
            retry=tenacity.retry_if_exception_type(_Transient),
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
        except _Cancelled:  # in a wait between attempts or for the host's turn
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
            if _CANCELLED.is_set():
                raise FetchError(url, "interrupted") from None
            raise
        except _Refused as exc:
            raise BlockedAddressError(url, exc.reason) from exc
        except Exception as exc:  # the boundary: nothing foreign goes past here
            if _CANCELLED.is_set():
                # Whatever a shut-down socket made the request fail with: not the
                # server's fault, and no reason to try again.
                raise FetchError(url, "interrupted") from None
            error, transient = self._wrap(url, exc, budget)
            error.__cause__ = exc  # kept when the error travels inside _Transient
            if transient:
                raise _Transient(error) from exc
            raise error from exc

    def _wrap(self, url: str, exc: Exception, budget: _Budget) -> tuple[FetchError, bool]:
        if isinstance(exc, TimeoutError | httpx.TimeoutException):
            if budget.spent():
                # The whole budget is spent; a server that stalls once usually stalls again.
                return FetchError(url, f"timed out after {self._timeout:g} s"), False
            return FetchError(url, f"connection timed out ({exc})"), True
        if isinstance(
            exc,
            OSError
            | http.client.IncompleteRead
            | _BodyCutShort
            | httpx.NetworkError
            | httpx.RemoteProtocolError,
        ):
            reason, transient = _network_reason(exc)
            return FetchError(url, reason), transient
        if isinstance(exc, http.client.HTTPException):
            # A malformed status line or headers: the server's bug, which stays.
            return FetchError(url, f"invalid HTTP response ({type(exc).__name__}: {exc})"), False
        if isinstance(exc, httpx.HTTPError | httpx.InvalidURL):
            return FetchError(url, f"{type(exc).__name__}: {exc}"), False
        return FetchError(url, f"unexpected error ({type(exc).__name__}: {exc})"), False

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
        jar = httpx.Cookies()  # this fetch's cookies only (see the class docstring)

        def at(reason: str) -> str:
            return reason if current == url else f"{reason} (after redirect to {current})"

        for _ in range(MAX_REDIRECTS + 1):
            try:
                target = check_url(current, self._allow)
            except BlockedAddressError as exc:
                raise BlockedAddressError(url, at(exc.reason)) from exc
            if budget.left <= 0:
                raise FetchError(url, at(f"timed out after {self._timeout:g} s"))
            # No timeout extension: the transport bounds every connect, read and write by
            # the attempt's deadline itself (_DEADLINE, CONNECT_TIMEOUT).
            request = httpx.Request("GET", target, headers={**self._headers, **headers})
            if jar:  # the cookie machinery costs ~0.1 ms a request; most fetches have none
                jar.set_cookie_header(request)
            with self._limiter.slot(request.url.host, admit) as admitted, budget.running():
                if not admitted:
                    raise NotAdmittedError(url, "not sent (refused when its turn came)")
                try:
                    response = self._transport.handle_request(request)
                except _Refused as exc:
                    raise BlockedAddressError(url, at(exc.reason)) from exc
                response.request = request
                result = self._finish_hop(url, response, jar, headers, max_bytes, hops, at)
            if result is None:
                current = hops[-1][1]
                continue
            return result
        raise FetchError(url, f"too many redirects (max {MAX_REDIRECTS})", permanent=True)

    def _finish_hop(
        self,
        url: str,
        response: httpx.Response,
        jar: httpx.Cookies,
        headers: dict[str, str],
        max_bytes: int,
        hops: list[tuple[int, str]],
        at: Callable[[str], str],
    ) -> Response | None:
        """The Response, or None after recording a redirect hop in ``hops``."""
        try:
            if "set-cookie" in response.headers:
                jar.extract_cookies(response)
            status = response.status_code
            if status in REDIRECT_STATUSES:
                location = response.headers.get("location", "").strip()
                if not location:
                    raise FetchError(url, at(f"HTTP {status} without a Location"), permanent=True)
                try:
                    target = str(response.url.join(location))
                except httpx.InvalidURL as exc:  # e.g. "0177.0.0.1", which httpx refuses
                    raise FetchError(url, at(f"invalid redirect ({exc})"), permanent=True) from exc
                hops.append((status, target))
                return None
            conditional = "If-None-Match" in headers or "If-Modified-Since" in headers
            if 200 <= status < 300 or (status == 304 and conditional):
                content = self._body(url, response, max_bytes)
                return Response(
                    url=str(response.url),
                    status=status,
                    headers={k.lower(): v for k, v in response.headers.items()},
                    content=content,
                    redirects=tuple(hops),
                )
            raise self._status_error(url, response, at)
        finally:
            response.close()

    def _status_error(
        self, url: str, response: httpx.Response, at: Callable[[str], str]
    ) -> FetchError | _Transient:
        status = response.status_code
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = response.reason_phrase
        retry_after = None
        header = response.headers.get("retry-after")
        if header is not None and status in (429, 503):
            retry_after = parse_retry_after(header, datetime.now(UTC))
        reason = f"HTTP {status} {phrase}".rstrip()
        if retry_after is not None:
            reason += f" (retry after {retry_after:.0f} s)"
        error = FetchError(url, at(reason), status=status, retry_after=retry_after)
        # A server that names a time to come back gets exactly that, not a hammering.
        if status in RETRY_STATUSES and retry_after is None:
            return _Transient(error)
        return error

    def _body(self, url: str, response: httpx.Response, max_bytes: int) -> bytes:
        too_large = FetchError(url, f"response larger than {_size(max_bytes)}", permanent=True)
        codings = [
            c.strip().lower()
            for c in response.headers.get("content-encoding", "").split(",")
            if c.strip().lower() not in ("", "identity")
        ]
        if len(codings) > 1 or (codings and codings[0] not in ("gzip", "x-gzip", "deflate")):
            raise FetchError(url, f"unsupported content-encoding {', '.join(codings)!r}")
        encoding = codings[0] if codings else "identity"
        raw: Iterator[bytes]
        if response.is_stream_consumed:
            # A response built in memory (httpx.MockTransport) arrives read and decoded.
            raw, encoding = iter([response.content]), "identity"
        else:
            raw = response.iter_raw()
        declared = response.headers.get("content-length", "")
        if encoding == "identity" and declared.isdigit() and int(declared) > max_bytes:
            raise too_large
        deadline = _DEADLINE.get()
        body = bytearray()
        try:
            for piece in _decoded(raw, encoding):
                body += piece
                if len(body) > max_bytes:
                    raise too_large
                if deadline is not None and time.monotonic() > deadline:
                    raise FetchError(url, f"timed out after {self._timeout:g} s")
        except zlib.error as exc:
            raise FetchError(url, f"corrupt {encoding} body ({exc})") from exc
        return bytes(body)


def _log_retry(state: tenacity.RetryCallState) -> None:
    exc = state.outcome.exception() if state.outcome is not None else None
    wait = state.next_action.sleep if state.next_action is not None else 0.0
    log.info("attempt %d failed (%s); retrying in %.1f s", state.attempt_number, exc, wait)
