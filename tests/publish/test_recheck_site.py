"""The pieces the site is made of: text of a post, versions kept as files, diffs
(character by character for Chinese, word by word otherwise), the pages through the
sanitiser and the Liquid guard; and the runner's budget, against a real local server."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from rssarchive.core.htmltext import html_to_text
from rssarchive.core.models import Config, Entry, FeedConfig, NetworkConfig
from rssarchive.net.http import HttpClient
from rssarchive.publish.sitepages import TOKEN_DIFF_BUDGET, diff_html
from rssarchive.publish.versions import Versions
from rssarchive.run.rechecker import Rechecker
from rssarchive.store.state import State

T0 = datetime(2024, 7, 24, tzinfo=UTC)


def test_diff_is_by_character_in_chinese_and_by_word_otherwise() -> None:
    assert diff_html("美国和日本会谈", "美国与日本会谈") == "美国<del>和</del><ins>与</ins>日本会谈"
    assert diff_html("three people were killed", "four people were killed") == (
        "<del>three</del><ins>four</ins> people were killed"
    )
    assert diff_html("a <b>", "a <b> c") == "a &lt;b&gt;<ins> c</ins>"
    assert diff_html("x\ny", "x\ny") == "x<br>\ny"


def test_a_diff_marks_no_serving_time_nor_typesetting_beside_an_edit() -> None:
    # Review 19e, L1: what the comparison masks (a serving time to the second, spacing
    # and punctuation width) is shown unchanged; the edit beside it is marked.
    old = "By Jane Doe | 2026-12-07 02:47:22\n美国 ， 日本\nThree people were killed."
    new = "By Jane Doe | 2026-12-07 09:05:41\n美国，日本\nFour people were killed."
    assert diff_html(old, new) == (
        "By Jane Doe | 2026-12-07 09:05:41<br>\n美国，日本<br>\n"
        "<del>Three</del><ins>Four</ins> people were killed."
    )
    # One script only: a character corrected is marked (no folding to simplified).
    assert diff_html("鐘姓男子", "鍾姓男子") == "<del>鐘</del><ins>鍾</ins>姓男子"


def _words(seed: int, count: int) -> str:
    """``count`` distinct words (no two texts of different seeds share one)."""
    return " ".join(f"w{seed}x{n}" for n in range(count))


def test_a_rewrite_too_big_to_diff_by_token_is_shown_by_paragraph() -> None:
    # A rewritten article whose replaced block has more tokens than the budget allows
    # (each word and each space a token): diffed token by token, difflib's search took
    # minutes for a 600-paragraph article (the property test's long profile stopped a
    # run for it). Over the budget, paragraphs are paired when their counts agree ...
    per_paragraph = 200  # words: 399 tokens, a pair of paragraphs under the budget
    paragraphs = 4
    assert (per_paragraph * 2) ** 2 < TOKEN_DIFF_BUDGET < (paragraphs * per_paragraph * 2) ** 2
    old = [_words(p, per_paragraph) for p in range(paragraphs)]
    new = [_words(100 + p, per_paragraph) for p in range(paragraphs)]
    new[1] = old[1].replace("w1x5 ", "w1x5 inserted ")
    lines = diff_html("\n".join(old), "\n".join(new)).split("<br>\n")
    assert lines[1] == old[1].replace("w1x5 ", "w1x5<ins> inserted</ins> ")
    assert [re.sub(r"<del>.*?</del>|</?ins>", "", line) for line in lines] == new
    assert [re.sub(r"<ins>.*?</ins>|</?del>", "", line) for line in lines] == old
    # ... else the old paragraphs are shown removed and the new ones added.
    more = [*new, _words(999, 3)]
    assert diff_html("\n".join(old), "\n".join(more)).split("<br>\n") == [
        *(f"<del>{line}</del>" for line in old),
        *(f"<ins>{line}</ins>" for line in more),
    ]


def test_html_to_text_one_block_a_line() -> None:
    html = "<p>第一段  文字</p><p>Second <b>para</b>\n graph</p><ul><li>a</li><li>b</li></ul>"
    assert html_to_text(html) == "第一段 文字\nSecond para graph\na\nb"
    assert html_to_text("") == ""


def test_versions_are_files_beside_the_posts(tmp_path: Path) -> None:
    posts = tmp_path / "_posts"
    posts.mkdir()
    name = "2024-07-24-标题.md"
    (posts / name).write_text(
        "---\nlayout: post\ntitle: t\n---\n<!--NaN-->\n[t](https://n.example/a)\n------\n\n"
        "<div>\n<p>原文第一段。</p><p>第二段。</p>\n</div>\n",
        encoding="utf-8",
    )
    versions = Versions(tmp_path)
    assert versions.post_text(name) == "原文第一段。\n第二段。"
    assert not versions.has_versions(name)
    versions.keep(name, T0, "原文第一段。\n第二段。")
    versions.keep(name, T0 + timedelta(hours=1), "原文第一段，已更正。\n第二段。")
    assert versions.has_versions(name)
    kept = sorted(p.name for p in (tmp_path / "_versions" / "2024-07-24-标题").iterdir())
    assert kept == ["2024-07-24T000000Z.txt", "2024-07-24T010000Z.txt"]
    assert [when for when, _ in versions.list(name)] == [T0, T0 + timedelta(hours=1)]


def test_a_posts_own_date_is_read_in_utc(tmp_path: Path) -> None:
    # The state compares stored times as text: a date kept at +08:00 would be hours off.
    posts = tmp_path / "_posts"
    posts.mkdir()
    for name, date in [
        ("2024-07-24-a.md", "2024-07-24 09:45:53 +0800"),  # as Jekyll writes it
        ("2024-07-24-b.md", "2024-07-24T01:45:53.000Z"),  # as rssarchive writes it
        ("2024-07-24-c.md", "2024-07-24 01:45:53"),  # no zone: UTC
    ]:
        (posts / name).write_text(f"---\ntitle: t\ndate: {date}\n---\nx\n", encoding="utf-8")
        dated = Versions(tmp_path).post_date(name)
        assert dated == datetime(2024, 7, 24, 1, 45, 53, tzinfo=UTC), name
        assert dated is not None and dated.isoformat().endswith("+00:00"), name


def test_pages_pass_the_sanitiser_and_the_liquid_guard(tmp_path: Path) -> None:
    from rssarchive.store.state import RecheckRow

    name = "2024-07-24-x.md"
    versions = Versions(tmp_path)
    versions.keep(name, T0, "{{ site.title }} <script>alert(1)</script>")
    versions.keep(name, T0 + timedelta(hours=1), "{% include x %} <img src=x onerror=alert(1)>")
    row = RecheckRow(
        article_id=1,
        url="https://n.example/a",
        feed="F",
        filename=name,
        archived=T0,
        status="edited",
        edited_at=T0 + timedelta(hours=1),
    )
    config = Config(site_dir=tmp_path, state_path=tmp_path / "s", feeds=())
    versions.publish([row], config)
    (page,) = (tmp_path / "versions").iterdir()
    text = page.read_text(encoding="utf-8")
    body = text.split("---\n", 2)[2]
    assert "{{" not in body and "{%" not in body
    # The texts are text: their markup is escaped, never a tag.
    assert "<script" not in body and "<img" not in body and "img src=x onerror" in body
    assert "<del>" in body and "<ins>" in body


def _page(text: str) -> str:
    return f"<html><body><article><p>{text}</p><p>{text}</p></article></body></html>"


def test_budget_most_overdue_first_and_count(tmp_path: Path, httpserver: HTTPServer) -> None:
    state = State.open(tmp_path / "state.sqlite3")
    feed = FeedConfig(name="F", url=httpserver.url_for("/f"), recheck=(timedelta(hours=1),))
    config = Config(
        site_dir=tmp_path / "site",
        state_path=tmp_path / "state.sqlite3",
        feeds=(feed,),
        network=NetworkConfig(allow_private_addresses=True, per_host_delay=0),
        recheck_articles=2,
    )
    seen: list[str] = []
    for n in range(4):
        url = httpserver.url_for(f"/a/{n}")
        ident = state.begin(
            url_key=url, guid_key=None, feed="F", entry=Entry(title="t", link=url), now=T0
        )
        state.finish(ident, f"2024-07-24-{n}.md", T0)
        # Archived an hour apart: article 0 is the most overdue.
        archived = T0 + timedelta(hours=n)
        state.schedule_recheck(ident, archived, archived + timedelta(hours=1), from_page=False)
        httpserver.expect_request(f"/a/{n}").respond_with_handler(_handler(n, seen))
    with HttpClient(config.network) as client:
        report = Rechecker(config, client, state, lambda: T0 + timedelta(days=1)).run()
    assert report.checked == 2 and sorted(seen) == ["0", "1"]
    assert report.still_due == 2
    zero = Config(**{**config.__dict__, "recheck_seconds": 0.0})
    with HttpClient(config.network) as client:
        assert Rechecker(zero, client, state, lambda: T0 + timedelta(days=1)).run().checked == 0
    state.close()


def _handler(n: int, seen: list[str]) -> Callable[[Request], Response]:
    def answer(request: Request) -> Response:
        seen.append(str(n))
        text = f"第{n}篇文章的正文，足够长的一段文字，用来提取。"
        return Response(_page(text), content_type="text/html")

    return answer


def test_feed_text_article_first_page_is_the_reference(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    # Archived from its feed's text: the first page seen is what later checks compare
    # with, not the post (whose text is the feed's, not the page's).
    state = State.open(tmp_path / "state.sqlite3")
    feed = FeedConfig(
        name="F", url=httpserver.url_for("/f"), recheck=(timedelta(hours=1), timedelta(hours=6))
    )
    config = Config(
        site_dir=tmp_path / "site",
        state_path=tmp_path / "state.sqlite3",
        feeds=(feed,),
        network=NetworkConfig(allow_private_addresses=True, per_host_delay=0),
    )
    url = httpserver.url_for("/a")
    ident = state.begin(
        url_key=url, guid_key=None, feed="F", entry=Entry(title="t", link=url), now=T0
    )
    state.finish(ident, "2024-07-24-a.md", T0)
    state.schedule_recheck(ident, T0, T0 + timedelta(hours=1), from_page=False)
    text = "页面上的全文，与订阅源的摘要不同，足够长的一段文字，用来提取和比较。"
    pages = [text, text.replace("不同", "完全不同")]
    httpserver.expect_request("/a").respond_with_handler(
        lambda request: Response(_page(pages[0]), content_type="text/html")
    )
    with HttpClient(config.network) as client:
        first = Rechecker(config, client, state, lambda: T0 + timedelta(hours=1)).run()
        assert (first.checked, first.edited, first.changes) == (1, 0, [])
        # Kept as first seen, dated then, not at the archiving (T0).
        folder = tmp_path / "site" / "_versions" / "2024-07-24-a"
        assert [p.name for p in folder.iterdir()] == ["2024-07-24T010000Z.txt"]
        pages.pop(0)
        second = Rechecker(config, client, state, lambda: T0 + timedelta(hours=6)).run()
    assert second.edited == 1
    kept = sorted((tmp_path / "site" / "_versions" / "2024-07-24-a").iterdir())
    assert [p.name for p in kept] == ["2024-07-24T010000Z.txt", "2024-07-24T060000Z.txt"]
    assert [p.read_text(encoding="utf-8") for p in kept] == [
        f"{text}\n{text}\n",  # the first page seen
        f"{pages[0]}\n{pages[0]}\n",
    ]
    state.close()


def test_pages_take_the_sites_words(tmp_path: Path) -> None:
    from rssarchive.publish.sitepages import LABELS, site_labels

    assert site_labels(tmp_path) == LABELS  # no _config.yml: the defaults
    (tmp_path / "_data").mkdir()
    (tmp_path / "_data" / "labels.yml").write_text(
        "en:\n  deleted: Deleted\n  edited: Edited\nzh:\n  deleted: 删\n", encoding="utf-8"
    )
    (tmp_path / "_config.yml").write_text("lang: en-GB\n", encoding="utf-8")
    assert (site_labels(tmp_path)["deleted"], site_labels(tmp_path)["edited"]) == (
        "Deleted",
        "Edited",
    )
    (tmp_path / "_config.yml").write_text(
        "lang: zh-TW\nlabels:\n  versions: 历次版本\n", encoding="utf-8"
    )
    words = site_labels(tmp_path)
    # The language's set, English under it, _config.yml's labels over both.
    assert (words["deleted"], words["edited"], words["versions"]) == ("删", "Edited", "历次版本")


def test_deleted_page_newest_first_and_feed_of_changes(tmp_path: Path) -> None:
    from rssarchive.store.state import RecheckRow

    def row(n: int, status: str, **times: datetime) -> RecheckRow:
        return RecheckRow(
            article_id=n,
            url=f"https://n.example/{n}",
            feed="F",
            filename=f"2024-07-2{n}-s{n}.md",
            archived=T0,
            status=status,
            **times,  # type: ignore[arg-type]
        )

    rows = [
        row(1, "deleted", deleted_at=T0 + timedelta(days=1)),
        row(2, "deleted", deleted_at=T0 + timedelta(days=3)),
        row(3, "edited", edited_at=T0 + timedelta(days=2)),
        row(4, "suspected", suspected_at=T0),  # not confirmed: not shown
    ]
    Versions(tmp_path).publish(rows, Config(site_dir=tmp_path, state_path=tmp_path, feeds=()))
    deleted = (tmp_path / "deleted" / "index.html").read_text(encoding="utf-8")
    assert re.findall(r"https://n\.example/(\d)</a>", deleted) == ["2", "1"]
    feed = (tmp_path / "changes.xml").read_text(encoding="utf-8")
    assert re.findall(r'term="(\w+)"', feed) == ["deleted", "edited", "deleted"]
    changes = json.loads((tmp_path / "_data" / "changes.json").read_text(encoding="utf-8"))
    assert sorted(changes) == [f"_posts/2024-07-2{n}-s{n}.md" for n in (1, 2, 3)]


def test_stray_files_in_a_versions_folder_are_not_versions(tmp_path: Path) -> None:
    # A note someone left, macOS's ._ files, a sync tool's conflicted copy: neither
    # parsed as a version nor counted, and never a traceback.
    name = "2024-07-24-x.md"
    folder = tmp_path / "_versions" / "2024-07-24-x"
    folder.mkdir(parents=True)
    strays = ["notes.txt", "._2024-07-24T000000Z.txt", "2024-07-24T000000Z (conflicted).txt"]
    for stray in [*strays, "2024-13-40T000000Z.txt"]:
        (folder / stray).write_bytes(b"\xff\xfe stray")
    versions = Versions(tmp_path)
    assert not versions.has_versions(name)
    assert versions.list(name) == []
    versions.keep(name, T0, "原文。")
    assert versions.has_versions(name)
    assert versions.list(name) == [(T0, "原文。\n")]


def _post(site: Path, name: str, title: str) -> None:
    posts = site / "_posts"
    posts.mkdir(parents=True, exist_ok=True)
    (posts / name).write_text(
        f'---\nlayout: post\ntitle: "{title}"\ndate: 2024-07-21T08:00:00.000Z\n---\n'
        f"<!--NaN-->\n[{title}](https://n.example/a)\n------\n\n<div>\n<p>原文。</p>\n</div>\n",
        encoding="utf-8",
    )


def test_changes_pages_title_links_and_every_event_in_valid_atom(tmp_path: Path) -> None:
    import xml.etree.ElementTree as ET

    from rssarchive.publish.sitepages import FEED_ENTRIES
    from rssarchive.store.state import RecheckRow

    # The file name is not the title ("/" became "--", ":" became "-"): the pages show
    # the title, from the post's front matter.
    edited = "2024-07-21-Breaking- EU--US trade talks collapse after maratho.md"
    _post(tmp_path, edited, "Breaking: EU/US trade talks collapse after marathon session")
    back = "2024-07-21-Gone and back.md"
    _post(tmp_path, back, "Gone & back")
    versions = Versions(tmp_path)
    for hours, text in ((0, "one"), (1, "two"), (2, "three")):
        versions.keep(edited, T0 + timedelta(hours=hours), text)
    H = timedelta(hours=1)
    rows = [
        RecheckRow(
            1, "https://n.example/a", "F", edited, T0, status="edited", edited_at=T0 + 2 * H
        ),
        RecheckRow(
            2,
            "https://n.example/b",
            "F",
            back,
            T0,
            status="restored",
            deleted_at=T0 + 3 * H,
            restored_at=T0 + 5 * H,
        ),
    ]
    config = Config(site_dir=tmp_path, state_path=tmp_path / "s", feeds=())
    assert versions.publish(rows, config) == []
    page = next((tmp_path / "versions").glob("2024-07-21-*.html"))
    pages = {
        p.read_text(encoding="utf-8").split("\n")[2] for p in (tmp_path / "versions").iterdir()
    }
    assert 'title: "版本 · Breaking: EU/US trade talks collapse after marathon session"' in pages
    text = page.read_text(encoding="utf-8")
    # The archived post (where Jekyll publishes it, escaped), and the original.
    assert re.search(r'href="\.\./2024/07/21/[^"]+\.html">存档</a>', text)
    assert 'href="https://n.example/' in text
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.fromstring((tmp_path / "changes.xml").read_bytes())
    assert feed.find(f"{atom}author/{atom}name") is not None
    entries = feed.findall(f"{atom}entry")
    got = [
        (e.findtext(f"{atom}updated"), e.find(f"{atom}category").get("term"))  # type: ignore[union-attr]
        for e in entries
    ]
    # Every event, newest first: both edits, the deletion and the restoration.
    assert got == [
        ("2024-07-24T05:00:00Z", "restored"),
        ("2024-07-24T03:00:00Z", "deleted"),
        ("2024-07-24T02:00:00Z", "edited"),
        ("2024-07-24T01:00:00Z", "edited"),
    ]
    ids = [e.findtext(f"{atom}id") or "" for e in [feed, *entries]]
    assert len(set(ids)) == len(ids) and all(
        i.startswith("urn:uuid:") and " " not in i for i in ids
    )
    titles = [e.findtext(f"{atom}title") for e in entries]
    assert titles[0] == "已恢复: Gone & back"
    assert titles[2] == "已修改: Breaking: EU/US trade talks collapse after marathon session"
    for e in entries:
        rels = {link.get("rel") for link in e.findall(f"{atom}link")}
        assert rels == {"alternate", "related", "via"}
    # Bounded: the newest FEED_ENTRIES events.
    many = [
        RecheckRow(
            10 + n,
            f"https://n.example/{n}",
            "F",
            f"2024-07-21-m{n}.md",
            T0,
            status="deleted",
            deleted_at=T0 + n * H,
        )
        for n in range(FEED_ENTRIES + 20)
    ]
    assert versions.publish(many, config) == []
    feed = ET.fromstring((tmp_path / "changes.xml").read_bytes())
    stamps = [e.findtext(f"{atom}updated") or "" for e in feed.findall(f"{atom}entry")]
    assert len(stamps) == FEED_ENTRIES and stamps == sorted(stamps, reverse=True)


def test_versions_page_made_again_only_when_what_it_shows_changed(tmp_path: Path) -> None:
    from rssarchive.store.state import RecheckRow

    name = "2024-07-24-x.md"
    _post(tmp_path, name, "X")
    versions = Versions(tmp_path)
    versions.keep(name, T0, "one")
    versions.keep(name, T0 + timedelta(hours=1), "two")
    row = RecheckRow(1, "https://n.example/a", "F", name, T0, status="edited", edited_at=T0)
    config = Config(site_dir=tmp_path, state_path=tmp_path / "s", feeds=())
    assert versions.publish([row], config) == []
    (page,) = (tmp_path / "versions").iterdir()
    # Marked with a digest of what it was made from: the next run leaves it alone (not
    # even made again in memory: a first version edited in place and restored to its
    # time would not show, as the digest takes file names, sizes and times).
    made = page.read_text(encoding="utf-8")
    assert re.search(r"^rssarchive_inputs: [0-9a-f]{32}$", made, re.M)
    before = page.stat().st_mtime_ns
    versions.publish([row], config)
    assert page.stat().st_mtime_ns == before
    # A new version, or the site's words changed: made again.
    versions.keep(name, T0 + timedelta(hours=2), "three")
    versions.publish([row], config)
    assert "<ins>three</ins>" in page.read_text(encoding="utf-8")
    (tmp_path / "_config.yml").write_text("labels:\n  versions: Versionen\n", encoding="utf-8")
    versions.publish([row], config)
    assert 'title: "Versionen · X"' in page.read_text(encoding="utf-8")
