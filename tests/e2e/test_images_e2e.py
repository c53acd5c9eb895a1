"""images: local end to end: the seeds' images archived, hotlink protection, broken
images kept remote and retried on a later run."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from seedkit import rebuild_seed
from werkzeug import Request, Response

SEEDS = sorted((Path(__file__).parent.parent / "golden" / "seeds").glob("*.txt"))
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
PAGE = "/mandarin/yataibaodao/junshiwaijiao/story-07232024133227.html"


def _seed_site(site: Site, httpserver: HTTPServer, seed: Path) -> tuple[str, str]:
    url = httpserver.url_for(PAGE)
    case = rebuild_seed(seed, url)
    base = httpserver.url_for("/").rstrip("/")
    page = case.page_html.replace(b"https://www.rfa.org", base.encode())
    httpserver.expect_request("/rss2.xml").respond_with_data(case.feed_xml)
    httpserver.expect_request(PAGE).respond_with_data(page, content_type="text/html")
    site.write_config(
        [{"name": "自由亚洲电台", "url": httpserver.url_for("/rss2.xml"), "content": "page"}]
    )
    text = site.root / "config.yaml"
    text.write_text(text.read_text(encoding="utf-8") + "images: local\n", encoding="utf-8")
    return base, case.now.isoformat()


@pytest.mark.parametrize("seed", SEEDS, ids=[s.stem for s in SEEDS])
def test_seed_images_archived_locally_behind_hotlink_protection(
    site: Site, httpserver: HTTPServer, seed: Path
) -> None:
    base, now = _seed_site(site, httpserver, seed)

    def hotlink_protected(request: Request) -> Response:
        # 403 for a foreign Referer; the archiver must retry without one.
        if request.headers.get("Referer"):
            return Response("no hotlinking", status=403)
        return Response(PNG, content_type="image/png")

    httpserver.expect_request("").respond_with_handler(hotlink_protected)
    assert site.cli("run", "--now", now) == 0
    (name,) = site.post_names()
    body = (site.posts / name).read_text(encoding="utf-8").split("<div>\n")[1]
    assert body.count('<img src="/assets/images/') == 2  # lead image and zoom icon
    assert f'data-original-src="{base}/' in body
    stored = list((site.root / "site" / "assets" / "images").rglob("*.png"))
    assert len(stored) == 1  # the same bytes, stored once


def test_broken_image_keeps_remote_url_and_is_retried(site: Site, httpserver: HTTPServer) -> None:
    base, now = _seed_site(site, httpserver, SEEDS[0])
    broken = {"on": True}

    def flaky(request: Request) -> Response:
        if broken["on"]:
            return Response("down", status=404)
        return Response(PNG, content_type="image/png")

    httpserver.expect_request("").respond_with_handler(flaky)
    assert site.cli("run", "--now", now) == 0  # the post is archived all the same
    (name,) = site.post_names()
    post = site.posts / name
    first = post.read_text(encoding="utf-8")
    assert f'<img src="{base}/' in first
    broken["on"] = False
    assert site.cli("run", "--now", now) == 0
    text = post.read_text(encoding="utf-8")
    assert f'<img src="{base}/' not in text
    # Only the body is rewritten (postformat.join): what precedes it is kept byte for
    # byte, and the post still ends with the body's closing line.
    assert text.partition("\n<div>\n")[0] == first.partition("\n<div>\n")[0]
    assert text.endswith("\n</div>\n") and text.count("\n</div>\n") == 1
    assert text.count('<img src="/assets/images/') == 2
    assert site.post_names() == [name]
