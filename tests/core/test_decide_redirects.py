"""Whether a redirect says which article a page is, and whether an article is still
listed at its own link (look 16 F1, F2, F5), as the decider says it
(rssarchive/core/decide/identity.py): one row per case. The runs that carry these
answers out: tests/e2e/test_identity_redirects_e2e.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from rssarchive.core import decide
from rssarchive.core.decide import ByGuid, Landing, Owner, Shown

DAY = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
LATER = DAY + timedelta(days=33)
A, B, HOME = "https://example.com/a", "https://example.com/b", "https://example.com/"
PAGE = "https://example.com/maintenance"


def row(*values: Any, id: str) -> Any:
    return pytest.param(*values, id=id)


@pytest.mark.parametrize(
    ("link", "page", "statuses", "how"),
    [
        row(B, B, [], "none", id="no redirect"),
        row(B, B, [301], "none", id="a redirect back to the same URL key"),
        row(B, A, [301], "permanent", id="301"),
        row(B, A, [308, 301], "permanent", id="308 then 301"),
        row(B, A, [302], "temporary", id="302"),
        row(B, A, [303], "temporary", id="303"),
        row(B, A, [307], "temporary", id="307"),
        row(B, A, [301, 302], "temporary", id="one temporary hop among permanent ones"),
        row(B, A, [], "temporary", id="elsewhere, hops unknown: no evidence"),
    ],
)
def test_redirected(link: str, page: str, statuses: list[int], how: str) -> None:
    assert decide.redirected(link, page, statuses, feed_text=False) == how


@pytest.mark.parametrize(
    ("landings", "crowded"),
    [
        row([], set(), id="none"),
        row([(PAGE, "gb", "B")], set(), id="one item"),
        row([(PAGE, "gb", "B"), (PAGE, "gc", "C")], {PAGE}, id="two items, one page"),
        row([(PAGE, None, "B"), (PAGE, None, "C")], {PAGE}, id="no guids: by title"),
        row([(PAGE, "g", "B"), (PAGE, "g", " b ")], set(), id="one item twice (title as compared)"),
        row([(PAGE, "gb", "B"), (A, "gc", "C")], set(), id="two pages"),
        row([(PAGE, "g1", "B"), (PAGE, "g2", "B")], set(),
            id="one title, two guids: one article listed twice"),
        row([(PAGE, "g1", ""), (PAGE, "g2", "")], {PAGE}, id="untitled: by guid"),
    ],
)  # fmt: skip
def test_crowded(landings: list[tuple[str, str | None, str]], crowded: set[str]) -> None:
    assert decide.crowded(landings) == crowded


STORY = Shown("Article A", DAY)


@pytest.mark.parametrize(
    ("guid", "item", "other_guid", "other", "why"),
    [
        row("ga", STORY, "ga", STORY, None, id="the same"),
        row("gb", STORY, "ga", STORY, "another guid", id="another guid"),
        row(None, STORY, "ga", STORY, None, id="a guid on one side only"),
        row(None, Shown("Article B", DAY), None, STORY, "another title", id="another title"),
        row(None, Shown("ARTICLE  a", DAY), None, STORY, None, id="title as compared"),
        row(None, Shown("", DAY), None, STORY, None, id="untitled: no title to contradict"),
        row(None, Shown("Article A", LATER), None, STORY, "another date", id="another date"),
        row(None, Shown("Article A", None), None, STORY, None, id="undated: nothing against"),
        row(None, Shown("Article A", LATER), None, Shown("Article A", None, dated=False), None,
            id="a post that does not say its date"),
        row(None, STORY, None, None, None, id="nothing to compare with: the redirect decides"),
    ],
)  # fmt: skip
def test_redirect_contradicts(
    guid: str | None, item: Shown, other_guid: str | None, other: Shown | None, why: str | None
) -> None:
    assert decide.redirect_contradicts(guid, item, other_guid, other) == why


HOME_WHY = f"its page redirects to the site's home page ({HOME})"
CROWD_WHY = (
    f"other items were sent to the same page ({PAGE}) by a temporary redirect:"
    " a maintenance, login or consent page, not this article's"
)
TEMP_WHY = (
    f"a temporary redirect took its page to {PAGE}, another article archived already;"
    " no evidence it is that article"
)


@pytest.mark.parametrize(
    ("how", "page", "home", "crowded", "other", "contradiction", "expected"),
    [
        row("none", B, False, False, None, None, Landing("write"), id="its own page"),
        row("permanent", PAGE, False, False, None, None, Landing("write"), id="moved: written"),
        row("temporary", PAGE, False, False, None, None, Landing("write"),
            id="one item's temporary redirect (a tracking hop): written"),
        row("temporary", HOME, True, False, None, None, Landing("retry", why=HOME_WHY),
            id="to the home page: no article's page"),
        row("permanent", HOME, True, False, 7, None, Landing("retry", why=HOME_WHY),
            id="to the home page, even permanently, even archived"),
        row("none", HOME, True, False, None, None, Landing("write"),
            id="the home page itself, listed: written"),
        row("temporary", PAGE, False, True, None, None, Landing("retry", why=CROWD_WHY),
            id="several items sent to one page: none of theirs"),
        row("permanent", PAGE, False, True, None, None, Landing("write"),
            id="crowding counts temporary redirects only"),
        row("temporary", PAGE, False, False, 7, None, Landing("retry", 7, TEMP_WHY),
            id="a temporary redirect to an archived article: no evidence"),
        row("permanent", PAGE, False, False, 7, None, Landing("same", 7),
            id="a permanent redirect to an archived article, nothing against: it"),
        row("permanent", PAGE, False, False, 7, "another guid",
            Landing("retry", 7,
                    f"its page is {PAGE}, an article archived already, but another guid"),
            id="a permanent redirect, contradicted: not it"),
        row("none", B, False, False, 7, None, Landing("same", 7),
            id="its own URL archived already: that article"),
    ],
)  # fmt: skip
def test_landed(
    how: decide.Redirected,
    page: str,
    home: bool,
    crowded: bool,
    other: int | None,
    contradiction: str | None,
    expected: Landing,
) -> None:
    got = decide.landed(
        how=how,
        page_url=page,
        home=home,
        crowded=crowded,
        other=other,
        contradiction=contradiction,
    )
    assert got == expected


@pytest.mark.parametrize(
    ("other", "how", "asks"),
    [
        row(None, "permanent", False, id="no other article"),
        row(7, "temporary", False, id="a temporary redirect: no evidence to weigh"),
        row(7, "none", False, id="no redirect"),
        row(7, "permanent", True, id="a permanent redirect to another article"),
    ],
)
def test_asks_other_shown(other: int | None, how: decide.Redirected, asks: bool) -> None:
    assert decide.asks_other_shown(other, how) is asks


def test_a_listing_is_the_links_with_what_each_item_shows() -> None:
    listing = decide.Listing({A: [("gc", STORY)]})
    assert listing == frozenset({A}) and listing.items == {A: [("gc", STORY)]}


# -- still listed at its own link (by_guid, look 16 F5) -------------------------------------

ARCHIVED = Owner(id=1, feed="f", keys=frozenset({A}), seen=STORY, entry=None, has_post=True)
MOVED = ByGuid("moved", "ga", 1, "same guid, title and date", strongest=True)
STILL = ByGuid("reused", None, 1, "still listed at its own link")


@pytest.mark.parametrize(
    ("at_a", "expected"),
    [
        row(None, STILL, id="what is at its link not known: still it"),
        row([("gc", Shown("Article C", LATER))], MOVED,
            id="another guid, title and date at its link: a new article took its address"),
        row([("gc", Shown("Article C", DAY))], STILL,
            id="another guid and title, the same date: not plainly another"),
        row([("gc", Shown("Article C", None))], STILL,
            id="another guid and title, undated: guids and titles by position?"),
        row([("gc", Shown("Article A", LATER))], MOVED,
            id="another guid and date, same title: a daily column's new day (fixH)"),
        row([("gc", Shown("Article A", DAY))], STILL,
            id="another guid, same title and date: not plainly another, still it"),
        row([(None, Shown("Article C", LATER))], MOVED, id="no guid, another title and date"),
        row([(None, Shown("Article A", None))], STILL, id="no guid, same title: still it"),
        row([("gc", Shown("Article C", LATER)), (None, Shown("Article A", DAY))], STILL,
            id="one of the items at its link is still it"),
    ],
)  # fmt: skip
def test_still_listed_at_its_own_link(
    at_a: list[tuple[str | None, Shown]] | None, expected: ByGuid
) -> None:
    got = decide.by_guid(
        STORY,
        url_key="https://example.com/a-new",
        guid="ga",
        feed="f",
        listed=frozenset({A}),
        reused=False,
        owners=[ARCHIVED],
        last_seen=None,
        posts={},
        at_links=None if at_a is None else {A: at_a},
    )
    assert got == expected
