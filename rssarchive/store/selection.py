"""A feed's selection settings (which of its items are taken: ``max_items``) as the
state last applied them (issue 16).

A feed polled with a cap keeps the validators of the document it capped: raised later,
the cap would bring nothing back, for the server answers 304 to that document. So the
settings its last full document was read with are kept (the meta table, no schema
change); what a change of them means (an unconditional fetch, the feed's stored warning
about the old settings no longer shown) is the decider's (decide.selection_changed,
poll_validators, says_kept_warning). This reads and writes them."""

from __future__ import annotations

from dataclasses import replace

from rssarchive.core import decide
from rssarchive.core.models import FeedConfig
from rssarchive.store.state import FeedState, State


def _key(feed: FeedConfig) -> str:
    return f"selection {feed.url}"


def settings(feed: FeedConfig) -> str:
    return f"max_items={feed.max_items}"


def changed(state: State, feed: FeedConfig) -> bool:
    """Whether the feed's last full document was read with other selection settings
    (decide.selection_changed; False when the state has none recorded)."""
    return decide.selection_changed(state.meta_value(_key(feed)), settings(feed))


def unconditional_if_changed(state: State, feed: FeedConfig, fstate: FeedState) -> FeedState:
    """The feed's state with the validators its fetch sends (decide.poll_validators):
    none when its selection settings changed."""
    etag, last_modified = decide.poll_validators(
        fstate.etag, fstate.last_modified, selection_changed=changed(state, feed)
    )
    if (etag, last_modified) == (fstate.etag, fstate.last_modified):
        return fstate
    return replace(fstate, etag=etag, last_modified=last_modified)


def remember(state: State, feed: FeedConfig) -> None:
    """Record the settings a full document of the feed was just read with."""
    if state.meta_value(_key(feed)) != settings(feed):
        state.set_meta({_key(feed): settings(feed)})
