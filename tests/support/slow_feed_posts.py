"""A stand-in for pipeline.feed_posts that hangs its worker on a marked item."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from rssarchive import pipeline

MARK = "HANG-IN-WORKER"


def feed_posts(items: list[Any], archived_at: datetime) -> list[Any]:
    if any(MARK in (entry.content or "") for _, entry, _ in items):
        time.sleep(60)
    return pipeline.feed_posts(items, archived_at)
