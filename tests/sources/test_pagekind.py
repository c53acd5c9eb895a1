"""Only HTML pages become posts: what a response is, by its bytes and its Content-Type."""

from __future__ import annotations

import pytest

from rssarchive.sources.pagekind import NotHtml, is_svg, not_html

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(40)
PAGE = b"<!DOCTYPE html><html><head><title>t</title></head><body><p>x</p></body></html>"
RSS = b'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel></channel></rss>'
ATOM = b'<?xml version="1.0"?><!-- hi --><feed xmlns="http://www.w3.org/2005/Atom"></feed>'


@pytest.mark.parametrize(
    ("content", "content_type", "expected"),
    [
        (PAGE, "text/html; charset=utf-8", None),
        (PAGE, None, None),
        (PAGE, "application/octet-stream", None),  # mislabelled, still a page
        (PAGE, "text/plain", None),
        (b"\xef\xbb\xbf  <html><body>x</body></html>", "text/html", None),
        ("<html><body>ü</body></html>".encode("utf-16"), "text/html", None),
        (
            b'<?xml version="1.0"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN"'
            b' "x"><html xmlns="http://www.w3.org/1999/xhtml"></html>',
            "application/xhtml+xml",
            None,
        ),
        (b"<div id='storytext'><p>x</p></div>", None, None),  # a fragment of a page
        (b"Just some words, no tags", "text/html", None),  # the extractor judges it
        (PNG, "image/png", NotHtml("image/png")),
        (PNG, "text/html", NotHtml("image/png")),  # the bytes win over the label
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg", NotHtml("image/jpeg")),
        (b"GIF89a\x01\x00\x01\x00", None, NotHtml("image/gif")),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "application/octet-stream", NotHtml("image/webp")),
        # ISO media: an AVIF named only among the compatible brands is an image; a box
        # of 256 bytes (00 00 01 00, an icon's magic) is still read as ISO media.
        (
            b"\x00\x00\x00\x1cftypmif1\x00\x00\x00\x00mif1avifmiaf",
            "text/html",
            NotHtml("image/avif"),
        ),
        (
            b"\x00\x00\x01\x00ftypisom\x00\x00\x02\x00isomiso2mp41",
            "text/html",
            NotHtml("video/mp4"),
        ),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "application/pdf", NotHtml("application/pdf")),
        (b"\x00\x01\x02\x03binary\x00", "application/octet-stream", NotHtml("binary data")),
        (RSS, "application/rss+xml", NotHtml("an RSS feed", feed=True)),
        (RSS, "text/html", NotHtml("an RSS feed", feed=True)),
        (ATOM, "application/atom+xml", NotHtml("an Atom feed", feed=True)),
        (
            b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="x"></rdf:RDF>',
            None,
            NotHtml("an RSS feed", feed=True),
        ),
        (b'<?xml version="1.0"?><urlset xmlns="x"></urlset>', "text/xml", NotHtml("XML (urlset)")),
        # XML whose root is not <html> is no page, whatever its Content-Type says.
        (b'<?xml version="1.0"?><urlset xmlns="x"></urlset>', "text/html", NotHtml("XML (urlset)")),
        (
            b'<urlset xmlns="x"><url><loc>x</loc></url></urlset>',
            "text/html",
            NotHtml("XML (urlset)"),
        ),
        (b'<?xml version="1.0"?><root><a>x</a></root>', "text/html", NotHtml("XML (root)")),
        (b'<?xml version="1.0"?><root><a>x</a></root>', "application/xml", NotHtml("XML (root)")),
        (b'<?xml version="1.0"?><!DOCTYPE html><body><p>x</p></body>', "text/html", None),
        (
            b'\xef\xbb\xbf <!-- c --><?xml-stylesheet href="s"?><svg xmlns="x"><text>hi</text>',
            "text/html",
            NotHtml("image/svg+xml"),
        ),
        (
            b'<?xml version="1.0"?>\n<rss version="2.0"></rss>',
            "text/html",
            NotHtml("an RSS feed", True),
        ),
        # WHATWG order: markup first, so a stray NUL or bell in a paragraph leaves a page.
        (PAGE.replace(b"<p>x", b"<p>a\x00b\x07x"), "text/html", None),
        (b"plain words, a text all the same. " * 4 + b"one\x00stray NUL", None, None),
        (b"ab\x00\x00\x01cd" * 50, "text/html", NotHtml("binary data")),
        (b'{"title": "x"}', "application/json", NotHtml("application/json")),
        (b"body { color: red }", "text/css", NotHtml("text/css")),
        (b"plain words", "text/plain", NotHtml("text/plain")),
    ],
)
def test_not_html(content: bytes, content_type: str | None, expected: NotHtml | None) -> None:
    assert not_html(content, content_type) == expected


@pytest.mark.parametrize(
    ("content", "svg"),
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg"/>', True),
        (b"\xef\xbb\xbf<?xml version='1.0'?>\n<!-- c --><!DOCTYPE svg><svg:svg/>", True),
        ("\ufeff<svg/>".encode("utf-16-be"), True),
        (b"<html><body><svg/></body></html>", False),
        (b"<p>an <svg> inline</p>", False),
        (PNG, False),
        (b"", False),
    ],
)
def test_is_svg(content: bytes, svg: bool) -> None:
    assert is_svg(content) is svg
