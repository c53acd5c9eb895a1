"""A feed's article that failed for good (given up, or a page gone) and is handed to
backfill later keeps the date its feed's item gave it (look16 F3), end to end through
the real CLI against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import re

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from test_hazards_e2e import by_title, item, rss_doc, run
from werkzeug import Request, Response

# The runs of a day: the 503 page's 5 attempts, spaced as decide.retry_delay spaces them.
RUNS = (
    "2026-12-07T12:00:00Z",
    "2026-12-07T12:20:00Z",
    "2026-12-07T13:30:00Z",
    "2026-12-07T20:00:00Z",
    "2026-12-08T21:00:00Z",
)


def _date(text: str) -> str:
    found = re.search(r"^date: (.*)$", text, re.MULTILINE)
    assert found is not None, text[:400]
    return found.group(1)


def test_a_given_up_article_handed_to_backfill_keeps_its_feed_items_date(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    state = {"gu": 503, "pe": 404}

    def page(request: Request) -> Response:
        name = request.path.rsplit("/", 1)[1]
        status = state.get(name, 200)
        if status != 200:
            return Response("no", status=status)
        body = "".join(f"<p>Paragraph {i} of {name}, with enough words.</p>" for i in range(6))
        html = f"<html><head><title>{name}</title></head><body><div id='storytext'>{body}"
        return Response(html + "</div></body></html>", content_type="text/html")

    for name in ("del", "gu", "pe"):
        httpserver.expect_request(f"/a/{name}").respond_with_handler(page)
    link = httpserver.url_for
    items = "".join(
        item(title, link(f"/a/{name}"), guid=f"g{name}", pubdate=date, body=None)
        for name, title, date in (
            ("del", "Deleted one", "Tue, 03 Nov 2026 10:00:00 GMT"),
            ("gu", "Given up", "Tue, 03 Nov 2026 11:00:00 GMT"),
            ("pe", "Gone page", "Tue, 03 Nov 2026 12:00:00 GMT"),
        )
    )
    httpserver.expect_request("/f.xml").respond_with_data(
        rss_doc(items), content_type="application/rss+xml"
    )
    site.write_config([{"name": "f", "url": link("/f.xml"), "content": "page", "recheck": False}])
    said = ""
    for now in RUNS:
        code, _, err = run(site, capsys, "run", "--now", now)
        assert code == 1, err
        said += err
    assert f"{link('/a/gu')}: gave up after 5 attempts" in said, said
    # Not plain ok while articles its feed lists are given up (the 503 one, the 404 one).
    code, out, _ = run(site, capsys, "status")
    assert code == 0 and "f: ok, but 2 articles GIVEN UP (named below)" in out, out
    assert f"failed article: {link('/a/gu')}: HTTP 503" in out, out
    code, out, _ = run(site, capsys, "status", "--json")
    (feed,) = json.loads(out)["feeds"]
    assert (feed["health"], feed["ok"], feed["failed_articles"]) == ("articles given up", True, 2)
    (site.posts / "2026-11-03-Deleted one.md").unlink()
    state.clear()
    code, _, err = run(
        site, capsys, "backfill", *(link(f"/a/{n}") for n in ("del", "gu", "pe")),
        "--now", "2026-12-10T13:00:00Z",
    )  # fmt: skip
    assert code == 0, err
    posts = by_title(site)
    assert {title: name for title, (name, _) in posts.items()} == {
        "Deleted one": "2026-11-03-Deleted one.md",
        "Given up": "2026-11-03-Given up.md",
        "Gone page": "2026-11-03-Gone page.md",
    }
    assert _date(posts["Given up"][1]) == "2026-11-03T11:00:00.000Z"
    assert _date(posts["Gone page"][1]) == "2026-11-03T12:00:00.000Z"
    code, out, _ = run(site, capsys, "status")
    assert code == 0 and "\nf: ok\n" in out, out


def test_a_given_up_item_without_guid_handed_to_backfill_keeps_its_items_date(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # No guid: no feed item's record names it; the entry its given-up row keeps dates it.
    gone = {"now": True}

    def page(request: Request) -> Response:
        if gone["now"]:
            return Response("no", status=404)
        body = "".join(f"<p>Paragraph {i} of the page, with enough words.</p>" for i in range(6))
        html = f"<html><head><title>Page</title></head><body><div id='storytext'>{body}"
        return Response(html + "</div></body></html>", content_type="text/html")

    httpserver.expect_request("/a/ng").respond_with_handler(page)
    link = httpserver.url_for("/a/ng")
    httpserver.expect_request("/f.xml").respond_with_data(
        rss_doc(item("No guid", link, pubdate="Tue, 03 Nov 2026 09:00:00 GMT", body=None)),
        content_type="application/rss+xml",
    )
    site.write_config([{"name": "f", "url": httpserver.url_for("/f.xml"), "content": "page"}])
    for now in RUNS:  # a feed's page gone is retried as a 503 is, then given up
        code, _, err = run(site, capsys, "run", "--now", now)
        assert code == 1 and "404" in err, err
    assert f"{link}: gave up after 5 attempts" in err, err
    gone["now"] = False
    code, _, err = run(site, capsys, "backfill", link, "--now", "2026-12-10T13:00:00Z")
    assert code == 0, err
    ((name, text),) = by_title(site).values()
    assert name == "2026-11-03-No guid.md" and _date(text) == "2026-11-03T09:00:00.000Z", err
