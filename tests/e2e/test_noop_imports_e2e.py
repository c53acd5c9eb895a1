"""Issue 18's no-op target: a cron run where every feed answers 304 costs little more
than its network and the interpreter's start. Most of what it costs beyond them is
imports (bench/RESULTS.md, "no-op run"), so a run that writes nothing must not import
what only writing, extracting or comparing pages needs. Counted by what is imported in
a real run of the command line against a real local server, not timed."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import Site
from pytest_httpserver import HTTPServer
from test_integrity_e2e import NOW, rss
from werkzeug import Request, Response

# What a run that finds every feed unchanged has no use for: the sanitizer and its HTML
# libraries (posts are written only from new items), the feed parser (a 304 has no
# body), the extractor, and the re-checks' page comparison (nothing is due: its modules
# compile large patterns, about 40 ms of a 0.8 s run).
NOT_FOR_A_NO_OP = (
    "lxml",
    "nh3",
    "feedparser",
    "trafilatura",
    "rssarchive.core.sanitize",
    "rssarchive.extract.article",
    "rssarchive.core.recheck",
    "rssarchive.core.recheck_text",
    "rssarchive.core.recheck_tokens",
    "rssarchive.core.recheck_page",
)

RUN = (
    "import json, sys\n"
    "from rssarchive import cli\n"
    "code = cli.main(sys.argv[1:])\n"
    "print(json.dumps({'code': code, 'modules': sorted(sys.modules)}), file=sys.stderr)\n"
)


def run_in_new_process(site: Site) -> tuple[int, set[str]]:
    done = subprocess.run(
        [sys.executable, "-c", RUN, "--config", str(site.config), "-q", "run", "--now", NOW],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=site.root,
    )
    result = json.loads(done.stderr.strip().splitlines()[-1])
    return int(result["code"]), set(result["modules"])


def test_a_run_where_every_feed_answers_304_imports_nothing_for_writing(
    site: Site, httpserver: HTTPServer
) -> None:
    item = {
        "title": "Story 1",
        "link": httpserver.url_for("/story/1.html"),
        "content": "<p>Story 1: a whole article of the feed's own text.</p>",
        "pubDate": "01 Jul 2024 08:00:00 GMT",
    }

    def feed(request: Request) -> Response:
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304, headers={"ETag": '"v1"'})
        return Response(rss([item]), content_type="application/rss+xml", headers={"ETag": '"v1"'})

    httpserver.expect_request("/feed.xml").respond_with_handler(feed)
    site.write_config(
        [{"name": "Quiet", "url": httpserver.url_for("/feed.xml"), "content": "feed"}]
    )
    code, first = run_in_new_process(site)
    assert code == 0
    assert len(list(site.posts.glob("*.md"))) == 1
    # The first run wrote a post: it needed them (the check counts something).
    assert {"lxml", "nh3", "rssarchive.core.sanitize"} <= first

    code, modules = run_in_new_process(site)
    assert code == 0
    assert sorted(m for m in NOT_FOR_A_NO_OP if m in modules) == []
    assert len(list(site.posts.glob("*.md"))) == 1


def test_the_list_names_modules_that_exist() -> None:
    import importlib.util

    for name in NOT_FOR_A_NO_OP:
        assert importlib.util.find_spec(name) is not None, name
