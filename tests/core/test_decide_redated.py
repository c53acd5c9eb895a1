"""decide.redated_note, decide.redated_mark, decide.asks_redated: a date the feed
corrects after its article is archived is said once per date, the post not redated
(look16f s31)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from rssarchive.core import decide

POST = "2025-12-07-Year typo story.md"
SAID = "its post 2025-12-07-Year typo story.md is dated 2025-12-07; not redated"


@pytest.mark.parametrize(
    ("published", "post_name", "expected"),
    [
        # A year typo corrected: another day.
        (
            datetime(2026, 12, 7, 8, tzinfo=UTC),
            POST,
            f"its item's date is now 2026-12-07T08:00Z, {SAID}",
        ),
        # A zone fixed that moves it to the day before, in UTC.
        (
            datetime(2025, 12, 7, 6, tzinfo=timezone(timedelta(hours=8))),
            POST,
            "its item's date is now 2025-12-06T22:00Z, its post 2025-12-07-Year typo story.md"
            " is dated 2025-12-07; not redated",
        ),
        # Within the post's day: its name is right, nothing said (no post read).
        (datetime(2025, 12, 7, 23, 59, tzinfo=UTC), POST, None),
        (datetime(2025, 12, 7, 9, tzinfo=timezone(timedelta(hours=8))), POST, None),
        (None, POST, None),
        (datetime(2026, 12, 7, tzinfo=UTC), None, None),
        # A post kept in _posts/YYYY/MM/: dated by its file name, not its folders
        # (look16h H5).
        (datetime(2025, 12, 7, 8, tzinfo=UTC), f"2025/12/{POST}", None),
        (
            datetime(2026, 12, 7, 8, tzinfo=UTC),
            f"2025/12/{POST}",
            "its item's date is now 2026-12-07T08:00Z, its post 2025/12/2025-12-07-Year typo"
            " story.md is dated 2025-12-07; not redated",
        ),
    ],
)
def test_redated_note(
    published: datetime | None, post_name: str | None, expected: str | None
) -> None:
    assert decide.redated_note(published, post_name) == expected


def test_redated_mark_is_per_article_and_date() -> None:
    one = decide.redated_mark(3, datetime(2026, 12, 7, 8, tzinfo=UTC))
    same = decide.redated_mark(3, datetime(2026, 12, 7, 16, tzinfo=timezone(timedelta(hours=8))))
    assert one == same == "redated 3 2026-12-07T08:00"
    assert decide.redated_mark(4, datetime(2026, 12, 7, 8, tzinfo=UTC)) != one
    assert decide.redated_mark(3, datetime(2026, 12, 8, 8, tzinfo=UTC)) != one


@pytest.mark.parametrize(
    ("skipped", "status", "dated", "another", "expected"),
    [
        (True, "done", True, False, True),
        (True, "done", True, True, False),  # another article at its link: said as that
        (True, "done", False, False, False),  # undated: nothing to compare
        (True, "pending", True, False, False),  # pending: its corrected date wins (README)
        (False, "done", True, False, False),  # resumed, not skipped
    ],
)
def test_asks_redated(
    skipped: bool, status: str, dated: bool, another: bool, expected: bool
) -> None:
    assert decide.asks_redated(skipped, status, dated=dated, another=another) is expected


DAY4 = datetime(2026, 12, 4, 6, tzinfo=UTC)
DAY7 = datetime(2026, 12, 7, 9, tzinfo=UTC)


@pytest.mark.parametrize(
    ("first_feed", "first", "feed", "published", "expected"),
    [
        # look16f s25: a "most read" list first, its section feed second.
        (
            "mostread",
            DAY7,
            "section",
            DAY4,
            "dated 2026-12-04T06:00Z here, 2026-12-07T09:00Z by feed 'mostread', which took"
            " it on first (the config's order); its post keeps that date",
        ),
        (
            "section",
            DAY4,
            "mostread",
            DAY7,
            "dated 2026-12-07T09:00Z here, 2026-12-04T06:00Z by feed 'section', which took"
            " it on first (the config's order); its post keeps that date",
        ),
        ("a", DAY7, "b", DAY7.replace(hour=23), None),  # one day: nothing to say
        ("a", DAY7, "a", DAY4, None),  # one feed listing it twice: said as a collapse
        ("a", None, "b", DAY4, None),
        ("a", DAY7, "b", None, None),
    ],
)
def test_two_feeds_dated(
    first_feed: str,
    first: datetime | None,
    feed: str,
    published: datetime | None,
    expected: str | None,
) -> None:
    assert decide.two_feeds_dated(first_feed, first, feed, published) == expected
