"""A moved feed's relative links (decide.earlier_addresses, links_before_move,
archived_before_move): a guid-less feed whose items' links are relative (`story-1`)
resolves them against its new address after a permanent move; the article archived
at the old resolution is the item, not a new one (issue 16, fix16E)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from rssarchive.core import decide

OLD, NEW = "https://n.example/news/rss", "https://n.example/v2/rss.xml"


@pytest.mark.parametrize(
    ("moved_to", "polled", "final", "redirects", "expected"),
    [
        # Not moved, not redirected: no earlier address.
        (None, OLD, OLD, [], ()),
        # The poll that follows a permanent redirect first: the address polled.
        (None, OLD, NEW, [(301, NEW)], (OLD,)),
        (None, OLD, NEW, [(308, NEW)], (OLD,)),
        # A temporary redirect moves nothing (its links were resolved at its end).
        (None, OLD, NEW, [(302, NEW)], ()),
        (None, OLD, NEW, [(301, "x"), (302, NEW)], ()),
        # Moved: polled at the new address, the config's is the earlier one.
        (NEW, NEW, NEW, [], (OLD,)),
        # Moved, and moving again: both.
        (NEW, NEW, "https://n.example/v3/", [(301, "https://n.example/v3/")], (OLD, NEW)),
        # Moved back to the config's address: nothing earlier than the address now.
        (NEW, NEW, OLD, [(301, OLD)], (NEW,)),
    ],
)
def test_earlier_addresses(
    moved_to: str | None,
    polled: str,
    final: str,
    redirects: list[tuple[int, str]],
    expected: tuple[str, ...],
) -> None:
    assert decide.earlier_addresses(OLD, moved_to, polled, final, redirects) == expected


@pytest.mark.parametrize(
    ("relative", "link", "earlier", "expected"),
    [
        # A relative link, named in the old folder before the move.
        ("story-1", "https://n.example/v2/story-1", (OLD,), ("https://n.example/news/story-1",)),
        ("../a/b?x=1", "https://n.example/a/b?x=1", (OLD,), ()),  # the same URL at both
        # A host-relative link when the feed moved to another host.
        (
            "/s/1",
            "https://n.example/s/1",
            ("https://old.example/rss",),
            ("https://old.example/s/1",),
        ),
        # Not moved; an absolute link; no link.
        ("story-1", "https://n.example/v2/story-1", (), ()),
        (None, "https://n.example/v2/story-1", (OLD,), ()),
        ("story-1", None, (OLD,), ()),
        # Resolved against another base (xml:base, a later page): not the feed's.
        ("story-1", "https://n.example/other/story-1", (OLD,), ()),
    ],
)
def test_links_before_move(
    relative: str | None, link: str | None, earlier: tuple[str, ...], expected: tuple[str, ...]
) -> None:
    assert decide.links_before_move(relative, link, NEW, earlier) == expected


DONE, PENDING, FAILED = "done", "pending", "failed"
JULY_1 = datetime(2024, 7, 1, 8, tzinfo=UTC)
ITEM = decide.Shown("Story 1", JULY_1)
SAME = decide.Shown("Story 1", JULY_1)


@pytest.mark.parametrize(
    ("found", "expected"),
    [
        ([], None),
        ([(1, DONE, "N", SAME)], (1, DONE)),
        ([(1, PENDING, "N", SAME)], (1, PENDING)),
        ([(1, DONE, "N", None)], (1, DONE)),  # its post unread (gone): nothing belies it
        # Given up: not tried at its old link again; the item is a new article.
        ([(1, FAILED, "N", SAME)], None),
        # Another feed's article at that name is not this feed's item.
        ([(1, DONE, "other", SAME)], None),
        ([(1, DONE, None, SAME)], None),
        # Another title, or another date: another article at a name used again.
        ([(1, DONE, "N", decide.Shown("Story 9", JULY_1))], None),
        ([(1, DONE, "N", decide.Shown("Story 1", JULY_1 - timedelta(days=30)))], None),
        # Each compared only where both sides have one.
        ([(1, DONE, "N", decide.Shown("", JULY_1))], (1, DONE)),
        ([(1, DONE, "N", decide.Shown("Story 1", None))], (1, DONE)),
        (
            [(1, DONE, "N", decide.Shown("Story 1", JULY_1 - timedelta(days=30), dated=False))],
            (1, DONE),
        ),
        # The first of this feed that nothing belies, in the order of the earlier addresses.
        ([(1, DONE, "other", SAME), (2, DONE, "N", SAME), (3, DONE, "N", SAME)], (2, DONE)),
        ([(2, DONE, "N", decide.Shown("Story 9", None)), (3, DONE, "N", SAME)], (3, DONE)),
    ],
)
def test_archived_before_move(
    found: list[tuple[int, str, str | None, decide.Shown | None]],
    expected: tuple[int, str] | None,
) -> None:
    assert decide.archived_before_move(found, "N", ITEM) == expected


def test_an_undated_item_is_compared_by_title_only() -> None:
    found = [(1, DONE, "N", SAME)]
    assert decide.archived_before_move(found, "N", decide.Shown("Story 1", None)) == (1, DONE)
