"""Article values -> post text and file name, exactly in the archive's format.

The format is ``docs/post-format.md``; the two seeds are its reference; its layout
(which line goes where) is ``core/postformat.py``, which this module fills. This
module is pure: the clock is a parameter and nothing is read or written.

Body, in this order (each step says why it is where it is):

1. control characters removed -- first, because removing them after sanitising could
   rebuild markup the sanitiser judged inert (``<!-- -\\x01->`` becomes ``-->`` and
   closes a comment early; ``java\\x01script:`` becomes ``javascript:``);
2. sanitize_html -- the policy; it also appends ``referrerpolicy="no-referrer"`` to
   every ``<img>`` lacking it, as the last attribute (the seeds show it there);
3. control characters removed again -- the sanitiser writes out character references
   such as ``&#10;`` as the raw character, and the body must be one line;
4. sanitize_html again -- so that step 3 cannot have changed the meaning of anything;
   its input holds no control character now, so neither does its output;
5. guard_liquid -- after the sanitiser, which would decode the brace references;
6. trimmed.

On the seeds, every step but 1 and 6 is the identity, so they come out byte for byte.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Final

from rssarchive.core import postformat, yamlsafe
from rssarchive.core.controls import without_lone_surrogates
from rssarchive.core.dates import to_utc
from rssarchive.core.errors import WriteError
from rssarchive.core.models import Post
from rssarchive.core.sanitize import CONTROL_CHARS, guard_liquid, sanitize_html, strip_control_chars
from rssarchive.core.urls import is_safe_link

_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_MS: Final = timedelta(milliseconds=1)

# What JavaScript's String.prototype.trim removes (the old archiver was JavaScript; its
# "NaN" shows it) once control characters are gone: Unicode spaces, line/paragraph
# separators and the BOM.
_TRIM_CHARS: Final = (
    " \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)

# Characters YAML must not see raw even inside double quotes: U+2028/U+2029 are line
# breaks to YAML 1.1 (PyYAML and libyaml both fold them), U+FEFF may be taken for a byte
# order mark, U+FFFE/U+FFFF are not printable. Written as \u escapes, they parse back.
_YAML_ESCAPED: Final = {
    "\\": "\\\\",
    '"': '\\"',
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
    "\ufeff": "\\ufeff",
    "\ufffe": "\\ufffe",
    "\uffff": "\\uffff",
}
_YAML_ESCAPE_RE: Final = re.compile("[" + re.escape("".join(_YAML_ESCAPED)) + "]")

# A value is written bare only when none of these can make YAML (PyYAML here, Ruby's
# Psych in Jekyll) read it as something else. Bare-safety is then confirmed by parsing.
_PLAIN_FIRST_FORBIDDEN: Final = frozenset("-?:,[]{}#&*!|>'\"%@`+.~=<\\0123456789")
_PLAIN_WORDS: Final = frozenset(
    {"yes", "no", "y", "n", "true", "false", "on", "off", "null", "~", "nan", "inf"}
)
# Inside `[ ... ]` these also end a plain scalar.
_FLOW_INDICATORS: Final = frozenset(",[]{}")

# Markdown in the heading line: a backslash would escape what follows it, "<" would
# start raw HTML, "&" before a name and ";" would be read as a character reference.
# Brackets are escaped only where they would break the link (see _link_brackets).
# Braces are left to guard_liquid.
_HEADING_ESCAPES: Final = re.compile(r"[\\\[\]<]|&(?=#?[A-Za-z0-9]+;)")
# Characters that would end or break the markdown link target "(url)"; percent-encoding
# them keeps the URL equivalent. Braces are encoded for Liquid.
_URL_ESCAPES: Final = {c: f"%{ord(c):02X}" for c in " ()<>{}\\\"'`"}

_DATE_PREFIX: Final = re.compile(r"\d{4}-\d{2}-\d{2}")
# From docs/post-format.md: "<first 10 characters of date>-<first 50 characters of the title>".
TITLE_CHARS_IN_NAME: Final = 50
# The usual limit of a file name, in bytes, on ext4, APFS, NTFS (UTF-16 units, fewer).
MAX_NAME_BYTES: Final = 255
# Hex digits of sha1(url) that tell apart two articles whose names would be the same;
# widened if even that is taken.
_HASH_LENGTHS: Final = (8, 16, 40)


def _clean(text: str) -> str:
    return strip_control_chars(without_lone_surrogates(text))


# A run of control characters (a line break, a tab), with the spaces around it, in a
# title: it separated two words, so it becomes one space ("Line one\nline two" must not
# read "Line oneline two").
_TITLE_BREAK: Final = re.compile(r" *(?:" + CONTROL_CHARS.pattern + r")+ *")
# Line and paragraph separators: kept in the front matter's title (escaped there, it
# reads back exactly), but in the heading line they would break the line for a
# JavaScript reader or a browser: one space, as in the file name.
_SEPARATORS: Final = re.compile(" *[\u2028\u2029]+ *")


def clean_title(text: str) -> str:
    """A title on one line: each run of control characters between words becomes one
    space; at either end, where it separates nothing, it is removed."""
    text = without_lone_surrogates(text)
    return _TITLE_BREAK.sub(lambda m: " " if m.start() > 0 and m.end() < len(text) else "", text)


def trim(text: str) -> str:
    """Trim whitespace at both ends as JavaScript's ``trim`` does (controls already gone)."""
    return text.strip(_TRIM_CHARS)


def format_date(moment: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SS.mmmZ`` in UTC; a naive datetime is taken as UTC."""
    utc = to_utc(moment)
    return f"{utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond // 1000:03d}Z"


def epoch_ms(moment: datetime) -> int:
    """Milliseconds since the epoch, rounded down, as JavaScript's ``getTime``."""
    return (to_utc(moment) - _EPOCH) // _ONE_MS


def post_date(published: datetime | None, archived_at: datetime) -> datetime:
    """The publication time when known and not in the future, else the archiving time."""
    if published is not None and to_utc(published) <= to_utc(archived_at):
        return published
    return archived_at


def quote_yaml(value: str) -> str:
    """A YAML double-quoted scalar that parses back to exactly ``value``."""
    return '"' + _YAML_ESCAPE_RE.sub(lambda m: _YAML_ESCAPED[m.group()], value) + '"'


# An http(s) URL of printable ASCII with no space and no final ":" is always a plain
# YAML scalar in block context (the indicators that matter only count at the start or
# after a space); it skips the parse-back check below, the costliest part of a post.
_PLAIN_URL = re.compile(r"https?://[!-~]*[!-9;-~]\Z")


def _plain_is_safe(value: str, *, flow: bool) -> bool:
    # URLs are decided by a pattern: each is new, so caching them would only evict the
    # values that do repeat.
    return (not flow and _PLAIN_URL.match(value) is not None) or _plain_parses_back(
        value, flow=flow
    )


@functools.lru_cache(maxsize=4096)  # feed names, authors and tags repeat in every post
def _plain_parses_back(value: str, *, flow: bool) -> bool:
    if not value or value != trim(value) or value != value.strip():
        return False
    if value[0] in _PLAIN_FIRST_FORBIDDEN or value.lower() in _PLAIN_WORDS:
        return False
    if ": " in value or " #" in value or value.endswith(":") or _YAML_ESCAPE_RE.search(value):
        return False
    if flow and any(c in _FLOW_INDICATORS for c in value):
        return False
    document = f"k: [ {value} ]" if flow else f"k: {value}"
    try:
        parsed = yamlsafe.safe_load(document)
    except yamlsafe.YAMLError:
        return False
    expected: object = [value] if flow else value
    return isinstance(parsed, dict) and parsed == {"k": expected}


def yaml_value(value: str, *, flow: bool = False) -> str:
    """``value`` bare when YAML reads it back unchanged (as the seeds show), else quoted."""
    value = _clean(value)
    return value if _plain_is_safe(value, flow=flow) else quote_yaml(value)


def _yaml_list(values: Sequence[str]) -> str:
    if not values:
        return "[ ]"
    return "[ " + ", ".join(yaml_value(clean_title(v), flow=True) for v in values) + " ]"


def _link_brackets(text: str) -> set[int]:
    """Positions of the brackets in ``text`` that must be escaped inside a link text.

    A link text may hold balanced brackets as they are (``[[Chinese] news](url)`` is
    one link, as the existing archive writes it). Escaped are: a bracket without its
    partner, which would end the link early or leave it open; and a pair whose ``]``
    is followed by ``(`` or ``[``, which would make a link (or a reference) inside the
    link.
    """
    escaped: set[int] = set()
    opened: list[int] = []
    for index, char in enumerate(text):
        if char == "[":
            opened.append(index)
        elif char == "]":
            if not opened:
                escaped.add(index)
                continue
            start = opened.pop()
            if text[index + 1 : index + 2] in ("(", "["):
                escaped.update((start, index))
    escaped.update(opened)
    return escaped


def _heading_title(title: str) -> str:
    text = trim(_SEPARATORS.sub(" ", clean_title(title)))
    brackets = _link_brackets(text)

    def escape(match: re.Match[str]) -> str:
        char = match.group()
        if char == "<":
            return "&lt;"
        if char == "&":
            return "&amp;"
        if char in "[]" and match.start() not in brackets:
            return char
        return "\\" + char

    return guard_liquid(_HEADING_ESCAPES.sub(escape, text))


def _heading_url(url: str) -> str:
    return "".join(_URL_ESCAPES.get(c, c) for c in _clean(url))


def render_body(body_html: str) -> str:
    """The post body: one line of sanitised, Liquid-guarded HTML (order in module doc)."""
    body = sanitize_html(strip_control_chars(without_lone_surrogates(body_html)))
    stripped = strip_control_chars(body)
    if stripped != body:
        # nh3 wrote a character reference (&#10; …) out as a control character: clean
        # again. Otherwise a second pass would change nothing (the policy is idempotent).
        body = sanitize_html(stripped)
    return trim(guard_liquid(body))


def _check_url(url: str) -> None:
    # The heading becomes a link: anything but http(s) there would be a live
    # javascript:/data: link in the site, a control character could end the front
    # matter's line. The feed stage refuses such items already (the same rule).
    if not is_safe_link(url):
        raise ValueError(f"not an http(s) article URL: {url!r}")


def render_post(
    *,
    title: str,
    url: str,
    published: datetime | None,
    archived_at: datetime,
    author: str,
    tags: Sequence[str],
    categories: Sequence[str],
    body_html: str,
    taken: Callable[[str], bool] | None = None,
) -> Post:
    """The post file for one article. ``taken``: see post_filename.

    Raises ValueError when ``url`` is not an http(s) URL.
    """
    _check_url(url)
    date_text = format_date(post_date(published, archived_at))
    epoch = "NaN" if published is None else str(epoch_ms(published))
    text = postformat.compose(
        title=quote_yaml(clean_title(title)),
        date=date_text,
        # A tab or a line break between an author's (a tag's) words separated them too.
        author=yaml_value(clean_title(author)),
        from_url=yaml_value(url),
        tags=_yaml_list(tags),
        categories=_yaml_list(categories),
        epoch=epoch,
        heading=_heading_title(title),
        link=_heading_url(url),
        body=render_body(body_html),
    )
    filename = post_filename(date_text, title, url, taken)
    return Post(filename=filename, text=text, url=url, title=title)


def relinked_post(text: str, url: str) -> str | None:
    """An archived post's text for its article at another URL (it moved, and its old
    link is another article's now): its ``from:`` and heading link, the rest kept; None
    when the post is not in our layout. Raises ValueError when ``url`` is not http(s)."""
    _check_url(url)
    return postformat.relinked(text, yaml_value(url), _heading_url(url))


def title_part(title: str | None) -> str:
    """The part of a post's file name its title makes ("" for none): how a guid-less
    feed's archived articles are found by title (State.posts_titled)."""
    return _name_part(title or "")


def _name_part(title: str) -> str:
    # Invisible format characters (a right-to-left override that shows the name's end
    # reversed, a zero-width space) go from the name, not from the title; line and
    # paragraph separators become spaces, like the control characters.
    visible = "".join(
        " " if c in "\u2028\u2029" else c
        for c in clean_title(title)
        if unicodedata.category(c) != "Cf"
    )
    part = visible[:TITLE_CHARS_IN_NAME]
    # Both path separators become "--" (the archive's rule for "/"), so the name is
    # always one plain component; without a separator ".." cannot be a path part. A
    # ":" (a URL for a title) is refused by Windows and shown as "/" by macOS: "-",
    # which Jekyll's slug treats alike, so the post's URL does not change.
    # Leading dots go (look16f s30): a name part starting with "." publishes at a
    # dot-file URL (`/2026/12/07/.-x.html`), which servers refuse and deploy tools skip;
    # one left empty takes the URL's hash in post_filename, as an empty title's does.
    return part.replace("/", "--").replace("\\", "--").replace(":", "-").lstrip(".")


def _fit(prefix: str, part: str, suffix: str) -> str:
    """prefix + part + suffix, the part cut on a character boundary to MAX_NAME_BYTES."""
    budget = MAX_NAME_BYTES - len((prefix + suffix).encode("utf-8"))
    encoded = part.encode("utf-8")[:budget]
    return prefix + encoded.decode("utf-8", "ignore") + suffix


def post_filename(
    date_text: str,
    title: str,
    url: str,
    taken: Callable[[str], bool] | None = None,
) -> str:
    """``<YYYY-MM-DD>-<first 50 characters of the title>.md``, a safe name in ``_posts``.

    ``taken(name)`` tells whether a DIFFERENT article already uses ``name``; then
    ``-`` and hex digits of sha1(url) go before ``.md``, so the choice is deterministic
    for the URL. Raises WriteError if even the longest such name is taken.
    """
    day = date_text[:10]
    if not _DATE_PREFIX.fullmatch(day):
        raise ValueError(f"not a date: {date_text!r}")
    digest = hashlib.sha1(without_lone_surrogates(url).encode("utf-8")).hexdigest()
    part = _name_part(title) or digest[: _HASH_LENGTHS[0]]
    name = _fit(f"{day}-", part, ".md")
    if taken is None or not taken(name):
        return name
    for length in _HASH_LENGTHS:
        name = _fit(f"{day}-", part, f"-{digest[:length]}.md")
        if not taken(name):
            return name
    raise WriteError("no free file name in _posts", url=url)
