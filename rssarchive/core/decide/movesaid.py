"""How a move taken by guid (decide.by_guid's "moved") is told: once for all, or each
time.

Part of the decider (rssarchive.core.decide): pure."""

from __future__ import annotations

from typing import Literal

from rssarchive.core.urls import without_query

MoveSaid = Literal["said", "said once", "logged"]


def asks_said_before(archived: bool, strongest: bool) -> bool:
    """Whether move_said needs ``said_before`` (a read of the state): only for a move of
    an archived article on the strongest evidence."""
    return archived and strongest


def move_said(archived: bool, strongest: bool, said_before: bool) -> MoveSaid:
    """How a move (by_guid's "moved") is told. To an article ``archived`` already, on the
    strongest evidence (``strongest``: the same guid, title and date), it is said once
    for all ("said once", then marked; "logged" once ``said_before``, read by the caller
    when asks_said_before says so): links that change on every fetch (a session id in
    them) would otherwise repeat it on every run, for every item, and drown the warnings
    that matter (review16d H8). A move taken on weaker evidence (another date, no dates,
    a permalink) is a judgement each time, and a move of an article not archived yet
    changes the link it is fetched at: "said" each time."""
    if not asks_said_before(archived, strongest):
        return "said"
    return "logged" if said_before else "said once"


def moved_mark(article_id: int) -> str:
    """The state's mark that a site migration's move of ``article_id`` was said (with
    guids, or guid-less at a new link of its site): said once for all, as move_said
    tells."""
    return f"moved {article_id}"


def moved_said_for(marked: str | None, url_key: str) -> bool:
    """Whether a move that no guid tells (a site migration: the same title, date and
    text) was said already for the link ``url_key`` (its key), by the article's mark
    (``marked``: moved_mark's value, the link key it was said for; None: never said).
    A link that differs from that one only in its query is the same claim (a session id
    in links that change on every fetch: said once, look16f s19); another link is
    another item taken for the same article, a loss if wrong: said again (look16i I1).
    A mark of an earlier version ("1") names no link: said before."""
    if marked is None:
        return False
    return marked == "1" or without_query(marked) == without_query(url_key)
