"""Article images whose URL has no image file name (image CDNs, resizers, lazy loaders
trafilatura does not read) are kept in the post, remote and local, with their captions;
the first one is the lead image when the page names no og:image. What the page's
content does not keep (an ad beside it, a tracking pixel) stays out, the stand-in URLs
used while extracting never reach a post, and the image stage still refuses a page
served as an image (look16c F12)."""

from __future__ import annotations

import html
import re
import struct
import zlib

from conftest import Site
from pytest_httpserver import HTTPServer
from test_e2e import rss
from werkzeug import Request, Response


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", 64, 64, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\0" + bytes(range(64)) * 3 for _ in range(64)))
    chunks = chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + chunks


PNG = _png()
PLACEHOLDER = "data:image/gif;base64,R0lGODlhAQABAAAAACw="
# Each shape: the <img> attributes as the page writes them (BASE: the server; IMG: the
# <img> tag, in a <picture>), and the URL the post must show.
SHAPES = {
    "ext": ('src="BASE/img/photo.png"', "/img/photo.png"),  # kept before: still kept
    "noext": ('src="BASE/img/abc123"', "/img/abc123"),
    "query": ('src="BASE/img/resize?w=800&amp;id=9"', "/img/resize?w=800&id=9"),
    "medium": ('src="BASE/v2/resize:fit:1400/1*AbCdEf"', "/v2/resize:fit:1400/1*AbCdEf"),
    "relative": ('src="/cdn/pic/77"', "/cdn/pic/77"),
    "lazy": (f'src="{PLACEHOLDER}" data-lazy-src="/img/lazy9"', "/img/lazy9"),
    "srcset": ('srcset="/img/s1 400w, /img/s2 1600w, /img/s3 800w"', "/img/s2"),
    "picture": (  # Medium: the <img> has no URL; its <picture>'s sources have
        '<picture><source media="(max-width: 700px)" srcset="/m/small 640w">'
        '<source srcset="/m/fit:700/1*Xy 700w, /m/fit:1400/1*Xy 1400w">IMG</picture>',
        "/m/fit:1400/1*Xy",
    ),
}
TEXT = (
    "The committee met on Tuesday to discuss the new proposal for the river district."
    " Residents raised concerns about traffic, noise and the cost of the project."
)


def _page(key: str, base: str) -> bytes:
    markup = SHAPES[key][0].replace("BASE", base)
    image = '<img {} width="800" height="500" alt="River district">'
    image = markup.replace("IMG", image.format("")) if "IMG" in markup else image.format(markup)
    paragraphs = "".join(f"<p>Story {key} paragraph {i}. {TEXT}</p>" for i in range(6))
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>Story {key}</title></head>"
        "<body><header><a href='/'>Home</a></header>"
        f"<article><h1>Story {key}</h1><p>Story {key} lead. {TEXT}</p>"
        f"<figure>{image}"
        "<figcaption>The river district. Photo: J. Doe</figcaption></figure>"
        f"{paragraphs}"
        # A tracking pixel inside the article: trafilatura never kept it, nor do we.
        '<img src="/px/beacon?u=1" width="1" height="1" alt="">'
        "</article>"
        '<aside class="sidebar-ad"><p>Advertisement</p>'
        '<img src="/ads/serve?id=7" width="300" height="250" alt="ad"></aside>'
        "<footer><p>Copyright Example News</p></footer></body></html>"
    ).encode()


def _serve(httpserver: HTTPServer, html_as_image: set[str]) -> str:
    base = httpserver.url_for("/").rstrip("/")

    def handler(request: Request) -> Response:
        path = request.path
        if path.startswith("/a/"):
            return Response(_page(path[3:], base), content_type="text/html")
        if path in html_as_image:  # a page (a login wall, a 404 page) said to be a PNG
            wall = b"<!doctype html><html><body>Log in</body></html>"
            return Response(wall, content_type="image/png")
        return Response(PNG, content_type="image/png")

    httpserver.expect_request(re.compile("^/(?!feed)")).respond_with_handler(handler)
    items = [
        {"title": f"Story {key}", "link": f"{base}/a/{key}", "guid": key,
         "pubDate": "Tue, 01 Dec 2026 10:00:00 GMT"}
        for key in SHAPES
    ]  # fmt: skip
    httpserver.expect_request("/feed").respond_with_data(rss(items))
    return base


def _bodies(site: Site) -> dict[str, str]:
    found = {}
    for name in site.post_names():
        text = (site.posts / name).read_text(encoding="utf-8")
        key = re.search(r'^title: "Story (\w+)"', text, re.M)
        assert key is not None, text
        found[key.group(1)] = text.split("\n<div>\n", 1)[1]
    return found


def _check_common(body: str, requested: list[str]) -> None:
    # The stand-ins never leak; what the content did not keep is neither shown nor fetched.
    # (The stand-ins are URLs on a reserved .invalid host.)
    assert ".invalid" not in body
    assert "/px/beacon" not in body and "/ads/serve" not in body
    assert not any(p.startswith(("/px/", "/ads/")) for p in requested)
    # The first real image is the lead image: moved to the top, caption beside it.
    assert body.startswith("<figure><img "), body[:300]
    assert "<figcaption>The river district. Photo: J. Doe</figcaption></figure>" in body
    assert body.count("<img ") == 1


def _run(site: Site, httpserver: HTTPServer, mode: str, html_as_image: set[str]) -> str:
    """Archive every shape with ``images: mode``; the server's base URL."""
    base = _serve(httpserver, html_as_image)
    site.write_config([{"name": "P", "url": f"{base}/feed", "content": "page", "images": mode}])
    assert site.cli("run", "--now", "2026-12-02T00:00:00Z") == 0
    return base


def test_extensionless_images_kept_remote(site: Site, httpserver: HTTPServer) -> None:
    base = _run(site, httpserver, "remote", set())
    bodies = _bodies(site)
    assert sorted(bodies) == sorted(SHAPES)
    requested = [request.path for request, _ in httpserver.log]
    for key, (_, shown) in SHAPES.items():
        body = bodies[key]
        assert f'<img src="{html.escape(base + shown)}"' in body, (key, body[:300])
        _check_common(body, requested)


def test_extensionless_images_stored_locally(site: Site, httpserver: HTTPServer) -> None:
    # /img/abc123 answers with a page said to be a PNG: not stored, left remote.
    base = _run(site, httpserver, "local", {"/img/abc123"})
    bodies = _bodies(site)
    assert sorted(bodies) == sorted(SHAPES)
    requested = [request.path for request, _ in httpserver.log]
    for key, (_, shown) in SHAPES.items():
        body, original = bodies[key], html.escape(base + shown)
        if key == "noext":
            assert f'<img src="{original}"' in body, body[:300]
        else:
            stored = r'<img src="/assets/images/[0-9a-f]{2}/[0-9a-f]{64}\.png" '
            assert re.search(f'{stored}data-original-src="{re.escape(original)}"', body), key
        _check_common(body, requested)
    stored_files = [p for p in (site.root / "site" / "assets" / "images").rglob("*") if p.is_file()]
    assert [p.suffix for p in stored_files] == [".png"]  # one file: the PNG, not the page
