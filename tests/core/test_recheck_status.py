"""Who is a re-check witness and what "undecided" is (core/recheck_status.py), as a table
of records; tests/store/test_recheck_status_sql.py checks that the state's SQL
(store/rechecks.py) agrees with them (review 18 M16)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from rssarchive.core.recheck_status import is_undecided, is_walled, is_witness

NOW = datetime(2025, 1, 1, tzinfo=UTC)
DUE = NOW + timedelta(days=1)
STATUSES = ("unchanged", "edited", "suspected", "deleted", "restored")


@dataclass(frozen=True)
class Record:
    """What the predicates read of a re-check record (recheck_status.Facts)."""

    status: str
    reference: str | None
    from_page: bool
    next_due: datetime | None
    last_result: str | None = None


@pytest.mark.parametrize(
    ("status", "reference", "from_page", "due", "witness", "undecided"),
    [
        ("unchanged", "text", False, DUE, True, False),
        ("unchanged", None, True, DUE, True, False),  # its post is the page's text
        ("unchanged", None, False, DUE, False, False),  # from the feed, never seen: no text
        ("edited", "text", False, None, True, False),
        ("restored", "text", False, DUE, True, False),
        ("suspected", "text", True, DUE, False, False),  # a check will decide it
        ("suspected", "text", True, None, False, True),  # no check left: undecided
        ("deleted", "text", True, None, False, False),
    ],
)
def test_the_predicates(
    status: str,
    reference: str | None,
    from_page: bool,
    due: datetime | None,
    witness: bool,
    undecided: bool,
) -> None:
    row = Record(status, reference, from_page, due)
    assert is_witness(row) is witness
    assert is_undecided(row) is undecided


@pytest.mark.parametrize(
    ("status", "last_result", "walled"),
    [
        ("suspected", "walled: the page asks to log in or subscribe (…)", True),
        ("suspected", "truncated: the page shows only the article's beginning", False),
        ("suspected", "no article in the page", False),
        ("unchanged", "walled: the page asks to log in or subscribe (…)", False),
        ("deleted", None, False),
    ],
)
def test_walled(status: str, last_result: str | None, walled: bool) -> None:
    """look19, finding 5: a suspicion left by a login wall is counted as walled."""
    assert is_walled(Record(status, "text", True, DUE, last_result)) is walled
