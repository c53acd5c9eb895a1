"""A feed renamed in the config is the same feed (issue 16).

Identity by guid is per feed name (identity.py), and status counts posts by feed name:
renamed, a feed would lose both for everything it archived (a moved link archived a
second time without a word). A feed whose name is new but whose URL the state knows
under another name that no configured feed has any more is that feed renamed: its
articles and its record take the new name, said once in a warning."""

from __future__ import annotations

from collections.abc import Sequence

from rssarchive.core.models import FeedConfig
from rssarchive.store.state import State


def renamed(state: State, feeds: Sequence[FeedConfig]) -> list[tuple[FeedConfig, str]]:
    """(feed, its old name) of each configured feed known to the state by its URL under
    a name no configured feed has."""
    names = {feed.name for feed in feeds}
    found = []
    for feed in feeds:
        old = state.feed(feed.url, feed.name).name
        if old and old != feed.name and old not in names:
            found.append((feed, old))
    return found


def follow(state: State, feeds: Sequence[FeedConfig]) -> list[str]:
    """Carry renamed feeds' articles and records over to their new names; the
    warnings that say so."""
    warnings = []
    for feed, old in renamed(state, feeds):
        moved = state.rename_feed(feed.url, old, feed.name)
        warnings.append(
            f"feed {old!r} is now named {feed.name!r} (same url {feed.url}); its "
            f"{moved} articles keep their identity under the new name"
        )
    return warnings
