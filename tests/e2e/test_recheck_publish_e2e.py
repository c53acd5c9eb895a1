"""Re-checks end to end, the outside review's attacks (review of issue 19): posts
adopted into a new state keep their age; the site's pages of changes are complete after
a run stopped half-way or a page that could not be written; the time budget bounds a
run against a host that hangs; the pages name the article and link its archived post.
The real CLI against a local news site (test_recheck_e2e.Site)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from statekit import REPO, cli, json_of, write_config
from test_recheck_e2e import NAMES, TEMPLATE, Site
from werkzeug import Request, Response

T0 = "2024-07-24T00:00:00Z"


class HangingSite(Site):
    """The news site, where an article in mode "hang" reads the request and answers
    nothing until ``release`` (or a minute)."""

    def __init__(self, server: HTTPServer) -> None:
        self.hanging = threading.Event()  # set once a request hangs
        self.release = threading.Event()
        self.arrived: list[str] = []
        super().__init__(server)

    def article(self, name: str) -> Callable[[Request], Response]:
        answer = super().article(name)

        def hang_or_answer(request: Request) -> Response:
            self.arrived.append(name)
            if self.mode[name] == "hang":
                self.hanging.set()
                self.release.wait(60)
                return Response("late", status=503)
            return answer(request)

        return hang_or_answer


@pytest.fixture
def news() -> Iterator[HangingSite]:
    # Threaded: a hanging request holds up no other.
    server = HTTPServer(host="127.0.0.1", threaded=True)
    server.start()
    site = HangingSite(server)
    try:
        yield site
    finally:
        site.release.set()
        server.clear()
        server.stop()


def _site(tmp_path: Path, news: Site) -> tuple[Path, Path]:
    site = tmp_path / "site"
    shutil.copytree(TEMPLATE, site, ignore=shutil.ignore_patterns("_posts", "_site"))
    config = write_config(
        tmp_path / "config.yaml",
        [{"name": "News", "url": news.server.url_for("/feed.xml"), "content": "page"}],
        site_dir=site,
        state_path=site / ".rssarchive" / "state.sqlite3",
    )
    return site, config


def _network(config: Path, network: str, top: str = "") -> None:
    """Replace the config's network timeout (statekit's: 5 s) by ``network``; add ``top``."""
    text = config.read_text(encoding="utf-8")
    assert "  timeout: 5\n" in text
    text = text.replace("  timeout: 5\n", f"  {network}\n")
    config.write_text(text + (top + "\n" if top else ""), encoding="utf-8")


def _checks(news: Site) -> int:
    return sum(len(hits) for hits in news.hits.values())


def test_adopted_posts_keep_their_age(tmp_path: Path, news: Site) -> None:
    site, config = _site(tmp_path, news)
    assert cli(config, "run", "--now", T0).returncode == 0
    # The state is lost half an hour later: the posts are adopted, and their first age
    # still comes an hour after they were archived (their date), not after adoption.
    shutil.rmtree(site / ".rssarchive")
    adopt = cli(config, "run", "--now", "2024-07-24T00:30:00Z", "--json")
    assert adopt.returncode == 0, adopt.stderr
    assert "adopted 8 existing posts" in adopt.stdout + adopt.stderr
    due = json_of(cli(config, "recheck", "--now", "2024-07-24T01:00:00Z", "--json"))
    assert due["recheck"]["checked"] == len(NAMES)
    # Lost again, and adopted 40 days on: past their last age (30 days), they are never
    # fetched again, not re-checked from scratch as if archived that day.
    shutil.rmtree(site / ".rssarchive")
    assert cli(config, "run", "--now", "2024-09-02T10:00:00Z").returncode == 0
    fetched = _checks(news)
    for now in ("2024-09-02T11:00:01Z", "2024-09-03T12:00:00Z", "2024-10-05T00:00:00Z"):
        late = json_of(cli(config, "recheck", "--now", now, "--json"))
        assert late["recheck"]["checked"] == 0, now
    assert _checks(news) == fetched
    status = json_of(cli(config, "status", "--json"))["rechecks"]
    assert status["scheduled"] == 0


def _recheck_status(state: Path, name: str) -> str | None:
    with sqlite3.connect(f"file:{state}?mode=ro", uri=True, timeout=10) as db:
        row = db.execute(
            "SELECT r.status FROM rechecks r JOIN articles a ON a.id = r.article_id"
            " WHERE a.url LIKE ?",
            (f"%/news/{name}.html",),
        ).fetchone()
    return None if row is None else str(row[0])


def _pages(site: Path) -> dict[str, bytes]:
    found = {p: site / p for p in ("_data/changes.json", "deleted/index.html", "changes.xml")}
    found.update({f"versions/{p.name}": p for p in (site / "versions").glob("*.html")})
    return {k: p.read_bytes() for k, p in found.items() if p.is_file()}


def test_pages_caught_up_after_a_stop_and_a_failed_write(tmp_path: Path, news: HangingSite) -> None:
    site, config = _site(tmp_path, news)
    assert cli(config, "run", "--now", T0).returncode == 0
    # Two requests at a time: while one article hangs (a minute), the others are
    # checked, so the edit is recorded while the run still waits on the hung one.
    _network(config, "timeout: 60\n  per_host_concurrency: 2")
    news.mode.update(edited="edited", gone="404", outage="hang")
    paths = [str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])]
    stopped = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "rssarchive",
            "--config",
            str(config),
            "recheck",
            "--now",
            "2024-07-24T01:00:00Z",
        ],
        env={**os.environ, "PYTHONPATH": os.pathsep.join(paths)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # SIGTERM once the edit is recorded and a check still hangs: the run never
        # reaches its pages.
        assert news.hanging.wait(60)
        state = site / ".rssarchive" / "state.sqlite3"
        deadline = time.monotonic() + 60
        while _recheck_status(state, "edited") != "edited":
            assert time.monotonic() < deadline, "the edit was never recorded"
            time.sleep(0.05)
        stopped.send_signal(signal.SIGTERM)
        stopped.communicate(timeout=60)
    finally:
        stopped.kill()
    assert stopped.returncode != 0
    assert not (site / "_data" / "changes.json").exists()
    news.release.set()
    news.mode["outage"] = "ok"
    # The next run finds nothing new, and still the site shows the recorded edit.
    after = json_of(cli(config, "recheck", "--now", "2024-07-24T01:01:00Z", "--json"))
    assert after["recheck"]["changes"] == []
    assert after["recheck"]["warnings"] == []
    changes = json.loads((site / "_data" / "changes.json").read_text(encoding="utf-8"))
    (key,) = changes
    assert changes[key]["status"] == "edited"
    page = (site / changes[key]["versions"].lstrip("/")).read_text(encoding="utf-8")
    assert "<del>取得了具体进展</del>" in page and "<ins>未能达成协议</ins>" in page
    assert 'term="edited"' in (site / "changes.xml").read_text(encoding="utf-8")
    good = _pages(site)
    # changes.json, the versions page of the edited article, the deleted page, the feed.
    assert len(good) == 4

    # A page that cannot be written is a warning, the others are mended (one gone, one
    # stale), and it is written by the next run that can.
    blocker = site / "changes.xml"
    blocker.unlink()
    blocker.mkdir()
    (blocker / "in-the-way").touch()
    versions_page = next(k for k in good if k.startswith("versions/"))
    (site / versions_page).unlink()
    (site / "deleted" / "index.html").write_text("stale", encoding="utf-8")
    changes_json = site / "_data" / "changes.json"
    untouched = changes_json.stat().st_mtime_ns
    failed = json_of(cli(config, "recheck", "--now", "2024-07-24T01:02:00Z", "--json"))
    (warning,) = failed["recheck"]["warnings"]
    assert "changes.xml" in warning
    assert {k: v for k, v in _pages(site).items() if k != "changes.xml"} == {
        k: v for k, v in good.items() if k != "changes.xml"
    }
    assert changes_json.stat().st_mtime_ns == untouched  # as it should be: not rewritten
    shutil.rmtree(blocker)
    # Files in its versions folder that are not versions are no versions, and no error.
    (folder,) = (site / "_versions").iterdir()
    for stray in ("notes.txt", "._2024-07-24T010000Z.txt", "2024-07-24T010000Z (1).txt"):
        (folder / stray).write_text("not a version", encoding="utf-8")
    again = json_of(cli(config, "recheck", "--now", "2024-07-24T01:03:00Z", "--json"))
    assert again["recheck"]["warnings"] == []
    assert _pages(site) == good


def test_time_budget_bounds_a_recheck_against_a_hanging_host(
    tmp_path: Path, news: HangingSite
) -> None:
    _, config = _site(tmp_path, news)
    assert cli(config, "run", "--now", T0).returncode == 0
    # Every article hangs; a request gives up after 2 s, the budget is 3 s, one
    # request at a time. Before, all 8 due checks were handed out at once and each
    # waited its turn: 8 timeouts, 16 s. Now no check starts after the budget's 3 s
    # (and none after its host failed 3 times): at most 2 requests, ~4 s.
    _network(config, "timeout: 2\n  per_host_concurrency: 1", "recheck_budget: {seconds: 3}")
    news.mode.update(dict.fromkeys(NAMES, "hang"))
    news.arrived.clear()
    began = time.monotonic()
    done = cli(config, "recheck", "--now", "2024-07-24T01:00:00Z", "--json")
    took = time.monotonic() - began
    assert done.returncode == 0, done.stderr
    report = json_of(done)["recheck"]
    assert len(news.arrived) <= 2, news.arrived
    assert report["checked"] == len(news.arrived) and report["unreachable"] == report["checked"]
    # Nothing is lost: those not checked are still due, the next run checks them.
    assert report["still_due"] == len(NAMES) - report["checked"] >= len(NAMES) - 2
    # ~5 s (budget + one timeout) + start-up; the old way took 8 timeouts, 16 s at least.
    assert took < 14


def test_a_host_failing_three_times_gets_no_more_checks_in_the_run(
    tmp_path: Path, news: HangingSite
) -> None:
    _, config = _site(tmp_path, news)
    assert cli(config, "run", "--now", T0).returncode == 0
    news.mode.update(dict.fromkeys(NAMES, "503"))
    news.arrived.clear()
    done = json_of(cli(config, "recheck", "--now", "2024-07-24T01:00:00Z", "--json"))
    # One request at a time (the default): three failures, then the host is left alone.
    assert len(set(news.arrived)) == 3 and done["recheck"]["unreachable"] == 3
    # The three failed are due at their next age; the other five now, next run.
    assert done["recheck"]["still_due"] == len(NAMES) - 3
    (warning,) = done["recheck"]["warnings"]
    assert "3 checks failed" in warning
