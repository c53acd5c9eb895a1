"""decide.alias_contradicted and its questions (look16d F1): a link known only as an
alias of an archived article is that article only when nothing contradicts it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from rssarchive.core import decide
from rssarchive.core.decide import Shown

D7 = datetime(2026, 12, 7, 10, tzinfo=UTC)
D8 = datetime(2026, 12, 8, 10, tzinfo=UTC)
STORM = Shown("Storm hits coast", D7)


LISTED_TOO = "the archived article is listed at its own link too"

ALIAS_ROWS = [
    # The same title on the same date, or undated: that article (an AMP copy).
    (None, Shown("Storm hits coast", D7), None, STORM, None),
    (None, Shown("STORM  hits coast", None), "g-a", STORM, None),
    (None, Shown("Storm hits coast", None), None, Shown("Storm hits coast", None), None),
    # The same title on another date: a recurring title, another article (look16e F2).
    (None, Shown("Storm hits coast", D8), None, STORM, "the same title on another date"),
    (
        None,
        Shown("Storm hits coast", D8),
        None,
        Shown("Storm hits coast", D7, dated=False),
        None,
    ),
    # Another title and date: another article (X1, the 301 alias).
    ("g-b", Shown("Mayor resigns", D8), "g-a", STORM, "another title and date"),
    (None, Shown("Mayor resigns", D8), None, STORM, "another title and date"),
    # Another title, a date on one side only or none: another article (X2).
    (None, Shown("Mayor resigns", None), None, STORM, "another title"),
    (None, Shown("Mayor resigns", None), None, Shown("Storm", None), "another title"),
    # A post that does not say its date: its date is unknown, the title decides.
    (None, Shown("Mayor resigns", D7), None, Shown("Storm", D7, dated=False), "another title"),
    # Another title on the same date: a headline edited, the same article, whatever
    # its guid (a move by guid, a site migration: the alias is listed under new ones).
    (None, Shown("Storm hits the coast", D7), None, STORM, None),
    ("g-b", Shown("Storm hits the coast", D7), "g-a", STORM, None),
    ("g-b", Shown("Storm hits coast", D7), "g-a", STORM, None),
    ("g-b", Shown("Storm hits coast", D8), "g-a", STORM, "the same title on another date"),
    # The same guid: that article, whatever its title.
    ("g-a", Shown("Mayor resigns", D8), "g-a", STORM, None),
    # No title on a side: the guids tell; none on a side: nothing contradicts.
    ("g-b", Shown(None, D8), "g-a", STORM, "another guid"),
    ("g-b", Shown("Mayor resigns", D8), "g-a", Shown(None, D7), "another guid"),
    (None, Shown(None, D8), "g-a", STORM, None),
    ("g-b", Shown(None, None), None, STORM, None),
    # Its post cannot be read: nothing to tell it by, the alias stands.
    ("g-b", Shown("Mayor resigns", D8), "g-a", None, None),
]
# The article still listed at its own link in the same document (``own_listed``).
LISTED_ROWS = [
    # The article still listed at its own link: the item is another (look16e F2),
    # undated however alike they are, or on another date.
    (None, Shown("Storm hits coast", None), None, Shown("Storm hits coast", None), LISTED_TOO),
    (None, Shown("Storm hits coast", D8), None, STORM, LISTED_TOO),
    (None, Shown("Storm hits coast", D7), None, None, LISTED_TOO),
    (
        None,
        Shown("Storm hits coast", D7),
        None,
        Shown("Storm hits coast", D7, dated=False),
        LISTED_TOO,
    ),
    # Dated alike: one story under two links (a tracker and the story it led to, an AMP
    # copy beside its article), as if not listed.
    (None, Shown("Storm hits coast", D7), None, STORM, None),
    ("g-b", Shown("Storm hits the coast", D7), "g-a", STORM, None),
    ("g-b", Shown("Mayor resigns", D7), "g-a", STORM, None),
    # Unless it has the article's guid: that article.
    ("g-a", Shown("Storm hits coast", D7), "g-a", STORM, None),
]


@pytest.mark.parametrize(
    ("item_guid", "item", "archived_guid", "archived", "expected", "own_listed"),
    [(*row, False) for row in ALIAS_ROWS] + [(*row, True) for row in LISTED_ROWS],
)
def test_alias_contradicted(
    item_guid: str | None,
    item: Shown,
    archived_guid: str | None,
    archived: Shown | None,
    expected: str | None,
    own_listed: bool,
) -> None:
    got = decide.alias_contradicted(item_guid, item, archived_guid, archived, own_listed=own_listed)
    assert got == expected


@pytest.mark.parametrize(
    ("known", "status", "aliased", "expected"),
    [
        ("skipped", "done", True, True),
        ("skipped", "done", False, False),  # its own link: no more read
        ("skipped", "pending", True, False),
        ("resumed", "pending", True, False),
        ("new", None, False, False),
        ("by guid", None, False, False),
    ],
)
def test_asks_alias_of(known: str, status: str | None, aliased: bool, expected: bool) -> None:
    assert decide.asks_alias_of(known, status, aliased=aliased) is expected


# -- F9: a page several items' temporary redirects shared ------------------------------------

P, Q = "http://s/story/a", "http://s/maintenance"


@pytest.mark.parametrize(
    ("landings", "headlines", "owners"),
    [
        pytest.param(
            [(P, "t2", "BREAKING: Storm hits coast"), (P, "t1", "Storm hits coast")],
            ["Storm hits coast", "Storm hits coast"],
            {P: 1},
            id="the page shows one item's title: that item's",
        ),
        pytest.param(
            [(P, "t2", "BREAKING: Storm"), (P, "t1", "STORM")],
            ["storm", "storm"],
            {P: 1},
            id="titles compared as titles are",
        ),
        pytest.param(
            [(Q, "a", "Storm hits coast"), (Q, "b", "Mayor resigns")],
            ["Down for maintenance", "Down for maintenance"],
            {},
            id="a maintenance page shows none of theirs",
        ),
        pytest.param(
            [(Q, "a", "Storm"), (Q, "b", "Mayor"), (P, "c", "Storm")],
            ["Log in", "Log in", "Storm"],
            {P: 2},
            id="each page by its own",
        ),
        pytest.param(
            [(P, "a", "Storm"), (P, "b", "Storm"), (P, "c", "Other")],
            ["Storm", "Storm", "Storm"],
            {P: 0},
            id="one title listed twice: its first item",
        ),
        pytest.param(
            [(P, "a", "Storm"), (P, "b", "Mayor")],
            [None, None],
            {},
            id="no headline: none",
        ),
    ],
)
def test_crowd_owners(
    landings: list[tuple[str, str | None, str]],
    headlines: list[str | None],
    owners: dict[str, int],
) -> None:
    assert decide.crowd_owners(landings, headlines) == owners


QUAKE = Shown("Quake hits coast", datetime(2026, 12, 1, 5, tzinfo=UTC))
FERRY = Shown("Ferry strike ends", datetime(2026, 12, 1, 6, tzinfo=UTC))


@pytest.mark.parametrize(
    ("item_guid", "item", "owner_guid", "owner", "expected"),
    [
        # Another guid, title and date: a tracker misrouted for a while (look16e F8).
        ("g2", FERRY, "g1", QUAKE, True),
        # A headline of the same story ("BREAKING: …") is no other title (look16d F9).
        ("t2", Shown("BREAKING: Quake hits coast", FERRY.published), "t1", QUAKE, False),
        ("t2", Shown("Quake hits coast: live", FERRY.published), "t1", QUAKE, False),
        # The same date, or one missing: not all three say so.
        ("g2", Shown("Ferry strike ends", QUAKE.published), "g1", QUAKE, False),
        ("g2", Shown("Ferry strike ends", None), "g1", QUAKE, False),
        # No guid on a side, or the same: not all three.
        (None, FERRY, "g1", QUAKE, False),
        ("g2", FERRY, None, QUAKE, False),
        ("g1", FERRY, "g1", QUAKE, False),
        # No title on a side.
        ("g2", Shown(None, FERRY.published), "g1", QUAKE, False),
    ],
)
def test_crowd_contradicted(
    item_guid: str | None, item: Shown, owner_guid: str | None, owner: Shown, expected: bool
) -> None:
    assert decide.crowd_contradicted(item_guid, item, owner_guid, owner) is expected


@pytest.mark.parametrize(("reused_before", "expected"), [(False, "said"), (True, "logged")])
def test_reuse_said(reused_before: bool, expected: str) -> None:
    """A guid found reused is said once (look16e F15), then identifies nothing unsaid."""
    assert decide.reuse_said(reused_before=reused_before) == expected


def test_judged_alias_and_crowd_said() -> None:
    assert decide.judged_alias("http://s/t/2") == "judged alias http://s/t/2"
    assert decide.crowd_said("Storm") == "the page shows the title of the item 'Storm'"


# look16g F9: the item's link is the URL the archived page named its own canonical one
# (the canonical_alias mark): the page's word about itself.
CANONICAL_ROWS = [
    # The same title, another date (a feed's update time against the published one):
    # that article, whatever the dates.
    (None, Shown("Storm hits coast", D8), None, STORM, False, None),
    ("g-b", Shown("Storm hits coast", D8), "g-a", STORM, False, None),
    # Listed at its own link too (the recurring column, look16e F2): another article.
    (None, Shown("Storm hits coast", D8), None, STORM, True, LISTED_TOO),
    # Another title and date: still another article (a template naming a wrong URL).
    (None, Shown("Mayor resigns", D8), None, STORM, False, "another title and date"),
    # Untitled: the guids tell, as without the mark.
    ("g-b", Shown(None, D8), "g-a", STORM, False, "another guid"),
]


@pytest.mark.parametrize(
    ("item_guid", "item", "archived_guid", "archived", "own_listed", "expected"),
    CANONICAL_ROWS,
)
def test_alias_contradicted_at_the_url_its_page_named_canonical(
    item_guid: str | None,
    item: Shown,
    archived_guid: str | None,
    archived: Shown | None,
    own_listed: bool,
    expected: str | None,
) -> None:
    got = decide.alias_contradicted(
        item_guid, item, archived_guid, archived, own_listed=own_listed, named_canonical=True
    )
    assert got == expected


def test_canonical_alias_mark() -> None:
    assert decide.canonical_alias("https://example.com/story/1") == (
        "canonical alias https://example.com/story/1"
    )


MOVED = decide.ByGuid("moved", "g2", 7, "the same guid, title and date", strongest=True)


@pytest.mark.parametrize(
    ("answer", "dropped", "expected"),
    [
        # The alias of 7 was just handed to this item as another article: its guid's
        # history alone does not take it back (look16h H4).
        pytest.param(MOVED, 7, decide.ByGuid("new", "g2"), id="moved to the dropped one: new"),
        pytest.param(MOVED, None, MOVED, id="no alias dropped: the move"),
        pytest.param(MOVED, 8, MOVED, id="another article's alias dropped: the move"),
        pytest.param(
            decide.ByGuid("reused", None, 7, "another date"),
            7,
            decide.ByGuid("reused", None, 7, "another date"),
            id="reused: as it was",
        ),
        pytest.param(decide.ByGuid("new", "g2"), 7, decide.ByGuid("new", "g2"), id="new"),
    ],
)
def test_past_dropped_alias(
    answer: decide.ByGuid, dropped: int | None, expected: decide.ByGuid
) -> None:
    assert decide.past_dropped_alias(answer, dropped) == expected
