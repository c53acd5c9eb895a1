"""The re-checks' decisions as tables of cases (recheck_schedule.py: the schedule, the
budget; recheck.py, recheck_text.py: what counts as an edit, and when an article is
suspected, deleted or restored; time is an argument)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from rssarchive.core import dates
from rssarchive.core import recheck as r
from rssarchive.core import recheck_page as pg
from rssarchive.core import recheck_schedule as s
from rssarchive.core import recheck_text as t
from rssarchive.core.recheck import Observation, Record
from rssarchive.core.recheck_schedule import Budget

T0 = datetime(2024, 7, 24, 1, 0, tzinfo=UTC)
H = timedelta(hours=1)
D = timedelta(days=1)
AGES = s.AGES
TEXT = "美国和日本周日举行2+2安全会谈，讨论核威慑问题。双方同意加强驻日美军的指挥权。"
EDITED = "美国和日本周日举行2+2安全会谈，讨论核威慑问题。双方同意大幅加强驻日美军的指挥权。"
REF = t.normalize(TEXT)


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
    assert s.parse_age(text) == age
    assert s.parse_age(s.format_age(age)) == age


@pytest.mark.parametrize("text", ["", "1", "h", "1y", "-1h", "1 hour"])
def test_parse_age_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="not an age"):
        s.parse_age(text)


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
    assert s.next_due(T0, AGES, now) == due


def test_no_ages_never_due() -> None:
    assert s.next_due(T0, (), T0) is None


# (resumed at, last checked, next due): a schedule without a next check (paused, or
# past its ages) resumes at the first age reached neither now nor at its last check; a
# clock gone back before the last check revives nothing (review 19c, F6).
RESUMED = [
    (T0 + 2 * H, None, T0 + 6 * H),  # never checked: as next_due
    (T0 + 2 * H, T0 + H, T0 + 6 * H),  # the clock after the last check: as next_due
    (T0 + 4 * H, T0 + 400 * D, None),  # finished a year on, clock back: stays finished
    (T0 + 6 * D, T0 + 31 * D, None),  # finished at its last age, clock back: finished
    (T0 + 2 * H, T0 + 2 * D, T0 + 3 * D),  # checked at 2d, clock back: not 6h nor 1d again
    (T0 + 31 * D, T0 + 2 * D, None),  # past its last age whatever the last check
]


@pytest.mark.parametrize(("now", "last", "due"), RESUMED)
def test_resumed_due(now: datetime, last: datetime | None, due: datetime | None) -> None:
    assert s.resumed_due(T0, AGES, now, last) == due


# (enrolled at, first due): an article given its schedule only now (archived before
# re-checks existed, or adopted) is due at the latest age it reached, checked at once for
# the ages it missed, not at the next one (review 19s, M3); past its last age never.
ENROLLED = [
    (T0 + 30 * timedelta(minutes=1), T0 + H),  # no age reached: its first
    (T0 + 90 * timedelta(minutes=1), T0 + H),  # 1 h reached: due now, not at 6 h
    (T0 + 2 * D, T0 + D),  # 6 h and 1 d missed: one check now
    (T0 + 29 * D, T0 + 7 * D),
    (T0 + 30 * D, None),  # its last age reached: an old archive is not re-fetched
    (T0 + 400 * D, None),
]


@pytest.mark.parametrize(("now", "due"), ENROLLED)
def test_enrolled_due(now: datetime, due: datetime | None) -> None:
    assert s.enrolled_due(T0, AGES, now) == due


# A host's 429 Retry-After pause, kept across runs (review 19s, M1): (seconds asked,
# checked at, paused then?). Capped as the client caps Retry-After; one further ahead
# than that was set by a clock ahead of this one and is not waited for.
PAUSES = [
    (3600.0, T0 + 30 * timedelta(minutes=1), True),  # the next cron run: still paused
    (3600.0, T0 + H, False),  # its hour over
    (0.0, T0, False),
    (86400.0, T0 + 5 * H, True),  # a day asked: six hours kept
    (86400.0, T0 + 6 * H, False),
    (3600.0, T0 - D, False),  # the clock went back a day: not a day and an hour's pause
]


@pytest.mark.parametrize(("seconds", "now", "paused"), PAUSES)
def test_host_pause(seconds: float, now: datetime, paused: bool) -> None:
    assert s.host_paused(s.paused_until(T0, seconds), now) is paused


# (stored next check, last check, holds): every check and resumption schedules after
# itself, so a next check not later than the last one was revived by a clock gone back.
HOLDS = [
    (None, None, True),
    (T0 + H, None, True),
    (None, T0 + 400 * D, True),
    (T0 + 6 * H, T0 + H, True),
    (T0 + 6 * H, T0 + 6 * H, False),
    (T0 + 6 * H, T0 + 400 * D, False),
]


@pytest.mark.parametrize(("due", "last", "holds"), HOLDS)
def test_due_holds(due: datetime | None, last: datetime | None, holds: bool) -> None:
    assert s.due_holds(due, last) is holds


# (due times by id, now, budget articles, expected ids): most overdue first, capped.
PICKS = [
    ({1: T0, 2: T0 - D, 3: T0 + H}, T0, 10, [2, 1]),
    ({1: T0, 2: T0 - D, 3: T0 - H}, T0, 2, [2, 3]),
    ({1: T0 + H}, T0, 10, []),
    ({1: T0 - H}, T0, 0, []),
]


@pytest.mark.parametrize(("due", "now", "count", "ids"), PICKS)
def test_pick_due(due: dict[int, datetime], now: datetime, count: int, ids: list[int]) -> None:
    assert s.pick_due(list(due.items()), now, Budget(articles=count)) == ids


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
    assert s.may_start(done, elapsed, budget) is ok


# Texts that are the same article (not an edit) ...
SAME = [
    ("a  b\n\nc", "a b c"),
    ("美国，日本。", "美国,日本."),  # full-width and CJK punctuation
    ("美国 ， 日本", "美国，日本"),  # spaces beside CJK
    ("ＡＢＣ１２３", "ABC123"),  # full-width letters and digits
    ("“引号”", '"引号"'),
    ("zero\u200bwidth", "zerowidth"),
    ("He said -- and then left.", "He said — and then left."),  # review 19b H3
    ("他说——然后离开", "他说--然后离开"),
]


@pytest.mark.parametrize(("a", "b"), SAME)
def test_normalize_same(a: str, b: str) -> None:
    assert t.normalize(a) == t.normalize(b)


# ... and texts that differ (an edit).
DIFFERENT = [("美国和日本", "美国与日本"), ("3 killed", "4 killed"), ("a b", "a c")]


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_normalize_different(a: str, b: str) -> None:
    assert t.normalize(a) != t.normalize(b)


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
    # an unreadable address (look18b, 5) is no page of the site, never an error
    ("http://[oops/a", "http://n.example/", False),
    ("https://n.example/news/a-1.html", "http://[oops/", False),
]


@pytest.mark.parametrize(("url", "final", "removed"), REDIRECTS)
def test_removed_by_redirect(url: str, final: str, removed: bool) -> None:
    assert r.removed_by_redirect(url, final) is removed


@pytest.mark.parametrize(
    ("status", "seen"),
    [
        (404, "gone"),
        (410, "gone"),
        (451, "gone"),  # Unavailable For Legal Reasons: a takedown (review 19b, H6)
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
SHORT_AGES = (H, 6 * H)
SUSPECTED_LAST = replace(FRESH, status="suspected", suspected_at=T0 + 6 * H, next_due=T0 + 7 * H)
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
    # a page without the article (a soft 404, a bot wall, an empty or error page) never
    # confirms without evidence that the host serves other articles: checked again in
    # an hour whatever the ages (review 19b, H1, H2; SERVING below has the evidence)
    (SUSPECTED, SOFT, T0 + 6 * H, "still", "suspected", T0 + 7 * H),
    (SUSPECTED, EMPTY, T0 + 2 * H, "still", "suspected", T0 + 3 * H),
    (SUSPECTED, SOFT, T0 + 25 * H, "still", "suspected", T0 + 3 * D),  # a day on: its ages
    (SUSPECTED_LAST, SOFT, T0 + 6 * H + 24 * H, "still", "suspected", None),
    (SUSPECTED, PAGE, T0 + 2 * H, "unchanged", "unchanged", T0 + 6 * H),  # a blip
    # a 304 never clears a suspicion nor restores: it answers validators of a page
    # judged present, and a suspected or deleted article keeps none (finding 1)
    (SUSPECTED, NOT_MODIFIED, T0 + 2 * H, "outage", "suspected", T0 + 3 * H),
    # an outage, a 5xx, a timeout: never a deletion, nor a confirmation
    (FRESH, DOWN, T0 + H, "outage", "unchanged", T0 + 6 * H),
    # ... and the suspicion is checked again within the hour, not at the next age (M1)
    (SUSPECTED, DOWN, T0 + 2 * H, "outage", "suspected", T0 + 3 * H),
    (SUSPECTED, DOWN, T0 + 5 * H + 30 * timedelta(minutes=1), "outage", "suspected", T0 + 6 * H),
    (SUSPECTED, DOWN, T0 + 30 * D, "outage", "suspected", None),  # undecided for good
    # a suspicion at the last age meeting outages: an hour later again, for a day
    (SUSPECTED_LAST, DOWN, T0 + 6 * H + H, "outage", "suspected", T0 + 8 * H),
    (SUSPECTED_LAST, DOWN, T0 + 6 * H + 22 * H, "outage", "suspected", T0 + 6 * H + 23 * H),
    (SUSPECTED_LAST, DOWN, T0 + 6 * H + 24 * H, "outage", "suspected", None),
    (SUSPECTED_LAST, GONE, T0 + 6 * H + 5 * H, "deleted", "deleted", None),
    (DELETED, DOWN, T0 + 6 * H, "outage", "deleted", T0 + D),
    # deleted, then back
    (DELETED, GONE, T0 + 6 * H, "still", "deleted", T0 + D),
    (DELETED, PAGE, T0 + 6 * H, "restored", "restored", T0 + D),
    (DELETED, NOT_MODIFIED, T0 + 6 * H, "outage", "deleted", T0 + D),
    (DELETED, EDIT, T0 + 6 * H, "restored", "restored", T0 + D),
    (FRESH, PAGE, T0 + 30 * D, "unchanged", "unchanged", None),
]


@pytest.mark.parametrize(("record", "seen", "now", "event", "status", "due"), DECISIONS)
def test_judge(
    record: Record,
    seen: Observation,
    now: datetime,
    event: str,
    status: str,
    due: datetime | None,
) -> None:
    ages = SHORT_AGES if record is SUSPECTED_LAST else AGES
    # The host answers normally (its front page): a 404 confirms (GONE_WITHOUT_HOST below).
    verdict = r.judge(record, seen, now, ages, answering=True)
    assert (verdict.event, verdict.record.status, verdict.record.next_due) == (event, status, due)
    assert verdict.record.checks == record.checks + 1


# (seen, serving, answering, event, evidence wanted) -- a suspicion met again an hour
# later: a 404 confirms only while the host answers normally (its front page or another
# article: a host answering 404 to every URL is broken, issue 19 F10); a page without the
# article only while the host serves its other articles; a new redirect to the front needs
# neither.
REMOVED = Observation("page", text=SOFT.text, removal=True)
GONE_WITHOUT_HOST = [
    (GONE, False, False, "still", "host"),
    (GONE, False, True, "deleted", "none"),
    (GONE, True, False, "deleted", "none"),
    (SOFT, False, True, "still", "articles"),
    (SOFT, True, False, "deleted", "none"),
    (REMOVED, False, False, "deleted", "none"),
]


@pytest.mark.parametrize(("seen", "serving", "answering", "event", "wants"), GONE_WITHOUT_HOST)
def test_a_gone_status_confirms_only_while_the_host_answers(
    seen: Observation, serving: bool, answering: bool, event: str, wants: str
) -> None:
    verdict = r.judge(SUSPECTED, seen, T0 + 2 * H, AGES, serving=serving, answering=answering)
    assert verdict.event == event
    assert (verdict.needs if verdict.wants_evidence else "none") == wants
    if event == "still":  # checked again within the hour
        assert (verdict.record.status, verdict.record.next_due) == ("suspected", T0 + 3 * H)


def test_edit_keeps_the_new_version_and_dates_it() -> None:
    verdict = r.judge(FRESH, EDIT, T0 + H, AGES)
    assert verdict.version == EDITED
    assert verdict.record.reference == EDITED
    assert verdict.record.edited_at == T0 + H


def test_deletion_is_dated_from_when_it_was_first_seen_gone() -> None:
    verdict = r.judge(SUSPECTED, GONE, T0 + 6 * H, AGES, answering=True)
    assert verdict.record.deleted_at == T0 + H
    assert r.judge(verdict.record, PAGE, T0 + D, AGES).record.restored_at == T0 + D


def test_no_reference_the_first_page_seen_becomes_it() -> None:
    unknown = replace(FRESH, reference=None)
    verdict = r.judge(unknown, PAGE, T0 + H, AGES)
    assert (verdict.event, verdict.record.reference, verdict.version) == ("baseline", TEXT, TEXT)
    assert r.judge(verdict.record, EDIT, T0 + 6 * H, AGES).event == "edited"


def test_backlog_is_bounded() -> None:
    # Whatever the sites answer, an article is checked at most once per age plus one
    # confirmation per suspicion, and never after its last age.
    for seen in (PAGE, GONE, DOWN, SOFT, NOT_MODIFIED):
        record, now, checks = FRESH, T0 + H, 0
        while record.next_due is not None:
            now = record.next_due
            record = r.judge(record, seen, now, AGES).record
            checks += 1
            # an unconfirmed suspicion: hourly for a day at most
            assert checks <= 2 * len(AGES) + r.UNDECIDED_AFTER // r.CONFIRM_AFTER
        assert now <= T0 + 30 * D + H


def test_overlap() -> None:
    assert t.overlap(REF, REF) == 1.0
    assert t.overlap(REF, t.normalize(EDITED)) > r.SOFT_404_BELOW
    assert t.overlap(REF, t.normalize(SOFT.text or "")) < r.SOFT_404_BELOW


def test_undecided_suspicion_is_bounded() -> None:
    # Outages after a suspicion at the last age: checked hourly, at most
    # UNDECIDED_AFTER / CONFIRM_AFTER more times, then left suspected (undecided).
    record, checks = SUSPECTED_LAST, 0
    while record.next_due is not None:
        now = record.next_due
        record = r.judge(record, DOWN, now, SHORT_AGES).record
        checks += 1
        assert checks <= 24
    assert record.status == "suspected"


# (what was seen, record before, validators kept) -- finding 1: a page judged gone
# keeps no validators, so a 304 can never vouch for it.
VALIDATORS = [
    (Observation("page", text=TEXT, etag='"a"'), FRESH, "new"),
    (Observation("page", text=EDITED, etag='"b"'), FRESH, "new"),
    (replace(SOFT, etag='"404"'), FRESH, "drop"),
    (replace(SOFT, last_modified="Mon, 01 Jan 2024 00:00:00 GMT"), SUSPECTED, "drop"),
    (Observation("page", text="Checking your browser before accessing", etag='"c"'), FRESH, "drop"),
    (GONE, FRESH, "drop"),
    (DOWN, FRESH, "keep"),
    (NOT_MODIFIED, FRESH, "keep"),
    (NOT_MODIFIED, SUSPECTED, "drop"),
    (NOT_MODIFIED, DELETED, "drop"),
    (PAGE, DELETED, "new"),  # back: its validators are good again
]


@pytest.mark.parametrize(("seen", "record", "kept"), VALIDATORS)
def test_validators(seen: Observation, record: Record, kept: str) -> None:
    assert r.judge(record, seen, T0 + 2 * H, AGES).validators == kept


SOFT_ETAG = Observation("page", text=SOFT.text, etag='"nf"')


def test_soft_404_with_etag_then_304_is_not_cleared() -> None:
    # The reviewer's case: soft 404 with an ETag at 11:00, then 304 at 12:00.
    first = r.judge(FRESH, SOFT_ETAG, T0 + H, AGES)
    assert (first.event, first.validators) == ("suspected", "drop")
    second = r.judge(first.record, NOT_MODIFIED, T0 + 2 * H, AGES)
    assert second.record.status == "suspected"


ARTICLE = "https://n.example/?p=7"
# (article URL, final URL, the article's known keys, removal?) -- finding 2: a redirect
# is a removal only when it is new (not where it ended at archiving time).
REDIRECTS_NEW = [
    (ARTICLE, "https://n.example/story-slug/", {ARTICLE, "https://n.example/story-slug/"}, False),
    ("https://n.example/go/8", "https://n.example/story", {"https://n.example/story"}, False),
    ("https://n.example/go/8", "https://n.example/", {"https://n.example/story"}, True),
    ("https://n.example/n/a.html", "https://n.example/", {"https://n.example/n/a.html"}, True),
    ("https://n.example/n/a.html", "https://n.example/a", {"https://n.example/n/a.html"}, True),
]


@pytest.mark.parametrize(("url", "final", "keys", "removed"), REDIRECTS_NEW)
def test_redirect_removes(url: str, final: str, keys: set[str], removed: bool) -> None:
    assert r.redirect_removes(url, final, final, frozenset(keys)) is removed


# (article URL, final URL, the article's known keys, another archived article there?,
# asked?, removal?) -- look19, finding 6: a new redirect to another archived article is a
# removal-like one; the state is asked only when the redirect is new and ends on no front
# or section page.
OTHER = "https://n.example/n/b.html"
REDIRECTS_TO_ARTICLES = [
    ("https://n.example/n/a.html", OTHER, {"https://n.example/n/a.html"}, True, True, True),
    ("https://n.example/n/a.html", OTHER, {"https://n.example/n/a.html"}, False, True, False),
    (
        "https://n.example/n/a.html",
        OTHER,
        {"https://n.example/n/a.html", OTHER},
        True,
        False,
        False,
    ),
    (
        "https://n.example/n/a.html",
        "https://n.example/",
        {"https://n.example/n/a.html"},
        False,
        False,
        True,
    ),
]


@pytest.mark.parametrize(
    ("url", "final", "keys", "other", "asked", "removed"), REDIRECTS_TO_ARTICLES
)
def test_a_redirect_to_another_archived_article(
    url: str, final: str, keys: set[str], other: bool, asked: bool, removed: bool
) -> None:
    assert pg.asks_archived_at(url, final, final, frozenset(keys)) is asked
    assert r.redirect_removes(url, final, final, frozenset(keys), other) is removed


LONG = TEXT + "\n" + "第二段：会谈持续了三个小时，双方发表了联合声明。"
FRONT_PAGE = "首页 新闻 国际 财经 体育 科技 娱乐 更多精彩内容请关注我们的网站与客户端。"


# (record, the page a removal-like redirect ended on, post text, event) -- a target
# that still holds the article is no removal (a slug renamed).
@pytest.mark.parametrize(
    ("record", "text", "post", "event"),
    [
        (replace(FRESH, reference=LONG), LONG, None, "unchanged"),
        (replace(FRESH, reference=LONG), LONG + "\n又及。新增一段。", None, "edited"),
        (replace(FRESH, reference=LONG), FRONT_PAGE, None, "suspected"),
        (replace(FRESH, reference=None), LONG, LONG, "baseline"),
        (replace(FRESH, reference=None), FRONT_PAGE, LONG, "suspected"),
        (replace(FRESH, reference=None), LONG, None, "suspected"),
    ],
)
def test_removal_redirect_target_holds_article(
    record: Record, text: str, post: str | None, event: str
) -> None:
    seen = Observation("page", text=text, removal=True)
    assert r.judge(record, seen, T0 + H, AGES, post_text=post).event == event


def test_a_redirect_to_another_article_holds_this_one_only_when_nearly_all_of_it() -> None:
    """look19, finding 6: another article sharing a third of this one's trigrams (a
    follow-up, a site's templates) is a removal; the same text under another URL is not."""
    record = replace(FRESH, reference=LONG)
    follow_up = (
        "美国和日本周日举行2+2安全会谈，讨论核威慑问题。中国外交部周一作出回应，批评双方加强"
        "军事合作。\n第二段：发言人表示，有关国家应当停止制造地区紧张。"
    )
    for text, into, event in [
        (follow_up, False, "edited"),
        (follow_up, True, "suspected"),
        (LONG, True, "unchanged"),
    ]:
        assert r.overlap(t.normalize(LONG), t.normalize(follow_up)) < r.MERGED_HOLDS
        seen = Observation("page", text=text, removal=True, into_article=into)
        assert r.judge(record, seen, T0 + H, AGES).event == event


# (record, what was seen, when, event, status after) with evidence that the host serves
# its other articles: a page without the article confirms then (review 19b, H1).
SERVING = [
    (SUSPECTED, SOFT, T0 + 2 * H, "deleted", "deleted"),
    (SUSPECTED, EMPTY, T0 + 2 * H, "deleted", "deleted"),
    (SUSPECTED, SOFT, T0 + H + timedelta(minutes=30), "still", "suspected"),
    (FRESH, SOFT, T0 + H, "suspected", "suspected"),
    (SUSPECTED, PAGE, T0 + 2 * H, "unchanged", "unchanged"),
    (SUSPECTED, DOWN, T0 + 2 * H, "outage", "suspected"),
]


@pytest.mark.parametrize(("record", "seen", "now", "event", "status"), SERVING)
def test_a_page_without_the_article_confirms_only_with_evidence(
    record: Record, seen: Observation, now: datetime, event: str, status: str
) -> None:
    verdict = r.judge(record, seen, now, AGES, serving=True)
    assert (verdict.event, verdict.record.status) == (event, status)
    assert not verdict.wants_evidence
    without = r.judge(record, seen, now, AGES)
    assert without.wants_evidence is (event == "deleted")


HUGE_YEAR = "Mon, 01 Jan 99999999999999999999 00:00:00 GMT"
# (Last-Modified, now, kept) -- review 19b H4: one later than the response's Date (or
# when it was stored) is a clock's error; sent back it would answer 304 to every edit.
LAST_MODIFIED = [
    ("Tue, 01 Jan 2030 00:00:00 GMT", T0, None),
    ("Wed, 24 Jul 2024 01:00:01 GMT", T0, None),
    ("Wed, 24 Jul 2024 01:00:00 GMT", T0, "Wed, 24 Jul 2024 01:00:00 GMT"),
    ("Mon, 01 Jan 2024 00:00:00 GMT", T0, "Mon, 01 Jan 2024 00:00:00 GMT"),
    ("yesterday", T0, "yesterday"),  # unreadable: sent back as it came
    # Review of issue 18, H1: the standard library's OverflowError ended every run.
    (HUGE_YEAR, T0, HUGE_YEAR),
    (None, T0, None),
]


@pytest.mark.parametrize(("value", "now", "kept"), LAST_MODIFIED)
def test_a_last_modified_in_the_future_is_no_validator(
    value: str | None, now: datetime, kept: str | None
) -> None:
    assert dates.plausible_last_modified(value, now) == kept


def test_response_time_is_the_date_header_else_now() -> None:
    assert dates.response_time("Wed, 24 Jul 2024 03:00:00 GMT", T0) == T0 + 2 * H
    assert dates.response_time(None, T0) == T0
    assert dates.response_time("garbage", T0) == T0
    assert dates.response_time(HUGE_YEAR, T0) == T0


# Review 19b H3: one page line a case, whether it is left out of the comparison (an
# update stamp, a counter) or kept (a sentence: an edit when it changes).
LINES = [
    json.loads(line)
    for line in (Path(__file__).parent.parent / "recheck_lines" / "cases.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()
    if line.strip()
]


@pytest.mark.parametrize("case", LINES, ids=[c["line"] for c in LINES])
def test_page_lines_left_out_of_the_comparison(case: dict[str, Any]) -> None:
    with_line = t.normalize(TEXT + "\n" + case["line"])
    assert (with_line == REF) is case["ignorable"]


# Finding 9: counters and relative times are not edits; real numbers are.
COUNTERS_SAME = [
    (TEXT + "\n阅读次数：1234 · 评论 5", TEXT + "\n阅读次数：1301 · 评论 9"),
    (TEXT + "\nViews: 1,234 | Comments (5)", TEXT + "\nViews: 2,001 | Comments (12)"),
    (TEXT + "\nUpdated 1 hour ago", TEXT + "\nUpdated 3 hours ago"),
    (TEXT + "\n5 小时前", TEXT + "\n7 小时前"),
    (TEXT + "\n12 comments", TEXT + "\n13 comments"),
    (TEXT + "\n更新于 3小时前", TEXT),
    (
        TEXT + "\nViews: 99999 · Comments: 77 · Updated 2026-12-01 11:00",
        TEXT + "\nViews: 123 · Comments: 4 · Updated 2026-12-06 10:00",
    ),
    ("see https://a.example/x?id=3&utm_source=tw&fbclid=1", "see https://a.example/x?id=3"),
    ("https://a.example/x?utm_medium=rss", "https://a.example/x"),
    # Review 19e, H1: counters beside a headline's or byline's text, set off by a
    # separator, even when both fetches of a check show the same value.
    ("# Council approves budget — 1,000 views", "# Council approves budget — 2,345 views"),
    ("By Jane Doe | 12 comments | 3 min read", "By Jane Doe | 40 comments | 4 min read"),
    ("市长签署预算案 | 阅读 1000", "市长签署预算案 | 阅读 2345"),
    ("市长签署预算案 · 阅读次数：1000", "市长签署预算案 · 阅读次数：2345"),
]


@pytest.mark.parametrize(("a", "b"), COUNTERS_SAME)
def test_counters_are_not_edits(a: str, b: str) -> None:
    assert t.normalize(a) == t.normalize(b)


COUNTERS_DIFFERENT = [
    ("至少 12 人死亡", "至少 15 人死亡"),  # casualty figures
    ("3 killed, 12 injured", "4 killed, 12 injured"),
    (
        "Officials received 12 comments from the public",
        "Officials received 40 comments from the public",
    ),
    ("阅读次数：1234，他说这个数字是假的", "阅读次数：9999，他说这个数字是假的"),
    ("The vote was 3 hours ago postponed", "The vote was 5 hours ago postponed"),
    ("https://a.example/x?id=3", "https://a.example/x?id=4"),
    (
        "The law was updated 2026-12-01 by parliament",
        "The law was updated 2026-12-06 by parliament",
    ),
    # A counter's words in a sentence, not set off by a separator: a fact.
    ("The video has 1,000 views", "The video has 2,345 views"),
    ("Budget - the vote drew 12 comments", "Budget - the vote drew 40 comments"),
    ("# Council approves budget — 1,000 views", "# Council rejects budget — 2,345 views"),
]


@pytest.mark.parametrize(("a", "b"), COUNTERS_DIFFERENT)
def test_real_numbers_are_edits(a: str, b: str) -> None:
    assert t.normalize(a) != t.normalize(b)


def test_a_login_wall_without_the_article_is_never_confirmed_deleted() -> None:
    """look19, finding 5: a page asking to log in, without the article, is a suspicion
    said as walled; with the host serving its other articles, a day later, still not a
    deletion; the article back, unchanged."""
    wall = replace(EMPTY, wall='"登录" and a login form')
    first = r.judge(FRESH, wall, T0 + H, AGES)
    assert (first.event, first.record.status) == ("suspected", "suspected")
    assert first.note.startswith(r.WALLED)
    later = r.judge(first.record, wall, T0 + 3 * H, AGES, serving=True, answering=True)
    assert (later.event, later.record.status) == ("still", "suspected")
    assert r.judge(first.record, EMPTY, T0 + 3 * H, AGES, serving=True).event == "deleted"
    back = r.judge(later.record, PAGE, T0 + 4 * H, AGES)
    assert back.record.status == "unchanged"
