"""What a check's two fetches confirm, at token level (core/recheck_tokens.py), and the
verdict rules around it (core/recheck.py): review 19d, findings 1-6 and 9.

The cases of :func:`recheck_tokens.confirm` are data: tests/recheck_confirm/cases.jsonl,
one a line (the reference's, the first fetch's and the second fetch's paragraphs, the
variants earlier checks saw volatile when any (``known``), and whether the first fetch
is an edit of the reference that the second confirms)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from rssarchive.core import recheck as r
from rssarchive.core import recheck_schedule as s
from rssarchive.core import recheck_text as t
from rssarchive.core import recheck_tokens as k
from rssarchive.core.recheck import Observation, Record

CASES = [
    json.loads(line)
    for line in (Path(__file__).parent.parent / "recheck_confirm" / "cases.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()
    if line.strip()
]


def _lines(paragraphs: list[str]) -> list[str]:
    return [key for key in map(t.normalize_line, paragraphs) if key]


@pytest.mark.parametrize("case", CASES, ids=[c["why"] for c in CASES])
def test_confirm(case: dict[str, Any]) -> None:
    known = frozenset(
        "\n".join(_lines(v.split("\n"))) for v in case.get("known", [])
    )  # a variant's lines as learned() keeps them (normalised, one block a string)
    got = k.confirm(_lines(case["reference"]), _lines(case["first"]), _lines(case["second"]), known)
    assert got.edited is case["edited"]


def test_a_line_both_fetches_disagree_on_entirely_is_not_kept() -> None:
    a = _lines(["Alpha beta gamma delta.", "Sponsored", "Epsilon zeta."])
    b = _lines(["Alpha beta gamma delta.", "Advertisement", "Epsilon zeta."])
    assert k.confirm(None, a, b).kept == (True, False, True)


def test_a_line_holding_a_counter_is_kept_with_it() -> None:
    a = _lines(["At least 15 died. 1037 people are reading this now."])
    b = _lines(["At least 15 died. 1074 people are reading this now."])
    assert k.confirm(None, a, b).kept == (True,)


def test_a_shuffled_box_is_kept_in_the_first_fetchs_order() -> None:
    a = _lines(["Text of the article.", "Most read: B", "Most read: C", "Most read: A"])
    b = _lines(["Text of the article.", "Most read: C", "Most read: A", "Most read: B"])
    assert k.confirm(a, a, b).kept == (True, True, True, True)
    assert k.shuffled(a, b) == frozenset(a[1:])


def test_a_page_whose_paragraphs_two_fetches_order_differently_is_no_box() -> None:
    a = [f"paragraph {n}" for n in range(k.SHUFFLE_MAX_LINES + 2)]
    assert k.shuffled(a, [*a[1:], a[0]]) == frozenset()


# -- finding 6: Han folding only across scripts ------------------------------------------


@pytest.mark.parametrize(
    ("texts", "fold"),
    [
        (("涉案的鐘姓男子已被拘留", "涉案的鍾姓男子已被拘留"), False),  # traditional only
        (("议会周二通过了预算", "議會週二通過了預算"), True),  # the two scripts
        (("议会周二通过了预算", "议会周三通过了预算"), False),
        (("Council approves budget", "議會週二通過了預算"), False),  # one has no Han
        (("議會週二通過了預算", "议会周二通过了预算", "議會週二通過了預算"), True),
    ],
)
def test_folds_only_across_scripts(texts: tuple[str, ...], fold: bool) -> None:
    assert t.folds(*texts) is fold


T0 = datetime(2024, 7, 24, 1, 0, tzinfo=UTC)
H = timedelta(hours=1)
AGES = s.AGES
BODY = "The city council approved the budget on Tuesday by forty votes to ten.\n" + (
    "The mayor said she would sign the budget this week, and order the buses."
)
TRAD = "議會週二以四十票對十票通過了預算。\n警方表示，涉案的鐘姓男子已被拘留，案件仍在調查中。"


def _record(reference: str, **kw: Any) -> Record:
    return Record(archived=T0, next_due=T0 + H, reference=reference, **kw)


def test_a_surname_corrected_on_a_traditional_site_is_an_edit() -> None:
    page = TRAD.replace("鐘", "鍾")
    seen = Observation("page", text=page)
    assert r.wants_confirming(TRAD, seen)
    verdict = r.judge(_record(TRAD), replace(seen, second=page), T0 + H, AGES)
    assert verdict.event == "edited"


def test_the_same_article_in_the_other_script_is_no_edit() -> None:
    simplified = (
        "议会周二以四十票对十票通过了预算。\n警方表示，涉案的钟姓男子已被拘留，案件仍在调查中。"
    )
    assert not r.wants_confirming(TRAD, Observation("page", text=simplified))


# -- finding 4: an A/B headline the archive has neither variant of ------------------------


@pytest.mark.parametrize(
    ("archived", "first", "second", "earlier", "event"),
    [
        # The archive has one of the variants: an A/B test, no edit.
        ("Council approves budget", "Budget passes", "Council approves budget", (), "unchanged"),
        # Neither: the headline was changed (and is A/B tested since): an edit.
        ("Council approves budget", "Council rejects budget", "What it means", (), "edited"),
        # A kept version has one of them: an A/B test of a headline seen before.
        (
            "Council approves budget",
            "Council rejects budget",
            "What it means",
            ("# What it means\n\n" + BODY,),
            "unchanged",
        ),
    ],
)
def test_a_headline_the_two_fetches_disagree_on(
    archived: str, first: str, second: str, earlier: tuple[str, ...], event: str
) -> None:
    reference = f"# {archived}\n\n{BODY}"
    seen = Observation("page", text=f"# {first}\n\n{BODY}", second=f"# {second}\n\n{BODY}")
    verdict = r.judge(_record(reference), seen, T0 + H, AGES, earlier=earlier)
    assert verdict.event == event
    if event == "edited":
        assert verdict.version is not None and verdict.version.startswith(f"# {first}\n")


# -- finding 5: an inconclusive second fetch -----------------------------------------------

WALL = "Checking your browser before accessing the site. This takes a few seconds."


@pytest.mark.parametrize(
    ("now", "due"),
    [
        (T0 + H, T0 + 2 * H),  # at the 1 h age: again an hour later, not at 6 h
        (T0 + 6 * H + 30 * 60 * timedelta(seconds=1), T0 + 7 * H + 30 * timedelta(minutes=1)),
        (T0 + 72 * H - H, T0 + 72 * H),  # two days after its age (1 d): at its next age
        (T0 + 30 * 24 * H + 2 * H, T0 + 30 * 24 * H + 3 * H),  # past the last age too
        (T0 + 30 * 24 * H + 24 * H, None),  # a day past the last age: given up
    ],
)
def test_an_inconclusive_second_fetch_is_checked_again_within_the_hour(
    now: datetime, due: datetime | None
) -> None:
    seen = Observation("page", text=BODY.replace("forty", "fifty"), second=WALL, etag='"new"')
    verdict = r.judge(_record(BODY), seen, now, AGES)
    assert verdict.event == "outage"
    assert verdict.validators == "keep"  # nothing of this check is taken for the page's
    assert verdict.record.next_due == due
    assert verdict.record.reference == BODY


def test_an_outage_without_a_second_fetch_waits_for_the_next_age() -> None:
    verdict = r.judge(_record(BODY), Observation("outage"), T0 + H, AGES)
    assert verdict.record.next_due == T0 + 6 * H


# -- finding 9: a 429 with Retry-After pauses the host's checks ------------------------------


def test_a_host_that_asked_for_a_pause_gets_no_more_checks_in_the_run() -> None:
    from rssarchive.core.models import Config
    from rssarchive.run.recheckgate import RecheckGate

    gate = RecheckGate(Config(Path("."), Path("s"), ()), s.Budget(100, 100.0), lambda: 0.0)
    with gate.check("a.example") as admit:
        assert admit is not None
    gate.back_off("a.example")
    with gate.check("a.example") as admit:
        assert admit is None
    with gate.check("b.example") as admit:
        assert admit is not None
    assert gate.backed_off() == ["a.example"]


# -- finding 10: variants an earlier check saw volatile ------------------------------------

AD1, AD2 = "Advertisement: Try our new coffee today", "Advertisement: Book your holiday now"


def test_a_variant_seen_volatile_earlier_is_no_edit_when_both_fetches_agree_on_it() -> None:
    archived = f"# Council approves budget\n\n{BODY}\n{AD1}"
    record = _record(archived)
    flip = Observation(
        "page",
        text=f"# Budget passes\n\n{BODY}\n{AD2}",
        second=f"# Council approves budget\n\n{BODY}\n{AD1}",
    )
    first = r.judge(record, flip, T0 + H, AGES)
    assert first.event == "unchanged"
    assert {t.normalize_line(AD1), t.normalize_line(AD2)} <= set(first.record.volatile)
    both = Observation(
        "page", text=f"# Budget passes\n\n{BODY}\n{AD2}", second=f"# Budget passes\n\n{BODY}\n{AD2}"
    )
    assert r.judge(first.record, both, T0 + 6 * H, AGES).event == "unchanged"
    # Without what the first check saw, the same page is an edit.
    assert r.judge(record, both, T0 + 6 * H, AGES).event == "edited"


def test_an_edit_beside_a_known_variant_is_still_one() -> None:
    record = _record(f"{BODY}\n{AD1}", volatile=(t.normalize_line(AD1), t.normalize_line(AD2)))
    page = f"{BODY.replace('forty', 'fifty')}\n{AD2}"
    seen = Observation("page", text=page, second=page)
    assert r.judge(record, seen, T0 + 6 * H, AGES).event == "edited"


@pytest.mark.parametrize(
    ("a", "b", "found"),
    [
        (["x", "Ad one", "y"], ["x", "Ad two", "y"], ["Ad one", "Ad two"]),
        # Review 19e, M2: a line one fetch lacks (a paragraph loaded late, or added
        # between the fetches), or two versions of one sentence (edited between them),
        # is no box rotating: not remembered.
        (["x", "Ad one", "y"], ["x", "y"], []),
        (["x", "y"], ["x", "Ad one", "y"], []),
        (
            ["x", "the mayor will sign it this week.", "y"],
            ["x", "the mayor will sign it next week.", "y"],
            [],
        ),
        (["x", "议会周二通过了预算。", "y"], ["x", "议会周三通过了预算。", "y"], []),
        (
            ["x", "Most read: storm closes schools", "y"],
            ["x", "Most read: team wins cup", "y"],
            ["Most read: storm closes schools", "Most read: team wins cup"],
        ),
        (["x", "1037", "y"], ["x", "1074", "y"], []),  # a counter never comes back
        (["x", "Ad 1037 here", "y"], ["x", "Ad 1074 here", "y"], []),
        (["x", "y" * 400], ["x", "z" * 400], []),  # too long to be a box or an ad
    ],
)
def test_variants(a: list[str], b: list[str], found: list[str]) -> None:
    assert k.variants(a, b) == found


# -- finding 7: a second fetch takes the host's next turn -----------------------------------


def test_a_second_fetch_goes_before_the_hosts_first_fetches_waiting() -> None:
    import threading
    import time

    from rssarchive.core.models import Config
    from rssarchive.run.recheckgate import RecheckGate

    gate = RecheckGate(Config(Path("."), Path("s"), ()), s.Budget(100, 100.0), lambda: 0.0)
    order: list[str] = []
    release, held = threading.Event(), threading.Event()

    def holder() -> None:
        with gate.check("a.example"):
            held.set()
            release.wait(30)

    def check(name: str, confirming: bool) -> None:
        with gate.check("a.example", confirming=confirming):
            order.append(name)

    def until(count: int) -> None:
        # Wait for the checks started to be queued at the gate (a state, not a time).
        deadline = time.monotonic() + 30
        while gate.waiting("a.example") < count and time.monotonic() < deadline:
            time.sleep(0.005)
        assert gate.waiting("a.example") == count

    threads = [threading.Thread(target=holder)]
    threads[0].start()
    assert held.wait(30)  # the host's one place is taken
    threads.append(threading.Thread(target=check, args=("first fetch", False)))
    threads[-1].start()
    until(1)  # a check's first fetch waits first ...
    threads.append(threading.Thread(target=check, args=("second fetch", True)))
    threads[-1].start()
    until(2)  # ... then another check's second fetch
    release.set()
    for thread in threads:
        thread.join(30)
    assert order == ["second fetch", "first fetch"]


# -- review 19e, H1: a headline compared token by token, as the body is ----------------------


@pytest.mark.parametrize(
    ("archived", "first", "second", "event"),
    [
        # A counter on the headline's line, counting per request: no edit.
        (
            "Council approves budget — 1,000 views",
            "Council approves budget — 1,037 views",
            "Council approves budget — 1,074 views",
            "unchanged",
        ),
        (
            "市长签署预算案 阅读 1000",
            "市长签署预算案 阅读 1037",
            "市长签署预算案 阅读 1074",
            "unchanged",
        ),
        # A word of it changed beside the counter: an edit.
        (
            "Council approves budget — 1,000 views",
            "Council rejects budget — 1,037 views",
            "Council rejects budget — 1,074 views",
            "edited",
        ),
        (
            "市长签署预算案 阅读 1000",
            "市长拒绝签署预算案 阅读 1037",
            "市长拒绝签署预算案 阅读 1074",
            "edited",
        ),
        # An A/B headline with a counter, the archive holding one variant: no edit.
        (
            "Council approves budget — 1,000 views",
            "Budget passes — 1,037 views",
            "Council approves budget — 1,074 views",
            "unchanged",
        ),
    ],
)
def test_a_headline_is_compared_token_by_token(
    archived: str, first: str, second: str, event: str
) -> None:
    reference = f"# {archived}\n\n{BODY}"
    seen = Observation("page", text=f"# {first}\n\n{BODY}", second=f"# {second}\n\n{BODY}")
    verdict = r.judge(_record(reference), seen, T0 + H, AGES)
    assert verdict.event == event
    if [c for c in first if not c.isdigit()] == [c for c in second if not c.isdigit()]:
        # A counter is not remembered as a variant: its values never come back.
        assert not any(v.startswith(t.HEADLINE) for v in verdict.record.volatile)
    if event == "edited":
        assert verdict.version is not None and verdict.version.startswith(f"# {first}\n")


# -- review 19e, M2: only what is plausibly volatile is remembered, and never masks an edit --

S = "The mayor said she would sign the budget this week, and order the buses."
S2 = "The mayor said she would sign the budget next week, and order the buses."
P0 = "The city council approved the budget on Tuesday by forty votes to ten."
LATE = "Opposition members said the plan left the northern districts behind."


def _checks(reference: str, fetches: list[tuple[str, str]]) -> list[str]:
    """The events of checks made one after the other, each of two fetches."""
    record, events = _record(reference), []
    for n, (first, second) in enumerate(fetches, start=1):
        verdict = r.judge(record, Observation("page", text=first, second=second), T0 + n * H, AGES)
        record, events = verdict.record, [*events, verdict.event]
    return events


def test_a_sentence_edited_between_the_two_fetches_is_an_edit_once_both_agree() -> None:
    # The first check's fetches straddle the edit: no edit yet (B shows the old text);
    # the next check's both show the new one: an edit, not a remembered "variant".
    old, new = f"{P0}\n{S}", f"{P0}\n{S2}"
    assert _checks(old, [(new, old), (new, new)]) == ["unchanged", "edited"]


def test_a_paragraph_one_fetch_lacked_then_removed_is_an_edit() -> None:
    # A paragraph loaded late (the first fetch lacks it), later removed for good.
    full, cut = f"{P0}\n{S}\n{LATE}", f"{P0}\n{S}"
    assert _checks(full, [(cut, full), (cut, cut)]) == ["unchanged", "edited"]


def test_an_edit_pair_remembered_by_an_older_version_masks_no_edit() -> None:
    # A state written before this rule holds a sentence's two versions as variants.
    reference = f"{P0}\n{S}"
    record = _record(reference, volatile=(t.normalize_line(S), t.normalize_line(S2), ""))
    page = f"{P0}\n{S2}"
    seen = Observation("page", text=page, second=page)
    assert r.judge(record, seen, T0 + H, AGES).event == "edited"
    gone = Observation("page", text=P0 + "\n" + P0[::-1], second=P0 + "\n" + P0[::-1])
    assert r.judge(record, gone, T0 + H, AGES).event == "edited"


def test_a_box_rotating_is_still_remembered_and_masks_its_variants() -> None:
    ad1, ad2 = "Advertisement: Try our new coffee today", "Advertisement: Book your holiday now"
    with_ad = [f"{P0}\n{S}\n{ad}" for ad in (ad1, ad2)]
    assert _checks(with_ad[0], [(with_ad[1], with_ad[0]), (with_ad[1], with_ad[1])]) == [
        "unchanged",
        "unchanged",
    ]
