"""An outside look's finding (look16i I6): one article served at ``www.host`` and at
``host`` (no redirect, no canonical) was archived twice, silently, when a backfill
and a feed, or two feeds of one config, met it at the two host names. The real CLI
against a real local HTTP server, both names resolved to it."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from test_integrity_e2e import Feed, sources
from test_look16h_fixd_e2e import WHOLE, no_rechecks

SAID = "the same link on the other host name of its site"


@pytest.fixture
def two_names(monkeypatch: pytest.MonkeyPatch) -> None:
    """``site.test`` and ``www.site.test`` resolve to this machine (the test server)."""
    real = socket.getaddrinfo

    def resolve(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(host, str) and host.endswith("site.test"):
            host = "127.0.0.1"
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)


def at(server: HTTPServer, host: str, path: str) -> str:
    return f"http://{host}:{server.port}{path}"


def serve_story(server: HTTPServer) -> str:
    """The article's page (both host names answer it) and its whole text."""
    text = WHOLE.format(title="the harbour")
    server.expect_request("/news/harbour").respond_with_data(
        "<html><head><title>Harbour renovation runs over budget</title></head><body>"
        "<article><h1>Harbour renovation runs over budget</h1>"
        f'<time datetime="2024-07-03T08:00:00Z">3 July</time>{text}</article></body></html>',
        content_type="text/html",
    )
    return text


def harbour(feed: Feed, link: str, text: str, *, guid: bool) -> dict[str, str]:
    item = feed.item(1, day=3, title="Harbour renovation runs over budget", link=link)
    item["content"] = text
    return {**item, "guid": link} if guid else item


@pytest.mark.usefixtures("two_names")
@pytest.mark.parametrize("backfill_first", [True, False])
def test_a_backfill_and_a_feed_at_the_two_host_names_are_one_article(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str], backfill_first: bool
) -> None:
    text = serve_story(httpserver)
    feed = Feed(httpserver, "/feed")
    www, bare = (at(httpserver, h, "/news/harbour") for h in ("www.site.test", "site.test"))
    # The feed's item has a guid new to the archive: no identity by guid to lean on.
    feed.items = [harbour(feed, www, text, guid=True)]
    site.write_config(
        [{"name": "f", "url": at(httpserver, "www.site.test", "/feed"), "content": "feed"}]
    )
    no_rechecks(site)
    backfill = ("backfill", bare, "--feed", "f", "--now", "2024-07-04T12:00:00Z")
    run = ("run", "--now", "2024-07-04T13:00:00Z")

    first, second = (backfill, run) if backfill_first else (run, backfill)
    assert site.cli(*first) == 0
    capsys.readouterr()
    assert site.cli(*second) == 0
    out, err = capsys.readouterr()
    if not backfill_first:  # the user asked for it: told which post it is
        assert f"archived already: {bare}" in out, out
    assert len(site.post_names()) == 1, (site.post_names(), err)
    assert SAID in err, err
    assert sources(site) == [bare if backfill_first else www]

    # Said once: known at both names from then on.
    assert site.cli("run", "--now", "2024-07-04T14:00:00Z") == 0
    _, err = capsys.readouterr()
    assert len(site.post_names()) == 1, err
    assert SAID not in err, err


@pytest.mark.usefixtures("two_names")
@pytest.mark.parametrize("dry_run", [False, True])
def test_two_feeds_listing_one_article_at_the_two_host_names_archive_it_once(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str], dry_run: bool
) -> None:
    text = serve_story(httpserver)
    main, world = Feed(httpserver, "/feed"), Feed(httpserver, "/world/feed")
    main.items = [harbour(main, at(httpserver, "www.site.test", "/news/harbour"), text, guid=False)]
    world.items = [harbour(world, at(httpserver, "site.test", "/news/harbour"), text, guid=False)]
    site.write_config(
        [
            {"name": "main", "url": at(httpserver, "www.site.test", "/feed"), "content": "feed"},
            {"name": "world", "url": at(httpserver, "site.test", "/world/feed"), "content": "feed"},
        ]
    )
    no_rechecks(site)

    dry = ("--dry-run",) if dry_run else ()
    assert site.cli("run", "--now", "2024-07-04T13:00:00Z", *dry) == 0
    out, err = capsys.readouterr()
    written = [line for line in out.splitlines() if line.startswith(("new: ", "would write: "))]
    assert len(written) == 1, out
    assert SAID in err, err
    if dry_run:
        return
    assert len(site.post_names()) == 1, (site.post_names(), err)

    assert site.cli("run", "--now", "2024-07-04T14:00:00Z") == 0
    _, err = capsys.readouterr()
    assert len(site.post_names()) == 1, err
    assert SAID not in err, err


@pytest.mark.usefixtures("two_names")
def test_other_paths_and_other_sites_stay_other_articles(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # www.site.test/news/harbour and site.test/news/harbour-2, and another site's
    # www.other-site.test link: different links, never one article by host name.
    text = serve_story(httpserver)
    httpserver.expect_request("/news/harbour-2").respond_with_data("<html></html>")
    feed = Feed(httpserver, "/feed")
    feed.items = [
        harbour(feed, at(httpserver, "www.site.test", "/news/harbour"), text, guid=False),
        {
            **harbour(feed, at(httpserver, "site.test", "/news/harbour-2"), text, guid=False),
            "title": "Harbour renovation: the council answers",
        },
    ]
    site.write_config(
        [{"name": "f", "url": at(httpserver, "www.site.test", "/feed"), "content": "feed"}]
    )
    no_rechecks(site)
    assert site.cli("run", "--now", "2024-07-04T13:00:00Z") == 0
    _, err = capsys.readouterr()
    assert len(site.post_names()) == 2, (site.post_names(), err)
    assert SAID not in err, err
