"""Issue 16, an outside review's findings not fixed by the earlier passes (review16h):
backfilled pages' dates and what is said of them, a state file emptied, a feed's
permanent move said on the run that follows it, and a feed's zone-first dates. The real
CLI against real local HTTP servers."""

from __future__ import annotations

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from test_backfill_e2e import dated_page, front

NOW = "2026-01-02T03:04:05Z"

# -- MED 5: a Dublin Core date with its time and zone -----------------------------------


# Dublin Core is written with a dot in a name= (HTML) and with a colon in a property=
# (RDFa); htmldate knows both, and read the colon's as its day's midnight.
@pytest.mark.parametrize(
    ("attribute", "name"),
    [
        ("name", "dc.date"),
        ("name", "DC.date.issued"),
        ("name", "dcterms.created"),
        ("name", "DC.created"),
        ("name", "dc.date.publication"),
        ("property", "dc:date"),
        ("property", "dcterms:created"),
        ("property", "dcterms:issued"),
        ("property", "dc:created"),
    ],
)
def test_a_backfilled_page_dated_by_dublin_core_keeps_its_time_and_zone(
    attribute: str, name: str, site: Site, httpserver: HTTPServer
) -> None:
    site.write_config([{"name": "News", "url": httpserver.url_for("/feed.xml")}])
    meta = f'<meta {attribute}="{name}" content="2019-05-03T01:20:00+08:00">'
    httpserver.expect_request("/dc.html").respond_with_data(
        dated_page("Dublin", meta),
        content_type="text/html",
    )
    assert site.cli("backfill", "--now", NOW, httpserver.url_for("/dc.html")) == 0
    assert site.post_names() == ["2019-05-02-Dublin.md"]
    assert front(site, "2019-05-02-Dublin.md")["date"] == "2019-05-02T17:20:00.000Z"
