"""The _posts directory: atomic writes, no clobbering, reading `from:` back."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from rssarchive.core.errors import WriteError
from rssarchive.publish.archive import Archive, read_from_line

POST = '---\nlayout: post\ntitle: "t"\nfrom: https://example.org/a\n---\nbody\n'


def test_write_then_scan(tmp_path: Path) -> None:
    archive = Archive(tmp_path)
    archive.write("2024-01-01-t.md", POST)
    assert (tmp_path / "_posts" / "2024-01-01-t.md").read_text(encoding="utf-8") == POST
    assert list(archive.scan(set())) == [("2024-01-01-t.md", "https://example.org/a")]
    assert list(archive.scan({"2024-01-01-t.md"})) == []
    assert not [n for n in os.listdir(tmp_path / "_posts") if n.startswith(".")]


def test_taken_by_other(tmp_path: Path) -> None:
    archive = Archive(tmp_path)
    archive.write("2024-01-01-p.md", POST)
    assert not archive.taken_by_other("2024-01-01-p.md", "https://example.org/a")
    assert archive.taken_by_other("2024-01-01-p.md", "https://example.org/b")
    assert not archive.taken_by_other("2024-01-01-free.md", "https://example.org/b")


def test_stray_temp_files_removed(tmp_path: Path) -> None:
    posts = tmp_path / "_posts"
    posts.mkdir()
    (posts / ".rssarchive-0123.tmp").write_text("half a po")
    (posts / ".keep").write_text("")
    archive = Archive(tmp_path)
    assert archive.remove_stray_temp_files() == [".rssarchive-0123.tmp"]
    assert sorted(os.listdir(posts)) == [".keep"]


@pytest.mark.parametrize("name", ["../x.md", "a/b.md", ".hidden.md", "", "a\\b.md"])
def test_unsafe_names_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(WriteError):
        Archive(tmp_path).write(name, POST)


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_read_only_posts_dir_is_a_clear_error(tmp_path: Path) -> None:
    posts = tmp_path / "_posts"
    posts.mkdir()
    posts.chmod(0o555)
    try:
        with pytest.raises(WriteError, match="cannot write post"):
            Archive(tmp_path).write("p.md", POST)
    finally:
        posts.chmod(0o755)


def test_full_disk_is_a_clear_error_and_leaves_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    posts = tmp_path / "_posts"
    posts.mkdir()
    archive = Archive(tmp_path)
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
        Archive(tmp_path).write("p.md", POST)


def test_names_that_jekyll_publishes_at_the_same_url_are_a_collision(tmp_path: Path) -> None:
    archive = Archive(tmp_path)
    archive.write("2024-01-01-Dr. Who?.md", POST)  # from https://example.org/a
    # "Dr. Who？" is another file but the same URL, /2024/01/01/Dr.-Who.html.
    assert archive.taken_by_other("2024-01-01-Dr. Who？.md", "https://example.org/b")
    assert not archive.taken_by_other("2024-01-01-Dr. Who？.md", "https://example.org/a")
    assert not archive.taken_by_other("2024-01-01-Dr. Who.md", "https://example.org/a")
    assert not archive.taken_by_other("2024-01-02-Dr. Who？.md", "https://example.org/b")


@pytest.mark.parametrize("name", ["2024-01-01-？？？.md", "2024-01-01-....md"])
def test_names_without_a_clean_jekyll_url_are_taken(tmp_path: Path, name: str) -> None:
    assert Archive(tmp_path).taken_by_other(name, "https://example.org/a")
