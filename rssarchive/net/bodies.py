"""A response body read within its caps: the bounded decoder.

The body never grows past ``max_bytes`` once decoded, and gzip/deflate are inflated at
most ``DECODE_STEP`` bytes per call, so a gzip bomb costs at most the cap in memory
(plus one step); an attempt's deadline is checked between pieces as well.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Iterator
from typing import Any

from rssarchive.core.errors import FetchError

# brotli and zstd are deliberately not offered: their Python decoders cannot bound the
# output of one call, so a small compressed chunk could inflate without limit.
ACCEPT_ENCODING = "gzip, deflate"
# Inflate at most this much per zlib call, so memory stays at the cap plus one step.
DECODE_STEP = 64 * 1024


def read(
    url: str,
    raw: Iterator[bytes],
    fields: dict[str, str],
    max_bytes: int,
    *,
    deadline: float | None,
    timeout: float,
) -> bytes:
    """The decoded body of a response with headers ``fields`` whose raw body ``raw``
    yields, or FetchError (too large, an unsupported or corrupt encoding, past the
    monotonic ``deadline`` of an attempt given ``timeout`` seconds)."""
    too_large = FetchError(url, f"response larger than {size(max_bytes)}", permanent=True)
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
        for piece in decoded(raw, encoding):
            body += piece
            if len(body) > max_bytes:
                raise too_large
            if deadline is not None and time.monotonic() > deadline:
                raise FetchError(url, f"timed out after {timeout:g} s")
    except zlib.error as exc:
        raise FetchError(url, f"corrupt {encoding} body ({exc})") from exc
    return bytes(body)


def decoded(raw: Iterator[bytes], encoding: str) -> Iterator[bytes]:
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


def size(n: int) -> str:
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if n >= factor:
            return f"{n / factor:g} {unit}"
    return f"{n} bytes"
