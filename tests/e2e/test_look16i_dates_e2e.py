"""Issue 16, the ninth outside look's byline-date finding (look16i I11), the real CLI
against a real local HTTP server: a byline written day first with the month named (how
British, Australian, Indian and European sites write them) dates the post to its
minute and zone, as the same moment written month first does; it was read by htmldate
as the local day's midnight in UTC: the wrong day east of UTC, silently."""

from __future__ import annotations

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from test_backfill_e2e import front
from test_look16h_pagedates_e2e import BODY, backfill, html

BYLINES = {
    # The same moment, 2026-11-20T22:00Z, written month first (read before) and day first.
    "month-first": ("By Ann Lee | November 21, 2026 06:00 AM +0800", "2026-11-20T22:00:00.000Z"),
    "day-first": ("By Ann Lee | 21 November 2026 06:00 +0800", "2026-11-20T22:00:00.000Z"),
    # The Guardian's: a weekday, a dotted clock and a zone's name (AEDT, UTC+11).
    "guardian": ("Sat 21 Nov 2026 06.00 AEDT", "2026-11-20T19:00:00.000Z"),
}


def test_a_byline_written_day_first_dates_the_post_to_its_minute(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    pages = {
        f"/news/{key}": html(
            f"Budget {key}",
            f'<article><h1>Budget {key}</h1><p class="byline">{line}</p>{BODY}</article>',
        )
        for key, (line, _) in BYLINES.items()
    }
    backfill(site, httpserver, pages, capsys)
    for key, (_, date) in BYLINES.items():
        assert front(site, f"2026-11-20-Budget {key}.md")["date"] == date, site.post_names()
