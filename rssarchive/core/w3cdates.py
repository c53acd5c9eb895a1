"""W3C Datetime, as sitemaps and the command line write dates (``2024``, ``2024-07``,
``2024-07-24T01:45:53.725+08:00``); dates.py reads these shapes through it too."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from rssarchive.core.zones import read_rfc822

W3C_DATETIME = re.compile(
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
    match = W3C_DATETIME.fullmatch(value)
    if match is None:
        return read_rfc822(value)[0]
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
