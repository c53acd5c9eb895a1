"""`status`, `--json` and the progress bar: what someone running this unattended reads."""

from __future__ import annotations

import io
import json

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from test_e2e import article, rss

from rssarchive.run.printing import ProgressBar


def test_status_shows_a_failing_feeds_last_error(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    items = [{"title": "good", "link": httpserver.url_for("/good.html")}]
    httpserver.expect_request("/good.xml").respond_with_data(rss(items))
    httpserver.expect_request("/good.html").respond_with_data(article("good"))
    httpserver.expect_request("/bad.xml").respond_with_data("nope", status=500)
    site.write_config(
        [
            {"name": "good", "url": httpserver.url_for("/good.xml")},
            {"name": "bad", "url": httpserver.url_for("/bad.xml")},
            {"name": "new", "url": httpserver.url_for("/never.xml")},
        ]
    )
    assert site.cli("run", "--now", "2025-03-01T10:00:00Z") == 1
    capsys.readouterr()
    assert site.cli("status") == 0
    out = capsys.readouterr().out
    assert "1 posts archived" in out
    assert "good: ok" in out
    assert "bad: FAILING (1 in a row)" in out
    assert "last error:   HTTP 500" in out
    assert "last success: 2025-03-01T10:00:00+00:00" in out

    assert site.cli("status", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    feeds = {f["name"]: f for f in data["feeds"]}
    assert feeds["good"]["posts"] == 1 and feeds["good"]["failures"] == 0
    assert feeds["bad"]["last_error"].startswith("HTTP 500")
    assert feeds["new"]["last_success"] is None


def test_status_before_any_run_writes_nothing(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    site.write_config([{"name": "f", "url": httpserver.url_for("/feed.xml")}])
    assert site.cli("status") == 0
    assert "last success: never" in capsys.readouterr().out
    assert not (site.root / "state").exists()


def test_run_and_backfill_json(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    items = [{"title": "one", "link": httpserver.url_for("/one.html")}]
    httpserver.expect_request("/feed.xml").respond_with_data(rss(items))
    httpserver.expect_request("/one.html").respond_with_data(article("one"))
    httpserver.expect_request("/gone.html").respond_with_data("x", status=404)
    site.write_config([{"name": "f", "url": httpserver.url_for("/feed.xml")}])
    assert site.cli("run", "--json", "--now", "2025-03-01T10:00:00Z") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["exit_code"] == 0 and data["new_posts"] == 1
    assert data["results"][0]["new"] == ["2025-03-01-one.md"]

    assert site.cli("backfill", "--json", httpserver.url_for("/gone.html")) == 1
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert data["exit_code"] == 1 and data["failed"] == 1
    assert data["results"][0]["failed"][0]["reason"].startswith("HTTP 404")
    assert "failed: " in captured.err  # the one-line failure still reaches stderr


def test_json_on_bad_config(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    site.config.write_text("feeds: 3\n")
    assert site.cli("run", "--json") == 2
    data = json.loads(capsys.readouterr().out)
    assert data["exit_code"] == 2 and "feeds:" in data["error"]


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_draws_on_a_terminal_only() -> None:
    tty = _Tty()
    bar = ProgressBar(tty)
    for done in range(1, 5):
        bar(done, 4)
    bar.finish()
    assert tty.getvalue().endswith(f"\r[{'#' * 30}] 4/4\n")
    pipe = io.StringIO()
    quiet = ProgressBar(pipe)
    quiet(1, 4)
    quiet.finish()
    assert pipe.getvalue() == ""


def test_status_and_its_json_give_one_verdict_per_feed(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """A feed polled fine whose article keeps failing is FAILING in `status` and not ok in
    `status --json` (before: `"ok": true` beside FAILING); a healthy one is ok in both."""
    good = [{"title": "good", "link": httpserver.url_for("/good.html")}]
    bad = [{"title": "bad", "link": httpserver.url_for("/bad.html")}]
    httpserver.expect_request("/good.xml").respond_with_data(rss(good))
    httpserver.expect_request("/good.html").respond_with_data(article("good"))
    httpserver.expect_request("/bad.xml").respond_with_data(rss(bad))
    httpserver.expect_request("/bad.html").respond_with_data("down", status=503)
    site.write_config(
        [
            {"name": "good", "url": httpserver.url_for("/good.xml")},
            {"name": "bad", "url": httpserver.url_for("/bad.xml")},
        ]
    )
    assert site.cli("run", "--now", "2025-03-01T10:00:00Z") == 1
    capsys.readouterr()
    assert site.cli("status") == 0
    lines = capsys.readouterr().out.splitlines()
    assert "good: ok" in lines
    assert "bad: FAILING (1 articles failing)" in lines

    assert site.cli("status", "--json") == 0
    feeds = {f["name"]: f for f in json.loads(capsys.readouterr().out)["feeds"]}
    assert (feeds["good"]["ok"], feeds["good"]["health"]) == (True, "ok")
    assert (feeds["bad"]["ok"], feeds["bad"]["health"]) == (False, "articles failing")
    assert feeds["bad"]["failures"] == 0 and len(feeds["bad"]["failing_articles"]) == 1


def test_status_and_its_json_agree_when_the_runs_stopped(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """A run that stops where the state cannot record it (its lock file cannot be made)
    leaves a record that status reads: both `status` and `status --json` say the one
    verdict of decide.feed_health for each feed (before: `"ok": false, "health": "ok"`
    beside a text FAILING, and two conditions for a gone feed)."""
    items = [{"title": "plain", "link": httpserver.url_for("/plain.html")}]
    httpserver.expect_request("/plain.xml").respond_with_data(rss(items))
    httpserver.expect_request("/plain.html").respond_with_data(article("plain"))
    httpserver.expect_request("/bad.xml").respond_with_data("down", status=500)
    httpserver.expect_request("/gone.xml").respond_with_data("gone", status=410)
    site.write_config(
        [
            {"name": "plain", "url": httpserver.url_for("/plain.xml")},
            {"name": "bad", "url": httpserver.url_for("/bad.xml")},
            {"name": "gone", "url": httpserver.url_for("/gone.xml")},
        ]
    )
    assert site.cli("run", "--now", "2025-03-01T10:00:00Z") == 1
    # The state's lock file cannot be made (a directory in its place): the run stops
    # after the site's lock, before the state is opened, and records why beside the site.
    lock = site.root / "state" / "state.sqlite3.lock"
    lock.unlink()
    lock.mkdir()
    capsys.readouterr()
    assert site.cli("run", "--now", "2025-03-01T11:00:00Z") == 1
    assert capsys.readouterr().err == (
        f"rssarchive: {lock}: cannot create lock file (Is a directory)\n"
    )

    assert site.cli("status", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["run_failure"]["runs"] == 1
    verdicts = {f["name"]: (f["ok"], f["health"]) for f in data["feeds"]}
    assert verdicts == {
        "plain": (False, "runs stopped"),
        "bad": (False, "failing"),
        "gone": (False, "gone"),
    }
    assert site.cli("status") == 0
    lines = capsys.readouterr().out.splitlines()
    said = [line for line in lines if line.split(":")[0] in verdicts]
    assert said == [
        "plain: FAILING (the runs stop before it: see above)",
        "bad: FAILING (1 in a row)",
        "gone: GONE (HTTP 410)",
    ]


def test_a_feed_no_poll_has_reached_is_not_polled_yet(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """A new feed, or one whose runs were stopped before its turn (look16c F13): status
    said `ok` beside `last success: never`; it says so instead (and exits 0: no failure)."""
    httpserver.expect_request("/a.xml").respond_with_data(rss([]))
    site.write_config(
        [
            {"name": "polled", "url": httpserver.url_for("/a.xml")},
        ]
    )
    assert site.cli("run", "--now", "2025-03-01T10:00:00Z") == 0
    site.write_config(
        [
            {"name": "polled", "url": httpserver.url_for("/a.xml")},
            {"name": "new", "url": httpserver.url_for("/b.xml")},
        ]
    )
    capsys.readouterr()
    assert site.cli("status") == 0
    lines = capsys.readouterr().out.splitlines()
    assert "polled: ok" in lines and "new: not polled yet" in lines
    assert site.cli("status", "--json") == 0
    feeds = {f["name"]: f for f in json.loads(capsys.readouterr().out)["feeds"]}
    assert (feeds["new"]["ok"], feeds["new"]["health"]) == (True, "not polled yet")
    assert feeds["polled"]["health"] == "ok"
