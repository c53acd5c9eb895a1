"""A page's lead image (og:image) is judged by the same address policy as every fetch:
the config's network.allow_private_addresses decides, in this process and in the
extraction workers alike."""

from __future__ import annotations

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from test_e2e import rss

from rssarchive.extract.workers import ExtractionPool
from rssarchive.net.addresses import Allow

LEAD = "http://10.9.9.9/lead.jpg"


def page(title: str) -> bytes:
    body = "".join(
        f"<p>{title}: paragraph {i} of an article long enough for the extractor to keep"
        " it as the body of the page.</p>"
        for i in range(8)
    )
    return (
        f'<html><head><title>{title}</title><meta property="og:image" content="{LEAD}">'
        f"</head><body><article><h1>{title}</h1>{body}</article></body></html>"
    ).encode()


@pytest.mark.parametrize(
    ("allow", "shown"),
    [
        (["127.0.0.0/8"], False),  # the test server's addresses only: 10.9.9.9 is refused
        (["127.0.0.0/8", "10.0.0.0/8"], True),
        (True, True),
    ],
)
def test_lead_image_follows_allow_private_addresses(
    site: Site, httpserver: HTTPServer, allow: Allow, shown: bool
) -> None:
    httpserver.expect_request("/a.html").respond_with_data(page("Lead"), content_type="text/html")
    items = [{"title": "Lead", "link": httpserver.url_for("/a.html")}]
    httpserver.expect_request("/feed.xml").respond_with_data(rss(items))
    site.write_config(
        [{"name": "F", "url": httpserver.url_for("/feed.xml"), "content": "page"}],
        allow_private_addresses=allow,
    )
    assert site.cli("run") == 0
    [name] = site.post_names()
    text = (site.posts / name).read_text(encoding="utf-8")
    assert "paragraph 7" in text
    assert (LEAD in text) is shown


@pytest.mark.parametrize(("allow", "lead"), [(False, None), (("10.0.0.0/8",), LEAD)])
def test_worker_extraction_gets_the_policy(allow: Allow, lead: str | None) -> None:
    pool = ExtractionPool(workers=1, allow_private_addresses=allow)
    try:
        article = pool.extract(page("Lead"), "https://news.example/a.html", None, "text/html")
    finally:
        pool.close()
    assert "paragraph 7" in article.body_html
    assert article.lead_image == lead
