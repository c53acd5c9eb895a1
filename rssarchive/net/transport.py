"""The wire under ``rssarchive.net.http``: httpcore's HTTP/1.1 connections on a network
backend of our own, which carries the address policy, the attempt's deadline and
cancellation.

* :class:`GuardedBackend` resolves a host once, checks every address DNS returned with
  the policy (``addresses.AddressPolicy.refused_resolution``) and connects only to a
  checked address: there is no second lookup a rebinding DNS server could answer
  differently. Proxies are never used (they would hide the real destination).
* Every connect, TLS handshake, read and write of a hop ends by the hop's deadline
  (:data:`HOP`, set by the client), so a server dripping one byte a second cannot
  stretch an attempt; a connect also gives up after ``CONNECT_TIMEOUT``.
* :func:`cancel_requests` (signal handlers) wakes every thread blocked on a socket.
* Failures leave as the standard library raised them (``OSError`` subclasses,
  ``TimeoutError``, ``ssl`` errors) or as httpcore's protocol errors, so that the client
  can tell them apart by type; :func:`network_reason` does.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import select
import socket
import ssl
import threading
import time
import weakref
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import httpcore

from rssarchive.net.addresses import AddressPolicy

if TYPE_CHECKING:
    from rssarchive.core.decide import WireFailure

# A TCP handshake slower than this means a black-holed address; a shorter connect timeout
# than the total deadline leaves time for a retry. Bounds the TLS handshake too.
CONNECT_TIMEOUT = 10.0


class Hop:
    """What the wire knows of the request running in this thread (one redirect hop)."""

    __slots__ = ("deadline", "peer_closed")

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline  # monotonic: no socket operation of the hop goes past it
        # The server closed the connection (a read gave end-of-file) during this hop: a
        # protocol error after it is a message cut short, not a malformed one.
        self.peer_closed = False


# The hop running in this thread (contextvars: each thread has its own), read by every
# socket operation. None outside a hop: no deadline.
HOP: contextvars.ContextVar[Hop | None] = contextvars.ContextVar("rssarchive_hop", default=None)

# Ctrl-C and SIGTERM (see cancel_requests): set once, for the rest of the process.
CANCELLED = threading.Event()
# Every socket the backend opened and has not let go: what cancel_requests shuts down.
# Weak, so that a socket closed and dropped anywhere leaves on its own.
_LIVE_SOCKETS: weakref.WeakSet[socket.socket] = weakref.WeakSet()
# Reentrant: the signal handler that calls cancel_requests runs in the main thread, which
# may be inside _watch holding it.
_LIVE_LOCK = threading.RLock()


class Cancelled(Exception):
    """A request stopped by cancel_requests; the client turns it into a FetchError."""


class Refused(Exception):
    """A resolved address the policy refuses; the client turns it into a
    BlockedAddressError."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def cancel_requests() -> None:
    """Stop every request of this process now, and refuse new ones (signal handlers call
    it, so that Ctrl-C does not wait for a stalled server to reach network.timeout).

    A thread blocked in a read, a write or a connect is woken by shutting its socket
    down: on Linux shutdown(2) ends a blocked recv and aborts a connect in progress,
    where close(2) from another thread would leave the read blocked. Every socket
    operation and every wait between attempts checks the flag first.
    """
    CANCELLED.set()
    with _LIVE_LOCK:
        sockets = list(_LIVE_SOCKETS)
    for sock in sockets:
        with contextlib.suppress(OSError):
            # The plain socket's method: an SSL socket's own shutdown would also tear
            # down its TLS state under the reading thread.
            socket.socket.shutdown(sock, socket.SHUT_RDWR)


def allow_requests() -> None:
    """Undo cancel_requests: a new run in the same process (tests run many)."""
    CANCELLED.clear()


def _watch(sock: socket.socket) -> None:
    with _LIVE_LOCK:
        _LIVE_SOCKETS.add(sock)
    if CANCELLED.is_set():  # cancelled while it was being made
        with contextlib.suppress(OSError):
            socket.socket.shutdown(sock, socket.SHUT_RDWR)


def _clip(timeout: float | None) -> float | None:
    """A socket timeout that never reaches past the current hop's deadline."""
    if CANCELLED.is_set():
        raise Cancelled
    hop = HOP.get()
    if hop is None:
        return timeout
    remaining = hop.deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError("request deadline exceeded")
    return remaining if timeout is None else min(timeout, remaining)


class _Stream(httpcore.NetworkStream):
    """One connection's socket (plain or TLS), each operation bounded by the deadline."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        self._sock.settimeout(_clip(timeout))
        data = self._sock.recv(max_bytes)
        if not data:
            hop = HOP.get()
            if hop is not None:
                hop.peer_closed = True
        return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            # httpcore writes the empty end of a bodiless request: a send(2) of nothing
            # would take a reset that arrived meanwhile, and the read after it would
            # see only the end of the connection instead of the reset.
            return
        # sendall's timeout bounds the whole call, not each piece.
        self._sock.settimeout(_clip(timeout))
        try:
            self._sock.sendall(buffer)
        except TimeoutError:
            raise
        except OSError as exc:
            # httpcore's own type here: it then reads what the server said before it
            # hung up (an error page, or the end of the connection), which is the story.
            raise httpcore.WriteError(f"{type(exc).__name__}: {exc}") from exc

    def close(self) -> None:
        self._sock.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        # The socket goes to the checked address; SNI and the certificate check use the
        # host name of the URL.
        try:
            self._sock.settimeout(_clip(CONNECT_TIMEOUT))
            tls = ssl_context.wrap_socket(self._sock, server_hostname=server_hostname)
        except BaseException:
            self._sock.close()
            raise
        _watch(tls)  # the same descriptor, now owned by the TLS socket
        return _Stream(tls)

    def get_extra_info(self, info: str) -> object:
        if info == "is_readable":
            # Between responses a kept-alive connection has nothing to read: readable
            # means the server closed it (httpcore then opens a new one). poll, not
            # select, which refuses descriptors above 1023.
            poller = select.poll()
            try:
                poller.register(self._sock, select.POLLIN | select.POLLPRI)
                return bool(poller.poll(0))
            except (OSError, ValueError):
                return True
        # Nothing else: without "ssl_object" httpcore never tries HTTP/2, which is not
        # offered (ALPN says http/1.1).
        return None


class GuardedBackend(httpcore.NetworkBackend):
    """TCP connections to checked addresses only."""

    def __init__(self, policy: AddressPolicy) -> None:
        self._policy = policy

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        _clip(None)  # not even a lookup once cancelled or out of time
        try:
            # Note: getaddrinfo cannot be interrupted; the system resolver's own timeout
            # applies to this step.
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except UnicodeError as exc:
            raise socket.gaierror(f"could not resolve {host}: {exc}") from exc
        targets: list[tuple[int, Any]] = []
        for family, _, _, _, sockaddr in infos:
            refused = self._policy.refused_resolution(host, str(sockaddr[0]))
            if refused is not None:  # one bad address refuses the host: no fallback games
                raise Refused(refused)
            if (family, sockaddr) not in targets:
                targets.append((family, sockaddr))
        last: OSError | None = None
        for kind, sockaddr in targets:
            sock = socket.socket(kind, socket.SOCK_STREAM)
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
            except BaseException:
                sock.close()
                raise
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return _Stream(sock)
        raise last or socket.gaierror(f"no address found for {host}")

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        raise httpcore.UnsupportedProtocol("no Unix sockets: only http and https URLs")

    def sleep(self, seconds: float) -> None:
        if CANCELLED.wait(seconds):
            raise Cancelled


def _trusting_context() -> ssl.SSLContext:
    """Certifi's CA bundle, or SSL_CERT_FILE / SSL_CERT_DIR when the environment sets
    them (as httpx does)."""
    if cafile := os.environ.get("SSL_CERT_FILE"):
        return ssl.create_default_context(cafile=cafile)
    if capath := os.environ.get("SSL_CERT_DIR"):
        return ssl.create_default_context(capath=capath)
    import certifi

    return ssl.create_default_context(cafile=certifi.where())


# (scheme, host, port): httpcore's Origin is not hashable.
_Key = tuple[bytes, bytes, int]


def _key(origin: httpcore.Origin) -> _Key:
    return origin.scheme, origin.host, origin.port


class Pool:
    """Kept-alive HTTP/1.1 connections (httpcore's) per origin, shared by every thread.

    Not httpcore's ConnectionPool: it looks over every connection it holds, twice per
    request, which over the 20 hosts of a backfill cost ~0.3 ms a page; here a request
    looks only at its own origin's idle connections. Their number is not limited
    (HostLimiter bounds the requests per host). A connection idle past the keep-alive
    expiry, or one the server closed (httpcore's ``has_expired``), is not reused, and the
    idle ones are swept at most once per expiry, so that a backfill over thousands of
    hosts does not keep a socket open for each. The TLS context is built for the first
    https origin: loading the CA bundle takes ~25 ms, which a run that polls only
    http:// feeds need not pay.
    """

    def __init__(self, backend: httpcore.NetworkBackend, keepalive_expiry: float) -> None:
        self._backend = backend
        self._expiry = keepalive_expiry
        self._lock = threading.Lock()
        self._idle: dict[_Key, list[httpcore.HTTPConnection]] = {}
        self._next_sweep = time.monotonic() + keepalive_expiry
        self._tls: ssl.SSLContext | None = None
        self._tls_lock = threading.Lock()

    @contextlib.contextmanager
    def exchange(self, request: httpcore.Request) -> Iterator[httpcore.Response]:
        """The response to ``request``, open while the block runs; its connection goes
        back to the pool after it only when the response was read to its end."""
        conn = self._take(request.url.origin)
        try:
            response = conn.handle_request(request)
        except BaseException:
            conn.close()
            raise
        try:
            yield response
        finally:
            response.close()
            if conn.is_idle():
                with self._lock:
                    self._idle.setdefault(_key(request.url.origin), []).append(conn)
            else:
                conn.close()

    def _take(self, origin: httpcore.Origin) -> httpcore.HTTPConnection:
        """The origin's most recently used idle connection that is still good, or a new
        one (which connects when the request is sent)."""
        with self._lock:
            expired = self._take_expired() if time.monotonic() >= self._next_sweep else []
        found = None
        while found is None:
            with self._lock:
                idle = self._idle.get(_key(origin))
                found = idle.pop() if idle else None
            if found is None:
                break
            if found.has_expired():  # polls the socket: outside the lock
                expired.append(found)
                found = None
        for conn in expired:
            conn.close()
        if found is not None:
            return found
        tls = self._tls_context() if origin.scheme == b"https" else None
        return httpcore.HTTPConnection(
            origin=origin,
            ssl_context=tls,
            keepalive_expiry=self._expiry,
            network_backend=self._backend,
        )

    def _take_expired(self) -> list[httpcore.HTTPConnection]:
        self._next_sweep = time.monotonic() + self._expiry
        expired: list[httpcore.HTTPConnection] = []
        for origin, conns in list(self._idle.items()):
            keep: list[httpcore.HTTPConnection] = []
            for conn in conns:
                (expired if conn.has_expired() else keep).append(conn)
            if keep:
                self._idle[origin] = keep
            else:
                del self._idle[origin]
        return expired

    def _tls_context(self) -> ssl.SSLContext:
        with self._tls_lock:
            if self._tls is None:
                self._tls = _trusting_context()
            return self._tls

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, {}
        for conns in idle.values():
            for conn in conns:
                conn.close()


# ------------------------------------------------------------------ what went wrong


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        # httpcore re-raises with "from None": the OS error may only be the context.
        current = current.__cause__ or current.__context__


# How much of a library's message about a malformed answer a reason quotes: h11 quotes
# the bytes it could not parse, which can be kilobytes of the previous page's text left
# on a kept-alive connection by a server that sent more than its Content-Length.
QUOTED_AT_MOST = 120


def _quoted_briefly(message: str) -> str:
    return message if len(message) <= QUOTED_AT_MOST else message[:QUOTED_AT_MOST] + "…"


def network_reason(exc: BaseException, *, peer_closed: bool) -> tuple[str, WireFailure] | None:
    """A short reason for a failure on the wire, and its kind (whether another attempt
    may help is the decider's: decide.wire_failure_passes); None when ``exc`` is no
    network failure. Told by the exception's type only.

    ``peer_closed``: the server closed the connection during the request, which turns
    a protocol error into a message cut short. Timeouts are the client's to judge (they
    depend on the attempt's budget).
    """
    for link in _chain(exc):
        if isinstance(link, ssl.SSLCertVerificationError):
            return f"TLS certificate verification failed ({link.verify_message})", "certificate"
        if isinstance(link, socket.gaierror):
            return "could not resolve the host name", "dns"
        if isinstance(link, ConnectionRefusedError):
            return "connection refused", "refused"
        if isinstance(link, ConnectionResetError | ConnectionAbortedError | BrokenPipeError):
            return "connection reset", "reset"
        if isinstance(link, OSError):  # unreachable, a TLS alert, ...
            return f"network error: {link.strerror or link}", "network"
    if isinstance(exc, httpcore.RemoteProtocolError):
        if peer_closed:
            return "connection closed by the server before it answered", "closed"
        return f"invalid HTTP response ({_quoted_briefly(str(exc))})", "malformed"
    if isinstance(exc, httpcore.NetworkError):  # without an OS error behind it
        return f"network error: {exc or type(exc).__name__}", "network"
    if isinstance(exc, httpcore.ProtocolError | httpcore.UnsupportedProtocol):
        return f"invalid request ({type(exc).__name__}: {exc})", "request"
    return None
