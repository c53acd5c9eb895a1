"""Hostile HTTP dates end to end (review of issue 18, H1): a server's ``Last-Modified``,
``Date`` or ``Retry-After`` whose year does not fit the standard library's calendar
(``parsedate_to_datetime`` raised OverflowError). The page's Last-Modified is stored as
its re-check validator and read again on every later run, so one such header made every
later ``run`` and ``recheck`` end in a traceback. The real CLI, in a process of its own,
against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from statekit import cli, json_of, rows, write_config
from test_e2e import article, rss
from test_recheck_e2e import TEMPLATE
from werkzeug import Request, Response

T0 = "2026-12-07T01:30:00Z"
AN_HOUR_ON = "2026-12-07T02:31:00Z"
HOSTILE = "Mon, 01 Jan 99999999999999999999 00:00:00 GMT"
# The same OverflowError by its hour.
HOSTILE_HOUR = "Mon, 01 Jan 2024 99999999999999999999:00:00 GMT"


@pytest.fixture
def news() -> Iterator[HTTPServer]:
    server = HTTPServer(host="127.0.0.1")
    server.start()
    try:
        yield server
    finally:
        server.clear()
        server.stop()


def _site(tmp_path: Path, news: HTTPServer) -> tuple[Path, Path]:
    site = tmp_path / "site"
    shutil.copytree(TEMPLATE, site, ignore=shutil.ignore_patterns("_posts", "_site"))
    state = site / ".rssarchive" / "state.sqlite3"
    config = write_config(
        tmp_path / "config.yaml",
        [{"name": "News", "url": news.url_for("/feed.xml"), "content": "page"}],
        site_dir=site,
        state_path=state,
    )
    return config, state


def _serve(news: HTTPServer, headers: dict[str, str]) -> list[dict[str, str]]:
    """The feed of one story, and the story's page with ``headers``; returns the
    headers of each request for the page."""
    story = news.url_for("/story.html")
    item = {"title": "Story", "link": story, "pubDate": "Mon, 07 Dec 2026 01:00:00 GMT"}
    news.expect_request("/feed.xml").respond_with_data(
        rss([item]), content_type="application/rss+xml"
    )
    asked: list[dict[str, str]] = []

    def page(request: Request) -> Response:
        asked.append(dict(request.headers))
        response = Response(article("Story"), content_type="text/html; charset=utf-8")
        for name, value in headers.items():
            response.headers[name] = value
        return response

    news.expect_request("/story.html").respond_with_handler(page)
    return asked


def _clean(done: subprocess.CompletedProcess[str], code: int = 0) -> None:
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == code, done.stderr


def test_a_hostile_last_modified_and_date_end_no_later_run(
    tmp_path: Path, news: HTTPServer
) -> None:
    config, state = _site(tmp_path, news)
    asked = _serve(news, {"Last-Modified": HOSTILE, "Date": HOSTILE_HOUR})
    _clean(cli(config, "run", "--now", T0))
    # Stored as the server sent it (a validator is sent back as it came).
    assert rows(state, "SELECT last_modified FROM rechecks") == [(HOSTILE,)]
    checked = cli(config, "recheck", "--now", AN_HOUR_ON, "--json")
    _clean(checked)
    assert json_of(checked)["recheck"]["checked"] == 1
    assert len(asked) == 2  # the page, then its re-check
    _clean(cli(config, "run", "--now", AN_HOUR_ON))
    _clean(cli(config, "status"))


def test_a_hostile_last_modified_stored_by_an_older_version_ends_no_run(
    tmp_path: Path, news: HTTPServer
) -> None:
    # The page itself is harmless now; the value is already in the state database (as
    # versions before the fix stored it), and every later run reads it.
    config, state = _site(tmp_path, news)
    asked = _serve(news, {})
    _clean(cli(config, "run", "--now", T0))
    with sqlite3.connect(state) as db:
        db.execute("UPDATE rechecks SET last_modified = ?", (HOSTILE_HOUR,))
    db.close()
    _clean(cli(config, "run", "--now", AN_HOUR_ON))  # a run re-checks what is due
    assert len(asked) == 2
    # Unreadable as a date, so kept and sent back as it came (the server may ignore it).
    assert asked[1].get("If-Modified-Since") == HOSTILE_HOUR
    _clean(cli(config, "recheck", "--now", "2026-12-07T08:00:00Z"))


def test_a_hostile_retry_after_is_one_failure_not_a_traceback(
    tmp_path: Path, news: HTTPServer
) -> None:
    config, _ = _site(tmp_path, news)
    news.expect_request("/feed.xml").respond_with_data(
        "busy", status=503, headers={"Retry-After": HOSTILE}
    )
    done = cli(config, "run", "--now", T0)
    _clean(done, 1)
    failed = [line for line in done.stderr.splitlines() if "503" in line]
    assert len(failed) == 1, done.stderr
