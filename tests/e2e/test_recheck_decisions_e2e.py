"""Re-check decisions end to end, on the cases an outside review found wrong (issue 19):
a local site archived by the real CLI, then changed under it, driven with --now.

- a soft 404 (or a paywall teaser) that carries an ETag or a Last-Modified, and answers
  304 to them: it must still be confirmed deleted, never cleared by the 304;
- links that redirected already when archived (a WordPress ``?p=7``, a short link), a
  slug renamed to a one-segment path with the same text: never deleted; a new redirect
  to the front page: deleted;
- every page of a host behind a wall (a consent wall), or an error page: suspected, never deleted
  without evidence that the host serves its other articles (review 19b, H1, H2);
- ``recheck: false`` set after archiving: no fetch at all; turned on again: resumed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import yaml
from pytest_httpserver import HTTPServer
from statekit import cli, json_of, page_feed, rows, rss, run_json
from werkzeug import Request, Response

T0 = "2024-07-24T00:00:00Z"
T1 = "2024-07-24T01:00:00Z"  # the first age
T2 = "2024-07-24T02:00:00Z"  # an hour after the suspicions: confirmation
T6 = "2024-07-24T06:00:00Z"  # the second age


Handler = Callable[[Request], Response]


def _paragraphs(name: str) -> list[str]:
    return [
        f"{name}报道第{k}段：美国和日本周日在东京举行二加二安全会谈，双方讨论了延伸威慑、"
        f"驻日美军指挥体制的调整以及地区安全形势，官员表示会谈取得了具体进展。"
        for k in range(1, 5)
    ]


def _page(title: str, paragraphs: list[str], ad: int = 0) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html lang='zh'><head><meta charset='utf-8'><title>{title}</title>"
        f"</head><body><nav><a href='/'>首页</a> <a href='/news/'>新闻</a></nav>"
        f"<article><h1>{title}</h1>{body}</article>"
        f"<aside class='ad'>广告 {ad}</aside><footer>版权所有</footer></body></html>"
    )


NOT_FOUND = _page(
    "页面不存在", ["对不起，您访问的页面不存在或已被删除，请返回首页浏览其他新闻内容。"]
)
TEASER = _page("订阅", ["本文为付费内容。订阅后即可阅读全文，首月仅需一元，随时可以取消。"])
# A wall the re-checks cannot tell from a soft 404 (a consent wall: a bot wall that says
# what it is, "Just a moment...", is an outage, test_recheck_witness_e2e.py).
WALL = (
    "<!DOCTYPE html><html><head><title>Privacy</title></head><body><p>We and our partners"
    " use cookies to store and access information on your device.</p></body></html>"
)


class Site:
    """Routes by path (with query); each path's answer can be changed between commands.
    ``requests`` keeps (path, If-None-Match, If-Modified-Since) of every request."""

    def __init__(self, server: HTTPServer, links: list[str]) -> None:
        self.server = server
        self.links = links
        self.routes: dict[str, Handler] = {}
        self.requests: list[tuple[str, str | None, str | None]] = []
        server.expect_request(re.compile(".*")).respond_with_handler(self.answer)

    def url(self, path: str) -> str:
        return self.server.url_for("/").rstrip("/") + path

    def answer(self, request: Request) -> Response:
        path = request.full_path.rstrip("?")
        self.requests.append(
            (path, request.headers.get("If-None-Match"), request.headers.get("If-Modified-Since"))
        )
        if path == "/feed.xml":
            items = [
                {"title": f"报道{n}", "link": self.url(link), "guid": f"g-{n}"}
                for n, link in enumerate(self.links)
            ]
            return Response(rss(items), content_type="application/rss+xml")
        handler = self.routes.get(path)
        if handler is None:
            return Response(_page("首页", ["今日要闻"] * 3), content_type="text/html")
        return handler(request)

    def conditional(self, path: str) -> list[tuple[str | None, str | None]]:
        return [(etag, since) for p, etag, since in self.requests if p == path]


def article(name: str, etag: str | None = None, ad: list[int] | None = None) -> Handler:
    """The article page; with ``ad``, an ad outside the article changes on every
    request and so does the ETag (the page is not byte-identical, the article is)."""

    def answer(request: Request) -> Response:
        headers = {}
        shown = 0
        if ad is not None:
            ad[0] += 1
            shown = ad[0]
            headers["ETag"] = f'"ad{shown}"'
        elif etag is not None:
            if request.headers.get("If-None-Match") == etag:
                return Response(status=304, headers={"ETag": etag})
            headers["ETag"] = etag
        return Response(
            _page(name, _paragraphs(name), shown),
            content_type="text/html; charset=utf-8",
            headers=headers,
        )

    return answer


def gone_page(html: str, etag: str | None = None, last_modified: str | None = None) -> Handler:
    """A 200 page without the article that answers 304 to its own validators."""

    def answer(request: Request) -> Response:
        if etag is not None and request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers={"ETag": etag})
        if last_modified is not None and request.headers.get("If-Modified-Since") == last_modified:
            return Response(status=304, headers={"Last-Modified": last_modified})
        headers = {}
        if etag is not None:
            headers["ETag"] = etag
        if last_modified is not None:
            headers["Last-Modified"] = last_modified
        return Response(html, content_type="text/html; charset=utf-8", headers=headers)

    return answer


def redirect(to: str, status: int = 301) -> Handler:
    return lambda request: Response(status=status, headers={"Location": to})


def _setup(tmp_path: Path, server: HTTPServer, links: list[str]) -> tuple[Site, Path, Path]:
    site = Site(server, links)
    return site, *page_feed(tmp_path, site.url("/feed.xml"))


def _status(state: Path, site: Site) -> dict[str, str]:
    prefix = site.url("")
    return {
        str(url).removeprefix(prefix): str(status)
        for url, status in rows(
            state,
            "SELECT a.url, r.status FROM rechecks r JOIN articles a ON a.id = r.article_id",
        )
    }


def test_a_gone_page_with_validators_is_confirmed_not_cleared_by_304(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    links = ["/n/softetag.html", "/n/paywall.html", "/n/kept.html", "/n/plain.html"]
    site, config, state = _setup(tmp_path, httpserver, links)
    for link in links:
        site.routes[link] = article(link[3:-5])
    run_json(config, "run", "--now", T0)
    assert _status(state, site) == dict.fromkeys(links, "unchanged")

    site.routes["/n/softetag.html"] = gone_page(NOT_FOUND, etag='"nf"')
    site.routes["/n/paywall.html"] = gone_page(
        TEASER, last_modified="Mon, 22 Jul 2024 00:00:00 GMT"
    )
    site.routes["/n/kept.html"] = article("kept", etag='"k1"')
    first = run_json(config, "recheck", "--now", T1)["recheck"]
    assert (first["checked"], first["suspected"]) == (4, 2)
    second = run_json(config, "recheck", "--now", T2)["recheck"]
    # The second check sent no validators of the gone pages, so got no 304, and the
    # suspicion was confirmed.
    assert site.conditional("/n/softetag.html")[-1] == (None, None)
    assert site.conditional("/n/paywall.html")[-1] == (None, None)
    assert (second["checked"], second["deleted"]) == (2, 2)
    assert _status(state, site) == {
        "/n/softetag.html": "deleted",
        "/n/paywall.html": "deleted",
        "/n/kept.html": "unchanged",
        "/n/plain.html": "unchanged",
    }
    # A page present keeps its validators: its next check is a 304.
    run_json(config, "recheck", "--now", T6)
    assert site.conditional("/n/kept.html")[-1] == ('"k1"', None)
    assert _status(state, site)["/n/softetag.html"] == "deleted"


def test_redirects_that_hold_the_article_are_not_deletions(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    links = ["/?p=7", "/go/8", "/n/2024/07/slug-old.html", "/n/2024/07/front.html"]
    site, config, state = _setup(tmp_path, httpserver, links)
    ad = [0]
    # Redirects already when archived: a WordPress ?p= link, a short link.
    site.routes["/?p=7"] = redirect("/redirected-wordpress-story/")
    # Each page shows its item's title (a redirect to a page showing another is not
    # the item's: tests/e2e/test_redirect_titles_e2e.py).
    site.routes["/redirected-wordpress-story/"] = article("报道0", ad=ad)
    site.routes["/go/8"] = redirect("/shortlink-story", 302)
    site.routes["/shortlink-story"] = article("报道1", ad=ad)
    site.routes["/n/2024/07/slug-old.html"] = article("slug")
    site.routes["/n/2024/07/front.html"] = article("front")
    run_json(config, "run", "--now", T0)
    assert len(list((tmp_path / "site" / "_posts").glob("*.md"))) == 4

    # Later: the slug renamed to a one-segment path with the same text, and one article
    # taken down by a redirect to the front page; the ads keep changing.
    site.routes["/n/2024/07/slug-old.html"] = redirect("/slug-new")
    site.routes["/slug-new"] = article("slug")
    site.routes["/n/2024/07/front.html"] = redirect("/")
    for now in (T1, T2, T6):
        run_json(config, "recheck", "--now", now)
    assert _status(state, site) == {
        "/?p=7": "unchanged",
        "/go/8": "unchanged",
        "/n/2024/07/slug-old.html": "unchanged",
        "/n/2024/07/front.html": "deleted",
    }


def test_a_bot_wall_on_every_page_of_a_host_is_never_a_deletion(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    links = [f"/n/a{k}.html" for k in range(5)]
    site, config, state = _setup(tmp_path, httpserver, links)
    for link in links:
        site.routes[link] = article(link[3:-5])
    run_json(config, "run", "--now", T0)
    for link in links[:4]:
        site.routes[link] = gone_page(WALL)
    # The wall answers one URL 403: an outage, and no witness that the host serves.
    site.routes[links[4]] = lambda request: Response("forbidden", status=403)
    report = run_json(config, "recheck", "--now", T1)["recheck"]
    assert (report["checked"], report["suspected"], report["unreachable"]) == (5, 4, 1)
    confirm = run_json(config, "recheck", "--now", T2)["recheck"]
    # Left suspected: counted so, never "unchanged" (review 19c, F10).
    assert (confirm["deleted"], confirm["suspected"], confirm["still_suspected"]) == (0, 4, 4)
    host = site.url("").split("//")[1].split(":")[0]
    assert any(host in w and "not confirmed" in w for w in confirm["warnings"]), confirm
    assert set(_status(state, site).values()) == {"suspected", "unchanged"}
    # The wall lifted, the pages are as archived.
    for link in links:
        site.routes[link] = article(link[3:-5])
    run_json(config, "recheck", "--now", T6)
    assert set(_status(state, site).values()) == {"unchanged"}


EMPTY_ERROR = "<html><head><title>Database error</title></head><body></body></html>"


def test_a_bot_wall_or_an_error_page_on_two_articles_is_not_a_deletion(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    # Review 19b, H1: fewer than three checks of a host used to confirm deletions.
    links = ["/n/a.html", "/n/b.html"]
    site, config, state = _setup(tmp_path, httpserver, links)
    for link in links:
        site.routes[link] = article(link[3:-5])
    run_json(config, "run", "--now", T0)
    site.routes[links[0]] = gone_page(WALL)
    site.routes[links[1]] = gone_page(EMPTY_ERROR)
    assert run_json(config, "recheck", "--now", T1)["recheck"]["suspected"] == 2
    confirm = run_json(config, "recheck", "--now", T2)["recheck"]
    assert confirm["deleted"] == 0
    assert _status(state, site) == {links[0]: "suspected", links[1]: "suspected"}
    # Checked again an hour later, not at the next age.
    assert rows(state, "SELECT DISTINCT next_due FROM rechecks") == [
        ("2024-07-24T03:00:00.000+00:00",)
    ]
    for link in links:
        site.routes[link] = article(link[3:-5])
    run_json(config, "recheck", "--now", "2024-07-24T03:00:00Z")
    assert set(_status(state, site).values()) == {"unchanged"}


def test_a_soft_deletion_is_confirmed_when_the_host_serves_its_other_articles(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    links = ["/n/a.html", "/n/b.html", "/n/c.html"]
    site, config, state = _setup(tmp_path, httpserver, links[1:])
    for link in links:
        # b and c answer 304 to their ETag: a witness is fetched whole.
        site.routes[link] = article(link[3:-5], etag=f'"{link[3:-5]}"')
    run_json(config, "run", "--now", "2024-07-23T20:30:00Z")  # b, c: next due at 02:30
    site.links = links
    run_json(config, "run", "--now", T0)
    site.routes[links[0]] = gone_page(NOT_FOUND)
    assert run_json(config, "recheck", "--now", T1)["recheck"]["suspected"] == 1
    before = len(site.conditional(links[1])) + len(site.conditional(links[2]))
    # Only a.html is due: one of the others is fetched as a witness, and answers.
    confirm = run_json(config, "recheck", "--now", T2)["recheck"]
    assert (confirm["checked"], confirm["deleted"]) == (1, 1)
    assert len(site.conditional(links[1])) + len(site.conditional(links[2])) == before + 1
    assert _status(state, site) == {links[0]: "deleted", **dict.fromkeys(links[1:], "unchanged")}


def test_a_soft_deletion_of_every_article_of_a_host_stays_suspected_and_is_said(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    # Review 19b, H2: articles archived together fall due together; deleted together,
    # they were taken for an outage at every age and lost.
    links = ["/n/a.html", "/n/b.html", "/n/c.html"]
    site, config, state = _setup(tmp_path, httpserver, links)
    _set_recheck(config, ["1h", "6h"])
    for link in links:
        site.routes[link] = article(link[3:-5])
    run_json(config, "run", "--now", T0)
    for link in links:
        site.routes[link] = gone_page(NOT_FOUND)
    assert run_json(config, "recheck", "--now", T1)["recheck"]["suspected"] == 3
    assert run_json(config, "recheck", "--now", T2)["recheck"]["deleted"] == 0
    # A day after the suspicion and past the last age: left suspected, undecided.
    run_json(config, "recheck", "--now", "2024-07-25T01:30:00Z")
    assert set(_status(state, site).values()) == {"suspected"}
    status = cli(config, "status")
    assert "3 suspected (3 undecided)" in status.stdout, status.stdout


def test_a_last_modified_in_the_future_does_not_hide_an_edit(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    # Review 19b, H4: a CMS clock in 2030 at archiving; the server answers 304 to any
    # If-Modified-Since not earlier than its page's Last-Modified (as most do).
    from email.utils import parsedate_to_datetime

    site, config, state = _setup(tmp_path, httpserver, ["/n/a.html"])
    page = {"lm": "Tue, 01 Jan 2030 00:00:00 GMT", "name": "a", "extra": ""}

    def answer(request: Request) -> Response:
        since = request.headers.get("If-Modified-Since")
        if since and parsedate_to_datetime(since) >= parsedate_to_datetime(page["lm"]):
            return Response(status=304)
        paragraphs = _paragraphs(page["name"]) + ([page["extra"]] if page["extra"] else [])
        return Response(
            _page(page["name"], paragraphs),
            content_type="text/html; charset=utf-8",
            headers={"Last-Modified": page["lm"]},
        )

    site.routes["/n/a.html"] = answer
    run_json(config, "run", "--now", T0)
    page["lm"] = "Wed, 24 Jul 2024 00:30:00 GMT"  # its clock mended, the article edited
    page["extra"] = "更正：本文此前误称会谈在大阪举行，实际地点为东京，特此更正并向读者致歉。"
    assert run_json(config, "recheck", "--now", T1)["recheck"]["edited"] == 1
    # A page whose Last-Modified is ahead of its own Date header is not kept either.
    page["lm"] = "Tue, 01 Jan 2030 00:00:00 GMT"
    run_json(config, "recheck", "--now", T6)
    assert rows(state, "SELECT last_modified FROM rechecks") == [(None,)]


def test_unavailable_for_legal_reasons_is_a_takedown(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    # Review 19b, H6: a 451 is the site's own word, as a 410: suspected, then deleted.
    site, config, state = _setup(tmp_path, httpserver, ["/n/a.html"])
    site.routes["/n/a.html"] = article("a")
    run_json(config, "run", "--now", T0)
    site.routes["/n/a.html"] = lambda request: Response("removed", status=451)
    assert run_json(config, "recheck", "--now", T1)["recheck"]["suspected"] == 1
    assert run_json(config, "recheck", "--now", T2)["recheck"]["deleted"] == 1
    assert _status(state, site) == {"/n/a.html": "deleted"}


def test_the_pages_of_changes_get_the_mode_of_posts(tmp_path: Path, httpserver: HTTPServer) -> None:
    # Review 19b, M2: mkstemp made them 0600, unreadable to the web server.
    import os
    import stat

    site, config, _ = _setup(tmp_path, httpserver, ["/n/a.html", "/n/b.html"])
    site.routes["/n/a.html"] = article("a")
    site.routes["/n/b.html"] = article("b")
    old = os.umask(0o022)
    try:
        run_json(config, "run", "--now", T0)
        site.routes["/n/a.html"] = lambda request: Response(
            _page("a", [*_paragraphs("a"), "更正：会谈地点为东京而非大阪，特此更正并致歉。"]),
            content_type="text/html; charset=utf-8",
        )
        site.routes["/n/b.html"] = lambda request: Response("removed", status=410)
        run_json(config, "recheck", "--now", T1)
        run_json(config, "recheck", "--now", T2)
    finally:
        os.umask(old)
    root = tmp_path / "site"
    made = [
        root / "changes.xml",
        root / "deleted" / "index.html",
        root / "_data" / "changes.json",
        *(root / "versions").glob("*.html"),
        *(root / "_versions").glob("*/*.txt"),
    ]
    assert len(made) >= 7, made  # two versions pages, two versions of a, one of b
    posts = {stat.S_IMODE(p.stat().st_mode) for p in (root / "_posts").glob("*.md")}
    assert posts == {0o644}
    assert {str(p.relative_to(root)): stat.S_IMODE(p.stat().st_mode) for p in made} == {
        str(p.relative_to(root)): 0o644 for p in made
    }


def test_recheck_says_a_corrupt_state_database_was_restored(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    # Review 19b, M3: `run` said it, `recheck` restored it silently.
    site, config, state = _setup(tmp_path, httpserver, ["/n/a.html"])
    site.routes["/n/a.html"] = article("a")
    run_json(config, "run", "--now", T0)
    for suffix in ("-wal", "-shm"):
        state.with_name(state.name + suffix).unlink(missing_ok=True)
    state.write_bytes(b"this is not a database" * 200)
    aside = state.with_name(state.name + ".corrupt")
    warnings = run_json(config, "recheck", "--now", T1)["recheck"]["warnings"]
    assert warnings[:1] == [
        f"state database was corrupt (moved to {aside}); restored from its copy "
        f"{state}.backup; posts written since in {tmp_path / 'site' / '_posts'} are "
        "adopted by the next run"
    ]
    state.write_bytes(b"this is not a database" * 200)
    text = cli(config, "recheck", "--now", T2)
    assert text.returncode == 0, text.stderr
    assert "warning: state database was corrupt" in text.stderr


def test_a_post_moved_or_deleted_by_hand_keeps_its_notices_and_links_no_dead_post(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    # Review 19b, H5: found by its from: URL in a subfolder of _posts; one gone is said.
    import json

    site, config, _ = _setup(tmp_path, httpserver, ["/n/a.html", "/n/b.html"])
    site.routes["/n/a.html"] = article("a")
    site.routes["/n/b.html"] = article("b")
    run_json(config, "run", "--now", T0)
    root = tmp_path / "site"
    posts = root / "_posts"
    by_url = {
        line.split(":", 1)[1].strip().strip('"'): p
        for p in posts.glob("*.md")
        for line in p.read_text(encoding="utf-8").splitlines()
        if line.startswith("from:")
    }
    post_a, post_b = by_url[site.url("/n/a.html")], by_url[site.url("/n/b.html")]
    original = post_a.read_text(encoding="utf-8")
    (posts / "2024").mkdir()
    moved = posts / "2024" / post_a.name
    post_a.rename(moved)
    post_b.unlink()
    fix = "更正：会谈地点为东京而非大阪，特此更正并致歉。"
    site.routes["/n/a.html"] = lambda request: Response(
        _page("a", [*_paragraphs("a"), fix]), content_type="text/html; charset=utf-8"
    )
    site.routes["/n/b.html"] = lambda request: Response("removed", status=410)
    assert run_json(config, "recheck", "--now", T1)["recheck"]["edited"] == 1
    report = run_json(config, "recheck", "--now", T2)["recheck"]
    assert report["deleted"] == 1
    gone = [w for w in report["warnings"] if post_b.name in w]
    assert gone and "gone from" in gone[0], report["warnings"]
    changes = json.loads((root / "_data" / "changes.json").read_text(encoding="utf-8"))
    assert set(changes) == {f"_posts/2024/{post_a.name}", f"_posts/{post_b.name}"}
    # The first version is the post as archived, not the page of the re-check.
    kept = sorted((root / "_versions" / "2024" / post_a.stem).glob("*.txt"))
    assert len(kept) == 2
    assert fix not in kept[0].read_text(encoding="utf-8")
    assert _paragraphs("a")[0] in original
    assert fix in kept[1].read_text(encoding="utf-8")
    # The deleted page and the feed of changes link no dead post of b.
    from urllib.parse import quote

    from rssarchive.publish.permalinks import post_url

    dead = quote(post_url(post_b.name).lstrip("/"), safe="/")
    alive = quote(post_url(post_a.name).lstrip("/"), safe="/")
    for page in (root / "deleted" / "index.html", root / "changes.xml"):
        text = page.read_text(encoding="utf-8")
        assert site.url("/n/b.html") in text
        assert dead not in text, page
    assert alive in (root / "changes.xml").read_text(encoding="utf-8")


def _set_recheck(config: Path, value: object) -> None:
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["recheck"] = value
    config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_recheck_false_stops_fetches_and_turning_it_on_resumes(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    links = ["/n/a.html", "/n/b.html"]
    site, config, state = _setup(tmp_path, httpserver, links[:1])
    for link in links:
        site.routes[link] = article(link[3:-5])
    run_json(config, "run", "--now", T0)
    fetched = len(site.conditional("/n/a.html"))
    _set_recheck(config, False)
    # Scheduled at 1h while on: off now, so not fetched then, nor later.
    off = run_json(config, "recheck", "--now", T1)["recheck"]
    assert off["checked"] == 0
    assert len(site.conditional("/n/a.html")) == fetched
    # An article archived while off.
    site.links = links
    run_json(config, "run", "--now", T2)
    assert len(site.conditional("/n/b.html")) == 1
    assert rows(state, "SELECT count(*) FROM rechecks WHERE next_due IS NOT NULL") == [(0,)]
    # On again: both resume at their next age from their archive time.
    _set_recheck(config, ["1h", "6h"])
    early = run_json(config, "recheck", "--now", "2024-07-24T02:30:00Z")["recheck"]
    assert early["checked"] == 0
    b_first = run_json(config, "recheck", "--now", "2024-07-24T03:00:00Z")["recheck"]
    assert b_first["checked"] == 1  # b.html: archived at 2h, its 1h age
    assert len(site.conditional("/n/b.html")) == 2
    a_next = run_json(config, "recheck", "--now", T6)["recheck"]
    assert a_next["checked"] == 1  # a.html: its 1h age was missed while off; 6h now
    assert len(site.conditional("/n/a.html")) == fetched + 1
    b_last = run_json(config, "recheck", "--now", "2024-07-24T08:00:00Z")["recheck"]
    assert b_last["checked"] == 1
    # Past every age: never again.
    done = run_json(config, "recheck", "--now", "2024-07-30T00:00:00Z")["recheck"]
    assert done["checked"] == 0


def test_a_suspicion_met_by_outages_past_the_last_age_is_retried_then_undecided(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    links = ["/n/a.html"]
    site, config, state = _setup(tmp_path, httpserver, links)
    _set_recheck(config, ["1h", "6h"])
    site.routes["/n/a.html"] = article("a")
    run_json(config, "run", "--now", T0)
    site.routes["/n/a.html"] = lambda request: Response("not found", status=404)
    assert run_json(config, "recheck", "--now", T1)["recheck"]["suspected"] == 1
    site.routes["/n/a.html"] = lambda request: Response("down", status=503)
    assert run_json(config, "recheck", "--now", T2)["recheck"]["unreachable"] == 1
    # Checked again within the hour, not at the next age (review 19b, M1).
    assert rows(state, "SELECT next_due FROM rechecks") == [("2024-07-24T03:00:00.000+00:00",)]
    assert run_json(config, "recheck", "--now", T6)["recheck"]["unreachable"] == 1
    # Past the last age (6h), still one more check an hour later ...
    assert rows(state, "SELECT next_due FROM rechecks") == [("2024-07-24T07:00:00.000+00:00",)]
    # ... until a day after the suspicion: then it stays suspected, undecided.
    assert run_json(config, "recheck", "--now", "2024-07-25T00:30:00Z")["recheck"]["checked"] == 1
    assert rows(state, "SELECT status, next_due FROM rechecks") == [("suspected", None)]
    status = cli(config, "status")
    assert "1 suspected (1 undecided)" in status.stdout, status.stdout
    assert json_of(cli(config, "status", "--json"))["rechecks"]["undecided"] == 1
