"""Stand-ins for work sent to worker processes that hang their worker on a marked input."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

# What the real jobs import, not the pipeline: a worker pays for these imports inside
# its time limit, and the pipeline's took longer than the tests' limit on a loaded
# machine, timing out a batch that was not marked.
from rssarchive.publish import entry_posts
from rssarchive.sources import feeds

MARK = "HANG-IN-WORKER"


def feed_posts(items: list[Any], archived_at: datetime, *args: Any) -> list[Any]:
    if any(MARK in (entry.content or "") for _, entry, _ in items):
        time.sleep(60)
    return entry_posts.feed_posts(items, archived_at, *args)


def read_feed(data: bytes, url: str, **kwargs: Any) -> feeds.ParsedFeed:
    if MARK.encode() in data:
        time.sleep(60)
    return feeds.read_feed(data, url, **kwargs)
