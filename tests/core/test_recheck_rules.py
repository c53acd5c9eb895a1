"""The re-checker's own decisions, as tables (core/recheck_schedule.py, core/recheck_record.py):
which feed's ages an article has, whether it is checked at all, which paused records
can resume, which post text a check needs, which text is kept as the first version,
how a stored status reads, whether a check found its article, which validators are
kept, and when a host's re-checks are given up in a run (review 18, H6)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from rssarchive.core import recheck as r
from rssarchive.core import recheck_record as o
from rssarchive.core import recheck_schedule as s
from rssarchive.core.models import FeedConfig
from rssarchive.core.recheck import Observation, Record, Verdict

T0 = datetime(2024, 7, 24, 1, 0, tzinfo=UTC)
H = timedelta(hours=1)
D = timedelta(days=1)
GLOBAL = (H, D)
FEEDS = [
    FeedConfig(name="A", url="https://a.example/feed", recheck=(6 * H,)),
    FeedConfig(name="Off", url="https://off.example/feed", recheck=()),
    FeedConfig(name="A", url="https://a2.example/feed", recheck=(7 * D,)),
]


@pytest.mark.parametrize(
    ("feed", "ages"),
    [
        ("A", (6 * H,)),  # its feed's, the first so named
        ("Off", ()),  # recheck: false
        ("Gone", GLOBAL),  # a feed no longer configured: the global ages
        ("", GLOBAL),
    ],
)
def test_ages_of(feed: str, ages: tuple[timedelta, ...]) -> None:
    assert s.ages_of(feed, FEEDS, GLOBAL) == ages


@pytest.mark.parametrize(("ages", "on"), [((), False), ((H,), True), ((H, D), True)])
def test_enabled(ages: tuple[timedelta, ...], on: bool) -> None:
    assert s.enabled(ages) is on


@pytest.mark.parametrize(
    ("feed_ages", "default", "since"),
    [
        ([(H, 30 * D), (6 * H,)], GLOBAL, T0 - 30 * D),  # a feed's longest age
        ([(H,)], (H, 60 * D), T0 - 60 * D),  # the global one when longer
        ([(), ()], GLOBAL, T0 - D),  # every feed off: the global ages still count
        ([], GLOBAL, T0 - D),
        ([(), ()], (), None),  # no age anywhere: nothing can resume
        ([], (), None),
    ],
)
def test_resume_after(
    feed_ages: list[tuple[timedelta, ...]],
    default: tuple[timedelta, ...],
    since: datetime | None,
) -> None:
    assert s.resume_after(T0, feed_ages, default) == since


@pytest.mark.parametrize(
    ("archived", "ages", "ahead"),
    [
        (T0 - 2 * H, (H, 6 * H), True),  # 6 h is ahead
        (T0 - 6 * H, (H, 6 * H), False),  # its last age reached now: done
        (T0 - 7 * H, (H, 6 * H), False),  # past its last age: stays done
        (T0, (H,), True),
        (T0 - H, (), False),  # re-checks off
    ],
)
def test_resumable(archived: datetime, ages: tuple[timedelta, ...], ahead: bool) -> None:
    assert s.resumable(archived, ages, T0) is ahead


HEADLINE_ONLY = "# A headline\n\n"


@pytest.mark.parametrize(
    ("reference", "from_page", "seen", "use"),
    [
        # No body known, the post came from the page: the post is the reference.
        (None, True, "page", "reference"),
        (HEADLINE_ONLY, True, "page", "reference"),
        ("", True, "page", "reference"),
        # No reference, the post came from the feed's text: compared with the page.
        (None, False, "page", "compare"),
        # A headline alone from the feed's text: nothing to fill, nothing to compare.
        (HEADLINE_ONLY, False, "page", "none"),
        # A reference with a body: it is what the page is compared with.
        ("The article's text.", True, "page", "none"),
        ("# Head\n\nThe article's text.", False, "page", "none"),
        # Anything but a page needs no text.
        (None, True, "not_modified", "none"),
        (None, False, "gone", "none"),
        (None, True, "outage", "none"),
    ],
)
def test_reference_for(
    reference: str | None, from_page: bool, seen: r.Seen, use: o.PostUse
) -> None:
    assert o.reference_for(reference, from_page, seen) == use


@pytest.mark.parametrize(
    ("before", "original", "from_page", "reference", "first", "reads_post"),
    [
        ("before", "original", True, "ref", "before", False),
        (None, "original", True, "ref", "original", False),
        (None, None, True, "ref", "post", True),  # the post's text, read only now
        (None, None, False, "ref", "ref", False),  # the first page seen
        (None, None, False, None, None, False),  # nothing to keep
    ],
)
def test_first_version(
    before: str | None,
    original: str | None,
    from_page: bool,
    reference: str | None,
    first: str | None,
    reads_post: bool,
) -> None:
    asks = o.asks_first_post(before, original, from_page)
    assert asks is reads_post
    assert (
        o.first_version(before, original, from_page, reference, "post" if asks else None) == first
    )


@pytest.mark.parametrize(
    ("stored", "status"),
    [
        ("unchanged", "unchanged"),
        ("edited", "edited"),
        ("suspected", "suspected"),
        ("deleted", "deleted"),
        ("restored", "restored"),
        ("", "unchanged"),
        ("moved", "unchanged"),  # a status of another version of the state
    ],
)
def test_record_status(stored: str, status: r.Status) -> None:
    assert o.record_status(stored) == status


RECORD = Record(archived=T0, next_due=T0 + H)


@pytest.mark.parametrize(
    ("seen", "gone", "found"),
    [
        ("page", False, True),
        ("page", True, False),  # a soft 404, a teaser: not the article
        ("not_modified", False, False),  # a 304 proves nothing of the host's pages now
        ("gone", True, False),
        ("outage", False, False),
    ],
)
def test_found(seen: r.Seen, gone: bool, found: bool) -> None:
    verdict = Verdict(RECORD, "unchanged", gone=gone)
    assert o.found(Observation(seen), verdict) is found


def test_an_inconclusive_check_is_no_evidence_that_its_host_serves() -> None:
    # A page whose second fetch said nothing (review 19d, 5): the first may be the wall.
    verdict = Verdict(RECORD, "outage")
    assert o.found(Observation("page", text="x", second=""), verdict) is False


@pytest.mark.parametrize(
    ("choice", "seen", "stored", "kept"),
    [
        ("new", '"v2"', '"v1"', '"v2"'),
        ("new", None, '"v1"', None),  # the page had none: none kept
        ("keep", '"v2"', '"v1"', '"v1"'),
        ("keep", None, None, None),
        ("drop", '"v2"', '"v1"', None),
    ],
)
def test_validator(
    choice: r.Validators, seen: str | None, stored: str | None, kept: str | None
) -> None:
    assert o.validator(choice, seen, stored) == kept


@pytest.mark.parametrize(
    ("failures", "given_up"), [(0, False), (1, False), (2, False), (3, True), (9, True)]
)
def test_a_host_is_given_up_after_three_failed_rechecks_in_a_run(
    failures: int, given_up: bool
) -> None:
    from rssarchive.core.decide import HOST_RECHECK_RETRIES

    assert HOST_RECHECK_RETRIES.gives_up(failures) is given_up


def test_the_host_policy_is_the_projects_retry_policy_type() -> None:
    from rssarchive.core.decide import HOST_RECHECK_RETRIES, RetryPolicy

    assert isinstance(HOST_RECHECK_RETRIES, RetryPolicy)
