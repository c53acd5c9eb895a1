"""Issue 16, an outside review's findings (review16c): articles a feed lists that were
lost or skipped without a word. The real CLI against real local HTTP servers."""

from __future__ import annotations

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from test_integrity_e2e import Feed, run_json, sources

T0 = "2024-07-24T01:45:00Z"


def run_at(site: Site, capsys: pytest.CaptureFixture[str], now: str) -> tuple[int, str, str]:
    code = site.cli("run", "--now", now)
    out, err = capsys.readouterr()
    return code, out, err


# -- M8: content: auto, a page that fails: attempts spaced in time, then the feed's text --


def test_auto_page_down_is_retried_with_back_off_then_written_from_feed_text(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = Feed(httpserver)
    link = httpserver.url_for("/story/1.html")
    # 503 with a Retry-After of a second: the client leaves the retry to the next runs.
    httpserver.expect_request("/story/1.html").respond_with_data(
        "down", status=503, headers={"Retry-After": "1"}
    )
    feed.items = [feed.item(1, day=20, content="<p>A short teaser of the story.</p>")]
    site.write_config([{"name": "t", "url": feed.url, "content": "auto"}])

    # A per-minute cron during an outage: one attempt, then the runs wait.
    def page_asked() -> int:
        return sum(r.path == "/story/1.html" for r, _ in httpserver.log)

    for minute in range(6):
        code, _, err = run_at(site, capsys, f"2024-07-24T01:{45 + minute}:00Z")
        assert "gave up" not in err, err
        assert code == (1 if minute == 0 else 0), err
        if minute == 0:
            assert page_asked() == 1
    assert page_asked() == 1
    assert site.post_names() == []

    # The attempts that follow wait longer and longer; the article is not given up
    # before a day has passed, and then it is written from the feed's text.
    for now in ("2024-07-24T02:01:00Z", "2024-07-24T03:02:00Z", "2024-07-24T09:03:00Z"):
        code, _, err = run_at(site, capsys, now)
        assert code == 1 and "gave up" not in err, (now, err)
        assert site.post_names() == []
    code, _, err = run_at(site, capsys, "2024-07-24T20:00:00Z")  # before its 24 hours
    assert code == 0 and site.post_names() == [], err
    code, _, err = run_at(site, capsys, "2024-07-25T09:04:00Z")
    assert code == 0, err
    assert (
        f"{link}: its page failed (HTTP 503 Service Unavailable (retry after 1 s)); "
        "archived from the feed's text instead" in err
    )
    assert sources(site) == [link]
    (name,) = site.post_names()
    assert "A short teaser of the story." in (site.posts / name).read_text("utf-8")
    code, report, err = run_json(site, capsys)
    assert (code, report["new_posts"]) == (0, 0), err
