"""recheck.py's decisions as tables of cases: the schedule, the budget, what counts as an
edit, and when an article is suspected, deleted or restored (time is an argument)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from rssarchive import recheck as r
from rssarchive.recheck import Budget, Observation, Record

T0 = datetime(2024, 7, 24, 1, 0, tzinfo=UTC)
H = timedelta(hours=1)
D = timedelta(days=1)
AGES = r.AGES
TEXT = "美国和日本周日举行2+2安全会谈，讨论核威慑问题。双方同意加强驻日美军的指挥权。"
EDITED = "美国和日本周日举行2+2安全会谈，讨论核威慑问题。双方同意大幅加强驻日美军的指挥权。"
REF = r.normalize(TEXT)


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("1h", H),
        ("90m", 90 * timedelta(minutes=1)),
        ("3d", 3 * D),
        ("2w", 14 * D),
        ("30s", 30 * H / 3600),
    ],
)
def test_parse_age(text: str, age: timedelta) -> None:
    assert r.parse_age(text) == age
    assert r.parse_age(r.format_age(age)) == age


@pytest.mark.parametrize("text", ["", "1", "h", "1y", "-1h", "1 hour"])
def test_parse_age_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="not an age"):
        r.parse_age(text)


# (checked at, next due): each age once; one check for several missed ages; never after
# the last age.
SCHEDULE = [
    (T0, T0 + H),
    (T0 + 30 * timedelta(minutes=1), T0 + H),
    (T0 + H, T0 + 6 * H),
    (T0 + 5 * H, T0 + 6 * H),
    (T0 + 2 * D, T0 + 3 * D),  # overdue from 6h and 1d: one check, next at 3d
    (T0 + 29 * D, T0 + 30 * D),
    (T0 + 30 * D, None),
    (T0 + 400 * D, None),
]


@pytest.mark.parametrize(("now", "due"), SCHEDULE)
def test_next_due(now: datetime, due: datetime | None) -> None:
    assert r.next_due(T0, AGES, now) == due


def test_no_ages_never_due() -> None:
    assert r.next_due(T0, (), T0) is None


# (due times by id, now, budget articles, expected ids): most overdue first, capped.
PICKS = [
    ({1: T0, 2: T0 - D, 3: T0 + H}, T0, 10, [2, 1]),
    ({1: T0, 2: T0 - D, 3: T0 - H}, T0, 2, [2, 3]),
    ({1: T0 + H}, T0, 10, []),
    ({1: T0 - H}, T0, 0, []),
]


@pytest.mark.parametrize(("due", "now", "count", "ids"), PICKS)
def test_pick_due(due: dict[int, datetime], now: datetime, count: int, ids: list[int]) -> None:
    assert r.pick_due(list(due.items()), now, Budget(articles=count)) == ids


@pytest.mark.parametrize(
    ("done", "elapsed", "budget", "ok"),
    [
        (0, 0.0, Budget(2, 10), True),
        (1, 9.9, Budget(2, 10), True),
        (2, 0.0, Budget(2, 10), False),
        (0, 10.0, Budget(2, 10), False),
    ],
)
def test_may_start(done: int, elapsed: float, budget: Budget, ok: bool) -> None:
    assert r.may_start(done, elapsed, budget) is ok


# Texts that are the same article (not an edit) ...
SAME = [
    ("a  b\n\nc", "a b c"),
    ("美国，日本。", "美国,日本."),  # full-width and CJK punctuation
    ("美国 ， 日本", "美国，日本"),  # spaces beside CJK
    ("ＡＢＣ１２３", "ABC123"),  # full-width letters and digits
    ("“引号”", '"引号"'),
    ("zero\u200bwidth", "zerowidth"),
]


@pytest.mark.parametrize(("a", "b"), SAME)
def test_normalize_same(a: str, b: str) -> None:
    assert r.normalize(a) == r.normalize(b)


# ... and texts that differ (an edit).
DIFFERENT = [("美国和日本", "美国与日本"), ("3 killed", "4 killed"), ("a b", "a c")]


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_normalize_different(a: str, b: str) -> None:
    assert r.normalize(a) != r.normalize(b)


# (article URL, final URL after redirects, removed?)
REDIRECTS = [
    ("https://n.example/news/china/a-1.html", "https://n.example/", True),
    ("https://n.example/news/china/a-1.html", "https://www.n.example/index.html", True),
    ("https://n.example/news/china/a-1.html", "https://n.example/news/china/", True),
    ("https://n.example/news/china/a-1.html", "https://n.example/news", True),
    ("https://n.example/news/china/a-1.html", "https://n.example/news/china/a-1", False),
    ("https://n.example/news/china/a-1.html", "https://n.example/2024/07/a-1.html", False),
    ("http://n.example/news/a-1.html", "https://n.example/news/a-1.html/", False),
    ("https://n.example/news/a-1.html", "https://other.example/", False),  # a site moved
    ("https://n.example/a-1.html", "https://n.example/a-1.html", False),
    # a short path with a query is an article's other address, not a section
    ("https://n.example/story/1", "https://n.example/read?id=1", False),
]


@pytest.mark.parametrize(("url", "final", "removed"), REDIRECTS)
def test_removed_by_redirect(url: str, final: str, removed: bool) -> None:
    assert r.removed_by_redirect(url, final) is removed


@pytest.mark.parametrize(
    ("status", "seen"),
    [
        (404, "gone"),
        (410, "gone"),
        (500, "outage"),
        (503, "outage"),
        (429, "outage"),
        (403, "outage"),
        (None, "outage"),
    ],
)
def test_gone_status(status: int | None, seen: str) -> None:
    assert r.gone_status(status) == seen


FRESH = Record(archived=T0, next_due=T0 + H, reference=TEXT)
PAGE = Observation("page", text=TEXT)
EDIT = Observation("page", text=EDITED)
# Layout noise the extraction keeps out is not tested here (extract.py's job); what
# reaches the comparison with only typesetting changes is not an edit.
RETYPESET = Observation("page", text=TEXT.replace("，", ", ").replace("。", ". "))
GONE = Observation("gone", why="HTTP 404")
DOWN = Observation("outage", why="HTTP 503")
NOT_MODIFIED = Observation("not_modified")
SOFT = Observation(
    "page", text="对不起，您要找的页面不存在。请返回首页，或者使用搜索功能查找其他内容。"
)
EMPTY = Observation("page", text=None)

SUSPECTED = replace(FRESH, status="suspected", suspected_at=T0 + H)
DELETED = replace(FRESH, status="deleted", suspected_at=None, deleted_at=T0 + H)
EDITED_REC = replace(FRESH, status="edited", edited_at=T0 + H, reference=EDITED)

# (record before, what was seen, when, event, status after, next due after)
DECISIONS = [
    (FRESH, NOT_MODIFIED, T0 + H, "unchanged", "unchanged", T0 + 6 * H),
    (FRESH, PAGE, T0 + H, "unchanged", "unchanged", T0 + 6 * H),
    (FRESH, RETYPESET, T0 + H, "unchanged", "unchanged", T0 + 6 * H),
    (FRESH, EDIT, T0 + H, "edited", "edited", T0 + 6 * H),
    (EDITED_REC, EDIT, T0 + 6 * H, "unchanged", "edited", T0 + D),
    (EDITED_REC, PAGE, T0 + 6 * H, "edited", "edited", T0 + D),  # edited back
    # deletions are suspected first, confirmed an hour later at the earliest
    (FRESH, GONE, T0 + H, "suspected", "suspected", T0 + 2 * H),
    (FRESH, SOFT, T0 + H, "suspected", "suspected", T0 + 2 * H),
    (FRESH, EMPTY, T0 + H, "suspected", "suspected", T0 + 2 * H),
    (FRESH, GONE, T0 + 30 * D, "suspected", "suspected", T0 + 30 * D + H),  # past last age
    (SUSPECTED, GONE, T0 + 2 * H, "deleted", "deleted", T0 + 6 * H),
    (SUSPECTED, GONE, T0 + H + timedelta(minutes=59), "still", "suspected", T0 + 2 * H),
    (SUSPECTED, SOFT, T0 + 6 * H, "deleted", "deleted", T0 + D),
    (SUSPECTED, PAGE, T0 + 2 * H, "unchanged", "unchanged", T0 + 6 * H),  # a blip
    (SUSPECTED, NOT_MODIFIED, T0 + 2 * H, "unchanged", "unchanged", T0 + 6 * H),
    # an outage, a 5xx, a timeout: never a deletion, nor a confirmation
    (FRESH, DOWN, T0 + H, "outage", "unchanged", T0 + 6 * H),
    (SUSPECTED, DOWN, T0 + 2 * H, "outage", "suspected", T0 + 6 * H),
    (SUSPECTED, DOWN, T0 + 30 * D, "outage", "suspected", None),
    (DELETED, DOWN, T0 + 6 * H, "outage", "deleted", T0 + D),
    # deleted, then back
    (DELETED, GONE, T0 + 6 * H, "still", "deleted", T0 + D),
    (DELETED, PAGE, T0 + 6 * H, "restored", "restored", T0 + D),
    (DELETED, NOT_MODIFIED, T0 + 6 * H, "restored", "restored", T0 + D),
    (DELETED, EDIT, T0 + 6 * H, "restored", "restored", T0 + D),
    (FRESH, PAGE, T0 + 30 * D, "unchanged", "unchanged", None),
]


@pytest.mark.parametrize(("record", "seen", "now", "event", "status", "due"), DECISIONS)
def test_decide(
    record: Record,
    seen: Observation,
    now: datetime,
    event: str,
    status: str,
    due: datetime | None,
) -> None:
    verdict = r.decide(record, seen, now, AGES)
    assert (verdict.event, verdict.record.status, verdict.record.next_due) == (event, status, due)
    assert verdict.record.checks == record.checks + 1


def test_edit_keeps_the_new_version_and_dates_it() -> None:
    verdict = r.decide(FRESH, EDIT, T0 + H, AGES)
    assert verdict.version == EDITED
    assert verdict.record.reference == EDITED
    assert verdict.record.edited_at == T0 + H


def test_deletion_is_dated_from_when_it_was_first_seen_gone() -> None:
    verdict = r.decide(SUSPECTED, GONE, T0 + 6 * H, AGES)
    assert verdict.record.deleted_at == T0 + H
    assert r.decide(verdict.record, PAGE, T0 + D, AGES).record.restored_at == T0 + D


def test_no_reference_the_first_page_seen_becomes_it() -> None:
    unknown = replace(FRESH, reference=None)
    verdict = r.decide(unknown, PAGE, T0 + H, AGES)
    assert (verdict.event, verdict.record.reference, verdict.version) == ("baseline", TEXT, TEXT)
    assert r.decide(verdict.record, EDIT, T0 + 6 * H, AGES).event == "edited"


def test_backlog_is_bounded() -> None:
    # Whatever the sites answer, an article is checked at most once per age plus one
    # confirmation per suspicion, and never after its last age.
    for seen in (PAGE, GONE, DOWN, SOFT, NOT_MODIFIED):
        record, now, checks = FRESH, T0 + H, 0
        while record.next_due is not None:
            now = record.next_due
            record = r.decide(record, seen, now, AGES).record
            checks += 1
            assert checks <= 2 * len(AGES)
        assert now <= T0 + 30 * D + H


def test_overlap() -> None:
    assert r.overlap(REF, REF) == 1.0
    assert r.overlap(REF, r.normalize(EDITED)) > r.SOFT_404_BELOW
    assert r.overlap(REF, r.normalize(SOFT.text or "")) < r.SOFT_404_BELOW
