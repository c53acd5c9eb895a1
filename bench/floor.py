"""CPU floors, measured in a process of their own with the project's own libraries.

    python bench/floor.py pages LIST   # LIST: "URL<TAB>FILE" per line, article pages
    python bench/floor.py feeds LIST   # LIST: "URL<TAB>FILE" per line, feed documents

Prints one JSON object. For pages:

* ``bare_cpu``: bare ``trafilatura.extract(page_bytes, output_format="html",
  include_images=True, include_links=True)`` on every page, CPU seconds summed: the
  least any trafilatura-based archiver spends on extraction;
* ``extract_cpu``: rssarchive's ``extract_article`` on the same bytes (decoding, one lxml
  tree, site rule or trafilatura with its own options, link fixing);
* ``render_cpu``: rssarchive's ``render_post`` (nh3 sanitizing, Liquid guard, front
  matter) of what ``extract_article`` returned.

For feeds: ``feedparser_cpu`` (bare ``feedparser.parse``) and ``parse_feed_cpu``
(rssarchive's ``parse_feed``: decoding repair, caps, then feedparser).

Only the call is timed (``time.process_time``), never reading the file; imports are
reported apart (``import_cpu``) because a real run pays them once, not per page.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2025, 1, 1, tzinfo=UTC)


def _items(list_file: Path) -> list[tuple[str, Path]]:
    out = []
    for line in list_file.read_text(encoding="utf-8").splitlines():
        url, _, path = line.partition("\t")
        out.append((url, Path(path)))
    return out


def pages(list_file: Path) -> dict[str, float | int]:
    start = time.process_time()
    import trafilatura

    from rssarchive.core.errors import ExtractError
    from rssarchive.extract.article import extract_article
    from rssarchive.publish.render import render_post

    imports = time.process_time() - start
    bare = extract = render = 0.0
    failed = 0
    total_bytes = 0
    for url, path in _items(list_file):
        data = path.read_bytes()
        total_bytes += len(data)
        t0 = time.process_time()
        trafilatura.extract(data, output_format="html", include_images=True, include_links=True)
        t1 = time.process_time()
        try:
            article = extract_article(data, url, content_type="text/html; charset=utf-8")
        except ExtractError:
            failed += 1
            continue
        t2 = time.process_time()
        render_post(
            title=article.title or url,
            url=url,
            published=None,
            archived_at=NOW,
            author="bench",
            tags=("bench",),
            categories=("bench",),
            body_html=article.body_html,
        )
        t3 = time.process_time()
        bare += t1 - t0
        extract += t2 - t1
        render += t3 - t2
    return {
        "count": len(_items(list_file)),
        "bytes": total_bytes,
        "import_cpu": imports,
        "bare_cpu": bare,
        "extract_cpu": extract,
        "render_cpu": render,
        "extract_failed": failed,
    }


def feeds(list_file: Path) -> dict[str, float | int]:
    start = time.process_time()
    import feedparser

    from rssarchive.sources.feeds import parse_feed

    imports = time.process_time() - start
    bare = ours = 0.0
    entries = 0
    for url, path in _items(list_file):
        data = path.read_bytes()
        t0 = time.process_time()
        parsed = feedparser.parse(data)
        t1 = time.process_time()
        parse_feed(data, url, content_type="application/rss+xml; charset=utf-8")
        t2 = time.process_time()
        bare += t1 - t0
        ours += t2 - t1
        entries += len(parsed.entries)
    return {
        "count": len(_items(list_file)),
        "entries": entries,
        "import_cpu": imports,
        "feedparser_cpu": bare,
        "parse_feed_cpu": ours,
    }


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("pages", "feeds"):
        print(__doc__, file=sys.stderr)
        return 2
    sys.path.insert(0, str(ROOT))  # the working tree's rssarchive, installed or not
    result = pages(Path(argv[1])) if argv[0] == "pages" else feeds(Path(argv[1]))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
