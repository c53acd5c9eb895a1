"""images: local -- downloading a body's images into the site, over real HTTP on 127.0.0.1.

Every test fetches through the real HttpClient from a real server (pytest-httpserver,
bound to 127.0.0.1 by its own fixture here), so referers, caps and status handling are
the ones production sees.
"""

from __future__ import annotations

import hashlib
import re
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from rssarchive.core.errors import FetchError
from rssarchive.core.models import NetworkConfig
from rssarchive.core.models import Response as FetchResponse
from rssarchive.net.http import HttpClient
from rssarchive.publish.images import (
    BUDGET_EXHAUSTED,
    ImageResult,
    ImageStore,
    remote_images,
    sniff_image,
)
from rssarchive.publish.render import render_body

SEEDS = sorted((Path(__file__).parent.parent / "golden" / "seeds").glob("*.txt"))
RFA = "https://www.rfa.org"
PAGE_PATH = "/news/a/story.html"


def png(seed: int) -> bytes:
    """A valid 1x1 PNG whose pixel (and so hash) depends on ``seed``."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixel = zlib.compress(b"\x00" + bytes([seed % 256, seed // 256 % 256, 7]))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixel) + chunk(b"IEND", b"")
    )


def jpeg(seed: int) -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + seed.to_bytes(4, "big") + b"\xff\xd9"


WEBP = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def local_name(data: bytes, ext: str) -> str:
    digest = hashlib.sha256(data).hexdigest()
    return f"assets/images/{digest[:2]}/{digest}.{ext}"


@pytest.fixture(scope="module")
def module_server() -> Iterator[HTTPServer]:
    # Our own instance: 127.0.0.1 explicitly, without touching the session-wide fixture.
    httpserver = HTTPServer(host="127.0.0.1", port=0)
    httpserver.start()
    try:
        yield httpserver
    finally:
        if httpserver.is_running():
            httpserver.stop()


@pytest.fixture
def server(module_server: HTTPServer) -> Iterator[HTTPServer]:
    module_server.clear()  # no handler or logged request carries over between tests
    yield module_server
    module_server.clear()


@pytest.fixture
def client() -> Iterator[HttpClient]:
    with HttpClient(
        NetworkConfig(allow_private_addresses=True, timeout=5, per_host_delay=0)
    ) as http:
        yield http


class Env:
    """A site directory, a store and the page URL, wired to the real client."""

    def __init__(self, tmp_path: Path, server: HTTPServer, client: HttpClient) -> None:
        self.site = tmp_path / "site"
        self.server = server
        self.client = client
        self.base = server.url_for("/").rstrip("/")
        self.page = self.base + PAGE_PATH
        self.store = ImageStore(self.site)

    def serve(self, path: str, data: bytes, content_type: str = "image/png") -> None:
        self.server.expect_request(path).respond_with_data(data, content_type=content_type)

    def localize(self, body: str, store: ImageStore | None = None) -> ImageResult:
        store = store or self.store

        def fetch(url: str, referer: str | None) -> FetchResponse:
            return self.client.get(url, referer=referer, max_bytes=store.max_image_bytes)

        return store.localize(body, self.page, fetch)

    def requests(self, path: str) -> list[Request]:
        return [request for request, _ in self.server.log if request.path == path]

    def files(self) -> list[str]:
        root = self.site / "assets" / "images"
        if not root.exists():
            return []
        return sorted(str(p.relative_to(self.site)) for p in root.rglob("*") if p.is_file())


@pytest.fixture
def env(tmp_path: Path, server: HTTPServer, client: HttpClient) -> Env:
    return Env(tmp_path, server, client)


def seed_body(seed: Path) -> str:
    lines = seed.read_text(encoding="utf-8").split("\n")
    return lines[lines.index("<div>") + 1]


# --------------------------------------------------------------------------- seeds


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_seed_images_archived_rest_byte_identical(env: Env, seed: Path) -> None:
    body = seed_body(seed).replace(RFA, env.base)
    urls = re.findall(r'<img src="([^"]+)"', body)
    assert len(urls) == 2  # the lead image and the zoom icon
    expected = body
    for n, url in enumerate(urls):
        data = png(n + 100 * SEEDS.index(seed))
        env.serve(url.removeprefix(env.base), data)
        name = local_name(data, "png")
        expected = expected.replace(
            f'<img src="{url}"', f'<img src="/{name}" data-original-src="{url}"'
        )
    result = env.localize(body)
    assert result.failed == ()
    assert result.html == expected
    assert list(result.stored) == [
        local_name(png(n + 100 * SEEDS.index(seed)), "png") for n in (0, 1)
    ]
    for n, name in enumerate(result.stored):
        assert (env.site / name).read_bytes() == png(n + 100 * SEEDS.index(seed))
    # The article went along as Referer, as a reader's browser sent it.
    assert all(r.headers.get("Referer") == env.page for r, _ in env.server.log)
    # render_post sanitizes and guards again: the localized body must pass unchanged.
    assert render_body(result.html) == result.html
    assert remote_images(result.html) == []
    assert remote_images(body) == urls


# ------------------------------------------------------------------------- hotlinks


def test_hotlink_refusing_any_referer_retried_without(env: Env) -> None:
    data = jpeg(1)

    def no_referer_only(request: Request) -> Response:
        if request.headers.get("Referer") is not None:
            return Response("hotlinking forbidden", status=403)
        return Response(data, content_type="image/jpeg")

    env.server.expect_request("/img/h.jpg").respond_with_handler(no_referer_only)
    result = env.localize('<p><img src="/img/h.jpg"></p>')
    assert result.failed == ()
    assert result.stored == (local_name(data, "jpg"),)
    referers = [r.headers.get("Referer") for r in env.requests("/img/h.jpg")]
    assert referers == [env.page, None]


def test_hotlink_wanting_the_page_as_referer(env: Env) -> None:
    data = jpeg(2)

    def own_pages_only(request: Request) -> Response:
        if request.headers.get("Referer") != env.page:
            return Response("hotlinking forbidden", status=403)
        return Response(data, content_type="image/jpeg")

    env.server.expect_request("/img/p.jpg").respond_with_handler(own_pages_only)
    result = env.localize('<img src="/img/p.jpg">')
    assert result.stored == (local_name(data, "jpg"),)
    assert len(env.requests("/img/p.jpg")) == 1


def test_hotlink_refused_both_ways_is_a_failure(env: Env) -> None:
    env.server.expect_request("/img/x.jpg").respond_with_data("no", status=403)
    body = '<img src="/img/x.jpg">'
    result = env.localize(body)
    assert result.html == body
    [(url, reason)] = result.failed
    assert url == env.base + "/img/x.jpg"
    assert "403" in reason and "without Referer" in reason


# ------------------------------------------------------------------------- failures


def test_an_image_over_the_cap_is_said_as_a_fetch_over_it_is(tmp_path: Path) -> None:
    # A fetch that did not apply the cap: the store's own check says the size as
    # net/bodies.py does (review of issue 18, L3: images had a second formatter).
    store = ImageStore(tmp_path, max_image_bytes=100 * 1024)
    big = png(1) + bytes(100 * 1024)

    def fetch(url: str, referer: str | None) -> FetchResponse:
        return FetchResponse(url, 200, {"content-type": "image/png"}, big)

    result = store.localize('<img src="https://example.org/a.png">', "https://example.org/", fetch)
    assert result.failed == (("https://example.org/a.png", "response larger than 100 KB"),)


def test_broken_images_stay_remote_and_are_reported(env: Env) -> None:
    env.server.expect_request("/gone.png").respond_with_data("not found", status=404)
    env.serve("/page.png", b"<html><body>an error page</body></html>", "text/html")
    env.serve("/liar.jpg", b"<html>labelled as an image</html>", "image/jpeg")
    env.serve("/huge.png", png(1) + b"\x00" * 5000)
    env.serve("/fine.png", png(2))
    store = ImageStore(env.site, max_image_bytes=2000)
    body = (
        '<p>a<img src="/gone.png" alt="x"></p><img src="/page.png"><img src="/liar.jpg">'
        '<img src="/huge.png"><img src="/fine.png">'
    )
    result = env.localize(body, store)
    reasons = dict(result.failed)
    assert list(reasons) == [
        env.base + p for p in ("/gone.png", "/page.png", "/liar.jpg", "/huge.png")
    ]
    assert "404" in reasons[env.base + "/gone.png"]
    assert reasons[env.base + "/page.png"] == "not an image (text/html)"
    assert reasons[env.base + "/liar.jpg"] == "unrecognised image data (image/jpeg)"
    assert "larger than" in reasons[env.base + "/huge.png"]
    assert result.stored == (local_name(png(2), "png"),)
    # Only the good image changed; the others keep their (relative) URLs as they were.
    assert result.html == body.replace(
        'src="/fine.png"', f'src="/{result.stored[0]}" data-original-src="{env.base}/fine.png"'
    )
    assert env.files() == [local_name(png(2), "png")]


def test_svg_refused_under_any_label(env: Env) -> None:
    env.serve("/a.svg", SVG, "image/svg+xml")
    env.serve("/b.png", SVG, "image/png")
    body = '<img src="/a.svg"><img src="/b.png">'
    result = env.localize(body)
    assert result.html == body
    assert [reason for _, reason in result.failed] == ["SVG refused (it can carry script)"] * 2
    assert env.files() == []


def test_svg_is_told_by_its_root_as_pages_are(env: Env) -> None:
    # One SVG sniffing (sources/pagekind.is_svg, issue 18): an HTML page with an inline
    # <svg> icon is a page, not an SVG; an SVG behind a comment or in UTF-16 is one.
    page = b"<!doctype html><html><head><svg><path/></svg></head><body>x</body></html>"
    env.serve("/page.png", page, "text/html")
    env.serve("/c.png", b"<?xml version='1.0'?><!-- drawn --><svg:svg/>", "image/png")
    env.serve("/u.png", ("\ufeff" + SVG.decode()).encode("utf-16-le"), "application/octet-stream")
    result = env.localize('<img src="/page.png"><img src="/c.png"><img src="/u.png">')
    assert [reason for _, reason in result.failed] == [
        "not an image (text/html)",
        "SVG refused (it can carry script)",
        "SVG refused (it can carry script)",
    ]


def test_javascript_and_data_sources_ignored(env: Env) -> None:
    body = (
        '<img src="javascript:alert(1)"><img src="data:image/png;base64,iVBORw0KGgo=">'
        '<img src=""><img><img src="ftp://example.org/x.png"><img src="  java\tscript:x">'
    )
    result = env.localize(body)
    assert result == ImageResult(body, (), ())
    assert env.server.log == []
    assert remote_images(body, env.page) == []


def test_sources_that_are_no_http_url_are_ignored(env: Env) -> None:
    # The one rule of urls.absolute: a port out of range, a control character or a
    # space in the host is no URL to fetch (each used to be fetched).
    body = (
        '<img src="http://127.0.0.1:99999/a.png"><img src="/b\x01.png">'
        '<img src="http://a b.example/c.png">'
    )
    result = env.localize(body)
    assert result == ImageResult(body, (), ())
    assert env.server.log == []
    assert remote_images(body, env.page) == []


def test_run_budget_exhausted(env: Env) -> None:
    images = [png(n) for n in range(4)]
    for n, data in enumerate(images):
        env.serve(f"/{n}.png", data)
    # Room for exactly two of these images.
    store = ImageStore(env.site, max_run_bytes=len(images[0]) + len(images[1]))
    result = env.localize("".join(f'<img src="/{n}.png">' for n in range(4)), store)
    assert result.stored == tuple(local_name(d, "png") for d in images[:2])
    assert result.failed == tuple((f"{env.base}/{n}.png", BUDGET_EXHAUSTED) for n in (2, 3))
    # The third was fetched and did not fit; after that, nothing more is downloaded.
    assert env.requests("/3.png") == []
    assert store.bytes_downloaded > store.max_run_bytes
    assert remote_images(result.html, env.page) == [f"{env.base}/{n}.png" for n in (2, 3)]


# ----------------------------------------------------------------- which source


def test_lazy_source_wins_over_placeholder(env: Env) -> None:
    env.serve("/real.png", png(1))
    env.serve("/real2.png", png(2))
    env.serve("/real3.png", png(3))
    body = (
        '<img src="/blank.gif" data-src="/real.png" class="lazy">'
        '<img data-original="/real2.png" alt="no src at all">'
        '<img src="data:image/gif;base64,R0lGOD" data-lazy-src="/real3.png">'
    )
    result = env.localize(body)
    one, two, three = (local_name(png(n), "png") for n in (1, 2, 3))
    assert result.failed == ()
    assert result.html == (
        f'<img src="/{one}" data-original-src="{env.base}/real.png" data-src="/real.png"'
        ' class="lazy">'
        f'<img src="/{two}" data-original-src="{env.base}/real2.png" data-original="/real2.png"'
        ' alt="no src at all">'
        f'<img src="/{three}" data-original-src="{env.base}/real3.png" data-lazy-src="/real3.png">'
    )
    assert env.requests("/blank.gif") == []


def test_every_lazy_attribute_the_extractor_knows_is_tried() -> None:
    # One list (urls.LAZY_SRC) for the extractor and the localizer: data-url included.
    for name in ("data-src", "data-original", "data-lazy-src", "data-url"):
        body = f'<img src="/blank.gif" {name}="/real.png">'
        assert remote_images(body, "https://x.example/a/") == ["https://x.example/real.png"]


def test_srcset_largest_candidate_and_srcset_dropped(env: Env) -> None:
    env.serve("/w1280.jpg", jpeg(1280), "image/jpeg")
    env.serve("/x3.jpg", jpeg(3), "image/jpeg")
    env.serve("/c_fill,w_900/pic.jpg", jpeg(900), "image/jpeg")
    body = (
        '<img src="/small.jpg" srcset="/w320.jpg 320w, /w1280.jpg 1280w, /w640.jpg 640w"'
        ' sizes="100vw" alt="a">'
        '<img srcset="/x1.jpg, /x3.jpg 3x, /x2.jpg 2x">'
        '<img srcset="/c_fill,w_300/pic.jpg 300w, /c_fill,w_900/pic.jpg 900w">'
    )
    result = env.localize(body)
    big, x3, commas = (local_name(jpeg(n), "jpg") for n in (1280, 3, 900))
    assert result.failed == ()
    assert result.html == (
        f'<img src="/{big}" data-original-src="{env.base}/w1280.jpg" sizes="100vw" alt="a">'
        f'<img src="/{x3}" data-original-src="{env.base}/x3.jpg">'
        f'<img src="/{commas}" data-original-src="{env.base}/c_fill,w_900/pic.jpg">'
    )
    assert [r.path for r, _ in env.server.log] == ["/w1280.jpg", "/x3.jpg", "/c_fill,w_900/pic.jpg"]


def test_srcset_falls_back_to_src(env: Env) -> None:
    env.server.expect_request("/big.jpg").respond_with_data("gone", status=404)
    env.serve("/small.jpg", jpeg(5), "image/jpeg")
    result = env.localize('<img src="/small.jpg" srcset="/big.jpg 2x">')
    name = local_name(jpeg(5), "jpg")
    assert result.html == f'<img src="/{name}" data-original-src="{env.base}/small.jpg">'
    assert result.failed == ()


def test_picture_sources(env: Env) -> None:
    env.serve("/p2.webp", WEBP, "image/webp")
    env.serve("/p.png", png(9))
    # Sanitized form (referrerpolicy appended), as localize sees it in the pipeline.
    body = (
        '<picture><source srcset="/p1.webp 1x, /p2.webp 2x" type="image/webp">'
        '<img src="/p.png" alt="p" referrerpolicy="no-referrer"></picture>'
    )
    assert render_body(body) == body
    result = env.localize(body)
    webp, fallback = local_name(WEBP, "webp"), local_name(png(9), "png")
    assert result.html == (
        f'<picture><source srcset="/{webp}" data-original-src="{env.base}/p2.webp"'
        ' type="image/webp">'
        f'<img src="/{fallback}" data-original-src="{env.base}/p.png" alt="p"'
        ' referrerpolicy="no-referrer"></picture>'
    )
    assert render_body(result.html) == result.html


def test_relative_src_resolved_against_the_page(env: Env) -> None:
    env.serve("/news/img/r.png", png(4))
    env.serve("/q.png", png(5))
    nrp = ' referrerpolicy="no-referrer"'
    body = f'<img src="../img/r.png"{nrp}><img src="/q.png?a=1&amp;b=2"{nrp}>'
    assert render_body(body) == body
    result = env.localize(body)
    r, q = local_name(png(4), "png"), local_name(png(5), "png")
    assert result.html == (
        f'<img src="/{r}" data-original-src="{env.base}/news/img/r.png"{nrp}>'
        f'<img src="/{q}" data-original-src="{env.base}/q.png?a=1&amp;b=2"{nrp}>'
    )
    assert env.requests("/q.png")[0].query_string == b"a=1&b=2"
    assert render_body(result.html) == result.html


def test_copied_urls_bring_no_liquid(env: Env) -> None:
    env.serve("/{{site}}.png", png(6))
    body = '<img src="/{{site}}.png" referrerpolicy="no-referrer">'
    result = env.localize(body)
    name = local_name(png(6), "png")
    assert result.html == (
        f'<img src="/{name}" data-original-src="{env.base}/&#123;&#123;site&#125;&#125;.png"'
        ' referrerpolicy="no-referrer">'
    )
    # render_post sanitizes (decoding the references) and guards again: same bytes.
    assert render_body(result.html) == result.html


# ------------------------------------------------------------------ storage, reruns


def test_same_image_twice_is_one_file(env: Env) -> None:
    env.serve("/one.png", png(7))
    env.serve("/copy.png", png(7))
    result = env.localize('<img src="/one.png"><img src="/one.png"><img src="/copy.png">')
    name = local_name(png(7), "png")
    assert result.stored == (name,)
    assert result.html.count(f'src="/{name}"') == 3
    assert env.files() == [name]
    assert len(env.requests("/one.png")) == 1  # remembered for the run
    # Another run finds the file and leaves it alone.
    stamp = (env.site / name).stat().st_mtime_ns
    again = env.localize('<img src="/copy.png">', ImageStore(env.site))
    assert again.stored == (name,)
    assert (env.site / name).stat().st_mtime_ns == stamp
    assert [p.name for p in (env.site / name).parent.iterdir()] == [Path(name).name]


def test_retry_later_localizes_only_what_is_left(env: Env) -> None:
    env.serve("/ok.png", png(1))
    env.server.expect_oneshot_request("/flaky.png").respond_with_data("busy", status=404)
    first = env.localize('<img src="/ok.png"><img src="/flaky.png">')
    assert [url for url, _ in first.failed] == [env.base + "/flaky.png"]
    assert remote_images(first.html, env.page) == [env.base + "/flaky.png"]

    env.serve("/flaky.png", png(2))
    second = env.localize(first.html, ImageStore(env.site))
    assert second.failed == ()
    assert second.stored == (local_name(png(2), "png"),)
    assert remote_images(second.html, env.page) == []
    assert len(env.requests("/ok.png")) == 1  # the local copy was not fetched again
    assert second.html.split("<img")[1] == first.html.split("<img")[1]  # untouched


def test_markup_outside_img_tags_is_left_alone(env: Env) -> None:
    env.serve("/u.png", png(3))
    body = (
        '<!-- <img src="/c.png"> --><a title=\'<img src="/t.png">\'>x</a>'
        '<textarea><img src="/ta.png"></textarea><IMG SRC=/u.png Alt=u/>'
        '<img src="/never.png" alt="unterminated'
    )
    result = env.localize(body)
    name = local_name(png(3), "png")
    assert result.html == body.replace(
        "SRC=/u.png", f'src="/{name}" data-original-src="{env.base}/u.png"'
    )
    assert [r.path for r, _ in env.server.log] == ["/u.png"]


def test_remote_images_reads_a_written_post_body() -> None:
    # A post's body has Liquid braces as character references; URLs come back decoded.
    body = (
        '<img src="https://a.example/x&#123;1&#125;.png"><img src="/rel.png">'
        '<img src="/assets/images/ab/ab.png" data-original-src="https://a.example/done.png">'
        '<picture><source srcset="https://a.example/s.webp 1x"></picture>'
    )
    assert remote_images(body) == ["https://a.example/x{1}.png", "https://a.example/s.webp"]
    assert remote_images(body, "https://a.example/p/") == [
        "https://a.example/x{1}.png",
        "https://a.example/rel.png",
        "https://a.example/s.webp",
    ]


def test_remove_temp_files(tmp_path: Path) -> None:
    store = ImageStore(tmp_path)
    folder = tmp_path / "assets" / "images" / "ab"
    folder.mkdir(parents=True)
    (folder / ".rssarchive-0123.tmp").write_bytes(b"half")
    (folder / "ab12.png").write_bytes(png(1))
    assert [p.name for p in store.remove_temp_files()] == [".rssarchive-0123.tmp"]
    assert [p.name for p in folder.iterdir()] == ["ab12.png"]


@pytest.mark.parametrize(
    ("data", "ext"),
    [
        (png(1), "png"),
        (jpeg(1), "jpg"),
        (b"GIF89a\x01\x00\x01\x00", "gif"),
        (WEBP, "webp"),
        (b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf", "avif"),
        (b"\x00\x00\x00\x1cftypmif1\x00\x00\x00\x00mif1avifmiaf", "avif"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", None),
        (b"\x00\x00\x01\x00ftypavif\x00\x00\x00\x00avifmif1miaf", "avif"),
        (b"\x00\x00\x00\x1cftypisom\x00\x00\x02\x00isomiso2mp41", None),
        (b"BM\x1e\x00\x00\x00\x00\x00\x00\x00\x1a\x00", None),  # a BMP: not kept
        (b"%PDF-1.7", None),
        (SVG, None),
        (b"<html>", None),
        (b"", None),
    ],
)
def test_sniff_image(data: bytes, ext: str | None) -> None:
    assert sniff_image(data) == ext


def test_a_hotlink_retry_keeps_what_the_second_answer_said(tmp_path: Path) -> None:
    # review 18 H14: the error of the retry without Referer keeps the second answer's
    # permanence and Retry-After, and says both answers.
    calls: list[str | None] = []

    def fetch(url: str, referer: str | None) -> FetchResponse:
        calls.append(referer)
        if referer is not None:
            raise FetchError(url, "HTTP 403", status=403)
        raise FetchError(url, "HTTP 429", status=429, retry_after=30.0, permanent=True)

    with pytest.raises(FetchError) as raised:
        ImageStore._download("https://example.org/a.png", "https://example.org/p#x", fetch)
    assert calls == ["https://example.org/p", None]
    error = raised.value
    assert error.reason == "HTTP 403; without Referer: HTTP 429"
    assert (error.url, error.status, error.retry_after, error.permanent) == (
        "https://example.org/a.png",
        429,
        30.0,
        True,
    )


def test_the_budget_stops_the_fallbacks_other_failures_do_not(tmp_path: Path) -> None:
    # A failed srcset candidate falls back to src, unless the run's budget is spent
    # (decide.image_budget_spent): then src is not fetched, and the reason says why.
    asked: list[str] = []

    def fetch(url: str, referer: str | None) -> FetchResponse:
        asked.append(url)
        if url.endswith("big.png"):
            return FetchResponse(url, 200, {"content-type": "text/html"}, b"<html>no</html>")
        return FetchResponse(url, 200, {"content-type": "image/png"}, png(3))

    body = '<img srcset="https://example.org/big.png 2x" src="https://example.org/s.png">'
    result = ImageStore(tmp_path).localize(body, "https://example.org/", fetch)
    assert asked == ["https://example.org/big.png", "https://example.org/s.png"]
    assert result.failed == ()
    asked.clear()
    spent = ImageStore(tmp_path, max_run_bytes=10).localize(body, "https://example.org/", fetch)
    assert asked == ["https://example.org/big.png"]
    assert spent.failed == (("https://example.org/big.png", BUDGET_EXHAUSTED),)
