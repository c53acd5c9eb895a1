"""Whether items of one feed document listed at different links are one story (look16f
s15: a wire story under two section paths, /world/… and /asia/…).

Part of the decider (rssarchive.core.decide): pure, no state, no disk. Two items of one
document are otherwise never merged (look16d F10): two short items can share a title
and a date. What makes them one here is all three at once: the same title, the same
date to the second and the same text, when that text is the whole article (more than
a teaser), which no two different articles share."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from rssarchive.core.decide.identity import link_key
from rssarchive.core.identity import text_key, title_key


@dataclass(frozen=True)
class StoryItem:
    """An item of one feed document as one_story compares it: its link, title, date and
    text (its feed text, as written), and whether that text is the whole article
    (``substantial``: more than a teaser, as the run's extraction tells)."""

    link: str | None
    title: str | None
    published: datetime | None
    text: str | None
    substantial: bool


def one_story(items: Sequence[StoryItem]) -> list[list[int]]:
    """The groups of items (their indexes, in document order) at two or more links that
    are one story: the same title (title_key), the same date to the second and the same
    whole text (identity.text_key of a substantial text). The first of each is the
    article; the others are not archived (said, one_story_said). An undated or untitled
    item, or one with a teaser only, is in no group."""
    groups: dict[tuple[str, float, str], list[int]] = {}
    links: dict[tuple[str, float, str], set[str]] = {}
    for i, item in enumerate(items):
        title, text, url = title_key(item.title), text_key(item.text), link_key(item.link)
        if not (title and text and url and item.substantial) or item.published is None:
            continue
        key = (title, item.published.timestamp() // 1, text)
        groups.setdefault(key, []).append(i)
        links.setdefault(key, set()).add(url)
    return [found for key, found in groups.items() if len(links[key]) > 1]


def one_story_mark(link_key_: str) -> str:
    """The state's mark (its meta key) that the item at ``link_key_`` was said to be
    another item's story (one_story): said once, not on every run that lists it."""
    return f"one story {link_key_}"


def one_story_said(links: Sequence[str]) -> str:
    """The warning for the items of one document one_story found one story (``links``:
    theirs, the archived one first)."""
    return (
        f"{len(links)} items (the same title, date and full text) are one story listed"
        f" under {len(links)} links: {', '.join(links)}; archived once, from {links[0]}"
    )
