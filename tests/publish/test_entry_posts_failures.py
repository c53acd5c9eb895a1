"""Whose fault a failure met while feed_posts makes a post from a feed's text is: the
one rule (decide.failure_of, look18b F6) that the run's pipeline asks too. An OSError
is the run's (it stopped the run in the pipeline, but failed the one item here), a
parse's failure is the item's (it stopped the run here), a surprise is the item's."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from rssarchive.core.errors import ParseError, UnexpectedError
from rssarchive.core.models import Entry, FeedConfig
from rssarchive.publish import entry_posts

FEED = FeedConfig(name="F", url="https://example.com/feed")
ENTRY = Entry(link="https://example.com/a", title="A", content="<p>text</p>")
NOW = datetime(2024, 7, 2, 8, 0, tzinfo=UTC)


def _raising(exc: Exception) -> object:
    def article(*_args: object) -> object:
        raise exc

    return article


def test_an_oserror_is_the_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(entry_posts, "_feed_article", _raising(OSError(28, "No space left")))
    with pytest.raises(OSError):
        entry_posts.feed_posts([(FEED, ENTRY, "feed")], NOW)


def test_a_parse_failure_is_the_items(monkeypatch: pytest.MonkeyPatch) -> None:
    failure = ParseError("unreadable", url=ENTRY.link)
    monkeypatch.setattr(entry_posts, "_feed_article", _raising(failure))
    assert entry_posts.feed_posts([(FEED, ENTRY, "feed")], NOW) == [failure]


def test_a_surprise_is_the_items(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(entry_posts, "_feed_article", _raising(KeyError("x")))
    [post] = entry_posts.feed_posts([(FEED, ENTRY, "feed")], NOW)
    assert isinstance(post, UnexpectedError)
