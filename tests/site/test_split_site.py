"""The archive built as one site per year (scripts/build_split.py, `make site SPLIT=year`).

Two dozen posts over three years (two of them on either side of a new year's midnight,
two the seeds) are built both as the single site and split; the split must publish every
post at the single site's URL with the same page but for the links that lead to the
year's own pages, give each year its index and categories under /<year>/, link every
year from a front page, and rebuild only the year whose posts changed, also after a
fresh checkout (new modification times, no copies of the posts kept). Re-checks have
recorded an edit in 2022 and a deletion in 2024 (rssarchive's own Versions.publish
writes _data/changes.json and the pages), so that the notices are compared too; a later
edit in 2023 must rebuild that year alone, and in it that post's page alone.
Without `jekyll` on PATH these tests skip, or fail when the CI variable is set.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from jekyll.build import (
    SITE_TEMPLATE,
    build_site,
    built_post,
    post_file_name,
    render_post,
    require_jekyll,
    seed_posts,
)

from rssarchive.core.models import Config
from rssarchive.publish.versions import Versions
from rssarchive.store.state import RecheckRow

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "build_split.py"
YEARS = ("2022", "2023", "2024")
TITLES = ("Dr. Who?", "a/b 50% C++", "等等...真的吗", "美日2+2安全会谈", "(analysis) Q&A", "#1 é")


def _posts() -> dict[str, str]:
    posts = {seed.file_name: seed.text for seed in seed_posts()}  # both in July 2024
    dates = ["2022-12-31T23:59:59.999Z", "2023-01-01T00:00:00.000Z"]
    dates += [
        f"{year}-{month:02d}-1{month % 10}T0{month % 9}:30:00.000Z"
        for year in YEARS
        for month in range(1, 13, 2)
    ]
    for index, date in enumerate(dates):
        title = f"{TITLES[index % len(TITLES)]} {index}"
        feed = ("BBC News", "自由亚洲电台")[index % 2]
        posts[post_file_name(date, title)] = render_post(
            title=title,
            url=f"https://news.example/{index}.html",
            date=date,
            feed=feed,
            body=f"<p>Story {index}: 新闻内容</p>",
        )
    return posts


def _split(site: Path, *options: str) -> list[str]:
    """Runs the script; the years it rebuilt."""
    require_jekyll()
    env = {**os.environ, "JEKYLL_ENV": "production"}
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--site", str(site), "--no-search", *options],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return re.findall(r"^build_split: building (\d{4})", result.stdout, re.MULTILINE)


def _write(site: Path, posts: dict[str, str]) -> None:
    for name, text in posts.items():
        (site / "_posts" / name).write_text(text, encoding="utf-8")


def _change(site: Path, name: str, status: str, when: datetime) -> RecheckRow:
    """A re-check's finding about the post `name`, as the state records it; an edit
    keeps the text as archived and the edited one, as the rechecker does."""
    archived = when - timedelta(days=1)
    if status == "edited":
        versions = Versions(site)
        text = versions.post_text(name) or ""
        versions.keep(name, archived, text)
        versions.keep(name, when, text + "\n更正：新的一段。")
    return RecheckRow(
        article_id=len(name),
        url=f"https://news.example/{name}",
        feed="BBC News",
        filename=name,
        archived=archived,
        status=status,
        edited_at=when if status == "edited" else None,
        deleted_at=when if status == "deleted" else None,
    )


def _publish(site: Path, rows: list[RecheckRow]) -> None:
    """What a run's re-checks write into the site: _data/changes.json, versions/,
    deleted/ and changes.xml."""
    config = Config(site_dir=site, state_path=site / ".rssarchive" / "state.sqlite3", feeds=())
    assert Versions(site).publish(rows, config) == []


@dataclass
class Built:
    single: Path  # the single site, built
    split: Path  # the site directory built split (its _site)
    posts: dict[str, str]
    changes: list[RecheckRow] = field(default_factory=list)


def _first(posts: dict[str, str], year: str) -> str:
    return min(name for name in posts if name.startswith(year))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    posts = _posts()
    site = tmp_path_factory.mktemp("split") / "output"
    shutil.copytree(SITE_TEMPLATE, site, ignore=shutil.ignore_patterns("_posts", "_site", ".*"))
    (site / "_posts").mkdir()
    _write(site, posts)
    moment = datetime(2025, 1, 5, 8, 30, tzinfo=UTC)
    changes = [
        _change(site, _first(posts, "2022"), "edited", moment),
        _change(site, max(n for n in posts if n.startswith("2024")), "deleted", moment),
    ]
    _publish(site, changes)
    # The single site from the same directory: its posts, its changes and their pages.
    single = build_site(posts, tmp_path_factory.mktemp("single"), template=site)
    assert single.returncode == 0, single.output_text
    assert _split(site) == list(YEARS)
    yield Built(single.site_dir, site, posts, changes)


def _assert_post_pages_match(single_site: Path, split_site: Path, names: list[str]) -> None:
    for name in names:
        single = built_post(single_site, name)
        split = built_post(split_site, name)
        year = name[:4]
        expected = (
            single.read_text(encoding="utf-8")
            .replace('<a href="/">最新</a>', f'<a href="/{year}/">{year}</a>')
            .replace('href="/categories/', f'href="/{year}/categories/')
        )
        assert split.read_text(encoding="utf-8") == expected, name


def _pages(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*.html")}


def test_every_post_page_is_the_single_sites_but_for_the_years_links(built: Built) -> None:
    """The same URL and the same bytes, except three links: the menu's first (the year's
    index, named by its year, instead of the newest posts), the menu's categories and the
    post's category links (the year's categories page). The notices of the edited and
    the deleted post are among them, and link the versions pages at the root."""
    _assert_post_pages_match(built.single, built.split / "_site", list(built.posts))
    for row, notice in zip(
        built.changes, ("post-change-edited", "post-change-deleted"), strict=True
    ):
        page = built_post(built.split / "_site", row.filename).read_text(encoding="utf-8")
        (link,) = re.findall(r'href="(/versions/[^"]+)"', page)
        assert notice in page and (built.split / "_site" / link.lstrip("/")).is_file()
    noticed = [
        name
        for name in built.posts
        if "post-change" in built_post(built.split / "_site", name).read_text(encoding="utf-8")
    ]
    assert sorted(noticed) == sorted(row.filename for row in built.changes)
    for page in ("deleted/index.html", "changes.xml"):
        assert (built.split / "_site" / page).is_file()
    # The kept texts are no site's: neither copied nor published.
    assert not list((built.split / ".split").glob("*/_versions"))
    assert not (built.split / "_site" / "_versions").exists()
    single_posts = {p for p in _pages(built.single) if re.match(r"\d{4}/\d\d/", p)}
    split_posts = {p for p in _pages(built.split / "_site") if re.match(r"\d{4}/\d\d/", p)}
    assert split_posts == single_posts


def test_each_year_lists_its_own_posts(built: Built) -> None:
    for year in YEARS:
        index = (built.split / "_site" / year / "index.html").read_text(encoding="utf-8")
        categories = (built.split / "_site" / year / "categories" / "index.html").read_text(
            encoding="utf-8"
        )
        listed = re.findall(r'<li><time[^>]*>[^<]*</time> <a href="([^"]+)"', index)
        in_categories = re.findall(r'<li><time[^>]*>[^<]*</time> <a href="([^"]+)"', categories)
        expected = sum(1 for name in built.posts if name.startswith(year))
        assert len(listed) == expected and sorted(in_categories) == sorted(listed)
        assert all(link.startswith(f"/{year}/") for link in listed), listed


def test_front_page_links_every_year_and_the_newest_posts(built: Built) -> None:
    front = (built.split / "_site" / "index.html").read_text(encoding="utf-8")
    for year in YEARS:
        count = sum(1 for name in built.posts if name.startswith(year))
        assert f'<a href="/{year}/">{year}</a> ({count})' in front
    # The newest posts (all of them here, fewer than 50) as the single site's index
    # lists them, item for item.
    lists = [
        re.search(r'<ul class="post-list">.*?</ul>', page, re.DOTALL)
        for page in (front, (built.single / "index.html").read_text(encoding="utf-8"))
    ]
    assert lists[0] and lists[1] and lists[0][0] == lists[1][0]
    assert lists[0][0].count("<li>") == len(built.posts)
    assert (built.split / "_site" / "search" / "index.html").is_file()
    assert (built.split / "_site" / "assets" / "style.css").is_file()
    search = (built.split / "_site" / "search" / "index.html").read_text(encoding="utf-8")
    assert 'bundlePath: "/2022/pagefind/"' in search and '"/2024/pagefind/"' in search


def test_an_hourly_run_rebuilds_only_the_year_that_changed(built: Built) -> None:
    output = built.split / "_site"
    old_year = built_post(output, min(n for n in built.posts if n.startswith("2022")))
    this_year = built_post(output, min(n for n in built.posts if n.startswith("2024")))
    before = {path: path.stat().st_mtime_ns for path in (old_year, this_year)}
    assert _split(built.split) == []
    # A fresh checkout: every post's mtime new, no copies of the posts kept.
    for path in (built.split / "_posts").iterdir():
        os.utime(path, ns=(path.stat().st_mtime_ns + 10**9,) * 2)
    for copies in (built.split / ".split").glob("*/_posts"):
        shutil.rmtree(copies)
    assert _split(built.split) == []
    date = "2024-12-30T10:00:00.000Z"
    new = {
        post_file_name(date, "New post"): render_post(
            title="New post",
            url="https://news.example/new.html",
            date=date,
            feed="BBC News",
            body="<p>New</p>",
        )
    }
    _write(built.split, new)
    assert _split(built.split) == ["2024"]
    assert built_post(output, next(iter(new))).is_file()
    assert 'href="/2024/12/30/New-post.html"' in (output / "2024" / "index.html").read_text()
    assert "New-post.html" in (output / "index.html").read_text(encoding="utf-8")
    # Neither the other years' pages nor this year's older posts were written again.
    assert {path: path.stat().st_mtime_ns for path in before} == before
    copies = sorted((built.split / ".split" / "2024" / "_posts").glob("2024-0*"))
    written = [path.stat().st_ctime_ns for path in copies]
    (built.split / "_posts" / next(iter(new))).unlink()
    assert _split(built.split) == ["2024"]
    # The copies of the year's other posts, already there, were not written again.
    assert copies and [path.stat().st_ctime_ns for path in copies] == written
    assert not built_post(output, next(iter(new))).exists()


def test_recording_an_edit_rebuilds_only_its_year_and_in_it_only_its_post(built: Built) -> None:
    """A run's re-checks find an edit of a 2023 post: _data/changes.json, the versions
    pages and the feed change, and the hourly build rebuilds 2023 (with only that post's
    page written again) and the front page; the pages are still the single site's."""
    output = built.split / "_site"
    edited = _first(built.posts, "2023")
    others = {
        path: path.stat().st_mtime_ns
        for path in (built_post(output, name) for name in built.posts)
        if path != built_post(output, edited)
    }
    moment = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
    _publish(built.split, [*built.changes, _change(built.split, edited, "edited", moment)])
    assert _split(built.split) == ["2023"]
    page = built_post(output, edited).read_text(encoding="utf-8")
    assert "post-change-edited" in page and "2025-01-06 09:00 UTC" in page
    (link,) = re.findall(r'href="(/versions/[^"]+)"', page)
    assert (output / link.lstrip("/")).is_file()  # published with the front page
    feed = (output / "changes.xml").read_text(encoding="utf-8")
    assert feed == (built.split / "changes.xml").read_text(encoding="utf-8")
    assert feed.count('term="edited"') == 2
    # No other post's page was written again, not even in 2023.
    assert {path: path.stat().st_mtime_ns for path in others} == others
    posts = {p.name: p.read_text(encoding="utf-8") for p in (built.split / "_posts").iterdir()}
    single = build_site(posts, built.split.parent / "single-after-edit", template=built.split)
    assert single.returncode == 0, single.output_text
    _assert_post_pages_match(single.site_dir, output, sorted(posts))
    assert _split(built.split) == []


def test_a_post_dated_in_another_year_than_its_name_keeps_its_url_and_unpublished_is_left_out(
    tmp_path: Path,
) -> None:
    """Jekyll makes a post's URL from its `date:` in the site's zone, not from its file
    name: a hand-written post named 2024-01-01 but dated 02:00 +0800 (2023-12-31 UTC) is
    at /2023/12/31/ in the single site, so it belongs to 2023's site, and the front page
    links it there. A post with `published: false` is not built by Jekyll: the front page
    neither lists nor counts it."""
    new_year = "2024-01-01-New-year.md"
    hidden = "2024-03-01-Draft.md"
    posts = {
        new_year: render_post(
            title="New year",
            url="https://news.example/new-year.html",
            date="2024-01-01 02:00:00 +0800",
            feed="BBC News",
            body="<p>新年快乐。</p>",
        ),
        hidden: render_post(
            title="Draft",
            url="https://news.example/draft.html",
            date="2024-03-01T10:00:00.000Z",
            feed="BBC News",
            body="<p>Not yet.</p>",
        ).replace("layout: post\n", "layout: post\npublished: false\n"),
        "2024-02-01-Plain.md": render_post(
            title="Plain",
            url="https://news.example/plain.html",
            date="2024-02-01T10:00:00.000Z",
            feed="BBC News",
            body="<p>Plain.</p>",
        ),
    }
    single = build_site(posts, tmp_path / "single")
    assert single.returncode == 0, single.output_text
    site = tmp_path / "output"
    shutil.copytree(SITE_TEMPLATE, site, ignore=shutil.ignore_patterns("_posts", "_site", ".*"))
    (site / "_posts").mkdir()
    _write(site, posts)
    assert _split(site) == ["2023", "2024"]
    output = site / "_site"
    in_single = {p for p in _pages(single.site_dir) if re.match(r"\d{4}/\d\d/", p)}
    in_split = {p for p in _pages(output) if re.match(r"\d{4}/\d\d/", p)}
    assert "2023/12/31/New-year.html" in in_single
    assert in_split == in_single
    front = (output / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'<li><time[^>]*>[^<]*</time> <a href="([^"]+)"', front)
    assert sorted(links) == ["/2023/12/31/New-year.html", "/2024/02/01/Plain.html"]
    assert all((output / link.lstrip("/")).is_file() for link in links)
    assert '<a href="/2023/">2023</a> (1)' in front and '<a href="/2024/">2024</a> (1)' in front
    assert '<time datetime="2023-12-31T18:00:00+00:00">2023-12-31</time>' in front


def test_an_archive_without_posts_links_no_year(tmp_path: Path) -> None:
    """Before the first run there is no year: the front page and the search page link
    only pages that exist (no /<this year>/ nor its categories, which would be 404s)."""
    site = tmp_path / "output"
    shutil.copytree(SITE_TEMPLATE, site, ignore=shutil.ignore_patterns("_posts", "_site", ".*"))
    assert _split(site) == []
    output = site / "_site"
    for page in ("index.html", "search/index.html"):
        text = (output / page).read_text(encoding="utf-8")
        links = set(re.findall(r'(?:href|src)="(/[^"]*)"', text))
        assert "/search/" in links
        missing = [
            link
            for link in links
            if not (output / link.lstrip("/")).is_file()
            and not (output / link.lstrip("/") / "index.html").is_file()
            and "/pagefind" not in link  # no index without posts: the page says so
        ]
        assert missing == [], (page, missing)


def _hand_post(title: str, date: str, extra: str = "") -> str:
    """A post as a person writes one: front matter and a line of text."""
    return (
        f'---\nlayout: post\ntitle: "{title}"\ndate: {date}\n{extra}categories: [ Hand ]\n---\n'
        f"<p>{title}</p>\n"
    )


# One case per kind of post Jekyll publishes that rssarchive never writes: file names by
# Jekyll's rule (one-digit month and day, extensions converted or copied, a subfolder),
# a category folder's posts, a post with its own permalink under its year and month.
HAND_POSTS = {
    "_posts/2024-1-5-Short date.md": _hand_post("Short date", "2024-01-05T10:00:00Z"),
    "_posts/2024-01-06-Mkdn ext.mkdn": _hand_post("Mkdn ext", "2024-01-06T10:00:00Z"),
    "_posts/2024-01-07-Markdown ext.markdown": _hand_post("Markdown", "2024-01-07T10:00:00Z"),
    "_posts/2024-01-08-Htm ext.htm": _hand_post("Htm ext", "2024-01-08T10:00:00Z"),
    "_posts/2024-01-09-Text.txt": _hand_post("Text", "2024-01-09T10:00:00Z"),
    "_posts/2023/2023-05-05-In a subfolder.md": _hand_post("Sub", "2023-05-05T10:00:00Z"),
    "news/_posts/2023-06-06-In a category folder.md": _hand_post(
        "Category folder", "2023-06-06T10:00:00Z"
    ),
    "_posts/2024-04-04-Own permalink.md": _hand_post(
        "Own permalink", "2024-04-04T10:00:00Z", "permalink: /2024/04/special/own.html\n"
    ),
    "_posts/2024-02-02-Plain.md": _hand_post("Plain", "2024-02-02T10:00:00Z"),
    # Not posts for Jekyll: no date in the name, a backup file, a name the site's
    # `exclude:` matches (*.lock).
    "_posts/Undated.md": _hand_post("Undated", "2024-03-03T10:00:00Z"),
    "_posts/2024-03-04-Backup.md~": _hand_post("Backup", "2024-03-04T10:00:00Z"),
    "_posts/2024-03-05-Locked.lock": _hand_post("Locked", "2024-03-05T10:00:00Z"),
}


def _hand_site(root: Path, posts: dict[str, str]) -> Path:
    site = root / "output"
    shutil.copytree(SITE_TEMPLATE, site, ignore=shutil.ignore_patterns("_posts", "_site", ".*"))
    for name, text in posts.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(text, encoding="utf-8")
    return site


def _single(site: Path, destination: Path) -> Path:
    """`jekyll build` of the site as it is (its posts in every folder)."""
    jekyll = require_jekyll()
    env = {**os.environ, "JEKYLL_ENV": "production", "LC_ALL": "C.UTF-8"}
    result = subprocess.run(
        [jekyll, "build", "--source", str(site), "--destination", str(destination)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return destination


def _post_links(page: Path) -> list[str]:
    return re.findall(
        r'<li><time[^>]*>[^<]*</time> <a href="([^"]+)"', page.read_text(encoding="utf-8")
    )


def test_hand_written_posts_are_published_where_the_single_site_publishes_them(
    tmp_path: Path,
) -> None:
    """Jekyll decides what a post is and where it goes; the split publishes exactly the
    single site's posts at the same URLs, lists each in its year's index and categories,
    and its front page links each where it is."""
    site = _hand_site(tmp_path, HAND_POSTS)
    single = _single(site, tmp_path / "single")
    assert _split(site) == ["2023", "2024"]
    output = site / "_site"
    single_links = _post_links(single / "index.html")
    assert len(single_links) == 9  # every post but the two Jekyll does not read
    front_links = _post_links(output / "index.html")
    assert sorted(front_links) == sorted(single_links)
    # Item for item as the single site lists them: title, date, link, categories.
    lists = [
        re.search(r'<ul class="post-list">.*?</ul>', page.read_text(encoding="utf-8"), re.DOTALL)
        for page in (output / "index.html", single / "index.html")
    ]
    assert lists[0] and lists[1] and lists[0][0] == lists[1][0]
    assert all((output / link.lstrip("/")).is_file() for link in front_links), front_links
    # Every page the single site has under a year is the split's, and no other.
    in_single = {p for p in _pages(single) if re.match(r"\d{4}/\d\d/", p)}
    in_split = {
        p for p in _pages(output) if re.match(r"\d{4}/\d\d/", p) and "/categories/" not in p
    }
    in_single |= {str(p.relative_to(single)) for p in single.rglob("*.htm")}
    in_split |= {str(p.relative_to(output)) for p in output.rglob("*.htm")}
    in_single |= {str(p.relative_to(single)) for p in single.rglob("*.txt")}
    in_split |= {str(p.relative_to(output)) for p in output.rglob("*.txt")}
    assert in_split == in_single
    for year, count in (("2023", 2), ("2024", 7)):
        listed = _post_links(output / year / "index.html")
        assert len(listed) == count and all(link.startswith(f"/{year}/") for link in listed)
        # (listed once per category: the category folder's post has two)
        assert set(_post_links(output / year / "categories" / "index.html")) == set(listed)
    # A category folder's post is its year's, not a page of the front site.
    assert not (output / "news").exists()


def test_a_post_no_year_can_publish_stops_the_build_naming_it(tmp_path: Path) -> None:
    """A permalink outside /<year>/<month>/ is at no year's site: one line, no build."""
    posts = {
        "_posts/2024-04-04-Own permalink.md": _hand_post(
            "Own permalink", "2024-04-04T10:00:00Z", "permalink: /special/own.html\n"
        ),
        "_posts/2024-04-05-Plain.md": _hand_post("Plain", "2024-04-05T10:00:00Z"),
    }
    site = _hand_site(tmp_path, posts)
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--site", str(site), "--no-search"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert "_posts/2024-04-04-Own permalink.md" in line and "/special/own.html" in line
    assert not (site / "_site" / "index.html").exists()
