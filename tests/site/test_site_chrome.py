"""The site's chrome in any language, over real `jekyll build`s (review 20b, findings 6,
7, 9, 10): right-to-left languages turn the pages, the POSIX spelling of `lang:` is read
as BCP 47, a post's category link leads to its own category's section, and the front
page of an empty site per year shows no empty list of years."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import urllib.parse
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from jekyll.build import (
    SITE_TEMPLATE,
    BuildResult,
    build_problems,
    build_site,
    built_post,
    post_file_name,
    render_post,
    require_jekyll,
    yaml_quoted,
)

from rssarchive.publish.sitepages import site_labels

ROOT = Path(__file__).resolve().parents[2]


def _template(tmp_path: Path, lang: str) -> Path:
    template = tmp_path / "template"
    shutil.copytree(SITE_TEMPLATE, template, ignore=shutil.ignore_patterns("_posts", "_site"))
    config = template / "_config.yml"
    text = config.read_text(encoding="utf-8")
    assert "\nlang: zh-CN\n" in text
    config.write_text(text.replace("\nlang: zh-CN\n", f"\nlang: {lang}\n"), encoding="utf-8")
    return template


def _post(day: int, title: str, feed: str, body: str) -> tuple[str, str]:
    date = f"2024-05-{day:02d}T10:00:00.000Z"
    text = render_post(
        title=title,
        url=f"https://news.example/{day}.html",
        date=date,
        feed=feed,
        body=body,
    )
    return post_file_name(date, title), text


def _pages(result: BuildResult) -> dict[str, str]:
    return {
        str(p.relative_to(result.site_dir)): p.read_text(encoding="utf-8")
        for p in result.site_dir.rglob("*.html")
    }


ARABIC = _post(1, "الانتخابات في المدينة", "الجزيرة", "<p>جرت الانتخابات اليوم.</p>")
CHINESE = _post(2, "美日安全会谈", "自由亚洲电台", "<p>新闻内容</p>")


@pytest.mark.parametrize(
    ("lang", "html_tag"),
    [
        ("ar", '<html lang="ar" dir="rtl">'),
        ("he_IL", '<html lang="he-IL" dir="rtl">'),
        ("fa-IR", '<html lang="fa-IR" dir="rtl">'),
        ("ur", '<html lang="ur" dir="rtl">'),
        ("en", '<html lang="en">'),
        ("zh-CN", '<html lang="zh-CN">'),
    ],
)
def test_right_to_left_languages_turn_every_page(lang: str, html_tag: str, tmp_path: Path) -> None:
    result = build_site(dict([ARABIC, CHINESE]), tmp_path, template=_template(tmp_path, lang))
    assert result.returncode == 0 and build_problems(result) == [], result.output_text
    pages = _pages(result)
    assert len(pages) == 5  # home, categories, search, two posts
    for name, page in pages.items():
        assert re.findall(r"<html[^>]*>", page) == [html_tag], name
    # Titles and bodies take the direction of their own text, in any site: an Arabic
    # post reads right to left in a Chinese site, a Chinese one left to right in an
    # Arabic site.
    for name, _ in (ARABIC, CHINESE):
        page = built_post(result.site_dir, name).read_text(encoding="utf-8")
        assert '<h1 dir="auto">' in page and '<div class="post-body" dir="auto">' in page
    home = pages["index.html"]
    assert home.count('" dir="auto">') == 2  # both titles in the list


def test_posix_lang_spelling_is_read_as_bcp47_and_picks_its_labels(tmp_path: Path) -> None:
    """`lang: zh_TW` (as in a locale name): lang="zh-TW" and the Chinese words, in the
    layouts and in the pages rssarchive writes (sitepages.site_labels), as the search
    index script already read it (Chinese)."""
    template = _template(tmp_path, "zh_TW")
    result = build_site(dict([CHINESE]), tmp_path, template=template)
    assert result.returncode == 0 and build_problems(result) == [], result.output_text
    for name, page in _pages(result).items():
        assert '<html lang="zh-TW">' in page, name
        assert ">最新</a>" in page and ">分类</a>" in page and ">搜索</a>" in page, name
        assert "Latest" not in page, name
    post = built_post(result.site_dir, CHINESE[0]).read_text(encoding="utf-8")
    assert ">原文</a>" in post
    assert site_labels(template)["deleted_articles"] == "已删除的文章"
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import search_index
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    config = template / "_config.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("search_lang: auto", "search_lang: zh_TW"),
        encoding="utf-8",
    )
    assert search_index.search_language(template) == "zh"


class _Anchors(HTMLParser):
    """The categories page's sections (id -> heading) and every `#` link (fragment,
    text) of a page, fragments as written in the HTML (a browser matches those first)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: dict[str, str] = {}
        self.links: list[tuple[str, str]] = []
        self._section: str | None = None
        self._in: str | None = None  # "h2" or "a"
        self._href = ""
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "section" and attributes.get("class") == "category":
            self._section = attributes.get("id") or ""
        elif tag == "h2" and self._section is not None:
            self._in, self._text = "h2", []
        elif tag == "a" and "#" in (attributes.get("href") or ""):
            self._in, self._text = "a", []
            self._href = (attributes.get("href") or "").split("#", 1)[1]

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2" and self._in == "h2" and self._section is not None:
            assert self._section not in self.sections, self._section  # ids are unique
            self.sections[self._section] = "".join(self._text)
            self._in = None
        elif tag == "a" and self._in == "a":
            self.links.append((self._href, "".join(self._text)))
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in:
            self._text.append(data)


def _anchors(page: str) -> _Anchors:
    parser = _Anchors()
    parser.feed(page)
    return parser


# Jekyll keeps these apart; "raw" slugs would make one anchor of the first five.
CATEGORIES = (
    "BBC News",
    "bbc news",
    "BBC-News",
    "bbc  news",
    " BBC News",
    "50% off",
    "50%25 off",
    'Quote "this" <now>',
    "自由亚洲电台",
    "BBC 中文",
    "BBC_News",
    "a~5F b",
    "50% 中文",
    "tab\there",
    "back`tick",
)


def test_each_post_links_the_section_of_its_own_category(tmp_path: Path) -> None:
    posts = _posts_of_every_category()
    result = build_site(posts, tmp_path)
    assert result.returncode == 0 and build_problems(result) == [], result.output_text
    categories = _anchors(
        (result.site_dir / "categories" / "index.html").read_text(encoding="utf-8")
    )
    assert sorted(categories.sections.values()) == sorted(CATEGORIES)
    assert all(not re.search(r"\s", anchor) for anchor in categories.sections)
    # The categories page's own index leads to each section.
    assert [categories.sections[href] for href, _ in categories.links] == [
        text for _, text in categories.links
    ]
    for name in posts:
        page = built_post(result.site_dir, name).read_text(encoding="utf-8")
        (fragment, text), *others = _anchors(page).links
        assert others == [] and text in CATEGORIES, name
        assert categories.sections.get(fragment) == text, (name, fragment)


def _posts_of_every_category() -> dict[str, str]:
    return dict(
        _post(day, f"Story {day}", yaml_quoted(feed), f"<p>{day}</p>")
        for day, feed in enumerate(CATEGORIES, start=1)
    )


@pytest.fixture
def chromium_tab(tmp_path: Path) -> Iterator[Any]:
    """A page of headless Chromium (tests/site/test_site_browser.py's driver)."""
    from test_site_browser import BROWSER_TIMEOUT, Tab, chromium_path

    process = subprocess.Popen(
        [
            chromium_path(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            f"--user-data-dir={tmp_path / 'chromium-profile'}",
            "--remote-debugging-address=127.0.0.1",
            "--remote-debugging-port=0",
            "about:blank",
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        endpoint = None
        for line in process.stderr:  # said once its DevTools endpoint listens
            if line.startswith("DevTools listening on ws://"):
                endpoint = line.split("ws://", 1)[1].split("/", 1)[0]
                break
        assert endpoint is not None
        threading.Thread(target=process.stderr.read, daemon=True).start()
        request = urllib.request.Request(f"http://{endpoint}/json/new?about:blank", method="PUT")
        with urllib.request.urlopen(request, timeout=BROWSER_TIMEOUT) as response:
            target = json.load(response)
        tab = Tab(target["webSocketDebuggerUrl"])
        tab.call("Page.enable")
        yield tab
        tab.ws.close()
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_in_a_browser_each_category_link_opens_its_own_section(
    chromium_tab: Any, tmp_path: Path
) -> None:
    """What a reader gets: Chromium follows each post's category link, and the section
    it lands on (`:target`) is the post's category, names with CJK, `%`, quotes,
    `<`, tabs and look-alikes included (a browser matches the fragment as written, then
    percent-decoded: both must lead to one id, and only to that one)."""
    from test_site_browser import _serve

    posts = _posts_of_every_category()
    result = build_site(posts, tmp_path)
    assert result.returncode == 0 and build_problems(result) == [], result.output_text
    server = _serve(result.site_dir, True)
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        landed = {}
        for name in posts:
            path = built_post(result.site_dir, name).relative_to(result.site_dir).as_posix()
            chromium_tab.open(f"{base}/{urllib.parse.quote(path)}")
            link = chromium_tab.evaluate("document.querySelector('a.category').href")
            category = chromium_tab.evaluate("document.querySelector('a.category').textContent")
            chromium_tab.open(link)
            landed[category] = chromium_tab.evaluate(
                "document.querySelector(':target h2') && document.querySelector(':target h2')"
                ".textContent"
            )
    finally:
        server.shutdown()
    assert landed == {category: category for category in CATEGORIES}


def test_the_front_page_of_an_empty_split_archive_lists_no_years(tmp_path: Path) -> None:
    require_jekyll()
    site = tmp_path / "output"
    shutil.copytree(SITE_TEMPLATE, site, ignore=shutil.ignore_patterns("_posts", "_site", ".*"))
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_split.py"), f"--site={site}", "--no-search"],
        capture_output=True,
        text=True,
        env={**os.environ, "JEKYLL_ENV": "production"},
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    front = (site / "_site" / "index.html").read_text(encoding="utf-8")
    main = front.split("<main>", 1)[1].split("</main>", 1)[0]
    assert "<p>还没有文章。</p>" in main
    assert "年份" not in main and "year-list" not in main
