"""A check's second, confirming fetch end to end (review 19d, findings 5 and 9): a local
site archived by the real CLI, edited under it, re-checked with --now.

- a host answering every second request of a burst with a "checking your browser" wall:
  the second fetch says nothing, so a third is made; a host walling every request but
  the first: the check is inconclusive, and the article is checked again within the
  hour, not at its next age (where the wall would meet it again, age after age, and the
  schedule would end without the edit ever recorded);
- a second fetch answered 429 with Retry-After: none of the host's other checks goes out
  in that run.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from pytest_httpserver import HTTPServer
from statekit import cli, json_of, page_feed, rows, rss, run_json
from werkzeug import Request, Response

T0 = "2024-07-24T00:00:00Z"
T1 = "2024-07-24T01:00:00Z"  # the first age
T2 = "2024-07-24T02:00:00Z"  # an hour later: before the second age (6 h)
PARAGRAPHS = [
    "The city council approved the budget on Tuesday by forty votes to ten, after a long"
    " debate that ran late into the night.",
    "The mayor said she would sign the budget this week, and that the new buses would be"
    " ordered before the end of the year.",
    "Opposition members said the plan left the northern districts without the services"
    " they had been promised for years.",
]
EDITED = [PARAGRAPHS[0].replace("forty", "fifty"), *PARAGRAPHS[1:]]
WALL = (
    "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
    "<p>Checking your browser before accessing the site. This takes a few seconds.</p>"
    "</body></html>"
)


def _page(paragraphs: list[str]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Council approves budget"
        f"</title></head><body><article><h1>Council approves budget</h1>{body}</article>"
        "</body></html>"
    )


class Site:
    """The feed and its articles; ``mode`` says how the articles answer: "archived",
    "edited", "wall" (edited, but every second request is the wall), "walled" (edited, but
    every request after an article's first is the wall) or "429" (edited, but an
    article's second request, its confirming fetch, is a 429 with Retry-After).
    ``log``: the article requests in order, with their status."""

    def __init__(self, server: HTTPServer, links: list[str]) -> None:
        self.server = server
        self.links = links
        self.mode = "archived"
        self.count = 0
        self.log: list[tuple[str, int]] = []
        self.seen: dict[str, int] = {}  # requests per path since the mode was set
        server.expect_request(re.compile(".*")).respond_with_handler(self.answer)

    def url(self, path: str) -> str:
        return self.server.url_for("/").rstrip("/") + path

    def answer(self, request: Request) -> Response:
        if request.path == "/feed.xml":
            items = [
                {"title": "Council approves budget", "link": self.url(link), "guid": link}
                for link in self.links
            ]
            return Response(rss(items), content_type="application/rss+xml")
        self.count += 1
        second = self.count % 2 == 0
        self.seen[request.path] = self.seen.get(request.path, 0) + 1
        first = self.seen[request.path] == 1
        if self.mode == "429" and self.seen[request.path] == 2:
            response = Response("slow down", status=429, headers={"Retry-After": "3600"})
        elif (self.mode == "wall" and second) or (self.mode == "walled" and not first):
            response = Response(WALL, content_type="text/html; charset=utf-8")
        else:
            text = PARAGRAPHS if self.mode == "archived" else EDITED
            response = Response(_page(text), content_type="text/html; charset=utf-8")
        self.log.append((request.path, response.status_code))
        return response


def _setup(tmp_path: Path, server: HTTPServer, links: list[str]) -> tuple[Site, Path, Path]:
    site = Site(server, links)
    return site, *page_feed(tmp_path, site.url("/feed.xml"))


def test_a_wall_on_every_second_request_does_not_hide_an_edit(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    """The host walls every second request of a burst: the check's second fetch is the
    wall, so it fetches once more, and the third agrees with the first."""
    site, config, state = _setup(tmp_path, httpserver, ["/n/a.html"])
    run_json(config, "run", "--now", T0)
    site.mode, site.count, site.log = "wall", 0, []
    first = run_json(config, "recheck", "--now", T1)["recheck"]
    assert (first["checked"], first["edited"], first["unreachable"]) == (1, 1, 0)
    assert [status for _, status in site.log] == [200, 200, 200]  # page, wall, page
    [(status,)] = rows(state, "SELECT status FROM rechecks")
    assert status == "edited"


def test_a_wall_on_the_second_fetches_is_checked_again_within_the_hour(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    site, config, state = _setup(tmp_path, httpserver, ["/n/a.html"])
    run_json(config, "run", "--now", T0)
    site.mode, site.seen = "walled", {}
    first = run_json(config, "recheck", "--now", T1)["recheck"]
    assert (first["checked"], first["edited"], first["unreachable"]) == (1, 0, 1)
    [(due, status)] = rows(state, "SELECT next_due, status FROM rechecks")
    assert (datetime.fromisoformat(due), status) == (datetime.fromisoformat(T2), "unchanged")
    # An hour later (before the 6 h age) it is due again, and this time both fetches
    # show the edit.
    site.mode = "edited"
    again = run_json(config, "recheck", "--now", T2)["recheck"]
    assert (again["checked"], again["edited"]) == (1, 1)
    [(status,)] = rows(state, "SELECT status FROM rechecks")
    assert status == "edited"


def test_a_host_that_walls_every_repeated_request_does_not_hide_an_edit(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    """Review 19s, H3: the host answers an article's first request of each check and
    walls every other one within the check (a rate limit of one request a page): no
    check's confirming fetch ever gets through. The first check's edited page is kept
    unconfirmed; the next check's first fetch shows it again, and that confirms it."""
    site, config, state = _setup(tmp_path, httpserver, ["/n/a.html"])
    run_json(config, "run", "--now", T0)
    site.mode, site.seen, site.log = "walled", {}, []
    first = run_json(config, "recheck", "--now", T1)["recheck"]
    assert (first["edited"], first["unreachable"]) == (0, 1)
    assert [status for _, status in site.log] == [200, 200, 200]  # page, wall, wall
    site.seen, site.log = {}, []  # an hour later: the rate limit lets a first one by
    again = run_json(config, "recheck", "--now", T2)["recheck"]
    assert (again["checked"], again["edited"], again["unreachable"]) == (1, 1, 0), site.log
    [(status, candidate)] = rows(state, "SELECT status, candidate FROM rechecks")
    assert (status, candidate) == ("edited", None)
    kept = sorted((tmp_path / "site" / "_versions").glob("*/*.txt"))
    assert len(kept) == 2
    assert "fifty votes" in kept[1].read_text() and "Checking" not in kept[1].read_text()


def test_a_429_with_retry_after_on_a_second_fetch_pauses_the_host(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    links = [f"/n/{k}.html" for k in range(4)]
    site, config, _ = _setup(tmp_path, httpserver, links)
    run_json(config, "run", "--now", T0)
    site.mode, site.log, site.seen = "429", [], {}
    report = run_json(config, "recheck", "--now", T1)["recheck"]
    # A check's second fetch met the 429: nothing more was asked of the host (without
    # the pause: every article's two requests, four 429s).
    statuses = [status for _, status in site.log]
    assert statuses.count(429) == 1 and statuses[-1] == 429, site.log
    assert any("Retry-After" in w for w in report["warnings"]), report
    assert report["edited"] == 0


def test_a_429_with_retry_after_pauses_the_host_across_runs(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    """Review 19s, M1: the pause a 429's Retry-After (3600 s) asked for is kept in the
    state: the next run half an hour later (a cron run) sends the host no re-check at
    all, and says why; the one after the hour checks it again."""
    links = [f"/n/{k}.html" for k in range(3)]
    site, config, state = _setup(tmp_path, httpserver, links)
    run_json(config, "run", "--now", T0)
    site.mode, site.log, site.seen = "429", [], {}
    run_json(config, "recheck", "--now", T1)
    assert [status for _, status in site.log][-1] == 429
    [(until,)] = rows(state, "SELECT paused_until FROM recheck_hosts")
    assert datetime.fromisoformat(until) == datetime.fromisoformat(T2)
    site.log = []
    later = run_json(config, "run", "--now", "2024-07-24T01:30:00Z")
    assert site.log == []  # not one of its article pages asked for
    said = [w for w in later["recheck"]["warnings"] if "paused until" in w]
    assert len(said) == 1 and "2024-07-24 02:00 UTC" in said[0], later["recheck"]
    assert later["recheck"]["checked"] == 0
    site.mode, site.log = "edited", []
    after = run_json(config, "recheck", "--now", T2)["recheck"]
    assert after["checked"] == 3 and site.log, after
    assert rows(state, "SELECT * FROM recheck_hosts") == []


def test_an_article_whose_last_check_said_nothing_is_not_a_clean_unchanged(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    site = Site(httpserver, ["/n/a.html"])
    config, state = page_feed(tmp_path, site.url("/feed.xml"), recheck=["1h"])
    run_json(config, "run", "--now", T0)
    # Its one age meets an outage (a 403 is never retried by the client): done with its
    # ages, and status says that its last check said nothing.
    httpserver.clear()
    httpserver.expect_request(re.compile(".*")).respond_with_data("no", status=403)
    run_json(config, "recheck", "--now", T1)
    [(due, status)] = rows(state, "SELECT next_due, status FROM rechecks")
    assert (due, status) == (None, "unchanged")
    shown = cli(config, "status")
    assert "1 unreachable at their last age" in shown.stdout, shown.stdout
    assert json_of(cli(config, "status", "--json"))["rechecks"]["unreachable"] == 1
