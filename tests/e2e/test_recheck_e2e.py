"""Re-checks end to end: a local news site archived by the real CLI, then changed under
it — one article edited, one deleted (404), one redirected to the front page, one
soft-deleted (a "not found" page with status 200), one down for one check (503), one
deleted and brought back — driven with --now across the schedule; then the site built
by the real Jekyll, with every notice, versions page, the deleted-articles page and the
feed checked, and the untouched posts byte-identical."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote

import pytest
from jekyll.build import build_site, built_post
from pytest_httpserver import HTTPServer
from statekit import cli, json_of, rows, rss, write_config
from werkzeug import Request, Response

TEMPLATE = Path(__file__).resolve().parents[2] / "output"
T0 = "2024-07-24T00:00:00Z"
T1 = "2024-07-24T01:00:00Z"  # the first age, 1h
T2 = "2024-07-24T06:00:00Z"  # 6h: the suspicions are confirmed
T3 = "2024-07-25T00:00:00Z"  # 1d: one article is back

NAMES = ["edited", "gone", "moved", "soft", "outage", "back", "same304", "same200"]


def _paragraphs(n: int) -> list[str]:
    return [
        f"第{n}篇报道的第{k}段：美国和日本周日在东京举行二加二安全会谈，双方讨论了延伸威慑、"
        f"驻日美军指挥体制的调整以及地区安全形势，官员表示会谈取得了具体进展。"
        for k in range(1, 5)
    ]


def _page(title: str, paragraphs: list[str], related: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html lang='zh'><head><meta charset='utf-8'><title>{title}</title>"
        f"</head><body><nav><a href='/'>首页</a> <a href='/news/'>新闻</a></nav>"
        f"<article><h1>{title}</h1>{body}</article>"
        f"<aside class='related'><h2>相关新闻</h2><ul>{related}</ul></aside>"
        "<footer>版权所有</footer></body></html>"
    )


NOT_FOUND = _page(
    "页面不存在", ["对不起，您访问的页面不存在或已被删除，请返回首页浏览其他新闻内容。"]
)


class Site:
    """The news site: each article's behaviour can be changed between commands."""

    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.mode = dict.fromkeys(NAMES, "ok")
        self.hits: dict[str, list[int]] = {name: [] for name in NAMES}
        self.related = 0
        server.expect_request("/feed.xml").respond_with_handler(self.feed)
        server.expect_request("/").respond_with_data(_page("首页", ["今日要闻"] * 3))
        for name in NAMES:
            server.expect_request(f"/news/{name}.html").respond_with_handler(self.article(name))

    def url(self, name: str) -> str:
        return self.server.url_for(f"/news/{name}.html")

    def feed(self, request: Request) -> Response:
        items = [
            {"title": f"报道{n}：{name}", "link": self.url(name), "guid": f"g-{name}"}
            for n, name in enumerate(NAMES)
        ]
        return Response(rss(items), content_type="application/rss+xml")

    def article(self, name: str) -> Callable[[Request], Response]:
        n = NAMES.index(name)

        def answer(request: Request) -> Response:
            mode = self.mode[name]
            status = {"404": 404, "503": 503}.get(mode, 200)
            self.hits[name].append(status)
            if mode == "404":
                return Response("not found", status=404)
            if mode == "503":
                return Response("down for maintenance", status=503)
            if mode == "front":
                return Response(status=301, headers={"Location": "/"})
            if mode == "soft":
                return Response(NOT_FOUND, content_type="text/html; charset=utf-8")
            paragraphs = _paragraphs(n)
            if mode == "edited":
                paragraphs[1] = paragraphs[1].replace("取得了具体进展", "未能达成协议")
            if name == "same304":
                etag = '"v1"'
                if request.headers.get("If-None-Match") == etag:
                    self.hits[name][-1] = 304
                    return Response(status=304, headers={"ETag": etag})
                headers = {"ETag": etag}
            else:
                headers = {}
            # A rotating "related" box outside the article: never an edit.
            self.related += 1
            related = f"<li><a href='/news/r{self.related}.html'>相关{self.related}</a></li>"
            return Response(
                _page(f"报道{n}", paragraphs, related),
                content_type="text/html; charset=utf-8",
                headers=headers,
            )

        return answer


@pytest.fixture
def news(httpserver: HTTPServer) -> Site:
    return Site(httpserver)


def _post_names(posts: Path) -> dict[str, str]:
    """Article name -> its post file."""
    found = {}
    for path in posts.glob("*.md"):
        text = path.read_text(encoding="utf-8")
        (name,) = re.findall(r"^from: .*/news/(\w+)\.html$", text, re.M)
        found[name] = path.name
    return found


def _status(state: Path) -> dict[str, str]:
    return {
        re.sub(r".*/news/(\w+)\.html", r"\1", str(url)): str(status)
        for url, status in rows(
            state,
            "SELECT a.url, r.status FROM rechecks r JOIN articles a ON a.id = r.article_id",
        )
    }


def test_recheck_across_the_schedule_and_the_built_site(tmp_path: Path, news: Site) -> None:
    site = tmp_path / "site"
    shutil.copytree(TEMPLATE, site, ignore=shutil.ignore_patterns("_posts", "_site"))
    state = site / ".rssarchive" / "state.sqlite3"
    config = write_config(
        tmp_path / "config.yaml",
        [{"name": "News", "url": news.server.url_for("/feed.xml"), "content": "page"}],
        site_dir=site,
        state_path=state,
    )
    first = cli(config, "run", "--now", T0)
    assert first.returncode == 0, first.stderr
    posts = _post_names(site / "_posts")
    assert sorted(posts) == sorted(NAMES)
    archived = {p.name: p.read_bytes() for p in (site / "_posts").iterdir()}
    before = build_site(
        {n: b.decode() for n, b in archived.items()}, tmp_path / "b0", template=site
    )
    assert before.returncode == 0, before.output_text
    # The layout without its re-check notice renders every post exactly the same: the
    # notice adds not a byte to a post that is not in _data/changes.json.
    plain = tmp_path / "plain"
    shutil.copytree(site, plain, ignore=shutil.ignore_patterns("_posts", ".rssarchive"))
    layout = plain / "_layouts" / "post.html"
    text, cut = re.subn(
        r"\n\{%- comment -%\}\n  Re-checks.*?\{%- endif %\}(?=\n<header)",
        "",
        layout.read_text(encoding="utf-8"),
        flags=re.S,
    )
    assert cut == 1
    layout.write_text(text, encoding="utf-8")
    posts_text = {n: b.decode() for n, b in archived.items()}
    source = build_site(posts_text, tmp_path / "p", template=plain)
    for name in archived:
        assert built_post(before.site_dir, name).read_bytes() == (
            built_post(source.site_dir, name).read_bytes()
        )

    # Nothing is due before the first age.
    early = cli(config, "recheck", "--now", "2024-07-24T00:59:00Z", "--json")
    assert early.returncode == 0, early.stderr
    assert json_of(early)["recheck"]["checked"] == 0

    news.mode.update(edited="edited", gone="404", moved="front", soft="soft", outage="503")
    news.mode.update(back="404")
    one = cli(config, "recheck", "--now", T1, "--json")
    assert one.returncode == 0, one.stderr
    report = json_of(one)["recheck"]
    assert (report["checked"], report["edited"], report["suspected"], report["unreachable"]) == (
        8,
        1,
        4,
        1,
    )
    assert news.hits["same304"][-1] == 304  # the stored validators went back
    assert _status(state) == {
        "edited": "edited",
        "gone": "suspected",
        "moved": "suspected",
        "soft": "suspected",
        "outage": "unchanged",
        "back": "suspected",
        "same304": "unchanged",
        "same200": "unchanged",
    }

    news.mode["outage"] = "ok"
    # Re-checks as part of run: deletions are the report, not a failure.
    two = cli(config, "run", "--now", T2, "--json")
    assert two.returncode == 0, two.stderr
    report = json_of(two)["recheck"]
    assert report["deleted"] == 4
    assert sorted(c["url"] for c in report["changes"]) == sorted(
        news.url(n) for n in ("gone", "moved", "soft", "back")
    )
    news.mode["back"] = "ok"
    three = cli(config, "recheck", "--now", T3)
    assert three.returncode == 0, three.stderr
    assert f"restored: {news.url('back')}" in three.stdout
    assert _status(state) == {
        "edited": "edited",
        "gone": "deleted",
        "moved": "deleted",
        "soft": "deleted",
        "outage": "unchanged",
        "back": "restored",
        "same304": "unchanged",
        "same200": "unchanged",
    }
    status = json_of(cli(config, "status", "--json"))["rechecks"]
    assert {k: status[k] for k in ("checked", "edited", "deleted", "restored")} == {
        "checked": 8,
        "edited": 1,
        "deleted": 3,
        "restored": 1,
    }

    # The posts are as first archived; the edit is a version beside them.
    assert {p.name: p.read_bytes() for p in (site / "_posts").iterdir()} == archived
    kept = sorted((site / "_versions" / posts["edited"][:-3]).glob("*.txt"))
    assert [p.name for p in kept] == ["2024-07-24T000000Z.txt", "2024-07-24T010000Z.txt"]
    assert "取得了具体进展" in kept[0].read_text() and "未能达成协议" in kept[1].read_text()
    changes = json.loads((site / "_data" / "changes.json").read_text())
    assert sorted(changes) == sorted(f"_posts/{posts[n]}" for n in [*NAMES[:4], "back"])

    built = build_site({n: b.decode() for n, b in archived.items()}, tmp_path / "b1", template=site)
    assert built.returncode == 0, built.output_text
    notices = {}
    for name in NAMES:
        page = built_post(built.site_dir, posts[name]).read_text(encoding="utf-8")
        found = re.search(r'<p class="post-change[^"]*"[^>]*>(.*?)</p>', page, re.S)
        notices[name] = (
            None if found is None else " ".join(re.sub(r"<[^>]+>", "", found[1]).split())
        )
        if found is None:  # untouched: byte-identical to the build before any change
            assert page == built_post(before.site_dir, posts[name]).read_text(encoding="utf-8")
    assert notices == {
        "edited": "已修改 2024-07-24 01:00 UTC · 版本",
        "gone": "已删除 2024-07-24 01:00 UTC · 版本",
        "moved": "已删除 2024-07-24 01:00 UTC · 版本",
        "soft": "已删除 2024-07-24 01:00 UTC · 版本",
        "outage": None,
        "back": "已恢复 2024-07-25 00:00 UTC · 版本",
        "same304": None,
        "same200": None,
    }
    edited_page = built_post(built.site_dir, posts["edited"]).read_text(encoding="utf-8")
    (link,) = re.findall(r'<a href="(/versions/[^"]+)">版本</a>', edited_page)
    versions = (built.site_dir / link.lstrip("/")).read_text(encoding="utf-8")
    assert "<del>取得了具体进展</del>" in versions, versions
    assert "<ins>未能达成协议</ins>" in versions
    assert versions.count("<h2>") == 2
    gone_page = built_post(built.site_dir, posts["gone"]).read_text(encoding="utf-8")
    (link,) = re.findall(r'<a href="(/versions/[^"]+)">版本</a>', gone_page)
    gone_versions = (built.site_dir / link.lstrip("/")).read_text(encoding="utf-8")
    # Its text as archived, then the date it was first seen gone.
    assert "第1篇报道的第1段" in gone_versions and "<h2>2024-07-24 01:00 UTC</h2>" in gone_versions
    deleted = (built.site_dir / "deleted" / "index.html").read_text(encoding="utf-8")
    listed = re.findall(r"/news/(\w+)\.html", deleted)
    assert sorted(set(listed)) == ["gone", "moved", "soft"]
    feed = (built.site_dir / "changes.xml").read_text(encoding="utf-8")
    # Every event: 4 deletions (the one brought back still counts), 1 edit, 1 restoration.
    assert feed.count("<entry>") == 6
    assert feed.count('term="deleted"') == 4 and feed.count('term="edited"') == 1
    # The pages name the article by its post's title and link its archived post, which
    # the built site has where the link says.
    title = "报道0：edited"
    assert f"<title>已修改: {title}</title>" in feed
    assert f"版本 · {title}" in versions
    (archived_link,) = re.findall(r'<a href="\.\./([^"]+)">存档</a>', versions)
    archived_page = built.site_dir / unquote(archived_link)
    assert archived_page.read_bytes() == built_post(built.site_dir, posts["edited"]).read_bytes()
    assert "报道1：gone" in deleted
