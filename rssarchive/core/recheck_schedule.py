"""When archived articles are re-checked: the ages, the per-run budget, and which
records are due; pure, no I/O, the time an argument (README, "Re-checks"; tested as
tables in tests/core/test_recheck.py). The verdicts of a check are recheck.py's.

An article is due at most once per age after archiving (one that missed several ages is
checked once, for all of them); past its last age it is never due again, unless a
suspected deletion (recheck.py) asks for one more check.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

# Re-checks of one host in one run: the policy is decide.HOST_RECHECK_RETRIES, named here
# too for the re-checker.
from rssarchive.core.decide import HOST_RECHECK_RETRIES as HOST_RECHECK_RETRIES
from rssarchive.core.models import FeedConfig

# About newsdiffs' decaying schedule, coarser: a feed archive is polled every few minutes
# to hours, and most edits come within the first day.
AGES: tuple[timedelta, ...] = tuple(timedelta(hours=h) for h in (1, 6, 24, 3 * 24, 7 * 24, 30 * 24))
# Per-run budget defaults: a cron run every 15 minutes stays short while 200 checks an
# hour cover a site publishing ~30 articles a day at six ages.
BUDGET_ARTICLES = 200
BUDGET_SECONDS = 120.0
# The longest pause a host's 429 Retry-After is kept for (as the client caps it): a pause
# further ahead than this was set by a clock running ahead of this one.
LONGEST_PAUSE = timedelta(hours=6)

_AGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def parse_age(text: str) -> timedelta:
    """``"90m"``, ``"6h"``, ``"3d"``, ``"2w"`` (s, m, h, d, w); ValueError otherwise."""
    match = _AGE.match(text)
    if match is None:
        raise ValueError(f"not an age like 30m, 6h, 1d or 2w: {text!r}")
    return timedelta(seconds=float(match[1]) * _UNITS[match[2]])


def format_age(age: timedelta) -> str:
    seconds = int(age.total_seconds())
    for unit in "wdhm":
        if seconds % _UNITS[unit] == 0:
            return f"{seconds // _UNITS[unit]}{unit}"
    return f"{seconds}s"


# -- the schedule -----------------------------------------------------------------------


def next_due(archived: datetime, ages: Sequence[timedelta], now: datetime) -> datetime | None:
    """When the article is next due after a check at ``now`` (or when first archived at
    ``now``): its first age not yet reached; None when past its last age."""
    for age in ages:
        if archived + age > now:
            return archived + age
    return None


def enrolled_due(archived: datetime, ages: Sequence[timedelta], now: datetime) -> datetime | None:
    """When an article given its schedule only now (archived before re-checks existed,
    or adopted from _posts) is first due: at the latest age it has reached already, so
    that it is checked now, once for the ages it missed, as any article that missed its
    ages (its next age would skip one, review 19s M3); else at its first age; None past
    its last age (an old archive is not re-fetched whole)."""
    ahead = next_due(archived, ages, now)
    if ahead is None:
        return None
    reached = [archived + age for age in ages if archived + age <= now]
    return max(reached, default=ahead)


def resumed_due(
    archived: datetime, ages: Sequence[timedelta], now: datetime, last_checked: datetime | None
) -> datetime | None:
    """When an article without a next check (paused by ``recheck: false``, or past its
    ages) is next due at ``now``: its first age reached neither at ``now`` nor at its
    last check. A clock that went back (``--now`` in the past, a system clock reset)
    never revives a finished schedule, nor repeats an age a check was already made at."""
    return next_due(archived, ages, now if last_checked is None else max(now, last_checked))


def due_holds(due: datetime | None, last_checked: datetime | None) -> bool:
    """Whether a stored next check is one this schedule can have set: later than the
    last check (every check and every resumption schedules after itself). One that is
    not was revived by a clock gone back (before this rule), and is mended with
    :func:`resumed_due` instead of being checked."""
    return due is None or last_checked is None or due > last_checked


@dataclass(frozen=True)
class Budget:
    articles: int = BUDGET_ARTICLES
    seconds: float = BUDGET_SECONDS


def pick_due(due: Sequence[tuple[int, datetime]], now: datetime, budget: Budget) -> list[int]:
    """Of (id, due time) pairs, the ids due at ``now``, most overdue first, at most the
    budget's count (the seconds are watched while checking: :func:`may_start`)."""
    ready = sorted((when, ident) for ident, when in due if when <= now)
    return [ident for _, ident in ready[: budget.articles]]


def paused_until(now: datetime, retry_after: float) -> datetime:
    """Until when a host that answered 429 with a Retry-After of ``retry_after``
    seconds at ``now`` gets no re-check, in this run and the next ones (review 19s, M1)."""
    return now + min(timedelta(seconds=max(retry_after, 0.0)), LONGEST_PAUSE)


def host_paused(until: datetime, now: datetime) -> bool:
    """Whether a host's kept pause holds at ``now``: not yet over, and not further ahead
    than LONGEST_PAUSE (set by a clock ahead of this one, a ``--now`` in the future:
    waiting for it would silence the host for as long, unsaid)."""
    return now < until <= now + LONGEST_PAUSE


def may_start(done: int, elapsed: float, budget: Budget) -> bool:
    """Whether another check may start after ``done`` checks in ``elapsed`` seconds."""
    return done < budget.articles and elapsed < budget.seconds


# -- which feed's ages, and paused schedules --------------------------------------------


def ages_of(
    feed_name: str, feeds: Sequence[FeedConfig], default: tuple[timedelta, ...]
) -> tuple[timedelta, ...]:
    """The ages an article of ``feed_name`` is re-checked at: its feed's (the first so
    named), else, for a feed no longer configured (adopted posts, a feed removed),
    ``default`` (the config's global ``recheck``)."""
    for feed in feeds:
        if feed.name == feed_name:
            return feed.recheck
    return default


def enabled(ages: Sequence[timedelta]) -> bool:
    """Whether an article with these ages is checked at all: ``recheck: false`` (no
    ages) means no fetch from the moment it is set; its schedule is cleared, and
    resumed (:func:`resume_after`) if re-checks are turned on again."""
    return bool(ages)


def resume_after(
    now: datetime, feed_ages: Sequence[Sequence[timedelta]], default: Sequence[timedelta]
) -> datetime | None:
    """Of the records without a next check (paused by ``recheck: false``, or past their
    ages), only those archived after this time can have an age ahead: younger than the
    longest age configured (any feed's, or the global ``default``). None: no age at
    all is configured, nothing can resume. The archive's older records are not read
    on every run."""
    longest = max((a for ages in feed_ages for a in ages), default=timedelta(0))
    longest = max(longest, *default, timedelta(0))
    if longest <= timedelta(0):
        return None
    return now - longest


def resumable(archived: datetime, ages: Sequence[timedelta], now: datetime) -> bool:
    """Whether a paused record has an age ahead at ``now``, counted from its archive
    time (so one past its last age stays done); when it is then due is
    :func:`resumed_due`'s (never before its last check)."""
    return next_due(archived, ages, now) is not None
