"""Re-checks of archived articles: every decision, no I/O (README, "Re-checks").

Each archived article's page is fetched again at growing ages after archiving (AGES by
default). What a check saw (an :class:`Observation`) and what the article's record said
before (a :class:`Record`) give a :class:`Verdict`: the new record and the event to
report. Time is always an argument, so every rule is tested as a table of cases
(tests/test_recheck.py).

The backlog is bounded by construction: an article is due at most once per age (an
article that missed several ages is checked once, for all of them), plus the checks of
a suspected deletion (hourly, for a day at most: UNDECIDED_AFTER), and an article past
its last age and any suspicion's day is never due again.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Literal
from urllib.parse import urlsplit

# About newsdiffs' decaying schedule, coarser: a feed archive is polled every few minutes
# to hours, and most edits come within the first day.
AGES: tuple[timedelta, ...] = tuple(timedelta(hours=h) for h in (1, 6, 24, 3 * 24, 7 * 24, 30 * 24))
# A deletion is confirmed by a second check at least this long after the first one saw
# it: a site down for maintenance, or a page briefly unpublished, is not a deletion.
CONFIRM_AFTER = timedelta(hours=1)
# Per-run budget defaults: a cron run every 15 minutes stays short while 200 checks an
# hour cover a site publishing ~30 articles a day at six ages.
BUDGET_ARTICLES = 200
BUDGET_SECONDS = 120.0
# A page whose text shares less than this share of the reference text's character
# trigrams no longer holds the article (a soft 404: a "not found" page with status
# 200, a section page): measured on edited news pages, a correction or an added
# paragraph keeps well above 0.6; an error page shares almost nothing.
SOFT_404_BELOW = 0.3
# Extracted text shorter than this is no article (an empty template, a login wall).
MIN_TEXT_CHARS = 20
# A page answering 200 without the article (a soft 404, a bot wall or consent wall, an
# empty page, an error page) is only a suspicion: it is confirmed as a deletion only when
# the host is seen serving its other articles at the confirming check (``serving``);
# a 404, 410 or 451, or a new redirect to the front, is the site's own word and needs
# none. A suspected deletion whose confirming checks meet only outages, or such pages
# with no evidence, is checked again an hour later whatever the ages (even past the
# last one), until this long after it was first suspected; then at its next age, and
# past the last one it stays suspected, shown as undecided by `status`.
UNDECIDED_AFTER = timedelta(hours=24)

Status = Literal["unchanged", "edited", "suspected", "deleted", "restored"]
Event = Literal[
    "unchanged", "edited", "suspected", "deleted", "restored", "outage", "baseline", "still"
]
# What a check saw: 304; a page with its text (None: nothing could be extracted); gone
# (404/410, or a redirect to the front or a section page); an outage (5xx, 429, a
# timeout, a network error: says nothing about the article).
Seen = Literal["not_modified", "page", "gone", "outage"]
Validators = Literal["new", "keep", "drop"]
# Statuses by which a site says a page is gone: 451 (Unavailable For Legal Reasons) is
# a takedown, as explicit as a 410.
GONE_STATUSES = frozenset({404, 410, 451})

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


def may_start(done: int, elapsed: float, budget: Budget) -> bool:
    """Whether another check may start after ``done`` checks in ``elapsed`` seconds."""
    return done < budget.articles and elapsed < budget.seconds


# -- text -------------------------------------------------------------------------------

# Full-width and CJK punctuation that NFKC leaves alone, to their plain forms: a site
# that changes its typesetting (。 for ．, “ ” for " ") has not edited the article.
_PUNCTUATION = str.maketrans(
    {
        "。": ".",
        "、": ",",
        "｡": ".",
        "“": '"',
        "”": '"',
        "„": '"',
        "‘": "'",
        "’": "'",
        "「": '"',
        "」": '"',
        "『": '"',
        "』": '"',
        "《": "<",
        "》": ">",
        "〈": "<",
        "〉": ">",
        "【": "[",
        "】": "]",
        "〔": "(",
        "〕": ")",
        "—": "-",
        "–": "-",
        "－": "-",
        "…": "...",
        "・": ".",
        "·": ".",
        "\u200b": "",
        "\u200c": "",
        "\u200d": "",
        "\ufeff": "",
        "\u00ad": "",
    }
)
_SPACE = re.compile(r"\s+")
_DASHES = re.compile(r"-{2,}")
# A space beside a character of a script written without spaces (or beside punctuation)
# carries no meaning: "美国 ， 日本" and "美国，日本" are the same text.
_WIDE = r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff.,;:!?\"'()<>\[\]-]"
_SPACE_BY_WIDE = re.compile(rf"(?<={_WIDE}) | (?={_WIDE})")


# Counters and relative times a page rewrites on every view: "阅读次数：1234 · 评论 5",
# "12 comments", "Updated 3 hours ago", "5 小时前". A line is dropped from the
# comparison only when nothing but these (and separators) is left on it once they are
# removed, so that a number in a sentence ("3 killed" -> "4 killed") stays an edit.
_COUNTER_WORDS = (
    r"(?:阅读次数|阅读量|阅读|浏览次数|浏览量|浏览|点击量|点击|评论数|评论|点赞|赞|转发|分享|收藏"
    r"|views?|reads?|comments?|likes?|shares?|replies|reply)"
)
_NUMBER = r"\d[\d,.]*\s*[kKmM万千]?\+?"
# A date and time written out: "Dec. 1, 2026, 9:41 a.m.", "9:41 AM EST, December 1,
# 2026", "December 1, 2026 at 9:41 a.m. ET", "2026-12-01 11:00", "2026年12月1日 09:41".
# Only such tokens: a stamp line is dropped only when nothing else is left on it.
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?"
_ZONE = r"(?:[ecmp][sd]?t|utc|gmt|bst|cest|cet|jst|hkt|sgt|aest|aedt)"
_CLOCK = r"\d{1,2}:\d{2}(?::\d{2})?(?:\s*(?:a\.?m\.?|p\.?m\.?))?"
_DATE_TOKEN = (
    rf"(?:{_MONTH}|{_WEEKDAY}|{_CLOCK}|\d{{4}}[-/年.]\d{{1,2}}[-/月.]\d{{1,2}}日?"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?|\d{{4}}|{_ZONE}|at|on)"
)
_DATE_TIME = rf"{_DATE_TOKEN}(?:[\s,]*{_DATE_TOKEN})*\b\.?"
_STAMP_WORDS = (
    r"(?:(?:last\s+)?(?:updated|modified)|published|posted|edited"
    r"|最后更新|更新时间|更新于|更新日期|发布时间|发布于|发布日期|编辑于)"
)
_COUNTER = re.compile(
    rf"(?i){_COUNTER_WORDS}\s*[:：]?\s*[(（]?\s*{_NUMBER}\s*[)）]?\s*(?:次|条|人)?"
    rf"|{_NUMBER}\s*(?:次阅读|人阅读|次浏览|条评论|人评论|{_COUNTER_WORDS})"
    rf"|(?:本文|该文|此文)(?:已被|已|被)?(?:阅读|浏览|查看)\s*{_NUMBER}\s*次"
    r"|(?i:share\s+this)"
    r"|(?i:(?:updated|posted|published|edited|last\s+updated)\s*:?\s*)?"
    rf"(?i:{_NUMBER}\s*(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?)\s+ago)"
    r"|(?:更新于|发布于|更新)?\s*\d+\s*(?:秒|分钟|小时|天|周)前"
    r"|(?i:just\s+now|刚刚)"
    # A page's own "updated" or "published" stamp beside its counters: the text is what
    # is compared.
    rf"|(?i:{_STAMP_WORDS}\s*[:：]?\s*{_DATE_TIME})"
)
# What may be left of a counter line: separators and spaces only.
_LEFTOVER = re.compile(r"[\s|/·•,.;:：，。、()（）\[\]【】-]*")
_VISIBLE_URL = re.compile(r"https?://[^\s<>\"'，。）)]+")


def _is_counter_line(line: str) -> bool:
    stripped = _COUNTER.sub("", line)
    return stripped != line and _LEFTOVER.fullmatch(stripped) is not None


def _untracked(match: re.Match[str]) -> str:
    """A URL written as text without its tracking parameters (urls.py's list)."""
    from rssarchive.core.urls import TRACKING_PARAMS, TRACKING_PREFIXES

    url = match[0]
    base, sep, query = url.partition("?")
    if not sep:
        return url
    query, hash_, fragment = query.partition("#")
    kept = [
        p
        for p in query.split("&")
        if p
        and (name := p.split("=", 1)[0].lower()) not in TRACKING_PARAMS
        and not name.startswith(TRACKING_PREFIXES)
    ]
    return base + ("?" + "&".join(kept) if kept else "") + hash_ + fragment


def normalize(text: str) -> str:
    """The text as compared: NFKC (full-width letters, digits and punctuation to their
    half-width forms), the rest of CJK punctuation to plain forms, zero-width characters
    dropped, lines holding only view/comment counters or relative times dropped,
    tracking parameters dropped from URLs written as text, whitespace collapsed and
    dropped beside CJK characters and punctuation."""
    text = unicodedata.normalize("NFKC", text)
    text = "\n".join(line for line in text.splitlines() if not _is_counter_line(line))
    text = _VISIBLE_URL.sub(_untracked, text).translate(_PUNCTUATION)
    # "--" typed for a dash, later typeset as "—" (and "——" in Chinese): one dash.
    text = _DASHES.sub("-", text)
    text = _SPACE.sub(" ", text).strip()
    return _SPACE_BY_WIDE.sub("", text)


def _trigrams(text: str) -> set[str]:
    return {text[i : i + 3] for i in range(max(len(text) - 2, 1))}


def overlap(reference: str, text: str) -> float:
    """Share of the reference's character trigrams found in ``text`` (0..1), on
    normalised texts; linear time, unlike an edit distance."""
    ref = _trigrams(reference)
    return len(ref & _trigrams(text)) / len(ref) if ref else 1.0


# -- what was seen ----------------------------------------------------------------------


def gone_status(status: int | None) -> Seen:
    """A failed fetch's meaning: 404, 410 and 451 say the page is gone; anything else (5xx,
    429, 403, a timeout, a refused connection: status None) says nothing of it."""
    return "gone" if status in GONE_STATUSES else "outage"


def plausible_last_modified(value: str | None, now: datetime) -> str | None:
    """A Last-Modified worth keeping as a validator: not later than ``now`` (the
    response's Date, or the time it was stored). A server whose clock ran ahead
    (``2030``) would otherwise answer 304 to every later If-Modified-Since and hide
    every edit. One that cannot be read as a date is kept (sent back as it came)."""
    if value is None:
        return None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=now.tzinfo)
    return None if moment > now else value


def response_time(date: str | None, now: datetime) -> datetime:
    """The response's Date header as a time, else ``now``."""
    if date is not None:
        try:
            moment = parsedate_to_datetime(date)
        except (TypeError, ValueError, IndexError):
            return now
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=now.tzinfo)
    return now


def removed_by_redirect(article_url: str, final_url: str) -> bool:
    """Whether a page that redirected ended on the site's front page or a section page
    (a parent of the article's path, or a path of at most one segment on the same
    site), which is how many sites take an article down."""
    if final_url == article_url:
        return False
    old, new = urlsplit(article_url), urlsplit(final_url)
    if _site(old.hostname or "") != _site(new.hostname or ""):
        return False
    old_path = old.path.rstrip("/")
    new_path = new.path.rstrip("/")
    if new_path == old_path:
        return False  # http -> https, a slash added: the same page
    if new_path == "" or new_path in ("/index.html", "/index.htm", "/index.php"):
        return True
    segments = [s for s in new_path.split("/") if s]
    return old_path.startswith(new_path + "/") or (len(segments) <= 1 and not new.query)


def redirect_removes(
    article_url: str, final_url: str, final_key: str, known_keys: frozenset[str]
) -> bool:
    """Whether a redirect looks like a removal: it ends on the front or a section page
    (:func:`removed_by_redirect`) AND it is new: ``final_key`` (the final URL's key) is
    none of the article's known addresses (``known_keys``: its own URL's key and where
    its redirects ended when it was archived). A WordPress ``?p=7`` link that went to
    ``/slug/`` from the start, or a short link, is not removed by going there still.
    Even then the page it ends on is read: one that still holds the article is no
    removal (:func:`decide`)."""
    if final_key in known_keys:
        return False
    return removed_by_redirect(article_url, final_url)


def _site(host: str) -> str:
    return host.lower().removeprefix("www.")


@dataclass(frozen=True)
class Observation:
    seen: Seen
    # For "page": the extracted text, one paragraph a line (None: nothing extracted).
    text: str | None = None
    why: str = ""  # for the report: "HTTP 404", "redirected to the front page" ...
    # The validators of a page seen whole, for the next conditional GET.
    etag: str | None = None
    last_modified: str | None = None
    # For "page": where redirects ended (None: no redirect).
    final_url: str | None = None
    # For "page": it was reached by a new redirect to the front or a section page
    # (:func:`redirect_removes`); a removal unless the page still holds the article.
    removal: bool = False


# -- the record and its verdicts --------------------------------------------------------


@dataclass(frozen=True)
class Record:
    """What the state says of one article's re-checks (state.RecheckRow, minus I/O)."""

    archived: datetime
    next_due: datetime | None
    status: Status = "unchanged"
    checks: int = 0
    # The text of the latest version (as readable, normalised when compared): the
    # article as archived, or as last edited. None: not known yet (an article archived
    # before re-checks existed, or from the feed's text): the first page seen becomes it.
    reference: str | None = None
    edited_at: datetime | None = None
    suspected_at: datetime | None = None
    deleted_at: datetime | None = None
    restored_at: datetime | None = None


@dataclass(frozen=True)
class Verdict:
    record: Record
    event: Event
    # The new version's readable text to keep (an edit, or the first page seen of an
    # article with no reference yet), else None.
    version: str | None = None
    # The page's validators for the next conditional GET: "new" (those of this page,
    # seen whole and judged present), "keep" (the stored ones: a 304, an outage) or
    # "drop" (a page judged gone keeps none: a 304 to its validators would otherwise
    # pass for the article being back).
    validators: Validators = "keep"
    # The check found the article gone (a 404, a removal, a soft 404).
    gone: bool = False
    # A suspicion left unconfirmed for want of evidence that the host serves its other
    # articles (``serving``): with that evidence it would have been a deletion.
    wants_evidence: bool = False


def decide(
    record: Record,
    seen: Observation,
    now: datetime,
    ages: Sequence[timedelta],
    post_text: str | None = None,
    serving: bool = False,
) -> Verdict:
    """The outcome of one check at ``now``. ``post_text``: the archived post's text,
    to tell whether the page a removal-like redirect ended on still holds the article
    when there is no reference yet. ``serving``: the host was seen, at this check,
    answering with their article for other archived articles; without it a 200 page
    without the article (a soft 404, a bot wall) never confirms a deletion."""
    verdict = _decide(record, seen, now, ages, post_text, serving)
    if seen.seen == "page":
        present = not verdict.gone
        return replace(verdict, validators="new" if present else "drop")
    if seen.seen == "gone":
        return replace(verdict, validators="drop")
    return verdict


def _decide(
    record: Record,
    seen: Observation,
    now: datetime,
    ages: Sequence[timedelta],
    post_text: str | None,
    serving: bool,
) -> Verdict:
    scheduled = next_due(record.archived, ages, now)
    base = replace(record, checks=record.checks + 1, next_due=scheduled)
    if seen.seen == "not_modified" and record.status in ("suspected", "deleted"):
        # Validators are kept only from a page judged present and dropped when it is
        # judged gone, so this 304 answers validators stored before that rule (or a
        # server answering 304 to anything): it says nothing, and the next check
        # fetches the page whole.
        return replace(_outage(record, base, now, scheduled), validators="drop")
    if seen.seen == "outage":
        return _outage(record, base, now, scheduled)
    if seen.seen == "gone":
        return _missing(record, base, now, scheduled, hard=True)
    if seen.seen == "not_modified":
        # The page is the one last fetched with a 200 and judged present: as it was.
        return _present(record, base, now, edited=None)
    text = normalize(seen.text or "")
    if len(text) < MIN_TEXT_CHARS:
        return _missing(record, base, now, scheduled, hard=serving)
    if seen.removal:
        # A new redirect to the front or a section page: removed, unless the page it
        # ended on still holds the article (a slug renamed, an article moved).
        known = record.reference if record.reference is not None else post_text
        if known is None or overlap(normalize(known), text) < SOFT_404_BELOW:
            return _missing(record, base, now, scheduled, hard=True)
    if record.reference is None:
        present = _present(record, base, now, None).record
        return Verdict(replace(present, reference=seen.text), "baseline", version=seen.text)
    reference = normalize(record.reference)
    if text == reference:
        return _present(record, base, now, None)
    if overlap(reference, text) < SOFT_404_BELOW:
        return _missing(record, base, now, scheduled, hard=serving)
    return _present(record, base, now, seen.text)


def _outage(record: Record, base: Record, now: datetime, scheduled: datetime | None) -> Verdict:
    """A check that says nothing of the article. A suspicion waits for a real answer."""
    if record.status == "suspected" and record.suspected_at is not None:
        return Verdict(_retry(record, base, now, scheduled), "outage")
    return Verdict(base, "outage")


def _retry(record: Record, base: Record, now: datetime, scheduled: datetime | None) -> Record:
    """A suspicion not decided by this check: checked again an hour later whatever the
    ages (a confirmation is not put off by days), until UNDECIDED_AFTER after the
    suspicion; then at its next age, and past the last one it stays suspected
    (undecided)."""
    assert record.suspected_at is not None
    if now + CONFIRM_AFTER <= record.suspected_at + UNDECIDED_AFTER:
        soon = now + CONFIRM_AFTER
        return replace(base, next_due=soon if scheduled is None else min(soon, scheduled))
    return base


def _missing(
    record: Record, base: Record, now: datetime, scheduled: datetime | None, *, hard: bool
) -> Verdict:
    """The article not found: ``hard``, on the site's own word (404, 410, 451, a new
    redirect to the front) or a page without it while the host serves its other
    articles; else a page without it that may be the host's (a bot wall, an error
    page), which suspects but never confirms."""
    if record.status == "deleted":
        return Verdict(base, "still", gone=True)
    if record.status == "suspected" and record.suspected_at is not None:
        if now - record.suspected_at < CONFIRM_AFTER:
            return Verdict(
                replace(base, next_due=record.suspected_at + CONFIRM_AFTER), "still", gone=True
            )
        if not hard:
            return Verdict(
                _retry(record, base, now, scheduled), "still", gone=True, wants_evidence=True
            )
        # Dated from when it was first seen missing: that is when it went.
        return Verdict(
            replace(base, status="deleted", deleted_at=record.suspected_at),
            "deleted",
            gone=True,
        )
    # One more check an hour from now confirms it, even past the last age.
    return Verdict(
        replace(base, status="suspected", suspected_at=now, next_due=now + CONFIRM_AFTER),
        "suspected",
        gone=True,
    )


def _present(record: Record, base: Record, now: datetime, edited: str | None) -> Verdict:
    """Present; ``edited``: the text of a new version."""
    if record.status == "deleted":
        status: Status = "restored"
        event: Event = "restored"
        base = replace(base, restored_at=now)
    elif record.status == "suspected":
        # A suspicion the next check did not confirm leaves no trace.
        status = _before_suspicion(record)
        event = "unchanged"
    else:
        status = record.status
        event = "unchanged"
    base = replace(base, status=status, suspected_at=None)
    if edited is None:
        return Verdict(base, event)
    base = replace(base, reference=edited, edited_at=now)
    if status != "restored":
        base = replace(base, status="edited")
    return Verdict(base, "restored" if event == "restored" else "edited", version=edited)


def _before_suspicion(record: Record) -> Status:
    if record.restored_at is not None:
        return "restored"
    return "edited" if record.edited_at is not None else "unchanged"
