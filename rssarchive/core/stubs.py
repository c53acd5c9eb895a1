"""Whether a page that answered 200 is a redirect stub, and where it sends, pure (look16f
s38): an old CMS's move, a link shortener or an aggregator answers with a page whose
only job is to send the browser on, by ``<meta http-equiv="refresh" content="0;
url=…">`` or a script setting ``location``. Such a page is no article: the HTTP module
follows it as a redirect (net/http.py: same address checks, counted against the same
limit, at most STUB_HOPS of them). Tested as a table in tests/core/test_stubs.py.
"""

from __future__ import annotations

import html
import re

from rssarchive.core.walls import visible_text

# A refresh later than this is a page's own reload or a "you will be taken there in a
# minute" notice over real content, not a stub: browsers show a stub for no longer.
STUB_DELAY_SECONDS = 5
# A stub shows a line or two ("Redirecting to …. If you are not redirected, follow this
# link."); a page showing more text than this is a page, whatever its head says.
STUB_TEXT_CHARS = 500
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
_SCRIPT = re.compile(r"(?is)<script\b[^>]*>(.*?)</script\s*>")
_JS_LOCATION = re.compile(
    r"""(?s)\b(?:(?:window|document|top|self|parent)\s*\.\s*)?location"""
    r"""(?:\s*\.\s*href)?\s*(?:=(?!=)\s*|\.\s*(?:replace|assign)\s*\(\s*)"""
    r"""(["'])([^"'\s]+)\1"""
)


def redirect_stub(page: str) -> str | None:
    """Where ``page`` (a 200's HTML, decoded) sends the browser when it is a redirect
    stub, as written (relative or not: the caller resolves it against the page's URL),
    else None: a refresh of at most STUB_DELAY_SECONDS naming a URL, or a script setting
    the page's location to one, on a page showing at most STUB_TEXT_CHARS of text."""
    if len(page) > STUB_PAGE_BYTES:
        return None
    target = _meta_refresh(page)
    if target is None:
        found = (_JS_LOCATION.search(script) for script in _SCRIPT.findall(page))
        target = next((m[2] for m in found if m is not None), None)
    if not target or target.startswith(("#", "javascript:", "data:")):
        return None
    return target if len(visible_text(page)) <= STUB_TEXT_CHARS else None


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
