"""The _posts directory: atomic writes, no clobbering, reading `from:` back."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from test_e2e import rss

from rssarchive.core.errors import WriteError
from rssarchive.publish.posts import Posts, read_from_line
from rssarchive.publish.versions import Versions, put
from rssarchive.store.atomicfile import TEMP_PREFIX, TEMP_SUFFIX

POST = '---\nlayout: post\ntitle: "t"\nfrom: https://example.org/a\n---\nbody\n'


def test_write_then_scan(tmp_path: Path) -> None:
    archive = Posts(tmp_path)
    archive.write("2024-01-01-t.md", POST)
    assert (tmp_path / "_posts" / "2024-01-01-t.md").read_text(encoding="utf-8") == POST
    assert list(archive.scan(set())) == [("2024-01-01-t.md", "https://example.org/a")]
    assert list(archive.scan({"2024-01-01-t.md"})) == []
    assert not [n for n in os.listdir(tmp_path / "_posts") if n.startswith(".")]


def test_taken_by_other(tmp_path: Path) -> None:
    archive = Posts(tmp_path)
    archive.write("2024-01-01-p.md", POST)
    assert not archive.taken_by_other("2024-01-01-p.md", "https://example.org/a")
    assert archive.taken_by_other("2024-01-01-p.md", "https://example.org/b")
    assert not archive.taken_by_other("2024-01-01-free.md", "https://example.org/b")


@pytest.mark.parametrize(
    "name",
    [
        "2024-01-01-CAFÉ.md",  # case
        "2024-01-01-Cafe\u0301.md",  # NFD: e and a combining accent
        "2024-01-01-CAFE\u0301.md",  # both
    ],
)
def test_names_one_file_on_macos_and_windows_are_taken(tmp_path: Path, name: str) -> None:
    # A post written earlier (on disk) and one placed in this run are both seen.
    archive = Posts(tmp_path)
    archive.write("2024-01-01-Café.md", POST)
    fresh = Posts(tmp_path)
    assert fresh.taken_by_other(name, "https://example.org/b")
    assert not fresh.taken_by_other(name, "https://example.org/a")  # its own post
    fresh.write("2024-01-02-Straße.md", POST.replace("/a", "/c"))  # ß folds to ss
    assert fresh.taken_by_other("2024-01-02-STRASSE.md", "https://example.org/b")
    assert not fresh.taken_by_other("2024-01-01-Cafes.md", "https://example.org/b")


def test_stray_temp_files_removed(tmp_path: Path) -> None:
    posts = tmp_path / "_posts"
    posts.mkdir()
    (posts / ".rssarchive-0123.tmp").write_text("half a po")
    (posts / ".keep").write_text("")
    archive = Posts(tmp_path)
    assert archive.remove_stray_temp_files() == [".rssarchive-0123.tmp"]
    assert sorted(os.listdir(posts)) == [".keep"]


@pytest.mark.parametrize("name", ["../x.md", "a/b.md", ".hidden.md", "", "a\\b.md"])
def test_unsafe_names_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(WriteError):
        Posts(tmp_path).write(name, POST)


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_read_only_posts_dir_is_a_clear_error(tmp_path: Path) -> None:
    posts = tmp_path / "_posts"
    posts.mkdir()
    posts.chmod(0o555)
    try:
        with pytest.raises(WriteError, match="cannot write post"):
            Posts(tmp_path).write("p.md", POST)
    finally:
        posts.chmod(0o755)


def test_full_disk_is_a_clear_error_and_leaves_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    posts = tmp_path / "_posts"
    posts.mkdir()
    archive = Posts(tmp_path)
    real_open = open

    def full_open(path: object, mode: str = "r", *args: object, **kw: object) -> object:
        # The temporary post is really /dev/full: every write fails with ENOSPC.
        if str(path).startswith(str(posts)) and "x" in mode:
            return real_open("/dev/full", "wb")
        return real_open(path, mode, *args, **kw)  # type: ignore[call-overload]

    monkeypatch.setattr("builtins.open", full_open)
    with pytest.raises(WriteError, match="No space left"):
        archive.write("p.md", POST * 1000)
    monkeypatch.undo()
    assert os.listdir(posts) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (POST, "https://example.org/a"),
        ('---\nfrom: "https://example.org/a?x=1#y"\n---\n', "https://example.org/a?x=1#y"),
        ("---\ntitle: x\n---\nfrom: https://no\n", None),
        ("no front matter\nfrom: https://no\n", None),
    ],
)
def test_read_from_line(text: str, expected: str | None) -> None:
    assert read_from_line(text) == expected


def test_posts_path_not_a_directory_is_a_clear_error(tmp_path: Path) -> None:
    # Works as root too, unlike permission bits.
    (tmp_path / "_posts").write_text("not a directory")
    with pytest.raises(WriteError, match="cannot write post"):
        Posts(tmp_path).write("p.md", POST)


def test_names_that_jekyll_publishes_at_the_same_url_are_a_collision(tmp_path: Path) -> None:
    archive = Posts(tmp_path)
    archive.write("2024-01-01-Dr. Who?.md", POST)  # from https://example.org/a
    # "Dr. Who？" is another file but the same URL, /2024/01/01/Dr.-Who.html.
    assert archive.taken_by_other("2024-01-01-Dr. Who？.md", "https://example.org/b")
    assert not archive.taken_by_other("2024-01-01-Dr. Who？.md", "https://example.org/a")
    assert not archive.taken_by_other("2024-01-01-Dr. Who.md", "https://example.org/a")
    assert not archive.taken_by_other("2024-01-02-Dr. Who？.md", "https://example.org/b")


@pytest.mark.parametrize("name", ["2024-01-01-？？？.md", "2024-01-01-....md"])
def test_names_without_a_clean_jekyll_url_are_taken(tmp_path: Path, name: str) -> None:
    assert Posts(tmp_path).taken_by_other(name, "https://example.org/a")


# -- the one atomic writer (review of issue 18, H13) --------------------------------------


def test_versions_and_pages_are_written_through_the_one_atomic_writer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Versions and the pages of changes had their own writer: no fsync, its own names.
    synced: list[int] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        synced.append(fd)
        real_fsync(fd)

    monkeypatch.setattr("rssarchive.publish.posts.os.fsync", fsync)
    versions = Versions(tmp_path)
    kept = versions.keep("2024-01-01-t.md", datetime(2024, 1, 1, tzinfo=UTC), "text")
    assert kept.read_text(encoding="utf-8") == "text\n"
    assert len(synced) == 2  # the file, then its folder (the rename)
    failed: list[str] = []
    put(tmp_path / "changes.xml", "<feed/>\n", failed)
    assert failed == [] and len(synced) == 4
    (tmp_path / "deleted.html").mkdir()  # cannot be replaced by a file
    put(tmp_path / "deleted.html", "page\n", failed)
    assert len(failed) == 1 and failed[0].startswith(f"{tmp_path / 'deleted.html'}: ")
    assert not list(tmp_path.rglob(".*"))  # no temporary file left behind


def test_a_killed_runs_temporary_versions_and_pages_are_removed_by_the_next_run(
    site: Site, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss([]), content_type="application/rss+xml"
    )
    site.write_config([{"name": "News", "url": httpserver.url_for("/feed.xml")}])
    root = site.root / "site"
    folders = [root, root / "_data", root / "versions", root / "deleted"]
    folders.append(root / "_versions" / "2024-01-01-t")
    staged = [folder / f"{TEMP_PREFIX}0123456789abcdef{TEMP_SUFFIX}" for folder in folders]
    for temp in staged:
        temp.parent.mkdir(parents=True, exist_ok=True)
        temp.write_text("half a page", encoding="utf-8")
    others = [root / "_data" / ".keep", root / "_versions" / "2024-01-01-t" / "note.tmp"]
    for other in others:
        other.write_text("not ours", encoding="utf-8")
    assert site.cli("run") == 0
    assert [temp for temp in staged if temp.exists()] == []
    assert all(other.exists() for other in others)
