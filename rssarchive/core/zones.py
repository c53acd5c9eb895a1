"""Time zone abbreviations that a date may end with, and what each one means; US regions
(``ET``) by the date; RFC 822 dates, and the ISO 8601 spellings the standard library
does not read (RFC 9557's ``[Asia/Shanghai]``, ``T24:00``), for dates.read_date.

RFC 822 names only UT/GMT, Z and the four US zones (CST is US Central there, as in every
RFC 822 parser, and so here). News sites write many more; the ones below are those that
mean one offset wherever they are written. An abbreviation that means several offsets is
left out on purpose and gives no date: IST is India (+05:30), Ireland (+01:00) and Israel
(+02:00); AST is Atlantic (-04:00) and Arabia (+03:00); GST is the Gulf (+04:00) and
South Georgia (-02:00); SST is Singapore and Samoa. A guess there could be half a day off,
and a date that is said to be missing is better than one that is silently wrong.

BST is taken as British Summer Time (+01:00), what British papers and the BBC write;
Bangladesh's standard time is abbreviated BST too, but its news sites write offsets.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

if TYPE_CHECKING:
    from lxml.html import HtmlElement

# A date before this year is not believed: it is a missing date written as one (Hugo's
# zero date is 0001-01-01, a zero epoch is 1970). pagedates.EARLIEST is its midnight.
EARLIEST_YEAR: Final = 1990

_MINUTES: Final = {
    # RFC 822 (and UTC)
    "UT": 0, "UTC": 0, "GMT": 0, "Z": 0,
    "EST": -300, "EDT": -240, "CST": -360, "CDT": -300,
    "MST": -420, "MDT": -360, "PST": -480, "PDT": -420,
    # North America besides RFC 822's four
    "AKST": -540, "AKDT": -480, "HST": -600, "NST": -210, "NDT": -150,
    # South America
    "BRT": -180, "ART": -180,
    # Europe
    "WET": 0, "WEST": 60, "BST": 60, "CET": 60, "CEST": 120, "MET": 60, "MEST": 120,
    "EET": 120, "EEST": 180, "MSK": 180, "TRT": 180,
    # Africa
    "WAT": 60, "CAT": 120, "SAST": 120, "EAT": 180,
    # Asia
    "PKT": 300, "NPT": 345, "ICT": 420, "WIB": 420, "WITA": 480, "WIT": 540,
    "HKT": 480, "SGT": 480, "MYT": 480, "PHT": 480, "AWST": 480,
    "JST": 540, "KST": 540,
    # Australia and New Zealand
    "ACST": 570, "ACDT": 630, "AEST": 600, "AEDT": 660, "NZST": 720, "NZDT": 780,
}  # fmt: skip

# Every abbreviation above, with its offset from UTC (east positive).
ZONES: Final = {name: timedelta(minutes=minutes) for name, minutes in _MINUTES.items()}
# Zone names read as one offset although others write them too: the offset taken, and
# what the run says beside the date read (the README's dates section).
AMBIGUOUS_ZONES: Final = {
    "CST": "read as US Central (UTC-06:00), as RFC 822 has it; China's and Cuba's "
    "standard times are written CST too"
}


# US regions as American papers name them (AP style, "10 a.m. ET"): standard or summer
# time by the date, so an offset of the moment, not of the name alone.
REGIONS: Final = {
    "ET": "America/New_York",
    "CT": "America/Chicago",
    "MT": "America/Denver",
    "PT": "America/Los_Angeles",
}


# China's Standard Time, what CST means on a page written in Chinese (look16h H16).
CHINA: Final = timedelta(hours=8)


# Han characters, and the kana and hangul that make a page with them Japanese or Korean.
_HAN: Final = re.compile(r"[\u4e00-\u9fff]")
_KANA_HANGUL: Final = re.compile(r"[\u3040-\u30ff\uac00-\ud7af]")


def written_in_chinese(lang: str, sample: str) -> bool:
    """Whether a page is in Chinese, where CST is China's time (look16h H16): its
    ``lang`` says so (``zh``, ``zh-CN``, ``zh-Hant-TW``: Taiwan's and Hong Kong's
    clocks are UTC+08:00 too), or, unless it says Japanese or Korean, its ``sample``
    (the title) is written in Han characters (a Chinese CMS's template often says
    ``en``)."""
    code = lang.strip().lower().replace("_", "-").split("-")[0]
    if code in ("zh", "cmn", "yue"):
        return True
    han = _HAN.search(sample) is not None
    return code not in ("ja", "ko") and han and _KANA_HANGUL.search(sample) is None


def page_in_chinese(doc: HtmlElement) -> bool:
    """Whether the page of ``doc`` is written in Chinese (written_in_chinese: its root's
    ``lang``, else its title's script)."""
    root = doc.getroottree().getroot()
    return written_in_chinese(root.get("lang") or "", root.findtext(".//title") or "")


def zone_offset(
    name: str, moment: datetime | None = None, *, china: bool = False
) -> timedelta | None:
    """The offset from UTC that ``name`` (any case) means, a region's (REGIONS: ``ET``)
    at the wall clock's ``moment`` (its own zone ignored); None when it is not known or
    means more than one, or the time zone database lacks the region's (the date is then
    said not read, never guessed). ``china``: the date is written in Chinese, where
    ``CST`` is China Standard Time (UTC+08:00), not RFC 822's US Central."""
    if china and name.strip().upper() == "CST":
        return CHINA
    fixed = ZONES.get(name.strip().upper())
    region = REGIONS.get(name.strip().upper())
    if fixed is not None or region is None or moment is None:
        return fixed
    try:
        return moment.replace(tzinfo=ZoneInfo(region)).utcoffset()
    except (ZoneInfoNotFoundError, ValueError, OverflowError):
        return None


# RFC 9557's suffixes after an ISO 8601 time ("+08:00[Asia/Shanghai]", "[u-ca=gregory]"):
# the offset before them says the moment; they only name its zone or calendar.
_SUFFIX: Final = re.compile(r"(?<=[\dZz])(?:\[!?[\w+\-/=.]{1,64}\])+\Z")
# ISO 8601's end of a day, 24:00 (maybe :00 and zero fractions): the next day's 00:00.
_DAY_END: Final = re.compile(r"(\d{4}-\d{2}-\d{2})([Tt ])24:00(?::00(?:[.,]0+)?)?(?=\S{0,6}\Z)")


def plain_iso(value: str) -> str:
    """``value`` without RFC 9557's suffix, and an ISO 8601 ``T24:00`` written as the
    next day's ``T00:00:00``: what the standard library reads (dates.read_date)."""
    value = _SUFFIX.sub("", value)
    end = _DAY_END.match(value)
    if end is None:
        return value
    try:
        day = date.fromisoformat(end.group(1)) + timedelta(days=1)
    except (ValueError, OverflowError):  # 2026-02-30, 9999-12-31
        return value
    return f"{day}{end.group(2)}00:00:00{value[end.end() :]}"


# An RFC 822 date up to its year ("Mon, 01 Jan 0001"), the year as written.
# The month is English, as RFC 822 writes it: "24 juillet 2024" is left to feedparser.
RFC822_YEAR: Final = re.compile(
    r"\s*(?:[A-Za-z]{2,9}\.?,?\s*)?\d{1,2}\s+"
    r"(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[A-Za-z]{0,6}\.?,?\s+(\d+)\b"
)
# What may end an RFC 822 date: a zone's name, or an offset (+0800, and as pages and
# feeds also write it, +08:00, GMT+8, UTC+08:00), maybe followed by a comment naming
# its zone ("+0100 (CET)"). A name in parentheses alone ("(CET)") is a name too.
# An offset may be followed by its zone's name without parentheses too ("+0000 GMT",
# "-0500 EST": PHP's and .NET's "O T"): the offset says, the name is checked against it.
_RFC822_ZONE: Final = re.compile(
    r"\s(?:\(?(?P<name>[A-Za-z]{1,5})\)?"
    r"|(?:GMT|UTC|UT)?(?P<sign>[+-])(?P<hours>\d{1,2})(?::?(?P<minutes>\d{2}))?)"
    r"\s*(?:\([^()]*\)|(?<=\d)\s+(?P<also>[A-Za-z]{1,5}))?\s*\Z"
)
# A time's fraction of a second (".000", which .NET writes): parsedate reads none.
_FRACTION: Final = re.compile(r"(?<=\d:\d\d)[.,](\d{1,9})(?!\d)")
# The month as written ("Sept", "Sept.", "December"): parsedate reads three letters.
_MONTH_WORD: Final = re.compile(r"(?<=\d\s)\s*([A-Za-z]{3,9})\.?,?(?=\s+\d)")
# The end of a day written 24:00 (ISO 8601 has it; some feeds write it in RFC 822 too).
_DAY_END_822: Final = re.compile(r"(?<=\s)24:00(?::00)?(?=\s|\Z)")
# Without a zone, the date must end with its time or its year: anything else there is
# a zone we cannot read ("Europe/Paris"), which parsedate would silently take for UTC.
_RFC822_END: Final = re.compile(r"(?:\d{1,2}:\d{2}(?::\d{2})?|\d{4})\s*\Z")
# parsedate ignores "PM": 8:00 PM would be read as 08:00.
_AM_PM: Final = re.compile(r"\d\s*[AaPp]\.?[Mm]\b")


# Java's Date.toString() ("Tue Dec 01 22:00:00 CST 2026", what Java CMSs put in feeds)
# and C's asctime ("Tue Dec  1 22:00:00 2026"): month, day, time, zone, year.
_ASCTIME: Final = re.compile(
    r"\s*(?:[A-Za-z]{3,9}\.?,?\s+)?(?P<month>(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
    r"[A-Za-z]{0,6})\.?\s+(?P<day>\d{1,2}),?\s+(?P<time>\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?)"
    r"\s+(?:(?P<zone>[A-Za-z]{1,5}|(?:GMT|UTC|UT)?[+-]\d{1,2}(?::?\d{2})?)\s+)?(?P<year>\d{4})\s*"
)


def asctime_as_rfc822(text: str) -> str | None:
    """``text`` written as Java's Date.toString() or asctime writes a date, rewritten as
    RFC 822 (``01 Dec 2026 22:00:00 CST``) for read_rfc822, which reads its zone as any
    other (an ambiguous or unknown name: no date, said); None: not that shape."""
    match = _ASCTIME.fullmatch(text)
    if match is None:
        return None
    part = match.group
    return f"{part('day')} {part('month')} {part('year')} {part('time')} {part('zone') or ''}"


def read_rfc822(text: str, *, china: bool = False) -> tuple[datetime | None, str | None]:
    """An RFC 822 date, read by our rules where the standard library's differ: a
    four-digit year is the year as written (``0001`` is not 2001, as parsedate would
    have it), a two-digit one is read as RFC 2822 says (00-49: 20xx, 50-99: 19xx), and a
    three-digit one is 1900 + it; zone names are those above, not only RFC 822's, and
    one we cannot read gives no date (parsedate takes it for UTC); an offset past
    ±14:59 is no offset. Without a zone (or with "-0000"), UTC. A fraction of a second
    (``10:00:00.000``), a month's longer spelling (``Sept``) and ``24:00`` (the next
    day's midnight) are read; an offset followed by its zone's name (``+0000 GMT``) is
    read by the offset. ``china``: CST is China's (zone_offset).
    Returns the date or why there is none; with a date, a note when the zone's name
    written after the offset contradicts it (the offset read)."""
    year_match = RFC822_YEAR.match(text)
    if year_match is None:
        return None, "cannot be read"
    digits = year_match.group(1)
    if len(digits) == 2:
        year = int(digits) + (2000 if int(digits) < 50 else 1900)
    elif len(digits) == 3:
        year = 1900 + int(digits)
    elif len(digits) == 4:
        year = int(digits)
    else:
        return None, "cannot be read"
    if year < EARLIEST_YEAR - 1:  # the last hours of 1989 may be 1990 in UTC: see below
        return None, f"is before {EARLIEST_YEAR}, not believed"
    # Four digits from here on: parsedate takes those as written.
    text = f"{text[: year_match.start(1)]}{year:04d}{text[year_match.end(1) :]}".strip()
    zone = _RFC822_ZONE.search(text)
    offset, note = timedelta(0), None
    if zone is None:
        if not _RFC822_END.search(text):
            return None, "cannot be read"
    elif zone.group("name"):
        named = zone_offset(zone.group("name"), china=china)
        if named is None:
            return None, f"cannot be read (unknown or ambiguous zone {zone.group('name')!r})"
        offset = named
        note = None if china else AMBIGUOUS_ZONES.get(zone.group("name").upper())
    else:
        hours, minutes = int(zone.group("hours")), int(zone.group("minutes") or 0)
        if hours > 14 or minutes > 59:
            written = zone.group(0).strip()
            return None, f"cannot be read (impossible offset {written})"
        offset = timedelta(hours=hours, minutes=minutes)
        offset = -offset if zone.group("sign") == "-" else offset
        note = _contradicted(zone.group("also"), offset, zone.group(0).strip())
    moment = text if zone is None else text[: zone.start()].rstrip()
    fraction = _FRACTION.search(moment)
    micro = 0 if fraction is None else int(fraction.group(1)[:6].ljust(6, "0"))
    moment = _FRACTION.sub("", moment)
    moment = _MONTH_WORD.sub(lambda m: f" {m.group(1)[:3]}", moment, count=1)
    day_end = _DAY_END_822.search(moment) is not None
    moment = _DAY_END_822.sub("00:00:00", moment)
    if moment.endswith(f"{year:04d}"):
        moment += " 00:00:00"  # a day without a time: its midnight (parsedate needs one)
    if _AM_PM.search(moment):
        return None, "cannot be read"
    try:
        when = parsedate_to_datetime(moment)
        if when.tzinfo is not None:  # a zone we did not see as one
            return None, "cannot be read"
        when = when.replace(tzinfo=UTC, microsecond=micro) - offset
        when += timedelta(days=1) if day_end else timedelta(0)
    except (TypeError, ValueError, IndexError, OverflowError):  # 30 Feb, year 9999 + 1 h
        return None, "cannot be read"
    # The floor is checked in UTC, as for every other shape: "Sun, 31 Dec 1989 23:30:00
    # -0100" is 1990-01-01T00:30Z, as its ISO 8601 spelling is.
    if when.year < EARLIEST_YEAR:
        return None, f"is before {EARLIEST_YEAR}, not believed"
    return when, note


def _contradicted(name: str | None, offset: timedelta, written: str) -> str | None:
    """What is said when the zone's ``name`` written after an offset means another
    offset (``+0100 EST``); None: it agrees, or names no zone known by one offset
    (``+0800 CST`` is China's)."""
    if name is None or name.upper() in AMBIGUOUS_ZONES:
        return None
    named = ZONES.get(name.upper())
    if named is None or named == offset:
        return None
    return f"its zone's name {name} is not its offset; read by the offset ({written})"


# A time followed by what places it: Z, an offset (``+08:00``, ``UTC+8``, ``GMT``), a
# zone's name or a US region's (``10:00 AM EST``); or China's time named anywhere.
_PLACED: Final = re.compile(
    r"\d:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:\s*[AaPp]\.?[Mm]\.?)?\s*\(?"
    r"(?:[Zz]\b|[+-]\d{1,2}(?::?\d{2})?\b|(?:UTC|GMT|UT)\b|(?P<name>[A-Za-z]{2,5})\b)"
    r"|北京时间"
)
_EPOCH: Final = re.compile(r"\d{9,13}")


def carries_zone(text: str) -> bool:
    """Whether a date as written says where its time is (an offset, ``Z``, a zone's
    name, 北京时间, or epoch seconds, which are UTC by definition): a reading that does
    not depend on taking a zoneless date as UTC, so beats one that does on a page
    (look16f s07: a CMS writing local time in JSON-LD without its zone, and again in
    ``article:published_time`` with it)."""
    value = text.strip()
    if _EPOCH.fullmatch(value):
        return True
    for match in _PLACED.finditer(value):
        name = (match.group("name") or "").upper()
        if not name or name in ZONES or name in REGIONS:
            return True
    return False
