"""How a lost or corrupt state database came back: one value (run/recovered.py) that
``run`` and ``recheck`` both say, each in its own words (review 18 M11)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from rssarchive.run.recovered import (
    Recovered,
    recheck_recovered_line,
    recovery_summary,
    run_recovered_line,
)

ASIDE = Path("s.sqlite3.corrupt")
COPY = Path("s.sqlite3.backup")
POSTS = Path("_posts")


@dataclass
class Opened:
    created: bool = False
    emptied: bool = False
    rebuilt_from: Path | None = None
    restored_from: Path | None = None
    foreign_copy: tuple[Path, Path] | None = None


FOREIGN = (COPY, Path("s.sqlite3.foreign"))


def row(*values: Any, id: str) -> Any:
    return pytest.param(*values, id=id)


@pytest.mark.parametrize(
    ("opened", "expected"),
    [
        row(Opened(), None, id="there and sound"),
        row(Opened(created=True), Recovered("created"), id="new"),
        row(Opened(restored_from=COPY), Recovered("restored", None, COPY), id="missing, copy"),
        row(Opened(created=True, rebuilt_from=ASIDE, restored_from=COPY),
            Recovered("restored", ASIDE, COPY), id="corrupt, copy"),
        row(Opened(created=True, rebuilt_from=ASIDE), Recovered("rebuilt", ASIDE),
            id="corrupt, no copy"),
        row(Opened(created=True, rebuilt_from=ASIDE, foreign_copy=FOREIGN),
            Recovered("rebuilt", ASIDE, foreign=FOREIGN), id="corrupt, another site's copy"),
        row(Opened(created=True, foreign_copy=FOREIGN), Recovered("rebuilt", foreign=FOREIGN),
            id="missing, another site's copy"),
        row(Opened(emptied=True, restored_from=COPY),
            Recovered("restored", None, COPY, empty=True), id="empty (0 bytes), copy"),
        row(Opened(created=True, emptied=True), Recovered("rebuilt", empty=True),
            id="empty (0 bytes), no copy: rebuilt, not new"),
    ],
)  # fmt: skip
def test_recovery_summary(opened: Opened, expected: Recovered | None) -> None:
    assert recovery_summary(opened) == expected


LOST = (
    "; 2 articles lost their guid identity until their feed lists them again (one whose"
    " link changed meanwhile will be archived again)"
)


@pytest.mark.parametrize(
    ("recovered", "adopted", "by_url_only", "run", "recheck"),
    [
        row(None, 3, 0, None, None, id="sound: nothing said"),
        row(Recovered("created"), 0, 0, None, None, id="new, nothing adopted: nothing"),
        row(Recovered("created"), 3, 2,
            f"new state database: adopted 3 existing posts from _posts; they will not be"
            f" archived again{LOST}", None, id="new, posts adopted"),
        row(Recovered("restored", None, COPY), 3, 0,
            "state database was missing; restored from its copy s.sqlite3.backup and 3 posts"
            " written since in _posts",
            "state database was missing; restored from its copy s.sqlite3.backup; posts"
            " written since in _posts are adopted by the next run", id="missing, copy"),
        row(Recovered("restored", ASIDE, COPY), 1, 2,
            "state database was corrupt (moved to s.sqlite3.corrupt); restored from its copy"
            f" s.sqlite3.backup and 1 posts written since in _posts{LOST}",
            "state database was corrupt (moved to s.sqlite3.corrupt); restored from its copy"
            " s.sqlite3.backup; posts written since in _posts are adopted by the next run",
            id="corrupt, copy"),
        row(Recovered("rebuilt", ASIDE), 4, 0,
            "state database was corrupt (moved to s.sqlite3.corrupt) and has no good copy;"
            " rebuilt from 4 posts in _posts",
            "state database was corrupt (moved to s.sqlite3.corrupt) and has no good copy;"
            " the next run rebuilds it from the posts in _posts", id="corrupt, no copy"),
        row(Recovered("rebuilt", foreign=FOREIGN), 2, 0,
            "state database was missing and its copy s.sqlite3.backup belongs to another"
            " site (its restore set aside as s.sqlite3.foreign); rebuilt from 2 posts in"
            " _posts",
            "state database was missing and its copy s.sqlite3.backup belongs to another"
            " site (its restore set aside as s.sqlite3.foreign); the next run rebuilds it"
            " from the posts in _posts", id="missing, another site's copy"),
        row(Recovered("restored", None, COPY, empty=True), 0, 0,
            "state database was empty (0 bytes); restored from its copy s.sqlite3.backup and"
            " 0 posts written since in _posts",
            "state database was empty (0 bytes); restored from its copy s.sqlite3.backup;"
            " posts written since in _posts are adopted by the next run", id="empty, copy"),
        row(Recovered("rebuilt", empty=True), 3, 3,
            "state database was empty (0 bytes) and has no good copy; rebuilt from 3 posts in"
            " _posts; 3 articles lost their guid identity until their feed lists them again"
            " (one whose link changed meanwhile will be archived again)",
            "state database was empty (0 bytes) and has no good copy; the next run rebuilds"
            " it from the posts in _posts", id="empty, no copy"),
    ],
)  # fmt: skip
def test_what_run_and_recheck_say_of_it(
    recovered: Recovered | None,
    adopted: int,
    by_url_only: int,
    run: str | None,
    recheck: str | None,
) -> None:
    assert run_recovered_line(recovered, POSTS, adopted, by_url_only) == run
    assert recheck_recovered_line(recovered, POSTS) == recheck
