"""What a re-check compares, as tables (rssarchive/recheck_text.py and the verdicts of
recheck.judge that use it): headlines, Han variants, volatile lines between two
fetches, paywall teasers, posts from the feed's text (review 19c F1-F4, F9)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from rssarchive.core import recheck as r
from rssarchive.core import recheck_schedule as s
from rssarchive.core import recheck_text as t
from rssarchive.core.recheck import Observation, Record

T0 = datetime(2024, 7, 24, 1, 0, tzinfo=UTC)
H = timedelta(hours=1)
P = [
    "The city council approved the budget on Tuesday by forty votes to ten.",
    "The mayor said she would sign the budget this week.",
    "Opposition members said the plan left the northern districts behind.",
    "The budget takes effect in January; the first buses run in the spring.",
]
BODY = "\n".join(P)
REF = t.join_headline("Council approves budget", BODY)


def page(body: str, headline: str | None = "Council approves budget") -> str:
    return t.join_headline(headline, body)


@pytest.mark.parametrize(
    ("text", "headline", "body"),
    [
        ("# Title\n\nline one\nline two", "Title", "line one\nline two"),
        ("line one\nline two", None, "line one\nline two"),  # kept before headlines were
        ("# not a headline\nline two", None, "# not a headline\nline two"),  # no empty line
        ("# Title\n\n", "Title", ""),  # a headline kept at archiving, body still to come
    ],
)
def test_split_headline(text: str, headline: str | None, body: str) -> None:
    assert t.split_headline(text) == (headline, body)
    if headline is not None and body:
        assert t.join_headline(headline, body) == text


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("议会周二以四十票通过预算", "議會週二以四十票通過預算", True),
        ("议会周二以四十票通过预算", "议会周三以四十票通过预算", False),
        ("市长签署预算案", "市長簽署預算案", True),
        ("市长签署预算案", "市长拒绝签署预算案", False),
        # A serving time to the second in a byline; a race time or a date is a fact.
        ("By Jane Doe | 2026-12-07 02:47:22", "By Jane Doe | 2026-12-07 03:11:12", True),
        ("She won in 2:03:45", "She won in 2:03:46", False),
        ("The vote is on 2026-12-07", "The vote is on 2026-12-08", False),
        # Beside Han characters too (no \b between 于 and 2), and written in Chinese
        # (review 19e, H5); a date alone is still a fact.
        ("记者 张三 更新于2026-12-07 02:47:22", "记者 张三 更新于2026-12-07 03:11:12", True),
        ("时间2026-12-07 02:47:22更新", "时间2026-12-07 03:11:12更新", True),
        (
            "发布时间:2026年12月7日 10:02:11 来源:新华社",
            "发布时间:2026年12月7日 10:05:42 来源:新华社",
            True,
        ),
        ("发布时间:2026年12月7日10:02:11", "发布时间:2026年12月7日10:05:42", True),
        ("会议于2026年12月7日举行", "会议于2026年12月8日举行", False),
        ("比赛成绩12:03:45", "比赛成绩12:03:46", False),
        # A date-time to the second inside a sentence is the article's (look19 F1); a
        # byline's alone on its line or after a separator is a serving time.
        (
            "The hearing is set for 2026-12-09 10:00:00 at the court.",
            "The hearing is set for 2026-12-19 10:00:00 at the court.",
            False,
        ),
        (
            "法院定于2026年12月9日 10:00:00开庭审理此案。",
            "法院定于2026年12月19日 10:00:00开庭审理此案。",
            False,
        ),
        (
            "The blast happened at 2026-12-07 02:47:22 local time, police said.",
            "The blast happened at 2026-11-30 21:05:09 local time, police said.",
            False,
        ),
        (
            "截至2026年12月7日 10:00:00，死亡人数12人",
            "截至2026年12月7日 11:00:00，死亡人数12人",
            False,
        ),
        ("2026年12月7日 10:00:00，死亡人数12人", "2026年12月7日 11:00:00，死亡人数12人", False),
        ("Lede.\n2026-12-07 02:47:22 GMT\nEnd.", "Lede.\n2026-12-07 03:47:22 GMT\nEnd.", True),
        ("2026-12-07 02:47:22 | By Jane Doe", "2026-12-07 03:01:09 | By Jane Doe", True),
        (
            "Updated: 2026-12-07 02:47:22 · 5 min read",
            "Updated: 2026-12-07 03:01:09 · 5 min read",
            True,
        ),
    ],
)
def test_variants_that_are_the_same_text(a: str, b: str, same: bool) -> None:
    assert (t.normalize(a) == t.normalize(b)) is same


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        # A site's name one side has and the other lacks (look19 F2).
        ("OG added", "OG added | The Daily News", True),
        ("Council approves budget | Daily News", "Council approves budget", True),
        ("Daily News :: Council approves budget", "Council approves budget", True),
        ("市长签署预算案", "市长签署预算案｜每日新闻", True),
        ("市长签署预算案", "市长签署预算案_每日新闻网", True),
        # Han beyond the BMP (extension B) beside the "_" too (issue 18: one range).
        ("市长试乘𨋢", "市长试乘𨋢_每日新闻网", True),
        # The headline's own words changed: an edit, whatever the site's name does.
        ("Council approves budget | Daily News", "Council rejects budget | Daily News", False),
        ("Daily News | Council approves budget", "Daily News | Council rejects budget", False),
        ("Council approves budget", "Council rejects budget | Daily News", False),
        ("Council approves budget", "Council approves budget - and new buses", True),  # limit
    ],
)
def test_headlines_the_same_but_a_sites_name(a: str, b: str, same: bool) -> None:
    assert t.same_but_site_name(a, b, t.normalize) is same
    assert t.same_but_site_name(b, a, t.normalize) is same


@pytest.mark.parametrize(
    ("title", "heading", "compared"),
    [
        # og:title is the <h1> plus a site's name: the <h1> (look19 F2).
        ("OG suffix - The Daily News Online", "OG suffix", "OG suffix"),
        ("Daily News | OG prefix", "OG prefix", "OG prefix"),
        ("OG suffix", "OG suffix", "OG suffix"),
        # A share title in other words than the <h1>: the share title, as archived.
        (
            "Budget passes after long night",
            "Council approves budget",
            "Budget passes after long night",
        ),
        ("Council approves budget", None, "Council approves budget"),
        (None, "Council approves budget", None),
    ],
)
def test_page_headline(title: str | None, heading: str | None, compared: str | None) -> None:
    assert t.page_headline(title, heading) == compared


@pytest.mark.parametrize(
    ("text", "teaser"),
    [
        (P[0] + "\nSubscribe to continue reading. Already a subscriber? Log in.", True),
        (P[0] + "\n" + P[1][:30] + "…\n订阅后即可阅读全文。", True),  # the last one cut short
        ("\n".join(P[:3]) + "\nRegister for free to keep reading", True),
        (P[0] + "\nSubscribe", True),
        # An English prompt word right before Han characters (no \b there: review 19e).
        (P[0] + "\nLog in后查看全部内容", True),
        (P[0] + "\nSign up即可查看全部内容", True),
        (P[0], False),  # no prompt: the article cut short (is_truncated's)
        (BODY + "\nSubscribe to our newsletter", False),  # all of it: no teaser
        (P[0] + "\nThe council later reversed its decision after a public outcry.", False),
        ("Subscribe to continue reading.", False),  # nothing of the article: a soft 404
        (P[2] + "\n" + P[0] + "\nSubscribe", False),  # not in the article's order
    ],
)
def test_is_teaser(text: str, teaser: bool) -> None:
    assert t.is_teaser(BODY, text, t.normalize) is teaser


def _seen(text: str, second: str | None = None) -> Observation:
    return Observation("page", text=text, second=second)


FRESH = Record(archived=T0, next_due=T0 + H, reference=REF)
LATER = T0 + H


@pytest.mark.parametrize(
    ("seen", "event", "version_starts"),
    [
        # A counter that changes per request.
        (_seen(page("5 readers now\n" + BODY), page("9 readers now\n" + BODY)), "unchanged", None),
        # An A/B lede and an A/B headline.
        (
            _seen(page("Lede B.\n" + BODY), page("Lede A.\n" + BODY, "Budget passes")),
            "unchanged",
            None,
        ),
        # A headline rewritten, seen alike by both fetches.
        (
            _seen(page(BODY, "Council rejects budget"), page(BODY, "Council rejects budget")),
            "edited",
            "# Council rejects budget\n",
        ),
        # Two fetches that share nothing say nothing.
        (
            _seen(page(BODY), page("Something else entirely, nothing alike here at all.")),
            "outage",
            None,
        ),
        # Without a second fetch (none made), a headline changed is an edit.
        (_seen(page(BODY, "議會通過預算")), "edited", "# 議會通過預算"),
        # A teaser: suspected, never an edit.
        (_seen(page(P[0] + "\nSubscribe to continue reading.")), "suspected", None),
        # The headline with a site's name added, by both fetches: no edit (look19 F2);
        # a word of it changed beside that name is one.
        (
            _seen(
                page(BODY, "Council approves budget | The Daily News"),
                page(BODY, "Council approves budget | The Daily News"),
            ),
            "unchanged",
            None,
        ),
        (
            _seen(
                page(BODY, "Council rejects budget | The Daily News"),
                page(BODY, "Council rejects budget | The Daily News"),
            ),
            "edited",
            "# Council rejects budget | The Daily News\n",
        ),
    ],
)
def test_decide_with_a_confirming_fetch(
    seen: Observation, event: str, version_starts: str | None
) -> None:
    verdict = r.judge(FRESH, seen, LATER, s.AGES)
    assert verdict.event == event
    if version_starts is not None:
        assert verdict.version is not None and verdict.version.startswith(version_starts)
        assert verdict.before == REF
    else:
        assert verdict.version is None


def test_a_headline_in_han_variants_is_the_same() -> None:
    record = Record(archived=T0, next_due=T0 + H, reference=t.join_headline("议会通过预算", BODY))
    assert r.judge(record, _seen(page(BODY, "議會通過預算")), LATER, s.AGES).event == "unchanged"


def test_a_teaser_is_never_confirmed_whatever_the_host_serves() -> None:
    first = r.judge(FRESH, _seen(page(P[0] + "\nSubscribe to continue reading.")), LATER, s.AGES)
    assert (first.event, first.record.status) == ("suspected", "suspected")
    again = r.judge(
        first.record,
        _seen(page(P[0] + "\nLog in to read on.")),
        LATER + 2 * H,
        s.AGES,
        serving=True,
    )
    assert (again.event, again.record.status, again.wants_evidence) == ("still", "suspected", False)
    back = r.judge(again.record, _seen(page(BODY)), LATER + 6 * H, s.AGES)
    assert (back.event, back.record.status, back.version) == ("unchanged", "unchanged", None)


@pytest.mark.parametrize(
    ("text", "event"),
    [
        (
            "We and our partners use cookies on your device. Accept all or manage settings.",
            "suspected",
        ),
        (P[0] + "\nSubscribe to continue reading.", "suspected"),
        (BODY + "\nRelated: other stories", "baseline"),
    ],
)
def test_a_feed_text_post_is_its_own_reference(text: str, event: str) -> None:
    record = Record(archived=T0, next_due=T0 + H)
    verdict = r.judge(record, _seen(page(text)), LATER, s.AGES, post_text=BODY, serving=True)
    assert verdict.event == event
    assert (verdict.version is not None) is (event == "baseline")


def test_a_headline_alone_kept_at_archiving_with_no_post_is_no_reference() -> None:
    record = Record(archived=T0, next_due=T0 + H, reference=t.join_headline("Council", ""))
    verdict = r.judge(record, _seen(page(BODY)), LATER, s.AGES)
    assert verdict.event == "baseline"


def test_a_reference_without_headline_takes_the_pages() -> None:
    record = Record(archived=T0, next_due=T0 + H, reference=BODY)
    verdict = r.judge(record, _seen(page(BODY, "Anything")), LATER, s.AGES)
    assert verdict.event == "unchanged"
    assert verdict.record.reference == t.join_headline("Anything", BODY)


def test_a_text_kept_earlier_is_no_new_version() -> None:
    b = page("Lede B.\n" + BODY)
    record = Record(archived=T0, next_due=T0 + H, reference=b, edited_at=T0, status="edited")
    a = page("Lede A.\n" + BODY)
    verdict = r.judge(record, _seen(a, a), LATER, s.AGES, earlier=[page("Lede A.\n" + BODY), b])
    assert (verdict.event, verdict.version, verdict.record.reference) == ("unchanged", None, a)
    fresh = r.judge(record, _seen(a, a), LATER, s.AGES, earlier=[b])
    assert fresh.event == "edited"


@pytest.mark.parametrize(
    ("known", "seen", "wanted"),
    [
        (REF, _seen(REF), False),
        (REF, _seen(page("7 readers\n" + BODY)), True),
        (REF, _seen(page(BODY, "New headline")), True),
        (BODY, _seen(page(BODY, "Any headline")), False),  # no headline known: none compared
        (None, _seen(REF), False),
        (REF, Observation("not_modified"), False),
        (REF, Observation("page", text=None), False),
    ],
)
def test_wants_confirming(known: str | None, seen: Observation, wanted: bool) -> None:
    assert r.wants_confirming(known, seen) is wanted
