"""Whether a page that answered 200 is a redirect stub, and where it sends, pure (look16f
s38): an old CMS's move, a link shortener or an aggregator answers with a page whose
only job is to send the browser on, by ``<meta http-equiv="refresh" content="0;
url=…">`` or a script setting ``location``. Such a page is no article: the HTTP module
follows it as a redirect (net/http.py: same address checks, counted against the same
limit, at most STUB_HOPS of them). Tested as a table in tests/core/test_stubs.py.

A stub is a page that is nothing else (look16g F3): its text tiny, no sentence of prose,
and its script's assignment a top-level statement, run as the page loads. A location
string inside a function, a handler, an ``if`` or a ternary may never run (a
"subscribe" button, an old-browser check), and a refresh inside ``<noscript>`` is for a
browser without scripts only: a short brief holding one is a brief, kept.
"""

from __future__ import annotations

import html
import re

# A refresh later than this is a page's own reload or a "you will be taken there in a
# minute" notice over real content, not a stub: browsers show a stub for no longer.
STUB_DELAY_SECONDS = 5
# A stub shows a line ("Redirecting…", "If you are not redirected, click here"), the
# URLs it names aside; a page showing more text than this, besides its title, is a page
# (a short brief), whatever its head says (look16g F3).
STUB_TEXT_CHARS = 100
# A sentence this many words long not about being sent on is prose: an article's.
PROSE_WORDS = 10
# A page this long (its HTML) is read no further: a stub is small.
STUB_PAGE_BYTES = 64 * 1024
# How many stubs one fetch follows, one after another: a chain longer is a loop or a
# trap, a failed attempt.
STUB_HOPS = 3

_META = re.compile(r"(?is)<meta\b[^>]*>")
_ATTR = re.compile(r"""(?is)\b([a-z-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_REFRESH = re.compile(r"(?is)^\s*(\d+(?:\.\d*)?)\s*(?:[;,]\s*(?:url\s*=\s*)?(.*))?$")
# A script's assignment of the page's location to a string: "window.location =",
# "location.href =", "top.location.replace(", "document.location.assign(".
_JS_LOCATION = re.compile(
    r"""(?s)\b(?:(?:window|document|top|self|parent)\s*\.\s*)?location"""
    r"""(?:\s*\.\s*href)?\s*(?:=(?!=)\s*|\.\s*(?:replace|assign)\s*\(\s*)"""
    r"""(["'])([^"'\s]+)\1"""
)
_SCRIPT = re.compile(r"(?is)<script\b([^>]*)>(.*?)</script\s*>")
# An inline script's type that browsers run: none, a module or a JavaScript one.
_JS_TYPE = re.compile(r"(?i)^(?:|module|(?:text|application)/(?:java|ecma)script)$")
_NOSCRIPT = re.compile(r"(?is)<noscript\b.*?(?:</noscript\s*>|$)")
_TITLE = re.compile(r"(?is)<title\b.*?</title\s*>")
_URL = re.compile(r"(?i)\b(?:https?://|www\.)\S+")
_SENTENCE = re.compile(r"[^.!?…]+")
# A stub's line speaks of sending on ("If you are not redirected, click here").
_SENDS_ON = re.compile(r"(?i)redirect|click|follow|continue|link|moved|taken|browser|javascript")
# A timer run as the page loads, whose callback sets the location first thing: a stub's
# "in a moment" (``setTimeout(function () { location.href = …; }, 0)``).
_TIMER = re.compile(
    r"(?:window\s*\.\s*)?setTimeout\s*\(\s*(?:function\s*\(\s*\)\s*\{|\(\s*\)\s*=>\s*\{?)\s*$"
)


def redirect_stub(page: str) -> str | None:
    """Where ``page`` (a 200's HTML, decoded) sends the browser when it is a redirect
    stub, as written (relative or not: the caller resolves it against the page's URL),
    else None: a refresh of at most STUB_DELAY_SECONDS naming a URL outside
    ``<noscript>``, or a top-level statement of an inline script setting the page's
    location to one, on a page showing nothing else (_nothing_else)."""
    if len(page) > STUB_PAGE_BYTES:
        return None
    target = _meta_refresh(_NOSCRIPT.sub(" ", page))
    if target is None:
        found = (_top_level_location(attrs, code) for attrs, code in _SCRIPT.findall(page))
        target = next((t for t in found if t is not None), None)
    if not target or target.startswith(("#", "javascript:", "data:")):
        return None
    return target if _nothing_else(page) else None


def _nothing_else(page: str) -> bool:
    """Whether ``page`` shows no more than a stub's line: at most STUB_TEXT_CHARS of
    text, its title and the URLs it names aside, and no sentence of prose (PROSE_WORDS
    words or more, not about being sent on)."""
    # Imported here, for a page that may be a stub: a run of 304s loads no walls.
    from rssarchive.core.walls import visible_text

    shown = _URL.sub(" ", visible_text(_TITLE.sub(" ", page)))
    if len(" ".join(shown.split())) > STUB_TEXT_CHARS:
        return False
    return not any(
        len(s.split()) >= PROSE_WORDS and _SENDS_ON.search(s) is None
        for s in _SENTENCE.findall(shown)
    )


def _top_level_location(attrs: str, code: str) -> str | None:
    """The URL an inline script's top-level statement sets the page's location to,
    else None: one inside braces or brackets (a function, a handler, a block), after an
    ``if (…)``, an ``else`` or an operator (a branch that may never run) is none."""
    kind = (m[2] or m[3] or m[4] for m in _ATTR.finditer(attrs) if m[1].lower() == "type")
    if _JS_TYPE.match(next(kind, "").strip()) is None:
        return None
    for found in _JS_LOCATION.finditer(code):
        if _statement_start(_blank(code[: found.start()])):
            return found[2]
    return None


def _statement_start(code: str) -> bool:
    """Whether the end of ``code`` (blanked) is where a top-level statement that always
    runs starts, or the start of a top-level timer's callback (_TIMER)."""
    timer = _TIMER.search(code)
    if timer is not None:
        code = code[: timer.start()]
    before = _code_before(code)
    return before is not None and not before.rstrip().endswith(_NOT_STATEMENT_START)


# What a statement that runs only sometimes ends its text before the location with:
# an if's condition, an else, an arrow, an operator, a comma.
_NOT_STATEMENT_START = (")", "else", "=>", "?", ":", "&", "|", ",", "=", "(", "[", "!", "+", ".")
_SKIP = re.compile(r"""(?s)//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|`[^`]*`""")


def _blank(code: str) -> str:
    """``code`` with its comments removed and its strings emptied: their braces and
    semicolons are not the script's."""
    return _SKIP.sub(lambda m: " " if m[0].startswith("/") else '""', code)


def _code_before(code: str) -> str | None:
    """The statement's text before whatever follows ``code`` (blanked), when that
    stands at the script's top level (no brace, bracket or parenthesis open), else
    None. A statement is ended by ``;``, a closing brace or a line's end (JavaScript's
    automatic semicolons), so the text back to the last is what precedes in its
    statement; when nothing does on its line, the line before (a brace-less ``if (…)``
    or ``else`` there makes it a branch)."""
    depth = 0
    for char in code:
        depth += (char in "{[(") - (char in "}])")
    if depth != 0:
        return None
    last = max(code.rfind(";"), code.rfind("}"))
    tail = code[last + 1 :]
    head, _, line = tail.rpartition("\n")
    if line.strip():
        return line
    return head.rstrip().rsplit("\n", 1)[-1] if head.strip() else ""


def _meta_refresh(page: str) -> str | None:
    for tag in _META.findall(page):
        attrs = {m[1].lower(): html.unescape(m[2] or m[3] or m[4]) for m in _ATTR.finditer(tag)}
        if attrs.get("http-equiv", "").strip().lower() != "refresh":
            continue
        found = _REFRESH.match(attrs.get("content", ""))
        if found is None or float(found[1]) > STUB_DELAY_SECONDS:
            return None
        target = (found[2] or "").strip().strip("'\"").strip()
        return target or None
    return None
