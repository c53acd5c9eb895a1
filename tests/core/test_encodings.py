"""The charset rules feeds and pages share (rssarchive.core.encodings), and labels that name a
codec no document is written in: both decoders skip them instead of crashing."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from rssarchive.cli_input import _read_urls
from rssarchive.core.encodings import (
    codec_name,
    decode_bom,
    decode_feed,
    decode_feed_said,
    decode_page,
    decode_page_said,
    first_decoding,
    sniff_bom,
    without_bom,
)
from rssarchive.core.errors import ExtractError
from rssarchive.extract.article import extract_article
from rssarchive.sources.feeds import parse_feed

ZH = "美日将举行安全会谈，讨论核威慑问题。"


@pytest.mark.parametrize(
    ("label", "name"),
    [
        ("gbk", "gb18030"),
        ("GB2312", "gb18030"),
        ("gb18030", "gb18030"),
        ("big5", "big5hkscs"),
        ("csbig5", "big5hkscs"),
        ("Big5-HKSCS", "big5hkscs"),
        ("utf8", "utf-8"),
        ("latin1", "iso8859-1"),  # a page's web meaning (windows-1252) is extract's rule
        ("nonsense", None),
        ("", None),
    ],
)
def test_codec_name(label: str, name: str | None) -> None:
    assert codec_name(label) == name


NOT_CHARSETS = [
    *("base64", "hex", "zlib", "bz2", "uu", "quopri", "rot13"),  # bytes to bytes
    *("idna", "punycode"),  # for host names
    "undefined",  # refuses everything
    # Text codecs no browser has (look18b F7): only WHATWG encoding labels are read.
    *("utf-7", "unicode_escape", "raw_unicode_escape", "unicode-escape", "cp437", "cp500"),
    *("utf-8-sig", "hz", "johab", "iso2022_kr", "mbcs", "palmos"),
]


def test_a_page_declaring_unicode_escape_does_not_turn_escaped_text_into_markup() -> None:
    page = b'<meta charset="unicode_escape"><p>\\u003cb\\u003ebold\\u003c/b\\u003e</p>'
    text, _said = decode_page_said(page)
    assert "<b>" not in text
    assert "\\u003cb\\u003e" in text


@pytest.mark.parametrize("label", ["utf-7", "unicode_escape", "utf-32"])
def test_a_page_reads_no_codec_a_browser_does_not_have(label: str) -> None:
    page = b'<meta charset="' + label.encode() + b'"><p>+ADw-b+AD4-bold</p>'
    assert "<b>" not in decode_page(page, f"text/html; charset={label}")


@pytest.mark.parametrize("label", ["\x00", "utf-8\x00", b"\x00"])
def test_a_label_python_refuses_to_look_up_is_unknown(label: str | bytes) -> None:
    from rssarchive.core.encodings import label_codec

    assert label_codec(label) is None  # codecs.lookup raises ValueError for a NUL (look18b F9)


@pytest.mark.parametrize(
    "label",
    [
        *("utf-8", "ibm866", "koi8-r", "koi8-u", "macintosh", "windows-874", "x-mac-cyrillic"),
        *(f"iso-8859-{n}" for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16)),
        *(f"windows-{n}" for n in range(1250, 1259)),
        *("gbk", "gb18030", "big5", "euc-jp", "iso-2022-jp", "shift_jis", "euc-kr"),
        *("utf-16be", "utf-16le", "utf-16", "us-ascii", "latin1", "tis-620"),
    ],
)
def test_whatwg_labels_are_read(label: str) -> None:
    from rssarchive.core.encodings import label_codec

    assert label_codec(label) is not None


@pytest.mark.parametrize("label", NOT_CHARSETS)
def test_labels_that_are_not_charsets_are_unknown(label: str) -> None:
    assert codec_name(label) is None


@pytest.mark.parametrize("label", NOT_CHARSETS)
def test_page_declaring_a_codec_that_is_not_a_charset_still_decodes(label: str) -> None:
    page = f'<meta charset="{label}"><p>{ZH}</p>'.encode("gbk")
    assert ZH in decode_page(page, f"text/html; charset={label}")


@pytest.mark.parametrize("label", NOT_CHARSETS)
def test_feed_declaring_a_codec_that_is_not_a_charset_still_decodes(label: str) -> None:
    data = f'<?xml version="1.0" encoding="{label}"?><rss>{ZH}</rss>'.encode("gbk")
    assert ZH in decode_feed(data, f"text/xml; charset={label}")
    garbage = f'<?xml version="1.0" encoding="{label}"?><rss>'.encode() + b"\x80\xff" * 8
    assert decode_feed(garbage, f"text/xml; charset={label}").startswith("<?xml")


def test_hostile_charset_label_is_not_an_unexpected_error() -> None:
    page = b'<meta charset="base64"><p>\xb0\xa1</p>'
    with pytest.raises(ExtractError):  # no article in it, but no LookupError either
        extract_article(page, "https://news.example/a.html")
    feed = b'<?xml version="1.0" encoding="undefined"?><rss><channel><title>\xb0\xa1'
    feed += b"</title></channel></rss>"
    assert parse_feed(feed, "https://news.example/feed").title == "啊"


@pytest.mark.parametrize(
    ("data", "utf32", "text"),
    [
        (codecs.BOM_UTF8 + "é".encode(), False, "é"),
        (codecs.BOM_UTF16_LE + "é".encode("utf-16-le"), False, "é"),
        (codecs.BOM_UTF16_BE + "é".encode("utf-16-be"), True, "é"),
        (codecs.BOM_UTF32_LE + "é".encode("utf-32-le"), True, "é"),
        # Browsers know no UTF-32: to them this is UTF-16 LE starting with U+0000.
        (codecs.BOM_UTF32_LE + "é".encode("utf-32-le"), False, "\x00é\x00"),
        (b"no mark", True, None),
    ],
)
def test_decode_bom(data: bytes, utf32: bool, text: str | None) -> None:
    assert decode_bom(data, utf32=utf32) == text


@pytest.mark.parametrize(
    ("data", "utf32", "found"),
    [
        (codecs.BOM_UTF8 + b"<", True, ("utf-8", 3)),
        (codecs.BOM_UTF16_LE + b"<\x00", True, ("utf-16-le", 2)),
        (codecs.BOM_UTF16_BE + b"\x00<", False, ("utf-16-be", 2)),
        (codecs.BOM_UTF32_LE + b"<\x00\x00\x00", True, ("utf-32-le", 4)),
        (codecs.BOM_UTF32_LE + b"<\x00\x00\x00", False, ("utf-16-le", 2)),
        (codecs.BOM_UTF32_BE + b"\x00\x00\x00<", True, ("utf-32-be", 4)),
        (codecs.BOM_UTF32_BE + b"\x00\x00\x00<", False, None),
        (b"<\x00?\x00", True, None),  # UTF-16 without a mark: the decoders' own rule
        (b"", True, None),
    ],
)
def test_sniff_bom(data: bytes, utf32: bool, found: tuple[str, int] | None) -> None:
    assert sniff_bom(data, utf32=utf32) == found


def test_without_bom_drops_every_mark_the_text_starts_with() -> None:
    assert without_bom("\ufeff\ufeffhttps://a.example/") == "https://a.example/"
    assert without_bom("a\ufeffb") == "a\ufeffb"


def test_a_url_list_whose_bom_was_written_twice_is_read(tmp_path: Path) -> None:
    # The URL list took one BOM off and refused its first URL (issue 18: one home).
    listed = tmp_path / "urls.txt"
    listed.write_bytes(codecs.BOM_UTF8 * 2 + b"https://a.example/x\n")
    assert _read_urls(listed) == ["https://a.example/x"]


def test_first_decoding_skips_what_does_not_decode() -> None:
    data = ZH.encode("gbk")
    assert first_decoding(data, ["utf-8", "no-such-codec", "gb18030"]) == ZH
    assert first_decoding(data, ["utf-8"]) is None


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("GBK", "gb18030"),
        (' "gb2312" ', "gb18030"),
        (b"x-gbk", "gb18030"),
        ("x-x-big5", "big5hkscs"),
        ("CSBig5", "big5hkscs"),
        ("utf8", "utf-8"),
        ("base64", None),  # a codec, but not of text
        ("nonsense", None),
        ("", None),
        (None, None),
    ],
)
def test_a_label_means_one_codec_for_feeds_and_pages(
    label: str | bytes | None, codec: str | None
) -> None:
    from rssarchive.core.encodings import label_codec

    assert label_codec(label) == codec


@pytest.mark.parametrize(
    ("content_type", "label"),
    [
        ("text/html; charset=GBK", "GBK"),
        ("text/xml;charset='big5'", "big5"),
        ('application/rss+xml; charset=" utf-8"', "utf-8"),
        ("text/html", None),
        (None, None),
    ],
)
def test_header_charset(content_type: str | None, label: str | None) -> None:
    from rssarchive.core.encodings import header_charset

    assert header_charset(content_type) == label


ZH_FEED = (
    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>中文</title>'
    "<item><title>中文标题八</title><description>正文內容 中文标题八</description></item>"
    "</channel></rss>"
)


def test_utf8_with_a_stray_gbk_word_is_utf8_said() -> None:
    data = ZH_FEED.encode("utf-8").replace("正文內容".encode(), "正文內容".encode("gbk"))
    text, warning = decode_feed_said(data)
    assert "中文标题八" in text and "\ufffd" in text
    assert warning is not None and "bytes are not UTF-8" in warning


@pytest.mark.parametrize("codec", ["gbk", "gb18030", "big5"])
def test_legacy_chinese_feed_is_not_taken_for_mostly_utf8(codec: str) -> None:
    feed = ZH_FEED.replace("中文标题八", "中文標題八") if codec == "big5" else ZH_FEED
    text, warning = decode_feed_said(feed.encode(codec))
    assert text == feed and warning is None


def test_valid_utf8_is_not_warned() -> None:
    assert decode_feed_said(ZH_FEED.encode("utf-8")) == (ZH_FEED, None)


LATIN = "Le garçon était déjà là — naïve “façade”, Größe, ações não"
SAID = "declared UTF-8 but is not: read as windows-1252 (Latin-1)"


@pytest.mark.parametrize(
    ("text", "codec", "content_type", "meta", "said"),
    [
        # Declared UTF-8 (header or meta), written in windows-1252: read as such, said.
        (LATIN, "cp1252", "text/html; charset=utf-8", "", SAID),
        (LATIN, "cp1252", "text/html", "<meta charset='UTF-8'>", SAID),
        ("Größe, ações não, déjà vu", "latin-1", None, "<meta charset=utf8>", SAID),
        # Not declared UTF-8: the declaration or detection as before, nothing said.
        (LATIN, "cp1252", "text/html; charset=windows-1252", "", None),
        # Runs of non-ASCII bytes are no Latin text: left to detection.
        (
            "Привет мир, это тестовая страница на русском языке",
            "cp1251",
            None,
            "<meta charset=utf-8>",
            None,
        ),
        ("这是一个测试页面，中文内容。北京新闻报道", "gbk", None, "<meta charset=utf-8>", None),
    ],
)
def test_a_page_declared_utf8_but_latin_is_read_as_windows_1252(
    text: str, codec: str, content_type: str | None, meta: str, said: str | None
) -> None:
    page = f"<html><head>{meta}</head><body><p>{text}</p>" * 3 + "</body></html>"
    decoded, told = decode_page_said(page.encode(codec), content_type)
    assert decoded == page
    assert told == said


def test_a_feed_declared_utf8_but_latin_is_read_as_windows_1252_said() -> None:
    feed = f'<?xml version="1.0" encoding="UTF-8"?><rss><channel><title>{LATIN}</title>'
    assert decode_feed_said(feed.encode("cp1252")) == (feed, SAID)
    # A Chinese feed in GBK under the same label is still read as Chinese.
    chinese = '<?xml version="1.0" encoding="UTF-8"?><rss><title>北京新闻报道中文内容</title>'
    assert decode_feed_said(chinese.encode("gbk")) == (chinese, None)
    # Mostly UTF-8 with one stray windows-1252 byte stays UTF-8 with U+FFFD.
    stray = f"{LATIN} “".encode() + b"\x92"
    assert decode_feed_said(stray)[0].endswith("\ufffd")
