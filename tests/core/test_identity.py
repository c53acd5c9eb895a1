"""identity.py: when an item with an archived article's guid but another link is that
article (table tests of the pure rule; the end-to-end cases are test_identity_e2e.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from rssarchive.core.identity import (
    differs,
    near_text,
    post_title_and_date,
    same_by,
    still_same,
    text_key,
    title_key,
)
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
        (("Biden’s – plan", DAY), ("Biden's - plan", DAY), None),  # typography (s36)
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


TEXT = text_key("<p>The whole text.</p>")
OTHER = text_key("<p>Another text.</p>")


@pytest.mark.parametrize(
    ("item", "archived", "why"),
    [
        # (title, date, text) of the item and of what its guid last showed (review16d
        # H8): a date that moved with the title and text kept is an update, not another
        # article; a constant guid and title ("Daily briefing") comes with another text.
        (("Story", DAY + timedelta(days=1), TEXT), ("Story", DAY, TEXT), None),
        (("A  STORY", DAY + timedelta(hours=3), TEXT), ("a story", DAY, TEXT), None),
        (("Story", DAY + timedelta(days=1), OTHER), ("Story", DAY, TEXT), "another date"),
        (("Story", DAY + timedelta(days=1), None), ("Story", DAY, None), "another date"),
        (("Story", DAY + timedelta(days=1), TEXT), ("Story", DAY, None), "another date"),
        (("Other", DAY + timedelta(days=1), TEXT), ("Story", DAY, TEXT), "another date"),
        (("", DAY + timedelta(days=1), TEXT), ("", DAY, TEXT), "another date"),  # untitled
        # the text does not replace the title, nor confirm a date on one side only
        (("Other", DAY, TEXT), ("Story", DAY, TEXT), "another title"),
        (("Story", None, TEXT), ("Story", DAY, TEXT), "a date on one side only"),
    ],
)
def test_differs_by_text_when_the_date_changed(
    item: tuple[str, datetime | None, str | None],
    archived: tuple[str, datetime | None, str | None],
    why: str | None,
) -> None:
    (title, published, text), (title2, published2, text2) = item, archived
    assert differs(title, published, title2, published2, text=text, archived_text=text2) == why


@pytest.mark.parametrize(
    ("item", "archived", "why"),
    [
        # (title, text) of the item and of what a guid recorded as reused last showed:
        # it follows its article only by both (review16d H8).
        (("Story", TEXT), ("Story", TEXT), None),
        (("STORY ", TEXT), ("story", TEXT), None),
        (("Story", OTHER), ("Story", TEXT), "another text"),  # a constant guid and title
        (("Story", None), ("Story", None), "another text"),  # no text confirms nothing
        (("Other", TEXT), ("Story", TEXT), "another title"),  # an edited headline
        (("", TEXT), ("", TEXT), "another title"),  # untitled: not enough
    ],
)
def test_still_same(
    item: tuple[str, str | None], archived: tuple[str, str | None], why: str | None
) -> None:
    assert still_same(item[0], item[1], archived[0], archived[1]) == why


def test_same_by_says_what_was_shared() -> None:
    assert same_by("S", DAY, "S", DAY) == "same guid, title and date"
    assert same_by("S", None, "S", None) == "same guid and title, neither dated"
    assert same_by("", DAY, "x", DAY) == "same guid and date"
    later = DAY + timedelta(days=1)
    assert same_by("S", later, "S", DAY) == "same guid, title and text; its date changed"


def test_text_key() -> None:
    # Markup, links in it (a session id), entities, case and spacing do not count.
    a = text_key('<p>Body <a href="/x;jsessionid=1">of &amp; it</a></p>')
    b = text_key('<div>body  <a href="/x;jsessionid=2">OF &amp; IT</a></div>\n')
    assert a == b == text_key("body of & it") is not None
    assert text_key("<p>body of it</p>") != a
    assert text_key(None) is text_key("") is text_key("<p> </p>") is None


def test_title_key() -> None:
    assert title_key(" Ａ\u2028b\tC ") == "a b c"
    assert title_key(None) == title_key("\x00 ") == ""


@pytest.mark.parametrize(
    ("mine", "theirs"),
    [
        ("Biden’s plan", "Biden's plan"),
        ("Dash – here", "Dash - here"),
        ("Em—dash", "Em-dash"),
        ("“Quoted”", '"Quoted"'),
        ("‘single’", "'single'"),
        ("5′ 3″", "5' 3\""),
        ("Deal\u00a0reached", "Deal reached"),
    ],
)
def test_title_key_folds_typography(mine: str, theirs: str) -> None:
    # What wptexturize or a theme update changes in every title (look16f s36).
    assert title_key(mine) == title_key(theirs)
    assert differs(mine, DAY, theirs, DAY) is None


def test_title_key_keeps_words_apart() -> None:
    assert title_key("Biden's plan") != title_key("Bidens plan")
    assert title_key("A-B") != title_key("A B")


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


_ARTICLE = " ".join(
    f"Sentence {n} of the story, with enough words to be an article." for n in range(8)
)


@pytest.mark.parametrize(
    ("mine", "theirs", "near"),
    [
        ("Story 1: a whole article of the feed's own text.",
         "Story 2: a whole article of the feed's own text.", False),
        (_ARTICLE, _ARTICLE + " The story was originally published in The Times on Medium.", True),
        ("Short text.", "Short   text.\n", True),
        (_ARTICLE, _ARTICLE.replace("Sentence 3", "Line 3"), True),
        (_ARTICLE, "An entirely different article about something else.", False),
    ],
    ids=["a short text another in a word: another's", "a footer added: one article's",
         "spacing aside: one", "an article's worth, nearly whole: one", "another text"],
)  # fmt: skip
def test_near_text(mine: str, theirs: str, near: bool) -> None:
    # look16g F10: one article as two feeds carry it, a footer aside; never two briefs
    # that differ in a word.
    assert near_text(mine, theirs) is near
