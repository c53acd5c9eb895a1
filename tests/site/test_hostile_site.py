"""Hostile titles and bodies, archived by the real CLI and published by the real Jekyll.

One module-wide scenario: a server on 127.0.0.1 serves feeds whose titles and bodies
carry Liquid (``{{ site | jsonify }}``, ``{% include ../x %}``, ``{%endraw%}``, a
hundred-million-step ``for``), scripts, event handlers, ``javascript:`` links and a title
that tries to add ``permalink: /index.html`` to the front matter, plus a hostile page
and items dated near midnight. ``python -m rssarchive run`` archives them into a copy
of the site template ``output/``; then ``jekyll build`` publishes that site.

What must hold (tests/hazards.md, "Hostile pages"): Jekyll exits 0 with no Liquid error
or warning; every hostile text shows literally on its page; the built pages carry no
``<script``, no ``on…=`` handler and no ``javascript:`` URL; ``index.html`` is still the
site's index; rssarchive wrote nothing outside ``site/_posts``; and each post is
published under the date its file name gives.

Without ``jekyll`` on PATH these tests skip, or fail when the CI variable is set.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
import yaml
from conftest import Site
from jekyll.build import BuildResult, build_site
from pytest_httpserver import HTTPServer

from rssarchive.run.session import SITE_LOCK
from rssarchive.store.siteid import ID_FILE as SITE_ID

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = REPO / "output"
HOSTILE_PAGE = Path(__file__).parent.parent / "pages" / "hostile-story.html"
INSTALL_HINT = "jekyll not installed: run scripts/install-jekyll.sh (Debian's jekyll package)"
# Late in a UTC day: with the site's time zone ignored, these posts would move a day.
NOW = "2024-07-25T23:30:00Z"
# Build far east of UTC, as test_jekyll_site does: "LINT-14" is UTC+14.
BUILD_ENV = {"TZ": "LINT-14"}
# Not in the site template: what the archiver writes, and what Jekyll makes.
NOT_TEMPLATE = ("_posts", "_site", ".jekyll-cache", ".jekyll-metadata", ".rssarchive", ".split")

LIQUID = [
    "{{ site | jsonify }}",
    "{% include ../x %}",
    "{%endraw%}",
    "{% raw %}{{ site.time }}{%endraw%}",
    "{% for i in (1..100000000) %}x{% endfor %}",
    "{{site.title}}{%comment%}",
]
SCRIPTS = [
    '<script>alert("title")</script> script title',
    '"><img src=x onerror=alert(1)> attribute title',
    "javascript:alert(document.cookie) title",
]
# Titles that look like paths: the post must stay in _posts/ and its page in the site.
PATH_TITLES = ["../../etc/x", "/abs", "a/b/../../../c", ".hidden", "Wait... what?"]
# (title, body): the title as text, the body as HTML.
ITEMS = [
    *[(text, f"<p>{text} in the body</p>") for text in LIQUID],
    *[(text, "<p>a title like a path</p>") for text in PATH_TITLES],
    (SCRIPTS[0], '<p>before<script>alert("body")</script>after</p>'),
    (
        SCRIPTS[1],
        '<p><img src="x.png" onerror="alert(1)"><span onclick="alert(2)">handler</span>'
        '<svg onload="alert(3)"><a xlink:href="javascript:alert(4)">svg</a></svg></p>',
    ),
    (
        SCRIPTS[2],
        '<p><a href="javascript:alert(1)">js</a> <a href="java&#x09;script:alert(2)">tab</a>'
        ' <a href=" JAVASCRIPT:alert(3)">case</a> <a href="data:text/html,x">data</a>'
        ' <iframe src="javascript:alert(5)"></iframe><form action="javascript:x">'
        "<button formaction=javascript:y>b</button></form></p>",
    ),
]
# Title written as XML (character references), and what it must read as afterwards.
INJECTED_TITLE_XML = "Breaking&#10;permalink: /index.html&#10;layout: null"
INJECTED_TITLE = "Breaking permalink: /index.html layout: null"  # line breaks: spaces
HOSTILE_AUTHOR = "{{ site.time }} <script>alert(1)</script>"
PAGE_TITLE = "{{ page.title }} hostile page"
# pubDate -> the day of the post (UTC), near midnight in various zones.
DATED = {
    "Tue, 23 Jul 2024 23:59:59 +0000": "2024/07/23",
    "Wed, 24 Jul 2024 00:30:00 +0800": "2024/07/23",
    "2024-07-23T23:45:00-05:00": "2024/07/24",
    "2024-07-24T00:00:00.000Z": "2024/07/24",
}


def require_jekyll() -> None:
    if shutil.which("jekyll") is None:
        if os.environ.get("CI"):
            pytest.fail(f"CI is set and {INSTALL_HINT}")
        pytest.skip(INSTALL_HINT)


def rss(items: list[str]) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>h</title>'
        f"<link>http://127.0.0.1/</link>{''.join(items)}</channel></rss>"
    ).encode()


def item(title_xml: str, link: str, body: str, extra: str = "") -> str:
    return (
        f"<item><title>{title_xml}</title><link>{escape(link)}</link>{extra}"
        f"<content:encoded><![CDATA[{body}]]></content:encoded></item>"
    )


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


class Page(HTMLParser):
    """The tags, attributes and text of a built page."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []
        self.h1: list[str] = []
        self._in_h1 = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        self._in_h1 = tag == "h1" or self._in_h1

    def handle_endtag(self, tag: str) -> None:
        if tag == "h1":
            self._in_h1 = False

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._in_h1:
            self.h1.append(data)

    @property
    def all_text(self) -> str:
        return "".join(self.text)


def active_content(html: str) -> list[str]:
    """Everything in a built page that could run: script elements, on* attributes,
    javascript:/vbscript:/data: URLs (compared as a browser does, ignoring case and
    the whitespace and control characters it strips)."""
    found = [m.group() for m in re.finditer(r"(?i)<script", html)]
    for tag, attrs in Page(html).tags:
        for name, value in attrs:
            if name.lower().startswith("on"):
                found.append(f"<{tag} {name}=…>")
            url = re.sub(r"[\x00-\x20]", "", unescape(value or "")).lower()
            if url.startswith(("javascript:", "vbscript:", "data:text")):
                found.append(f"<{tag} {name}={value!r}>")
    return found


@dataclass
class Posts:
    code: int
    stdout: str
    stderr: str
    site_dir: Path
    before: dict[str, bytes]  # the site directory before the run
    after: dict[str, bytes]
    posts: dict[str, str]  # file name -> text
    build: BuildResult
    pages: dict[str, str] = field(default_factory=dict)  # built post URL path -> HTML

    def page_titled(self, title: str) -> tuple[str, str]:
        """(URL path, HTML) of the one built post page whose <h1> is ``title``."""
        found = [(p, h) for p, h in self.pages.items() if "".join(Page(h).h1) == title]
        assert len(found) == 1, (title, sorted(self.pages))
        return found[0]


def run_cli(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rssarchive", "--config", str(config), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


def archive_and_build(root: Path, server: HTTPServer, feeds: list[dict[str, object]]) -> Posts:
    """Run the CLI into a copy of output/, then build that site with Jekyll."""
    site_dir = root / "site"
    shutil.copytree(TEMPLATE, site_dir, ignore=lambda d, names: set(names) & set(NOT_TEMPLATE))
    site = Site(root)  # site_dir "site", state in root/state (outside the site)
    site.write_config(feeds)
    before = files(site_dir)
    done = run_cli(site.config, "run", "--now", NOW)
    after = files(site_dir)
    posts = {
        name[len("_posts/") :]: data.decode("utf-8")
        for name, data in after.items()
        if name.startswith("_posts/")
    }
    build = build_site(dict(posts), root / "build", env=BUILD_ENV, template=site_dir)
    archive = Posts(
        done.returncode, done.stdout, done.stderr, site_dir, before, after, posts, build
    )
    for path in build.site_dir.rglob("*.html"):
        relative = path.relative_to(build.site_dir).as_posix()
        if re.match(r"\d{4}/\d{2}/\d{2}/", relative):
            archive.pages[relative] = path.read_text(encoding="utf-8")
    return archive


@pytest.fixture(scope="module")
def server() -> Iterator[HTTPServer]:
    httpserver = HTTPServer(host="127.0.0.1", port=0)
    httpserver.start()
    try:
        yield httpserver
    finally:
        httpserver.clear()
        httpserver.stop()


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory, server: HTTPServer) -> Posts:
    require_jekyll()
    base = server.url_for("/")[:-1]
    hostile = [
        item(escape(title), f"{base}/liquid/{i}.html", body)
        for i, (title, body) in enumerate(ITEMS)
    ]
    hostile.append(
        item(
            INJECTED_TITLE_XML,
            f"{base}/liquid/injected.html",
            "<p>injected</p>",
            extra=f"<author>{escape(HOSTILE_AUTHOR)}</author>",
        )
    )
    # Liquid in the article URL too: it is written into the front matter and the heading.
    hostile.append(item("braces in the URL", base + "/liquid/q?x={{site.title}}", "<p>q</p>"))
    dated = [
        item(f"dated {n}", f"{base}/dated/{n}.html", "<p>dated</p>", f"<pubDate>{d}</pubDate>")
        for n, d in enumerate(DATED)
    ]
    # The page's own heading is the title when the item gives none.
    page = HOSTILE_PAGE.read_text(encoding="utf-8")
    page = page.replace("<h1>{{ site | jsonify }}</h1>", f"<h1>{PAGE_TITLE}</h1>")
    server.expect_request("/page/hostile.html").respond_with_data(
        page, content_type="text/html; charset=utf-8"
    )
    pages = [f"<item><title></title><link>{base}/page/hostile.html</link></item>"]
    feeds: list[dict[str, object]] = []
    for name, items, content in (
        ("hostile", hostile, "feed"),
        ("dated", dated, "feed"),
        ("page", pages, "page"),
    ):
        server.expect_request(f"/{name}.xml").respond_with_data(
            rss(items), content_type="application/rss+xml"
        )
        feeds.append({"name": name, "url": server.url_for(f"/{name}.xml"), "content": content})
    return archive_and_build(tmp_path_factory.mktemp("hostile"), server, feeds)


# -- the archive -----------------------------------------------------------------------


def test_hazard_liquid_in_title_or_body_archived_and_nothing_written_outside_posts(
    archive: Posts,
) -> None:
    assert archive.code == 0, archive.stderr
    assert "Traceback" not in archive.stderr
    expected = len(ITEMS) + 2 + len(DATED) + 1
    assert len(archive.posts) == expected, sorted(archive.posts)
    # Only new files, all in _posts/; nothing of the template changed.
    changed = {
        name
        for name in archive.before.keys() | archive.after.keys()
        if archive.before.get(name) != archive.after.get(name)
    }
    # (And the run's lock and the site's id, in a dot-directory Jekyll never publishes.)
    assert {name for name in changed if not name.startswith("_posts/")} == {SITE_LOCK, SITE_ID}
    assert all("/" not in name for name in archive.posts)
    for name, text in archive.posts.items():
        # The guard: no Liquid delimiter survives in a post's content (the front matter
        # is data, never rendered).
        content = text.split("\n---\n", 1)[1]
        assert "{{" not in content and "{%" not in content, name


def test_hazard_title_newline_permalink_index_html_no_new_front_matter_key(
    archive: Posts,
) -> None:
    (text,) = [t for t in archive.posts.values() if "Breaking" in t]
    matter = yaml.safe_load(text.split("---\n")[1])
    assert set(matter) == {
        "layout",
        "title",
        "date",
        "author",
        "from",
        "tags",
        "comments",
        "categories",
    }
    assert matter["title"] == INJECTED_TITLE
    assert matter["layout"] == "post"
    # The site's index untouched: it is the index page, listing every post.
    index = (archive.build.site_dir / "index.html").read_text(encoding="utf-8")
    assert 'class="page-heading"' in index and 'class="post-list"' in index
    assert "<title>News archive</title>" in index
    assert index.count("<li><time") == len(archive.posts)
    path, _ = archive.page_titled(INJECTED_TITLE)
    assert path.startswith("2024/07/25/")


# -- the build -------------------------------------------------------------------------


def test_hazard_liquid_in_title_or_body_jekyll_builds_without_liquid_error(
    archive: Posts,
) -> None:
    output = archive.build.output_text
    assert archive.build.returncode == 0, output
    assert "liquid" not in output.lower(), output
    problems = [line for line in output.splitlines() if re.search(r"(?i)warn|error", line)]
    assert problems == [], output
    # Every post was published, each on a page of its own.
    assert len(archive.pages) == len(archive.posts), sorted(archive.pages)


@pytest.mark.parametrize("text", LIQUID)
def test_hazard_liquid_in_title_or_body_text_shows_literally_no_liquid_runs(
    archive: Posts, text: str
) -> None:
    _, html = archive.page_titled(text)
    page = Page(html)
    assert f"{text} in the body" in page.all_text
    assert page.all_text.count(text) >= 3  # <h1>, the heading's link, the body
    # Had Liquid run, {{ site | jsonify }} would have printed the configuration.
    for name, html in archive.pages.items():
        assert '"paginate"' not in html and "News archive</h" not in html, name


def test_hazard_liquid_in_title_or_body_index_and_categories_show_titles_literally(
    archive: Posts,
) -> None:
    for page in ("index.html", "categories/index.html"):
        html = (archive.build.site_dir / page).read_text(encoding="utf-8")
        text = Page(html).all_text
        for title in LIQUID:
            assert title in text, (page, title)
        assert active_content(html) == [], page
        assert '"paginate"' not in html


def test_hazard_script_handlers_javascript_urls_none_survive_into_built_pages(
    archive: Posts,
) -> None:
    for path, html in archive.pages.items():
        assert active_content(html) == [], path
    for title in SCRIPTS:
        _, html = archive.page_titled(title)
        assert title in Page(html).all_text  # shown as text
    _, html = archive.page_titled(SCRIPTS[2])
    text = Page(html).all_text
    for kept in ("js", "tab", "case", "data"):
        assert kept in text


def test_hazard_hostile_page_markup_and_liquid_in_page_title_built_clean(
    archive: Posts,
) -> None:
    _, html = archive.page_titled(PAGE_TITLE)
    text = Page(html).all_text
    for kept in ("Before.", "Handlers.", "js link", "Styled."):
        assert kept in text, kept
    for literal in [*LIQUID[:3], "{% for i in (1..100000000) %}"]:
        assert literal in text, literal
    assert active_content(html) == []
    for gone in ("evil.example", "<iframe", "<form", "<style", "<svg", "<object", "alert("):
        assert gone not in html, gone


def test_hazard_hostile_author_and_url_braces_shown_literally(archive: Posts) -> None:
    _, html = archive.page_titled(INJECTED_TITLE)
    assert HOSTILE_AUTHOR in Page(html).all_text
    assert active_content(html) == []
    _, html = archive.page_titled("braces in the URL")
    hrefs = [v for tag, attrs in Page(html).tags if tag == "a" for k, v in attrs if k == "href"]
    assert any(href and "/liquid/q?x=" in href for href in hrefs), hrefs
    assert "News archive" not in "".join(h for h in hrefs if h)


def test_hazard_dates_offsets_near_midnight_jekyll_url_date_equals_file_name_date(
    archive: Posts,
) -> None:
    for n, day in enumerate(DATED.values()):
        (name,) = [k for k, t in archive.posts.items() if f'title: "dated {n}"' in t]
        assert name.startswith(day.replace("/", "-") + "-"), name
        path, _ = archive.page_titled(f"dated {n}")
        assert path.startswith(day + "/"), (name, path)
    # Every post: the URL's date is its file name's date.
    for name, text in archive.posts.items():
        title = yaml.safe_load(text.split("---\n")[1])["title"]
        path, _ = archive.page_titled(title)
        assert path[:10].replace("/", "-") == name[:10], (name, path)


# -- titles like paths ----------------------------------------------------------------


def test_hazard_title_dotdot_etc_x_abs_published_inside_the_site_file_inside_posts(
    archive: Posts,
) -> None:
    site = archive.build.site_dir.resolve()
    for title in PATH_TITLES:
        (name,) = [k for k, t in archive.posts.items() if f"title: {json.dumps(title)}" in t]
        assert "/" not in name and "\\" not in name and not name.startswith("."), name
        assert len(name.encode("utf-8")) <= 255
        path, html = archive.page_titled(title)
        assert path.startswith("2024/07/25/"), (title, path)
        assert (site / path).resolve().is_relative_to(site)
        assert Page(html).all_text.count(title) >= 2, title  # <h1> and the heading's link
    for outside in ("etc", "abs", "c", "x.html", "etc.html"):
        assert not (site / outside).exists(), outside
