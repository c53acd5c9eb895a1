"""Time zone abbreviations that a date may end with, and what each one means.

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
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Final

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


def zone_offset(name: str) -> timedelta | None:
    """The offset from UTC that ``name`` (any case) means; None when it is not known or
    means more than one."""
    return ZONES.get(name.strip().upper())


# An RFC 822 date up to its year ("Mon, 01 Jan 0001"), the year as written.
RFC822_YEAR: Final = re.compile(
    r"\s*(?:[A-Za-z]{2,9}\.?,?\s*)?\d{1,2}\s+[A-Za-z]{3,9}\.?,?\s+(\d+)\b"
)
# What may end an RFC 822 date: a numeric offset (maybe followed by a comment naming
# its zone, "+0100 (CET)"), or a zone's name.
_RFC822_OFFSET: Final = re.compile(r"\s([+-])(\d{2})(\d{2})\s*(?:\([^()]*\))?\s*\Z")
_RFC822_ZONE_NAME: Final = re.compile(r"\s\(?([A-Za-z]{1,5})\)?\s*\Z")


def read_rfc822(text: str) -> tuple[datetime | None, str | None]:
    """An RFC 822 date, read by our rules where the standard library's differ: a
    four-digit year is the year as written (``0001`` is not 2001, as parsedate would
    have it), a two-digit one is read as RFC 2822 says (00-49: 20xx, 50-99: 19xx), and a
    three-digit one is 1900 + it; zone names are those above, not only RFC 822's
    (an unknown one gives no date, not UTC); an offset past ±14:59 is no offset.
    Returns the date or why there is none."""
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
    if year < EARLIEST_YEAR:
        return None, f"is before {EARLIEST_YEAR}, not believed"
    # Four digits from here on: parsedate takes those as written.
    text = f"{text[: year_match.start(1)]}{year:04d}{text[year_match.end(1) :]}"
    offset = _RFC822_OFFSET.search(text)
    named = None if offset else _RFC822_ZONE_NAME.search(text)
    if offset is not None and (int(offset.group(2)) > 14 or int(offset.group(3)) > 59):
        return None, f"cannot be read (impossible offset {''.join(offset.groups())})"
    if named is not None:
        zone = zone_offset(named.group(1))
        if zone is None:
            return None, f"cannot be read (unknown or ambiguous zone {named.group(1)!r})"
        minutes = int(zone.total_seconds()) // 60
        sign = "-" if minutes < 0 else "+"
        text = f"{text[: named.start()]} {sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"
    try:
        when = parsedate_to_datetime(text)
        # Naive: "-0000" (RFC 2822: the zone is not known), taken as UTC.
        return (when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)), None
    except (TypeError, ValueError, IndexError, OverflowError):  # 30 Feb, year 9999 + 1 h
        return None, "cannot be read"
