"""The site's pages of changes, the outside review 19c's F7, F8 and F11: the Atom feed
of changes has absolute links when the site has an address, ids of its own per site,
and is found from the site's pages; a long article's diff folds its unchanged
paragraphs; the ``labels:`` words are text everywhere (the post notice as rssarchive's
own pages). The real CLI against the local news site of test_recheck_e2e, then a real
Jekyll build."""

from __future__ import annotations

import html
import re
import shutil
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import unquote

from jekyll.build import build_problems, build_site, built_post
from pytest_httpserver import HTTPServer
from statekit import cli, write_config
from test_recheck_e2e import TEMPLATE, Site
from test_recheck_site import _post

from rssarchive.core.models import Config
from rssarchive.publish.sitepages import diff_html
from rssarchive.publish.versions import Versions
from rssarchive.store.state import RecheckRow

ATOM = "{http://www.w3.org/2005/Atom}"
T0 = datetime(2024, 7, 24, tzinfo=UTC)
BASE = "https://example.org/arch/"
LABELS = {"edited": "改过 <b>&", "deleted": "删掉了 {{ x }}", "versions": "历史"}


def _atom(path: Path) -> ET.Element:
    """The feed, parsed, with what RFC 4287 requires checked: one id, title and updated
    of the feed and of each entry, an author, and a self link."""
    feed = ET.fromstring(path.read_bytes())
    assert feed.tag == f"{ATOM}feed"
    for element in [feed, *feed.findall(f"{ATOM}entry")]:
        for child in ("id", "title", "updated"):
            assert len(element.findall(f"{ATOM}{child}")) == 1, child
    assert feed.find(f"{ATOM}author/{ATOM}name") is not None
    assert [link.get("rel") for link in feed.findall(f"{ATOM}link")] == ["self"]
    return feed


def _links(feed: ET.Element) -> list[str]:
    """Every link of the feed but the original articles' (rel via)."""
    return [link.get("href") or "" for link in feed.iter(f"{ATOM}link") if link.get("rel") != "via"]


def _ids(feed: ET.Element) -> list[str]:
    return [e.findtext(f"{ATOM}id") or "" for e in [feed, *feed.findall(f"{ATOM}entry")]]


def _publish(site: Path, site_id: str | None, config: str = "title: News archive\n") -> Path:
    name = "2024-07-21-x.md"
    _post(site, name, "X")
    (site / "_config.yml").write_text(config, encoding="utf-8")
    if site_id is not None:
        (site / ".rssarchive").mkdir(parents=True, exist_ok=True)
        (site / ".rssarchive" / "site-id").write_text(site_id + "\n", encoding="utf-8")
    versions = Versions(site)
    versions.keep(name, T0, "one")
    versions.keep(name, T0 + timedelta(hours=1), "two")
    row = RecheckRow(
        1, "https://n.example/a", "F", name, T0, status="edited", edited_at=T0 + timedelta(hours=1)
    )
    assert versions.publish([row], Config(site_dir=site, state_path=site / "s", feeds=())) == []
    return site / "changes.xml"


def test_the_feed_has_ids_of_its_own_per_site(tmp_path: Path) -> None:
    # Two archives of the same feed, with the default title: their feeds and entries
    # share no id.
    one = _atom(_publish(tmp_path / "one", "a" * 32))
    two = _atom(_publish(tmp_path / "two", "b" * 32))
    assert not set(_ids(one)) & set(_ids(two))
    assert all(i.startswith("urn:uuid:") for i in _ids(one) + _ids(two))
    # Without an id file, the site's address tells them apart.
    three = _atom(_publish(tmp_path / "three", None, f"title: News archive\nurl: {BASE}\n"))
    four = _atom(_publish(tmp_path / "four", None, "title: News archive\nurl: https://b.example\n"))
    assert not set(_ids(three)) & set(_ids(four))
    # Without an address, the links are all relative to the site's root, where the
    # feed is.
    assert _links(one) == ["changes.xml", *_links(one)[1:]]
    assert not any(re.match(r"[a-z]+:|/", link) for link in _links(one))


def test_a_long_articles_diff_folds_its_unchanged_paragraphs(tmp_path: Path) -> None:
    old = [
        f"Paragraph {n}: the council met for the {n}th time and forty buses." for n in range(300)
    ]
    new = list(old)
    new[150] = new[150].replace("forty", "fifty")
    diff = diff_html("\n".join(old), "\n".join(new))
    assert diff.count("<del>forty</del><ins>fifty</ins>") == 1
    # Two paragraphs of context each side shown; the rest folded, nothing lost.
    shown = re.sub(r"<details.*?</details>", "", diff, flags=re.S)
    assert re.findall(r"Paragraph (\d+):", shown) == ["148", "149", "150", "151", "152"]
    assert diff.count('<details class="unchanged">') == 2
    assert "<summary>… 148 ¶</summary>" in diff and "<summary>… 147 ¶</summary>" in diff
    text = html.unescape(re.sub(r"<summary>.*?</summary>|<del>.*?</del>|<[^>]+>", "", diff))
    assert text.split("\n") == new
    # A short run of unchanged paragraphs is not folded.
    assert "<details" not in diff_html("a\nb\nc\nd\ne\nf", "a\nb\nc\nX\ne\nf")
    # On the versions page, through the sanitiser.
    name = "2024-07-21-x.md"
    _post(tmp_path, name, "X")
    versions = Versions(tmp_path)
    versions.keep(name, T0, "\n".join(old))
    versions.keep(name, T0 + timedelta(hours=1), "\n".join(new))
    row = RecheckRow(1, "https://n.example/a", "F", name, T0, status="edited", edited_at=T0)
    config = Config(site_dir=tmp_path, state_path=tmp_path / "s", feeds=())
    assert versions.publish([row], config) == []
    (page,) = (tmp_path / "versions").iterdir()
    made = page.read_text(encoding="utf-8")
    assert made.count('<details class="unchanged"><summary>') == 2
    assert "<del>forty</del><ins>fifty</ins>" in made


def test_feed_links_labels_and_notices_in_the_built_site(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    news = Site(httpserver)
    site = tmp_path / "site"
    shutil.copytree(TEMPLATE, site, ignore=shutil.ignore_patterns("_posts", "_site"))
    config = write_config(
        tmp_path / "config.yaml",
        [{"name": "News", "url": news.server.url_for("/feed.xml"), "content": "page"}],
        site_dir=site,
        state_path=site / ".rssarchive" / "state.sqlite3",
    )
    settings = site / "_config.yml"
    words = "".join(f"  {k}: '{v}'\n" for k, v in LABELS.items())
    settings.write_text(
        settings.read_text(encoding="utf-8")
        + f"url: https://example.org\nbaseurl: /arch\nlabels:\n{words}",
        encoding="utf-8",
    )
    assert cli(config, "run", "--now", "2024-07-24T00:00:00Z").returncode == 0
    news.mode.update(edited="edited", gone="404")
    assert cli(config, "recheck", "--now", "2024-07-24T01:00:00Z").returncode == 0
    assert cli(config, "recheck", "--now", "2024-07-24T02:00:00Z").returncode == 0
    posts = {p.name: p.read_text(encoding="utf-8") for p in (site / "_posts").iterdir()}
    built = build_site(posts, tmp_path / "b", template=site)
    assert built.returncode == 0 and build_problems(built) == [], built.output_text
    out = built.site_dir

    # The feed: valid, its links absolute under the site's url and baseurl, each one
    # leading to a page of the built site.
    feed = _atom(out / "changes.xml")
    links = _links(feed)
    assert links[0] == BASE + "changes.xml"
    assert len(links) == 5 and all(link.startswith(BASE) for link in links)
    for link in links:
        assert (out / unquote(link.removeprefix(BASE))).is_file(), link

    # Found from the site's pages: the head of the front page and of the deleted page,
    # and a link on the deleted page.
    head = '<link rel="alternate" type="application/atom+xml" title="已修改和已删除的文章"'
    front = (out / "index.html").read_text(encoding="utf-8")
    assert f'{head} href="/arch/changes.xml">' in front
    deleted = (out / "deleted" / "index.html").read_text(encoding="utf-8")
    assert f'{head} href="/arch/changes.xml">' in deleted
    assert '<a href="../changes.xml">已修改和已删除的文章</a>' in deleted
    assert "<h1>已删除的文章</h1>" in deleted
    # Not in a post's page: an untouched post renders as before.
    untouched = next(n for n in posts if "same200" in posts[n])
    assert "application/atom+xml" not in built_post(out, untouched).read_text(encoding="utf-8")

    # The labels: text in the notice as on rssarchive's pages, never markup or Liquid.
    def notice(key: str) -> str:
        name = next(n for n in posts if f"/news/{key}.html" in posts[n])
        page = built_post(out, name).read_text(encoding="utf-8")
        found = re.search(r'<p class="post-change[^"]*"[^>]*>(.*?)</p>', page, re.S)
        assert found is not None, key
        return found[1]

    edited, gone = notice("edited"), notice("gone")
    assert "<strong>改过 &lt;b&gt;&amp;</strong>" in edited and "<b>" not in edited
    assert ">历史</a>" in edited
    assert "<strong>删掉了 {{ x }}</strong>" in gone
    shown = {html.unescape(w) for w in re.findall(r"<strong>(.*?)</strong>", edited + gone)}
    assert shown == {LABELS["edited"], LABELS["deleted"]}
    # rssarchive's pages show the same words as the same text.
    pages = [p.read_text(encoding="utf-8") for p in (out / "versions").glob("*.html")]
    assert any(
        f"<p>{html.escape(LABELS['deleted'])}</p>"
        in p.replace("&#123;", "{").replace("&#125;", "}")
        for p in pages
    )
    assert LABELS["deleted"] in html.unescape("".join(pages))
    assert all("<b>" not in p for p in [*pages, deleted])
