"""An outside look's findings (look16h: H9, H15, H1): items the archive lost, or took
twice, without a word. The real CLI against real local HTTP servers."""

from __future__ import annotations

import pytest
import yaml
from conftest import Site
from pytest_httpserver import HTTPServer
from test_integrity_e2e import Feed, sources
from werkzeug import Request, Response

GAP = "items may have fallen off unseen between polls"


def no_rechecks(site: Site) -> None:
    """The config without re-checks: days pass between these runs, and the articles'
    pages are not served (their re-checks would be other warnings)."""
    data = yaml.safe_load(site.config.read_text(encoding="utf-8"))
    site.config.write_text(yaml.safe_dump({**data, "recheck": False}), encoding="utf-8")


# -- H9: a pinned item does not hide the gap -----------------------------------------------


@pytest.mark.parametrize("pinned", [False, True])
def test_a_pinned_item_does_not_hide_a_gap(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str], pinned: bool
) -> None:
    feed = Feed(httpserver)
    pin = [feed.item(99, day=1, title="Pinned: how to reach us")] if pinned else []
    feed.items = pin + [feed.item(n, day=n + 1) for n in range(9, 0, -1)]
    site.write_config([{"name": "f", "url": feed.url, "content": "feed"}])
    no_rechecks(site)
    assert site.cli("run", "--now", "2024-07-11T12:00:00Z") == 0
    capsys.readouterr()
    # 10-18 published, and pushed off, while the archive was down: 19-27 listed now,
    # under the pinned item (archived, older than the last poll).
    feed.items = pin + [feed.item(n, day=n - 7) for n in range(27, 18, -1)]

    code = site.cli("run", "--now", "2024-07-21T12:00:00Z")
    _, err = capsys.readouterr()
    assert code == 0, err
    assert GAP in err, err


def test_an_old_item_above_new_ones_listed_oldest_first_is_an_overlap(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # A feed listed oldest first shares its first item with the last poll: no gap.
    feed = Feed(httpserver)
    feed.items = [feed.item(n, day=n + 1) for n in range(1, 10)]
    site.write_config([{"name": "f", "url": feed.url, "content": "feed"}])
    no_rechecks(site)
    assert site.cli("run", "--now", "2024-07-11T12:00:00Z") == 0
    capsys.readouterr()
    feed.items = [feed.item(9, day=10)] + [feed.item(n, day=n - 7) for n in range(19, 28)]

    code = site.cli("run", "--now", "2024-07-21T12:00:00Z")
    _, err = capsys.readouterr()
    assert code == 0, err
    assert GAP not in err, err


# -- H15: a paged feed sorted by update ------------------------------------------------------


class UpdatedFeed:
    """An Atom feed in pages sorted by <updated>: ``pages[i]`` lists (story, published
    day, updated day); page i+1 links page i+2 (rel="next")."""

    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.pages: list[list[tuple[int, int, int]]] = []

        def handler(request: Request) -> Response:
            index = int(request.args.get("page", "1")) - 1
            return Response(self.document(index), content_type="application/atom+xml")

        server.expect_request("/feed").respond_with_handler(handler)
        self.url = server.url_for("/feed")

    def document(self, index: int) -> bytes:
        nxt = f"{self.url}?page={index + 2}" if index + 1 < len(self.pages) else None
        link = f'<link rel="next" href="{nxt}"/>' if nxt else ""
        entries = "".join(
            f"<entry><title>Story {n}</title><id>urn:s{n}</id>"
            f'<link href="{self.server.url_for(f"/story/{n}.html")}"/>'
            f"<published>2024-07-{published:02d}T08:00:00Z</published>"
            f"<updated>2024-07-{updated:02d}T08:00:00Z</updated>"
            f"<content type='html'>&lt;p&gt;Story {n}: the whole text.&lt;/p&gt;</content></entry>"
            for n, published, updated in self.pages[index]
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>P</title><id>urn:p</id><updated>2024-07-20T00:00:00Z</updated>{link}"
            f"{entries}</feed>"
        ).encode()


def first_run(site: Site, httpserver: HTTPServer) -> UpdatedFeed:
    """A paged feed of stories 1-3 on page 1 and 0 on page 2, archived by a first run
    (page 1 only: a backfill reads the rest)."""
    feed = UpdatedFeed(httpserver)
    feed.pages = [[(3, 3, 3), (2, 2, 2), (1, 1, 1)], [(0, 1, 1)]]
    site.write_config([{"name": "P", "url": feed.url, "content": "feed", "recheck": False}])
    assert site.cli("run", "--now", "2024-07-05T00:00:00Z") == 0
    return feed


def test_new_items_under_a_page_of_edited_archived_ones_are_archived(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = first_run(site, httpserver)
    capsys.readouterr()
    # Stories 4 and 5 published on the 6th; 1-3 edited on the 7th-9th, sorted above them.
    feed.pages = [[(3, 3, 9), (2, 2, 8), (1, 1, 7)], [(5, 6, 6), (4, 6, 6), (0, 1, 1)]]

    code = site.cli("run", "--now", "2024-07-08T00:00:00Z")
    _, err = capsys.readouterr()
    assert code == 0, err
    archived = sources(site)
    for n in (4, 5):
        assert httpserver.url_for(f"/story/{n}.html") in archived, (n, err)
    # Story 0, on page 2 since the first run (which reads page 1 only), comes with them.
    assert len(archived) == 6


def test_a_page_of_archived_items_not_edited_since_ends_the_reading(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    first_run(site, httpserver)
    httpserver.clear_log()
    assert site.cli("run", "--now", "2024-07-08T00:00:00Z") == 0
    asked = [r.args.get("page", "1") for r, _ in httpserver.log if r.path == "/feed"]
    assert asked == ["1"]


# -- H1: a guid-less feed whose links move to another host of the site -----------------------


WHOLE = "".join(
    f"<p>Paragraph {n} of {{title}}: the council met on Tuesday to discuss the budget for "
    "the coming year, and members argued at length about roads and schools.</p>"
    for n in range(4)
)


def numeric(link: str) -> str:
    """``link`` at 127.0.0.1: the server answers as localhost and as 127.0.0.1, one
    machine and port, one site (urls.same_site), as ``www.host`` and ``host`` are."""
    return link.replace("//localhost:", "//127.0.0.1:")


# What a feed's text may hold that no post keeps (look16i I10): an AdSense unit's script,
# a block theme's inline style. The item's text is compared as its post would hold it.
EXTRAS = {
    "plain": "",
    "adsense": '<ins class="adsbygoogle"></ins><script>(adsbygoogle = window.adsbygoogle'
    " || []).push({});</script>",
    "style": "<style>.wp-block-image{margin:0 auto}</style>",
}


@pytest.mark.parametrize("extra", list(EXTRAS))
@pytest.mark.parametrize("content", ["feed", "page"])
def test_a_guidless_feed_moving_to_another_host_of_its_site_is_no_new_article(
    site: Site,
    httpserver: HTTPServer,
    capsys: pytest.CaptureFixture[str],
    content: str,
    extra: str,
) -> None:
    feed = Feed(httpserver)
    for n in (1, 2, 3):  # both host names serve the page (a CDN alias), no redirect
        httpserver.expect_request(f"/story/{n}.html").respond_with_data(
            f"<html><head><title>Story {n}</title></head><body><article><h1>Story {n}</h1>"
            f"{WHOLE.format(title=f'story {n}')}</article></body></html>",
            content_type="text/html",
        )

    def items(move: bool) -> list[dict[str, str]]:
        texts = {n: EXTRAS[extra] + WHOLE.format(title=f"story {n}") for n in (3, 2, 1)}
        listed = [feed.item(n, day=n, content=texts[n]) for n in (3, 2, 1)]
        return listed if move else [{**i, "link": numeric(i["link"])} for i in listed]

    feed.items = items(move=False)
    site.write_config([{"name": "f", "url": feed.url, "content": content}])
    no_rechecks(site)
    assert site.cli("run", "--now", "2024-07-04T12:00:00Z") == 0
    assert len(site.post_names()) == 3
    capsys.readouterr()
    feed.items = items(move=True)

    code = site.cli("run", "--now", "2024-07-04T13:00:00Z")
    _, err = capsys.readouterr()
    assert code == 0, err
    assert len(site.post_names()) == 3, (site.post_names(), err)
    said = [line for line in err.splitlines() if "a site migration" in line]
    assert len(said) == 3, err
    assert "at a new link of its site" in said[0], said

    # Its new link is known from then on: nothing said again, nothing written.
    code = site.cli("run", "--now", "2024-07-04T14:00:00Z")
    _, err = capsys.readouterr()
    assert code == 0, err
    assert len(site.post_names()) == 3, err
    assert "site migration" not in err, err


def test_another_text_at_another_host_of_the_site_is_another_article(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # The same title and second at another host, but another text: two articles.
    feed = Feed(httpserver)
    first = feed.item(1, day=1, content=WHOLE.format(title="the first story"))
    feed.items = [{**first, "link": numeric(first["link"])}]
    site.write_config([{"name": "f", "url": feed.url, "content": "feed"}])
    no_rechecks(site)
    assert site.cli("run", "--now", "2024-07-04T12:00:00Z") == 0
    capsys.readouterr()
    feed.items = [feed.item(1, day=1, content=WHOLE.format(title="another story"))]

    assert site.cli("run", "--now", "2024-07-04T13:00:00Z") == 0
    _, err = capsys.readouterr()
    assert len(site.post_names()) == 2, err
    assert "site migration" not in err, err


def test_a_guidless_slug_renamed_whose_old_link_is_gone_is_that_article(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # No redirect (the old link answers 404): the same title, second and whole text tell.
    feed = Feed(httpserver)
    text = WHOLE.format(title="the storm")
    feed.items = [feed.item(1, day=1, content=text)]
    site.write_config([{"name": "f", "url": feed.url, "content": "feed"}])
    no_rechecks(site)
    assert site.cli("run", "--now", "2024-07-04T12:00:00Z") == 0
    capsys.readouterr()
    feed.items = [feed.item(1, day=1, content=text, link=httpserver.url_for("/story/renamed"))]

    assert site.cli("run", "--now", "2024-07-04T13:00:00Z") == 0
    _, err = capsys.readouterr()
    assert len(site.post_names()) == 1, err
    assert "a site migration: the same title, date and text at a new link" in err, err
