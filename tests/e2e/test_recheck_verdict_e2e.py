"""What counts as an edit, end to end (issue 19, review 19c F1-F4, F9): a local site
archived by the real CLI, its pages changed under it, re-checked with --now at +1 h,
+6 h and +1 d.

One case per file in tests/recheck_verdicts/: ``pages`` are what the article's page
serves at archiving and at each re-check (the last one stands for the rest), with
``{N}`` a number that changes on every request and ``((A||B))`` the two variants of an
A/B test, served alternately request by request (``((A||B||C))``: three in turn),
and ``og_title`` a page's og:title (none without it); a paragraph that starts with
``<`` is HTML, as it is (a list of links);
``expect`` is the article's status after the last re-check and how many versions were
kept of it (and lines its versions page shows unmarked by the diff, and how the last
check's stored result starts). All cases share
one site and one run (a host serving its other articles, as real ones do: a page
without the article there could be confirmed deleted).

The posts archived from the feed's text (``content: feed``) are F1's own test below.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from pytest_httpserver import HTTPServer
from statekit import cli, json_of, rows, rss, write_config
from werkzeug import Request, Response

CASES = sorted((Path(__file__).parent.parent / "recheck_verdicts").glob("*.yaml"))
# Archiving, then the re-checks at the first three default ages.
TIMES = ["2024-07-24T00:00:00Z", "2024-07-24T01:00:00Z", "2024-07-24T06:00:00Z"]
TIMES.append("2024-07-25T00:00:00Z")
_AB = re.compile(r"\(\((.*?)\)\)", re.S)


def _fill(text: str, n: int) -> str:
    """``{N}``: a number of this request; ``((A||B))``: A on even requests, B on odd
    (``((A||B||C))``: A, B, C in turn)."""
    text = _AB.sub(lambda m: (v := m[1].split("||"))[n % len(v)], text)
    return text.replace("{N}", str(1000 + 37 * n))


def _html(page: dict[str, Any], n: int) -> str:
    title = html.escape(_fill(page["title"], n))
    body = "".join(
        _fill(p, n) if p.startswith("<") else f"<p>{html.escape(_fill(p, n))}</p>"
        for p in page["body"]
    )
    og = page.get("og_title")
    og = "" if og is None else f"<meta property='og:title' content='{html.escape(_fill(og, n))}'>"
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title>{og}</head>"
        f"<body><nav><a href='/'>Home</a></nav><article><h1>{title}</h1>{body}</article>"
        "<footer>Copyright</footer></body></html>"
    )


class Corpus:
    """Serves every case's page as of ``stage`` (0: archiving, k: the k-th re-check)."""

    def __init__(self, server: HTTPServer, cases: dict[str, dict[str, Any]]) -> None:
        self.server = server
        self.cases = cases
        self.stage = 0
        self.requests: dict[str, int] = defaultdict(int)
        server.expect_request(re.compile(".*")).respond_with_handler(self.answer)

    def url(self, path: str) -> str:
        return self.server.url_for("/").rstrip("/") + path

    def answer(self, request: Request) -> Response:
        if request.path == "/feed.xml":
            items = [
                {
                    "title": _fill(case["pages"][0]["title"], 0),
                    "link": self.url(f"/c/{name}.html"),
                    "guid": name,
                }
                for name, case in self.cases.items()
            ]
            return Response(rss(items), content_type="application/rss+xml")
        name = request.path.removeprefix("/c/").removesuffix(".html")
        if name not in self.cases:
            return Response("not found", status=404)
        pages = self.cases[name]["pages"]
        n = self.requests[name]
        self.requests[name] += 1
        page = pages[min(self.stage, len(pages) - 1)]
        return Response(_html(page, n), content_type="text/html; charset=utf-8")


@pytest.fixture(scope="module")
def outcome(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Every case archived and re-checked three times; per case its status, its kept
    versions' texts and what the re-checks reported."""
    tmp = tmp_path_factory.mktemp("verdicts")
    cases = {path.stem: yaml.safe_load(path.read_text(encoding="utf-8")) for path in CASES}
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    try:
        corpus = Corpus(server, cases)
        state = tmp / "site" / ".rssarchive" / "state.sqlite3"
        config = write_config(
            tmp / "config.yaml",
            [{"name": "News", "url": corpus.url("/feed.xml"), "content": "page"}],
            site_dir=tmp / "site",
            state_path=state,
        )
        reports = []
        for stage, now in enumerate(TIMES):
            corpus.stage = stage
            done = cli(config, "run" if stage == 0 else "recheck", "--now", now, "--json")
            assert done.returncode == 0, done.stderr
            reports.append(json_of(done))
        found: dict[str, Any] = {}
        for url, status, filename, result in rows(
            state,
            "SELECT a.url, r.status, a.filename, r.last_result FROM rechecks r"
            " JOIN articles a ON a.id = r.article_id",
        ):
            folder = tmp / "site" / "_versions" / filename.rsplit(".", 1)[0]
            kept = sorted(folder.glob("*.txt")) if folder.is_dir() else []
            name = url.rsplit("/", 1)[1].removesuffix(".html")
            # The site's versions page of the article (it links the article's URL).
            pages = [
                p.read_text(encoding="utf-8")
                for p in sorted((tmp / "site" / "versions").glob("*.html"))
                if html.escape(url) in p.read_text(encoding="utf-8")
            ]
            found[name] = {
                "status": status,
                "versions": [p.read_text(encoding="utf-8") for p in kept],
                "page": pages[0] if pages else "",
                "result": result or "",
            }
        yield {"cases": found, "reports": reports}
    finally:
        server.clear()
        server.stop()


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_what_counts_as_an_edit(path: Path, outcome: dict[str, Any]) -> None:
    expect = yaml.safe_load(path.read_text(encoding="utf-8"))["expect"]
    got = outcome["cases"][path.stem]
    assert (got["status"], len(got["versions"])) == (expect["status"], expect["versions"])
    last = got["versions"][-1] if got["versions"] else ""
    for text in expect.get("last_version_has", []):
        assert text in last
    for text in expect.get("last_version_lacks", []):
        assert text not in last
    for text in expect.get("first_version_has", []):
        assert text in got["versions"][0]
    # What the last check's stored result says ("truncated: …").
    assert got["result"].startswith(expect.get("result_starts", ""))
    # Lines the versions page shows as they are, unmarked by the diff.
    for text in expect.get("page_shows_unmarked", []):
        assert html.escape(text, quote=False) in got["page"]


def test_no_case_is_ever_deleted_and_only_the_edits_are_said(outcome: dict[str, Any]) -> None:
    edits = {
        p.stem
        for p in CASES
        if yaml.safe_load(p.read_text(encoding="utf-8"))["expect"]["status"] == "edited"
    }
    said = {
        change["url"].rsplit("/", 1)[1].removesuffix(".html")
        for report in outcome["reports"][1:]
        for change in report["recheck"]["changes"]
    }
    assert said == edits
    assert all(report["recheck"]["deleted"] == 0 for report in outcome["reports"][1:])


# -- F1: posts written from the feed's text ---------------------------------------------

ARTICLE = [
    "The city council approved the budget on Tuesday by forty votes to ten, after a long"
    " debate that ran late into the night.",
    "The mayor said she would sign the budget this week, and that the new buses would be"
    " ordered before the end of the year.",
    "Opposition members said the plan left the northern districts without the services"
    " they had been promised for years.",
    "The budget takes effect in January; the first of the forty buses is expected to run"
    " in the spring.",
]
CONSENT = (
    "We and our partners use cookies to store and access information on your device."
    " Accept all or manage settings."
)


def test_a_feed_text_post_is_compared_with_its_own_text_not_the_first_wall_seen(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    """A post written from the feed's text: a consent wall or a paywall teaser at the
    first re-check is not taken for the article (a suspicion); the article served again
    later is unchanged, never deleted nor edited (review 19c, F1)."""
    shown = {"stage": 0}
    full = {"title": "Council approves budget", "body": ARTICLE}
    pages = {
        "wall": [full, {"title": "Privacy", "body": [CONSENT]}, full, full],
        "teaser": [
            full,
            {"title": full["title"], "body": [ARTICLE[0], "Subscribe to continue reading."]},
            full,
            full,
        ],
        "plain": [full, full, full, full],
    }
    content = "".join(f"<p>{p}</p>" for p in ARTICLE)

    def answer(request: Request) -> Response:
        if request.path == "/feed.xml":
            items = [
                {
                    "title": f"Council approves budget ({name})",
                    "link": httpserver.url_for(f"/f/{name}.html"),
                    "guid": name,
                    "content": content,
                }
                for name in pages
            ]
            return Response(rss(items), content_type="application/rss+xml")
        name = request.path.removeprefix("/f/").removesuffix(".html")
        return Response(
            _html(pages[name][shown["stage"]], 0), content_type="text/html; charset=utf-8"
        )

    httpserver.expect_request(re.compile(".*")).respond_with_handler(answer)
    state = tmp_path / "site" / ".rssarchive" / "state.sqlite3"
    config = write_config(
        tmp_path / "config.yaml",
        [{"name": "News", "url": httpserver.url_for("/feed.xml"), "content": "feed"}],
        site_dir=tmp_path / "site",
        state_path=state,
    )

    def status() -> dict[str, str]:
        found = rows(
            state, "SELECT a.url, r.status FROM rechecks r JOIN articles a ON a.id = r.article_id"
        )
        return {url.rsplit("/", 1)[1][:-5]: s for url, s in found}

    said = []
    # Archived; a wall and a teaser at +1 h; the article again at +6 h and +1 d.
    for stage, now in enumerate(TIMES):
        shown["stage"] = stage
        done = cli(config, "run" if stage == 0 else "recheck", "--now", now, "--json")
        assert done.returncode == 0, done.stderr
        report = json_of(done)
        said.extend(c["event"] for c in report.get("recheck", {}).get("changes", []))
        if stage == 1:
            assert report["recheck"]["suspected"] == 2
            assert status() == {"wall": "suspected", "teaser": "suspected", "plain": "unchanged"}
    assert said == []
    assert status() == dict.fromkeys(pages, "unchanged")
    # What is kept of each is the article as its page shows it, never the wall.
    for name in pages:
        kept = list((tmp_path / "site" / "_versions").glob(f"*{name}*/*.txt"))
        assert len(kept) == 1
        for path in kept:
            text = path.read_text(encoding="utf-8")
            assert ARTICLE[1] in text and "cookies" not in text


def test_the_confirming_fetch_is_part_of_its_check_for_the_budget(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    """A budget of one article: the one checked gets its confirming second fetch (not
    refused as a second article), the other stays due and is not fetched."""
    hits: dict[str, int] = defaultdict(int)
    page = {"title": "Council approves budget", "body": ["{N} people are reading", *ARTICLE]}

    def answer(request: Request) -> Response:
        if request.path == "/feed.xml":
            items = [
                {"title": f"Story {n}", "link": httpserver.url_for(f"/b/{n}.html"), "guid": n}
                for n in ("1", "2")
            ]
            return Response(rss(items), content_type="application/rss+xml")
        hits[request.path] += 1
        return Response(_html(page, hits[request.path]), content_type="text/html")

    httpserver.expect_request(re.compile(".*")).respond_with_handler(answer)
    config = write_config(
        tmp_path / "config.yaml",
        [{"name": "News", "url": httpserver.url_for("/feed.xml"), "content": "page"}],
        site_dir=tmp_path / "site",
        state_path=tmp_path / "site" / ".rssarchive" / "state.sqlite3",
    )
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["recheck_budget"] = {"articles": 1}
    config.write_text(yaml.safe_dump(data), encoding="utf-8")
    done = cli(config, "run", "--now", TIMES[0])
    assert done.returncode == 0, done.stderr
    archived = dict(hits)
    done = cli(config, "recheck", "--now", TIMES[1], "--json")
    assert done.returncode == 0, done.stderr
    report = json_of(done)["recheck"]
    assert (report["checked"], report["unchanged"], report["still_due"]) == (1, 1, 1)
    fetched = {path: hits[path] - archived.get(path, 0) for path in hits}
    assert sorted(fetched.values()) == [0, 2]
