"""Errors that stop a run say what they are about, once, and are their own class (review
18b, M9): a lock file that cannot be made is a LockFileError naming its path; a post
with no free file name is a WriteError naming its article's URL. The real CLI in a
process of its own (its -v traceback names the class) against a local HTTP server."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from statekit import cli, json_of, rss, write_config
from test_e2e import article

from rssarchive.core.errors import WriteError
from rssarchive.publish.render import post_filename, render_post

NOW = "2025-03-01T10:00:00Z"
PUBLISHED = "Sat, 01 Mar 2025 08:00:00 +0000"


def _config(tmp_path: Path, server: HTTPServer) -> Path:
    items = [{"title": "Same", "link": server.url_for("/same.html"), "pubDate": PUBLISHED}]
    server.expect_request("/feed.xml").respond_with_data(rss(items))
    server.expect_request("/same.html").respond_with_data(article("Same"))
    return write_config(
        tmp_path / "config.yaml",
        [{"name": "News", "url": server.url_for("/feed.xml")}],
        site_dir=tmp_path / "site",
        state_path=tmp_path / "state" / "state.sqlite3",
    )


@pytest.mark.parametrize("lock", ["site/.rssarchive/run.lock", "state/state.sqlite3.lock"])
def test_a_lock_file_that_cannot_be_made_is_a_lock_file_error_naming_its_path(
    tmp_path: Path, httpserver: HTTPServer, lock: str
) -> None:
    config = _config(tmp_path, httpserver)
    path = tmp_path / lock
    path.mkdir(parents=True)  # a directory where the lock file goes
    done = cli(config, "run", "--now", NOW)
    assert (done.returncode, done.stderr) == (
        1,
        f"rssarchive: {path}: cannot create lock file (Is a directory)\n",
    )
    assert json_of(cli(config, "run", "--now", NOW, "--json"))["exit_code"] == 1
    verbose = cli(config, "-v", "run", "--now", NOW)
    assert verbose.returncode == 1
    assert "rssarchive.core.errors.LockFileError: " in verbose.stderr, verbose.stderr


def test_a_post_with_no_free_file_name_is_a_write_error_naming_its_url_once(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    config = _config(tmp_path, httpserver)
    url = httpserver.url_for("/same.html")
    # Every name the article could take holds another article's post.
    names: list[str] = []
    with pytest.raises(WriteError):
        post_filename("2025-03-01", "Same", url, lambda name: names.append(name) or True)
    posts = tmp_path / "site" / "_posts"
    posts.mkdir(parents=True)
    for n, name in enumerate(names):
        other = render_post(
            title="Same",
            url=f"https://other.example/{n}.html",
            published=datetime(2025, 3, 1, 8, tzinfo=UTC),
            archived_at=datetime(2025, 3, 1, 9, tzinfo=UTC),
            author="",
            tags=[],
            categories=[],
            body_html="<p>another article</p>",
        )
        (posts / name).write_text(other.text, encoding="utf-8")
    done = cli(config, "run", "--now", NOW)
    assert (done.returncode, done.stderr) == (
        1,
        f"rssarchive: {url}: no free file name in _posts\n",
    )
    verbose = cli(config, "-v", "run", "--now", NOW)
    assert verbose.returncode == 1
    assert f"rssarchive.core.errors.WriteError: {url}: no free" in verbose.stderr, verbose.stderr
    # Status names the cause once too, as each feed's last error.
    status = cli(config, "status")
    assert f"last error:   {url}: no free file name in _posts (at" in status.stdout, status.stdout
