"""Bytes of uncertain charset -> text: the pieces the feed and page decoders share.

There are two decoders, on purpose, because feeds and pages are labelled differently:

* ``feeds.decode_feed`` follows XML: UTF-32 exists, the ``<?xml encoding?>`` declaration
  outranks the HTTP header, and valid UTF-8 wins over any label (feeds are mislabelled
  UTF-8 far more often than not); Chinese readings are chosen by character frequency.
* ``extract.decode_page`` follows browsers (WHATWG): no UTF-32, the HTTP header outranks
  ``<meta charset>``, Latin-1 means windows-1252, and detection (charset_normalizer) runs
  only when every declaration fails.

What they must agree on is here: which codec a label means (GBK read as GB18030, Big5 as
Big5-HKSCS), byte-order marks, and how a strict decoding attempt fails.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterable
from typing import Final

__all__ = ["SUPERSETS", "codec_name", "decode_bom", "decode_strict", "first_decoding"]

# Labels whose real-world content is a superset: GB2312/GBK text contains characters only
# GB18030 has, and Big5 text from Hong Kong and Taiwan uses HKSCS characters. Browsers
# read GBK as GB18030 too. Keys are codecs.lookup() names.
SUPERSETS: Final = {"gb2312": "gb18030", "gbk": "gb18030", "big5": "big5hkscs"}

# Codecs Python knows that no document is written in: host-name encodings and the codec
# that refuses everything. Decoding with them raises UnicodeError, not UnicodeDecodeError,
# so a label naming one would crash a decoder instead of being skipped.
_NOT_CHARSETS: Final = frozenset({"idna", "punycode", "undefined"})

_UTF32_BOMS: Final = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
)
_BOMS: Final = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def codec_name(label: str) -> str | None:
    """The codec a charset label means (``codecs.lookup`` name, widened by SUPERSETS).

    None for a label Python does not know, and for codecs that do not turn a document's
    bytes into text (base64, zlib, rot-13, idna, ...), so that a hostile label is skipped.
    """
    try:
        info = codecs.lookup(label)
    except LookupError:
        return None
    # bytes.decode() refuses bytes-to-bytes codecs with LookupError; refuse them here.
    if not info._is_text_encoding or info.name in _NOT_CHARSETS:
        return None
    return SUPERSETS.get(info.name, info.name)


def decode_bom(data: bytes, *, utf32: bool) -> str | None:
    """The text after a byte-order mark, decoded as it says (errors replaced); else None.

    ``utf32=False`` for HTML: browsers know no UTF-32, so ``FF FE 00 00`` is UTF-16 LE.
    """
    for bom, codec in (*_UTF32_BOMS, *_BOMS) if utf32 else _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, "replace")
    return None


def decode_strict(data: bytes, codec: str) -> str | None:
    """``data`` decoded without a single error, or None."""
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def first_decoding(data: bytes, candidates: Iterable[str]) -> str | None:
    """``data`` decoded by the first candidate that reads it without an error, or None."""
    for codec in candidates:
        text = decode_strict(data, codec)
        if text is not None:
            return text
    return None
