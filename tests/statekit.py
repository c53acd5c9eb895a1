"""Helpers for the state database's end-to-end tests: the real CLI in a subprocess, a
feed on a local server, and small file systems (tmpfs) that fill up or turn read-only.

A tmpfs needs root (CI runs as root). Where mounting is refused the tests that need one
skip, saying why, except when the CI variable is set: there they fail, so that CI never
passes by skipping them.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from test_e2e import rss as e2e_rss

REPO = Path(__file__).resolve().parent.parent
GIF = bytes.fromhex(  # a valid 1x1 GIF
    "47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b"
)


def cli(config: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``python -m rssarchive --config CONFIG ARGS`` in a process of its own."""
    paths = [str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])]
    return subprocess.run(
        [sys.executable, "-m", "rssarchive", "--config", str(config), *args],
        env={**os.environ, "PYTHONPATH": os.pathsep.join(paths)},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def write_config(
    path: Path, feeds: list[dict[str, Any]], *, site_dir: Path, state_path: Path
) -> Path:
    data = {
        "site_dir": str(site_dir),
        "state_path": str(state_path),
        "network": {"allow_private_addresses": True, "timeout": 5, "per_host_delay": 0},
        "feeds": feeds,
    }
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def page_feed(tmp_path: Path, feed_url: str, **feed: Any) -> tuple[Path, Path]:
    """The config of one feed "News" whose articles are read from their pages, and its
    state path: the site the re-check tests archive and then check."""
    state = tmp_path / "site" / ".rssarchive" / "state.sqlite3"
    config = write_config(
        tmp_path / "config.yaml",
        [{"name": "News", "url": feed_url, "content": "page", **feed}],
        site_dir=tmp_path / "site",
        state_path=state,
    )
    return config, state


def rss(items: list[dict[str, str]]) -> bytes:
    """test_e2e's RSS builder, with the channel title these tests' feeds have."""
    return e2e_rss(items, title="News")


def sources(posts: Path) -> list[str]:
    """The from: URL of every post in ``posts`` (one per post, duplicates kept)."""
    found = []
    for path in sorted(posts.glob("*.md")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("from:"):
                found.append(yaml.safe_load(line[5:]))
                break
    return found


def temp_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob(".rssarchive-*"))


def rows(state: Path, query: str) -> list[tuple[Any, ...]]:
    """Rows of ``query`` on a copy of the database (the file itself stays untouched)."""
    with sqlite3.connect(":memory:") as memory:
        source = sqlite3.connect(f"file:{state}?mode=ro", uri=True)
        try:
            source.backup(memory)
        finally:
            source.close()
        return memory.execute(query).fetchall()


def json_of(done: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    data = json.loads(done.stdout)
    assert isinstance(data, dict)
    return data


def run_json(config: Path, *args: str) -> dict[str, Any]:
    """A command's ``--json`` report, the command having succeeded (exit 0)."""
    done = cli(config, *args, "--json")
    assert done.returncode == 0, done.stderr
    return json_of(done)


def _refused(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set: these tests must run there)")
    pytest.skip(reason)


@contextlib.contextmanager
def tmpfs(where: Path, size: str) -> Iterator[Path]:
    """A tmpfs of ``size`` mounted at ``where`` (created), unmounted after."""
    where.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(where)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        _refused(f"cannot mount a tmpfs here: {done.stderr.strip() or done.returncode}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True, check=False)


def remount(where: Path, *, readonly: bool) -> None:
    option = "remount,ro" if readonly else "remount,rw"
    done = subprocess.run(
        ["mount", "-o", option, str(where)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        _refused(f"cannot remount {where}: {done.stderr.strip()}")


def fill(where: Path, leave: int) -> Path:
    """A filler file that leaves ``leave`` bytes free on the file system of ``where``."""
    filler = where / "filler"
    stat = os.statvfs(where)
    free = stat.f_bavail * stat.f_frsize
    with open(filler, "ab") as handle:
        remaining = max(0, free - leave)
        chunk = b"\0" * (1 << 16)
        while remaining > 0:
            try:
                remaining -= handle.write(chunk[: min(len(chunk), remaining)])
            except OSError:
                break
    return filler
