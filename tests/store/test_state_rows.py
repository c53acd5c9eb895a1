"""What the state says of failing and waiting articles: values with datetimes
(store/codec.py), which status formats where it prints them (review 18 M8)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from rssarchive.core.decide import ARTICLE_STANDING as STANDING
from rssarchive.core.models import Entry
from rssarchive.run.printing import _backfill_failures
from rssarchive.store.codec import (
    FailingArticle,
    RetriedArticle,
    entry_to_json,
    moment,
    stored_time,
    stored_time_or_none,
)
from rssarchive.store.state import State

NOW = datetime(2024, 7, 24, 1, 45, 53, 725000, tzinfo=UTC)
LATER = NOW + timedelta(minutes=15)


def fill(tmp_path: Path) -> State:
    """A feed's item failing (waiting), a backfill's page waiting after a Retry-After,
    a backfill's page given up, one never tried."""
    state = State.open(tmp_path / "s.sqlite3")
    ids = [
        state.begin(url_key=k, guid_key=None, feed="f", entry=Entry("", f"https://x/{k}", origin=o),
                    now=NOW)
        for k, o in (("item", "feed"), ("page", "url"), ("gone", "url"), ("new", "feed"))
    ]  # fmt: skip
    state.fail(ids[0], "HTTP 500", NOW, status="pending", not_before=LATER)
    state.fail(ids[1], "HTTP 503", NOW, status="pending", not_before=NOW + timedelta(hours=1))
    state.give_up(ids[2], "HTTP 404", NOW)
    return state


def test_failing_retried_and_not_before_are_values_with_datetimes(tmp_path: Path) -> None:
    state = fill(tmp_path)
    assert state.failing_by_feed() == {
        "f": [FailingArticle("https://x/item", "HTTP 500", 1, LATER)]
    }
    assert state.retried() == [
        RetriedArticle("https://x/item", "pending", "HTTP 500", 1, "feed"),
        RetriedArticle("https://x/page", "pending", "HTTP 503", 1, "url"),
        RetriedArticle("https://x/gone", "failed", "HTTP 404", 1, "url"),
    ]
    assert state.not_before() == {
        "https://x/item": LATER,
        "https://x/page": NOW + timedelta(hours=1),
    }


def test_status_prints_the_times_as_the_state_keeps_them(tmp_path: Path) -> None:
    waiting, gave_up = _backfill_failures(fill(tmp_path))
    assert waiting == [
        {
            "url": "https://x/page",
            "reason": "HTTP 503",
            "attempts": 1,
            "max_attempts": 5,
            "not_before": "2024-07-24T02:45:53.725+00:00",
        }
    ]
    assert gave_up == [{"url": "https://x/gone", "reason": "HTTP 404", "attempts": 1}]


def test_a_time_edited_unreadable_by_hand_is_no_time(tmp_path: Path) -> None:
    state = fill(tmp_path)
    state.close()
    with sqlite3.connect(tmp_path / "s.sqlite3") as db:
        db.execute("UPDATE articles SET not_before = 'soon' WHERE url = 'https://x/item'")
    state = State.open(tmp_path / "s.sqlite3")
    assert state.failing_by_feed()["f"][0].not_before is None
    assert "https://x/item" not in state.not_before()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, None),
        ("2024-07-24T02:45:53.725+00:00", datetime(2024, 7, 24, 2, 45, 53, 725000, tzinfo=UTC)),
        ("soon", None),
    ],
)
def test_moment(text: str | None, expected: datetime | None) -> None:
    assert moment(text) == expected


def test_stored_times_are_read_in_one_place(tmp_path: Path) -> None:
    # store/codec is the one reading of a stored time (issue 18): strict where the
    # state must hold one, lenient (moment) where a hand-edited state is only shown.
    assert stored_time("2024-07-24T01:45:53.725+00:00") == NOW
    assert stored_time_or_none(None) is None
    with pytest.raises(ValueError):
        stored_time("soon")
    state = fill(tmp_path)
    state.close()
    with sqlite3.connect(tmp_path / "s.sqlite3") as db:
        db.execute("INSERT INTO recheck_hosts (host, paused_until) VALUES ('a', 'soon')")
        db.execute("INSERT INTO recheck_hosts (host, paused_until) VALUES ('b', ?)",
                   (LATER.isoformat(),))  # fmt: skip
    state = State.open(tmp_path / "s.sqlite3")
    assert state.recheck_pauses() == {"b": LATER}


# Rows of every standing (status, failed attempts, origin, not_before, updated): the
# state's queries must list exactly those decide.ARTICLE_STANDING says, whose parameters
# they take (issue 18: the rule in the decider, the SQL carrying it out).
ROWS = [
    ("pending", 0, "feed", None, NOW),
    ("pending", 1, "feed", LATER, NOW),  # failing, waiting for its back-off
    ("pending", 2, "feed", NOW - timedelta(hours=1), NOW),  # failing, due
    ("pending", 3, "url", None, NOW),  # a backfill's, waiting
    ("pending", 1, "feed", NOW + timedelta(days=2), NOW + timedelta(days=1)),  # clock back
    ("failed", 5, "feed", None, NOW),
    ("failed", 1, "url", None, NOW),
    ("done", 2, "feed", None, NOW),
    ("failed", 2, None, None, NOW),  # no entry recorded (a state from before origins)
]


def test_the_queries_list_what_the_standing_policy_says(tmp_path: Path) -> None:
    State.open(tmp_path / "s.sqlite3").close()
    urls = [f"https://x/{n}" for n in range(len(ROWS))]
    with sqlite3.connect(tmp_path / "s.sqlite3") as db:
        for n, (status, attempts, origin, later, updated) in enumerate(ROWS):
            entry = None if origin is None else entry_to_json(Entry("", urls[n], origin=origin))
            db.execute(
                "INSERT INTO articles (url_key, url, feed, status, entry, attempts, created,"
                " updated, not_before) VALUES (?, ?, 'f', ?, ?, ?, ?, ?, ?)",
                (f"k{n}", urls[n], status, entry, attempts, NOW.isoformat(),
                 updated.isoformat(), later and later.isoformat()),
            )  # fmt: skip
    state = State.open(tmp_path / "s.sqlite3")

    def said(rule: Callable[..., bool]) -> list[str]:
        return [url for url, row in zip(urls, ROWS, strict=True) if rule(*row)]

    assert [item.url for item in state.retried()] == said(lambda s, a, *_: STANDING.retried(s, a))
    failing = said(lambda s, a, o, *_: STANDING.listed_as(s, a, o) == "failing")
    assert [item.url for item in state.failing_by_feed()["f"]] == failing
    assert [item.url for item in state.pending(NOW)] == said(
        lambda s, _a, _o, later, updated: STANDING.due(s, later, updated, NOW)
    )
    assert [url for url, _ in state.failed()] == said(lambda s, *_: s == STANDING.failed)


def test_at_path_reads_past_the_keys_it_skips(tmp_path: Path) -> None:
    # look16d F2: the run's own new rows at a path must not push the archived ones out
    # of the compared window (each new row pushed one out: a cascade).
    state = State.open(tmp_path / "s.sqlite3")
    path = "https://x.example/show.php"
    keys = [f"{path}?id={i}" for i in range(5)]
    for key in keys:
        state.begin(url_key=key, guid_key=None, feed="f", entry=Entry("", key), now=NOW)
    state.begin(url_key="https://x.example/other", guid_key=None, feed="f",
                entry=Entry("", "https://x.example/other"), now=NOW)  # fmt: skip
    assert [row[2] for row in state.at_path("f", path, 2)] == [keys[4], keys[3]]
    skipped = state.at_path("f", path, 2, skip={keys[4], keys[3]})
    assert [row[2] for row in skipped] == [keys[2], keys[1]]
    assert state.at_path("g", path, 2) == []


def test_at_path_reads_the_articles_sharing_more_of_the_items_query_first(
    tmp_path: Path,
) -> None:
    # An item whose stamp is its own (``?_=…&id=1``) is compared with ``id=1``'s
    # article first, however old, not with the newest at the path.
    state = State.open(tmp_path / "s.sqlite3")
    path = "https://x.example/show.php"
    keys = [f"{path}?_=17330000{i:02d}&id={i}" for i in (1, 10, 11, 12)]
    for key in keys:
        state.begin(url_key=key, guid_key=None, feed="f", entry=Entry("", key), now=NOW)
    near = ["_=1733000099", "id=1"]
    assert [row[2] for row in state.at_path("f", path, 2, near=near)] == [keys[0], keys[3]]
    assert [row[2] for row in state.at_path("f", path, 2, near=["id=12"])] == [keys[3], keys[2]]
