"""The built site in a real browser: headless Chromium searches it with Pagefind's index.

One module-wide site: the two seed posts (Chinese) and English posts written by
rssarchive's renderer, built with the real Jekyll, indexed with Pagefind's extended build
(`python -m pagefind`, as `make site` does) and served on 127.0.0.1. Chromium (Debian's
package) is driven through its DevTools protocol over a websocket (websocket-client).

The home page, a post, the categories page and the search page (with results) are
screenshotted into the test's directory; their paths are printed (`pytest -s` shows
them) so that a person can look at them.

Without jekyll, chromium or pagefind these tests skip, or fail when the CI variable is
set (.ci/run installs chromium).
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from jekyll.build import build_site, built_post, seed_posts

from rssarchive.publish.render import render_post

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_HINT = "chromium not installed: apt-get install --no-install-recommends chromium"
# "Command authority": only in seed 001 (the 2024-07-28 post), six times; seed 000 has
# neither "权" nor the whole phrase (a search for 上川阳子 finds both seeds: 001 misspells
# the name 神川阳子, and Pagefind matches its part 阳子).
CHINESE_PHRASE = "指挥权"
ENGLISH_WORD = "zeppelin"
ENGLISH_POSTS = {
    "Zeppelin returns to the harbour festival": (
        "<p>The old zeppelin flew over the harbour on Sunday, the first time in forty "
        "years, while crowds watched from the quays.</p><p>Organisers said the airship "
        "would stay for the whole festival.</p>"
    ),
    "Parliament approves the bridge budget": (
        "<p>Lawmakers approved the budget for the new bridge after a long debate about "
        "costs and the harbour's shipping lanes.</p>"
    ),
    "Rain delays the marathon": (
        "<p>Heavy rain delayed the city marathon by two hours; runners waited in the "
        "harbour hall until the storm had passed.</p>"
    ),
}
# Generous; one cold start of Chromium and a handful of page loads take a few seconds.
BROWSER_TIMEOUT = 60


def _require(executable: str | None, hint: str) -> str:
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail(f"CI is set and {hint}")
        pytest.skip(hint)
    return executable


def chromium_path() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    return _require(found, CHROMIUM_HINT)


def _english_post(index: int, title: str, body: str) -> tuple[str, str]:
    post = render_post(
        title=title,
        url=f"https://news.example/en/{index}.html",
        published=datetime(2024, 8, 1 + index, 9, 0, tzinfo=UTC),
        archived_at=datetime(2024, 8, 1 + index, 9, 5, tzinfo=UTC),
        author="BBC News",
        tags=["BBC News"],
        categories=["BBC News"],
        body_html=body,
    )
    return post.filename, post.text


class _Handler(SimpleHTTPRequestHandler):
    """Serves the built site; with `index=False`, as if Pagefind had not been run."""

    index = True

    def do_GET(self) -> None:
        if not self.index and self.path.startswith("/pagefind/"):
            self.send_error(404)
            return
        super().do_GET()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass
class Site:
    root: Path
    url: str  # the site served with its search index
    url_without_index: str  # the same site, /pagefind/ answering 404
    post_paths: dict[str, str]  # title -> URL path


def _serve(root: Path, index: bool) -> ThreadingHTTPServer:
    handler = type("Handler", (_Handler,), {"index": index})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    chromium_path()
    seeds = seed_posts()
    posts = {seed.file_name: seed.text for seed in seeds}
    titles = {seed.title: seed.file_name for seed in seeds}
    for index, (title, body) in enumerate(ENGLISH_POSTS.items()):
        name, text = _english_post(index, title, body)
        posts[name] = text
        titles[title] = name
    result = build_site(posts, tmp_path_factory.mktemp("browser-site"))
    assert result.returncode == 0, result.output_text
    indexed = subprocess.run(
        [sys.executable, "-m", "pagefind", "--site", str(result.site_dir)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if indexed.returncode != 0 and "No module named pagefind" in indexed.stderr:
        _require(None, "pagefind not installed: pip install -e '.[test]'")
    assert indexed.returncode == 0, indexed.stdout + indexed.stderr
    with_index, without_index = _serve(result.site_dir, True), _serve(result.site_dir, False)
    paths = {
        title: "/" + str(built_post(result.site_dir, name).relative_to(result.site_dir))
        for title, name in titles.items()
    }
    try:
        yield Site(
            result.site_dir,
            f"http://127.0.0.1:{with_index.server_address[1]}",
            f"http://127.0.0.1:{without_index.server_address[1]}",
            paths,
        )
    finally:
        with_index.shutdown()
        without_index.shutdown()


@pytest.fixture(scope="module")
def english_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The same posts on a site whose `lang:` is en, indexed as `make site` does
    (scripts/search_index.py): every page says lang="en", and the Chinese posts must
    still be found (review of issue 20, H2)."""
    chromium_path()
    root = tmp_path_factory.mktemp("english-site")
    template = root / "template"
    shutil.copytree(
        ROOT / "output", template, ignore=shutil.ignore_patterns("_posts", "_site", ".*")
    )
    config = template / "_config.yml"
    text = config.read_text(encoding="utf-8")
    assert "\nlang: zh-CN\n" in text
    config.write_text(text.replace("\nlang: zh-CN\n", "\nlang: en\n"), encoding="utf-8")
    seeds = seed_posts()
    posts = {seed.file_name: seed.text for seed in seeds}
    titles = {seed.title: seed.file_name for seed in seeds}
    for index, (title, body) in enumerate(ENGLISH_POSTS.items()):
        name, text = _english_post(index, title, body)
        posts[name] = text
        titles[title] = name
    result = build_site(posts, root, template=template)
    assert result.returncode == 0, result.output_text
    assert '<html lang="en">' in (result.site_dir / "index.html").read_text(encoding="utf-8")
    indexed = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "search_index.py"),
            "--site",
            str(result.source_dir),
            "--destination",
            str(result.site_dir),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if indexed.returncode != 0 and "No module named pagefind" in indexed.stderr:
        _require(None, "pagefind not installed: pip install -e '.[test]'")
    assert indexed.returncode == 0, indexed.stdout + indexed.stderr
    server = _serve(result.site_dir, True)
    paths = {
        title: "/" + str(built_post(result.site_dir, name).relative_to(result.site_dir))
        for title, name in titles.items()
    }
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        yield Site(result.site_dir, url, url, paths)
    finally:
        server.shutdown()


# Only in a post of 2022: in the archive built as a site per year, the search page finds
# it through the 2022 index merged into the newest year's.
OLD_YEAR_WORD = "glockenspiel"
OLD_YEAR_TITLE = "Glockenspiel concert in the old town"


def _new_post(title: str, body: str, when: datetime) -> tuple[str, str]:
    post = render_post(
        title=title,
        url=f"https://news.example/en/{when:%Y%m%d}.html",
        published=when,
        archived_at=when,
        author="BBC News",
        tags=["BBC News"],
        categories=["BBC News"],
        body_html=body,
    )
    return post.filename, post.text


def _build_split(root: Path) -> tuple[list[str], list[str]]:
    """scripts/build_split.py with the search indexes: the years it rebuilt and the
    indexes it built (as <year>/<folder>), from its output."""
    import re

    script = Path(__file__).resolve().parents[2] / "scripts" / "build_split.py"
    built = subprocess.run(
        [sys.executable, str(script), "--site", str(root)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    years = re.findall(r"^build_split: building (\d{4})", built.stdout, re.MULTILINE)
    indexes = re.findall(r"^build_split: indexing (\S+)", built.stdout, re.MULTILINE)
    return years, indexes


@dataclass
class SplitSite(Site):
    source: Path  # the site directory (its _posts, _site and .split)
    titles: dict[str, str]  # title -> post file name


@pytest.fixture(scope="module")
def split_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SplitSite]:
    """The same posts (the seeds of July 2024, the English posts of August 2024) and one
    of 2022, built as a site per year (scripts/build_split.py) with each year's Pagefind
    index, and the newest month's (August's) apart."""
    chromium_path()
    from jekyll.build import SITE_TEMPLATE, require_jekyll

    require_jekyll()
    root = tmp_path_factory.mktemp("browser-split") / "output"
    shutil.copytree(SITE_TEMPLATE, root, ignore=shutil.ignore_patterns("_posts", "_site", ".*"))
    (root / "_posts").mkdir()
    titles = {}
    for seed in seed_posts():
        (root / "_posts" / seed.file_name).write_text(seed.text, encoding="utf-8")
        titles[seed.title] = seed.file_name
    posts = [
        _english_post(index, title, body)
        for index, (title, body) in enumerate(ENGLISH_POSTS.items())
    ]
    posts.append(
        _new_post(
            OLD_YEAR_TITLE,
            f"<p>A {OLD_YEAR_WORD} played in the square all evening.</p>",
            datetime(2022, 3, 1, 9, 0, tzinfo=UTC),
        )
    )
    for (name, text), title in zip(posts, [*ENGLISH_POSTS, OLD_YEAR_TITLE], strict=True):
        (root / "_posts" / name).write_text(text, encoding="utf-8")
        titles[title] = name
    assert _build_split(root) == (
        ["2022", "2024"],
        ["2022/pagefind", "2024/pagefind", "2024/pagefind-month"],
    )
    output = root / "_site"
    server = _serve(output, True)
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        site = SplitSite(output, url, url, {}, root, titles)
        _find_paths(site)
        yield site
    finally:
        server.shutdown()


def _find_paths(site: SplitSite) -> None:
    site.post_paths = {
        title: "/" + str(built_post(site.root, name).relative_to(site.root))
        for title, name in site.titles.items()
    }


def _indexed(site: SplitSite, folder: str) -> int:
    """How many pages the index in `folder` (of the built site) holds."""
    entry = json.loads((site.root / folder / "pagefind-entry.json").read_text(encoding="utf-8"))
    return sum(language["page_count"] for language in entry["languages"].values())


class Tab:
    """One page of Chromium, driven with DevTools protocol commands over its websocket."""

    def __init__(self, websocket_url: str) -> None:
        import websocket  # websocket-client, a test dependency

        self.ws = websocket.create_connection(
            websocket_url, timeout=BROWSER_TIMEOUT, suppress_origin=True
        )
        self.last_id = 0
        self.events: list[dict[str, Any]] = []

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.last_id += 1
        self.ws.send(json.dumps({"id": self.last_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.last_id:
                assert "error" not in message, (method, message["error"])
                result: dict[str, Any] = message["result"]
                return result
            self.events.append(message)

    def wait_for(self, event: str) -> None:
        while not any(m.get("method") == event for m in self.events):
            self.events.append(json.loads(self.ws.recv()))

    def open(self, url: str) -> None:
        self.events.clear()
        self.call("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression; a promise is awaited."""
        reply = self.call(
            "Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True
        )
        assert "exceptionDetails" not in reply, reply["exceptionDetails"]
        return reply["result"].get("value")

    def screenshot(self, path: Path) -> Path:
        data = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        path.write_bytes(base64.b64decode(data["data"]))
        print(f"screenshot: {path}")
        return path


@pytest.fixture(scope="module")
def tab(tmp_path_factory: pytest.TempPathFactory, site: Site) -> Iterator[Tab]:
    profile = tmp_path_factory.mktemp("chromium-profile")
    process = subprocess.Popen(
        [
            chromium_path(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            # Nothing leaves the machine: the posts hotlink images from news sites.
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            "--window-size=1000,900",
            f"--user-data-dir={profile}",
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
        # Chromium says where its DevTools endpoint listens once it is ready.
        endpoint = None
        lines = []
        for line in process.stderr:
            lines.append(line)
            if line.startswith("DevTools listening on ws://"):
                endpoint = line.split("ws://", 1)[1].split("/", 1)[0]
                break
        assert endpoint is not None, "".join(lines)
        threading.Thread(target=process.stderr.read, daemon=True).start()
        request = urllib.request.Request(f"http://{endpoint}/json/new?about:blank", method="PUT")
        with urllib.request.urlopen(request, timeout=BROWSER_TIMEOUT) as response:
            target = json.load(response)
        page = Tab(target["webSocketDebuggerUrl"])
        page.call("Page.enable")
        yield page
        page.ws.close()
    finally:
        process.terminate()
        process.wait(timeout=30)


# Waits (in the page) until Pagefind's UI shows results, and returns their links.
_RESULTS = """
new Promise((resolve) => {
  const links = () => [...document.querySelectorAll(".pagefind-ui__result-link")]
    .map((a) => new URL(a.href).pathname);
  const done = () => document.querySelector(".pagefind-ui__message")
    && !document.querySelector(".pagefind-ui__loading") && links().length > 0;
  if (done()) return resolve(links());
  new MutationObserver((_, observer) => {
    if (done()) { observer.disconnect(); resolve(links()); }
  }).observe(document.body, { childList: true, subtree: true, attributes: true });
})
"""


def _search(tab: Tab, site: Site, query: str) -> list[str]:
    tab.open(f"{site.url}/search/?q={urllib.request.quote(query)}")
    links: list[str] = tab.evaluate(_RESULTS)
    return [urllib.request.unquote(link) for link in links]


def test_chinese_phrase_finds_its_post(tab: Tab, site: Site, tmp_path: Path) -> None:
    found = _search(tab, site, CHINESE_PHRASE)
    seed = seed_posts()[1]
    assert found == [site.post_paths[seed.title]]
    tab.screenshot(tmp_path / "search-chinese.png")


def test_english_word_finds_its_post(tab: Tab, site: Site) -> None:
    found = _search(tab, site, ENGLISH_WORD)
    assert found == [site.post_paths["Zeppelin returns to the harbour festival"]]


def test_english_site_finds_chinese_and_english(
    tab: Tab, english_site: Site, tmp_path: Path
) -> None:
    """`lang: en` with Chinese posts: Pagefind segments Chinese only in a Chinese index,
    so the index is built as one (the pages themselves say en)."""
    seed = seed_posts()[1]
    assert _search(tab, english_site, CHINESE_PHRASE) == [english_site.post_paths[seed.title]]
    tab.screenshot(tmp_path / "search-chinese-on-english-site.png")
    found = _search(tab, english_site, ENGLISH_WORD)
    assert found == [english_site.post_paths["Zeppelin returns to the harbour festival"]]


def test_pages_look_right(tab: Tab, site: Site, tmp_path: Path) -> None:
    seed = seed_posts()[1]
    pages = {
        "home": "/",
        "post": site.post_paths[seed.title],
        "categories": "/categories/",
        "search": "/search/",
    }
    for name, path in pages.items():
        tab.open(site.url + urllib.request.quote(path))
        assert tab.evaluate("document.documentElement.lang") == "zh-CN"
        assert tab.evaluate("document.querySelectorAll('.site-header nav a').length") == 3
        shot = tab.screenshot(tmp_path / f"{name}.png")
        assert shot.read_bytes().startswith(b"\x89PNG")
    tab.open(site.url + urllib.request.quote(pages["post"]))
    assert tab.evaluate("document.querySelector('article h1').textContent") == seed.title


def test_search_page_says_so_without_an_index(tab: Tab, site: Site) -> None:
    tab.open(f"{site.url_without_index}/search/?q={ENGLISH_WORD}")
    assert tab.evaluate("document.getElementById('search-missing').hidden") is False
    assert "make site" in tab.evaluate("document.getElementById('search-missing').textContent")
    tab.open(f"{site.url}/search/")
    assert tab.evaluate("document.getElementById('search-missing').hidden") is True


def test_split_archive_searches_every_year(tab: Tab, split_site: SplitSite, tmp_path: Path) -> None:
    """The search page of the archive built per year loads the newest year's index and
    merges its newest month's and the older years' (the year a filter)."""
    seed = seed_posts()[1]
    assert [_indexed(split_site, f) for f in ("2022/pagefind", "2024/pagefind")] == [1, 2]
    assert _indexed(split_site, "2024/pagefind-month") == len(ENGLISH_POSTS)
    assert _search(tab, split_site, CHINESE_PHRASE) == [split_site.post_paths[seed.title]]
    assert _search(tab, split_site, OLD_YEAR_WORD) == [split_site.post_paths[OLD_YEAR_TITLE]]
    zeppelin = split_site.post_paths["Zeppelin returns to the harbour festival"]
    assert _search(tab, split_site, ENGLISH_WORD) == [zeppelin]
    filters = tab.evaluate(
        "[...document.querySelectorAll('.pagefind-ui__filter-name')].map((e) => e.textContent)"
    )
    assert any("年份" in text for text in filters), filters
    tab.screenshot(tmp_path / "split-search.png")
    tab.open(split_site.url + "/")
    assert tab.evaluate("document.querySelectorAll('.year-list a').length") == 2
    tab.screenshot(tmp_path / "split-front.png")


def test_split_archive_indexes_again_only_the_newest_month(tab: Tab, split_site: SplitSite) -> None:
    """An hourly run's new post of August indexes August alone (the year's other months
    and the other years' indexes are not written again) and is found at once; the first
    post of September indexes July and August together and September apart; the first of
    2025 makes 2024 one index again and removes its month's."""
    entries = {
        folder: (split_site.root / folder / "pagefind-entry.json").stat().st_mtime_ns
        for folder in ("2022/pagefind", "2024/pagefind")
    }
    steps = [
        ("Ukulele recital at the harbour", "ukulele", datetime(2024, 8, 20, 9, 0, tzinfo=UTC)),
        ("Mandolin contest opens", "mandolin", datetime(2024, 9, 2, 9, 0, tzinfo=UTC)),
        ("Bassoon parade on new year's day", "bassoon", datetime(2025, 1, 1, 9, 0, tzinfo=UTC)),
    ]
    built = []
    for title, word, when in steps:
        name, text = _new_post(title, f"<p>A {word} was heard all afternoon.</p>", when)
        (split_site.source / "_posts" / name).write_text(text, encoding="utf-8")
        split_site.titles[title] = name
        built.append(_build_split(split_site.source))
        _find_paths(split_site)
        assert _search(tab, split_site, word) == [split_site.post_paths[title]], word
        if word == "ukulele":
            after = {
                f: (split_site.root / f / "pagefind-entry.json").stat().st_mtime_ns for f in entries
            }
            assert after == entries
    assert built == [
        (["2024"], ["2024/pagefind-month"]),
        (["2024"], ["2024/pagefind", "2024/pagefind-month"]),
        (["2025"], ["2024/pagefind", "2025/pagefind"]),
    ]
    assert _indexed(split_site, "2024/pagefind") == 2 + len(ENGLISH_POSTS) + 2
    assert not (split_site.root / "2024" / "pagefind-month").exists()
    # Every post is still found, whichever index holds it now.
    zeppelin = split_site.post_paths["Zeppelin returns to the harbour festival"]
    assert _search(tab, split_site, ENGLISH_WORD) == [zeppelin]
    assert _search(tab, split_site, "ukulele") == [split_site.post_paths[steps[0][0]]]


# A word and a phrase each in one year's post alone; the other years hold near words
# (its prefix, the phrase's parts), which Pagefind's index of such a year falls back to
# when it lacks the word itself (review of issue 20, finding 3).
RARE_POSTS = {
    ("Harbourmaster129 retires", datetime(2022, 5, 10, 9, 0, tzinfo=UTC)): (
        "<p>The harbourmaster129 retired after forty years.</p><p>独特短语100号在此。</p>"
    ),
    ("Harbourmaster12 takes over", datetime(2023, 6, 1, 9, 0, tzinfo=UTC)): (
        "<p>The harbourmaster12 took over the quays.</p><p>第100号公告：短语独特。</p>"
    ),
    ("Harbourmaster1 remembered", datetime(2024, 2, 1, 9, 0, tzinfo=UTC)): (
        "<p>The harbourmaster1 is remembered by the town.</p><p>第100号通知，独特的风景。</p>"
    ),
}


@pytest.fixture(scope="module")
def rare_split_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SplitSite]:
    """RARE_POSTS built as a site per year, each year with its own index."""
    chromium_path()
    from jekyll.build import SITE_TEMPLATE, require_jekyll

    require_jekyll()
    root = tmp_path_factory.mktemp("browser-rare") / "output"
    shutil.copytree(SITE_TEMPLATE, root, ignore=shutil.ignore_patterns("_posts", "_site", ".*"))
    (root / "_posts").mkdir()
    titles = {}
    for (title, when), body in RARE_POSTS.items():
        name, text = _new_post(title, body, when)
        (root / "_posts" / name).write_text(text, encoding="utf-8")
        titles[title] = name
    assert _build_split(root)[0] == ["2022", "2023", "2024"]
    output = root / "_site"
    server = _serve(output, True)
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        site = SplitSite(output, url, url, {}, root, titles)
        _find_paths(site)
        yield site
    finally:
        server.shutdown()


def test_split_search_lists_only_the_year_that_holds_a_rare_word(
    tab: Tab, rare_split_site: SplitSite
) -> None:
    """A word or phrase in one year's post alone finds that post alone, as one index for
    the whole site would: not the near-word pages of the other years' indexes, which
    Pagefind's own mergeIndex adds (and may rank first). A word every year holds still
    finds every year's post."""
    paths = rare_split_site.post_paths
    assert _search(tab, rare_split_site, "harbourmaster129") == [paths["Harbourmaster129 retires"]]
    assert _search(tab, rare_split_site, "harbourmaster12") == [paths["Harbourmaster12 takes over"]]
    assert _search(tab, rare_split_site, "独特短语100号") == [paths["Harbourmaster129 retires"]]
    assert sorted(_search(tab, rare_split_site, "town")) == [paths["Harbourmaster1 remembered"]]
    assert sorted(_search(tab, rare_split_site, "quays")) == [paths["Harbourmaster12 takes over"]]
    everywhere = _search(tab, rare_split_site, "the")
    assert sorted(everywhere) == sorted(paths.values())
