"""The state database under faults, through the real CLI against a real local server:

- a full disk anywhere (post, image, state, its COMMIT): one clear line with the real
  cause, valid --json, nothing lost; the next run with room completes everything, image
  retries included (a tmpfs filled to a point, swept over the run's writes);
- a corrupt database restored from its copy: guid identity and image retries survive,
  the posts written since the copy are adopted;
- read-only use: status and run --dry-run on a read-only state directory (a tmpfs
  remounted read-only: root ignores permission bits);
- a feed whose runs fail on write errors is reported as failing by status.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from statekit import (
    GIF,
    cli,
    fill,
    json_of,
    remount,
    rows,
    rss,
    sources,
    temp_files,
    tmpfs,
    write_config,
)

from rssarchive.core.models import Entry
from rssarchive.core.urls import normalize_url
from rssarchive.store.codec import entry_to_json

ITEMS = 6


@dataclass
class FeedServer:
    """A feed of ``items`` (numbers) whose articles carry one image each (~6 KB)."""

    items: list[int] = field(default_factory=lambda: list(range(ITEMS)))
    edition: int = 1  # the query string of every article link; guids never change
    images_fail: bool = False
    base: str = ""

    def image(self, n: int) -> bytes:
        return GIF + bytes([n % 256]) * 6000

    def feed(self) -> bytes:
        return rss(
            [
                {
                    "title": f"Story {n}",
                    "link": f"{self.base}/news/{n}.html?edition={self.edition}",
                    "guid": f"tag:news,{n}",
                    "pubDate": f"Tue, {n + 1:02d} Jul 2024 09:00:00 GMT",
                    "content": f"<p>Story {n}: " + "words " * 400 + "</p>"
                    f'<img src="{self.base}/img/{n}.gif">',
                }
                for n in reversed(self.items)
            ]
        )


@pytest.fixture
def server() -> Iterator[FeedServer]:
    state = FeedServer()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/feed.xml":
                body, kind = state.feed(), "application/rss+xml"
            elif self.path.startswith("/img/") and not state.images_fail:
                body, kind = state.image(int(self.path[5:].split(".")[0])), "image/gif"
            else:
                self.send_error(503 if self.path.startswith("/img/") else 404)
                return
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    state.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()


@dataclass
class Posts:
    config: Path
    site: Path
    state: Path

    @property
    def posts(self) -> Path:
        return self.site / "_posts"

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return cli(self.config, "run", *args)

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return cli(self.config, *args)


def make_archive(root: Path, server: FeedServer, site: Path, state: Path) -> Posts:
    config = write_config(
        root / "config.yaml",
        [{"name": "News", "url": f"{server.base}/feed.xml", "content": "feed", "images": "local"}],
        site_dir=site,
        state_path=state,
    )
    return Posts(config, site, state)


def check_complete(archive: Posts, server: FeedServer) -> None:
    """Every item exactly once, its image local, nothing pending, no temporary file."""
    expected = sorted(f"{server.base}/news/{n}.html?edition=1" for n in server.items)
    assert sorted(sources(archive.posts)) == expected, "an article is missing or twice"
    remote = [p.name for p in archive.posts.glob("*.md") if '<img src="http' in p.read_text()]
    assert remote == [], f"posts still linking remote images: {remote}"
    assert temp_files(archive.site) == [] and temp_files(archive.state.parent) == []
    statuses = rows(archive.state, "SELECT status, count(*) FROM articles GROUP BY status")
    assert statuses == [("done", len(server.items))]
    assert rows(archive.state, "SELECT * FROM image_retries") == []


# -- a full disk ------------------------------------------------------------------------

FULL = ("No space left on device", "database or disk is full", "disk full")


# What lives on the small disk; the free space the sweep leaves (0, then from ``first``
# in steps of ``step`` up to what a whole run writes there: few runs, each a second);
# the faults it must meet. (The state cannot even be opened with less than 64 KB free:
# SQLite's shared-memory file alone takes 32 KB.)
LAYOUTS = {
    "posts": (("site/_posts",), 8192, 8192, {"post"}),
    "images": (("site/assets/images",), 16384, 16384, {"image"}),
    "state": (("state",), 65536, 16384, {"state", "posts written, state not"}),
    "everything": (("site", "state"), 98304, 65536, {"state"}),
}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_disk_full_anywhere_says_why_and_loses_nothing(
    tmp_path: Path, server: FeedServer, layout: str
) -> None:
    # The directories of ``layout`` are links to a small disk, filled to leave 0, one
    # step, two steps ... free, up to what one whole run writes there: the run meets
    # the full disk at each kind of write it makes.
    on_disk, first, step, expected = LAYOUTS[layout]
    disk, root = tmp_path / "disk", tmp_path / "archive"
    with tmpfs(disk, "4m"):
        archive = make_archive(tmp_path, server, root / "site", root / "state" / "s.sqlite3")

        def fresh() -> None:
            for path in disk.iterdir():
                shutil.rmtree(path) if path.is_dir() else path.unlink()
            shutil.rmtree(root, ignore_errors=True)
            for part in on_disk:
                (disk / part).mkdir(parents=True)
                (root / part).parent.mkdir(parents=True, exist_ok=True)
                (root / part).symlink_to(disk / part, target_is_directory=True)

        fresh()
        room = _free(disk)
        assert archive.run().returncode == 0
        needed = room - _free(disk)
        seen: set[str] = set()
        for leave in (0, *range(first, needed + step, step)):
            fresh()
            # The state's faults are the ones that lost image retries: let the images
            # fail in that run, so that each post has retries to keep.
            server.images_fail = layout == "state"
            filler = fill(disk, leave)
            done = archive.run("--json")
            server.images_fail = False
            where = f"{layout}, {leave} bytes left of {needed} needed"
            seen |= _check_fault(archive, done, where)
            filler.unlink()
            again = archive.run()
            assert again.returncode == 0, f"{where}: run with room: {again.stderr}"
            assert "failed" not in again.stderr, f"{where}: {again.stderr}"
            check_complete(archive, server)
        assert expected <= seen, f"the sweep never met a fault at {expected - seen}"


def _check_fault(archive: Posts, done: subprocess.CompletedProcess[str], where: str) -> set[str]:
    """What a run on a full disk must do: one line with the real cause (or warnings
    only), valid JSON, no traceback; returns the kinds of faults it met."""
    assert "Traceback" not in done.stderr and "cannot rollback" not in done.stderr, where
    data = json_of(done)  # valid JSON whatever failed
    assert data["exit_code"] == done.returncode, where
    seen: set[str] = set()
    if done.returncode == 0:
        for line in done.stderr.splitlines():
            assert line.startswith("warning: "), f"{where}: {done.stderr}"
        if "could not store the image (No space left on device)" in done.stderr:
            seen.add("image")
        return seen
    assert done.returncode == 1, f"{where}: {done.stderr}"
    assert done.stderr.count("\n") == 1, f"{where}: more than one line: {done.stderr}"
    assert any(cause in done.stderr for cause in FULL), f"{where}: {done.stderr}"
    assert done.stderr == f"rssarchive: {data['error']}\n", where
    if "cannot write post" in done.stderr:
        seen.add("post")
    if "state" in done.stderr:
        seen.add("state")
        if sources(archive.posts) and rows(
            archive.state, "SELECT count(*) FROM articles WHERE status = 'pending'"
        ) != [(0,)]:
            seen.add("posts written, state not")
    return seen


def _free(path: Path) -> int:
    stat = os.statvfs(path)
    return stat.f_bavail * stat.f_frsize


# -- a corrupt database restored from its copy ------------------------------------------


def _corrupt(state: Path) -> bytes:
    bad = b"this is not a database" * 200
    for suffix in ("-wal", "-shm"):
        state.with_name(state.name + suffix).unlink(missing_ok=True)
    state.write_bytes(bad)
    return bad


def test_corrupt_state_restored_from_its_copy_keeps_guid_identity_and_image_retries(
    tmp_path: Path, server: FeedServer
) -> None:
    archive = make_archive(tmp_path, server, tmp_path / "site", tmp_path / "state" / "s.sqlite3")
    server.items, server.images_fail = [0, 1, 2], True
    first = archive.run()
    assert first.returncode == 0, first.stderr
    assert len(rows(archive.state, "SELECT * FROM image_retries")) == 3
    bad = _corrupt(archive.state)
    # Every link changes its query string (same guids), a new item comes, images work.
    server.items, server.edition, server.images_fail = [0, 1, 2, 3], 2, False
    done = archive.run("--json")
    assert done.returncode == 0, done.stderr
    aside = archive.state.with_name("s.sqlite3.corrupt")
    assert json_of(done)["warnings"] == [
        f"state database was corrupt (moved to {aside}); restored from its copy "
        f"{archive.state}.backup and 0 posts written since in {archive.posts}"
    ]
    assert aside.read_bytes() == bad
    assert json_of(done)["new_posts"] == 1, "an article was archived again"
    links = sorted(sources(archive.posts))
    assert links == [f"{server.base}/news/{n}.html?edition={1 + (n == 3)}" for n in range(4)]
    remote = [p.name for p in archive.posts.glob("*.md") if '<img src="http' in p.read_text()]
    assert remote == [], "the image retries did not survive with the copy"


def test_posts_written_after_the_copy_are_adopted_with_their_image_retries(
    tmp_path: Path, server: FeedServer
) -> None:
    archive = make_archive(tmp_path, server, tmp_path / "site", tmp_path / "state" / "s.sqlite3")
    server.items = [0, 1]
    assert archive.run().returncode == 0
    copy = archive.state.with_name("s.sqlite3.backup")
    old_copy = copy.read_bytes()
    server.items, server.images_fail = [0, 1, 2, 3], True
    assert archive.run().returncode == 0
    assert copy.read_bytes() != old_copy, "a run that archived articles kept no new copy"
    # The copy of two runs ago, in which item 2 was pending (a run had recorded it, with
    # its guid, and failed it) and item 3 unknown.
    copy.write_bytes(old_copy)
    with sqlite3.connect(copy) as conn:
        link = f"{server.base}/news/2.html?edition=1"
        entry = entry_to_json(Entry(title="Story 2", link=link, guid="tag:news,2"))
        conn.execute(
            "INSERT INTO articles (url_key, url, guid_key, feed, status, entry, attempts,"
            " created, updated) VALUES (?, ?, 'tag:news,2', 'News', 'pending', ?, 1, '', '')",
            (normalize_url(link), link, entry),
        )
    conn.close()
    _corrupt(archive.state)
    server.images_fail = False
    done = archive.run()
    assert done.returncode == 0, done.stderr
    assert "restored from its copy" in done.stderr
    assert "and 2 posts written since" in done.stderr
    assert "; 1 articles lost their guid identity" in done.stderr  # item 3: by URL only
    assert "new posts: 0" in done.stdout
    check_complete(archive, server)
    # Item 3, known by its URL only after the restore, was listed at its link by that
    # run's feed: its guid is its again (review16d H4). Its link changes before the
    # next copy: it is not archived again, nor are item 2 (guid kept) and items 0 and 1
    # (from the copy).
    server.edition = 2
    again = archive.run()
    assert again.returncode == 0, again.stderr
    assert "new posts: 0" in again.stdout
    assert f"{server.base}/news/3.html?edition=2 is taken for the archived" in again.stderr
    assert f"{server.base}/news/3.html?edition=2" not in sources(archive.posts)


def test_status_on_a_corrupt_database_says_so_and_what_the_next_run_does(
    tmp_path: Path, server: FeedServer
) -> None:
    archive = make_archive(tmp_path, server, tmp_path / "site", tmp_path / "state" / "s.sqlite3")
    server.items = [0, 1]
    assert archive.run().returncode == 0
    _corrupt(archive.state)
    status = archive.cli("status")
    assert status.returncode == 1
    assert status.stderr == (
        f"rssarchive: {archive.state}: state database is corrupt (file is not a database); "
        "the next run restores it from its copy\n"
    )
    assert archive.run().returncode == 0
    assert archive.cli("status").stdout.startswith("2 posts archived")


def test_full_disk_while_restoring_keeps_the_copy(tmp_path: Path, server: FeedServer) -> None:
    # The copy cannot be put back for want of room: the run stops, saying so; it must not
    # rebuild from the posts instead (its next copy would replace the good one).
    disk = tmp_path / "disk"
    with tmpfs(disk, "4m"):
        archive = make_archive(tmp_path, server, tmp_path / "site", disk / "state" / "s.sqlite3")
        assert archive.run().returncode == 0
        copy = archive.state.with_name("s.sqlite3.backup")
        good = copy.read_bytes()
        _corrupt(archive.state)
        filler = fill(disk, 0)
        done = archive.run("--json")
        assert done.returncode == 1, done.stderr
        assert done.stderr.count("\n") == 1 and "cannot restore the state database" in done.stderr
        assert "database or disk is full" in done.stderr
        assert json_of(done)["exit_code"] == 1
        assert copy.read_bytes() == good
        filler.unlink()
        again = archive.run()
        assert again.returncode == 0, again.stderr
        assert "restored from its copy" in again.stderr and "guid identity" not in again.stderr
        assert "new posts: 0" in again.stdout
        check_complete(archive, server)


def test_every_copy_gone_falls_back_to_the_posts_and_says_what_it_costs(
    tmp_path: Path, server: FeedServer
) -> None:
    archive = make_archive(tmp_path, server, tmp_path / "site", tmp_path / "state" / "s.sqlite3")
    server.items = [0, 1, 2]
    assert archive.run().returncode == 0
    _corrupt(archive.state)
    _corrupt(archive.state.with_name("s.sqlite3.backup"))
    done = archive.run()
    assert done.returncode == 0, done.stderr
    assert "has no good copy; rebuilt from 3 posts" in done.stderr
    assert "3 articles lost their guid identity" in done.stderr
    assert "new posts: 0" in done.stdout


@pytest.mark.parametrize("copy", ["kept", "gone"])
def test_deleted_database_is_not_mixed_with_its_leftover_write_ahead_log(
    tmp_path: Path, server: FeedServer, copy: str
) -> None:
    # A killed run leaves a -wal; the user then deletes the database file alone. The
    # new database (restored or rebuilt) must not take the old log's pages.
    archive = make_archive(tmp_path, server, tmp_path / "site", tmp_path / "state" / "s.sqlite3")
    server.items = [0, 1, 2]
    assert archive.run().returncode == 0
    _leave_wal(archive.state, f"{server.base}/news/9.html")
    assert archive.state.with_name("s.sqlite3-wal").stat().st_size > 0
    archive.state.unlink()
    if copy == "gone":
        archive.state.with_name("s.sqlite3.backup").unlink()
    done = archive.run()
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "new posts: 0" in done.stdout
    check_complete(archive, server)
    assert rows(archive.state, "PRAGMA integrity_check") == [("ok",)]


# -- read-only use ------------------------------------------------------------------------


def _leave_wal(state: Path, url: str) -> None:
    """Commit one more article (done, for ``url``) and die without closing: the commit
    is only in the -wal file, as after a kill -9."""
    code = (
        "import os, sqlite3, sys\n"
        "conn = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        'conn.execute("INSERT INTO articles (url_key, url, feed, status, filename, created,'
        " updated) VALUES (?, ?, 'News', 'done', 'x.md', '', '')\", (sys.argv[2], sys.argv[3]))\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", code, str(state), normalize_url(url), url], check=True)


@pytest.mark.parametrize("leftover", ["none", "wal and shm", "wal without shm"])
def test_status_and_dry_run_work_on_a_read_only_state_directory(
    tmp_path: Path, server: FeedServer, leftover: str
) -> None:
    disk = tmp_path / "disk"
    with tmpfs(disk, "8m"):
        archive = make_archive(tmp_path, server, disk / "site", disk / "state" / "s.sqlite3")
        server.items = [0, 1]
        assert archive.run().returncode == 0
        server.items = [0, 1, 2, 3]
        if leftover != "none":
            # Item 2 is done in the -wal only: a reader that misses the log would list it.
            _leave_wal(archive.state, f"{server.base}/news/2.html?edition=1")
            if leftover == "wal without shm":
                archive.state.with_name("s.sqlite3-shm").unlink()
        remount(disk, readonly=True)
        try:
            status = archive.cli("status")
            assert status.returncode == 0, status.stderr
            assert status.stderr == ""
            done_posts = 2 if leftover == "none" else 3
            # Item 2's row names a post that is not in _posts: counted as missing, which
            # shows the row was read from the -wal.
            missing = [] if leftover == "none" else ["x.md"]
            assert status.stdout.startswith("2 posts archived in ")
            assert ("missing from _posts: x.md" in status.stdout) == bool(missing)
            # Read, and true: no run can write this site now (look16c F10), so it is not
            # "ok", though nothing failed yet.
            assert f"FAILING: no run can write {disk}/site" in status.stdout
            assert "News: FAILING (the runs stop before it: see above)" in status.stdout
            data = json_of(archive.cli("status", "--json"))
            assert data["posts"] == 2
            assert data["site_unwritable"] is not None
            assert [item["file"] for item in data["missing_posts"]] == missing
            dry = archive.run("--dry-run")
            assert dry.returncode == 0, dry.stderr
            assert dry.stderr == ""
            assert dry.stdout.count("would write: ") == 4 - done_posts
        finally:
            remount(disk, readonly=False)
        assert not list(disk.rglob("*.corrupt"))


def test_status_says_failing_for_a_feed_whose_runs_fail_on_write_errors(
    tmp_path: Path, server: FeedServer
) -> None:
    disk = tmp_path / "disk"
    with tmpfs(disk, "8m"):
        (disk / "_posts").mkdir()
        site = tmp_path / "site"
        site.mkdir()
        (site / "_posts").symlink_to(disk / "_posts", target_is_directory=True)
        archive = make_archive(tmp_path, server, site, tmp_path / "state" / "s.sqlite3")
        server.items = [0]
        remount(disk, readonly=True)
        try:
            for attempt in (1, 2):
                done = archive.run()
                assert done.returncode == 1
                assert "cannot write post (Read-only file system)" in done.stderr
                status = archive.cli("status")
                assert f"News: FAILING ({attempt} in a row)" in status.stdout, status.stdout
                assert "cannot write post (Read-only file system)" in status.stdout
                (feed,) = json_of(archive.cli("status", "--json"))["feeds"]
                assert feed["ok"] is False and feed["next_allowed"] is None
        finally:
            remount(disk, readonly=False)
        done = archive.run()
        assert done.returncode == 0, done.stderr
        assert "News: ok" in archive.cli("status").stdout


def test_a_run_stopped_on_opening_its_state_still_frees_a_killed_runs_temporary_files(
    tmp_path: Path, server: FeedServer
) -> None:
    # A killed run left staged posts and images; the next run cannot even open its state
    # (no room for it). Under the site's lock every temporary file is a dead run's: they
    # go, whatever stops the run after the lock is taken.
    disk = tmp_path / "disk"
    with tmpfs(disk, "4m"):
        archive = make_archive(tmp_path, server, tmp_path / "site", disk / "state" / "s.sqlite3")
        assert archive.run().returncode == 0
        staged = archive.posts / ".rssarchive-0123456789abcdef.tmp"
        staged.write_text("half a post")
        image_dirs = [p for p in (archive.site / "assets" / "images").iterdir() if p.is_dir()]
        staged_image = image_dirs[0] / ".rssarchive-fedcba9876543210.tmp"
        staged_image.write_bytes(b"half an image")
        _corrupt(archive.state)
        filler = fill(disk, 0)
        done = archive.run("--json")
        assert done.returncode == 1 and "cannot restore the state database" in done.stderr
        assert not staged.exists() and not staged_image.exists()
        assert temp_files(archive.site) == []
        filler.unlink()
        assert archive.run().returncode == 0
        check_complete(archive, server)
