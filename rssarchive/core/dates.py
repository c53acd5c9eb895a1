"""Dates: the package's one home for reading them and for putting them in UTC.

Every date leaves here timezone-aware, in UTC; a time written without a zone is taken as
UTC. Three readers, for three kinds of source, share the pieces below them:

* :func:`parse_feed_date`: a feed item's date (ISO 8601, RFC 822 with a zone, else
  feedparser's reading);
* :func:`parse_w3c_datetime`: a sitemap's or the command line's (W3C Datetime, RFC 822);
* :func:`parse_date`: a page's, as pages write them (ISO 8601 and W3C, Chinese, epoch
  seconds, a zone's name …; pagedates.py says where on a page they are looked for).

:func:`believable` is the one test of a date that claims to be a publication's.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final

from rssarchive.core.zones import EARLIEST_YEAR, RFC822_YEAR, ZONES, read_rfc822, zone_offset

__all__ = [
    "CJK_DATE",
    "EARLIEST",
    "ZONE_HOURS",
    "believable",
    "parse_date",
    "parse_feed_date",
    "parse_iso",
    "parse_w3c_datetime",
    "read_feed_date",
    "to_utc",
]

# Dates before this are not believed: a zero epoch, a default value, a broken clock.
EARLIEST: Final = datetime(1990, 1, 1, tzinfo=UTC)


def to_utc(moment: datetime) -> datetime:
    """``moment`` in UTC; a naive one is taken as UTC (what a date written without a
    zone means here, and what makes a naive bound comparable at all)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


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


def _rfc822(text: str, *, zone_required: bool = False) -> datetime | None:
    """An RFC 822 date in UTC (zones.read_rfc822: Hugo's year 0001 is not 2001, a zone's
    name from zones.py); None when it is not one or is not read. ``zone_required`` is
    kept for its callers: an unknown zone gives no date there either way now."""
    del zone_required
    return read_rfc822(text)[0]


# --- feeds ------------------------------------------------------------------------------

_ISO_DATE: Final = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def parse_feed_date(raw: Any, parsed: Any) -> datetime | None:
    """A feed item's date (see read_feed_date), or None."""
    return read_feed_date(raw, parsed)[0]


def read_feed_date(raw: Any, parsed: Any) -> tuple[datetime | None, str | None]:
    """A feed item's date: ``raw`` as written, ``parsed`` feedparser's reading of it (a
    time tuple, UTC). ISO 8601 (keeps milliseconds; no zone: UTC, as feedparser
    assumes) or RFC 822 (zones.read_rfc822), else whatever feedparser's many date
    parsers made of it (UTC, whole seconds). Returns the date, or None and why not
    ("cannot be read", "is before 1990, not believed"): a year before 1990 is a missing
    date written as a date (Hugo's zero date is 0001-01-01), as for pages."""
    text = str(raw or "").strip()
    when: datetime | None = None
    if text:
        when = parse_iso(text)
        if when is None:
            iso = _ISO_DATE.match(text)
            if iso and not _valid_date(*map(int, iso.groups())):
                # feedparser would roll "2024-13-45" over into 2025: not a date.
                return None, "cannot be read"
            if RFC822_YEAR.match(text):
                # Ours is the reading of an RFC 822 date: feedparser's would roll
                # "30 Feb" over into March, and take an unknown zone for UTC.
                when, problem = read_rfc822(text)
                if when is None:
                    return None, problem
    if when is None and parsed:
        try:
            year, month, day, hour, minute, second = parsed[:6]
            when = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
        except (TypeError, ValueError, OverflowError):
            return None, "cannot be read"
    if when is None:
        return None, "cannot be read" if text else None
    if when.year < EARLIEST_YEAR:
        return None, f"is before {EARLIEST_YEAR}, not believed"
    return when, None


def _valid_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


# --- sitemaps and the command line ------------------------------------------------------

_W3C_DATETIME = re.compile(
    r"(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2})"
    r"(?:[Tt ](?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,](?P<fraction>\d+))?)?"
    r"\s*(?P<zone>[Zz]|[+-]\d{2}(?::?\d{2})?)?)?)?)?"
)


def _zone(text: str | None) -> timedelta:
    if not text or text in "Zz":
        return timedelta(0)
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))


def parse_w3c_datetime(text: str, *, end_of_period: bool = False) -> datetime | None:
    """A sitemap date (W3C Datetime: ``2024``, ``2024-07``, ``2024-07-24``,
    ``2024-07-24T01:45:53.725+08:00``), as aware UTC; None when it is not one.

    RFC 822 dates (``Wed, 24 Jul 2024 01:45:53 GMT``), which some news sitemaps use, are
    accepted too. Without a zone, UTC. With ``end_of_period``, a time-less date means
    the last microsecond of its year, month or day: what an inclusive ``--until 2024-07``
    should mean.
    """
    value = text.strip()
    match = _W3C_DATETIME.fullmatch(value)
    if match is None:
        return _rfc822(value)
    part = match.group
    fraction = (part("fraction") or "")[:6].ljust(6, "0")
    try:
        moment = datetime(
            int(part("year")),
            int(part("month") or 1),
            int(part("day") or 1),
            int(part("hour") or 0),
            int(part("minute") or 0),
            int(part("second") or 0),
            int(fraction),
            tzinfo=UTC,
        )
        moment -= _zone(part("zone"))
        if end_of_period and part("hour") is None:
            if part("day") is not None:
                after = moment + timedelta(days=1)
            elif part("month") is not None:
                after = moment.replace(
                    year=moment.year + moment.month // 12, month=moment.month % 12 + 1
                )
            else:
                after = moment.replace(year=moment.year + 1)
            moment = after - timedelta(microseconds=1)
    except (ValueError, OverflowError):  # month 13, year 0, 9999 + 1 year, zone +99:00
        if end_of_period and match.group("year") == "9999":
            return datetime.max.replace(tzinfo=UTC)
        return None
    return moment


# --- pages ------------------------------------------------------------------------------


def parse_date(text: str | int | float) -> datetime | None:
    """A date as pages write it, aware UTC (no zone: UTC); None when it is not one.

    ISO 8601 in all its forms is read by the standard library; then the forms pages
    write besides it (see ``_other_forms``: Chinese ``2019年5月3日 10:20``, ``2019/05/03
    10:20``, ``20190503``, epoch seconds and milliseconds, a zone named ``EST``); anything
    else (a year, RFC 822) by :func:`parse_w3c_datetime`.
    Full-width digits and colons (``２０１９年``, ``10：20``) count as ASCII ones.
    """
    if isinstance(text, bool):
        return None
    if isinstance(text, int | float):
        text = str(int(text)) if math.isfinite(text) else ""
    value = unicodedata.normalize("NFKC", text).strip()
    if not value or len(value) > 64:
        return None
    moment = parse_iso(value)
    if moment is None:
        moment = _other_forms(value) or parse_w3c_datetime(value)
    return None if moment is None else to_utc(moment)


# 2019年5月3日 (日 or 号), then an optional time: 10:20, 10时20分, 10:20:30.
CJK_DATE: Final = re.compile(
    r"(?P<year>\d{4})\s*年\s*(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*[日号]"
    r"(?:\s*(?P<hour>\d{1,2})\s*[:时]\s*(?P<minute>\d{1,2})\s*分?"
    r"(?:\s*:?\s*(?P<second>\d{1,2})\s*秒?)?)?"
)
# 2019/05/03, 2019.05.03, with an optional 10:20 or 10:20:30 (year first only: 05/03/2019
# is the 5th of March to some and the 3rd of May to others).
_SLASH_DATE: Final = re.compile(
    r"(?P<year>\d{4})([/.])(?P<month>\d{1,2})\2(?P<day>\d{1,2})"
    r"(?:[Tt ]+(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?)?"
)
_COMPACT_DATE: Final = re.compile(r"(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})")
# Epoch seconds (10 digits: 2001-09-09 to 2286) and milliseconds (13 digits).
_EPOCH: Final = re.compile(r"\d{10}(?P<ms>\d{3})?")
# A date and time followed by a zone's name: "2019-05-03T10:20:00 EST".
_NAMED_ZONE: Final = re.compile(r"(?P<moment>.*\d)\s*\(?(?P<zone>[A-Za-z]{2,5})\)?")
_HAS_OFFSET: Final = re.compile(r"[+-]\d{2}:?\d{2}$")
# The zone names read after a page's date: zones.py's (an unknown or ambiguous one gives
# no date: a guess could be half a day off). In hours, as before, for those who read it.
ZONE_HOURS: Final = {name: offset / timedelta(hours=1) for name, offset in ZONES.items()}


def _other_forms(value: str) -> datetime | None:
    """The forms ``parse_date`` reads besides ISO 8601 and RFC 822 (naive or aware)."""
    epoch = _EPOCH.fullmatch(value)
    if epoch is not None:
        seconds = int(value) / 1000 if epoch.group("ms") else int(value)
        return datetime.fromtimestamp(seconds, UTC)
    for pattern in (CJK_DATE, _SLASH_DATE, _COMPACT_DATE):
        match = pattern.fullmatch(value)
        if match is not None:
            return _from_parts(match)
    named = _NAMED_ZONE.fullmatch(value)
    zone = None if named is None else zone_offset(named.group("zone"))
    if named is not None and zone is not None:
        inner = parse_date(named.group("moment"))
        if inner is None or _HAS_OFFSET.search(named.group("moment")):
            return inner  # "+02:00 CEST": the offset says it already
        # The inner moment was read as UTC; the zone says how far from it the clock was.
        return inner - zone
    return None


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
