"""identity.py: when an item with an archived article's guid but another link is that
article (table tests of the pure rule; the end-to-end cases are test_identity_e2e.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from rssarchive.core.identity import differs, post_title_and_date, title_key
from rssarchive.core.models import Entry, FeedConfig
from rssarchive.run.pipeline import render_entry

DAY = datetime(2024, 7, 2, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("item", "archived", "why"),
    [
        # (title, date) of the item and of the archived article
        (("Story", DAY), ("Story", DAY), None),  # moved: same title and date
        (("A  STORY\n", DAY), ("a story", DAY), None),  # case and spacing do not count
        # A date on one side only confirms nothing (a constant guid and title, review16c M7).
        (("Story", None), ("Story", DAY), "a date on one side only"),
        (("Story", DAY), ("Story", None), "a date on one side only"),
        (("Story", None), ("Story", None), None),  # no date on either side: the title
        (("Story", DAY.astimezone(timezone(timedelta(hours=8)))), ("Story", DAY), None),
        (("Story", DAY + timedelta(milliseconds=400)), ("Story", DAY), None),
        (("Other", DAY), ("Story", DAY), "another title"),  # a recycled guid
        (("Story", DAY + timedelta(days=1)), ("Story", DAY), "another date"),  # "Daily ..."
        (("Story", DAY + timedelta(seconds=1)), ("Story", DAY), "another date"),
        (("", DAY), ("https://x.example/1", DAY), None),  # untitled: the date decides
        (("", DAY), ("https://x.example/1", None), "no title or date to tell it by"),
        (("", None), ("https://x.example/1", DAY), "no title or date to tell it by"),
        (("\x01", None), ("", None), "no title or date to tell it by"),
        # A date before 1990 is no date (a zero epoch).
        (("Story", datetime(1970, 1, 1, tzinfo=UTC)), ("Story", DAY), "a date on one side only"),
        (("Story", datetime(1970, 1, 1)), ("Story", None), None),
    ],
)
def test_differs(
    item: tuple[str, datetime | None], archived: tuple[str, datetime | None], why: str | None
) -> None:
    assert differs(*item, *archived) == why


def test_title_key() -> None:
    assert title_key(" Ａ\u2028b\tC ") == "a b c"
    assert title_key(None) == title_key("\x00 ") == ""


def test_post_title_and_date_read_back_what_render_wrote() -> None:
    feed = FeedConfig("News", "https://x.example/feed")
    for title, published in (
        ('He said "no" \\ then:\u2028yes', DAY),
        ("Plain", None),
        ("", datetime(2050, 1, 1, tzinfo=UTC)),  # a future date is kept in the comment
    ):
        entry = Entry(title=title, link="https://x.example/a", published=published)
        post = render_entry(feed, entry, None, DAY)
        expected = title or "https://x.example/a"
        assert post_title_and_date(post.text) == (expected, published)
    assert post_title_and_date("no front matter") == (None, None)
