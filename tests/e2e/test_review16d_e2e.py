"""Issue 16, an outside review's findings (review16d): a full disk anywhere loses nothing
and is said; the sweep of staged files spares a live run's; a damaged copy of the state is
noticed; the item cap and unrecorded posts are said on every run and by status. The real
CLI against a real local HTTP server; small file systems are tmpfs mounts (root)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from conftest import Site
from pytest_httpserver import HTTPServer
from statekit import cli, fill, json_of, rows, sources, tmpfs
from test_e2e import rss, serve_with_etag
from test_integrity_e2e import HeldServer, _env, held  # noqa: F401
from test_state_faults import (  # noqa: F401
    FULL,
    FeedServer,
    _corrupt,
    check_complete,
    make_archive,
    server,
)

ENOSPC = "No space left on device"

# -- H6: images kept back by a full disk are not given up ---------------------------------


def test_images_held_back_by_a_full_disk_are_never_given_up_and_stored_with_room(
    tmp_path: Path,
    server: FeedServer,  # noqa: F811 (the fixture imported above)
) -> None:
    # The images' directory is a small disk that stays full for more runs than an
    # image is retried: the disk, not the images, is at fault, so each run says so and
    # the first run with room stores them all and rewrites the posts.
    disk = tmp_path / "disk"
    with tmpfs(disk, "1m"):
        site = tmp_path / "site"
        (site / "assets").mkdir(parents=True)
        (site / "assets" / "images").symlink_to(disk, target_is_directory=True)
        archive = make_archive(tmp_path, server, site, tmp_path / "state" / "s.sqlite3")
        server.items = [0, 1]
        filler = fill(disk, 0)
        first = archive.run()
        assert first.returncode == 0, first.stderr
        assert f"image kept remote (could not store the image ({ENOSPC}))" in first.stderr
        for _ in range(6):  # IMAGE_RETRIES is 5
            done = archive.run()
            assert done.returncode == 0, done.stderr
            assert "no more retries" not in done.stderr
            held = [line for line in done.stderr.splitlines() if "still remote" in line]
            assert len(held) == 2 and all(ENOSPC in line for line in held), done.stderr
        assert rows(archive.state, "SELECT attempts FROM image_retries") == [(0,), (0,)]
        status = archive.cli("status")
        assert "2 posts still link remote images (retried by the next runs" in status.stdout
        filler.unlink()
        done = archive.run()
        assert done.returncode == 0 and "still remote" not in done.stderr, done.stderr
        check_complete(archive, server)
        assert "remote images" not in archive.cli("status").stdout


# -- M1: a state that cannot be opened is still reported by status ------------------------


def test_status_says_failing_with_the_cause_when_the_state_cannot_even_be_opened(
    tmp_path: Path,
    server: FeedServer,  # noqa: F811
) -> None:
    disk = tmp_path / "disk"
    with tmpfs(disk, "4m"):
        archive = make_archive(tmp_path, server, tmp_path / "site", disk / "state" / "s.sqlite3")
        assert archive.run().returncode == 0
        assert "News: ok" in archive.cli("status").stdout
        filler = fill(disk, 0)
        for attempt in (1, 2):
            done = archive.run()
            assert done.returncode == 1
            (line,) = done.stderr.splitlines()
            assert any(cause in line for cause in FULL), line
            status = archive.cli("status")
            assert status.returncode == 0, status.stderr
            runs = "run" if attempt == 1 else f"{attempt} runs"
            assert f"FAILING: the last {runs} stopped: {line.removeprefix('rssarchive: ')}" in (
                status.stdout
            ), status.stdout
            assert "News: FAILING" in status.stdout and "News: ok" not in status.stdout
            data = json_of(archive.cli("status", "--json"))
            assert data["run_failure"]["runs"] == attempt
            assert data["feeds"][0]["ok"] is False
        filler.unlink()
        assert archive.run().returncode == 0
        status = archive.cli("status")
        assert "FAILING" not in status.stdout and "News: ok" in status.stdout, status.stdout
        assert json_of(archive.cli("status", "--json"))["run_failure"] is None
        assert not (archive.site / ".rssarchive" / "run-failure.json").exists()


# -- M4: two sites sharing one _posts ------------------------------------------------------


def _site_config(root: Path, name: str, site: str, feed_url: str) -> Path:
    path = root / f"{name}.yaml"
    network = {"allow_private_addresses": True, "timeout": 60, "per_host_delay": 0}
    data = {
        "site_dir": site,
        "state_path": f"state-{name}/state.sqlite3",
        # Pages fetched at once: one held page does not hold the others back.
        "network": {**network, "per_host_concurrency": 8},
        "feeds": [{"name": "News", "url": feed_url, "content": "page"}],
    }
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def _backfill(config: Path, url: str) -> list[str]:
    return [sys.executable, "-m", "rssarchive", "--config", str(config), "backfill", url]


def test_a_site_sharing_posts_with_a_live_run_leaves_its_staged_files_alone(
    tmp_path: Path,
    held: HeldServer,  # noqa: F811
) -> None:
    # Site B's _posts is site A's (a symlink): their site locks differ, so both run.
    first = _site_config(tmp_path, "a", "site-a", held.url("/f.xml"))
    second = _site_config(tmp_path, "b", "site-b", held.url("/f.xml"))
    posts = tmp_path / "site-a" / "_posts"
    posts.mkdir(parents=True)
    (tmp_path / "site-b").mkdir()
    (tmp_path / "site-b" / "_posts").symlink_to(posts, target_is_directory=True)
    running = subprocess.Popen(
        _backfill(first, held.url("/held/1.html")),
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert held.held.wait(60), "the first run never reached the server"
        # What the first run may have staged by now: a temporary file of its own.
        staged = posts / ".rssarchive-0123456789abcdef.tmp"
        staged.write_text("a post being written", encoding="utf-8")
        other = subprocess.run(
            _backfill(second, held.url("/other.html")),
            env=_env(),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert other.returncode == 0, other.stderr
        assert staged.exists(), "site B's run removed site A's live run's staged post"
        assert running.poll() is None
    finally:
        held.release.set()
    _, err = running.communicate(timeout=120)
    assert running.returncode == 0, err
    # With no other live run on the directory, a run sweeps what a dead run left.
    again = subprocess.run(
        _backfill(second, held.url("/third.html")),
        env=_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert again.returncode == 0, again.stderr
    assert not staged.exists()
    names = sorted(os.listdir(posts))
    assert len(names) == 3 and not [n for n in names if n.startswith(".")], names


# -- M5: a damaged copy of the state is noticed and renewed --------------------------------


def test_a_damaged_copy_is_renewed_by_a_run_that_finds_nothing_new(
    tmp_path: Path,
    server: FeedServer,  # noqa: F811
) -> None:
    archive = make_archive(tmp_path, server, tmp_path / "site", tmp_path / "state" / "s.sqlite3")
    server.items = [0, 1, 2]
    assert archive.run().returncode == 0
    copy = archive.state.with_name("s.sqlite3.backup")
    with open(copy, "r+b") as handle:  # bit rot over its header
        handle.write(b"rot" * 100)
    done = archive.run("--json")  # nothing new: the copy would not be renewed for that
    assert done.returncode == 0, done.stderr
    warning = f"{copy}: the copy of the state database was damaged; renewed from the database"
    assert json_of(done)["warnings"] == [warning]
    assert rows(copy, "PRAGMA quick_check") == [("ok",)]
    quiet = archive.run("--json")
    assert quiet.returncode == 0 and json_of(quiet)["warnings"] == [], "said more than once"
    # The live database is damaged in turn and every link moves (same guids): the copy
    # still knows them, so nothing is archived again.
    _corrupt(archive.state)
    server.edition = 2
    done = archive.run("--json")
    assert done.returncode == 0, done.stderr
    assert "restored from its copy" in json_of(done)["warnings"][0]
    assert json_of(done)["new_posts"] == 0
    assert sorted(sources(archive.posts)) == [
        f"{server.base}/news/{n}.html?edition=1" for n in range(3)
    ]


# -- M6: the max_items cut is said on runs that get 304 Not Modified -----------------------


def test_the_max_items_cut_is_said_again_on_a_304(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    items = [
        {
            "title": f"Story {n}",
            "link": httpserver.url_for(f"/story/{n}.html"),
            "pubDate": f"{10 + n:02d} Jul 2024 08:00:00 GMT",
            "content": f"<p>Story {n}: a whole article of the feed's own text.</p>",
        }
        for n in range(5)
    ]
    serve_with_etag(httpserver, "/etag.xml", rss(items))
    url = httpserver.url_for("/etag.xml")
    site.write_config([{"name": "t", "url": url, "content": "feed", "max_items": 2}])
    assert site.cli("run", "--now", "2024-07-24T01:00:00Z", "--json") == 0
    out, err = capsys.readouterr()
    (cut,) = json.loads(out)["results"][0]["warnings"]
    assert "more than the feed's max_items (2)" in cut and "3 not archived" in cut
    again = f"{cut} (unchanged: 304 Not Modified)"
    for hour in (2, 3):
        assert site.cli("run", "--now", f"2024-07-24T0{hour}:00:00Z", "--json") == 0
        out, err = capsys.readouterr()
        (result,) = json.loads(out)["results"]
        assert result["not_modified"] is True
        assert result["warnings"] == [again]
    assert site.cli("run", "--now", "2024-07-24T04:00:00Z") == 0
    out, err = capsys.readouterr()
    assert again in err, err
    assert len(site.post_names()) == 2


# -- L5: status names the posts a killed run wrote and did not record ---------------------


def test_status_after_a_killed_run_counts_the_posts_the_next_run_adopts(
    tmp_path: Path,
    held: HeldServer,  # noqa: F811
) -> None:
    config = _site_config(tmp_path, "a", "site", held.url("/f.xml"))
    posts = tmp_path / "site" / "_posts"
    pages = [held.url(f"/p/{n}.html") for n in range(3)]
    # Fewer posts than a batch: none is recorded before the run ends (or is killed).
    running = subprocess.Popen(
        [*_backfill(config, pages[0]), *pages[1:], held.url("/held/1.html")],
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert held.held.wait(60), "the run never reached the server"
        deadline = time.monotonic() + 60
        while len(list(posts.glob("*.md"))) < 3:
            assert time.monotonic() < deadline and running.poll() is None, "no posts"
            time.sleep(0.05)
        running.kill()
        running.wait(60)
    finally:
        held.release.set()
    (posts / "2024-01-01-by-hand.md").write_text("---\ntitle: mine\n---\nHand-written.\n")

    status = cli(config, "status")
    assert status.returncode == 0, status.stderr
    said = "3 posts in _posts not yet recorded (a run was stopped; the next run adopts them)"
    assert said in status.stdout, status.stdout
    assert json_of(cli(config, "status", "--json"))["unrecorded_posts"] == {
        "posts": 3,
        "read": True,
    }
    done = cli(config, "backfill", held.url("/held/1.html"))
    assert done.returncode == 0, done.stderr
    status = cli(config, "status")
    assert "not yet recorded" not in status.stdout, status.stdout
    assert sorted(sources(posts)) == sorted([held.url("/held/1.html"), *pages])


def test_too_many_unknown_files_are_counted_without_being_read(tmp_path: Path) -> None:
    from rssarchive.publish.posts import Posts
    from rssarchive.publish.unrecorded import MOST_READ, unrecorded_line, unrecorded_posts
    from rssarchive.store.state import State

    posts = tmp_path / "_posts"
    posts.mkdir()
    for n in range(MOST_READ + 1):  # hand-written: no from: line
        (posts / f"2024-01-01-mine-{n}.md").write_text("---\ntitle: mine\n---\n")
    state = State.open(tmp_path / "state.sqlite3")
    try:
        many = unrecorded_posts(state, Posts(tmp_path))
        (posts / "2024-01-01-mine-0.md").unlink()
        few = unrecorded_posts(state, Posts(tmp_path))
    finally:
        state.close()
    assert (many.posts, many.read) == (MOST_READ + 1, False)
    assert unrecorded_line(many) == (
        f"{MOST_READ + 1} files in _posts the state does not know (posts a stopped run "
        "wrote, which the next run adopts, or posts not written by rssarchive)"
    )
    assert (few.posts, few.read) == (0, True) and unrecorded_line(few) is None
