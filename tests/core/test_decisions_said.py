"""The words a run says of the decider's answers (run/printing.py), each pinned from the
decision's inputs: decide returns values (tests/core/test_decide.py asserts them), output
says them, and the words users see stay these."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from rssarchive.core import decide
from rssarchive.core.errors import FetchError
from rssarchive.run.printing import (
    article_failed_lines,
    date_note_line,
    images_retried_line,
    not_due_line,
)

NOW = datetime(2025, 1, 1, tzinfo=UTC)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
URL = "https://example.com/feed.xml"
LINK = "https://example.com/a"
GAVE_UP = f"{LINK}: gave up after {{}} attempts: HTTP {{}}; not tried again"


def fetch_error(status: int, *, retry_after: float | None = None) -> FetchError:
    return FetchError(LINK, f"HTTP {status}", status=status, retry_after=retry_after)


def row(*values: Any, id: str) -> Any:
    return pytest.param(*values, id=id)


@pytest.mark.parametrize(
    ("gone", "next_allowed", "said"),
    [
        row(False, None, None, id="healthy: polled, nothing said"),
        row(True, None,
            f"{URL}: feed is gone (HTTP 410); remove it from the config or give it a new url",
            id="gone"),
        row(False, NOW + HOUR,
            f"{URL}: not polled until 2025-01-01T01:00:00+00:00 after 3 failures; "
            "last error: HTTP 500",
            id="backing off"),
    ],
)  # fmt: skip
def test_not_due_words(gone: bool, next_allowed: datetime | None, said: str | None) -> None:
    why = decide.not_due(
        gone=gone, next_allowed=next_allowed, failures=3, last_error="HTTP 500", now=NOW
    )
    assert (None if why is None else not_due_line(URL, why)) == said


@pytest.mark.parametrize(
    ("origin", "attempts", "exc", "recorded_attempts", "age", "failed", "warning", "note"),
    [
        row("feed", 0, fetch_error(500), 0, HOUR, "HTTP 500", None, None,
            id="feed item: failed line"),
        row("feed", 4, fetch_error(500), 4, 2 * DAY, "HTTP 500", GAVE_UP.format(5, 500), None,
            id="feed item, last attempt: failed and said given up"),
        row("feed", 0, fetch_error(503, retry_after=3600), 0, HOUR, "HTTP 503", None, None,
            id="feed item, Retry-After: not said in its failed line"),
        row("url", 0, fetch_error(500), 0, HOUR, "HTTP 500; later runs will try again", None,
            None, id="backfill, transient: later runs"),
        row("url", 0, fetch_error(500), 4, 2 * DAY,
            "HTTP 500; gave up after 5 attempts, not tried again", None, None,
            id="backfill handed a URL waiting for a retry, its last attempt: gave up said"),
        row("url", 0, fetch_error(404), 4, 2 * DAY, "HTTP 404", None, None,
            id="backfill, permanent on the last attempt: said as permanent"),
        row("url", 0, fetch_error(503, retry_after=3600), 0, HOUR,
            "HTTP 503; later runs will try again after 2025-01-01T01:00+00:00", None, None,
            id="backfill, Retry-After: said when"),
        row("url", 0, fetch_error(404), 0, HOUR, "HTTP 404", None, None,
            id="backfill, permanent: given up at once"),
        row("archive", 2, fetch_error(500), 2, HOUR, None, None,
            f"{LINK}: attempt 3 of 5 failed: HTTP 500", id="backfill retried by a run: logged"),
        row("archive", 4, fetch_error(500), 4, 2 * DAY, None, GAVE_UP.format(5, 500), None,
            id="backfill, last attempt: warned once"),
        row("archive", 4, fetch_error(500), 4, HOUR, None, None,
            f"{LINK}: attempt 5 of 5 failed: HTTP 500",
            id="backfill, 5th attempt within the day: logged only"),
        row("url", 1, fetch_error(410), 1, HOUR, None, GAVE_UP.format(2, 410), None,
            id="backfill retry, permanent: given up, warned"),
    ],
)  # fmt: skip
def test_article_failed_words(
    origin: Any,
    attempts: int,
    exc: FetchError,
    recorded_attempts: int,
    age: timedelta,
    failed: str | None,
    warning: str | None,
    note: str | None,
) -> None:
    answer = decide.article_failed(
        origin, attempts, exc, NOW, recorded_attempts=recorded_attempts, recorded=NOW - age
    )
    assert article_failed_lines(LINK, answer) == (failed, warning, note)


ENOSPC = "could not store the image (No space left on device)"
LOCAL_AGAIN = (
    "p.md: 2 images still remote (could not store the image (No space left on device)); "
    "retried on the next run (a local write error does not count as an attempt)"
)


@pytest.mark.parametrize(
    ("attempts", "still_remote", "cause", "local", "said"),
    [
        row(0, 0, "", False, None, id="all archived: nothing said"),
        row(0, 2, "HTTP 503", False, None, id="some still remote: again, nothing said"),
        row(4, 2, "", False, "p.md: 2 images still remote after 5 attempts; no more retries",
            id="fifth: given up, said"),
        row(4, 2, "HTTP 404", False,
            "p.md: 2 images still remote after 5 attempts (HTTP 404); no more retries",
            id="fifth: given up, the cause named"),
        row(0, 2, ENOSPC, True, LOCAL_AGAIN, id="disk full: said"),
        row(40, 2, ENOSPC, True, LOCAL_AGAIN, id="disk full for many runs: said each time"),
    ],
)  # fmt: skip
def test_images_retried_words(
    attempts: int, still_remote: int, cause: str, local: bool, said: str | None
) -> None:
    retried = decide.images_retried(attempts, still_remote, local=local)
    assert images_retried_line("p.md", retried, still_remote, cause) == said


@pytest.mark.parametrize(
    ("published", "problem", "origin", "content", "said"),
    [
        (NOW - HOUR, None, "feed", "auto", None),
        (None, None, "feed", "auto", None),
        (None, "its date 'yesterday' cannot be read", "feed", "feed",
         "its date 'yesterday' cannot be read; dated at archiving time"),
        (None, "its date 'yesterday' cannot be read", "feed", "auto",
         "its date 'yesterday' cannot be read; dated by its page, else at archiving time"),
        (NOW + HOUR, None, "feed", "feed",
         "its date 2025-01-01T01:00:00Z is after the run's clock, not believed; dated at"
         " archiving time (its <!--…--> comment keeps the item's date)"),
        (datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC), None, "url", "auto",
         "its date 9999-12-31T23:59:59Z is after the run's clock, not believed; dated"
         " by its page, else at archiving time"),
        (NOW - HOUR, "its date 'x CST': read as US", "feed", "feed",
         "its date 'x CST': read as US"),
    ],
)  # fmt: skip
def test_date_warning_words(
    published: datetime | None, problem: str | None, origin: Any, content: Any, said: str | None
) -> None:
    note = decide.date_warning(published, problem, origin=origin, content=content, now=NOW)
    assert (None if note is None else date_note_line(note)) == said


@pytest.mark.parametrize(
    ("published", "page", "said"),
    [
        (None, None, "its page gives no believable publication date; dated at archiving time"),
        (None, NOW + HOUR,
         "its date 2025-01-01T01:00:00Z is after the run's clock, not believed; dated at"
         " archiving time"),
        (None, NOW - HOUR, None),
    ],
)  # fmt: skip
def test_archiving_date_note_words(
    published: datetime | None, page: datetime | None, said: str | None
) -> None:
    dated = decide.post_date(
        published, "url", page=page, page_dated_by="meta", listed=None, now=NOW
    )
    note = decide.archiving_date_note("url", dated, (published, page, None), NOW, from_page=True)
    assert (None if note is None else date_note_line(note)) == said
