"""The post format (docs/post-format.md): the one place that reads a post file's text
into its parts and puts a post together from them (review 18 H12).

Pure: text in, values out. The values a post's front matter holds are encoded by
``publish/render.py`` (YAML quoting, the heading's escapes); where they go in the file,
and how a file is cut back into them, is said here only::

    ---                      \\
    layout: post              |  the front matter: ``front``, its lines between the
    title: "<title>"          |  fences (the first line, and the next line that is
    date: <date>              |  ``---``; surrounding spaces and a CR ignored)
    ...                       |
    ---                       |  head: everything before the body
    <!--<ms or NaN>-->        |  (the marker line: ``epoch``)
    [<title>](<url>)          |
    ------                    |
                             /
    <div>                        the body: between the first "<div>" line and the
    <body>                       last "</div>" line after it
    </div>
                                 tail: what follows (nothing, in ours)

``assemble(parse(text)) == text`` for every text: a post that is not in this layout
(written by hand, a file cut short) keeps its whole text as ``head`` and has no body.

How each field is read: as its reader read it before they met here, but where is one
rule now: the title is read in the front matter only and the marker before the body
only (both were searched in the whole text), and a CR before a line's end is ignored
for every field (the date and the marker of a CRLF post were not read):

- ``title``: the first front-matter line ``title: …``, read as YAML (a quoted title with
  ``\\"`` and ``\\\\`` comes back exactly); None when absent, empty or unreadable;
- ``from_url``: the first front-matter line ``from:``, its value as written (trimmed), or
  read as YAML when quoted; None when absent or empty;
- ``date``: the first front-matter line ``date:``, its value trimmed; ``date_time`` reads
  it (ours, ``2024-07-24T01:45:53.725Z``, or Jekyll's ``2024-07-24 01:45:53 +0800``);
- ``epoch``: the value of the first ``<!--…-->`` marker line before the body (digits, or
  ``NaN`` for "no publication time"); None when the post has none (its date unknown,
  which is not "undated"); ``published`` is its time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Final

from rssarchive.core import yamlsafe
from rssarchive.core.dates import parse_iso

FENCE: Final = "---"
# The line under the heading; the body's own lines.
HEADING_RULE: Final = "------"
BODY_OPEN: Final = "\n<div>\n"
BODY_CLOSE: Final = "\n</div>\n"

_EPOCH_LINE: Final = re.compile(r"^<!--(-?\d+|NaN)-->\r?$", re.M)
# Jekyll writes a zone as " +0800": parse_iso wants it joined to the time.
_SPACED_ZONE: Final = re.compile(r" ([+-]\d\d:?\d\d)$")


@dataclass(frozen=True)
class PostFile:
    """A post file's text cut into its parts (see the module's docstring)."""

    front: tuple[str, ...]  # the front matter's lines, without their line ends
    head: str  # everything before the body's "<div>" line; the whole text without a body
    body: str | None  # None when the text has no "<div>" … "</div>" body
    tail: str  # what follows the body's "</div>" line
    epoch: str | None  # the <!--…--> marker line's value: digits or "NaN"

    @property
    def title(self) -> str | None:
        line = self._line("title:")
        if line is None:
            return None
        try:
            data = yamlsafe.safe_load(line)
        except yamlsafe.YAMLError:
            return None
        if isinstance(data, dict) and data.get("title") is not None:
            return str(data["title"])
        return None

    @property
    def from_url(self) -> str | None:
        line = self._line("from:")
        if line is None:
            return None
        value = line[len("from:") :].strip()
        if value[:1] in ('"', "'"):
            try:
                loaded = yamlsafe.safe_load(value)
            except yamlsafe.YAMLError:
                return None
            return loaded if isinstance(loaded, str) else None
        return value or None

    @property
    def date(self) -> str | None:
        line = self._line("date:")
        value = None if line is None else line[len("date:") :].strip(" \t")
        return value or None

    @property
    def date_time(self) -> datetime | None:
        """The front matter's date, in UTC (the state compares times as text); None when
        it has none that reads as a time. A date without a zone is UTC."""
        if self.date is None:
            return None
        return parse_iso(_SPACED_ZONE.sub(r"\1", self.date.strip("'\"")))

    @property
    def published(self) -> datetime | None:
        """The publication time the marker line says; None for ``NaN``, for no marker
        and for a number no datetime can hold."""
        if self.epoch is None or self.epoch == "NaN":
            return None
        try:
            return datetime.fromtimestamp(int(self.epoch) / 1000, UTC)
        except (OverflowError, OSError, ValueError):
            return None

    @property
    def article(self) -> str:
        """The article as HTML: the body; for a post without one (not in our layout),
        what follows its heading's rule line, else its whole text."""
        if self.body is not None:
            return self.body
        _, found, rest = self.head.partition(f"\n{HEADING_RULE}\n")
        return rest if found else self.head

    def with_body(self, body: str) -> PostFile:
        """The same post with another body (its head and tail kept byte for byte); a
        post without a body has no place for one: ValueError."""
        if self.body is None:
            raise ValueError("the post has no body to replace")
        return replace(self, body=body)

    def _line(self, key: str) -> str | None:
        """The first front-matter line that sets ``key`` (``title:``…)."""
        return next((line for line in self.front if line.startswith(key)), None)


def parse(text: str) -> PostFile:
    """The parts of a post file's text (any text: a head of a file cut short too)."""
    head, opened, rest = text.partition(BODY_OPEN)
    inside, closed, tail = rest.rpartition(BODY_CLOSE)
    body: str | None = inside
    if not (opened and closed):
        head, body, tail = text, None, ""
    epoch = _EPOCH_LINE.search(head)
    return PostFile(_front(head), head, body, tail, None if epoch is None else epoch[1])


def _front(text: str) -> tuple[str, ...]:
    lines = text.split("\n")
    # A BOM before the fence: a Windows editor's save, which Jekyll reads as a post.
    if lines[0].removeprefix("\ufeff").strip() != FENCE:
        return ()
    front: list[str] = []
    for line in lines[1:]:
        if line.strip() == FENCE:
            break
        front.append(line.removesuffix("\r"))
    return tuple(front)


def front_closed(text: str) -> bool:
    """Whether ``text`` (a post's head) opens and closes its front matter."""
    lines = text.split("\n")
    if lines[0].removeprefix("\ufeff").strip() != FENCE:
        return False
    return any(line.strip() == FENCE for line in lines[1:])


def join(head: str, body: str, tail: str = "") -> str:
    """A post's text from its head, body and tail: the body's fences written here only."""
    return f"{head}{BODY_OPEN}{body}{BODY_CLOSE}{tail}"


def assemble(post: PostFile) -> str:
    """The text of a post: ``parse``'s inverse."""
    return post.head if post.body is None else join(post.head, post.body, post.tail)


def relinked(text: str, from_value: str, link: str) -> str | None:
    """A post's text with another article URL: its ``from:`` line's value and its
    heading's link (each already encoded, as compose takes them), all else byte for
    byte; None when the post has not both (not in our layout)."""
    post = parse(text)
    lines = post.head.split("\n")
    front_from = next(
        (i for i, line in enumerate(lines[1 : len(post.front) + 1], 1) if line.startswith("from:")),
        None,
    )
    rule = next((i for i, line in enumerate(lines) if line == HEADING_RULE), None)
    if front_from is None or rule is None or rule < 1:
        return None
    heading, found, _ = lines[rule - 1].rpartition("](")
    if not found or not lines[rule - 1].endswith(")"):
        return None
    lines[front_from] = f"from: {from_value}"
    lines[rule - 1] = f"{heading}]({link})"
    return assemble(replace(post, head="\n".join(lines)))


def compose(
    *,
    title: str,
    date: str,
    author: str,
    from_url: str,
    tags: str,
    categories: str,
    epoch: str,
    heading: str,
    link: str,
    body: str,
) -> str:
    """A new post's text, each value already encoded for its place (publish/render.py:
    YAML scalars and lists, the heading's escapes, the link's percent-encoding)."""
    head = "\n".join(
        [
            FENCE,
            "layout: post",
            f"title: {title}",
            f"date: {date}",
            f"author: {author}",
            f"from: {from_url}",
            f"tags: {tags}",
            "comments: True",
            f"categories: {categories}",
            FENCE,
            f"<!--{epoch}-->",
            f"[{heading}]({link})",
            HEADING_RULE,
            "",
        ]
    )
    return join(head, body)
