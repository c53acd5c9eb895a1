"""A feed's selection settings (which of its items are taken: ``max_items``) as the
state last applied them (issue 16).

A feed polled with a cap keeps the validators of the document it capped: raised later,
the cap would bring nothing back, for the server answers 304 to that document. So the
settings its last full document was read with are kept (the meta table, no schema
change), and when they differ the next fetch is unconditional and the feed's stored
warning (about the old settings) is no longer shown."""

from __future__ import annotations

from dataclasses import replace

from rssarchive.core.models import FeedConfig
from rssarchive.store.state import FeedState, State


def _key(feed: FeedConfig) -> str:
    return f"selection {feed.url}"


def settings(feed: FeedConfig) -> str:
    return f"max_items={feed.max_items}"


def changed(state: State, feed: FeedConfig) -> bool:
    """Whether the feed's last full document was read with other selection settings
    (False when the state has none recorded: a state from before they were)."""
    applied = state.meta_value(_key(feed))
    return applied is not None and applied != settings(feed)


def unconditional_if_changed(state: State, feed: FeedConfig, fstate: FeedState) -> FeedState:
    """The feed's state without its validators when its selection settings changed."""
    if changed(state, feed):
        return replace(fstate, etag=None, last_modified=None)
    return fstate


def remember(state: State, feed: FeedConfig) -> None:
    """Record the settings a full document of the feed was just read with."""
    if state.meta_value(_key(feed)) != settings(feed):
        state.set_meta({_key(feed): settings(feed)})
