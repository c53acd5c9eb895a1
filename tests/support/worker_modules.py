"""Work sent to a worker process that says which of the package's modules it imported."""

from __future__ import annotations

import sys
from datetime import datetime
from typing import Any

from rssarchive.publish.entry_posts import feed_posts


def feed_posts_and_modules(items: list[Any], archived_at: datetime) -> tuple[list[Any], set[str]]:
    posts = feed_posts(items, archived_at)
    return posts, {name for name in sys.modules if name.startswith("rssarchive.")}
