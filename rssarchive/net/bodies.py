"""A response body read within its caps: the bounded decoder.

The body never grows past ``max_bytes`` once decoded, and gzip/deflate are inflated in
bounded steps (core/inflate.py, the one decoder), so a gzip bomb costs at most the cap
in memory (plus one step); an attempt's deadline is checked between pieces as well.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable, Iterator

from rssarchive.core.errors import FetchError, TooLargeError
from rssarchive.core.inflate import decoded

__all__ = ["ACCEPT_ENCODING", "read", "size"]

# brotli and zstd are deliberately not offered: their Python decoders cannot bound the
# output of one call, so a small compressed chunk could inflate without limit.
ACCEPT_ENCODING = "gzip, deflate"


def read(
    url: str,
    raw: Iterator[bytes],
    fields: dict[str, str],
    max_bytes: int,
    *,
    deadline: float | None,
    timeout: float,
    on_truncated: Callable[[], None],
) -> bytes:
    """The decoded body of a response with headers ``fields`` whose raw body ``raw``
    yields, or FetchError (too large, an unsupported or corrupt encoding, past the
    monotonic ``deadline`` of an attempt given ``timeout`` seconds). A gzip/deflate
    stream that stops before its end calls ``on_truncated``, which raises: the body was
    cut short even when nothing else says so (no Content-Length, no chunking)."""
    too_large = TooLargeError(url, f"response larger than {size(max_bytes)}")
    codings = [
        c.strip().lower()
        for c in fields.get("content-encoding", "").split(",")
        if c.strip().lower() not in ("", "identity")
    ]
    if len(codings) > 1 or (codings and codings[0] not in ("gzip", "x-gzip", "deflate")):
        raise FetchError(url, f"unsupported content-encoding {', '.join(codings)!r}")
    encoding = codings[0] if codings else "identity"
    declared = fields.get("content-length", "")
    if encoding == "identity" and declared.isdigit() and int(declared) > max_bytes:
        raise too_large
    body = bytearray()
    try:
        for piece in decoded(raw, encoding, on_truncated=on_truncated):
            body += piece
            if len(body) > max_bytes:
                raise too_large
            if deadline is not None and time.monotonic() > deadline:
                raise FetchError(url, f"timed out after {timeout:g} s")
    except zlib.error as exc:
        raise FetchError(url, f"corrupt {encoding} body ({exc})") from exc
    return bytes(body)


def size(n: int) -> str:
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if n >= factor:
            return f"{n / factor:g} {unit}"
    return f"{n} bytes"
