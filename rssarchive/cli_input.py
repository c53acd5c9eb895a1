"""What the command line reads besides its options: backfill's URLs, given as arguments
or listed in a file (``--from-file``), each checked before any request.

Moved out of cli.py (issue 18); a bad URL is a UsageError (exit 2) naming where it was.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

from rssarchive.core.encodings import without_bom
from rssarchive.core.errors import UsageError


def _handed_over(items: list[str]) -> Iterator[str]:
    """Each item of ``items``, let go of as it is taken: a list of 100,000 URLs is not
    held through the run once each is recorded in the state database."""
    items.reverse()
    while items:
        yield items.pop()


def _checked_url(text: str, what: str) -> str:
    """``text`` when it is an absolute http(s) URL; a UsageError (exit 2, before any
    request) when it is not."""
    from rssarchive.core.urls import http_url_problem

    url = text.strip()
    if http_url_problem(url, typed=True) is not None:
        raise UsageError(f"{what} {text!r}: not an absolute http(s) URL")
    return url


def _read_urls(path: Path) -> list[str]:
    """The URLs listed in ``path``: one a line; blank lines, whole-line and inline
    ``#`` comments and surrounding whitespace ignored. A line that is not a URL is a
    UsageError naming its line number."""
    try:
        text = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"--from-file {path}: cannot read ({exc})") from exc
    text = without_bom(text)  # a UTF-8 BOM, as Windows editors write
    urls: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = _without_comment(line).strip()
        if not line:
            continue
        urls.append(_checked_url(line, f"--from-file {path}, line {number}:"))
    return urls


def _without_comment(line: str) -> str:
    # A comment starts at a "#" that begins the line or follows a space or tab: a "#"
    # inside a URL is its fragment (https://example.org/a#b), never after a space.
    if line.lstrip().startswith("#"):
        return ""
    cut = min((i for i in (line.find(" #"), line.find("\t#")) if i >= 0), default=-1)
    return line if cut < 0 else line[:cut]
