"""Tables for core/decide/evidence.py: what a fetch tells of an identity the feed alone
cannot settle (look16c F8, F11)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from rssarchive.core import decide
from rssarchive.core.identity import (
    DATE_CHANGED,
    NEITHER_DATED,
    SAME_BY,
    SAME_TEXT,
    TITLE_AND_DAY,
)

OLD, NEW, ELSE = "http://s/briefing/1", "http://s/briefing/2", "http://s/"


@pytest.mark.parametrize(
    ("kind", "why", "archived", "asks"),
    [
        pytest.param("moved", DATE_CHANGED, True, True, id="its date changed: a daily column?"),
        pytest.param("moved", NEITHER_DATED, True, True, id="neither dated"),
        pytest.param("moved", SAME_TEXT, True, True, id="a retired guid's same title and text"),
        pytest.param("moved", SAME_BY, True, False, id="same guid, title and date: no fetch"),
        pytest.param("moved", "its guid is its link", True, False, id="a permalink: no fetch"),
        pytest.param("moved", DATE_CHANGED, False, False, id="not archived: no page of its own"),
        pytest.param("reused", TITLE_AND_DAY, True, False, id="no move to check"),
        pytest.param("new", "", True, False, id="new"),
    ],
)
def test_asks_old_link(kind: str, why: str, archived: bool, asks: bool) -> None:
    assert decide.asks_old_link(kind, why, archived=archived) is asks


WALL = 'its page holds no article: a "not found" page ("Page not found")'
WALLED = f"{DATE_CHANGED}; its old link answers 200 but {WALL}"


@pytest.mark.parametrize(
    ("final", "same_page", "no_article", "rests_on"),
    [
        pytest.param(None, None, None, DATE_CHANGED, id="no 200 (404, an error): not its page"),
        pytest.param(NEW, None, None, "its old link redirects here", id="it redirects here"),
        pytest.param(ELSE, None, None, DATE_CHANGED, id="it redirects elsewhere: not its page"),
        pytest.param(OLD, False, None, None, id="200 at its own URL, another page: another"),
        pytest.param(OLD, True, None, DATE_CHANGED, id="200 at its own URL, the item's page: one"),
        pytest.param(OLD, None, None, None, id="200 at its own URL, the item's page unread"),
        pytest.param(OLD, None, WALL, WALLED,
                     id="200 at its own URL, a 'not found' page or a wall: a move (look16e F10)"),
        pytest.param(ELSE, None, WALL, DATE_CHANGED, id="a wall elsewhere: no longer its page"),
        pytest.param(NEW, None, WALL, "its old link redirects here", id="a redirect here first"),
    ],
)  # fmt: skip
def test_old_link_moved(
    final: str | None, same_page: bool | None, no_article: str | None, rests_on: str | None
) -> None:
    got = decide.old_link_moved(
        NEW, OLD, final, same_page=same_page, why=DATE_CHANGED, no_article=no_article
    )
    assert got == rests_on


@pytest.mark.parametrize(
    ("final", "asks"),
    [(OLD, True), (NEW, False), (ELSE, False), (None, False)],
    ids=["its own URL", "the item's", "elsewhere", "no 200"],
)
def test_asks_old_page(final: str | None, asks: bool) -> None:
    assert decide.asks_old_page(OLD, final) is asks


@pytest.mark.parametrize(
    ("final", "no_article", "asks"),
    [(OLD, None, True), (OLD, WALL, False), (NEW, None, False), (ELSE, None, False),
     (None, None, False)],
    ids=["its own URL", "its own URL, no article there: no fetch", "the item's", "elsewhere",
         "no 200"],
)  # fmt: skip
def test_asks_new_page(final: str | None, no_article: str | None, asks: bool) -> None:
    assert decide.asks_new_page(OLD, final, no_article=no_article) is asks


@pytest.mark.parametrize(
    ("mine", "theirs", "same"),
    [("a", "a", True), ("a", "b", False), (None, None, False), ("a", None, False)],
    ids=["one text", "two texts", "neither read", "one read"],
)
def test_same_pages(mine: str | None, theirs: str | None, same: bool) -> None:
    assert decide.same_pages(mine, theirs) is same


# -- F11: a temporary redirect's landing on an archived article ------------------------------

DAY = datetime(2024, 7, 1, 10, tzinfo=UTC)
LATER = datetime(2024, 7, 2, 10, tzinfo=UTC)
THEIRS = decide.Shown("Story one", DAY, "text-a")


@pytest.mark.parametrize(
    ("other", "how", "asks"),
    [(7, "temporary", True), (7, "permanent", False), (None, "temporary", False)],
    ids=["temporary, to an archived article", "permanent", "to no article"],
)
def test_asks_landing_evidence(other: int | None, how: str, asks: bool) -> None:
    assert decide.asks_landing_evidence(other, how) is asks


@pytest.mark.parametrize(
    ("item", "page", "theirs", "shares"),
    [
        pytest.param(
            decide.Shown("Story one", DAY),
            decide.Shown("Story one", DAY, "other text"),
            THEIRS,
            "the same title and date",
            id="an aggregator's item: same title and date",
        ),
        pytest.param(
            decide.Shown("", None),
            decide.Shown("Story one", LATER, "text-a"),
            THEIRS,
            "the same title and text",
            id="a backfilled URL: the page's title and text",
        ),
        pytest.param(
            decide.Shown("STORY  one", None),
            decide.Shown("Story one", None, "text-a"),
            THEIRS,
            "the same title and text",
            id="titles compared as titles are",
        ),
        pytest.param(
            decide.Shown("Story two", DAY),
            decide.Shown("Story two", DAY, "text-a"),
            THEIRS,
            None,
            id="another title: a login or a live story's page, no evidence",
        ),
        pytest.param(
            decide.Shown("Story two", DAY),
            decide.Shown("Story one", DAY, "text-a"),
            THEIRS,
            None,
            id="the item's title is another, though the page's is the same",
        ),
        pytest.param(
            decide.Shown("Story one", LATER),
            decide.Shown("Story one", LATER, "text-a"),
            THEIRS,
            "the same title and text",
            id="the item's date is another, its page the post's text: a tracker re-listing it",
        ),
        pytest.param(
            decide.Shown("Story one", LATER),
            decide.Shown("Story one", LATER, "text-b"),
            THEIRS,
            None,
            id="the item's date is another and the page's text too: no evidence",
        ),
        pytest.param(
            decide.Shown("", None),
            decide.Shown("Story one", LATER, "text-b"),
            THEIRS,
            None,
            id="only the title: no evidence",
        ),
        pytest.param(
            decide.Shown("Story one", DAY),
            decide.Shown("Story one", DAY, "text-a"),
            None,
            None,
            id="its post unread",
        ),
        pytest.param(
            decide.Shown("Story one", DAY),
            decide.Shown("Story one", DAY, "text-a"),
            decide.Shown("Story one", None, "text-b", dated=False),
            None,
            id="a post without its date: the text must tell, and does not",
        ),
    ],
)
def test_landing_shares(
    item: decide.Shown, page: decide.Shown, theirs: decide.Shown | None, shares: str | None
) -> None:
    assert decide.landing_shares(item, page, theirs) == shares


@pytest.mark.parametrize(
    ("origin", "said"),
    [("url", "archived already"), ("feed", "warning"), ("archive", "warning")],
)
def test_landing_said(origin: str, said: str) -> None:
    assert decide.landing_said(origin) == said


@pytest.mark.parametrize(
    ("same", "kind"), [("the same title and date", "same"), (None, "retry")], ids=str
)
def test_landed_after_a_temporary_redirect_takes_the_evidence(same: str | None, kind: str) -> None:
    landing = decide.landed(
        how="temporary",
        page_url="http://s/news/1",
        home=False,
        crowded=False,
        other=7,
        contradiction=None,
        same=same,
    )
    assert (landing.kind, landing.other) == (kind, 7)


# -- fixF: a redirect that ends on a page showing another article ------------------------

D1 = datetime(2024, 7, 1, 8, tzinfo=UTC)
D1_DAY = datetime(2024, 7, 1, tzinfo=UTC)
D1_LATER = datetime(2024, 7, 1, 11, tzinfo=UTC)
D3 = datetime(2024, 7, 3, 8, tzinfo=UTC)


@pytest.mark.parametrize(
    ("item", "page", "heading", "shows"),
    [
        pytest.param(
            decide.Shown("Story X", D1),
            decide.Shown("Story Y", None),
            None,
            "another title",
            id="another title, the page undated",
        ),
        pytest.param(
            decide.Shown("Story X", D1),
            decide.Shown("Story Y", D3),
            None,
            "another title and date",
            id="another title and date",
        ),
        pytest.param(
            decide.Shown("Story X", D1),
            decide.Shown("A headline rewritten", D1),
            None,
            None,
            id="another title, the same time: a headline edited",
        ),
        pytest.param(
            decide.Shown("Story X", D1),
            decide.Shown("Story Y", D1_LATER),
            None,
            "another title and date",
            id="another story of the same day: a live link sent to it",
        ),
        pytest.param(
            decide.Shown("Story X", D1),
            decide.Shown("Story Y", D1_DAY),
            None,
            "another title",
            id="a page dated by its day only (its URL's): the item's day, no other date",
        ),
        pytest.param(
            decide.Shown("Story X", D1),
            decide.Shown("Story Y", datetime(2024, 6, 28, tzinfo=UTC)),
            None,
            "another title and date",
            id="a page dated by its day only, another day",
        ),
        pytest.param(
            decide.Shown("Quake hits", D1),
            decide.Shown("Quake hits | The Site", None),
            None,
            None,
            id="its title under a site's name",
        ),
        pytest.param(
            decide.Shown("BREAKING: Rates rise", None),
            decide.Shown("Rates rise", None),
            None,
            None,
            id="the item's title carries the page's",
        ),
        pytest.param(
            decide.Shown("Rates rise", None),
            decide.Shown("The Site", None),
            "Rates rise",
            None,
            id="its heading shows the item's title",
        ),
        pytest.param(
            decide.Shown("", D1),
            decide.Shown("Story Y", None),
            None,
            None,
            id="an untitled item: nothing to compare",
        ),
        pytest.param(
            decide.Shown("Story X", D1),
            decide.Shown(None, None),
            None,
            None,
            id="a page that shows no title",
        ),
    ],
)
def test_page_shows_another(
    item: decide.Shown, page: decide.Shown, heading: str | None, shows: str | None
) -> None:
    assert decide.page_shows_another(item, page, heading) == shows


WRITE = decide.Landing("write")


@pytest.mark.parametrize(
    ("landing", "how", "shows", "kind"),
    [
        pytest.param(WRITE, "temporary", "another title", "retry", id="a tracker to another"),
        pytest.param(WRITE, "permanent", "another title", "retry", id="a 301 to another"),
        pytest.param(WRITE, "temporary", None, "write", id="a tracker to its story"),
        pytest.param(WRITE, "none", "another title", "write", id="no redirect: its own page"),
        pytest.param(
            decide.Landing("same", 7, "x"),
            "temporary",
            "another title",
            "same",
            id="taken for an article on other evidence: as it was",
        ),
    ],
)
def test_landed_shown(landing: decide.Landing, how: str, shows: str | None, kind: str) -> None:
    landed = decide.landed_shown(landing, how, "http://s/p/y", shows)
    assert landed.kind == kind
    if kind == "retry":
        assert landed.why == (
            f"a {how} redirect took its page to http://s/p/y, which shows another article"
            f" ({shows}); not archived as that page"
        )


@pytest.mark.parametrize(
    ("landing", "how", "shows", "why"),
    [
        pytest.param(
            WRITE,
            "temporary",
            "another title",
            "a temporary redirect took its page to http://s/p/y, which shows another"
            " article (another title); archived as that page, its last attempt",
            id="the attempt that would give it up: written, said",
        ),
        pytest.param(WRITE, "temporary", None, "", id="its own page: written, nothing said"),
        pytest.param(WRITE, "none", "another title", "", id="no redirect: nothing said"),
    ],
)
def test_landed_shown_on_the_last_attempt(
    landing: decide.Landing, how: str, shows: str | None, why: str
) -> None:
    # A judgement may delay an article, never lose it.
    landed = decide.landed_shown(landing, how, "http://s/p/y", shows, last=True)
    assert (landed.kind, landed.why) == ("write", why)


@pytest.mark.parametrize(
    ("last", "archived_as", "kind"),
    [
        pytest.param(True, "http://s/story/7", "retry",
                     id="its text another item's post: a landing page, no article's (s52)"),
        pytest.param(True, None, "write", id="no post of its text: written, said"),
        pytest.param(False, "http://s/story/7", "retry", id="not the last attempt: retried"),
    ],
)  # fmt: skip
def test_landed_shown_a_landing_page_archived_already(
    last: bool, archived_as: str | None, kind: str
) -> None:
    landed = decide.landed_shown(
        WRITE, "temporary", "http://s/p/y", "another title", last=last, archived_as=archived_as
    )
    assert landed.kind == kind
    assert ("another item's post" in landed.why) is (last and archived_as is not None)
    assert decide.landed_text("ab12") == "landed text ab12"


# -- F7: items that share a link, each with its own permalink ------------------------------

S = "http://s/notices"
P1, P2 = "http://s/notices/1", "https://s/notices/2"


@pytest.mark.parametrize(
    ("items", "links"),
    [
        pytest.param([(P1, S), (P2, S)], {0: P1, 1: P2}, id="a section page: each its permalink"),
        pytest.param([(f" {P1} ", S), (P2, S)], {0: P1, 1: P2}, id="guids trimmed"),
        pytest.param([(P1, S), (P1, S), (P2, S)], {0: P1, 1: P1, 2: P2}, id="one listed twice"),
        pytest.param([(S, S), (P2, S)], {0: S, 1: P2}, id="one is the page's own item"),
        pytest.param([(P1, S)], {}, id="one item: its link stays"),
        pytest.param([(P1, S), (P1, S)], {}, id="one article listed twice: one permalink"),
        pytest.param([("r-1", S), ("r-2", S)], {}, id="a changelog: guids no addresses"),
        pytest.param([(P1, S), ("r-2", S)], {}, id="one guid no address: one article as before"),
        pytest.param([(P1, S), (None, S)], {}, id="one without a guid"),
        pytest.param([(f"{S}#u1", S), (f"{S}#u2", S)], {}, id="a live page's updates: one page"),
        pytest.param([("javascript:x", S), (P2, S)], {}, id="a guid that is no link we fetch"),
        pytest.param([(P1, S), (P2, "http://s/other")], {}, id="links not shared"),
        pytest.param(
            [(None, S), (None, S), (None, S)],
            {},
            id="guids marked isPermaLink=false (given as None): one article, look16e F11",
        ),
        pytest.param([(P1, S), (None, S)], {}, id="one marked no permalink: one article"),
    ],
)
def test_permalinked(items: list[tuple[str | None, str | None]], links: dict[int, str]) -> None:
    assert decide.permalinked(items) == links


# -- look16e (fixI): a permalink guid that answers 404 or 410 ------------------------------


@pytest.mark.parametrize(
    ("items", "no_pages", "links"),
    [
        pytest.param([(P1, S), (P2, S)], set(), {0: P1, 1: P2}, id="none known: as before"),
        pytest.param(
            [(P1, S), (P2, S)], {decide.guid_key(P1)}, {1: P2}, id="one no page: at its link"
        ),
        pytest.param(
            [(P1, S), (P2, S)],
            {decide.guid_key(P1), decide.guid_key(P2)},
            {},
            id="both no pages: one article at their link",
        ),
        pytest.param(
            [(P1, S), (P2, "http://s/other")],
            {decide.guid_key(P1)},
            {},
            id="links not shared: nothing to fall back on",
        ),
    ],
)
def test_permalinked_leaves_guids_found_no_pages_at_their_link(
    items: list[tuple[str | None, str | None]], no_pages: set[str], links: dict[int, str]
) -> None:
    assert decide.permalinked(items, no_pages) == links


@pytest.mark.parametrize(
    ("failure", "shared_link", "taken", "last", "asks", "answer"),
    [
        pytest.param("gone", S, False, True, True, "fetched there", id="404/410: at its link"),
        pytest.param("gone", S, True, True, True, "taken", id="an article there: taken for it"),
        # look16g F11: a 404 before the last attempt is a failed one, retried at the guid
        # (a page not on its CDN yet).
        pytest.param("gone", S, False, False, False, None, id="404, not the last: retried"),
        pytest.param("gone", S, True, False, False, None, id="404, an article there: retried"),
        pytest.param("other", S, False, True, False, None, id="transient: retried at its guid"),
        pytest.param("not extracted", S, False, True, False, None, id="no article: as before"),
        pytest.param("gone", None, False, True, False, None, id="its own link: gone as any"),
        pytest.param("gone", "javascript:x", False, True, False, None, id="no link we fetch"),
    ],
)
def test_on_its_link(
    failure: decide.Failure,
    shared_link: str | None,
    taken: bool,
    last: bool,
    asks: bool,
    answer: str | None,
) -> None:
    assert decide.asks_link_taken(failure, shared_link, last=last) is asks
    assert decide.on_its_link(failure, shared_link, taken=taken, last=last) == answer


@pytest.mark.parametrize(
    ("guids", "fetched", "said"),
    [
        pytest.param(
            [P1, P2],
            True,
            f"2 items listed at {S} give guids that answer HTTP 404 Not Found (ids, not their"
            " pages); archived as one article at that link",
            id="several, fetched there",
        ),
        pytest.param(
            [P1],
            True,
            f"an item listed at {S} gives a guid that answers HTTP 404 Not Found ({P1}: an id,"
            " not its page); archived at that link",
            id="one, fetched there",
        ),
        pytest.param(
            [P1],
            False,
            f"an item listed at {S} gives a guid that answers HTTP 404 Not Found ({P1}: an id,"
            " not its page); taken for the article at that link, not archived again",
            id="one, taken for the article there",
        ),
    ],
)
def test_no_page_warning(guids: list[str], fetched: bool, said: str) -> None:
    assert decide.no_page_warning(S, guids, "HTTP 404 Not Found", fetched=fetched) == said


# -- look16g F5, F8: notices at one link, guids marked no permalinks, each its own text ----

N = "https://x.example/notices"
G1, G2, G3 = (f"https://x.example/ids/notice-{n}" for n in (1, 2, 3))


@pytest.mark.parametrize(
    ("items", "found"),
    [
        pytest.param(
            [(G1, N, "Notice one."), (G2, N, "Notice two.")],
            {0: G1, 1: G2},
            id="each its own guid and text: each at its guid",
        ),
        pytest.param(
            [(G1, N, "Notice one."), (G2, N, ""), (G3, N, None)],
            {0: G1},
            id="no text of their own: at the link, one article there",
        ),
        pytest.param(
            [(G1, N, "Same."), (G2, N, " Same. "), (G3, N, "Other.")],
            {2: G3},
            id="one text for two: those at the link",
        ),
        pytest.param([(G1, N, "One."), (G1, N, "Two.")], {}, id="one guid for two: at the link"),
        pytest.param(
            [(None, N, "One."), (None, N, "Two.")],
            {},
            id="no marked guid (a permalink's or none): not this rule",
        ),
        pytest.param(
            [("notice-1", N, "One."), ("notice-2", N, "Two.")],
            {},
            id="no URL guids: not yet",
        ),
        pytest.param([(G1, N, "One.")], {}, id="a link not shared"),
        pytest.param(
            [(G1, N, "One."), (G2, "https://x.example/other", "Two.")], {}, id="two links"
        ),
    ],
)
def test_own_texts(items: list[tuple[str | None, str | None, str | None]], found: dict) -> None:
    assert decide.own_texts(items) == found


@pytest.mark.parametrize(
    ("guid", "link", "no_address", "own"),
    [
        (G1, G1, True, True),
        (G1, G1, False, False),  # a permalink: its page is fetched
        (G1, N, True, False),  # at its link: as its content mode says
        (None, N, True, False),
    ],
)
def test_from_own_text(guid: str | None, link: str, no_address: bool, own: bool) -> None:
    assert decide.from_own_text(guid, link, no_address=no_address) is own


# -- look16g F4: a tracker to the item's own page under its SEO headline -------------------

TEASER = (
    "The city council approved a two billion dollar budget early on Tuesday after a"
    " session that ran through the night. Read more"
)
PAGE_TEXT = (
    "City council approves $2bn budget after marathon overnight session\n"
    "The city council approved a two billion dollar budget early on Tuesday after a session"
    " that ran through the night. Members argued over transit cuts until dawn."
)


@pytest.mark.parametrize(
    ("teaser", "text", "shares"),
    [
        pytest.param(TEASER, PAGE_TEXT, True, id="the feed's teaser on the page"),
        pytest.param("Teaser. Read more", PAGE_TEXT, False, id="a teaser too short to tell"),
        pytest.param(
            "Storm Bert brought gales of 90 mph to the coast overnight, cutting power to"
            " thousands of homes.",
            PAGE_TEXT,
            False,
            id="another story's teaser",
        ),
        pytest.param(None, PAGE_TEXT, False, id="no feed text"),
    ],
)
def test_shares_teaser(teaser: str | None, text: str, shares: bool) -> None:
    assert decide.shares_teaser(teaser, text) is shares


def test_a_page_holding_the_item_s_teaser_shows_no_other_article() -> None:
    item = decide.Shown("Budget passes", D1)
    page = decide.Shown("City council approves $2bn budget after marathon session", D1_LATER)
    assert decide.page_shows_another(item, page, None) == "another title and date"
    assert decide.page_shows_another(item, page, None, shares_teaser=True) is None
