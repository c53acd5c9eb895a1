"""An extraction job for the worker-pool tests: sleeps or dies on request."""

from __future__ import annotations

import os
import time
from typing import Any

from rssarchive.core.models import Article


def job(page: bytes, url: str, **_: Any) -> Article:
    if page == b"hang":
        time.sleep(60)
    if page == b"die":
        os._exit(3)
    return Article(body_html=f"<p>{page.decode()}</p>", source="rule")


def dies_counting(path: str) -> None:
    """Adds a line to ``path``, then dies: the file counts the calls made."""
    with open(path, "a", encoding="utf-8") as file:
        file.write("call\n")
    os._exit(3)


def extractor_loaded() -> tuple[int, bool]:
    """This worker's pid, and whether it has imported trafilatura."""
    import sys

    return os.getpid(), "trafilatura" in sys.modules


def echo(data: bytes) -> bytes:
    """The bytes back: a large result, as a big feed's parse is."""
    return data


class _NeedsTwoArguments(Exception):
    def __init__(self, first: str, second: str) -> None:
        super().__init__(f"{first}: {second}")  # args: one string, so it cannot be rebuilt


def raises_what_cannot_travel() -> None:
    raise _NeedsTwoArguments("a", "b")


def returns_what_cannot_travel() -> object:
    return lambda: None  # a lambda cannot be pickled
