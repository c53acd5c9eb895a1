"""An item's identity as the decider says it (rssarchive/core/decide/identity.py), each
decision as a table: one row per case, its inputs and the decision expected of them.
The comparisons it applies (titles, dates, texts) have their own tables in
test_identity.py; the runs that carry these answers out, test_identity_e2e.py."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from rssarchive.core import decide
from rssarchive.core.decide import ByGuid, LastSeen, NeedsPost, Owner, Shown
from rssarchive.core.identity import TITLE_AND_DAY, text_key, text_plain

DAY = datetime(2024, 7, 2, 8, 0, tzinfo=UTC)
LATER = DAY + timedelta(days=1)
MIDNIGHT = datetime(2024, 7, 2, tzinfo=UTC)  # a date that is a day only
TEXT = text_key("<p>The whole text.</p>")
OTHER_TEXT = text_key("<p>Another text.</p>")
# look16g F10: one story's text, and as a feed carries it with a footer of its own.
BODY = "".join(f"<p>Paragraph {i} of the story, its own words and no others.</p>" for i in range(8))
FOOTER = "<hr><p>Story was originally published in The Pub on Medium, where people are.</p>"


def shown(html: str, published: datetime | None = DAY, **kw: Any) -> Shown:
    """An item's title, date and text, the text at hand as the run has it (text_plain)."""
    return Shown("Story", published, text_key(html), plain=text_plain(html), **kw)


FEED = "news"
LINK = "https://example.com/new"  # the item's link (as normalize_url gives it)
OLD = "https://example.com/old"  # the archived article's
GUID = "guid-1"
SAME = "same guid, title and date"  # what a move on the strongest evidence says


def row(*values: Any, id: str) -> Any:
    return pytest.param(*values, id=id)


# -- a feed document's guids --------------------------------------------------------------


@pytest.mark.parametrize(
    ("guid", "key"),
    [
        row(None, None, id="no guid"),
        row("", None, id="empty"),
        row(" \t\n", None, id="blank"),
        row("  tag:example.com,2024:1 ", "tag:example.com,2024:1", id="text: trimmed"),
        row("ID-7", "ID-7", id="text: case kept"),
        row("http://Example.com/a?utm_source=x", "https://example.com/a", id="URL: normalised"),
        row(" https://example.com/a/ ", "https://example.com/a", id="URL: trimmed, normalised"),
        row("javascript:alert(1)", "javascript:alert(1)", id="not a link we fetch: its text"),
    ],
)
def test_guid_key(guid: str | None, key: str | None) -> None:
    assert decide.guid_key(guid) == key


@pytest.mark.parametrize(
    ("link", "key"),
    [
        row(None, None, id="no link"),
        row("", None, id="empty"),
        row("javascript:alert(1)", None, id="not one we fetch"),
        row("http://Example.com/a#top", "https://example.com/a", id="normalised"),
    ],
)
def test_link_key(link: str | None, key: str | None) -> None:
    assert decide.link_key(link) == key


@pytest.mark.parametrize(
    ("items", "shared"),
    [
        row([], {}, id="no items"),
        row([("g", "https://a.example/1"), ("h", "https://a.example/2")], {}, id="own guids"),
        row(
            [("g", "https://a.example/1"), ("g", "https://a.example/2")],
            {"g": 2},
            id="one guid, two links",
        ),
        row(
            [("g", "https://a.example/1"), ("g", "https://a.example/2"), (" g ", "https://a.example/3")],
            {"g": 3},
            id="three links, the guid as compared",
        ),
        row(
            [("g", "https://a.example/1?utm_source=x"), ("g", "http://a.example/1")],
            {},
            id="links that are one link",
        ),
        row([("g", "https://a.example/1"), ("g", None)], {}, id="an item without a link"),
        row(
            [("g", "https://a.example/1"), ("g", "javascript:x()")],
            {},
            id="an item without a usable link",
        ),
        row(
            [("http://a.example/g", "https://a.example/1"), ("https://a.example/g", "https://a.example/2")],
            {"https://a.example/g": 2},
            id="URL guids compared as URLs",
        ),
        row([(None, "https://a.example/1"), (None, "https://a.example/2")], {}, id="no guids"),
    ],
)  # fmt: skip
def test_shared_guids(items: list[tuple[str | None, str | None]], shared: dict[str, int]) -> None:
    assert decide.shared_guids(items) == shared


@pytest.mark.parametrize(
    ("guids", "roots"),
    [
        row(["https://example.com/"], {"https://example.com/": "https://example.com/"},
            id="home page"),
        row([" http://Example.com "], {"https://example.com/": "http://Example.com"},
            id="as compared, said as written"),
        row(["https://example.com/a"], {}, id="an article's address"),
        row(["https://example.com/?p=1"], {}, id="a query names an article"),
        row(["example.com"], {}, id="text, not a URL"),
        row([None, "", "g"], {}, id="none"),
    ],
)  # fmt: skip
def test_site_root_guids(guids: list[str | None], roots: dict[str, str]) -> None:
    assert decide.site_root_guids(guids) == roots


A1 = "https://a.example/1"


@pytest.mark.parametrize(
    ("items", "collapsed"),
    [
        row([("g", A1, "T"), ("h", "https://a.example/2", "U")], [], id="two links"),
        row([("g", A1, "T"), ("g", A1, "T")], [], id="one item listed twice"),
        row([("g", A1, "T"), ("g", A1, " t ")], [], id="titles as compared"),
        row([("g", A1, "T"), ("h", A1 + "#x", "T")], [(A1, 2)], id="another guid, a fragment"),
        row([(None, A1, "T"), (None, A1 + "?utm_source=x", "U")], [(A1, 2)],
            id="another title, tracking parameters"),
        row([("g", A1 + "#a", "T"), ("h", A1, "T"), ("i", A1, "T")], [(A1 + "#a", 3)],
            id="the link first written, three items"),
        row([("g", "javascript:x()", "T"), ("h", "javascript:x()", "U")], [],
            id="no usable link"),
    ],
)  # fmt: skip
def test_collapsed(
    items: list[tuple[str | None, str | None, str]], collapsed: list[tuple[str, int]]
) -> None:
    assert decide.collapsed(items) == collapsed


# -- which article an item unknown by its link is, by its guid -----------------------------


def owner(
    id: int = 1,
    *,
    feed: str = FEED,
    keys: frozenset[str] = frozenset({OLD}),
    seen: Shown | None = None,
    entry: Shown | None = None,
    has_post: bool = False,
) -> Owner:
    return Owner(id=id, feed=feed, keys=keys, seen=seen, entry=entry, has_post=has_post)


STORY = Shown("Story", DAY, TEXT)
ITEM = STORY  # an item with the archived article's title, date and text


def moved(id: int, why: str, guid: str | None = GUID) -> ByGuid:
    return ByGuid("moved", guid, id, why)


def same(id: int) -> ByGuid:
    """Moved on the strongest evidence: said once for all (move_said)."""
    return ByGuid("moved", GUID, id, SAME, strongest=True)


def across(id: int) -> ByGuid:
    """Another feed's article (decide.across_feeds): said once for all too."""
    why = "the same guid, title and date in another feed"
    return ByGuid("moved", GUID, id, why, strongest=True, across=True)


def reused(id: int, why: str) -> ByGuid:
    return ByGuid("reused", None, id, why)


# Cases: the item, its link's key, the owners of its guid, the links its document
# lists, whether the guid is recorded as reused, what its feed's item last showed, the
# posts (by owner id; None: cannot be read), and the answer.
BY_GUID = [
    row(ITEM, LINK, [], set(), False, None, {}, ByGuid("new", GUID), id="no owner: new"),
    # Identity by guid is per feed; across feeds, a real guid with the same title and
    # date is one article (look16f s03), said once.
    row(ITEM, LINK, [owner(entry=STORY, feed="other")], set(), False, None, {},
        across(1), id="another feed's: same guid, title and date"),
    row(ITEM, LINK, [owner(entry=Shown("Story, part 2", DAY), feed="other")], set(), False,
        None, {}, ByGuid("new", GUID), id="another feed's, another title: new"),
    row(ITEM, LINK, [owner(entry=Shown("Story", LATER, TEXT), feed="other")], set(), False,
        None, {}, ByGuid("new", GUID), id="another feed's, another date: new, whatever the text"),
    row(Shown("Story", DAY, OTHER_TEXT), LINK, [owner(entry=STORY, feed="other")], set(), False,
        None, {}, ByGuid("new", GUID), id="another feed's, another text: new (two editions)"),
    # ... but one text plus a footer, a header or a share line is the same text (F10).
    row(shown(BODY + FOOTER), LINK, [owner(entry=shown(BODY), feed="other")], set(), False,
        None, {}, across(1), id="another feed's, its text plus a footer: one article"),
    row(shown(BODY), LINK, [owner(entry=shown(BODY + FOOTER), feed="other")], set(), False,
        None, {}, across(1), id="another feed's text has the footer: one article"),
    row(shown(FOOTER + BODY), LINK, [owner(entry=shown(BODY), feed="other")], set(), False,
        None, {}, across(1), id="another feed's, a leading paragraph: one article"),
    row(shown(BODY + FOOTER), LINK,
        [owner(seen=Shown("Story", DAY, text_key(BODY)), entry=shown(BODY), feed="other")],
        set(), False, None, {}, across(1), id="seen as a digest: its entry's text"),
    row(shown(BODY + FOOTER), LINK,
        [owner(seen=Shown("Story", DAY, text_key(BODY)), has_post=True, feed="other")], set(),
        False, None, {1: Shown("Story", DAY, plain=text_plain(BODY))}, across(1),
        id="seen as a digest, archived: its post's text"),
    row(shown(BODY + FOOTER), LINK,
        [owner(seen=Shown("Story", DAY, text_key(BODY)), has_post=True, feed="other")], set(),
        False, None, {1: None}, ByGuid("new", GUID), id="its post cannot be read: new"),
    row(shown(BODY + "<p>" + "More words of a longer story. " * 25 + "</p>"), LINK,
        [owner(entry=shown(BODY), feed="other")], set(), False, None, {}, ByGuid("new", GUID),
        id="another feed's, much more text: new"),
    row(shown(BODY.replace("story", "report").replace("own", "new")), LINK,
        [owner(entry=shown(BODY), feed="other")], set(), False, None, {}, ByGuid("new", GUID),
        id="another feed's, other words: new"),
    row(Shown("Story", DAY, text_key(BODY + FOOTER)), LINK,
        [owner(entry=shown(BODY), feed="other")], set(), False, None, {}, ByGuid("new", GUID),
        id="the item's text not at hand: new"),
    row(Shown("Story", None), LINK, [owner(entry=STORY, feed="other")], set(), False, None, {},
        across(1), id="another feed's, dated on one side only"),
    row(Shown("", DAY), LINK, [owner(entry=Shown("", DAY), feed="other")], set(), False, None,
        {}, ByGuid("new", GUID), id="another feed's, untitled: new"),
    row(ITEM, LINK, [owner(entry=STORY, feed="other", keys=frozenset({GUID}))], set(), False,
        None, {}, ByGuid("new", GUID), id="another feed's guid is its link: new"),
    row(ITEM, GUID, [owner(entry=STORY, feed="other")], set(), False, None, {},
        ByGuid("new", GUID), id="this item's guid is its link: new"),
    row(ITEM, LINK, [owner(has_post=True, feed="other")], set(), False, None,
        {1: Shown("Story", DAY)}, across(1), id="another feed's archived: its post"),
    row(ITEM, LINK, [owner(entry=STORY)], set(), False, None, {}, same(1),
        id="same guid, title and date: moved"),
    row(ITEM, LINK, [owner(entry=STORY)], {OLD}, False, None, {},
        reused(1, "still listed at its own link"), id="still listed at its own link"),
    row(ITEM, LINK, [owner(1, entry=Shown("X", LATER)), owner(2, keys=frozenset({"k"}))],
        {"k"}, False, None, {}, reused(2, "still listed at its own link"),
        id="any owner still listed"),
    row(Shown("Edited", DAY), GUID, [owner(entry=STORY)], set(), False, None, {},
        moved(1, "its guid is its link"), id="permalink: an edited title keeps it"),
    row(Shown("Story", LATER), GUID, [owner(entry=STORY)], set(), False, None, {},
        reused(1, "another date"), id="permalink: another date is another article"),
    row(Shown("Story", LATER), GUID, [owner(1, entry=STORY), owner(2, entry=Shown("S", LATER))],
        set(), False, None, {}, reused(1, "another date"),
        id="permalink: only its first owner"),
    row(ITEM, LINK, [owner(1, entry=Shown("Other", DAY)), owner(2, entry=STORY)], set(), False,
        None, {}, same(2), id="the first owner that does not differ"),
    row(ITEM, LINK, [owner(1, entry=Shown("Other", DAY)), owner(2, entry=Shown("Story", None))],
        set(), False, None, {}, reused(1, "another title"),
        id="all differ: the first one's reason"),
    row(Shown("Story", LATER, TEXT), LINK, [owner(entry=STORY)], set(), False, None, {},
        moved(1, "same guid, title and text; its date changed"), id="an update: its date bumped"),
    row(Shown("Story", None), LINK, [owner(entry=Shown("Story", None))], set(), False, None, {},
        moved(1, "same guid and title, neither dated"), id="neither dated"),
    row(Shown("", DAY), LINK, [owner(entry=Shown("", DAY))], set(), False, None, {},
        moved(1, "same guid and date"), id="untitled: the date"),
    # What it is compared with: what the feed's item last showed, its entry, its post.
    row(ITEM, LINK, [owner(seen=STORY, entry=Shown("Other", DAY))], set(), False, None, {},
        same(1), id="what its item last showed, before its entry"),
    row(ITEM, LINK, [owner(seen=Shown("Other", DAY), entry=STORY)], set(), False, None, {},
        reused(1, "another title"), id="its item's last title wins over its entry's"),
    row(ITEM, LINK, [owner(has_post=True)], set(), False, None, {1: Shown("Story", DAY)},
        same(1), id="archived: its post"),
    row(ITEM, LINK, [owner(entry=STORY, has_post=True)], set(), False, None,
        {1: Shown("Other", DAY)}, same(1), id="its entry before its post"),
    row(ITEM, LINK, [owner(has_post=True)], set(), False, None, {1: None},
        reused(1, "its post cannot be read"), id="a post that cannot be read"),
    row(ITEM, LINK, [owner()], set(), False, None, {},
        reused(1, "nothing archived to compare with"), id="nothing to compare with"),
    row(ITEM, LINK, [owner(has_post=True)], set(), False, None,
        {1: Shown("Story", None, dated=False)}, moved(1, "same guid and title, neither dated"),
        id="a post without its <!--ms--> line: the title decides"),
    row(ITEM, LINK, [owner(has_post=True)], set(), False, None, {1: Shown("Story", None)},
        reused(1, "a date on one side only"), id="a post that says it had no date"),
    row(Shown("", DAY), LINK, [owner(has_post=True)], set(), False, None,
        {1: Shown("", None, dated=False)}, reused(1, "no title or date to tell it by"),
        id="a post without its date, untitled: nothing to tell it by"),
    # A guid recorded as reused identifies nothing, but follows its article on strong
    # evidence: the title and text its feed's item last showed.
    row(ITEM, LINK, [owner(entry=STORY)], set(), True, None, {}, ByGuid("new", None),
        id="reused: nothing seen, nothing identified"),
    row(ITEM, LINK, [owner(entry=STORY)], set(), True, LastSeen(1, STORY), {},
        moved(1, "same guid, title and text", None), id="reused: same title and text"),
    row(Shown("Story", LATER, TEXT), LINK, [owner(feed="other")], set(), True,
        LastSeen(1, STORY), {}, moved(1, "same guid, title and text", None),
        id="reused: whatever the date and the owner's feed"),
    row(Shown("Story", DAY, OTHER_TEXT), LINK, [owner(entry=STORY)], set(), True,
        LastSeen(1, STORY), {}, ByGuid("new", None), id="reused: another text"),
    row(Shown("Story", DAY, None), LINK, [owner()], set(), True, LastSeen(1, Shown("Story", DAY)),
        {}, ByGuid("new", None), id="reused: no text to tell it by"),
    row(Shown("Other", DAY, TEXT), LINK, [owner()], set(), True, LastSeen(1, STORY), {},
        ByGuid("new", None), id="reused: another title"),
    row(ITEM, LINK, [owner()], {OLD}, True, LastSeen(1, STORY), {}, ByGuid("new", None),
        id="reused: its article still listed"),
    row(ITEM, LINK, [owner(2)], set(), True, LastSeen(1, STORY), {}, ByGuid("new", None),
        id="reused: its article is gone"),
    # A guid that is the item's title (look 16 F17): another date is another article,
    # even with the same text (a daily column's teaser), reused or not.
    row(Shown(GUID, LATER, TEXT), LINK, [owner(entry=Shown(GUID, DAY, TEXT))], set(), False,
        None, {}, reused(1, "another date"), id="guid is the title: another date, another"),
    row(Shown(GUID, DAY, TEXT), LINK, [owner(entry=Shown(GUID, DAY, TEXT))], set(), False,
        None, {}, same(1), id="guid is the title: the same date, moved"),
    # Its date a day only (or none): the same title that day is no evidence (look 16
    # F17); the same text is (a redirect too: run/moves.py, decide.asks_redirect_evidence).
    row(Shown(GUID, MIDNIGHT, OTHER_TEXT), LINK, [owner(entry=Shown(GUID, MIDNIGHT, TEXT))],
        set(), False, None, {}, reused(1, TITLE_AND_DAY), id="guid is the title, a day: another"),
    row(Shown(GUID, None, OTHER_TEXT), LINK, [owner(entry=Shown(GUID, None, TEXT))],
        set(), False, None, {}, reused(1, TITLE_AND_DAY), id="guid is the title, undated: another"),
    row(Shown(GUID, MIDNIGHT, None), LINK, [owner(entry=Shown(GUID, MIDNIGHT, None))],
        set(), False, None, {}, reused(1, TITLE_AND_DAY), id="guid is the title, a day, no text"),
    row(Shown(GUID, MIDNIGHT, TEXT), LINK, [owner(entry=Shown(GUID, MIDNIGHT, TEXT))], set(),
        False, None, {}, same(1), id="guid is the title, a day, the same text: moved"),
    row(Shown(GUID, LATER, TEXT), LINK, [owner()], set(), True,
        LastSeen(1, Shown(GUID, DAY, TEXT)), {}, ByGuid("new", None),
        id="reused, guid is the title: another date, another"),
    row(Shown(GUID, DAY, TEXT), LINK, [owner()], set(), True,
        LastSeen(1, Shown(GUID, DAY, TEXT)), {}, moved(1, "same guid, title and text", None),
        id="reused, guid is the title: the same date, followed"),
]  # fmt: skip


def decided(
    item: Shown,
    url_key: str,
    owners: list[Owner],
    listed: set[str],
    reused: bool,
    seen: LastSeen | None,
    posts: dict[int, Shown | None],
) -> tuple[ByGuid, tuple[int, int, int]]:
    """by_guid's answer as a run gets it: reading what the asks_* say first, then each
    post it asks for (NeedsPost); with the reads (owners, last_seen, posts) counted."""
    last_seen = seen if decide.asks_last_seen(reused) else None
    asks_owners = decide.asks_owners(reused, last_seen)
    read: dict[int, Shown | None] = {}
    while True:
        got = decide.by_guid(
            item,
            url_key=url_key,
            guid=GUID,
            feed=FEED,
            listed=frozenset(listed),
            reused=reused,
            owners=owners if asks_owners else [],
            last_seen=last_seen,
            posts=read,
        )
        if not isinstance(got, NeedsPost):
            reads = (int(asks_owners), int(decide.asks_last_seen(reused)), len(read))
            return got, reads
        assert got.owner not in read  # each post read once
        read[got.owner] = posts[got.owner]


@pytest.mark.parametrize(
    ("item", "url_key", "owners", "listed", "reused", "seen", "posts", "expected"), BY_GUID
)
def test_by_guid(
    item: Shown,
    url_key: str,
    owners: list[Owner],
    listed: set[str],
    reused: bool,
    seen: LastSeen | None,
    posts: dict[int, Shown | None],
    expected: ByGuid,
) -> None:
    assert decided(item, url_key, owners, listed, reused, seen, posts)[0] == expected


@pytest.mark.parametrize(
    ("reused", "owners", "seen", "reads"),
    [
        # (owners, last_seen, post) read
        row(False, [owner(seen=STORY, has_post=True)], None, (1, 0, 0),
            id="not reused: its owners"),
        row(False, [owner(has_post=True)], None, (1, 0, 1), id="a post: read once"),
        row(True, [owner(entry=STORY)], None, (0, 1, 0),
            id="reused: what its item showed first, nothing then"),
        row(True, [owner(entry=STORY)], LastSeen(1, STORY), (1, 1, 0),
            id="reused, its item seen: its owners then"),
    ],
)  # fmt: skip
def test_by_guid_reads_only_what_it_needs(
    reused: bool, owners: list[Owner], seen: LastSeen | None, reads: tuple[int, int, int]
) -> None:
    # Each is a read of the state or the disk: a run on its hot path reads no more than
    # the rule needs.
    assert decided(ITEM, LINK, owners, set(), reused, seen, {1: STORY})[1] == reads


@pytest.mark.parametrize(
    ("archived", "strongest", "said", "expected", "reads"),
    [
        row(True, True, False, "said once", 1, id="same guid, title and date: said once"),
        row(True, True, True, "logged", 1, id="said before: logged"),
        row(True, False, True, "said", 0, id="weaker evidence: said each time"),
        row(False, True, True, "said", 0, id="not archived yet: said each time"),
    ],
)
def test_move_said(archived: bool, strongest: bool, said: bool, expected: str, reads: int) -> None:
    asks = decide.asks_said_before(archived, strongest)
    assert asks is bool(reads)
    assert decide.move_said(archived, strongest, said and asks) == expected


# -- a guid seen on an item known by its link ----------------------------------------------


@pytest.mark.parametrize(
    ("seen", "others", "attached", "reads"),
    [
        # An article another source archived, named by a feed's item at its link
        # (review16d H4): the item's guid is attached to it unless it names another.
        row(None, False, True, 1, id="the guid names nothing yet: attached"),
        row(7, False, True, 0, id="it names this article already (refreshed)"),
        row(8, False, False, 0, id="it names another article of the feed: that one keeps it"),
        row(None, True, False, 1, id="recorded with another article of the feed (older state)"),
    ],
)
def test_attaches(seen: int | None, others: bool, attached: bool, reads: int) -> None:
    asks = decide.asks_other_owners(seen)
    assert asks is bool(reads)  # the state is read only when it matters
    assert decide.attaches(7, seen, others and asks) is attached


@pytest.mark.parametrize(
    ("seen", "others", "another", "attached", "reads_post"),
    [
        # An item with its own guid and a later day at the archived article's link is
        # another article there (new_at_own_link), refused: its guid names nothing, so
        # its own link, listed later, is a new article (look16h H4, H10).
        row(None, False, True, False, True, id="another article at the link: not attached"),
        row(None, False, False, True, True, id="not another: attached"),
        row(None, True, True, False, False, id="another article of the feed has it: no read"),
        row(7, False, True, True, False, id="it names this article already: no read"),
        row(8, False, True, False, False, id="it names another article: no read"),
    ],
)
def test_attaches_not_the_guid_of_another_article_at_the_link(
    seen: int | None, others: bool, another: bool, attached: bool, reads_post: bool
) -> None:
    others = others and decide.asks_other_owners(seen)
    asks = decide.asks_another_here(seen, others)
    assert asks is reads_post  # the post is read only when it matters
    assert decide.attaches(7, seen, others, another=another and asks) is attached


# -- a page that a redirect took elsewhere --------------------------------------------------


@pytest.mark.parametrize(
    ("link", "page_url", "keys"),
    [
        row(A1, "", [A1], id="no page fetched"),
        row(A1, A1, [A1], id="no redirect"),
        row(A1, "http://a.example/1?utm_source=x", [A1], id="a redirect to the same key"),
        row(A1, "https://a.example/2", [A1, "https://a.example/2"], id="redirected elsewhere"),
        row("http://A.example/1", "https://b.example/x#top", [A1, "https://b.example/x"],
            id="both normalised"),
    ],
)  # fmt: skip
def test_page_keys(link: str, page_url: str, keys: list[str]) -> None:
    assert decide.page_keys(link, page_url) == keys


@pytest.mark.parametrize(
    ("keys", "placed", "archived", "expected", "reads"),
    [
        row(["k"], {}, None, None, 1, id="nothing archived there: written"),
        row(["k"], {}, 7, 7, 1, id="archived by an earlier run"),
        row(["k", "p"], {"p": 5}, 7, 5, 0, id="placed by this run: the state not read"),
        row(["k"], {"k": 1}, None, None, 1, id="placed by itself: no other"),
        row(["k", "p"], {"k": 1, "p": 5}, None, 5, 0, id="its own key, another's page"),
    ],
)
def test_archived_elsewhere(
    keys: Sequence[str],
    placed: dict[str, int],
    archived: int | None,
    expected: int | None,
    reads: int,
) -> None:
    asks = decide.asks_archived_as(1, keys, placed)
    assert asks is bool(reads)
    assert decide.archived_elsewhere(1, keys, placed, archived if asks else None) == expected


# -- a link an archived article moved away from (hands_over, look 16 F5) --------------------

MOVED = decide.MovedTo(FEED, GUID, LINK, LINK)


@pytest.mark.parametrize(
    ("item_guid", "archived_guid", "asks"),
    [
        row("guid-2", GUID, True, id="another guid: where it moved is read"),
        row("guid-2", None, True, id="the article has no guid of its own"),
        row(GUID, GUID, False, id="its own guid: it"),
        row(None, GUID, False, id="no guid: by its link, it"),
    ],
)
def test_asks_moved_to(item_guid: str | None, archived_guid: str | None, asks: bool) -> None:
    assert decide.asks_moved_to(item_guid, archived_guid) is asks


@pytest.mark.parametrize(
    ("link", "item_guid", "feed", "moved", "names_it", "handed"),
    [
        row(OLD, "guid-2", FEED, MOVED, False, True, id="moved away, a new guid at its old link"),
        row(OLD, "guid-2", FEED, None, False, False, id="never moved: the link is still its"),
        row(LINK, "guid-2", FEED, MOVED, False, False, id="at the link it moved to: its"),
        row(OLD, GUID, FEED, MOVED, False, False, id="its own guid: moved back"),
        row(OLD, None, FEED, MOVED, False, False, id="no guid: nothing says it is another"),
        row(OLD, "guid-2", "other", MOVED, False, False, id="another feed's own guid for it"),
        row(OLD, "guid-2", FEED, MOVED, True, False, id="the guid names it already"),
    ],
)
def test_hands_over(
    link: str,
    item_guid: str | None,
    feed: str,
    moved: decide.MovedTo | None,
    names_it: bool,
    handed: bool,
) -> None:
    assert decide.hands_over(link, item_guid, feed, moved, guid_names_it=names_it) is handed


# -- a site migration: every guid and link new (look 16 F18) ---------------------------------


def candidate(id: int, shown: Shown, keys: frozenset[str] = frozenset({OLD})) -> decide.Candidate:
    return decide.Candidate(id, OLD, keys, shown)


# A guid-less item's: its title and date against the archived posts' (look16f s08).
SLUG_POST = Shown("Story", DAY)


@pytest.mark.parametrize(
    ("item", "candidates", "listed", "checked"),
    [
        row(Shown("Story", DAY), [candidate(1, SLUG_POST)], set(), [1],
            id="same title and date: its old link is checked"),
        row(Shown("Story", DAY), [candidate(1, SLUG_POST)], {OLD}, [],
            id="still listed: not moved"),
        row(Shown("Other", DAY), [candidate(1, SLUG_POST)], set(), [], id="another title"),
        row(Shown("Story", LATER), [candidate(1, SLUG_POST)], set(), [],
            id="another date: another article (an alias would be contradicted)"),
        row(Shown("Story", None), [candidate(1, SLUG_POST)], set(), [1],
            id="undated item: the title, and the redirect"),
        row(Shown("Story", LATER), [candidate(1, Shown("Story", None, dated=False))], set(), [1],
            id="a post not saying its date: the title, and the redirect"),
    ],
)  # fmt: skip
def test_slug_checks(
    item: Shown, candidates: list[decide.Candidate], listed: set[str], checked: list[int]
) -> None:
    got = decide.slug_checks(item, candidates, frozenset(listed))
    assert [c.id for c in got] == checked


@pytest.mark.parametrize(
    ("item", "candidates", "listed", "exact", "checked"),
    [
        row(STORY, [candidate(1, STORY)], set(), 1, [], id="the same title, date and text"),
        row(Shown("Story", DAY, OTHER_TEXT), [candidate(1, STORY)], set(), None, [1],
            id="another text: its old link is checked"),
        row(Shown("Story", LATER, TEXT), [candidate(1, STORY)], set(), None, [1],
            id="another date: checked, not taken"),
        row(Shown("Story", DAY, None), [candidate(1, STORY)], set(), None, [1],
            id="no text: checked, not taken"),
        row(Shown("Other", DAY, TEXT), [candidate(1, STORY)], set(), None, [],
            id="another title: nothing fetched"),
        row(STORY, [candidate(1, STORY)], {OLD}, None, [], id="still listed: not migrated"),
        row(STORY, [candidate(2, Shown("Story", LATER, TEXT)), candidate(1, STORY)], set(), 1,
            [], id="the exact one among others"),
    ],
)  # fmt: skip
def test_migration_checks(
    item: Shown,
    candidates: list[decide.Candidate],
    listed: set[str],
    exact: int | None,
    checked: list[int],
) -> None:
    found, checks = decide.migration_checks(item, candidates, frozenset(listed))
    assert (None if found is None else found.id, [c.id for c in checks]) == (exact, checked)


@pytest.mark.parametrize(
    ("final", "statuses", "taken"),
    [
        row(LINK, [301], True, id="a 301 to the item's link"),
        row(LINK, [308, 301], True, id="permanent hops"),
        row(LINK, [302], False, id="a temporary redirect is no evidence"),
        row(LINK, [301, 307], False, id="one temporary hop"),
        row("https://example.com/else", [301], False, id="elsewhere"),
        row(OLD, [], False, id="no redirect: the old page is still there"),
    ],
)  # fmt: skip
def test_migrated_by_redirect(final: str, statuses: list[int], taken: bool) -> None:
    assert decide.migrated_by_redirect(LINK, OLD, final, statuses) is taken


@pytest.mark.parametrize(
    ("kind", "guid", "asks"),
    [
        row("new", GUID, True, id="a guid no article of its feed has"),
        row("new", None, False, id="a reused guid: no guid to go by"),
        row("moved", GUID, False, id="its guid tells"),
        row("reused", None, False, id="another article has it"),
    ],
)  # fmt: skip
def test_asks_migration(kind: str, guid: str | None, asks: bool) -> None:
    assert decide.asks_migration(kind, guid) is asks


@pytest.mark.parametrize(
    ("kind", "why", "expected"),
    [
        row("reused", TITLE_AND_DAY, True, id="only a title and a day: a redirect may tell"),
        row("reused", "another date", False, id="another date: another article"),
        row("moved", SAME, False, id="moved already"),
        row("new", "", False, id="new"),
    ],
)
def test_asks_redirect_evidence(kind: str, why: str, expected: bool) -> None:
    assert decide.asks_redirect_evidence(kind, why) is expected


def test_moved_mark_is_one_per_article() -> None:
    # One mark for a move by guid, a site migration and a guid-less one (look16h H1):
    # whichever finds the article first, the others say it no more.
    assert decide.moved_mark(7) == "moved 7"
    assert decide.moved_mark(7) != decide.moved_mark(8)


@pytest.mark.parametrize(
    ("marked", "link", "said"),
    [
        pytest.param(None, "s/a/2", False, id="never said"),
        pytest.param("s/a/2", "s/a/2", True, id="said for this link"),
        pytest.param("s/show?id=1&sid=a", "s/show?id=1&sid=b", True, id="a session id: said"),
        # look16i I1: another item taken for the same article is a loss if wrong.
        pytest.param("s/a/2", "s/a/3", False, id="another link: said again"),
        pytest.param("1", "s/a/3", True, id="an earlier version's mark: said"),
    ],
)
def test_moved_said_for(marked: str | None, link: str, said: bool) -> None:
    assert decide.moved_said_for(marked, link) is said
