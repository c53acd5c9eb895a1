"""The network's findings on backfill (issue 17's review), end to end through the real CLI
against real HTTP servers on 127.0.0.1: the timeout bounds a request, not the wait for the
host's turn; a run's own items come before old retries; one article, one post, whatever
spelling or redirect leads to it; failures that cannot mend end at once; Retry-After is
honoured across runs."""

from __future__ import annotations

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from test_e2e import article, paths

NOW = "2026-01-02T03:04:05Z"


def test_the_wait_for_the_hosts_turn_is_not_the_requests_timeout(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # Four pages one second apart (per_host_delay) with a 1.5 s timeout: the last waits
    # three seconds for its turn, then answers at once. Before the fix, the deadline
    # started before that wait and the pages after the second "timed out" unasked.
    site.write_config(
        [{"name": "News", "url": httpserver.url_for("/feed.xml")}],
        timeout=1.5,
        per_host_delay=1.0,
        per_host_concurrency=1,
    )
    urls = []
    for n in range(4):
        httpserver.expect_request(f"/a{n}.html").respond_with_data(article(f"Story {n}"))
        urls.append(httpserver.url_for(f"/a{n}.html"))
    assert site.cli("backfill", "--now", NOW, *urls) == 0, capsys.readouterr().err
    assert "timed out" not in capsys.readouterr().err
    assert sorted(paths(httpserver)) == [f"/a{n}.html" for n in range(4)]
    assert len(site.post_names()) == 4
