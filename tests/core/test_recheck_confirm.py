"""A check whose confirming fetch said nothing (a wall, a 429, a timeout) leaves the
changed text it saw for the next check, whose first fetch showing it again confirms the
edit (recheck_confirm.py, review 19s H3); and how often a confirming fetch is made
again (decide.RECHECK_CONFIRM_RETRIES), as tables."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from rssarchive.core import decide
from rssarchive.core import recheck as r
from rssarchive.core import recheck_confirm as c
from rssarchive.core import recheck_schedule as s
from rssarchive.core.recheck import Observation, Record

T0 = datetime(2024, 7, 24, 0, 0, tzinfo=UTC)
H = timedelta(hours=1)
ARTICLE = "\n".join(
    [
        "# Council approves budget",
        "",
        "The city council approved the budget on Tuesday by forty votes to ten, after a"
        " long debate that ran late into the night.",
        "The mayor said she would sign the budget this week, and that the new buses would"
        " be ordered before the end of the year.",
        "Opposition members said the plan left the northern districts without the services"
        " they had been promised for years.",
    ]
)
EDITED = ARTICLE.replace("forty votes", "fifty votes")
OTHER = ARTICLE.replace("this week", "next month")
WALL = "# Just a moment...\n\nChecking your browser before accessing the site."


@pytest.mark.parametrize(
    ("candidate", "second", "used"),
    [
        pytest.param(None, WALL, WALL, id="no candidate: the wall, as it was"),
        pytest.param(EDITED, EDITED, EDITED, id="a second fetch that says something"),
        pytest.param(EDITED, WALL, EDITED, id="a wall: the earlier check's page"),
        pytest.param(EDITED, "", EDITED, id="a failed request: the earlier check's page"),
        pytest.param(WALL, "", "", id="a candidate sharing nothing: none"),
    ],
)
def test_stand_in(candidate: str | None, second: str, used: str) -> None:
    assert c.stand_in(candidate, EDITED, second) == used


@pytest.mark.parametrize(
    ("candidate", "unconfirmed", "concluded", "left"),
    [
        pytest.param(None, EDITED, False, EDITED, id="inconclusive: its page kept"),
        pytest.param(OTHER, EDITED, False, EDITED, id="inconclusive again: the newer page"),
        pytest.param(EDITED, None, False, EDITED, id="an outage: kept"),
        pytest.param(EDITED, None, True, None, id="a check that concluded: dropped"),
    ],
)
def test_carried(
    candidate: str | None, unconfirmed: str | None, concluded: bool, left: str | None
) -> None:
    assert c.carried(candidate, unconfirmed, concluded) == left


def _record(candidate: str | None = None) -> Record:
    return Record(archived=T0, next_due=T0 + H, reference=ARTICLE, candidate=candidate)


def _seen(first: str, second: str | None) -> Observation:
    return Observation("page", text=first, second=second)


# (candidate kept, what the check saw, event, candidate left, versions's text)
DECISIONS = [
    pytest.param(None, _seen(EDITED, WALL), "outage", EDITED, None, id="walled: the edit waits"),
    pytest.param(
        None, _seen(EDITED, ""), "outage", EDITED, None, id="a failed second: the edit waits"
    ),
    pytest.param(
        EDITED,
        _seen(EDITED, WALL),
        "edited",
        None,
        EDITED,
        id="walled again: two checks' first fetches agree, an edit",
    ),
    pytest.param(EDITED, _seen(EDITED, ""), "edited", None, EDITED, id="a 429 again: an edit"),
    pytest.param(
        EDITED,
        _seen(OTHER, WALL),
        "unchanged",
        None,
        None,
        id="the two checks' pages disagree: neither is an edit",
    ),
    pytest.param(
        EDITED,
        Observation("page", text=ARTICLE),
        "unchanged",
        None,
        None,
        id="the edit undone: the candidate dropped",
    ),
    pytest.param(
        EDITED, Observation("outage", why="HTTP 503"), "outage", EDITED, None, id="an outage"
    ),
]


@pytest.mark.parametrize(("candidate", "seen", "event", "left", "version"), DECISIONS)
def test_an_unconfirmed_edit_is_confirmed_by_the_next_checks_first_fetch(
    candidate: str | None, seen: Observation, event: str, left: str | None, version: str | None
) -> None:
    verdict = r.judge(_record(candidate), seen, T0 + 2 * H, s.AGES)
    assert (verdict.event, verdict.record.candidate) == (event, left)
    assert verdict.version == version


@pytest.mark.parametrize(
    ("made", "answer", "again"),
    [
        pytest.param(1, "wall", True, id="a wall: once more"),
        pytest.param(1, "failed", True, id="a failed request: once more"),
        pytest.param(2, "wall", False, id="a wall twice: inconclusive"),
        pytest.param(2, "failed", False, id="failed twice: inconclusive"),
        pytest.param(1, "page", False, id="a page: the answer"),
        pytest.param(1, "gone", False, id="gone: the answer"),
        pytest.param(1, "paused", False, id="429 Retry-After: not again in this run"),
    ],
)
def test_confirming_fetch_retries(made: int, answer: decide.ConfirmAnswer, again: bool) -> None:
    assert decide.RECHECK_CONFIRM_RETRIES.again(made, answer) is again


# (what a confirmation needs, serving, answering, confirmed) -- issue 19 F10: a 404 needs
# the host answering normally; a page without the article, its other articles served.
@pytest.mark.parametrize(
    ("needs", "serving", "answering", "confirmed"),
    [
        ("none", False, False, True),
        ("host", False, False, False),
        ("host", False, True, True),
        ("host", True, False, True),
        ("articles", False, True, False),
        ("articles", True, False, True),
        ("never", True, True, False),
    ],
)
def test_confirms(needs: c.Evidence, serving: bool, answering: bool, confirmed: bool) -> None:
    assert c.confirms(needs, serving, answering) is confirmed


# (the kinds of a host's checks in one run, its articles seen served, held back) -- a
# host all of whose (3 or more) checked articles answer a gone status, none served, is a
# firewall or a broken route: its front page answering confirms none of them; one 404
# beside a working host, or two, still confirm.
@pytest.mark.parametrize(
    ("seen", "serving", "held"),
    [
        (["gone", "gone", "gone"], False, True),
        (["gone"] * 5, False, True),
        (["gone", "gone", "gone", "outage"], False, True),
        (["gone", "gone", "gone"], True, False),
        (["gone", "gone"], False, False),
        (["gone", "gone", "outage"], False, False),
        (["gone"], False, False),
        (["gone", "gone", "gone", "page"], False, False),
        (["gone", "gone", "gone", "not_modified"], False, False),
        ([], False, False),
    ],
)
def test_host_wide_gone(seen: list[str], serving: bool, held: bool) -> None:
    assert c.host_wide_gone(seen, serving) is held
