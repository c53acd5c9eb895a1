"""Bytes of uncertain charset -> text: the package's one home for charsets.

There are two decoders, on purpose, because feeds and pages are labelled differently:

* :func:`decode_feed` follows XML: UTF-32 exists, the ``<?xml encoding?>`` declaration
  outranks the HTTP header, and valid UTF-8 wins over any label (feeds are mislabelled
  UTF-8 far more often than not); Chinese readings are chosen by character frequency.
* :func:`decode_page` follows browsers (WHATWG): no UTF-32, the HTTP header outranks
  ``<meta charset>``, Latin-1 means windows-1252, and detection (charset_normalizer) runs
  only when every declaration fails.

What they agree on is written once: which codec a label means (web aliases known, GBK
read as GB18030, Big5 as Big5-HKSCS), how the HTTP header's charset is read, byte-order
marks, and how a strict decoding attempt fails. ``feeds`` and ``extract`` use these
decoders (and still offer them under their old names).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable
from typing import Final

__all__ = [
    "SUPERSETS",
    "codec_name",
    "decode_bom",
    "decode_feed",
    "decode_feed_said",
    "decode_page",
    "decode_page_said",
    "decode_strict",
    "first_decoding",
    "header_charset",
    "label_codec",
    "sniff_bom",
    "without_bom",
]

# Labels whose real-world content is a superset: GB2312/GBK text contains characters only
# GB18030 has, and Big5 text from Hong Kong and Taiwan uses HKSCS characters. Browsers
# read GBK as GB18030 too. Keys are codecs.lookup() names.
SUPERSETS: Final = {"gb2312": "gb18030", "gbk": "gb18030", "big5": "big5hkscs"}

# The codecs a document's label may name (codecs.lookup names): the WHATWG Encoding
# Standard's encodings, as browsers read them, and UTF-32 for feeds (XML has it; the
# page decoder refuses it itself). Any other codec Python has is no charset of the web:
# utf-7 and unicode-escape would turn escaped text into markup, base64, zlib, rot-13 and
# idna turn no document's bytes into text.
_WEB_CODECS: Final = frozenset(
    {
        *("utf-8", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"),
        *("ascii", "cp866", "koi8-r", "koi8-u", "mac-roman", "mac-cyrillic", "cp874"),
        *(f"iso8859-{n}" for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16)),
        *(f"cp{n}" for n in range(1250, 1259)),
        *("tis-620", "gb2312", "gbk", "gb18030", "big5", "big5hkscs", "euc_jp"),
        *("iso2022_jp", "shift_jis", "cp932", "euc_kr", "cp949"),
    }
)

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

    None for a label Python does not know, and for a codec that is no WHATWG encoding
    (_WEB_CODECS: utf-7, unicode-escape, base64, zlib, rot-13, idna, ...), so that a
    hostile label is skipped.
    """
    try:
        info = codecs.lookup(label)
    except (LookupError, ValueError):  # ValueError: a NUL in the label
        return None
    if info.name not in _WEB_CODECS:
        return None
    return SUPERSETS.get(info.name, info.name)


def sniff_bom(data: bytes, *, utf32: bool) -> tuple[str, int] | None:
    """The codec a byte-order mark at the start of ``data`` says and the mark's length in
    bytes; None without one. The package's one reading of byte-order marks.

    ``utf32=False`` for HTML: browsers know no UTF-32, so ``FF FE 00 00`` is UTF-16 LE.
    """
    for bom, codec in (*_UTF32_BOMS, *_BOMS) if utf32 else _BOMS:
        if data.startswith(bom):
            return codec, len(bom)
    return None


def decode_bom(data: bytes, *, utf32: bool) -> str | None:
    """The text after a byte-order mark, decoded as it says (errors replaced); else None
    (``utf32`` as for :func:`sniff_bom`)."""
    found = sniff_bom(data, utf32=utf32)
    if found is None:
        return None
    codec, length = found
    return data[length:].decode(codec, "replace")


def without_bom(text: str) -> str:
    """Decoded ``text`` without the byte-order marks (U+FEFF) it starts with: one a
    decoder left, or a second that a tool writing the file once more added."""
    return text.lstrip("\ufeff")


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


# --- labels -----------------------------------------------------------------------------

# Web labels Python's codecs do not know.
_LABEL_ALIASES: Final = {
    "x-gbk": "gbk",
    "gb_2312-80": "gb2312",
    "csgb2312": "gb2312",
    "x-x-big5": "big5",
    "csbig5": "big5",
    "windows-874": "cp874",
    "x-mac-cyrillic": "mac-cyrillic",
}
_HEADER_CHARSET: Final = re.compile(r"charset\s*=\s*[\"']?\s*([a-z0-9_.:\-]+)", re.IGNORECASE)


def label_codec(label: str | bytes | None) -> str | None:
    """The codec a charset label (as written: any case, spaces or quotes around it)
    means, as :func:`codec_name` names it; None for no label or one not known."""
    if not label:
        return None
    text = label.decode("ascii", "ignore") if isinstance(label, bytes) else label
    text = text.strip().strip("\"'").lower()
    return codec_name(_LABEL_ALIASES.get(text, text)) if text else None


def header_charset(content_type: str | None) -> str | None:
    """The charset label of a Content-Type header, as written; None without one."""
    match = _HEADER_CHARSET.search(content_type or "")
    return match.group(1) if match else None


# --- feeds ------------------------------------------------------------------------------

# "<?" in UTF-16/32 without a BOM (XML 1.0 appendix F).
_NUL_MARKERS = (
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00?\x00", "utf-16-le"),
    (b"\x00<\x00?", "utf-16-be"),
)
# Single-byte codecs decode almost any bytes, so "it decoded" proves nothing. They are
# the usual server default, and are tried only after the Chinese candidates.
_PERMISSIVE = frozenset({"iso8859-1", "cp1252", "iso8859-15"})  # codecs.lookup() names
_CJK_FALLBACKS = ("gb18030", "big5hkscs")
_XML_ENCODING = re.compile(rb"""\A\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([\w.:-]+)""")
# The most frequent Chinese characters, simplified and traditional. Chinese text decoded
# with the right codec is full of them; Big5 read as GB18030 (which succeeds, every Big5
# byte pair being valid GB18030) is full of kana and rare characters instead.
_COMMON_HANZI = frozenset(
    "的一是不了在人有我他这這个個们們中来來上大为為和国國地到以说說时時要就出会會可也你对對"
    "生能而子那得于於着著下自之年过過发發后後作里裡用道行所然家种種事成方多经經么麼去法学學"
    "如都同现現当當没沒动動面起看定天分还還进進好小部其些主样樣理心她本前开開但因只从從想实實"
    "日军軍者意无無力它与與长長把机機民第公此已工使情明性知全又关關点點正业業外将將两兩高间間"
    "由问問很最重并並物手应應战戰向头頭文体體政美相见見被利新报報表示称稱记記台湾灣港府官员員"
)
_SCORE_SAMPLE_CHARS = 200_000
# Share of non-ASCII characters that must be common hanzi before we prefer a Chinese
# reading over a declared single-byte charset. Chinese news text scores 0.3-0.5;
# wrongly decoded bytes score near 0.
_MIN_HANZI_SHARE = 0.1


def _hanzi_share(text: str) -> float:
    sample = text[:_SCORE_SAMPLE_CHARS]
    non_ascii = sum(1 for ch in sample if ord(ch) > 127)
    hits = sum(1 for ch in sample if ch in _COMMON_HANZI)
    return hits / non_ascii if non_ascii else 0.0


# A document whose non-ASCII bytes are at least this share valid UTF-8 is UTF-8 with a
# few stray bytes (a word pasted from a GBK page): GBK or Big5 text reads as valid UTF-8
# by chance for a few percent of its bytes at most, UTF-8 text for all of them.
MOSTLY_UTF8_SHARE: Final = 0.75


_ASCII: Final = bytes(range(0x80))
_ESCAPED_BYTE: Final = re.compile("[\udc80-\udcff]")


def _stray_bytes(data: bytes) -> int | None:
    """How many bytes of ``data`` are not UTF-8 when at least MOSTLY_UTF8_SHARE of its
    non-ASCII bytes are; None otherwise."""
    non_ascii = len(data.translate(None, _ASCII))
    # surrogateescape: each byte that is not UTF-8 becomes one U+DC80-U+DCFF.
    stray = len(_ESCAPED_BYTE.findall(data.decode("utf-8", "surrogateescape")))
    if not non_ascii or non_ascii - stray < MOSTLY_UTF8_SHARE * non_ascii:
        return None
    return stray


# Bytes declared UTF-8 that are not are most often windows-1252 (Latin-1) text: a CMS
# writing cp1252 under a UTF-8 template. Such text has its non-ASCII characters one or
# two at a time between ASCII letters (accents); legacy Cyrillic, Greek or CJK bytes come
# in runs, and are left to the other readings.
_NON_ASCII_RUN: Final = re.compile("[^\x00-\x7f]+")
_MAX_LATIN_RUN: Final = 1.5  # mean length of the runs of non-ASCII characters
LATIN_FALLBACK_SAID: Final = "declared UTF-8 but is not: read as windows-1252 (Latin-1)"


def _latin_reading(data: bytes) -> str | None:
    """``data`` as windows-1252 when it reads as Latin text (see _MAX_LATIN_RUN) and is
    not UTF-8 but for a few stray bytes; else None. For bytes declared UTF-8 only."""
    if _stray_bytes(data) is not None:
        return None
    text = decode_strict(data, "cp1252")
    if text is None:
        return None
    runs = _NON_ASCII_RUN.findall(text)
    return text if runs and sum(map(len, runs)) <= _MAX_LATIN_RUN * len(runs) else None


def decode_feed_said(data: bytes, content_type: str | None = None) -> tuple[str, str | None]:
    """:func:`decode_feed`, and a warning when it read the bytes as UTF-8 but for a few
    (see MOSTLY_UTF8_SHARE), which lose their characters, or as windows-1252 though they
    were declared UTF-8 (LATIN_FALLBACK_SAID)."""
    text, said = _decode_feed(data, content_type)
    if said is not None:
        return text, said
    if "\ufffd" not in text or decode_strict(data, "utf-8") is not None:
        return text, None
    stray = _stray_bytes(data)
    if stray is None or text != data.decode("utf-8", "replace"):
        return text, None
    return text, (
        f"{stray} bytes are not UTF-8 in a document otherwise UTF-8 (at least "
        f"{MOSTLY_UTF8_SHARE:.0%} of its non-ASCII bytes are): read as UTF-8, with "
        "U+FFFD in their place"
    )


def decode_feed(data: bytes, content_type: str | None = None) -> str:
    """Decode feed bytes to text, trusting the bytes over their labels (see _decode_feed)."""
    return _decode_feed(data, content_type)[0]


def _decode_feed(data: bytes, content_type: str | None) -> tuple[str, str | None]:
    """Decode feed bytes to text, trusting the bytes over their labels; with
    LATIN_FALLBACK_SAID when declared UTF-8 bytes were read as windows-1252.

    Order: byte-order mark; UTF-16/32 by their NUL pattern; valid UTF-8 (mislabelled
    UTF-8 is common, while legacy-encoded Chinese text is practically never valid UTF-8);
    the XML declaration, then the HTTP charset (the declaration is written by the software
    that wrote the bytes, the header is often a server default); UTF-8 with replacement
    characters when it is UTF-8 but for a few stray bytes (MOSTLY_UTF8_SHARE); declared
    UTF-8 that reads as Latin text, as windows-1252 (_latin_reading); GB18030 or
    Big5-HKSCS, whichever reads as Chinese; a declared single-byte charset; at last, with
    replacement characters, whichever candidate needs the fewest.
    """
    text = decode_bom(data, utf32=True)
    if text is not None:
        return text, None
    for marker, codec in _NUL_MARKERS:
        if data.startswith(marker):
            return data.decode(codec, "replace"), None
    text = decode_strict(data, "utf-8")
    if text is not None:
        return text, None

    xml_match = _XML_ENCODING.match(data)
    declared = [
        name
        for name in (
            label_codec(xml_match.group(1) if xml_match else None),
            label_codec(header_charset(content_type)),
        )
        # UTF-16/32 were ruled out above: a declaration we could read as ASCII is not one.
        if name and not name.startswith(("utf-16", "utf-32"))
    ]
    text = first_decoding(data, [c for c in declared if c not in _PERMISSIVE])
    if text is not None:
        return text, None
    if _stray_bytes(data) is not None:
        # Before the Chinese readings: UTF-8 bytes often decode as GB18030 without an
        # error, all of them wrong (a short UTF-8 feed with one GBK word was read whole
        # as GB18030), while this loses only the stray bytes.
        return data.decode("utf-8", "replace"), None
    if "utf-8" in declared and (text := _latin_reading(data)) is not None:
        return text, LATIN_FALLBACK_SAID

    chinese = [
        (t, _hanzi_share(t)) for c in _CJK_FALLBACKS if (t := decode_strict(data, c)) is not None
    ]
    permissive = [c for c in declared if c in _PERMISSIVE]
    if chinese:
        best, share = max(chinese, key=lambda pair: pair[1])  # ties: GB18030, listed first
        if share >= _MIN_HANZI_SHARE or not permissive:
            return best, None
    if permissive:
        return data.decode(permissive[0], "replace"), None

    readings = [data.decode(c, "replace") for c in (*declared, "utf-8", *_CJK_FALLBACKS)]
    return min(readings, key=lambda t: t.count("\ufffd")), None


# --- pages ------------------------------------------------------------------------------

# Where to look for <meta charset>: WHATWG's prescan reads 1 KB, but Chinese sites often
# put scripts and styles first.
_META_SNIFF_BYTES: Final = 16 * 1024
# Enough text for charset detection to be sure, little enough to stay fast.
_DETECT_BYTES: Final = 64 * 1024
# What labels mean on the web, beyond SUPERSETS (GBK as GB18030, Big5 as
# Big5-HKSCS): Latin-1 and ASCII labels mean windows-1252, and CP950 is a Big5 too.
_WEB_MEANING: Final = {"iso8859-1": "cp1252", "ascii": "cp1252", "cp950": "big5hkscs"}
# Big5-HKSCS lacks a few of CP950's (Microsoft Big5's) characters: a second try for those.
_SECOND_TRY: Final[dict[str, tuple[str, ...]]] = {"big5hkscs": ("cp950",)}
_META_CHARSET: Final = re.compile(
    rb"<meta[^>]+?charset\s*=\s*[\"']?\s*([a-z0-9_.:\-]+)", re.IGNORECASE
)


def _codecs_for(label: str | bytes | None, *, from_meta: bool = False) -> tuple[str, ...]:
    name = label_codec(label)
    if name is None:
        return ()
    if from_meta and name.startswith("utf-16"):
        return ("utf-8",)  # a page that can declare itself in ASCII is not UTF-16
    name = _WEB_MEANING.get(name, name)
    return (name, *_SECOND_TRY.get(name, ()))


def decode_page(page: bytes, content_type: str | None = None) -> str:
    """The page as text: BOM, then declared charsets, then UTF-8, then detection.

    A declaration that does not decode the bytes (UTF-8 declared over GBK) is skipped.
    """
    return decode_page_said(page, content_type)[0]


def decode_page_said(page: bytes, content_type: str | None = None) -> tuple[str, str | None]:
    """:func:`decode_page`, and LATIN_FALLBACK_SAID when a page declared UTF-8 (header or
    meta) was read as windows-1252: its bytes read as Latin text (_latin_reading), which
    detection takes for any of a dozen single-byte charsets."""
    text = decode_bom(page, utf32=False)
    if text is not None:
        return text, None
    meta = _META_CHARSET.search(page[:_META_SNIFF_BYTES])
    declared = [
        *_codecs_for(header_charset(content_type)),
        *_codecs_for(meta.group(1) if meta else None, from_meta=True),
    ]
    text = first_decoding(page, dict.fromkeys([*declared, "utf-8"]))
    if text is None and "utf-8" in declared and (text := _latin_reading(page)) is not None:
        return text, LATIN_FALLBACK_SAID
    if text is None:
        from charset_normalizer import from_bytes  # rarely needed; imported then

        best = from_bytes(page[:_DETECT_BYTES]).best()
        text = first_decoding(page, _codecs_for(best.encoding if best else None))
    return (page.decode("utf-8", "replace") if text is None else text), None
