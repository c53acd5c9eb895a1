"""Which archived article a guid-less item at another query, or a page by its
rel=canonical, is (rssarchive/core/decide/samepage.py), each decision as a table; the
runs that carry these answers out, tests/e2e/test_identity_samepage_e2e.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from rssarchive.core import decide
from rssarchive.core.decide import AtPath, Shown

DAY = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
LATER = DAY + timedelta(hours=1)
PAGE = "https://news.example/a/story-1"


def row(*values: Any, id: str) -> Any:
    return pytest.param(*values, id=id)


@pytest.mark.parametrize(
    ("new", "has_guid", "asks"),
    [
        row(True, False, True, id="new, no guid: compared"),
        row(True, True, False, id="a guid: by_guid's rules"),
        row(False, False, False, id="known by its link"),
    ],
)
def test_asks_same_path(new: bool, has_guid: bool, asks: bool) -> None:
    assert decide.asks_same_path(new=new, has_guid=has_guid) is asks


@pytest.mark.parametrize(
    ("key", "path"),
    [
        row("https://x.example/a/s1?_=17", "https://x.example/a/s1", id="a cache-buster"),
        row("https://x.example/a/s1", "https://x.example/a/s1", id="no query"),
        row("https://x.example/p?a=1&b=2", "https://x.example/p", id="every parameter"),
        row("https://x.example/#!/s/1", "https://x.example/#!/s/1", id="hash-bang kept"),
    ],
)
def test_path_of(key: str, path: str) -> None:
    assert decide.path_of(key) == path


@pytest.mark.parametrize(
    ("key", "pieces"),
    [
        row("https://x.example/p?_=17&id=7", ["_=17", "id=7"], id="each piece"),
        row("https://x.example/p?flag&id=7", ["flag", "id=7"], id="a name alone"),
        row("https://x.example/p", [], id="no query"),
    ],
)
def test_compared_first(key: str, pieces: list[str]) -> None:
    assert decide.compared_first(key) == pieces


UNDATED = Shown("Story 0", None)


@pytest.mark.parametrize(
    ("item", "others", "found"),
    [
        row(
            Shown("Story 0", DAY),
            [AtPath(1, Shown("Story 0", DAY))],
            (1, True),
            id="same title, date",
        ),
        row(
            Shown("story  0", DAY), [AtPath(1, Shown("Story 0", DAY))], (1, True), id="case, spaces"
        ),
        row(UNDATED, [AtPath(1, UNDATED)], (1, False), id="neither dated: the documented limit"),
        row(UNDATED, [AtPath(1, Shown("Story 0", DAY))], None, id="item undated: confirms nothing"),
        row(Shown("Story 0", DAY), [AtPath(1, UNDATED)], None, id="article undated: nothing"),
        row(
            Shown("Story 0", DAY),
            [AtPath(1, Shown("Story 0", DAY, dated=False))],
            None,
            id="post without its date line: unknown, confirms nothing",
        ),
        row(
            UNDATED,
            [AtPath(1, Shown("Story 0", None, dated=False))],
            None,
            id="undated item, post's date unknown",
        ),
        row(Shown("Story 0", DAY), [AtPath(1, Shown("Story 0", LATER))], None, id="other date"),
        row(Shown("Notice 2", DAY), [AtPath(1, Shown("Notice 1", DAY))], None, id="other title"),
        row(Shown(None, DAY), [AtPath(1, Shown(None, DAY))], None, id="untitled: no evidence"),
        row(Shown("", DAY), [AtPath(1, Shown("", DAY))], None, id="empty title"),
        row(Shown("Story 0", DAY), [AtPath(1, None)], None, id="unreadable post"),
        row(Shown("Story 0", DAY), [], None, id="none at the path"),
        row(
            Shown("Story 0", DAY),
            [AtPath(1, Shown("Story 0", DAY), taken=True)],
            None,
            id="taken by another item of the run: two items, two articles",
        ),
        row(
            Shown("Story 0", DAY),
            [AtPath(3, Shown("Story 1", DAY)), AtPath(2, Shown("Story 0", DAY))],
            (2, True),
            id="the one with its title",
        ),
        row(
            Shown("Story 0", DAY),
            [AtPath(3, Shown("Story 0", DAY), taken=True), AtPath(2, Shown("Story 0", DAY))],
            (2, True),
            id="the one not taken",
        ),
    ],
)
def test_same_but_query(item: Shown, others: list[AtPath], found: tuple[int, bool] | None) -> None:
    same = decide.same_but_query(item, others)
    assert (None if same is None else (same.id, same.dated)) == found


@pytest.mark.parametrize(
    ("dated", "compared"),
    [
        row(True, "same title and date", id="both dated"),
        row(False, "same title, neither dated", id="neither dated: not said dated"),
    ],
)
def test_same_path_said(dated: bool, compared: str) -> None:
    said = decide.same_path_said("https://x/a?_=2", "https://x/a?_=1", dated=dated)
    assert said == (
        f"https://x/a?_=2 is taken for the archived https://x/a?_=1 ({compared},"
        " only its query differs); not archived again"
    )


NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
S = "https://x.example/show.php"


@pytest.mark.parametrize(
    ("links", "names"),
    [
        row([f"{S}?id=1&_=1796644801", f"{S}?id=2&_=1796644801"], {"_"}, id="seconds"),
        row([f"{S}?_=1796644801123&id=1", f"{S}?id=2&_=1796644801123"], {"_"}, id="ms, order"),
        row(
            ["https://x.example/a/s1?t=1796644801", "https://x.example/b/s2?t=1796644801"],
            {"t"},
            id="other paths",
        ),
        row([f"{S}?id=1&_=1796644801"], set(), id="one item: nothing seen"),
        row([f"{S}?id=1&_=1796644801", None], set(), id="one usable link"),
        row([f"{S}?id=1&_=1796644801", f"{S}?id=2&_=1796644802"], set(), id="values differ"),
        row([f"{S}?id=1&_=1796644801", f"{S}?id=2"], set(), id="not in every link"),
        row([f"{S}?id=1&lang=en", f"{S}?id=2&lang=en"], set(), id="a word: may select"),
        row([f"{S}?blog=12&id=1", f"{S}?blog=12&id=2"], set(), id="a short number: may select"),
        row([f"{S}?id=1&s=9999999999", f"{S}?id=2&s=9999999999"], set(), id="after the run"),
        row(
            [f"{S}?id=1&Expires=1796648400", f"{S}?id=2&Expires=1796648400"],
            set(),
            id="an hour after the run: an expiry, checked by its server",
        ),
        row(
            [f"{S}?id=1&_=1796645100", f"{S}?id=2&_=1796645100"],
            {"_"},
            id="5 minutes after the run: a server's clock ahead",
        ),
        row([f"{S}?id=1&s=0999999999", f"{S}?id=2&s=0999999999"], set(), id="before 2001"),
        row(
            [f"{S}?id=1&_=1796644801&_=1796644801", f"{S}?id=2&_=1796644801&_=1796644801"],
            set(),
            id="repeated in a link",
        ),
        row(
            [f"{S}?id=1&edition=1796601600", f"{S}?id=2&edition=1796601600"],
            set(),
            id="the edition's midnight, 12 hours before the run: a real parameter (look16e F3)",
        ),
        row(
            [f"{S}?id=1&_=1796643960", f"{S}?id=2&_=1796643960"],
            {"_"},
            id="14 minutes before the run: made when the feed was served",
        ),
        row(
            [f"{S}?id=1&_=1796643840000", f"{S}?id=2&_=1796643840000"],
            set(),
            id="16 minutes before the run, in ms: not this fetch's",
        ),
        row([f"{S}?id=7&_=1796644801", f"{S}?id=7&_=1796644801"], {"_"}, id="one link twice"),
    ],
)
def test_per_fetch_parameters(links: list[str | None], names: set[str]) -> None:
    assert decide.per_fetch_parameters(links, NOW) == frozenset(names)


@pytest.mark.parametrize(
    ("link", "names", "read"),
    [
        row(f"{S}?id=1&_=1796644801", {"_"}, f"{S}?id=1", id="dropped, the rest as written"),
        row(f"{S}?_=1796644801&id=%41", {"_"}, f"{S}?id=%41", id="first, encoding kept"),
        row(f"{S}?_=1796644801", {"_"}, S, id="the only one"),
        row(f"{S}?id=1", frozenset(), f"{S}?id=1", id="none"),
        row(None, {"_"}, None, id="no link"),
    ],
)
def test_without_per_fetch(link: str | None, names: set[str], read: str | None) -> None:
    assert decide.without_per_fetch(link, frozenset(names)) == read


@pytest.mark.parametrize(
    ("page_url", "canonical", "key"),
    [
        row(f"{PAGE}?ref=rss", PAGE, PAGE, id="?ref= names its article"),
        row("https://news.example/amp/a/story-1", PAGE, PAGE, id="AMP path"),
        row("http://www.news.example/a/story-1/index.html", PAGE, PAGE, id="www, http"),
        row("https://m.news.example/a/story-1", PAGE, PAGE, id="mobile host"),
        row("https://amp.news.example/a/story-1", PAGE, PAGE, id="AMP host"),
        row(
            "https://news.example/a/story-1?ref=x",
            f"{PAGE}?utm_source=y",
            PAGE,
            id="normalised",
        ),
        row(PAGE, PAGE, PAGE, id="itself: counted among those that name it"),
        row("https://copy.example/story", PAGE, None, id="another site"),
        row("https://news.example:8443/a", PAGE, None, id="another port"),
        row("https://sub.news.example/a", PAGE, None, id="a name under no public suffix"),
        # The same registrable domain (the public suffix list's): one owner's hosts.
        row(
            "https://edition.cnn.com/2024/a",
            "https://www.cnn.com/2024/a",
            "https://www.cnn.com/2024/a",
            id="another host of the registrable domain",
        ),
        row(
            "https://a.example.co.uk/x",
            "https://b.example.co.uk/x",
            "https://b.example.co.uk/x",
            id="under a two-label suffix",
        ),
        row("https://a.co.uk/x", "https://b.co.uk/x", None, id="two domains under one suffix"),
        row(
            "https://one.github.io/x",
            "https://two.github.io/x",
            None,
            id="two owners under a private suffix",
        ),
        row("https://cnn.com:8443/a", "https://www.cnn.com/b", None, id="the domain, another port"),
        row("https://cnn.com/a", "https://cnn.co.uk/a", None, id="another registrable domain"),
        # The loopback's names are one host (a local server, as the tests run it).
        row(
            "http://localhost:8000/a",
            "http://127.0.0.1:8000/b",
            "https://127.0.0.1:8000/b",
            id="localhost for 127.0.0.1",
        ),
        row("http://[::1]:8000/a", "http://localhost:8000/b", "https://localhost:8000/b", id="::1"),
        row("http://localhost:8000/a", "http://127.0.0.1:8001/b", None, id="loopback, other port"),
        row("http://127.0.0.2/a", "http://127.0.0.1/b", None, id="another address"),
        row(PAGE + "?x=1", "https://news.example/", None, id="the home page"),
        row(PAGE + "?x=1", None, None, id="none"),
        row(PAGE + "?x=1", "javascript:alert(1)", None, id="not http"),
        row(PAGE + "?x=1", "/a/story-1", None, id="relative: resolved by the reader"),
    ],
)
def test_canonical_key(page_url: str, canonical: str | None, key: str | None) -> None:
    assert decide.canonical_key(page_url, canonical) == key


@pytest.mark.parametrize(
    ("other", "crowded", "contradiction", "verdict"),
    [
        row(7, False, None, "same", id="an archived article"),
        row(None, False, None, "write", id="nothing archived there"),
        row(7, True, None, "write", id="shared by other items of the run"),
        row(7, False, "another title", "write", id="contradicted"),
    ],
)
def test_by_canonical(
    other: int | None, crowded: bool, contradiction: str | None, verdict: str
) -> None:
    assert decide.by_canonical(other, crowded=crowded, contradiction=contradiction) == verdict


def test_canonical_said() -> None:
    assert decide.canonical_said("https://x/amp/a", "https://x/a") == (
        "https://x/amp/a: its page names https://x/a as its canonical URL, an article"
        " archived already; not archived again"
    )


def test_named_canonical_said() -> None:
    assert decide.named_canonical_said("https://x/a", "https://x/amp/a") == (
        "https://x/a: the page of the archived https://x/amp/a names this URL as its"
        " canonical one; not archived again"
    )


@pytest.mark.parametrize(
    ("origin", "post_named", "told"),
    [
        row("url", True, "archived already", id="backfill, its post known"),
        row("url", False, "warning", id="backfill, placed this run"),
        row("feed", True, "warning", id="a feed's item"),
    ],
)
def test_canonical_told(origin: str, post_named: bool, told: str) -> None:
    assert decide.canonical_told(origin, post_named=post_named) == told


@pytest.mark.parametrize(
    ("key", "read"),
    [
        row(f"{S}?_=1796644801&id=1", f"{S}?id=1", id="a stamp goes"),
        row(f"{S}?id=1&t=1796644801123", f"{S}?id=1", id="in milliseconds"),
        row(f"{S}?_=1796644801", S, id="the only parameter"),
        row(f"{S}?id=1796644801", S, id="any name: one that looks a stamp"),
        row(f"{S}?id=12&lang=en", f"{S}?id=12&lang=en", id="no stamp: as it is"),
        row(f"{S}?Expires=1796648400&id=1", f"{S}?Expires=1796648400&id=1", id="a time ahead"),
    ],
)
def test_without_stamps(key: str, read: str) -> None:
    assert decide.without_stamps(key, NOW) == read


# -- look16h H1: a guid-less item at a new link of its site ---------------------------------

TEXT = "paragraph 0 of story 1: the council met on tuesday. paragraph 1 of story 1."
OLD_LINK = "https://www.news.example/a/story-1"
NEW_LINK = "https://news.example/a/story-1"


def archived(
    title: str = "Story 1",
    published: datetime | None = DAY,
    plain: str | None = TEXT,
    *,
    url: str = OLD_LINK,
    dated: bool = True,
) -> decide.Candidate:
    return decide.Candidate(
        7,
        url,
        frozenset({url.replace("https://", "")}),
        Shown(title, published, dated=dated, plain=plain),
    )


SAME = Shown("Story 1", DAY, plain=TEXT)


def listing(published: datetime | None) -> decide.Listing:
    """A document listing the archived article's old link for an item dated ``published``."""
    return decide.Listing({"www.news.example/a/story-1": [(None, Shown("Story 1", published))]})


@pytest.mark.parametrize(
    ("item", "link", "candidate", "listed", "found"),
    [
        row(SAME, NEW_LINK, archived(), frozenset(), True, id="www. dropped: the same article"),
        row(SAME, "https://edition.news.co.uk/a/story-1",
            archived(url="https://www.news.co.uk/a/story-1"), frozenset(), True,
            id="another host of one registrable domain"),
        row(Shown("Story 1", DAY, plain=" ".join(TEXT.split(" "))), "https://news.example/b/1",
            archived(), frozenset(), True, id="another path too: the same evidence"),
        row(SAME, "https://other.example/a/story-1", archived(), frozenset(), False,
            id="another site: a syndicated copy, no move"),
        row(Shown("Story 1", DAY, plain=TEXT + " more."), NEW_LINK, archived(), frozenset(),
            False, id="another text: another article"),
        row(Shown("Story 1", DAY + timedelta(seconds=1)), NEW_LINK, archived(), frozenset(),
            False, id="no text on the item: not enough"),
        row(Shown("Story 1", DAY + timedelta(seconds=1), plain=TEXT), NEW_LINK, archived(),
            frozenset(), False, id="another second: another article"),
        row(Shown("Story 2", DAY, plain=TEXT), NEW_LINK, archived(), frozenset(), False,
            id="another title"),
        row(Shown("Story 1", None, plain=TEXT), NEW_LINK, archived(published=None), frozenset(),
            False, id="undated on both sides: not enough"),
        row(SAME, NEW_LINK, archived(dated=False), frozenset(), False,
            id="a post whose date is unknown: not enough"),
        row(SAME, NEW_LINK, archived(plain=None), frozenset(), False, id="a post without text"),
        row(SAME, NEW_LINK, archived(), frozenset({"www.news.example/a/story-1"}), False,
            id="its old link listed beside it: two items, two articles"),
        row(SAME, NEW_LINK, archived(plain="story 1 " + TEXT), frozenset(), True,
            id="a page's post starting with its heading: the same text"),
        row(SAME, NEW_LINK, archived(plain="story 2 " + TEXT), frozenset(), False,
            id="a post starting with another heading: another text"),
        # look16i I8: its old link listed for a later day only (a column's evergreen link).
        row(SAME, NEW_LINK, archived(), listing(DAY + timedelta(days=1)), True,
            id="its old link listed for a later day: a daily column's, the move stands"),
        row(SAME, NEW_LINK, archived(), listing(DAY + timedelta(hours=1)), False,
            id="its old link listed for the same day: two articles"),
        row(SAME, NEW_LINK, archived(), listing(None), False,
            id="its old link listed undated: two articles"),
    ],
)  # fmt: skip
def test_site_moved(
    item: Shown, link: str, candidate: decide.Candidate, listed: frozenset[str], found: bool
) -> None:
    got = decide.site_moved(item, link, [candidate], listed)
    assert (got is candidate) is found
    assert decide.listed_as_another(candidate, listed) is (found and bool(listed))
    if found:
        assert decide.site_moved_said(link, candidate.url) == (
            f"{link} is taken for the archived {candidate.url} (a site migration: the same title, "
            "date and text at a new link of its site); not archived again"
        )


@pytest.mark.parametrize(
    ("url_key", "twin"),
    [
        row("https://site.test/news/x", "https://www.site.test/news/x", id="bare: www."),
        row("https://www.site.test/news/x", "https://site.test/news/x", id="www.: bare"),
        row(
            "https://site.test:8080/a?id=1#!/b",
            "https://www.site.test:8080/a?id=1#!/b",
            id="port, query and fragment kept",
        ),
        row("https://news.site.test/x", "https://www.news.site.test/x", id="a subdomain"),
        row("https://localhost:5000/a", None, id="one label: no twin"),
        row("https://www.com/a", None, id="www. of a one-label name: no twin"),
        row("https://127.0.0.1/a", None, id="an address: no twin"),
        row("https://[::1]/a", None, id="an IPv6 address: no twin"),
        row("https://user@site.test/a", None, id="a user in it: no twin"),
        row("not a url", None, id="no host"),
    ],
)
def test_host_twin(url_key: str, twin: str | None) -> None:
    assert decide.host_twin(url_key) == twin
    if twin is not None:  # one pair: each is the other's twin
        assert decide.host_twin(twin) == url_key


@pytest.mark.parametrize(
    ("marked", "dry_run", "told"),
    [
        row(False, False, (True, True), id="first time: said, marked"),
        row(True, False, (False, False), id="marked: not said again"),
        row(False, True, (True, False), id="dry run: said, nothing recorded"),
        row(True, True, (False, False), id="dry run, marked: not said"),
    ],
)
def test_host_twin_told(marked: bool, dry_run: bool, told: tuple[bool, bool]) -> None:
    assert decide.host_twin_told(marked, dry_run=dry_run) == told
