"""decide.archived_as_is, decide.as_is_warning: a page judged no article may delay its
article, never lose it (look16e F4, F5)."""

from __future__ import annotations

import pytest

from rssarchive.core import decide


@pytest.mark.parametrize(
    ("not_the_article", "last", "expected"),
    [
        (True, True, True),  # judged no article on the attempt that gives it up: as it is
        (True, False, False),  # a later attempt may still get the article: retried
        (False, True, False),  # a 404, a network error: no page to archive, given up
        (False, False, False),
    ],
)
def test_archived_as_is(not_the_article: bool, last: bool, expected: bool) -> None:
    assert decide.archived_as_is(not_the_article, last=last) is expected


def test_as_is_warning_says_why_and_how_many_attempts() -> None:
    why = "its page holds no article, only a paywall's teaser"
    line = decide.as_is_warning("https://x.test/a", why, 5)
    assert line == (
        "https://x.test/a: its page still looked like only a paywall's teaser after 5"
        " attempts; archived as it is"
    )


def test_as_is_warning_of_a_bot_wall() -> None:
    line = decide.as_is_warning("u", 'its page holds no article: a bot wall ("Just a moment")', 2)
    said = 'u: its page still looked like a bot wall ("Just a moment") after 2 attempts'
    assert line == f"{said}; archived as it is"


def test_as_is_warning_of_a_page_cut_off() -> None:
    line = decide.as_is_warning("u", decide.cut_off(True, b"<html><body><p>a"), 5)
    said = "u: its page ended before its end (the connection closed) after 5 attempts"
    assert line == f"{said}; archived as it is"


CUT = "its page ended before its end (the connection closed)"


@pytest.mark.parametrize(
    ("close_delimited", "html", "expected"),
    [
        # look16f s55: close-delimited, opened and never closed: cut off.
        (True, b"<html><head></head><body><p>River paragraph 7: wat", CUT),
        (True, b"<!doctype html><HTML lang=en><p>half", CUT),
        (True, b"<body class='x'><p>half", CUT),
        # Closed: whole, whichever closing tag is there (a page may omit one).
        (True, b"<html><body><p>all</p></body></html>", None),
        (True, b"<html><body><p>all</p></body>", None),
        (True, b"<html><body><p>all</p></BODY >", None),
        (True, b"<html><body><p>all</p></html>\n", None),
        # look16g F7: </body></html> are optional; a page ending on a closed element
        # or a finished sentence is whole, its end tags omitted.
        (True, b"<html><body><article><p>all.</p></article><footer>(c) G</footer>", None),
        (True, b"<html><body><p>one</p><p>two</p>\n", None),
        (True, b"<html><body><p>It ended here.", None),
        (True, b"<html><body><p>all</p><br>", None),
        # Cut: mid-tag, mid-word, inside a script or a comment, after an opening tag.
        (True, b"<html><body><p>all</p><p cla", CUT),
        (True, b"<html><body><p>all</p><", CUT),
        (True, b"<html><body><p>all</p></artic", CUT),
        (True, b"<html><body><p>Water rates rise by 4 per", CUT),
        (True, b"<html><body><p>all</p><script>var a = 1;", CUT),
        (True, b"<html><body><p>all</p><!-- ad slot", CUT),
        (True, b"<html><body><p>all</p><div class='more'>", CUT),
        # A fragment that never opened either: nothing tells its end.
        (True, b"<p>a fragment</p><p>cut", None),
        (True, b"<htmlish><p>cut", None),
        # Framed (a Content-Length or chunking): its framing says whether it is whole.
        (False, b"<html><body><p>no closing tags", None),
    ],
)
def test_cut_off(close_delimited: bool, html: bytes, expected: str | None) -> None:
    assert decide.cut_off(close_delimited, html) == expected
