"""A network backend without a network, for what a real server on 127.x cannot show: any
host name (no DNS), and any exception the wire may raise.

It goes under the real client and httpcore's real HTTP/1.1 code; only the socket is
fake. Each request head the client writes is handed to ``answer``, which returns the
raw bytes of the server's reply (or raises, as a socket read would).
"""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import httpcore


@dataclass(frozen=True)
class WireRequest:
    host: str  # as the client connected to it (the URL's host)
    port: int
    path: str
    headers: dict[str, str]  # lower-case names


Answer = Callable[[WireRequest], bytes]


def reply(status: int, body: bytes = b"", headers: Iterable[tuple[str, str]] = ()) -> bytes:
    """A well-formed HTTP/1.1 answer."""
    lines = [f"HTTP/1.1 {status} Whatever", f"Content-Length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


class FakeWire(httpcore.NetworkBackend):
    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.requests: list[WireRequest] = []

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        return _Stream(self, host, port)


class _Stream(httpcore.NetworkStream):
    def __init__(self, wire: FakeWire, host: str, port: int) -> None:
        self._wire = wire
        self._host = host
        self._port = port
        self._sent = b""
        self._reply = b""

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._sent += buffer

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        if b"\r\n\r\n" in self._sent:  # a whole request head: its answer is due
            head, _, self._sent = self._sent.partition(b"\r\n\r\n")
            start, *lines = head.decode("latin-1").split("\r\n")
            headers = {}
            for line in lines:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            request = WireRequest(self._host, self._port, start.split(" ")[1], headers)
            self._wire.requests.append(request)
            self._reply += self._wire.answer(request)
        data, self._reply = self._reply[:max_bytes], self._reply[max_bytes:]
        return data

    def close(self) -> None:
        pass

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        return self  # no TLS on a fake wire

    def get_extra_info(self, info: str) -> object:
        return None
