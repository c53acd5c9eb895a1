"""The re-check predicates the state's SQL applies, named here as pure functions over a
record (review 18 M16): who is a witness that a host still serves its articles, which
suspicion is undecided, and which article ended its ages unreached. store/rechecks.py
builds its WHERE clauses from these constants (WITNESS_SQL, UNDECIDED_SQL,
UNREACHABLE_SQL), so that a run's query and status's count mean
what these functions say: tests/core/test_recheck_status.py is their table,
tests/store/test_recheck_status_sql.py checks that the SQL agrees on every record."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class Facts(Protocol):
    """What the predicates read of a re-check record (store.codec.RecheckRow has it)."""

    @property
    def status(self) -> str: ...
    @property
    def reference(self) -> str | None: ...
    @property
    def from_page(self) -> bool: ...
    @property
    def next_due(self) -> datetime | None: ...
    @property
    def last_result(self) -> str | None: ...


# Believed present: never suspected or deleted since it was last seen whole.
PRESENT = ("unchanged", "edited", "restored")
SUSPECTED = "suspected"
# How a walled check's stored result starts (recheck.WALLED starts so).
WALLED_RESULT = "walled:"


def is_witness(record: Facts) -> bool:
    """Whether an archived article can show that its host still serves its articles:
    believed present, and with a text to compare its page with (a reference, or a post
    made from the page, whose text becomes one at its first check)."""
    return record.status in PRESENT and (record.reference is not None or record.from_page)


def is_undecided(record: Facts) -> bool:
    """Whether an article is suspected gone with nothing left to decide it: every check
    meant to confirm the suspicion met an outage, and none is scheduled any more
    (recheck.UNDECIDED_AFTER)."""
    return record.status == SUSPECTED and record.next_due is None


def is_walled(record: Facts) -> bool:
    """Whether an article is suspected because its last check met a login or
    subscription wall without the article (recheck.WALLED): never confirmed deleted by
    such a page (look19, finding 5)."""
    return record.status == SUSPECTED and (record.last_result or "").startswith(WALLED_RESULT)


def is_unreachable(record: Facts) -> bool:
    """Whether an article is done with its ages (nothing scheduled), not suspected, and
    its last check said nothing of it (an outage): not a clean "unchanged"."""
    return (
        record.status != SUSPECTED
        and record.next_due is None
        and (record.last_result or "").startswith("outage")
    )


def _quoted(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{value}'" for value in values)


# The same predicates in SQL, over the rechecks table's columns (``r.`` where it is
# joined): what the state's queries use.
WITNESS_SQL = f"r.status IN ({_quoted(PRESENT)}) AND (r.reference IS NOT NULL OR r.from_page)"
UNDECIDED_SQL = f"status = '{SUSPECTED}' AND next_due IS NULL"
WALLED_SQL = f"status = '{SUSPECTED}' AND last_result LIKE '{WALLED_RESULT}%'"
UNREACHABLE_SQL = f"status != '{SUSPECTED}' AND next_due IS NULL AND last_result LIKE 'outage%'"
