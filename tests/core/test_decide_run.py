"""The decisions that were written inline in the orchestration (rssarchive/run/,
store/selection.py) until issue 18's review, now the decider's: a feed's selection
settings and what a poll records, a run's failure recorded, when the workers start,
adoption in a dry run, a URL handed to backfill, and an adopted post's image retries.
Each a table: one row per case, its inputs beside the decision expected of them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from rssarchive.core import decide
from rssarchive.core.decide import Polled
from rssarchive.core.errors import (
    LockedError,
    LockFileError,
    NewerStateError,
    RssArchiveError,
    StateError,
    WriteError,
)
from rssarchive.core.models import Entry

DAY = datetime(2024, 7, 2, 8, 0, tzinfo=UTC)
URL = "https://example.com/a"


def row(*values: Any, id: str) -> Any:
    return pytest.param(*values, id=id)


# -- a feed's selection settings (store/selection.py) -------------------------------------


@pytest.mark.parametrize(
    ("applied", "current", "changed"),
    [
        row(None, "max_items=5", False, id="none recorded (an older state): not changed"),
        row("max_items=5", "max_items=5", False, id="the same settings"),
        row("max_items=5", "max_items=10", True, id="the cap raised"),
        row("max_items=10", "max_items=5", True, id="the cap lowered"),
    ],
)
def test_selection_changed(applied: str | None, current: str, changed: bool) -> None:
    assert decide.selection_changed(applied, current) is changed


@pytest.mark.parametrize(
    ("etag", "last_modified", "changed", "sent"),
    [
        row('"v1"', "Mon", False, ('"v1"', "Mon"), id="unchanged: a conditional fetch"),
        row('"v1"', "Mon", True, (None, None), id="changed: unconditional"),
        row(None, None, True, (None, None), id="changed, no validators anyway"),
        row(None, "Mon", False, (None, "Mon"), id="unchanged, Last-Modified only"),
    ],
)
def test_poll_validators(
    etag: str | None, last_modified: str | None, changed: bool, sent: tuple[Any, Any]
) -> None:
    assert decide.poll_validators(etag, last_modified, selection_changed=changed) == sent


@pytest.mark.parametrize(
    ("not_modified", "warning", "changed", "asks", "says"),
    [
        row(True, "cut to 5 items", False, True, True, id="304, kept warning: said again"),
        row(True, "cut to 5 items", True, True, False, id="304, settings changed: not"),
        row(True, None, False, False, False, id="304, no warning: nothing read"),
        row(True, "", False, False, False, id="304, empty warning: nothing read"),
        row(False, "cut to 5 items", False, False, False, id="a document: its own warnings"),
    ],
)
def test_says_kept_warning(
    not_modified: bool, warning: str | None, changed: bool, asks: bool, says: bool
) -> None:
    assert decide.asks_selection_changed(not_modified, warning) is asks
    got = decide.says_kept_warning(not_modified, warning, selection_changed=changed and asks)
    assert got is says


KEPT = Polled('"v1"', "Mon", "cut to 5 items", False)


@pytest.mark.parametrize(
    ("not_modified", "warnings", "expected"),
    [
        row(True, None, Polled('"v1"', "Mon", "cut to 5 items", False),
            id="304: validators and warning kept"),
        row(False, ("a", "b"), Polled('"v2"', "Tue", "a; b", True),
            id="a document: its validators, its warnings, its settings remembered"),
        row(False, (), Polled('"v2"', "Tue", None, True),
            id="a document without warnings: the kept one goes"),
    ],
)  # fmt: skip
def test_feed_polled(not_modified: bool, warnings: Any, expected: Polled) -> None:
    got = decide.feed_polled(
        KEPT, not_modified=not_modified, etag='"v2"', last_modified="Tue", warnings=warnings
    )
    assert got == expected


# -- a run's failure, recorded for status (run/session.py) --------------------------------


@pytest.mark.parametrize(
    ("exc", "recorded"),
    [
        row(LockedError("another run holds it"), False, id="another run's lock: none of ours"),
        row(NewerStateError("newer schema"), False, id="a newer version's state: not"),
        row(StateError("disk I/O error"), True, id="the state cannot be written"),
        row(LockFileError("/site/.lock", "read-only"), True, id="a lock that cannot be made"),
        row(WriteError("disk full"), True, id="a write failed"),
        row(RssArchiveError("other"), True, id="any other error of ours"),
    ],
)
def test_records_run_failure(exc: RssArchiveError, recorded: bool) -> None:
    assert decide.records_run_failure(exc) is recorded


# -- the worker processes (run/working.py, run/backfill.py) -------------------------------


@pytest.mark.parametrize(
    ("backlog", "all_feed_text", "warm"),
    [
        row(False, True, False, id="only feed-text posts: no page to extract yet"),
        row(False, False, True, id="a page to extract"),
        row(True, True, True, id="a backfill's pages waiting"),
        row(True, False, True, id="both"),
    ],
)
def test_warm_workers(backlog: bool, all_feed_text: bool, warm: bool) -> None:
    assert decide.warm_workers(backlog, all_feed_text) is warm


@pytest.mark.parametrize(
    ("recorded", "warm"),
    [
        row(1, False, id="too few yet"),
        row(3, True, id="the article that makes the pool worth it"),
        row(4, False, id="started already"),
    ],
)
def test_warm_workers_now(recorded: int, warm: bool) -> None:
    assert decide.warm_workers_now(recorded, pool_min=3) is warm


# -- adoption, a URL handed to backfill (run/recording.py, recovery.py, backfill.py) -------


@pytest.mark.parametrize(
    ("adoptable", "dry_run", "adopted"),
    [
        row(True, True, True, id="dry run, its post in _posts: a real run adopts it"),
        row(False, True, False, id="dry run, no post: would be written"),
        row(True, False, False, id="a real run adopted it already"),
    ],
)
def test_adopted_instead(adoptable: bool, dry_run: bool, adopted: bool) -> None:
    assert decide.adopted_instead(adoptable, dry_run=dry_run) is adopted


@pytest.mark.parametrize(
    ("status", "shown", "expected"),
    [
        row(None, None, Entry(title="", link=URL, origin="url", listed=DAY),
            id="unknown: its page only"),
        row("pending", None, Entry(title="", link=URL, origin="url", listed=DAY),
            id="pending: its page only, nothing read"),
        row("done", ("Story", DAY), Entry(title="Story", link=URL, origin="url", listed=DAY,
            published=DAY), id="archived before: what its feed showed"),
        row("done", (None, None), Entry(title="", link=URL, origin="url", listed=DAY),
            id="archived before, its feed showed no title"),
        row("done", None, Entry(title="", link=URL, origin="url", listed=DAY),
            id="archived before, nothing seen"),
        row("failed", ("Story", DAY), Entry(title="Story", link=URL, origin="url", listed=DAY,
            published=DAY), id="given up (look16 F3): what its feed showed"),
        row("failed", None, Entry(title="", link=URL, origin="url", listed=DAY),
            id="given up, nothing seen nor recorded: its page only"),
    ],
)  # fmt: skip
def test_url_entry(status: str | None, shown: Any, expected: Entry) -> None:
    asks = decide.asks_feed_shown(status)
    assert asks is (status in ("done", "failed"))
    assert decide.url_entry(URL, DAY, shown if asks else None) == expected


@pytest.mark.parametrize(
    ("status", "seen", "asks"),
    [
        row("failed", False, True, id="given up, no item with a guid: its recorded entry"),
        row("failed", True, False, id="given up, its feed's item seen: that, nothing more"),
        row("done", False, False, id="archived: its row keeps no entry"),
        row("pending", False, False, id="pending: its recorded entry is its job's already"),
        row(None, False, False, id="unknown"),
    ],
)  # fmt: skip
def test_asks_stored_shown(status: str | None, seen: bool, asks: bool) -> None:
    assert decide.asks_stored_shown(status, seen=seen) is asks


@pytest.mark.parametrize(
    ("named", "recorded", "there", "asks", "says"),
    [
        row(True, False, True, True, True, id="named, archived, its post there: said"),
        row(True, False, False, True, False, id="named, its post gone: not"),
        row(True, True, True, False, False, id="recorded for work: nothing read"),
        row(False, False, True, False, False, id="a sitemap's URL: not said"),
    ],
)
def test_says_archived(named: bool, recorded: bool, there: bool, asks: bool, says: bool) -> None:
    assert decide.asks_post_there(named, recorded) is asks
    assert decide.says_archived(named, recorded, there and asks) is says


# -- image retries (run/recovery.py) -------------------------------------------------------


@pytest.mark.parametrize(
    ("images", "remote", "asks", "retried"),
    [
        row("local", 2, True, True, id="images archived, remote ones left: retried"),
        row("local", 0, True, False, id="images archived, none left"),
        row("remote", 2, False, False, id="images kept remote: its post not read"),
    ],
)
def test_adopted_images_retried(images: Any, remote: int, asks: bool, retried: bool) -> None:
    assert decide.asks_adopted_images(images) is asks
    assert decide.adopted_images_retried(images, remote if asks else 0) is retried


@pytest.mark.parametrize(
    ("readable", "remote", "left"),
    [
        row(True, 1, True, id="remote images left: tried"),
        row(True, 0, False, id="none left (edited): done"),
        row(False, 0, False, id="the post cannot be read (deleted): done"),
    ],
)
def test_image_retry_left(readable: bool, remote: int, left: bool) -> None:
    assert decide.image_retry_left(readable, remote) is left


@pytest.mark.parametrize(
    ("failed", "local", "causes", "is_local"),
    [
        row([("a", "HTTP 404"), ("b", "disk full")], {"b"}, ["disk full"], True,
            id="a local cause: said first, alone"),
        row([("a", "HTTP 404"), ("b", "timed out")], set(), ["HTTP 404", "timed out"], False,
            id="no local cause: every one"),
        row([], set(), [], False, id="none failed"),
    ],
)  # fmt: skip
def test_image_retry_causes(
    failed: list[tuple[str, str]], local: set[str], causes: list[str], is_local: bool
) -> None:
    assert decide.image_retry_causes(failed, local) == (causes, is_local)


# (what a confirming fetch of a re-check saw, its 429's Retry-After, says nothing,
# the answer) -- written inline in run/rechecker.py until issue 18.
@pytest.mark.parametrize(
    ("seen", "back_off", "says_nothing", "answer"),
    [
        row("page", None, False, "page", id="a page to compare"),
        row("page", None, True, "wall", id="a page sharing nothing: a wall"),
        row("outage", None, False, "failed", id="a 5xx, a timeout, a bot wall"),
        row("outage", 120.0, False, "paused", id="a 429 with Retry-After"),
        row("gone", None, False, "gone", id="a 404: the check's answer"),
    ],
)
def test_confirm_answer(seen: str, back_off: float | None, says_nothing: bool, answer: str) -> None:
    assert decide.confirm_answer(seen, back_off, says_nothing) == answer


# (what a re-check request saw, its Retry-After, (a failure of its host, its pause)).
@pytest.mark.parametrize(
    ("seen", "back_off", "outcome"),
    [
        row("page", None, (False, None), id="a page"),
        row("not_modified", None, (False, None), id="a 304"),
        row("gone", None, (False, None), id="a 404 is an answer"),
        row("outage", None, (True, None), id="an outage"),
        row("outage", 60.0, (True, 60.0), id="a 429 with Retry-After pauses its host"),
    ],
)
def test_recheck_request(seen: str, back_off: float | None, outcome: tuple[bool, float]) -> None:
    assert decide.recheck_request(seen, back_off) == outcome


def test_a_worker_died_under_is_tried_twice_in_all() -> None:
    assert decide.WORKER_DIED_RETRIES.attempts == 2
    assert decide.WORKER_DIED_RETRIES.gives_up(2) and not decide.WORKER_DIED_RETRIES.gives_up(1)
