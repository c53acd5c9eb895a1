"""The state database: the order of work, adoption, feed health, corruption."""

from __future__ import annotations

import errno
import os
import sqlite3
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from rssarchive.core import decide
from rssarchive.core.decide import ARTICLE_RETRIES
from rssarchive.core.errors import FetchError, StateError
from rssarchive.core.models import Entry
from rssarchive.store.codec import IDS_PER_QUERY, RetriedArticle
from rssarchive.store.schema import SCHEMA_VERSION
from rssarchive.store.state import FeedState, State

NOW = datetime(2024, 7, 24, 1, 45, 53, 725000, tzinfo=UTC)
ENTRY = Entry(
    title="标题",
    link="https://example.org/a.html",
    guid="g-1",
    published=datetime(2024, 7, 23, 17, 32, tzinfo=UTC),
    author="某人",
    content="<p>x</p>",
    image="https://example.org/i.jpg",
)


def test_pending_then_done(tmp_path: Path) -> None:
    state = State.open(tmp_path / "s.sqlite3")
    assert state.created
    aid = state.begin(url_key="k", guid_key="g", feed="f", entry=ENTRY, now=NOW)
    assert state.is_known("k", None) and state.is_known("other", "g")
    (pending,) = state.pending()
    assert pending.entry == ENTRY  # the entry survives a crash, dates and all
    state.finish(aid, "2024-07-24-标题.md", NOW)
    assert state.pending() == []
    assert state.known_filenames() == {"2024-07-24-标题.md"}
    state.close()
    again = State.open(tmp_path / "s.sqlite3")
    assert not again.created
    assert again.is_known("k", None)


def test_failures_stop_after_max_attempts(tmp_path: Path) -> None:
    state = State.open(tmp_path / "s.sqlite3")
    aid = state.begin(url_key="k", guid_key=None, feed="f", entry=ENTRY, now=NOW)

    def fail(now: datetime) -> None:
        # As a run records it: the decider weighs what the state recorded, the state writes.
        attempts, recorded = state.recorded(aid, now)
        failed = decide.article_failed(
            "feed",
            attempts,
            FetchError(str(ENTRY.link), "HTTP 500", status=500),
            now,
            recorded_attempts=attempts,
            recorded=recorded,
        )
        state.fail(aid, "HTTP 500", now, status=failed.status, not_before=failed.not_before)

    for _ in range(ARTICLE_RETRIES.attempts - 1):
        fail(NOW)
    assert len(state.pending()) == 1
    fail(NOW)  # the 5th, but within a day of the first: kept
    assert len(state.pending()) == 1
    fail(NOW + timedelta(days=1))
    assert state.pending() == []
    assert state.failed() == [(ENTRY.link, "HTTP 500")]
    assert state.is_known("k", None)  # never silently re-archived


def test_adopt_marks_pending_done_and_is_idempotent(tmp_path: Path) -> None:
    state = State.open(tmp_path / "s.sqlite3")
    state.begin(url_key="k", guid_key=None, feed="f", entry=ENTRY, now=NOW)
    assert state.adopt(url_key="k", url=str(ENTRY.link), filename="p.md", now=NOW)
    assert state.pending() == []
    assert not state.adopt(url_key="k", url=str(ENTRY.link), filename="p.md", now=NOW)
    assert state.count_done() == 1


def test_feed_state_round_trip(tmp_path: Path) -> None:
    state = State.open(tmp_path / "s.sqlite3")
    assert state.feed("https://x/f", "x") == FeedState(url="https://x/f", name="x")
    saved = FeedState(
        url="https://x/f",
        name="x",
        etag='W/"abc"',
        last_modified="Mon, 01",
        failures=2,
        last_error="HTTP 500",
        gone=True,
        posts=3,
    )
    state.save_feed(saved)
    assert state.feed("https://x/f", "x") == saved
    assert state.feeds() == [saved]


def test_feed_state_times_are_datetimes_kept_as_iso_text(tmp_path: Path) -> None:
    # The pipeline compares and computes with them; the database keeps ISO 8601 text,
    # written as it always was (isoformat()), which status prints as it is.
    path = tmp_path / "s.sqlite3"
    state = State.open(path)
    at = datetime(2025, 1, 1, 2, 0, 0, 123456, tzinfo=UTC)
    saved = FeedState(
        url="https://x/f", name="x", last_success=at, last_error_at=at, next_allowed=at
    )
    state.save_feed(saved)
    assert state.feed("https://x/f", "x") == saved
    state.close()
    with sqlite3.connect(path) as conn:
        row = conn.execute("SELECT last_success, last_error_at, next_allowed FROM feeds").fetchone()
    assert row == ("2025-01-01T02:00:00.123456+00:00",) * 3


def test_corrupt_database_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    state = State.open(path)
    assert state.created
    assert state.rebuilt_from == tmp_path / "s.sqlite3.corrupt"
    assert state.rebuilt_from.read_bytes().startswith(b"this is not")


def test_readonly_missing_is_empty_and_writes_nothing(tmp_path: Path) -> None:
    state = State.open(tmp_path / "none.sqlite3", readonly=True)
    assert not state.is_known("k", None)
    assert not (tmp_path / "none.sqlite3").exists()


def test_unwritable_directory_is_a_state_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StateError, match="cannot create state directory"):
        State.open(blocker / "sub" / "s.sqlite3")


def test_zero_byte_database_counts_as_new(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    path.write_bytes(b"")
    assert State.open(path).created  # so the run warns when it adopts the posts


def test_pending_entries_reads_back_only_pending_rows_past_one_query(tmp_path: Path) -> None:
    state = State.open(tmp_path / "s.sqlite3")
    ids = []
    with state.batch():
        for n in range(IDS_PER_QUERY * 2 + 7):  # three queries' worth
            entry = Entry(title="", link=f"https://example.org/{n}.html")
            ids.append(state.begin(url_key=f"k{n}", guid_key=None, feed="f", entry=entry, now=NOW))
    state.finish(ids[3], "done.md", NOW)  # done since: nothing left to do for it
    found = state.pending_entries([*ids, 999_999])
    assert sorted(found) == sorted(set(ids) - {ids[3]})
    assert found[ids[-1]] == Entry(title="", link=f"https://example.org/{len(ids) - 1}.html")
    state.close()


def test_backfill_entry_fields_survive_and_old_rows_read_back(tmp_path: Path) -> None:
    from rssarchive.store.codec import entry_from_json, entry_to_json

    listed = Entry(
        title="",
        link="https://example.org/b.html",
        origin="url",
        listed=datetime(2023, 2, 10, 8, tzinfo=UTC),
    )
    assert entry_from_json(entry_to_json(listed)) == listed
    # A feed item's JSON is as it always was, so rows of older versions read back.
    assert "origin" not in entry_to_json(ENTRY) and "listed" not in entry_to_json(ENTRY)
    assert entry_from_json(entry_to_json(ENTRY)) == ENTRY


def test_give_up_fails_at_once_and_retried_lists_waiting_and_given_up(tmp_path: Path) -> None:
    state = State.open(tmp_path / "s.sqlite3")
    gone = state.begin(url_key="a", guid_key=None, feed="f", entry=ENTRY, now=NOW)
    busy = state.begin(
        url_key="b", guid_key=None, feed="f", entry=Entry("", "https://x/b", origin="url"), now=NOW
    )
    state.begin(url_key="c", guid_key=None, feed="f", entry=Entry("", "https://x/c"), now=NOW)
    state.give_up(gone, "HTTP 404 Not Found", NOW)
    state.fail(busy, "HTTP 503", NOW, status="pending", not_before=NOW + timedelta(minutes=15))
    assert [p.url for p in state.pending()] == ["https://x/b", "https://x/c"]
    assert state.retried() == [
        RetriedArticle(str(ENTRY.link), "failed", "HTTP 404 Not Found", 1, "feed"),
        RetriedArticle("https://x/b", "pending", "HTTP 503", 1, "url"),
    ]


def test_copy_is_kept_renewed_for_articles_and_not_for_feed_saves_alone(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    state = State.open(path)
    state.begin(url_key="k", guid_key="g", feed="f", entry=ENTRY, now=NOW)
    copy = state.keep_copy()
    assert copy == tmp_path / "s.sqlite3.backup"
    state.close()
    first = copy.stat().st_ino
    state = State.open(path)
    state.save_feed(FeedState(url="u", name="f", etag="e"))  # a 304 poll's bookkeeping
    state.keep_copy()
    assert copy.stat().st_ino == first
    state.image_retry("x.md", "https://example.org/a.html", attempted=False)
    state.keep_copy()
    assert copy.stat().st_ino != first
    state.close()
    # The copy is a complete database of its own: no -wal beside it to lose.
    restored = State.open(copy, readonly=True)
    assert restored.image_retries() == [("x.md", "https://example.org/a.html", 0)]
    assert [p.id for p in restored.pending()] == [1]
    restored.close()
    assert not (tmp_path / "s.sqlite3.backup-wal").exists()


def test_a_folder_that_cannot_be_flushed_does_not_fail_the_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One fsync for the whole package (store/atomicfile, issue 18): a folder the platform
    # cannot flush (EINVAL on some file systems) leaves the renamed copy a copy, as it
    # leaves a post a post; the copy's own data must reach the disk.
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "Invalid argument")
        real_fsync(fd)

    state = State.open(tmp_path / "s.sqlite3")
    state.begin(url_key="k", guid_key="g", feed="f", entry=ENTRY, now=NOW)
    monkeypatch.setattr(os, "fsync", fsync)
    assert state.keep_copy() == tmp_path / "s.sqlite3.backup"

    def failing(fd: int) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "fsync", failing)
    state.image_retry("x.md", "https://example.org/a.html", attempted=False)
    with pytest.raises(StateError, match="cannot keep a copy"):
        state.keep_copy()
    state.close()


def test_memory_state_keeps_no_copy() -> None:
    assert State.memory().keep_copy() is None


def test_bad_copy_is_not_restored(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    (tmp_path / "s.sqlite3.backup").write_bytes(b"not a database" * 100)
    state = State.open(path)  # missing database, unusable copy: a new, empty one
    assert state.created and state.restored_from is None and state.pending() == []
    state.close()


def test_a_database_killed_while_its_tables_were_created_is_made_whole(tmp_path: Path) -> None:
    # What an older rssarchive killed half-way through creating a new database left: the
    # meta and feeds tables, no articles table, no version. It is a new database, not
    # one of schema 1 (whose upgrade would fail on every run: no such table: articles).
    path = tmp_path / "state.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    conn.execute("CREATE TABLE feeds (url TEXT PRIMARY KEY)")
    conn.commit()
    conn.close()
    state = State.open(path)
    try:
        assert state.status_of("http://example.com/a") is None
    finally:
        state.close()
    conn = sqlite3.connect(path)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    version = conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
    conn.close()
    assert {"articles", "rechecks", "image_retries"} <= tables
    assert version == (str(SCHEMA_VERSION),)


def test_a_new_database_is_created_in_one_transaction(tmp_path: Path) -> None:
    # Its tables and its version together or not at all: SQLite's trace shows one
    # BEGIN before the first CREATE and the version written before COMMIT.
    import rssarchive.store.state as state_module

    statements: list[str] = []
    real_connect = state_module._connect

    def traced(path: str) -> sqlite3.Connection:
        conn = real_connect(path)
        conn.set_trace_callback(lambda sql: statements.append(sql.strip()))
        return conn

    state_module._connect = traced  # type: ignore[assignment]
    try:
        State.open(tmp_path / "state.sqlite3").close()
    finally:
        state_module._connect = real_connect  # type: ignore[assignment]
    first_create = next(i for i, s in enumerate(statements) if s.startswith("CREATE"))
    begin = max(i for i, s in enumerate(statements[:first_create]) if s.startswith("BEGIN"))
    ends = [i for i, s in enumerate(statements) if s.rstrip(";") == "COMMIT"]
    commit = next(i for i in ends if i > first_create)
    stamp = next(i for i, s in enumerate(statements) if "'schema'" in s and "INSERT" in s)
    assert begin < first_create < stamp < commit
    assert not any(begin < i < stamp for i in ends)
