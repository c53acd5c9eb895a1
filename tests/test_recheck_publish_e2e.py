"""Re-checks end to end, the outside review's attacks (review of issue 19): posts
adopted into a new state keep their age; the site's pages of changes are complete after
a run stopped half-way or a page that could not be written; the time budget bounds a
run against a host that hangs; the pages name the article and link its archived post.
The real CLI against a local news site (test_recheck_e2e.Site)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from statekit import cli, json_of, write_config
from test_recheck_e2e import NAMES, TEMPLATE, Site

T0 = "2024-07-24T00:00:00Z"


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
    return site, config


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
