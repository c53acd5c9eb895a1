"""Dates: the package's one home for reading them and for putting them in UTC.

Every date leaves here timezone-aware, in UTC; a time written without a zone is taken as
UTC. One reading, :func:`read_date`, of every shape feeds and pages write (ISO 8601, RFC
822, epoch seconds and milliseconds, a date written year first with slashes, dots or CJK
words, or English month first, with its time, 12-hour clock and zone; the table of
shapes is tests/dates/cases.jsonl), under three readers, for three kinds of source:

* :func:`parse_feed_date` / :func:`read_feed_date`: a feed item's date (read_date, else
  feedparser's reading when it kept the time written);
* :func:`parse_w3c_datetime`: a sitemap's or the command line's (W3C Datetime, RFC 822);
* :func:`parse_date`: a page's (read_date; pagedates.py says where on a page dates are
  looked for);
* :func:`parse_http_date`: an HTTP header's (``Last-Modified``, ``Date``, ``Retry-After``).

:func:`believable` is the one test of a date that claims to be a publication's.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, Final

from rssarchive.core import zones
from rssarchive.core.w3cdates import W3C_DATETIME, parse_w3c_datetime
from rssarchive.core.zones import (
    AMBIGUOUS_ZONES,
    EARLIEST_YEAR,
    RFC822_YEAR,
    ZONES,
    read_rfc822,
    zone_offset,
)

__all__ = [
    "AMBIGUOUS_ZONES",
    "EARLIEST",
    "ZONE_HOURS",
    "believable",
    "find_written_date",
    "format_utc",
    "parse_date",
    "parse_feed_date",
    "parse_http_date",
    "parse_iso",
    "parse_w3c_datetime",
    "read_date",
    "read_feed_date",
    "to_utc",
    "utc_stamp",
]

# Dates before this are not believed: a zero epoch, a default value, a broken clock.
EARLIEST: Final = datetime(1990, 1, 1, tzinfo=UTC)


def to_utc(moment: datetime) -> datetime:
    """``moment`` in UTC; a naive one is taken as UTC (what a date written without a
    zone means here, and what makes a naive bound comparable at all)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def format_utc(moment: datetime) -> str:
    """``moment`` as people read it in a report or a page: ``2026-12-01 02:20 UTC`` (to
    the minute; a naive one is taken as UTC, as to_utc has it). The one display format."""
    return f"{to_utc(moment):%Y-%m-%d %H:%M} UTC"


def utc_stamp(moment: datetime) -> str:
    """``moment`` as a machine reads it, to the second: ``2026-12-01T02:20:00Z`` (a naive
    one is taken as UTC)."""
    return f"{to_utc(moment):%Y-%m-%dT%H:%M:%S}Z"


def day_only(when: datetime) -> bool:
    """Whether a date may be a day only (``Tue, 23 Jul 2024``): read as its midnight."""
    return (when.hour, when.minute, when.second, when.microsecond) == (0, 0, 0, 0)


def believable(when: datetime, max_date: datetime) -> bool:
    """Not before 1990 and not after ``max_date`` (a naive one taken as UTC)."""
    return EARLIEST <= when <= to_utc(max_date)


def parse_iso(text: str) -> datetime | None:
    """ISO 8601 as the standard library reads it (``Z`` or ``z`` for UTC), in UTC; None
    when ``text`` is not ISO 8601 or lies past the calendar's ends."""
    try:
        return to_utc(datetime.fromisoformat(text.replace("z", "Z")))
    except (ValueError, OverflowError):
        return None


# --- HTTP headers -----------------------------------------------------------------------


def parse_http_date(text: str | None) -> datetime | None:
    """An HTTP-date (RFC 9110, 5.6.7: IMF-fixdate, and the obsolete RFC 850 and asctime
    forms a recipient must still read) in UTC; None when ``text`` is None or not one.
    Never raises: the value comes from a server, and one stored as a validator is read
    again on every later run, so ``Mon, 01 Jan 99999999999999999999 ...`` (the standard
    library's OverflowError) must read as no date, not end the run. A date without a
    zone (asctime) is GMT, as every HTTP-date is. Not :func:`read_date`: a header's date
    is not a publication's, so no 1990 floor, and RFC 850's two-digit years are read as
    RFC 9110 says."""
    if text is None:
        return None
    try:
        return to_utc(parsedate_to_datetime(text.strip()))
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


# --- feeds ------------------------------------------------------------------------------

_ISO_DATE: Final = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def parse_feed_date(raw: Any, parsed: Any) -> datetime | None:
    """A feed item's date (see read_feed_date), or None."""
    return read_feed_date(raw, parsed)[0]


def read_feed_date(
    raw: Any, parsed: Any, *, china: bool = False
) -> tuple[datetime | None, str | None]:
    """A feed item's date: ``raw`` as written, ``parsed`` feedparser's reading of it (a
    time tuple, UTC). Read by :func:`read_date` (ISO 8601, RFC 822, epoch seconds or
    milliseconds, a date written year first or month first with its time and zone), else
    whatever feedparser's many date parsers made of it (UTC, whole seconds), unless that
    reading dropped the time written (feedparser reads ``2026/12/01 02:20 +0800`` as
    the 1st at midnight: that is no reading) or gives a day not written (_day_written).
    Returns the date, or None and why not ("cannot be read", "is before 1990, not
    believed"): a date before 1990 (in UTC) is a missing date written as a date (Hugo's
    zero date is 0001-01-01), as for pages. A
    date read with a zone whose name means several (``CST``) comes with its note:
    see :func:`read_date`. ``china``: the feed is written in Chinese (look16i I3), where
    ``CST`` is China's time (zones.written_in_chinese)."""
    text = str(raw or "").strip()
    if text:
        when, why = read_date(text, china=china)
        if when is not None or why is not None:
            return when, why
    if not parsed:
        return None, "cannot be read" if text else None
    try:
        year, month, day, hour, minute, second = parsed[:6]
        when = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None, "cannot be read"
    if _time_dropped(text, when):
        return None, "cannot be read (its time and zone are not understood)"
    if not _day_written(text, when):
        return None, "cannot be read"
    if when < EARLIEST:
        # feedparser reads "1764583200.5" as the year 1764: a year not written is no year.
        written = re.search(rf"(?<!\d){when.year:04d}(?!\d)", text) is not None
        return None, f"is before {EARLIEST_YEAR}, not believed" if written else "cannot be read"
    return when, None


# A time of day as written: "10:20", "10时20分".
_WRITTEN_TIME: Final = re.compile(r"(?<!\d)(\d{1,2})\s*[:：时時시]\s*(\d{1,2})")


def _time_dropped(text: str, when: datetime) -> bool:
    """Whether feedparser's reading ``when`` of ``text`` is the midnight of a day while
    ``text`` writes a time that is not midnight and no zone could have made it one (a
    time of whole minutes other than :00 stays so in any whole-hour zone)."""
    written = _WRITTEN_TIME.search(text)
    if written is None or (when.hour, when.minute, when.second) != (0, 0, 0):
        return False
    hour, minute = int(written.group(1)), int(written.group(2))
    return (hour, minute) != (0, 0) and (minute not in (0, 30, 45) or not _ANY_ZONE.search(text))


def _day_written(text: str, when: datetime) -> bool:
    """Whether feedparser's reading ``when`` of ``text`` is of a day ``text`` writes:
    its year in digits, its day, and its month as a word (look16h H12). feedparser
    takes the run's own day for a time written first (``00:30 01/12/2026``) and reads
    ``01-12-2026 10:00 CET`` as 2001-12-20; and a month in digits beside a day in
    digits is the 1st of December to some and the 12th of January to others."""
    year = re.search(rf"(?<!\d)(?:{when.year:04d}|{when.year % 100:02d})(?!\d)", text)
    day = re.search(rf"(?<!\d)0?{when.day}(?!\d)", text)
    words = {w.upper() for w in _WORD.findall(text)} - ZONES.keys() - {"AM", "PM", "UHR"}
    return year is not None and day is not None and bool(words)


# A word that may be a month's name, in any script (letters, not digits).
_WORD: Final = re.compile(r"[^\W\d_]{3,}")
_ANY_ZONE: Final = re.compile(r"[+-]\d{1,2}(?::?\d{2})?\s*(?:\([^()]*\))?\s*$|[A-Za-z]{2,5}\)?\s*$")


# --- the shapes feeds and pages write --------------------------------------------------

# A time of day after a date (" - " before it is Drupal's: "Tuesday, December 1, 2026 -
# 10:00"): 10:20, 10:20:30.5, 10时20分, 10時20分30秒, 10시 20분, with
# AM/PM (a.m.), 上午/下午, 午前/午後, 오전/오후 before or after it; then a zone: Z, +0800,
# +08:00, +08, GMT+8, UTC+08:00, a name (EST, maybe in parentheses), 北京时间; an offset
# may be followed by the name of its zone ("+0800 (CST)", "+02:00 CEST"): the offset says.
_TIME_AND_ZONE: Final = (
    r"(?:(?:\s*[Tt]\s*|\s*,?\s+(?:at\s+)?|\s+-\s+|(?<=[日号일)]))"
    r"(?P<half1>上午|下午|早上|晚上|凌晨|中午|午前|午後|오전|오후)?\s*"
    r"(?P<hour>\d{1,2})\s*(?:[:]\s*(?P<minute>\d{2})|[时時시]\s*(?:(?P<minute2>\d{1,2})\s*[分분])?)"
    r"(?:\s*:\s*(?P<second>\d{2})(?:[.,](?P<fraction>\d{1,9}))?|\s*(?P<second2>\d{1,2})\s*[秒초])?"
    r"\s*(?P<half2>[AaPp]\.?[Mm]\.?)?)?"
    r"\s*(?:\(?(?P<zone>[Zz]|(?:GMT|UTC|UT)?\s*[+-]\d{1,2}(?::?\d{2})?)\)?"
    r"(?:\s*\(?(?:[A-Za-z]{2,5}|北京时间|北京時間)\)?)?"
    r"|\(?(?P<name>[A-Za-z]{2,5})\)?|\(?(?P<beijing>北京时间|北京時間)\)?)?"
)
# Year first: 2026-12-01, 2026/12/01, 2026.12.01, 2026年12月1日 (日 or 号), 2026년 12월 1일,
# maybe with a weekday after it ("(周二)", "星期二", "(화)"); then the time and zone. Never
# day first (05/03/2019 is the 5th of March to some and the 3rd of May to others).
_YEAR_FIRST: Final = re.compile(
    r"(?:(?P<beijing0>北京时间|北京時間)\s*[:]?\s*)?(?P<year>\d{4})\s*(?:(?P<sep>[-/.])\s*(?P<month>\d{1,2})\s*(?P=sep)\s*(?P<day>\d{1,2})"
    r"|[年년]\s*(?P<cmonth>\d{1,2})\s*[月월]\s*(?P<cday>\d{1,2})\s*[日号일]?)"
    r"(?:\s*\([^()\d]{1,3}\)|\s*(?:星期|周|週)[一二三四五六日天])?" + _TIME_AND_ZONE
)
# What begins a date written year first: when the whole is not one of the shapes above,
# it "cannot be read" (feedparser would keep its day and drop the time written after).
_YEAR_FIRST_START: Final = re.compile(r"\d{4}\s*(?:[/.年년]|-\s*\d{1,2}\s*-)")
_MONTHS: Final = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"
]  # fmt: skip
# English month first: "Dec 1, 2026", "December 1st, 2026 at 10:00 a.m. EST".
_MONTH_FIRST: Final = re.compile(
    r"(?:[A-Za-z]{3,9}\.?,?\s+)??(?P<mname>(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
    r"[A-Za-z]{0,6})\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})" + _TIME_AND_ZONE
)
# English day first, with the month's name (how British, Australian, Indian and European
# sites write bylines: "21 November 2026 06:00 +0800", the Guardian's "Sat 21 Nov 2026
# 06.00 AEDT"): no day/month doubt with the month named. Their clocks write 06.00 too.
_DAY_FIRST: Final = re.compile(
    r"(?:[A-Za-z]{3,9}\.?,?\s+)??(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?P<mname>(?i:jan|feb|mar"
    r"|apr|may|jun|jul|aug|sep|oct|nov|dec)[A-Za-z]{0,6})\.?,?\s+(?P<year>\d{4})"
    + _TIME_AND_ZONE.replace(r"(?:[:]\s*(?P<minute>", r"(?:[:.]\s*(?P<minute>", 1)
)
_COMPACT_DATE: Final = re.compile(r"(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})")
# Epoch seconds (9 or 10 digits, maybe a fraction: 1973 to 2286) and milliseconds (12 or
# 13 digits); the 1990 floor and the run's clock judge what is read.
_EPOCH: Final = re.compile(r"\d{9,10}(?:\.\d{1,6})?|(?P<ms>\d{12,13})")
_AM: Final = frozenset({"上午", "早上", "凌晨", "午前", "오전", "am"})
# The zone names read after a page's date: zones.py's (an unknown or ambiguous one gives
# no date: a guess could be half a day off). In hours, as before, for those who read it.
ZONE_HOURS: Final = {name: offset / timedelta(hours=1) for name, offset in ZONES.items()}


def read_date(text: str, *, china: bool = False) -> tuple[datetime | None, str | None]:
    """A date as feeds and pages write it, aware UTC, and a word about it; the one
    reading of the shapes below, for every source.

    Shapes: ISO 8601 (the standard library's reading); epoch seconds or milliseconds;
    written year first (``2026/12/01 02:20 +0800``, ``2026年12月1日 下午2:20``,
    ``2026.12.01 10:00``, ``2026-12-01 10:00:00 UTC+8``, ``2026-12-01 02:20 CST``) or
    English month first (``Dec 1, 2026 10:00 AM``), with a time and zone (a 12-hour
    clock with AM/PM or 上午/下午, an offset, a name); RFC 822 (zones.read_rfc822), and
    Java's ``Tue Dec 01 22:00:00 JST 2026`` and asctime read as it (asctime_as_rfc822);
    ``20190503``; W3C Datetime (``2024-07``). Full-width digits and colons count as
    ASCII ones. Without a zone, UTC.

    Returns ``(date, None)``; ``(date, note)`` when a zone's name was read that means
    several zones (AMBIGUOUS_ZONES: the note says which was taken; with ``china``, the
    text is Chinese and CST is China's, unsaid) or that contradicts the offset before
    it (``+0100 EST``: the offset read); ``(None, why)`` when
    the text is a date of these shapes that is not read or not believed (``cannot be
    read``, ``is before 1990, not believed``: checked in UTC, whatever the shape): a
    text that begins like a date written year first is read whole or not at all, never
    as its day without its time; ``(None, None)`` when it is none of these shapes (a
    feed's reader may ask feedparser)."""
    value = unicodedata.normalize("NFKC", text).strip()
    if not value or len(value) > 80:
        return None, None
    note = None
    value = zones.plain_iso(value)  # RFC 9557's suffix, 24:00
    value = zones.asctime_as_rfc822(value) or value  # Java's "Tue Dec 01 22:00:00 CST 2026"
    offset = _END_OFFSET.search(value)
    if offset is not None and (int(offset.group(1)) > 14 or int(offset.group(2)) > 59):
        return None, f"cannot be read (impossible offset {offset.group(0)})"
    when = parse_iso(value)
    if when is None:
        epoch = _EPOCH.fullmatch(value)
        shaped = _YEAR_FIRST.fullmatch(value) or _MONTH_FIRST.fullmatch(value)
        # RFC 822 writes its day first too: its reader (and its notes) goes first.
        if shaped is None and not RFC822_YEAR.match(value):
            shaped = _DAY_FIRST.fullmatch(value)
        if epoch is not None:
            seconds = int(value) / 1000 if epoch.group("ms") else float(value)
            when = datetime.fromtimestamp(seconds, UTC)
        elif shaped is not None:
            when, note = _from_written(shaped, china)
            if when is None:
                return None, note or "cannot be read"
        elif RFC822_YEAR.match(value):
            when, note = read_rfc822(value, china=china)
            if when is None:
                return None, note
        elif _COMPACT_DATE.fullmatch(value):
            when = _from_parts(_COMPACT_DATE.fullmatch(value))  # type: ignore[arg-type]
            when = None if when is None else when.replace(tzinfo=UTC)
        elif W3C_DATETIME.fullmatch(value):
            when = parse_w3c_datetime(value)  # 2024, 2024-07: a year, a month
        elif _YEAR_FIRST_START.match(value) or _ISO_DATE.match(value):
            return None, "cannot be read"
    if when is None:
        return None, None
    if when < EARLIEST:
        return None, f"is before {EARLIEST_YEAR}, not believed"
    return when, note


# An offset that ends a date: the standard library reads +15:00 to +23:59 too.
_END_OFFSET: Final = re.compile(r"(?<=[\d\s])[+-](\d{2}):?(\d{2})\Z")


def _from_written(match: re.Match[str], china: bool) -> tuple[datetime | None, str | None]:
    """The aware UTC moment a _YEAR_FIRST or _MONTH_FIRST match writes, and its note
    (or None and why not)."""
    groups = match.groupdict()  # the two shapes name different groups

    def part(name: str) -> str:
        return groups.get(name) or ""

    try:
        if part("mname"):
            month = _MONTHS.index(part("mname")[:3].lower()) + 1
        else:
            month = int(part("month") or part("cmonth"))
        day = int(part("day") or part("cday"))
        hour = int(part("hour") or 0)
        minute = int(part("minute") or part("minute2") or 0)
        second = int(part("second") or part("second2") or 0)
        fraction = int((part("fraction") or "")[:6].ljust(6, "0"))
        # Dots dropped: "am." ending a sentence is "am", not p.m. (look16g F12).
        half = (part("half1") or part("half2") or "").lower().replace(".", "")
        if half:
            if not 1 <= hour <= 12:
                return None, "cannot be read"  # "13:00 PM"
            if half == "中午":
                hour = hour if hour >= 11 else hour + 12
            elif half in _AM:
                hour %= 12
            else:
                hour = hour % 12 + 12
        moment = datetime(int(part("year")), month, day, hour, minute, second, fraction, UTC)
    except (ValueError, OverflowError):  # 2026年2月30日, 25:00
        return None, "cannot be read"
    note = None
    offset = timedelta(0)
    if part("zone"):
        written = re.sub(r"^(?:GMT|UTC|UT)\s*", "", part("zone"))
        if written not in ("Z", "z"):
            sign = -1 if written[0] == "-" else 1
            digits = written[1:].replace(":", "")  # 8, 08, 0800, 830 (+8:30)
            hours = int(digits[:-2] if len(digits) > 2 else digits)
            minutes = int(digits[-2:]) if len(digits) > 2 else 0
            if hours > 14 or minutes > 59:
                return None, f"cannot be read (impossible offset {part('zone')})"
            offset = sign * timedelta(hours=hours, minutes=minutes)
    elif part("name"):
        named = zone_offset(part("name"), moment, china=china)
        if named is None:
            return None, f"cannot be read (unknown or ambiguous zone {part('name')!r})"
        offset = named
        note = None if china else AMBIGUOUS_ZONES.get(part("name").upper())
    elif part("beijing") or part("beijing0"):  # 北京时间, after the time or before the date
        offset = timedelta(hours=8)
    try:
        return moment - offset, note
    except OverflowError:
        return None, "cannot be read"


# --- pages ------------------------------------------------------------------------------


def parse_date(text: str | int | float, *, china: bool = False) -> datetime | None:
    """A date as pages write it, aware UTC (no zone: UTC); None when it is not one:
    :func:`read_date`'s reading (a JSON number is epoch seconds or milliseconds).
    ``china``: the page is written in Chinese, where CST is China's (UTC+08:00).
    """
    if isinstance(text, bool):
        return None
    if isinstance(text, int | float):
        text = str(int(text)) if math.isfinite(text) else ""
    return read_date(text, china=china)[0]


def find_written_date(text: str) -> str | None:
    """The first date written year first or English month first in ``text`` (a page's
    byline: ``发布时间：2019年5月3日 01:20 (UTC+8)``, ``Published 2019-05-03 01:20 +0800``,
    ``北京时间2019年5月3日 01:20``), with its time and zone: the part that read_date reads
    as it reads a feed's date, so a page's text and a feed's item give one moment. A
    word after the time that is no zone ("01:20 by …") is not taken for one; a day alone
    is read only when written in CJK (``2019年5月3日``), not as ``2019-05-03``. None: no
    such date, or one that cannot be read (2019年2月30日)."""
    return next((written for _, written in find_written_dates(text)), None)


def find_written_dates(text: str) -> list[tuple[int, str]]:
    """Each date find_written_date would read in ``text`` (NFKC), with where it starts,
    in order: a byline may write its update before its publication (look16f s41)."""
    text = unicodedata.normalize("NFKC", text)
    found = [
        m
        for shape in (_YEAR_FIRST_IN_TEXT, _MONTH_FIRST_IN_TEXT, _DAY_FIRST_IN_TEXT)
        for m in shape.finditer(text)
    ]
    dates: list[tuple[int, str]] = []
    for match in sorted(found, key=lambda m: m.start()):
        named = match.groupdict().get("cmonth") or match.groupdict().get("mname")
        if match.group("hour") is None and not named:
            # A day alone written with digits ("2024-07-23" under the headline) is not
            # read from a byline: the archive's own posts never took one (their seeds
            # are byte-exact); a CJK day always was, an English month's is (look16g F13).
            continue
        written = match.group()
        if match.group("name") is not None:
            when, _ = read_date(written)
            if when is None:  # a word, not a zone: the date and time before it
                written = text[match.start() : match.start("name")].rstrip(" (")
        if read_date(written)[0] is not None and not any(s == match.start() for s, _ in dates):
            dates.append((match.start(), written))
    return dates


_YEAR_FIRST_IN_TEXT: Final = re.compile(r"(?<![\d.])" + _YEAR_FIRST.pattern)
_MONTH_FIRST_IN_TEXT: Final = re.compile(
    r"(?<![A-Za-z])" + _MONTH_FIRST.pattern.removeprefix(r"(?:[A-Za-z]{3,9}\.?,?\s+)??")
)
_DAY_FIRST_IN_TEXT: Final = re.compile(
    r"(?<![\d.:])" + _DAY_FIRST.pattern.removeprefix(r"(?:[A-Za-z]{3,9}\.?,?\s+)??")
)


def _from_parts(match: re.Match[str]) -> datetime | None:
    """A naive datetime of a match's year, month, day (and hour, minute, second)."""
    parts = match.groupdict()
    year, month, day, hour, minute, second = (
        int(parts.get(key) or 0) for key in ("year", "month", "day", "hour", "minute", "second")
    )
    try:
        return datetime(year, month, day, hour, minute, second)
    except ValueError:  # 2019年2月30日
        return None


# -- re-checks' validators (a response's Date, a Last-Modified to keep) ----------------


def plausible_last_modified(value: str | None, now: datetime) -> str | None:
    """A Last-Modified worth keeping as a validator: not later than ``now`` (the
    response's Date, or the time it was stored). A server whose clock ran ahead
    (``2030``) would otherwise answer 304 to every later If-Modified-Since and hide
    every edit. One that cannot be read as a date is kept (sent back as it came)."""
    moment = parse_http_date(value)
    if moment is None:
        return value
    return None if moment > to_utc(now) else value


def response_time(date: str | None, now: datetime) -> datetime:
    """The response's Date header as a time, else ``now`` (also when it cannot be read)."""
    moment = parse_http_date(date)
    return now if moment is None else moment
