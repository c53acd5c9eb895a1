"""Which archived article a page that a redirect took elsewhere is: the URL keys an
article is archived under, and the article already archived under one of them.

Part of the decider (rssarchive.core.decide): pure, no state, no disk. Moved out of
decide/identity.py (its size) as it was."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rssarchive.core.urls import normalize_url


def page_keys(link: str, page_url: str) -> list[str]:
    """The URL keys an article is archived under: its link's, then where its page's
    redirects ended (when that is another)."""
    keys = [normalize_url(link)]
    if page_url and normalize_url(page_url) != keys[0]:
        keys.append(normalize_url(page_url))
    return keys


def _placed_elsewhere(
    article_id: int, keys: Sequence[str], placed: Mapping[str, int]
) -> int | None:
    return next((placed[k] for k in keys if placed.get(k, article_id) != article_id), None)


def asks_archived_as(article_id: int, keys: Sequence[str], placed: Mapping[str, int]) -> bool:
    """Whether archived_elsewhere needs ``archived_as`` (a read of the state): only when
    this run placed no other article under ``keys``."""
    return _placed_elsewhere(article_id, keys, placed) is None


def archived_elsewhere(
    article_id: int,
    keys: Sequence[str],
    placed: Mapping[str, int],
    archived_as: int | None,
) -> int | None:
    """The article archived already under one of ``keys`` (page_keys), another than
    ``article_id``: one this run placed (``placed``: URL key to article), else the one
    the state knows (``archived_as``, read by the caller when asks_archived_as says so,
    else None); None: none, the page is written. A page that ends where an archived
    article is (a redirect to the same page, a consent wall, the home page) is that
    article: not written again, its link an alias of it."""
    other = _placed_elsewhere(article_id, keys, placed)
    return other if other is not None else archived_as
