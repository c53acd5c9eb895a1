"""store/atomicfile: the one replace-and-flush (commit), for posts, images, versions and
the state's copy alike (look18 F4)."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from rssarchive.store.atomicfile import commit, write_atomic


def test_commit_flushes_a_file_made_elsewhere_then_renames_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target, temp = tmp_path / "state.backup", tmp_path / "state.backup.tmp"
    target.write_bytes(b"old")
    temp.write_bytes(b"new")
    flushed: list[int] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        flushed.append(fd)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    commit(temp, target, flush=True)
    assert target.read_bytes() == b"new" and not temp.exists()
    assert len(flushed) == 2  # the file, then its folder


def test_a_commit_that_fails_removes_its_temp_and_keeps_the_target(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target, temp = tmp_path / "post.md", tmp_path / ".rssarchive-x.tmp"
    target.write_bytes(b"old")
    temp.write_bytes(b"new")

    def failing(fd: int) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "fsync", failing)
    with pytest.raises(OSError, match="Input/output"):
        commit(temp, target, flush=True)
    assert target.read_bytes() == b"old" and not temp.exists()


def test_write_atomic_leaves_no_temporary_file(tmp_path: Path) -> None:
    write_atomic(tmp_path / "a.txt", b"data")
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]
