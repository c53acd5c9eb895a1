"""A malformed URL in what a feed sends (an unbalanced "[" in a host, which urllib
refuses with "Invalid IPv6 URL") is no URL: the run archives the item as it would
without it, instead of failing the article on every retry (look18 F3)."""

from __future__ import annotations

from conftest import Site
from pytest_httpserver import HTTPServer

BAD = "http://[oops/a.jpg"


def _feed(items: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:media="http://search.yahoo.com/mrss/">'
        f"<channel><title>T</title><link>http://127.0.0.1/</link>{items}</channel></rss>"
    ).encode()


def _body(title: str) -> str:
    paragraphs = "".join(
        f"<p>{title}: paragraph {i} of an article long enough to be archived from the"
        " feed's own text, as the config asks.</p>"
        for i in range(6)
    )
    return f'<p><img src="{BAD}"></p>{paragraphs}'


def test_a_malformed_image_url_in_a_feed_body_is_no_url(site: Site, httpserver: HTTPServer) -> None:
    lead = httpserver.url_for("/lead.jpg")
    item = (
        f"<item><title>Bad image</title><link>{httpserver.url_for('/a.html')}</link>"
        f'<media:content url="{lead}" medium="image"/>'
        f"<content:encoded><![CDATA[{_body('Bad image')}]]></content:encoded></item>"
    )
    httpserver.expect_request("/feed.xml").respond_with_data(
        _feed(item), content_type="application/rss+xml"
    )
    site.write_config([{"name": "F", "url": httpserver.url_for("/feed.xml"), "content": "feed"}])
    assert site.cli("run") == 0
    [name] = site.post_names()
    text = (site.posts / name).read_text(encoding="utf-8")
    assert "paragraph 5" in text
    assert "lead.jpg" in text  # the media image is still the lead image


def test_a_malformed_url_as_a_guid_is_no_site_root(site: Site, httpserver: HTTPServer) -> None:
    item = (
        f"<item><title>Bad guid</title><link>{httpserver.url_for('/b.html')}</link>"
        f"<guid>http://[oops/</guid>"
        f"<content:encoded><![CDATA[{_body('Bad guid')}]]></content:encoded></item>"
    )
    httpserver.expect_request("/feed.xml").respond_with_data(
        _feed(item), content_type="application/rss+xml"
    )
    site.write_config([{"name": "F", "url": httpserver.url_for("/feed.xml"), "content": "feed"}])
    assert site.cli("run") == 0
    [name] = site.post_names()
    assert "paragraph 5" in (site.posts / name).read_text(encoding="utf-8")
