"""The site template in output/ builds with the real Jekyll, cleanly, at archive scale.

One build of the two seed posts, 500 generated ones and hostile posts written by
rssarchive's own renderer is shared by the module (it is the slow part);
smaller builds check the time zone and what must stay unpublished.
Without `jekyll` on PATH these tests skip, or fail when the CI variable is set.
"""

from __future__ import annotations

import html
import os
import random
import re
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest
import yaml
from jekyll.build import (
    SITE_TEMPLATE,
    BuildResult,
    Seed,
    build_problems,
    build_site,
    built_post,
    post_file_name,
    post_url,
    render_post,
    require_jekyll,
    seed_posts,
)

GENERATED_POSTS = 500
# POSIX time zones (no tzdata needed); note the inverted sign: "XXX-14" is UTC+14.
UTC_PLUS_14 = "LINT-14"
UTC_PLUS_8 = "CST-8"
UTC_MINUS_11 = "SST11"
PER_PAGE = 50  # output/_config.yml: paginate
FEEDS = ("自由亚洲电台", "BBC 中文", "Voice of America")

# Dates at the edges of a UTC day, month and year: the URL must keep the file name's date
# whatever the time of day and whatever the building machine's time zone.
EDGE_DATES = (
    "2019-12-31T23:59:59.999Z",
    "2020-01-01T00:00:00.000Z",
    "2024-02-29T23:30:00.000Z",
    "2021-07-24T01:45:53.725Z",
    "2023-03-26T01:30:00.000Z",
    "2010-06-30T16:00:00.001Z",
)

_WORDS = (
    "美日",
    "安全会谈",
    "核威慑",
    "2+2",
    "香港",
    "台湾",
    "选举",
    "“延伸威慑”",
    "《国安法》",
    "经济",
    "疫情",
    "人权",
    "Biden",
    "Xi's",
    "G7",
    "U.S.",
    "AT&T",
    "(analysis)",
    "50%",
    "#1",
    "Q&A",
    "C++",
    "é",
    "١٢٣",
    "🚀",
)
_SEPARATORS = (" ", "", "：", "？ ", "，", ": ", " / ", "/", '"', " - ", "…", "!", "、", "  ")


def _title(rng: random.Random, index: int) -> str:
    parts = [rng.choice(_WORDS) for _ in range(rng.randint(1, 9))]
    title = "".join(p + rng.choice(_SEPARATORS) for p in parts).strip()
    if index % 7 == 0:
        title = f'他说"{title}"'
    if index % 11 == 0:  # longer than the 50 characters a file name keeps
        title = title + "，" + "长标题" * 20
    return f"{title} {index}"


def _body(rng: random.Random, index: int) -> str:
    paragraphs = "".join(
        f"<p>第{index}篇 第{n}段：新闻内容<span>（{rng.randint(1, 999)}）</span></p>"
        for n in range(rng.randint(1, 6))
    )
    image = (
        f'<img src="https://news.example.com/img/{index}.jpg" alt="图{index}" '
        'referrerpolicy="no-referrer">   <span class="lead_image_caption">图片说明</span>'
    )
    related = (
        '<ul><li><strong><a href="https://news.example.com/related.html">相关报道</a>'
        "</strong></li></ul>"
    )
    return (image if index % 2 else "") + paragraphs + (related if index % 3 == 0 else "")


def _date(rng: random.Random, index: int) -> str:
    if index < len(EDGE_DATES):
        return EDGE_DATES[index]
    start = datetime(2005, 1, 1, tzinfo=UTC)
    moment = start + timedelta(milliseconds=rng.randrange(20 * 365 * 24 * 3600 * 1000))
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


HOSTILE_TITLES = (
    "{{ site | jsonify }}",
    "{% include ../x %}",
    "{%endraw%} and {% raw %}",
    "{% for i in (1..100000000) %}x{% endfor %}",
    "Title\npermalink: /index.html",
    '<script>alert("t")</script> Dr. "Who" \\ #1',
    "../../etc/x",
    "yes",
    # Brackets: balanced ones are written as they are, the rest escaped (render.py).
    "[Chinese] 美日2+2 [[nested] pair]",
    "open [ alone",
    "close ] alone",
    "a [link](x) and a [ref][y] inside",
)
# Titles whose heading line must come out, in the built page, as one link to the
# article with exactly the title as its text.
LINK_TITLES = HOSTILE_TITLES[-4:]
HOSTILE_BODY = (
    "<p>{{ site.title }} {% include x %}</p><script>alert(1)</script>"
    '<img src="https://news.example.com/i.jpg" onerror="alert(1)">'
    '<a href="javascript:alert(1)">js</a><iframe src="https://evil.example"></iframe>'
)


def hostile_posts() -> dict[str, tuple[str, str, str]]:
    """Hostile titles and bodies through rssarchive's real renderer."""
    from rssarchive.publish.render import render_post as real_render_post

    posts: dict[str, tuple[str, str, str]] = {}
    for i, title in enumerate(HOSTILE_TITLES):
        post = real_render_post(
            title=title,
            url=f"https://hostile.example/{i}.html",
            published=datetime(2001, 2, 3, 4, 5, i, tzinfo=UTC),
            archived_at=datetime(2026, 1, 1, tzinfo=UTC),
            author="x",
            tags=["Hostile"],
            categories=["Hostile"],
            body_html=HOSTILE_BODY,
        )
        front = yaml.safe_load(post.text.split("---\n")[1])
        date = post.text.split("\ndate: ", 1)[1].split("\n", 1)[0]
        posts[post.filename] = (post.text, front["title"], date)
    return posts


def generated_posts(count: int, taken: list[Seed]) -> dict[str, tuple[str, str, str]]:
    """`count` posts in the archive's format: file name -> (text, title, date)."""
    rng = random.Random(20240724)
    posts: dict[str, tuple[str, str, str]] = {}
    urls = {post_url(seed.file_name) for seed in taken}
    dates = {seed.date for seed in taken}
    index = 0
    while len(posts) < count:
        index += 1
        title, date = _title(rng, index), _date(rng, len(posts))
        name = post_file_name(date, title)
        url = post_url(name)
        # Distinct URLs (so the test can find each post) and dates (so the order is total).
        if url in urls or date in dates:
            continue
        urls.add(url)
        dates.add(date)
        feed = FEEDS[index % len(FEEDS)]
        stamp = int(datetime.fromisoformat(date).timestamp() * 1000)
        text = render_post(
            title=title,
            url=f"https://news.example.com/{index}.html",
            date=date,
            feed=feed,
            body=_body(rng, index),
            published_ms=stamp if index % 2 else None,
            author="张三" if index % 5 == 0 else None,
        )
        posts[name] = (text, title, date)
    return posts


class _Links(HTMLParser):
    """The links inside elements of a given class (e.g. every `.post-list` entry)."""

    def __init__(self, container_class: str) -> None:
        super().__init__()
        self.container_class = container_class
        self.depth = 0  # > 0 while inside a container
        self.links: list[tuple[str, str]] = []  # (href, text)
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if self.depth:
            self.depth += 1
        elif self.container_class in (attributes.get("class") or "").split():
            self.depth = 1
        if self.depth and tag == "a":
            self._href, self._text = attributes.get("href") or "", []

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag == "a" and self._href is not None:
            self.links.append((self._href, "".join(self._text)))
            self._href = None
        if self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text.append(data)


class _Images(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.images: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.images.append(dict(attrs))


def post_links(page: Path) -> list[tuple[str, str]]:
    parser = _Links("post-list")
    parser.feed(page.read_text(encoding="utf-8"))
    return [(unquote(href), text) for href, text in parser.links]


def images(html: str) -> list[dict[str, str | None]]:
    parser = _Images()
    parser.feed(html)
    return parser.images


class Posts:
    def __init__(
        self, result: BuildResult, seeds: list[Seed], generated: dict[str, tuple[str, str, str]]
    ) -> None:
        self.result = result
        self.seeds = seeds
        # file name -> (title, date), seeds included
        self.posts = {s.file_name: (s.title, s.date) for s in seeds}
        self.posts.update({name: (title, date) for name, (_, title, date) in generated.items()})

    def newest_first(self) -> list[str]:
        return sorted(self.posts, key=lambda name: self.posts[name][1], reverse=True)


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Posts:
    require_jekyll()
    seeds = seed_posts()
    generated = generated_posts(GENERATED_POSTS, seeds)
    posts = {s.file_name: s.text for s in seeds}
    generated.update(hostile_posts())
    posts.update({name: text for name, (text, _, _) in generated.items()})
    assert len(posts) == GENERATED_POSTS + len(HOSTILE_TITLES) + len(seeds)
    # A zone far east of UTC: without `timezone: UTC` every post after 10:00Z would move
    # to the next day's URL.
    result = build_site(posts, tmp_path_factory.mktemp("jekyll"), env={"TZ": UTC_PLUS_14})
    print(f"jekyll build of {len(posts)} posts: {result.seconds:.1f} s")
    return Posts(result, seeds, generated)


def test_seed_file_names_are_the_archives() -> None:
    names = [seed.file_name for seed in seed_posts()]
    assert names == [
        "2024-07-24-应对中俄朝？ 美日将举行2+2安全会谈讨论核威慑问题.md",
        "2024-07-28-美日2+2安全磋商 加强驻日美军军事指挥权.md",
    ]


def test_build_succeeds_without_warnings(archive: Posts) -> None:
    result = archive.result
    assert result.returncode == 0, result.output_text
    assert build_problems(result) == [], result.output_text
    assert "done in" in result.output_text


def test_every_post_is_at_the_url_its_file_name_implies(archive: Posts) -> None:
    site = archive.result.site_dir
    missing = [name for name in archive.posts if not built_post(site, name).is_file()]
    assert missing == []
    # ... and nothing else was published as a post.
    built = {p for p in site.glob("[0-9][0-9][0-9][0-9]/**/*.html")}
    assert built == {built_post(site, name) for name in archive.posts}


def test_hostile_posts_build_inert(archive: Posts) -> None:
    site = archive.result.site_dir
    for name in hostile_posts():
        page = built_post(site, name).read_text(encoding="utf-8")
        lowered = page.lower()
        assert "<script" not in lowered and "<iframe" not in lowered
        assert "javascript:" not in lowered and "onerror" not in lowered
        # The Liquid in the body is shown, not run (entities decode to braces in a browser).
        assert "&#123;&#123; site.title &#125;&#125;" in page


def test_heading_is_one_link_whose_text_is_the_title(archive: Posts) -> None:
    site = archive.result.site_dir
    for i, title in enumerate(HOSTILE_TITLES):
        if title not in LINK_TITLES:
            continue
        name = next(n for n, (_, t, _) in hostile_posts().items() if t == title)
        page = built_post(site, name).read_text(encoding="utf-8")
        links = re.findall(rf'<a href="https://hostile\.example/{i}\.html">(.*?)</a>', page)
        assert [html.unescape(text) for text in links] == [title]
        assert '<a href="x">' not in page and '<a href="y">' not in page


def test_seed_urls() -> None:
    assert [post_url(seed.file_name) for seed in seed_posts()] == [
        "/2024/07/24/应对中俄朝-美日将举行2+2安全会谈讨论核威慑问题.html",
        "/2024/07/28/美日2+2安全磋商-加强驻日美军军事指挥权.html",
    ]


def test_post_dates_near_midnight_keep_their_day(archive: Posts) -> None:
    for name, (_, date) in archive.posts.items():
        if date in EDGE_DATES:
            path = post_url(name)
            assert path.startswith(date[:10].replace("-", "/").join("//")), (name, path)
            assert built_post(archive.result.site_dir, name).is_file()


def test_index_lists_newest_first_and_pages_cover_every_post(archive: Posts) -> None:
    site = archive.result.site_dir
    expected = archive.newest_first()
    first_page = post_links(site / "index.html")
    assert len(first_page) == PER_PAGE
    assert first_page[0] == (post_url(expected[0]), archive.posts[expected[0]][0])

    listed = list(first_page)
    page_count = -(-len(expected) // PER_PAGE)
    for number in range(2, page_count + 1):
        listed += post_links(site / f"page{number}" / "index.html")
    assert not (site / f"page{page_count + 1}").exists()
    # Every post once, newest first, its title (escaped by the layout) read back exactly.
    assert listed == [(post_url(name), archive.posts[name][0]) for name in expected]


def test_categories_page_lists_every_post_once(archive: Posts) -> None:
    links = post_links(archive.result.site_dir / "categories" / "index.html")
    assert sorted(href for href, _ in links) == sorted(post_url(name) for name in archive.posts)


@pytest.mark.parametrize("index", [0, 1])
def test_seed_body_is_in_its_page(archive: Posts, index: int) -> None:
    seed = archive.seeds[index]
    page = built_post(archive.result.site_dir, seed.file_name).read_text(encoding="utf-8")
    body = seed.text.split("\n<div>\n", 1)[1].rsplit("\n</div>\n", 1)[0]

    caption = body.split('<span class="lead_image_caption">', 1)[1].split("</span>", 1)[0]
    assert f'<span class="lead_image_caption">{caption}</span>' in page
    # kramdown re-serialises raw HTML (`<img …>` becomes `<img … />`): compare parsed.
    seed_images = images(body)
    assert seed_images and all(img["referrerpolicy"] == "no-referrer" for img in seed_images)
    page_images = images(page)
    for image in seed_images:
        assert image in page_images
    closing = body.rsplit("<p>", 1)[1]  # the 责编 (editors) line, as it was
    assert "责编" in closing and f"<p>{closing}" in page
    assert f'<h1 dir="auto">{seed.title}</h1>' in page


def test_url_dates_do_not_depend_on_the_machines_time_zone(tmp_path: Path) -> None:
    # Also a post dated two days ahead, as if the building machine's clock lagged the
    # archiving one: it is published all the same (`future: true`).
    ahead = datetime.now(UTC) + timedelta(days=2)
    dates = (*EDGE_DATES, ahead.strftime("%Y-%m-%dT%H:%M:%S.000Z"))
    posts = {}
    for n, date in enumerate(dates):
        title = f"边界时间 {n}"
        body = f"<p>{date}</p>"
        text = render_post(title=title, url="https://a.example/x", date=date, feed="F", body=body)
        posts[post_file_name(date, title)] = text
    for n, zone in enumerate((UTC_MINUS_11, UTC_PLUS_8)):
        result = build_site(posts, tmp_path / str(n), env={"TZ": zone})
        assert result.returncode == 0 and build_problems(result) == [], result.output_text
        for name in posts:
            assert built_post(result.site_dir, name).is_file(), (zone, name)


def test_state_and_temporary_files_are_not_published(tmp_path: Path) -> None:
    require_jekyll()
    template = tmp_path / "template"
    shutil.copytree(SITE_TEMPLATE, template, ignore=shutil.ignore_patterns("_posts", "_site"))
    (template / ".rssarchive").mkdir(exist_ok=True)
    for name in (
        ".rssarchive/state.sqlite3",
        ".rssarchive/state.sqlite3.lock",
        "state.sqlite3",
        "state.sqlite3-wal",
        "state.sqlite3-journal",
        "state.sqlite3.lock",
        "README.md",
        "config.yaml",
    ):
        (template / name).write_text("x\n", encoding="utf-8")
    seed = seed_posts()[0]
    posts = {seed.file_name: seed.text, ".0123456789abcdef.tmp": seed.text}
    result = build_site(posts, tmp_path / "build", template=template)
    assert result.returncode == 0 and build_problems(result) == [], result.output_text
    published = sorted(
        str(p.relative_to(result.site_dir)) for p in result.site_dir.rglob("*") if p.is_file()
    )
    assert published == sorted(
        [
            "index.html",
            "categories/index.html",
            "search/index.html",
            "assets/style.css",
            built_post(result.site_dir, seed.file_name).relative_to(result.site_dir).as_posix(),
        ]
    )


def test_an_empty_archive_builds(tmp_path: Path) -> None:
    result = build_site({}, tmp_path)
    assert result.returncode == 0 and build_problems(result) == [], result.output_text
    assert (result.site_dir / "index.html").is_file()


# Titles whose URL Jekyll mangles in surprising ways (".." becomes "/", a trailing "." is
# dropped only before the slug is made, symbols vanish): `post_url` must predict them all,
# since other tests rely on it to find posts.
ODD_TITLES = (
    "等等...真的吗",
    "a.？",
    "end.。",
    "..secret",
    "trailing...",
    "Dr. Who?",
    " lead space",
    "C++ & Q&A",
    "a/b/c",
    "'quoted' x~y 50% #1",
    "emoji 🚀 end",
    "ＡＢＣ１２３ ١٢٣ é café e\u0301",
    "x (1) [2] {3}",
)


def test_url_model_matches_jekyll_for_odd_titles(tmp_path: Path) -> None:
    posts = {}
    for day, title in enumerate(ODD_TITLES, start=1):
        date = f"2023-05-{day:02d}T12:00:00.000Z"
        text = render_post(title=title, url="https://a.example/", date=date, feed="F", body="x")
        posts[post_file_name(date, title)] = text
    result = build_site(posts, tmp_path)
    assert result.returncode == 0 and build_problems(result) == [], result.output_text
    built = set(result.site_dir.glob("2023/**/*.html"))
    assert built == {built_post(result.site_dir, name) for name in posts}
    assert post_url("2023-05-01-等等...真的吗.md") == "/2023/05/01/等等/.真的吗.html"
    assert post_url("2023-05-02-a.？.md") == "/2023/05/02/a/html"


def test_site_plugins_change_no_byte_of_the_built_site(archive: Posts, tmp_path: Path) -> None:
    """output/_plugins/ only makes the build faster: without it (as GitHub Pages builds,
    never loading _plugins/) every built file is the same, byte for byte."""
    assert archive.result.returncode == 0, archive.result.output_text
    template = tmp_path / "template"
    shutil.copytree(
        SITE_TEMPLATE,
        template,
        ignore=shutil.ignore_patterns("_plugins", "_posts", "_site", ".jekyll-cache"),
    )
    posts_dir = archive.result.source_dir / "_posts"
    posts = {p.name: p.read_bytes() for p in posts_dir.iterdir()}
    plain = build_site(posts, tmp_path, env={"TZ": UTC_PLUS_14}, template=template)
    assert plain.returncode == 0, plain.output_text

    def files(site: Path) -> dict[str, bytes]:
        return {str(p.relative_to(site)): p.read_bytes() for p in site.rglob("*") if p.is_file()}

    with_plugins, without = files(archive.result.site_dir), files(plain.site_dir)
    assert sorted(with_plugins) == sorted(without)
    differing = [name for name in with_plugins if with_plugins[name] != without[name]]
    assert differing == []


def test_incremental_rebuild_after_new_posts_equals_a_full_build(tmp_path: Path) -> None:
    """The hourly rebuild (docs/github-actions.yml): `jekyll build --incremental` with the
    previous run's _site, .jekyll-metadata and .jekyll-cache kept. Jekyll skips the posts
    it built before; the listing pages (`regenerate: true`) must still list the new ones,
    so the result is exactly a full build's."""
    jekyll = require_jekyll()
    seeds = seed_posts()
    posts = {name: text for name, (text, _, _) in generated_posts(PER_PAGE + 10, seeds).items()}
    names = sorted(posts)
    first, later = names[:-4], names[-4:]
    source = tmp_path / "source"
    shutil.copytree(SITE_TEMPLATE, source, ignore=shutil.ignore_patterns("_posts", "_site"))
    (source / "_posts").mkdir()
    env = {**os.environ, "LC_ALL": "C.UTF-8", "JEKYLL_ENV": "production"}

    def build(names: list[str], *options: str) -> None:
        for name in names:
            (source / "_posts" / name).write_text(posts[name], encoding="utf-8")
        subprocess.run([jekyll, "build", *options], cwd=source, env=env, check=True)

    build(first, "--incremental")
    build(later, "--incremental")
    build([], "--destination", str(tmp_path / "full"), "--disable-disk-cache")

    def files(site: Path) -> dict[str, bytes]:
        return {str(p.relative_to(site)): p.read_bytes() for p in site.rglob("*") if p.is_file()}

    incremental, full = files(source / "_site"), files(tmp_path / "full")
    assert sorted(incremental) == sorted(full)
    assert [name for name in full if incremental[name] != full[name]] == []


def test_lang_picks_the_labels_and_config_overrides_them(tmp_path: Path) -> None:
    """`lang: en` gives the English words of _data/labels.yml; `labels:` in _config.yml
    replaces any single word; the default template is Chinese."""
    template = tmp_path / "template"
    shutil.copytree(SITE_TEMPLATE, template, ignore=shutil.ignore_patterns("_posts", "_site"))
    config = template / "_config.yml"
    text = config.read_text(encoding="utf-8")
    assert "\nlang: zh-CN\n" in text
    config.write_text(
        text.replace("\nlang: zh-CN\n", "\nlang: en-GB\nlabels:\n  source: Read the original\n"),
        encoding="utf-8",
    )
    seed = seed_posts()[0]
    result = build_site({seed.file_name: seed.text}, tmp_path, template=template)
    assert result.returncode == 0, result.output_text
    home = (result.site_dir / "index.html").read_text(encoding="utf-8")
    post = built_post(result.site_dir, seed.file_name).read_text(encoding="utf-8")
    search = (result.site_dir / "search" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en-GB">' in home
    for page in (home, post, search):
        assert ">Latest</a>" in page and ">Categories</a>" in page and ">Search</a>" in page
        assert "最新" not in page and "分类" not in page
    assert ">Read the original</a>" in post
    assert "<title>Search · News archive</title>" in search
    assert "search index has not been built" in search


def test_the_default_site_is_chinese(archive: Posts) -> None:
    home = (archive.result.site_dir / "index.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in home
    assert ">最新</a>" in home and ">分类</a>" in home and ">搜索</a>" in home


def test_categories_differing_in_case_or_spaces_get_their_own_anchors(tmp_path: Path) -> None:
    """Jekyll keeps "BBC News" and "bbc  news" apart, but both slugify to bbc-news: each
    section must still have an id of its own, and each index link lead to its section."""
    posts = {}
    for index, feed in enumerate(("BBC News", "bbc  news", "BBC News", "Radio")):
        date = f"2024-08-0{index + 1}T09:00:00.000Z"
        title = f"Story {index}"
        posts[post_file_name(date, title)] = render_post(
            title=title,
            url=f"https://news.example/{index}.html",
            date=date,
            feed=f'"{feed}"',
            body=f"<p>Story {index}</p>",
        )
    result = build_site(posts, tmp_path)
    assert result.returncode == 0, result.output_text
    page = (result.site_dir / "categories" / "index.html").read_text(encoding="utf-8")
    ids = re.findall(r'<section class="category" id="([^"]*)">', page)
    links = re.findall(r'<li><a href="#([^"]*)">', page)
    assert len(ids) == 3 and len(set(ids)) == 3, ids
    assert links == ids
    assert "BBC_News" in ids and "bbc__news" in ids and "Radio" in ids
