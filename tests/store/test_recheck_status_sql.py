"""The state's SQL for re-checks (store/rechecks.py) agrees with core/recheck_status.py's
predicates (tests/core/test_recheck_status.py: their table) on every record (review 18
M16)."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from test_recheck_status import DUE, NOW, STATUSES

from rssarchive.core.models import Entry
from rssarchive.core.recheck_status import is_undecided, is_unreachable, is_walled, is_witness
from rssarchive.store.codec import RecheckRow
from rssarchive.store.state import State


def record(status: str, reference: str | None, from_page: bool, due: datetime | None) -> RecheckRow:
    return RecheckRow(0, "", "", "", NOW, due, 1, status, reference, from_page)


TABLE = list(itertools.product(STATUSES, ("text", None), (False, True), (DUE, None)))


def test_the_states_sql_agrees_with_them(tmp_path: Path) -> None:
    state = State.open(tmp_path / "s.sqlite3")
    rows: list[RecheckRow] = []
    for n, (status, reference, from_page, due) in enumerate(TABLE):
        url = f"https://a.example/{n}"
        aid = state.begin(url_key=url, guid_key=None, feed="f", entry=Entry("", url), now=NOW)
        state.enroll([(aid, NOW + timedelta(seconds=n), None)])
        row = replace(record(status, reference, from_page, due), article_id=aid)
        state.save_recheck(row)
        rows.append(row)
    assert state.recheck_rows([r.article_id for r in rows]) == [
        replace(r, url=f"https://a.example/{n}", feed="f") for n, r in enumerate(rows)
    ]
    witnesses = {r.article_id for r in state.recheck_witnesses("a.example", len(TABLE))}
    assert witnesses == {r.article_id for r in rows if is_witness(r)}
    assert 0 < len(witnesses) < len(TABLE)
    assert state.recheck_counts(NOW)["undecided"] == sum(is_undecided(r) for r in rows)
    # One by one: each record undecided by the SQL exactly when by the function.
    for other in rows:
        state.save_recheck(replace(other, status="unchanged", next_due=DUE))
    for row in rows:
        state.save_recheck(row)
        assert state.recheck_counts(NOW)["undecided"] == int(is_undecided(row)), row
        state.save_recheck(replace(row, status="unchanged", next_due=DUE))


@pytest.mark.parametrize(
    "last_result", [None, "unchanged", "outage: HTTP 503", "outage", "walled: the page asks"]
)
def test_unreachable_sql_agrees_with_the_function(tmp_path: Path, last_result: str | None) -> None:
    # Done with its ages (or not), suspected (or not), its last check an outage (or not):
    # counted unreachable by the SQL exactly when by the function.
    state = State.open(tmp_path / "s.sqlite3")
    for n, (status, due) in enumerate(itertools.product(STATUSES, (DUE, None))):
        url = f"https://a.example/{n}"
        aid = state.begin(url_key=url, guid_key=None, feed="f", entry=Entry("", url), now=NOW)
        state.enroll([(aid, NOW + timedelta(seconds=n), None)])
        row = replace(record(status, "text", True, due), article_id=aid, last_result=last_result)
        state.save_recheck(row)
        assert state.recheck_counts(NOW)["unreachable"] == int(is_unreachable(row)), row
        assert state.recheck_counts(NOW)["walled"] == int(is_walled(row)), row
        state.save_recheck(replace(row, next_due=DUE, last_result=None))


def test_an_enrolled_article_is_compared_with_its_post(tmp_path: Path) -> None:
    # Archived before re-checks existed (or adopted): no reference was kept, so its post
    # is the text its first check compares with, as for one archived from its page
    # (recheck_record.reference_for), not the first page seen (review 19s, H2).
    from rssarchive.core.recheck_record import reference_for

    state = State.open(tmp_path / "s.sqlite3")
    url = "https://a.example/old"
    aid = state.begin(url_key=url, guid_key=None, feed="f", entry=Entry("", url), now=NOW)
    state.enroll([(aid, NOW, DUE)])
    [row] = state.recheck_rows([aid])
    assert (row.reference, row.from_page) == (None, True)
    assert reference_for(row.reference, row.from_page, "page") == "reference"
    assert is_witness(row)


def test_witnesses_are_found_by_host_key_with_or_without_www(tmp_path: Path) -> None:
    """The re-checks key a host as urls.host_key does (no ``www.``, issue 18): the
    witnesses of "a.example" include its www. articles, and no other host's."""
    state = State.open(tmp_path / "s.sqlite3")
    urls = [
        "https://a.example/1",
        "https://www.a.example/2",
        "https://www.a.example:8443/3",
        "https://b.a.example/4",
        "https://wwwa.example/5",
    ]
    for n, url in enumerate(urls):
        aid = state.begin(url_key=url, guid_key=None, feed="f", entry=Entry("", url), now=NOW)
        state.enroll([(aid, NOW + timedelta(seconds=n), None)])
        state.save_recheck(replace(record("unchanged", "text", True, DUE), article_id=aid))
    found = sorted(r.url for r in state.recheck_witnesses("a.example", 10))
    assert found == sorted(urls[:3])
