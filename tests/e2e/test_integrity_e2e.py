"""Issue 16: nothing silent, every article exactly once (the real CLI against real local
HTTP servers): items beyond a feed's max_items, guids shared by different articles,
one run per site, control characters in titles."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
import yaml
from conftest import Site
from pytest_httpserver import HTTPServer
from support.threaded import ThreadedServer
from test_e2e import article, rss
from werkzeug import Request, Response

from rssarchive import config as config_module
from rssarchive.core.models import FeedConfig
from rssarchive.publish.posts import read_from_line
from rssarchive.run.session import site_lock_path
from rssarchive.sources import feedrepair

REPO = Path(__file__).resolve().parents[2]
NOW = "2024-07-24T01:45:53.725Z"


def sources(site: Site) -> list[str]:
    """The from: URL of every post, sorted."""
    return sorted(
        read_from_line((site.posts / name).read_text(encoding="utf-8")) or ""
        for name in site.post_names()
    )


def front_title(site: Site, name: str) -> str:
    text = (site.posts / name).read_text(encoding="utf-8")
    data = yaml.safe_load(text.split("---\n")[1])
    return str(data["title"])


class Feed:
    """A feed whose items the test changes between runs (served without validators)."""

    def __init__(self, server: HTTPServer, path: str = "/feed.xml") -> None:
        self.items: list[dict[str, str]] = []
        self.server = server

        def handler(request: Request) -> Response:
            return Response(rss(self.items), content_type="application/rss+xml")

        server.expect_request(path).respond_with_handler(handler)
        self.url = server.url_for(path)

    def item(self, n: int, *, day: int | None = None, **fields: str) -> dict[str, str]:
        item = {
            "title": f"Story {n}",
            "link": self.server.url_for(f"/story/{n}.html"),
            "content": f"<p>Story {n}: a whole article of the feed's own text.</p>",
        }
        if day is not None:
            item["pubDate"] = f"{day:02d} Jul 2024 08:00:00 GMT"
        return {**item, **fields}


def run_json(site: Site, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict, str]:
    code = site.cli("run", "--now", NOW, "--json")
    out, err = capsys.readouterr()
    return code, json.loads(out), err


def status_json(site: Site, capsys: pytest.CaptureFixture[str]) -> dict:
    assert site.cli("status", "--json") == 0
    return dict(json.loads(capsys.readouterr().out)["feeds"][0])


# -- 1. items beyond the cap ---------------------------------------------------------------


def test_max_items_defaults_are_the_parsers() -> None:
    assert FeedConfig("n", "https://example.org/").max_items == feedrepair.MAX_ITEMS
    assert config_module.MAX_MAX_ITEMS == feedrepair.READ_ITEMS


def test_oldest_first_feed_past_max_items_archives_the_newest_and_says_so(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = Feed(httpserver)
    # Oldest first, as some feeds list them: the newest are at the end.
    feed.items = [feed.item(n, day=n + 1) for n in range(5)]
    site.write_config([{"name": "Old first", "url": feed.url, "content": "feed", "max_items": 3}])

    code, report, err = run_json(site, capsys)
    assert code == 0, err
    assert sources(site) == sorted(httpserver.url_for(f"/story/{n}.html") for n in (2, 3, 4))
    cut = "5 items read, more than the feed's max_items (3): kept the 3 newest, 2 not archived"
    assert f"warning: feed Old first: {cut}" in err.splitlines()
    assert report["results"][0]["warnings"] == [cut]
    assert status_json(site, capsys)["warning"] == cut
    assert site.cli("status") == 0
    text = capsys.readouterr().out
    assert "Old first: ok, with a WARNING" in text
    assert f"  warning:      {cut}" in text

    # A new item, listed last: archived, and the cut said again on this run.
    feed.items.append(feed.item(5, day=6))
    code, report, err = run_json(site, capsys)
    assert code == 0, err
    assert report["results"][0]["new"] == ["2024-07-06-Story 5.md"]
    assert "warning: feed Old first: 6 items read" in err

    # The feed no longer holds more than max_items: the warning is gone, from status too.
    feed.items = feed.items[-3:]
    code, report, err = run_json(site, capsys)
    assert code == 0 and "warning" not in err, err
    assert report["results"][0]["warnings"] == []
    assert status_json(site, capsys)["warning"] is None
    assert site.cli("status") == 0
    assert "Old first: ok\n" in capsys.readouterr().out
    assert len(site.post_names()) == 4


def test_an_article_listed_several_times_takes_one_place_under_max_items(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """look16 F2: the newest article listed three times (a broken CMS, once with a
    tracking parameter) plus two older ones are three articles: all fit under
    max_items 3 and are archived, each once; the warning counts articles."""
    feed = Feed(httpserver)
    newest = feed.item(9, day=10)
    again = dict(newest, link=newest["link"] + "?utm_source=rss")
    feed.items = [newest, newest, again, feed.item(1, day=2), feed.item(0, day=1)]
    site.write_config([{"name": "Twice", "url": feed.url, "content": "feed", "max_items": 3}])

    code, report, err = run_json(site, capsys)
    assert code == 0, err
    archived = sorted(url.split("?")[0] for url in sources(site))
    assert archived == sorted(httpserver.url_for(f"/story/{n}.html") for n in (0, 1, 9))
    assert report["results"][0]["warnings"] == []
    assert "warning" not in err, err

    # Two more articles, one of them older than all: now two too many, and the warning
    # says how many articles it read; the archived one left out is no loss (look16c F13).
    feed.items += [feed.item(5, day=6), feed.item(7, day=1)]
    code, report, err = run_json(site, capsys)
    assert code == 0, err
    cut = (
        "7 items read (5 articles: some are listed more than once), more than the feed's "
        "max_items (3): kept the 3 newest, 1 not archived"
    )
    assert report["results"][0]["warnings"] == [cut]
    assert report["results"][0]["new"] == ["2024-07-06-Story 5.md"]
    assert len(site.post_names()) == 4


# -- 2. identity that is really an identity --------------------------------------------------


def test_a_guid_shared_by_different_links_identifies_none_of_them(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = Feed(httpserver)
    story = feed.item
    feed.items = [
        story(1, guid="same"),  # a CMS that gives every item one guid
        story(2, guid="same"),
        story(3, guid="same"),
        # One article listed twice, its link differing only in tracking parameters.
        story(4, guid="tracked", link=httpserver.url_for("/story/4.html?utm_source=rss")),
        story(4, guid="tracked"),
        story(5, guid="own-5"),
    ]
    site.write_config([{"name": "Shared", "url": feed.url, "content": "feed"}])
    code, report, err = run_json(site, capsys)
    assert code == 0, err
    result = report["results"][0]
    assert len(result["new"]) == 5 and result["skipped"] == 1
    links = [httpserver.url_for(f"/story/{n}.html") for n in (1, 2, 3, 5)]
    links.append(httpserver.url_for("/story/4.html"))  # written once, from the first seen
    assert [s.split("?")[0] for s in sources(site)] == sorted(links)
    assert result["warnings"] == [
        "3 items with different links share the guid 'same'; each is identified by its link",
        # Undated, on the feed's first poll (look16c F5).
        "5 items have no date, in the feed or on their page; dated at archiving time",
    ]

    # Next run: the same items with new tracking parameters, and one article whose link
    # moved (same own guid): nothing is archived again.
    feed.items = [
        {**item, "link": item["link"].split("?")[0] + "?utm_campaign=x&utm_medium=feed"}
        for item in feed.items
    ]
    feed.items[-1]["link"] = httpserver.url_for("/moved/5.html")
    code, report, err = run_json(site, capsys)
    assert code == 0, err
    assert report["results"][0]["new"] == []
    assert len(site.post_names()) == 5


# -- 5. one run per site -------------------------------------------------------------------


class HeldServer(ThreadedServer):
    """Article pages; ``/held/…`` is answered only once ``release`` is set."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.held = threading.Event()  # set when a held request has arrived
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                if self.path.startswith("/held/"):
                    server.held.set()
                    server.release.wait(60)
                body = article(f"Page {self.path}")
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.serve(Handler)


@pytest.fixture
def held() -> Iterator[HeldServer]:
    with HeldServer() as server:
        yield server


def _config(root: Path, name: str, state: str, feed_url: str) -> Path:
    path = root / name
    data = {
        "site_dir": "site",
        "state_path": state,
        "network": {"allow_private_addresses": True, "timeout": 60, "per_host_delay": 0},
        "feeds": [{"name": "News", "url": feed_url, "content": "page"}],
    }
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def _backfill(config: Path, *urls: str) -> list[str]:
    return [sys.executable, "-m", "rssarchive", "--config", str(config), "backfill", *urls]


def _env() -> dict[str, str]:
    paths = [str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}


def test_two_configs_sharing_a_site_run_one_at_a_time(tmp_path: Path, held: HeldServer) -> None:
    # Two configs, one site_dir, a state database each: the lock is the site's.
    first = _config(tmp_path, "first.yaml", "state-first/state.sqlite3", held.url("/f.xml"))
    second = _config(tmp_path, "second.yaml", "state-second/state.sqlite3", held.url("/f.xml"))
    running = subprocess.Popen(
        _backfill(first, held.url("/held/1.html")),
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert held.held.wait(60), "the first run never reached the server"
        # What the first run may have staged by now: a temporary file of its own.
        posts = tmp_path / "site" / "_posts"
        posts.mkdir(parents=True, exist_ok=True)
        staged = posts / ".rssarchive-0123456789abcdef.tmp"
        staged.write_text("a post being written", encoding="utf-8")

        other = subprocess.run(
            _backfill(second, held.url("/other.html")),
            env=_env(),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert other.returncode == 75, other.stderr
        lock = site_lock_path(tmp_path / "site")
        assert other.stderr == f"rssarchive: another rssarchive run holds {lock}; nothing done\n"
        assert staged.exists(), "the second run removed the first one's staged post"
        assert not (tmp_path / "state-second").exists()  # it touched nothing at all
        assert running.poll() is None
    finally:
        held.release.set()
    _, err = running.communicate(timeout=120)
    assert running.returncode == 0, err

    # Now the second config's run goes ahead, and cleans what no live run owns.
    done = subprocess.run(
        _backfill(second, held.url("/other.html")),
        env=_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert not staged.exists()
    names = sorted(os.listdir(tmp_path / "site" / "_posts"))
    assert len(names) == 2 and not [n for n in names if n.startswith(".")], names


# -- 9. control characters in titles ---------------------------------------------------------


def test_a_line_break_in_a_title_becomes_a_space(site: Site, httpserver: HTTPServer) -> None:
    feed = Feed(httpserver)
    feed.items = [feed.item(1, day=2, title="Line one\nline two\t(and\r\na tab)")]
    site.write_config([{"name": "Titles", "url": feed.url, "content": "feed"}])
    assert site.cli("-q", "run", "--now", NOW) == 0
    assert site.post_names() == ["2024-07-02-Line one line two (and a tab).md"]
    name = site.post_names()[0]
    assert front_title(site, name) == "Line one line two (and a tab)"
    text = (site.posts / name).read_text(encoding="utf-8")
    assert "\n[Line one line two (and a tab)](" in text
