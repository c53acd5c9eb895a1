"""Re-checks that must not take a host's trouble for an article's deletion (issue 19),
end to end: a local site archived by the real CLI, then changed under it, driven with
``recheck --now``.

- F8: a rate limiter or a DDoS shield answering 200 with a "checking your browser" page
  ("请稍候…", "Just a moment...") is a wall that says nothing, like a 5xx: never a soft
  404, so never a deletion, even while the host serves its other articles.
- F10: a host answering 404 to every URL (a broken deploy, a parked domain), its front
  page too, has none of its articles confirmed deleted: a 404 confirms only while the
  host answers normally (its front page, or another of its articles), and the run says
  so once for the host.
"""

from __future__ import annotations

import re
from pathlib import Path

from pytest_httpserver import HTTPServer
from statekit import rows, rss, run_json, write_config
from werkzeug import Request, Response

T0 = "2024-07-24T00:00:00Z"
T1 = "2024-07-24T01:00:00Z"  # the first age
T2 = "2024-07-24T02:00:00Z"  # an hour after the suspicions: confirmation
T6 = "2024-07-24T06:00:00Z"  # the second age


def _page(title: str, paragraphs: list[str]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html lang='zh'><head><meta charset='utf-8'><title>{title}</title>"
        f"</head><body><nav><a href='/'>首页</a></nav><article><h1>{title}</h1>{body}"
        "</article><footer>版权所有</footer></body></html>"
    )


def _article(name: str) -> str:
    return _page(
        f"报道{name}",
        [
            f"{name}报道第{k}段：美国和日本周日在东京举行二加二安全会谈，双方讨论了延伸威慑、"
            "驻日美军指挥体制的调整以及地区安全形势，官员表示会谈取得了具体进展。"
            for k in range(1, 5)
        ],
    )


# A shield's challenge, as served with a 200: a title, one line, its script.
CHALLENGE = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>请稍候…</title>"
    "<script src='/cdn-cgi/challenge-platform/h/b/orchestrate/jsch/v1'></script></head>"
    "<body><div id='challenge-form'><p>正在进行安全验证，完成后将自动跳转。</p></div>"
    "<noscript>Please enable JavaScript and cookies to continue</noscript></body></html>"
)


class Site:
    """Articles /n/<name>.html; ``walled``: the paths answered with the challenge."""

    def __init__(self, server: HTTPServer, names: list[str]) -> None:
        self.server = server
        self.names = names
        self.walled: set[str] = set()
        # "articles": the articles answer 404; "all": every URL does, the front page too.
        self.broken = ""
        # Articles deleted: their paths answer 404.
        self.gone: set[str] = set()
        server.expect_request(re.compile(".*")).respond_with_handler(self.answer)

    def url(self, path: str) -> str:
        return self.server.url_for("/").rstrip("/") + path

    def answer(self, request: Request) -> Response:
        if self.broken == "all" or (self.broken == "articles" and request.path.startswith("/n/")):
            return Response("not found", status=404)
        if request.path in self.gone:
            return Response("not found", status=404)
        if request.path == "/feed.xml":
            items = [
                {"title": f"报道{name}", "link": self.url(f"/n/{name}.html"), "guid": name}
                for name in self.names
            ]
            return Response(rss(items), content_type="application/rss+xml")
        if request.path in self.walled:
            return Response(CHALLENGE, content_type="text/html; charset=utf-8")
        name = request.path.removeprefix("/n/").removesuffix(".html")
        if name not in self.names:
            return Response(_page("首页", ["今日要闻"] * 3), content_type="text/html")
        return Response(_article(name), content_type="text/html; charset=utf-8")


def _setup(tmp_path: Path, site: Site) -> tuple[Path, Path]:
    state = tmp_path / "site" / ".rssarchive" / "state.sqlite3"
    config = write_config(
        tmp_path / "config.yaml",
        [{"name": "News", "url": site.url("/feed.xml"), "content": "page"}],
        site_dir=tmp_path / "site",
        state_path=state,
    )
    return config, state


def _status(state: Path) -> dict[str, str]:
    found = rows(
        state, "SELECT a.url, r.status FROM rechecks r JOIN articles a ON a.id = r.article_id"
    )
    return {str(url).rsplit("/", 1)[1]: str(status) for url, status in found}


def test_a_rate_limiters_challenge_is_an_outage_never_a_deletion(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    """F8: the host serves two articles and walls the other two at every check; the
    walled ones are unreachable, never suspected, and never confirmed deleted by the
    evidence the served ones give."""
    site = Site(httpserver, ["a0", "a1", "a2", "a3"])
    config, state = _setup(tmp_path, site)
    run_json(config, "run", "--now", T0)
    site.walled = {"/n/a2.html", "/n/a3.html"}
    first = run_json(config, "recheck", "--now", T1)["recheck"]
    assert (first["checked"], first["suspected"], first["unreachable"]) == (4, 0, 2)
    for now in (T2, T6):
        report = run_json(config, "recheck", "--now", now)["recheck"]
        assert (report["deleted"], report["suspected"]) == (0, 0), report
    assert set(_status(state).values()) == {"unchanged"}
    said = rows(
        state,
        "SELECT a.url, r.last_result FROM rechecks r JOIN articles a ON a.id = r.article_id",
    )
    walled = sorted(result for url, result in said if url.endswith(("a2.html", "a3.html")))
    assert walled == ['outage: a bot wall ("请稍候")'] * 2


def test_a_host_answering_404_to_everything_has_no_deletion_confirmed(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    """F10: every article 404, and the front page too, at both checks: suspected, never
    confirmed, said once for the host; the host fixed, nothing is left."""
    site = Site(httpserver, ["a0", "a1", "a2"])
    config, state = _setup(tmp_path, site)
    run_json(config, "run", "--now", T0)
    site.broken = "all"
    assert run_json(config, "recheck", "--now", T1)["recheck"]["suspected"] == 3
    report = run_json(config, "recheck", "--now", T2)["recheck"]
    assert (report["deleted"], report["suspected"], report["still_suspected"]) == (0, 3, 3)
    host = site.url("").split("//")[1].split(":")[0]
    said = [w for w in report["warnings"] if host in w and "not confirmed" in w]
    assert len(said) == 1 and "3 suspected deletion(s)" in said[0], report["warnings"]
    assert set(_status(state).values()) == {"suspected"}
    site.broken = ""
    report = run_json(config, "recheck", "--now", "2024-07-24T03:00:00Z")["recheck"]
    assert report["deleted"] == 0
    assert set(_status(state).values()) == {"unchanged"}


def test_a_404_is_confirmed_while_the_front_page_answers(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    """F10's other side: every article deleted (404) while the front page answers: the
    deletions are confirmed an hour later, with one request for the front page."""
    site = Site(httpserver, ["a0", "a1"])
    config, state = _setup(tmp_path, site)
    run_json(config, "run", "--now", T0)
    site.broken = "articles"
    assert run_json(config, "recheck", "--now", T1)["recheck"]["suspected"] == 2
    before = len([e for e in httpserver.log if e[0].path == "/"])
    report = run_json(config, "recheck", "--now", T2)["recheck"]
    assert (report["deleted"], report["warnings"]) == (2, [])
    assert len([e for e in httpserver.log if e[0].path == "/"]) == before + 1
    assert set(_status(state).values()) == {"deleted"}


def test_every_article_404_while_the_front_page_answers_is_no_deletion(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    """Every article of a host (three) answers 404 while its front page answers 200 (a
    firewall, a broken route): an hour later none is confirmed deleted, said once for
    the host; the pages back, they are as they were (never "deleted", never
    "restored" on the hazard of a check age still ahead)."""
    site = Site(httpserver, ["a0", "a1", "a2"])
    config, state = _setup(tmp_path, site)
    run_json(config, "run", "--now", T0)
    site.broken = "articles"
    assert run_json(config, "recheck", "--now", T1)["recheck"]["suspected"] == 3
    report = run_json(config, "recheck", "--now", T2)["recheck"]
    assert (report["deleted"], report["suspected"], report["still_suspected"]) == (0, 3, 3)
    host = site.url("").split("//")[1].split(":")[0]
    said = [w for w in report["warnings"] if host in w]
    assert said == [
        f"re-checks: host {host}: all 3 checked articles answer 404 while its front page"
        " answers; deletions not confirmed"
    ], report["warnings"]
    assert set(_status(state).values()) == {"suspected"}
    site.broken = ""
    report = run_json(config, "recheck", "--now", "2024-07-24T03:00:00Z")["recheck"]
    assert (report["deleted"], report["restored"]) == (0, 0)
    assert set(_status(state).values()) == {"unchanged"}


def test_three_404s_beside_an_article_served_are_confirmed(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    """The other side: three articles deleted (404) while the host still serves its
    fourth (seen as a witness an hour later): the three deletions are confirmed."""
    site = Site(httpserver, ["a0", "a1", "a2", "a3"])
    config, state = _setup(tmp_path, site)
    run_json(config, "run", "--now", T0)
    site.gone = {f"/n/a{k}.html" for k in range(3)}
    assert run_json(config, "recheck", "--now", T1)["recheck"]["suspected"] == 3
    report = run_json(config, "recheck", "--now", T2)["recheck"]
    assert (report["deleted"], report["warnings"]) == (3, []), report
    status = _status(state)
    assert [status[f"a{k}.html"] for k in range(4)] == ["deleted"] * 3 + ["unchanged"]
