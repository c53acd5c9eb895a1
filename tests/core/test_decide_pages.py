"""decide.not_the_article's table (look16c F1): which short page is no article's page,
a failed attempt tried again later."""

from __future__ import annotations

import pytest

from rssarchive.core import decide
from rssarchive.core.models import ContentMode, PageSigns

BOT = PageSigns(bot='"Just a moment"')
LOGIN = PageSigns(login='"Log in" and a login form')
SAYS = PageSigns(says='a "not found" page ("not found")')
PROMPT = PageSigns(prompt='"Subscribe to continue reading"')
BARE = PageSigns(bare='a login prompt ("Log in to read this article.")')


@pytest.mark.parametrize(
    ("signs", "title_shown", "why"),
    [
        pytest.param(None, False, None, id="a longer page: the article"),
        pytest.param(None, True, None, id="a longer page with the item's title"),
        pytest.param(BOT, False, 'a bot wall ("Just a moment")', id="a bot wall"),
        pytest.param(LOGIN, False, "a login wall", id="a login wall"),
        pytest.param(SAYS, False, 'a "not found" page', id="a soft 404"),
        pytest.param(BOT, True, None, id="an article on DDoS shields, its title the item's"),
        pytest.param(LOGIN, True, None, id="a short article under a log-in box"),
        pytest.param(SAYS, True, None, id="an article titled with the words of a 404"),
        pytest.param(PROMPT, False, "a paywall's teaser", id="a teaser"),
        pytest.param(PROMPT, True, "a paywall's teaser", id="a teaser under its headline"),
        pytest.param(BARE, False, "only its headline and a login prompt", id="a bare wall"),
        pytest.param(
            BARE, True, "only its headline and a login prompt", id="a bare wall, its headline"
        ),
        pytest.param(
            PageSigns(bot='"x"', says="a maintenance page"), False, "a bot wall", id="both: one"
        ),
    ],
)
def test_not_the_article(signs: PageSigns | None, title_shown: bool, why: str | None) -> None:
    said = decide.not_the_article(signs, title_shown=title_shown)
    if why is None:
        assert said is None
    else:
        assert said is not None and "its page holds no article" in said and why in said


@pytest.mark.parametrize(
    ("signs", "asks"),
    [(None, False), (BOT, True), (SAYS, True), (PROMPT, False), (BARE, False)],
)
def test_the_title_is_asked_only_of_a_wall_that_it_may_clear(
    signs: PageSigns | None, asks: bool
) -> None:
    assert decide.asks_title_shown(signs) is asks


@pytest.mark.parametrize(
    ("mode", "feed", "page", "held", "keeps"),
    [
        pytest.param("auto", 950, 330, 0.9, True, id="a paywalled page: the feed's whole text"),
        pytest.param("auto", 950, 2000, 0.9, False, id="the page gives more"),
        pytest.param("auto", 950, 700, 0.9, False, id="about as much"),
        pytest.param("auto", 400, 100, 0.9, False, id="a short feed text: a teaser"),
        pytest.param("auto", 950, 330, 0.2, False, id="another text on the page (a wall)"),
        pytest.param("page", 950, 330, 0.9, False, id="content: page"),
    ],
)
def test_keeps_feed_text(mode: str, feed: int, page: int, held: float, keeps: bool) -> None:
    said = decide.keeps_feed_text(mode, feed_chars=feed, page_chars=page, page_in_feed=held)  # type: ignore[arg-type]
    assert said is keeps


# (status of the article, item text, listed twice in the run, kept) -- the last outside
# look: another feed's item skipped as an article this run works on is kept for its text.
@pytest.mark.parametrize(
    ("status", "content", "listed_twice", "kept"),
    [
        (None, "<p>text</p>", True, True),
        ("pending", "<p>text</p>", False, True),
        ("done", "<p>text</p>", False, False),
        ("failed", "<p>text</p>", False, False),  # decide.takes_over_given_up's
        (None, "  ", True, False),
        ("pending", None, False, False),
    ],
)
def test_asks_whole_text(
    status: str | None, content: str | None, listed_twice: bool, kept: bool
) -> None:
    assert decide.asks_whole_text(status, content, listed_twice=listed_twice) is kept


# (the item's feed's mode, its text, the text looks whole, carries the whole article)
@pytest.mark.parametrize(
    ("mode", "content", "substantial", "carries"),
    [
        ("feed", "<p>a summary</p>", False, True),
        ("auto", "<p>whole</p>", True, True),
        ("auto", "<p>a summary</p>", False, False),
        ("page", "<p>whole</p>", True, False),
        ("feed", "", False, False),
        ("auto", None, True, False),
    ],
)
def test_carries_whole_text(
    mode: ContentMode, content: str | None, substantial: bool, carries: bool
) -> None:
    assert decide.carries_whole_text(mode, content, substantial=substantial) is carries


# (the job's feed, the feed carrying the whole text, page failed for good, written from it)
@pytest.mark.parametrize(
    ("own", "other", "for_good", "instead"),
    [
        ("A", "B", True, True),
        ("A", "B", False, False),  # a later attempt may still get the page
        ("A", None, True, False),
        ("A", "A", True, False),
    ],
)
def test_whole_text_instead(own: str, other: str | None, for_good: bool, instead: bool) -> None:
    assert decide.whole_text_instead(own, other, for_good=for_good) is instead
