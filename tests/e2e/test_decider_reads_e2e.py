"""Issue 18: the decider reads nothing; the run reads each fact a decision asks for
(decide.asks_*) before asking it. A run that finds nothing new must read no more than
when the decisions read through functions they were handed: its statements to the state
database and its reads of posts are counted here, at the numbers measured then."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from test_integrity_e2e import Feed, run_json
from werkzeug import Response

import rssarchive.store.state as state_module
from rssarchive.publish.posts import Posts

# Measured before the decisions took plain values (the run of the last step below),
# plus one read by primary key of each archived, dated item listed again whose guid is
# the article's (two here): its post's name, whose day tells a date the feed corrected
# since (look16f s31, decide.asks_redated), said instead of kept silently.
NO_OP_STATEMENTS = 61 + 2
NO_OP_POST_READS = 0


class Reads:
    """The statements sent to the state database and the posts read, from now on."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.statements: list[str] = []
        self.posts = 0
        real_connect, real_read = state_module._connect, Posts.read

        def connect(target: str, *, uri: bool = False) -> sqlite3.Connection:
            conn = real_connect(target, uri=uri)
            conn.set_trace_callback(self.statements.append)
            return conn

        def read(archive: Posts, name: str) -> str | None:
            self.posts += 1
            return real_read(archive, name)

        monkeypatch.setattr(state_module, "_connect", connect)
        monkeypatch.setattr(Posts, "read", read)

    def reset(self) -> None:
        self.statements.clear()
        self.posts = 0


def warnings(report: dict) -> list[str]:
    return [w for result in report["results"] for w in result["warnings"]]


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[Reads]:
    yield Reads(monkeypatch)


def test_a_run_that_finds_nothing_new_reads_no_more_than_before(
    site: Site,
    httpserver: HTTPServer,
    capsys: pytest.CaptureFixture[str],
    reads: Reads,
    tmp_path: Path,
) -> None:
    # Items known by their links with guids (what each shows is refreshed), one whose
    # guid is another than its archived article's (said once, then read each run), and
    # a page that failed, waiting for its retry (a pending article its feed still lists).
    feed = Feed(httpserver)
    pages = Feed(httpserver, "/pages.xml")
    httpserver.expect_request("/story/9.html").respond_with_response(Response("", status=500))
    site.write_config(
        [
            {"name": "Text", "url": feed.url, "content": "feed"},
            {"name": "Pages", "url": pages.url, "content": "page"},
        ]
    )
    feed.items = [feed.item(n, day=n, guid=f"g{n}") for n in (1, 2, 3)]
    pages.items = [pages.item(9, day=4, guid="g9")]
    _, report, err = run_json(site, capsys)
    assert report["new_posts"] == 3, err
    feed.items[2] = feed.item(3, day=3, guid="g3-other")
    _, report, err = run_json(site, capsys)
    assert report["new_posts"] == 0 and any("g3-other" in w for w in warnings(report)), err

    reads.reset()
    code, report, err = run_json(site, capsys)
    assert code == 0 and report["new_posts"] == 0 and warnings(report) == [], err
    assert reads.posts <= NO_OP_POST_READS
    assert len(reads.statements) <= NO_OP_STATEMENTS, "\n".join(reads.statements)
