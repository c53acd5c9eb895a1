"""A deliberately misbehaving HTTP/1.1 server on raw sockets, for offline network tests.

Each route is a function that receives the parsed request and the raw connection and
may do anything with it: answer properly, stall, drip bytes, reset, stream a gzip bomb.
Every connection is answered once and then closed, so each client attempt is visible
as one recorded request.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import struct
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import TracebackType

_REASONS = {
    200: "OK",
    301: "Moved Permanently",
    302: "Found",
    304: "Not Modified",
    307: "Temporary Redirect",
    308: "Permanent Redirect",
    404: "Not Found",
    410: "Gone",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]  # lower-case names
    started: float = field(default_factory=time.monotonic)
    ended: float | None = None  # when the handler finished (client gone or answer sent)


class Conn:
    """One accepted connection, with helpers for well- and ill-formed answers."""

    def __init__(self, sock: socket.socket, stop: threading.Event) -> None:
        self.sock = sock
        self.stop = stop
        self.sent = 0  # bytes written, to show how little of a bomb was needed

    def send(self, data: bytes) -> bool:
        """Write data; False once the client has gone away."""
        try:
            self.sock.sendall(data)
        except OSError:
            return False
        self.sent += len(data)
        return True

    def head(
        self,
        status: int,
        headers: Mapping[str, str] | Iterable[tuple[str, str]] = (),
        reason: str | None = None,
    ) -> bool:
        items = list(headers.items()) if isinstance(headers, Mapping) else list(headers)
        lines = [f"HTTP/1.1 {status} {reason or _REASONS.get(status, 'Whatever')}"]
        lines += [f"{k}: {v}" for k, v in items]
        if not any(k.lower() == "connection" for k, _ in items):
            lines.append("Connection: close")
        return self.send(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))

    def respond(
        self,
        status: int = 200,
        body: bytes = b"",
        headers: Mapping[str, str] | Iterable[tuple[str, str]] = (),
    ) -> None:
        items = list(headers.items()) if isinstance(headers, Mapping) else list(headers)
        items.append(("Content-Length", str(len(body))))
        if self.head(status, items):
            self.send(body)

    def chunk(self, data: bytes) -> bool:
        """One chunk of a Transfer-Encoding: chunked body (empty data ends the body)."""
        return self.send(f"{len(data):x}\r\n".encode() + data + b"\r\n")

    def sleep(self, seconds: float) -> bool:
        """Wait, but wake early when the server stops; False if it stopped."""
        return not self.stop.wait(seconds)

    def wait_for_close(self, limit: float = 10.0) -> None:
        """Stay silent until the client hangs up (or the limit passes)."""
        self.sock.settimeout(0.05)
        end = time.monotonic() + limit
        while time.monotonic() < end and not self.stop.is_set():
            try:
                if self.sock.recv(4096) == b"":
                    return
            except TimeoutError:
                continue
            except OSError:
                return

    def reset(self) -> None:
        """Close with a TCP RST instead of a FIN (SO_LINGER with a zero timeout)."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()


Handler = Callable[[Request, Conn], object]


class HostileServer:
    """``with HostileServer() as s: s.route("/x", handler); client.get(s.url("/x"))``."""

    def __init__(
        self, host: str = "127.0.0.1", port: int = 0, tls: ssl.SSLContext | None = None
    ) -> None:
        self.host = host
        self.tls = tls
        self.server_names: list[str | None] = []  # TLS SNI the clients sent
        if tls is not None:
            tls.sni_callback = self._record_sni
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind((host, port))
        self._listener.listen(64)
        # Set here, not in the accept thread: a server stopped before that thread runs
        # would have it call settimeout on a closed socket.
        self._listener.settimeout(0.01)  # how quickly a stopped server notices
        self.port: int = self._listener.getsockname()[1]
        self._routes: dict[str, Handler] = {}
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self.requests: list[Request] = []
        self.conns: list[Conn] = []
        self.connections = 0  # accepted TCP connections, requests or not

    def url(self, path: str = "/") -> str:
        return f"{'https' if self.tls else 'http'}://{self.host}:{self.port}{path}"

    def route(self, path: str, handler: Handler) -> None:
        self._routes[path] = handler

    def hits(self, path: str) -> int:
        with self._lock:
            return sum(1 for r in self.requests if r.path == path)

    def __enter__(self) -> HostileServer:
        thread = threading.Thread(target=self._accept_loop, daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._listener.close()
        for thread in list(self._threads):
            thread.join(timeout=5)

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                sock, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                self.connections += 1
            thread = threading.Thread(target=self._serve, args=(sock,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _record_sni(self, sock: object, name: str | None, ctx: object) -> None:
        with self._lock:
            self.server_names.append(name)

    def _serve(self, sock: socket.socket) -> None:
        try:
            if self.tls is not None:
                sock.settimeout(5)
                try:
                    sock = self.tls.wrap_socket(sock, server_side=True)
                except (OSError, ssl.SSLError):
                    return  # the client refused our certificate
            conn = Conn(sock, self._stop)
            request = self._read_request(sock)
            if request is None:
                return
            with self._lock:
                self.requests.append(request)
                self.conns.append(conn)
            handler = self._routes.get(request.path.split("?")[0])
            if handler is None:
                conn.respond(404, b"no route")
            else:
                handler(request, conn)
            request.ended = time.monotonic()
        finally:
            with contextlib.suppress(OSError):
                sock.close()

    @staticmethod
    def _read_request(sock: socket.socket) -> Request | None:
        sock.settimeout(5)
        data = b""
        try:
            while b"\r\n\r\n" not in data:
                piece = sock.recv(4096)
                if not piece:
                    return None
                data += piece
        except OSError:
            return None
        head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1")
        first, *lines = head.split("\r\n")
        method, path, _version = first.split(" ", 2)
        headers: dict[str, str] = {}
        for line in lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        return Request(method=method, path=path, headers=headers)
