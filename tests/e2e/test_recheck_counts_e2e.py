"""Re-checks end to end, the outside review 19c's F5, F6 and F10: what a re-check says
and counts is true (an edit whose version cannot be kept is a failure, not an edit; an
article left suspected is not "unchanged"), and a clock gone back revives no finished
schedule. The real CLI against the local news site of test_recheck_e2e."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from statekit import cli, json_of, write_config
from test_recheck_e2e import NAMES, TEMPLATE, Site

T0 = "2024-07-24T00:00:00Z"
T1 = "2024-07-24T01:00:00Z"


@pytest.fixture
def news(httpserver: HTTPServer) -> Site:
    return Site(httpserver)


def _site(tmp_path: Path, news: Site) -> tuple[Path, Path]:
    site = tmp_path / "site"
    shutil.copytree(TEMPLATE, site, ignore=shutil.ignore_patterns("_posts", "_site"))
    config = write_config(
        tmp_path / "config.yaml",
        [{"name": "News", "url": news.server.url_for("/feed.xml"), "content": "page"}],
        site_dir=site,
        state_path=site / ".rssarchive" / "state.sqlite3",
    )
    assert cli(config, "run", "--now", T0).returncode == 0
    return site, config


def _schedule(site: Path) -> dict[str, tuple[str, str | None]]:
    state = site / ".rssarchive" / "state.sqlite3"
    with sqlite3.connect(f"file:{state}?mode=ro", uri=True) as db:
        found = db.execute(
            "SELECT a.url, r.status, r.next_due FROM rechecks r"
            " JOIN articles a ON a.id = r.article_id"
        ).fetchall()
    return {str(url).rsplit("/", 1)[-1]: (str(status), due) for url, status, due in found}


def test_an_edit_whose_version_cannot_be_kept_is_a_failure_not_an_edit(
    tmp_path: Path, news: Site
) -> None:
    site, config = _site(tmp_path, news)
    news.mode["edited"] = "edited"
    # The versions folder cannot be made (a file in its place): the edit is seen but
    # cannot be recorded.
    (site / "_versions").write_text("in the way", encoding="utf-8")
    done = cli(config, "recheck", "--now", T1, "--json")
    report = json_of(done)["recheck"]
    assert done.returncode == 1 and json_of(done)["exit_code"] == 1
    assert report["edited"] == 0 and report["changes"] == []
    assert report["failed"] == 1
    assert report["checked"] == len(NAMES) == report["unchanged"] + report["failed"]
    # Said once, with the real cause.
    (warning,) = report["warnings"]
    assert "1 change(s) not recorded" in warning
    assert f"{site / '_versions'} is not a directory" in warning
    # The article is left as it was: still due, so the next run finds the edit again.
    status, due = _schedule(site)["edited.html"]
    assert status == "unchanged" and due is not None and due <= "2024-07-24T01:00:00.000+00:00"
    assert report["still_due"] == 1
    text = cli(config, "recheck", "--now", "2024-07-24T01:10:00Z")
    assert text.returncode == 1
    assert f"edited: {news.url('edited')}" not in text.stdout
    assert "edited: 0" in text.stdout and "failed: 1" in text.stdout
    assert text.stderr.count("warning:") == 1
    # The cause gone, the next run records it.
    (site / "_versions").unlink()
    after = cli(config, "recheck", "--now", "2024-07-24T01:20:00Z", "--json")
    assert after.returncode == 0
    mended = json_of(after)["recheck"]
    assert mended["edited"] == 1 and mended["failed"] == 0 and mended["warnings"] == []
    assert [c["url"] for c in mended["changes"]] == [news.url("edited")]
    assert len(list((site / "_versions").iterdir())) == 1


def test_articles_left_suspected_are_counted_suspected(tmp_path: Path, news: Site) -> None:
    site, config = _site(tmp_path, news)
    # Every article of the host answers a "not found" page with status 200: suspected,
    # never confirmed (no article of the host is seen served).
    news.mode.update(dict.fromkeys(NAMES, "soft"))
    first = json_of(cli(config, "recheck", "--now", T1, "--json"))["recheck"]
    assert first["suspected"] == len(NAMES) and first["still_suspected"] == 0
    for now in ("2024-07-24T02:00:00Z", "2024-07-24T03:00:00Z"):
        done = json_of(cli(config, "recheck", "--now", now, "--json"))["recheck"]
        assert done["checked"] == len(NAMES), now
        assert done["unchanged"] == 0, now
        assert done["suspected"] == done["still_suspected"] == len(NAMES), now
        assert len(done["warnings"]) == 1 and "not confirmed" in done["warnings"][0]
    assert {status for status, _ in _schedule(site).values()} == {"suspected"}
    text = cli(config, "recheck", "--now", "2024-07-24T04:00:00Z")
    assert f"suspected: {len(NAMES)}," in text.stdout
    assert "suspected deletion(s) not confirmed" in text.stderr


def test_a_clock_gone_back_revives_no_finished_schedule(tmp_path: Path, news: Site) -> None:
    site, config = _site(tmp_path, news)
    # Checked a year on: past the last age (30 days), every schedule is finished.
    late = json_of(cli(config, "recheck", "--now", "2025-07-24T00:00:00Z", "--json"))
    assert late["recheck"]["checked"] == len(NAMES)
    assert {due for _, due in _schedule(site).values()} == {None}
    fetched = sum(len(hits) for hits in news.hits.values())
    # The clock back to the first day: nothing is due, nothing revived, nothing fetched;
    # nor once the clock passes the ages again (a run in between changes nothing).
    for now in ("2024-07-24T04:00:00Z", "2024-07-25T00:00:00Z", "2024-08-01T00:00:00Z"):
        done = json_of(cli(config, "run", "--now", now, "--json"))["recheck"]
        assert done is None or (done["checked"], done["still_due"]) == (0, 0), now
        assert {due for _, due in _schedule(site).values()} == {None}, now
    assert sum(len(hits) for hits in news.hits.values()) == fetched
    status = json_of(cli(config, "status", "--json"))["rechecks"]
    assert status["scheduled"] == 0
    # A schedule revived before this rule (a next check earlier than the last check,
    # left in the state by an older version) is mended, not checked, once due.
    state = site / ".rssarchive" / "state.sqlite3"
    with sqlite3.connect(state) as db:
        db.execute("UPDATE rechecks SET next_due = '2024-07-25T00:00:00.000+00:00'")
    again = json_of(cli(config, "recheck", "--now", "2024-08-01T00:00:00Z", "--json"))
    assert again["recheck"]["checked"] == 0
    assert {due for _, due in _schedule(site).values()} == {None}
    assert sum(len(hits) for hits in news.hits.values()) == fetched


def test_an_outage_names_its_url_once_in_the_log_and_the_state(tmp_path: Path, news: Site) -> None:
    # Review 18b, M8: the outage's reason was str(FetchError), "URL: reason", beside the
    # URL again ("URL: re-check: URL: HTTP 503", last_result "outage: URL: HTTP 503").
    site, config = _site(tmp_path, news)
    news.mode["outage"] = "503"
    done = cli(config, "-v", "recheck", "--now", T1)
    assert done.returncode == 0, done.stderr
    url = news.url("outage")
    (line,) = [line for line in done.stderr.splitlines() if "re-check:" in line]
    assert line.startswith(f"{url}: re-check: HTTP 503") and line.count(url) == 1, line
    state = site / ".rssarchive" / "state.sqlite3"
    with sqlite3.connect(f"file:{state}?mode=ro", uri=True) as db:
        (stored,) = db.execute(
            "SELECT r.last_result FROM rechecks r JOIN articles a ON a.id = r.article_id"
            " WHERE a.url = ?",
            (url,),
        ).fetchone()
    assert stored.startswith("outage: HTTP 503") and url not in stored, stored
