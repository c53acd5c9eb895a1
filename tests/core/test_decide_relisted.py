"""Tables for core/decide/relisted.py: whether an item at an archived article's own link
is another article there (a daily column at an evergreen URL, fixH), and the by_guid
case it settles (yesterday's column moved to its dated link, today's at /briefing)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from rssarchive.core import decide

LINK = "http://s/briefing"
DAY1 = datetime(2026, 12, 1, 6, tzinfo=UTC)
DAY1_LATE = datetime(2026, 12, 1, 23, tzinfo=UTC)
DAY2 = datetime(2026, 12, 2, 6, tzinfo=UTC)
POST = "---\ntitle: Morning briefing\n---\nMonday: the council votes on the budget in full."


@pytest.mark.parametrize(
    ("at_link", "theirs", "redated", "new"),
    [
        pytest.param("mb-2", "mb-1", True, True, id="another real guid, another date: new"),
        pytest.param("mb-2", "mb-1", False, False, id="another guid, same date: positions"),
        pytest.param("mb-1", "mb-1", True, False, id="same guid: the article, redated"),
        pytest.param(None, "mb-1", True, False, id="no guid at the link: not by guid"),
        pytest.param("mb-2", None, True, False, id="the article had none"),
        pytest.param(LINK, "mb-1", True, False, id="the item's guid is the link itself"),
        pytest.param("mb-2", LINK, True, False, id="the article's guid was the link itself"),
    ],
)
def test_new_at_own_link(at_link: str | None, theirs: str | None, redated: bool, new: bool) -> None:
    assert decide.new_at_own_link(at_link, theirs, LINK, redated=redated) is new
    assert decide.real_guids_differ(at_link, theirs, LINK) is (
        at_link not in (None, LINK, theirs) and theirs not in (None, LINK)
    )


@pytest.mark.parametrize(
    ("published", "theirs", "text", "another"),
    [
        pytest.param(DAY2, DAY1, "Tuesday: a storm closes the schools.", True, id="new day+text"),
        pytest.param(DAY2, DAY1, "Monday: the council votes on the budget.", False, id="edit"),
        pytest.param(DAY1_LATE, DAY1, "Tuesday: a storm closes it.", False, id="same day"),
        pytest.param(DAY1, DAY2, "Tuesday: a storm closes it.", False, id="earlier day"),
        pytest.param(DAY2, None, "Tuesday: a storm closes it.", False, id="post undated"),
        pytest.param(None, DAY1, "Tuesday: a storm closes it.", False, id="item undated"),
        pytest.param(DAY2, DAY1, "  ", False, id="no text: says nothing"),
    ],
)
def test_relisted_another(
    published: datetime | None, theirs: datetime | None, text: str, another: bool
) -> None:
    assert decide.relisted_another(published, theirs, text, POST) is another


@pytest.mark.parametrize(
    ("published", "name", "asks"),
    [
        pytest.param(DAY2, "2026-12-01-morning-briefing.md", True, id="a later day: read"),
        pytest.param(DAY1_LATE, "2026-12-01-morning-briefing.md", False, id="same day: no read"),
        pytest.param(DAY1, "2026-12-02-morning-briefing.md", False, id="earlier: no read"),
        pytest.param(None, "2026-12-01-morning-briefing.md", False, id="undated: no read"),
        pytest.param(DAY2, None, False, id="no post"),
        # A post kept in _posts/YYYY/MM/: its file name's day, not its folders' (look16h H5).
        pytest.param(DAY2, "2026/12/2026-12-01-briefing.md", True, id="subfolder, later: read"),
        pytest.param(DAY1, "2026/12/2026-12-01-briefing.md", False, id="subfolder, same day"),
    ],
)
def test_asks_relisted_post(published: datetime | None, name: str | None, asks: bool) -> None:
    assert decide.asks_relisted_post(published, name) is asks


@pytest.mark.parametrize(
    ("name", "day"),
    [
        pytest.param("2026-12-01-Morning briefing.md", "2026-12-01", id="in _posts"),
        pytest.param("2026/12/2026-12-01-Morning briefing.md", "2026-12-01", id="subfolders"),
        pytest.param("news/2026-12-01-a.md", "2026-12-01", id="a category folder"),
    ],
)
def test_post_day(name: str, day: str) -> None:
    assert decide.post_day(name) == day


@pytest.mark.parametrize(
    ("skipped", "status", "has_guid", "dated", "asks"),
    [
        (True, "done", False, True, True),
        (True, "done", True, True, False),  # said by _say_taken when the guids differ
        (True, "done", False, False, False),
        (True, "pending", False, True, False),
        (False, "done", False, True, False),
    ],
)
def test_asks_relisted(skipped: bool, status: str, has_guid: bool, dated: bool, asks: bool) -> None:
    assert decide.asks_relisted(skipped, status, has_guid=has_guid, dated=dated) is asks


def test_relisted_mark_is_per_article_and_day() -> None:
    assert decide.relisted_mark(7, DAY1) == decide.relisted_mark(7, DAY1_LATE)
    assert decide.relisted_mark(7, DAY1) != decide.relisted_mark(7, DAY2)
    assert decide.relisted_mark(7, DAY1) != decide.relisted_mark(8, DAY1)


def _shown(day: datetime) -> decide.Shown:
    return decide.Shown("Morning briefing", day, None)


@pytest.mark.parametrize(
    ("at_link", "published", "kind"),
    [
        pytest.param("mb-2", DAY2, "moved", id="today's at /briefing: yesterday's moved"),
        pytest.param("mb-2", DAY1, "reused", id="another guid, same date: still there"),
        pytest.param(None, DAY2, "reused", id="no guid at the link: still there"),
        pytest.param("http://s/briefing", DAY2, "reused", id="a guid that is the link"),
    ],
)
def test_by_guid_a_column_moved_off_its_evergreen_link(
    at_link: str | None, published: datetime, kind: str
) -> None:
    owner = decide.Owner(
        id=1, feed="f", keys=frozenset({LINK}), seen=_shown(DAY1), entry=None, has_post=True
    )
    listing = decide.Listing({LINK: [(at_link, _shown(published))]})
    answer = decide.by_guid(
        _shown(DAY1),
        url_key="http://s/briefing/2026-12-01",
        guid="mb-1",
        feed="f",
        listed=listing,
        reused=False,
        owners=[owner],
        last_seen=None,
        posts={},
        at_links=listing.items,
    )
    assert isinstance(answer, decide.ByGuid)
    assert answer.kind == kind


SENTENCE = (
    "the council approved the harbour budget after a long night of debate and the mayor "
    "promised that the new ferry terminal would open before the summer season began "
)
OTHER = (
    "storms closed three schools in the north of the county while the river rose above "
    "its banks near the old mill and police asked drivers to avoid the bridge road "
)


@pytest.mark.parametrize(
    ("mine", "theirs", "apart"),
    [
        pytest.param(SENTENCE, OTHER, True, id="another text: apart"),
        pytest.param(SENTENCE, SENTENCE + "A correction.", False, id="an edit"),
        pytest.param("Good morning. " + SENTENCE, "Good morning. " + OTHER, True,
                     id="a shared greeting"),
        pytest.param("a storm", "a budget vote", False, id="too short: says nothing"),
        pytest.param(SENTENCE, OTHER + " ".join(f"word{n}" for n in range(99)), False,
                     id="an excerpt beside a whole text"),
        pytest.param(None, OTHER, False, id="no text"),
    ],
)  # fmt: skip
def test_words_apart(mine: str | None, theirs: str | None, apart: bool) -> None:
    assert decide.words_apart(mine, theirs) is apart
    # look16i I8: another day's text of one language is another article by its words.
    if mine is not None:
        assert decide.relisted_another(DAY2, DAY1, mine, POST, (mine, theirs)) is (
            apart or decide.relisted_another(DAY2, DAY1, mine, POST)
        )
