"""A short article that quotes a wall's wording in its own sentences (a censor's "该内容已
被删除", a consent banner's "Reject all", a journal's "This article has been removed")
or whose last sentence tells readers they can sign in is archived on the first run, not
after a day of retries; a wall showing the headline and its wording alone still fails.
The real CLI against one real local HTTP server, ``content: page``."""

from __future__ import annotations

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from test_e2e import rss
from test_fix16r_walls_e2e import WALLS_WITH_HEADLINE, _bodies, _page, _run, _serve

# (feed title, paragraphs): real briefs (the outside look's, s6 and s5).
BRIEFS = {
    "weibo": (
        "微博热帖遭删除",
        [
            "一篇批评武汉防疫措施的微博热帖周一晚间被删除，网友截图显示：该内容已被删除。"
            "该帖此前获得十万次转发，作者的账号也被禁言三十天。"
        ],
    ),
    "banner": (
        "EU orders cookie banner change",
        [
            "The European Commission on Monday ordered Meta to add a button saying Reject all"
            " to its cookie banner within 30 days.",
            "Meta said it would appeal the decision.",
        ],
    ),
    "retract": (
        "Journal retracts vaccine paper",
        [
            "The journal said on Friday: This article has been removed at the request of the"
            " authors. The paper had claimed a link between the vaccine and autism."
        ],
    ),
    "library": (
        "Library opens reading room",
        [
            "The city library opened a new reading room for children on Saturday, with 4,000"
            " books donated by local families and a small stage for readings.",
            "Librarians will host story hours every weekend.",
            "To keep reading fun, entry is free for all ages.",
        ],
    ),
    "app": (
        "Newspaper launches app",
        [
            "The Daily Courier launched a new mobile app on Tuesday, with offline reading and"
            " local alerts for traffic and weather across the county.",
            "The editor said the app was two years in the making.",
            "Readers who already have an account can sign in to read the full archive from"
            " 1950 on.",
        ],
    ),
    # look16g F2: a brief whose sentence starts with wall wording and goes on reporting.
    "reject": (
        "EU tells publishers: make Reject all as easy as Accept all",
        [
            "Reject all buttons must be as prominent as Accept all ones, the data protection"
            " board said on Tuesday.",
            "The rule takes effect in March.",
        ],
    ),
    "print": (
        "Site outage",
        [
            "This page is no longer available in the print edition, the paper said, citing"
            " costs. Readers can find it online."
        ],
    ),
}


def test_briefs_quoting_a_wall_wording_are_archived_on_the_first_run(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    pages = {name: _page(title, paragraphs) for name, (title, paragraphs) in BRIEFS.items()}
    _serve(httpserver, {**pages, **WALLS_WITH_HEADLINE})
    names = [*BRIEFS, *WALLS_WITH_HEADLINE]
    titles = {name: title for name, (title, _) in BRIEFS.items()}
    titles |= {"login": "Minister resigns over budget row", "consent": "Storm closes port"}
    titles |= {"gone": "Flood warning lifted"}
    items = [
        {
            "title": titles[name],
            "link": httpserver.url_for(f"/n/{name}"),
            "guid": name,
            "pubDate": "Mon, 07 Dec 2026 01:00:00 GMT",
        }
        for name in names
    ]
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(items), content_type="application/rss+xml"
    )
    site.write_config([{"name": "p", "url": httpserver.url_for("/feed.xml"), "content": "page"}])
    _, report = _run(site, capsys, "run", "--now", "2026-12-07T12:00:00Z")
    failed = sorted(f["url"].rsplit("/", 1)[1] for r in report["results"] for f in r["failed"])
    # The walls are still walls; every brief is archived, whole, on this first run.
    assert failed == sorted(WALLS_WITH_HEADLINE), report
    assert len(site.post_names()) == len(BRIEFS), site.post_names()
    texts = _bodies(site)
    for _, paragraphs in BRIEFS.values():
        for paragraph in paragraphs:
            assert paragraph in texts, paragraph
