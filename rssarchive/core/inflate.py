"""Bounded inflation of gzip and deflate data: the one decoder, for response bodies
(net/bodies.py, Content-Encoding) and for files that are gzip-compressed themselves
(sources/sitemaps.py, ``sitemap.xml.gz``).

Pure: bytes in, bytes out. Output comes in pieces of at most ``DECODE_STEP`` bytes, so
the caller, counting them against its cap, stops a gzip bomb after the cap plus one
step of memory.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator
from typing import Any, Final

__all__ = ["DECODE_STEP", "GZIP_MAGIC", "decoded"]

# The first two bytes of every gzip member (RFC 1952, 2.3.1).
GZIP_MAGIC: Final = b"\x1f\x8b"
# Inflate at most this much per zlib call, so memory stays at the cap plus one step.
DECODE_STEP: Final = 64 * 1024


def _nothing() -> None:
    pass


def decoded(
    raw: Iterator[bytes], encoding: str, *, on_truncated: Callable[[], None] = _nothing
) -> Iterator[bytes]:
    """Decode a gzip/deflate stream (``encoding``: ``gzip``, ``x-gzip``, ``deflate``,
    or ``identity``) in pieces of at most DECODE_STEP bytes. Concatenated gzip members
    are one stream (RFC 1952, 2.2); bytes after the end of the stream are ignored, as
    browsers and ``gzip -d`` do. A stream cut short keeps what it gave and calls
    ``on_truncated``; one that gave nothing raises zlib.error, as corrupt data does."""
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
                if not (gzip and data[:2] == GZIP_MAGIC):
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
        on_truncated()
