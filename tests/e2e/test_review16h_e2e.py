"""Issue 16, an outside review's findings not fixed by the earlier passes (review16h):
backfilled pages' dates and what is said of them, a state file emptied, a feed's
permanent move said on the run that follows it, and a feed's zone-first dates. The real
CLI against real local HTTP servers."""

from __future__ import annotations

import json

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from test_backfill_e2e import dated_page, front
from test_integrity_e2e import Feed
from werkzeug import Response

NOW = "2026-01-02T03:04:05Z"

# -- MED 5: a Dublin Core date with its time and zone -----------------------------------


# Dublin Core is written with a dot in a name= (HTML) and with a colon in a property=
# (RDFa); htmldate knows both, and read the colon's as its day's midnight.
@pytest.mark.parametrize(
    ("attribute", "name"),
    [
        ("name", "dc.date"),
        ("name", "DC.date.issued"),
        ("name", "dcterms.created"),
        ("name", "DC.created"),
        ("name", "dc.date.publication"),
        ("property", "dc:date"),
        ("property", "dcterms:created"),
        ("property", "dcterms:issued"),
        ("property", "dc:created"),
    ],
)
def test_a_backfilled_page_dated_by_dublin_core_keeps_its_time_and_zone(
    attribute: str, name: str, site: Site, httpserver: HTTPServer
) -> None:
    site.write_config([{"name": "News", "url": httpserver.url_for("/feed.xml")}])
    meta = f'<meta {attribute}="{name}" content="2019-05-03T01:20:00+08:00">'
    httpserver.expect_request("/dc.html").respond_with_data(
        dated_page("Dublin", meta),
        content_type="text/html",
    )
    assert site.cli("backfill", "--now", NOW, httpserver.url_for("/dc.html")) == 0
    assert site.post_names() == ["2019-05-02-Dublin.md"]
    assert front(site, "2019-05-02-Dublin.md")["date"] == "2019-05-02T17:20:00.000Z"


# -- LOW 8: a backfilled page dated at archiving is said so -----------------------------

NOW_DATE = "2026-01-02T03:04:05.000Z"
NO_DATE = "its page gives no believable publication date"
UNDATED_PAGES = {
    "/undated.html": "",
    "/modified.html": '<meta property="article:modified_time" content="2024-02-02T10:00:00Z">',
    "/updated.html": '<meta property="og:updated_time" content="2024-02-02T10:00:00Z">',
    "/json-modified.html": '<script type="application/ld+json">{"@type": "NewsArticle",'
    ' "dateModified": "2024-02-02T10:00:00Z"}</script>',
}


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_a_backfilled_page_without_a_publication_date_is_said_dated_at_archiving(
    as_json: bool, site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    site.write_config([{"name": "News", "url": httpserver.url_for("/feed.xml")}])
    for path, head in UNDATED_PAGES.items():
        title = path.strip("/").removesuffix(".html")
        httpserver.expect_request(path).respond_with_data(
            dated_page(title, head), content_type="text/html"
        )
    httpserver.expect_request("/future.html").respond_with_data(
        dated_page("future", '<meta name="date" content="2030-01-01T00:00:00Z">'),
        content_type="text/html",
    )
    httpserver.expect_request("/dated.html").respond_with_data(
        dated_page("dated", '<meta name="date" content="2019-05-03T01:20:00Z">'),
        content_type="text/html",
    )
    urls = [httpserver.url_for(p) for p in [*UNDATED_PAGES, "/future.html", "/dated.html"]]
    args = ("--json",) if as_json else ()
    assert site.cli("backfill", "--now", NOW, *args, *urls) == 0
    out, err = capsys.readouterr()
    if as_json:
        said = [w for r in json.loads(out)["results"] for w in r["warnings"]]
    else:
        said = [line.removeprefix("warning: feed News: ") for line in err.splitlines()]
    for path in UNDATED_PAGES:
        title = path.strip("/").removesuffix(".html")
        # Dated at archiving, never by the modification date, and said so.
        assert front(site, f"2026-01-02-{title}.md")["date"] == NOW_DATE
        line = f"{httpserver.url_for(path)}: {NO_DATE}; dated at archiving time"
        assert line in said, (out, err)
    # A date after the run's clock is none either (pagedates does not believe one after
    # the clock it has; decide.archiving_date_note's table has the date said when the
    # page's date is after the clock of --now only).
    line = f"{httpserver.url_for('/future.html')}: {NO_DATE}; dated at archiving time"
    assert front(site, "2026-01-02-future.md")["date"] == NOW_DATE
    assert line in said, (out, err)
    assert not [w for w in said if "/dated.html" in w], said
    assert front(site, "2019-05-03-dated.md")["date"] == "2019-05-03T01:20:00.000Z"


# -- LOW 6: a state database emptied (0 bytes) is said to have been empty ----------------


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_a_state_database_emptied_is_said_empty_and_restored_from_its_copy(
    as_json: bool, site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = Feed(httpserver)
    feed.items = [feed.item(n, day=n) for n in (1, 2, 3)]
    site.write_config([{"name": "t", "url": feed.url, "content": "feed"}])
    assert site.cli("run", "--now", NOW) == 0
    capsys.readouterr()
    state = site.root / "state" / "state.sqlite3"
    state.write_bytes(b"")  # truncated: a failed restore, a disk tool's mistake
    args = ("--json",) if as_json else ()
    assert site.cli("run", "--now", NOW, *args) == 0
    out, err = capsys.readouterr()
    said = (
        json.loads(out)["warnings"]
        if as_json
        else [line.removeprefix("warning: ") for line in err.splitlines()]
    )
    copy = state.with_name(state.name + ".backup")
    assert said == [
        f"state database was empty (0 bytes); restored from its copy {copy} and 0 posts"
        f" written since in {site.posts}"
    ], (out, err)
    assert len(site.post_names()) == 3  # nothing archived twice


def test_a_state_database_emptied_without_a_copy_is_said_empty_and_rebuilt(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = Feed(httpserver)
    feed.items = [feed.item(n, day=n) for n in (1, 2, 3)]
    site.write_config([{"name": "t", "url": feed.url, "content": "feed"}])
    assert site.cli("run", "--now", NOW) == 0
    capsys.readouterr()
    state = site.root / "state" / "state.sqlite3"
    state.write_bytes(b"")
    state.with_name(state.name + ".backup").unlink()
    assert site.cli("run", "--now", NOW) == 0
    _, err = capsys.readouterr()
    assert (
        f"warning: state database was empty (0 bytes) and has no good copy; rebuilt from 3"
        f" posts in {site.posts}"
    ) in err, err
    assert "missing" not in err and "new state database" not in err, err
    assert len(site.post_names()) == 3


# -- LOW 7: a feed's permanent move is said on the run that first follows it ------------


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_a_feeds_permanent_move_is_said_on_the_run_that_first_follows_it(
    as_json: bool, site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = httpserver.url_for("/old.xml"), httpserver.url_for("/new.xml")
    httpserver.expect_request("/old.xml").respond_with_response(
        Response(status=301, headers={"Location": new})
    )
    feed = Feed(httpserver, "/new.xml")
    feed.items = [feed.item(1, day=1)]
    site.write_config([{"name": "f", "url": old, "content": "feed"}])
    args = ("--json",) if as_json else ()

    def said() -> list[str]:
        assert site.cli("run", "--now", NOW, *args) == 0
        out, err = capsys.readouterr()
        if as_json:
            return [w for r in json.loads(out)["results"] for w in r["warnings"]]
        return [line.removeprefix("warning: feed f: ") for line in err.splitlines()]

    followed = (
        f"{old} redirects permanently to {new}; followed (the feed moves there when its"
        " next poll is redirected too)"
    )
    assert said() == [followed]  # the run that first follows it
    assert said() == [f"{old} moved permanently to {new}; polling the new address"]
    assert said() == []  # polled at the new address: nothing more to say
    assert len(site.post_names()) == 1


# -- MED 4: a feed's date with its zone first, 北京时间 before the date -------------------

ZONE_FIRST = {
    "beijing first": "北京时间 2019年5月3日 01:20",
    "beijing first, no space": "北京时间2019年5月3日 01:20",
    "beijing first, traditional": "北京時間 2019年5月3日 01:20",
    "offset in parentheses": "2019年5月3日 01:20 (UTC+8)",
    "beijing after": "2019年5月3日 01:20 北京时间",
}


def test_a_feeds_dates_with_their_zone_first_date_their_posts_right(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = Feed(httpserver)
    feed.items = [
        feed.item(n, title=title, pubDate=written)
        for n, (title, written) in enumerate(ZONE_FIRST.items())
    ]
    site.write_config([{"name": "t", "url": feed.url, "content": "feed"}])
    assert site.cli("run", "--now", NOW) == 0
    _, err = capsys.readouterr()
    assert "warning" not in err, err  # every date read, none said unreadable
    names = [f"2019-05-02-{title}.md" for title in ZONE_FIRST]
    assert site.post_names() == sorted(names)
    for name in names:
        # 01:20 in Beijing (UTC+8) is 17:20 UTC the day before: the date line says so.
        assert front(site, name)["date"] == "2019-05-02T17:20:00.000Z", name
        assert front(site, name)["epoch"] == "<!--1556817600000-->", name
