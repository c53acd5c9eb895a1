"""What the outside review of issue 16 found after the integrity work, each through the
real CLI against a real local server (the feed server of test_state_faults):

- a ``meta.schema`` value rssarchive never writes is corruption: one line, and the run
  restores the database from its copy;
- a closed stdout (``| head``) ends quietly, a full one (``>> log`` on a full disk) is
  one line naming the cause;
- a site directory that turns read-only (the site lock cannot be created) makes status
  say FAILING;
- a run that stops on a full disk leaves none of its staged posts behind;
- status tells the truth after a recovery: each feed's posts, what the next run does
  when the copy is as corrupt as the database, a copy that is a directory, a warning
  said once;
- the articles a run has just taken on survive a kill followed by a corruption.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from statekit import REPO, fill, json_of, remount, rows, sources, temp_files, tmpfs
from test_state_faults import FeedServer, _corrupt, make_archive
from test_state_faults import server as server  # the fixture, under its own name

from rssarchive.store.schema import SCHEMA_VERSION


def _state(tmp_path: Path) -> Path:
    return tmp_path / "state" / "s.sqlite3"


def _set_feed(config: Path, **settings: object) -> None:
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["feeds"][0].update(settings)
    config.write_text(yaml.safe_dump(data), encoding="utf-8")


# -- F3: a schema version rssarchive never writes ----------------------------------------


@pytest.mark.parametrize("value", ["abc", "", "2.0", "0", "-1", " 3"])
def test_a_schema_version_rssarchive_never_writes_is_corruption(
    tmp_path: Path, server: FeedServer, value: str
) -> None:
    archive = make_archive(tmp_path, server, tmp_path / "site", _state(tmp_path))
    server.items = [0, 1]
    assert archive.run().returncode == 0
    with sqlite3.connect(archive.state) as conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'schema'", (value,))
    conn.close()
    status = archive.cli("status")
    assert status.returncode == 1
    assert status.stderr == (
        f"rssarchive: {archive.state}: state database is corrupt (schema version "
        f"{value!r} in meta is not one rssarchive writes); the next run restores it "
        "from its copy\n"
    )
    as_json = archive.cli("status", "--json")
    assert as_json.returncode == 1 and "Traceback" not in as_json.stderr
    assert json_of(as_json)["exit_code"] == 1
    done = archive.run("--json")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    (warning,) = json_of(done)["warnings"]
    assert warning.startswith("state database was corrupt") and "restored from its copy" in warning
    assert json_of(done)["new_posts"] == 0, "an article was archived again"
    assert rows(archive.state, "SELECT value FROM meta WHERE key = 'schema'") == [
        (str(SCHEMA_VERSION),)
    ]
    assert sorted(sources(archive.posts)) == [
        f"{server.base}/news/{n}.html?edition=1" for n in (0, 1)
    ]


# -- F4: a closed or full stdout --------------------------------------------------------


def _cli_into(config: Path, stdout: int, *args: str) -> subprocess.CompletedProcess[str]:
    paths = [str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])]
    return subprocess.run(
        [sys.executable, "-m", "rssarchive", "--config", str(config), *args],
        env={**os.environ, "PYTHONPATH": os.pathsep.join(paths)},
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        timeout=120,
        check=False,
    )


@contextlib.contextmanager
def _closed_pipe() -> Iterator[int]:
    """The writing end of a pipe whose reader is gone before anything is written: a
    ``| head -1`` that has read its line and exited, without the race."""
    read, write = os.pipe()
    os.close(read)
    try:
        yield write
    finally:
        os.close(write)


@pytest.mark.parametrize(
    "args", [("status", "--json"), ("status",), ("run",), ("run", "--json"), ("backfill", "--json")]
)
def test_a_closed_stdout_ends_quietly(
    tmp_path: Path, server: FeedServer, args: tuple[str, ...]
) -> None:
    archive = make_archive(tmp_path, server, tmp_path / "site", _state(tmp_path))
    assert archive.run().returncode == 0
    said = ""  # on stderr: what the run has to say, and nothing about the pipe
    if args[0] == "backfill":
        url = f"{server.base}/news/404.html"
        args, said = (*args, url), f"failed: {url}: HTTP 404 Not Found\n"
    with _closed_pipe() as stdout:
        done = _cli_into(archive.config, stdout, *args)
    assert (done.returncode, done.stderr) == (141, said)


@pytest.mark.parametrize("args", [("run",), ("run", "--json"), ("status",), ("status", "--json")])
def test_a_full_stdout_is_one_line_naming_the_cause(
    tmp_path: Path, server: FeedServer, args: tuple[str, ...]
) -> None:
    # The README's crontab line appends to a log: on a full disk, that log is stdout.
    archive = make_archive(tmp_path, server, tmp_path / "site", _state(tmp_path))
    server.items = [0, 1]
    if args[0] == "status":
        assert archive.run().returncode == 0
    with open("/dev/full", "wb") as full:
        done = _cli_into(archive.config, full.fileno(), *args)
    assert (done.returncode, done.stderr) == (
        1,
        "rssarchive: cannot write to standard output (No space left on device)\n",
    )
    assert len(sources(archive.posts)) == 2  # the run itself was done


# -- F5: a read-only site directory -----------------------------------------------------


def test_status_says_failing_when_the_site_lock_cannot_be_created(
    tmp_path: Path, server: FeedServer
) -> None:
    site = tmp_path / "site"
    with tmpfs(site, "8m"):
        archive = make_archive(tmp_path, server, site, _state(tmp_path))
        server.items = [0]
        assert archive.run().returncode == 0
        assert "News: ok" in archive.cli("status").stdout
        server.items = [0, 1]
        remount(site, readonly=True)
        try:
            for attempt in (1, 2):
                done = archive.run()
                assert done.returncode == 1
                assert done.stderr == (
                    f"rssarchive: {site}/.rssarchive/run.lock: cannot create lock file "
                    "(Read-only file system)\n"
                )
                status = archive.cli("status")
                assert f"News: FAILING ({attempt} in a row)" in status.stdout, status.stdout
                assert "cannot create lock file (Read-only file system)" in status.stdout
                (feed,) = json_of(archive.cli("status", "--json"))["feeds"]
                assert feed["ok"] is False and feed["next_allowed"] is None
        finally:
            remount(site, readonly=False)
        done = archive.run()
        assert done.returncode == 0, done.stderr
        assert "News: ok" in archive.cli("status").stdout
        assert len(sources(archive.posts)) == 2


# -- F6: a disk-full run's staged posts -------------------------------------------------


# Free space left: two amounts half a unit of posts apart, so that the disk never
# fills on a unit's boundary in both (a unit staged whole leaves nothing behind).
@pytest.mark.parametrize("free", [300_000, 300_000 + 8 * 4096])
def test_a_run_stopped_by_a_full_disk_leaves_no_staged_post(
    tmp_path: Path, server: FeedServer, free: int
) -> None:
    site = tmp_path / "site"
    with tmpfs(site, "4m"):
        archive = make_archive(tmp_path, server, site, _state(tmp_path))
        # Posts from the feed's text, 16 to a worker call, each unit's posts staged one
        # after another: the one that meets the full disk leaves the unit's others.
        _set_feed(archive.config, images="remote")
        server.items = list(range(150))  # ~2.5 KB each: far more than is free
        filler = fill(site, free)
        done = archive.run()
        assert done.returncode == 1
        assert "No space left on device" in done.stderr and "Traceback" not in done.stderr
        assert 0 < len(sources(archive.posts)) < 150
        assert temp_files(site) == [], "the run left its staged files on the full disk"
        filler.unlink()
        done = archive.run()
        assert done.returncode == 0, done.stderr
        assert temp_files(site) == []
        assert sorted(sources(archive.posts)) == sorted(
            f"{server.base}/news/{n}.html?edition=1" for n in server.items
        )


# -- F10: status after a recovery -------------------------------------------------------


def _feed_posts(archive_cli: subprocess.CompletedProcess[str]) -> tuple[int, int]:
    data = json_of(archive_cli)
    (feed,) = data["feeds"]
    return int(feed["posts"]), int(data["posts"])


def test_each_feeds_posts_are_counted_after_a_rebuild_from_the_posts(
    tmp_path: Path, server: FeedServer
) -> None:
    archive = make_archive(tmp_path, server, tmp_path / "site", _state(tmp_path))
    server.items = [0, 1, 2]
    assert archive.run().returncode == 0
    for path in archive.state.parent.iterdir():
        path.unlink()  # the database, its copy and all: only the posts are left
    done = archive.run()
    assert done.returncode == 0, done.stderr
    assert "adopted 3 existing posts" in done.stderr
    assert _feed_posts(archive.cli("status", "--json")) == (3, 3)
    assert "  posts:        3\n" in archive.cli("status").stdout


def test_each_feeds_posts_are_counted_after_a_restore_and_adoption(
    tmp_path: Path, server: FeedServer
) -> None:
    archive = make_archive(tmp_path, server, tmp_path / "site", _state(tmp_path))
    server.items = [0, 1]
    assert archive.run().returncode == 0
    copy = archive.state.with_name("s.sqlite3.backup")
    old_copy = copy.read_bytes()
    server.items = [0, 1, 2, 3]
    assert archive.run().returncode == 0
    copy.write_bytes(old_copy)  # the copy before items 2 and 3
    _corrupt(archive.state)
    done = archive.run()
    assert done.returncode == 0, done.stderr
    assert "restored from its copy" in done.stderr and "and 2 posts written since" in done.stderr
    assert _feed_posts(archive.cli("status", "--json")) == (4, 4)


def test_status_with_database_and_copy_corrupt_says_the_run_rebuilds_from_the_posts(
    tmp_path: Path, server: FeedServer
) -> None:
    archive = make_archive(tmp_path, server, tmp_path / "site", _state(tmp_path))
    server.items = [0, 1]
    assert archive.run().returncode == 0
    _corrupt(archive.state)
    _corrupt(archive.state.with_name("s.sqlite3.backup"))
    status = archive.cli("status")
    assert status.returncode == 1
    assert status.stderr.endswith("; the next run rebuilds it from the posts\n"), status.stderr
    done = archive.run()
    assert done.returncode == 0, done.stderr
    assert "has no good copy; rebuilt from 2 posts" in done.stderr


def test_a_copy_that_is_a_directory_is_named(tmp_path: Path, server: FeedServer) -> None:
    archive = make_archive(tmp_path, server, tmp_path / "site", _state(tmp_path))
    server.items = [0]
    assert archive.run().returncode == 0
    copy = archive.state.with_name("s.sqlite3.backup")
    copy.unlink()
    copy.mkdir()
    said = f"{copy}: the copy of the state database is not a file; move it out of the way"
    server.items = [0, 1]
    done = archive.run()  # the database is fine: the run is done, the copy not kept
    assert done.returncode == 0, done.stderr
    assert done.stderr == f"warning: {said}\n"
    archive.state.unlink()  # now the copy is needed
    for what in (archive.run(), archive.cli("status")):
        assert what.returncode == 1
        assert what.stderr == f"rssarchive: {said}\n"


def test_plain_status_says_a_feeds_warning_once(tmp_path: Path, server: FeedServer) -> None:
    archive = make_archive(tmp_path, server, tmp_path / "site", _state(tmp_path))
    _set_feed(archive.config, max_items=1)
    server.items = [0, 1, 2]
    assert archive.run().returncode == 0
    status = archive.cli("status").stdout
    assert "News: ok, with a WARNING" in status
    assert status.count("warning:") == 1, status


# -- F11: a kill and a corruption together ----------------------------------------------


def test_articles_taken_on_survive_a_kill_then_a_corruption(
    tmp_path: Path, server: FeedServer
) -> None:
    archive = make_archive(tmp_path, server, tmp_path / "site", _state(tmp_path))
    server.items = [0, 1]
    assert archive.run().returncode == 0
    # Item 2 is new; its image stalls until the run is killed: it is pending then.
    arrived, released = threading.Event(), threading.Event()
    plain = server.image

    def image(n: int) -> bytes:
        if n == 2:
            arrived.set()
            released.wait(60)
        return plain(n)

    server.image = image  # type: ignore[method-assign]
    server.items = [0, 1, 2]
    paths = [str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])]
    process = subprocess.Popen(
        [sys.executable, "-m", "rssarchive", "--config", str(archive.config), "run"],
        env={**os.environ, "PYTHONPATH": os.pathsep.join(paths)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        assert arrived.wait(60), "the run never asked for the image"
    finally:
        os.killpg(process.pid, 9)
        process.wait(30)
        released.set()
    assert rows(archive.state, "SELECT url FROM articles WHERE status = 'pending'") == [
        (f"{server.base}/news/2.html?edition=1",)
    ]
    # The item leaves the feed before the next run, and the database is corrupted.
    server.items = [0, 1]
    _corrupt(archive.state)
    done = archive.run()
    assert done.returncode == 0, done.stderr
    assert "restored from its copy" in done.stderr
    assert sorted(sources(archive.posts)) == [
        f"{server.base}/news/{n}.html?edition=1" for n in (0, 1, 2)
    ], "the article the killed run had taken on was lost with its database"


# -- look16c F10: the site's .rssarchive, where the state lives too, read-only -----------


def test_status_says_failing_when_no_run_can_write_the_sites_state_directory(
    tmp_path: Path, server: FeedServer
) -> None:
    """The state in the site's own .rssarchive (the default), which turns read-only:
    every run stops on its lock, and no record of it can be written anywhere, so
    status looks at the directory itself."""
    site = tmp_path / "site"
    with tmpfs(site, "8m"):
        state = site / ".rssarchive" / "state.sqlite3"
        archive = make_archive(tmp_path, server, site, state)
        server.items = [0]
        assert archive.run().returncode == 0
        assert "News: ok" in archive.cli("status").stdout
        server.items = [0, 1]
        remount(site, readonly=True)
        try:
            done = archive.run()
            assert done.returncode == 1
            assert "cannot create lock file (Read-only file system)" in done.stderr
            status = archive.cli("status")
            assert status.returncode == 0, status.stderr
            assert (
                f"FAILING: no run can write {site}/.rssarchive (read-only file system); "
                "runs stop before any feed" in status.stdout
            ), status.stdout
            assert "News: FAILING (the runs stop before it: see above)" in status.stdout
            data = json_of(archive.cli("status", "--json"))
            assert data["site_unwritable"] == f"{site}/.rssarchive (read-only file system)"
            (feed,) = data["feeds"]
            assert feed["ok"] is False
        finally:
            remount(site, readonly=False)
        assert archive.run().returncode == 0
        status = archive.cli("status")
        assert "News: ok" in status.stdout and "FAILING" not in status.stdout
        assert json_of(archive.cli("status", "--json"))["site_unwritable"] is None
