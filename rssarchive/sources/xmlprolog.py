"""The start of an XML document, read the same way for feeds and sitemaps. Pure.

Both parsers refuse what a DOCTYPE could smuggle in and say HTML for what it is, so
both need what comes before the root element: the BOM and the ``<?xml …?>``
declaration (dropped: the text is already decoded, and lxml and feedparser are then
given UTF-8 with no declaration to disagree with), and the prolog's comments,
processing instructions and DOCTYPE. Plain loops, not one regex: a pattern with
nested repetition over a prolog could backtrack exponentially.
"""

from __future__ import annotations

import re

from rssarchive.core.encodings import without_bom

# "<?xml" and a space (or "?>"): a <?xml-stylesheet …?> instruction is no declaration.
_DECLARATION = re.compile(r"\A\s*<\?xml(?=[\s?])[^>]{0,500}?\?>")
_DOCTYPE_NAME = re.compile(r"<!DOCTYPE\s+([^\s\[>]+)", re.I)


def without_declaration(text: str) -> str:
    """``text`` without its BOM and its ``<?xml …?>`` declaration, whose line breaks are
    kept, so that a parse error still names the document's own line."""
    text = without_bom(text)
    declaration = _DECLARATION.match(text)
    if declaration is None:
        return text
    return "\n" * declaration.group(0).count("\n") + text[declaration.end() :]


def skip_misc(text: str, pos: int) -> int:
    """The position after the whitespace, comments and processing instructions that
    start at ``pos`` (XML's "Misc"): where a DOCTYPE or the root element may start. A
    comment or processing instruction never closed stops it there: no root follows."""
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if not text.startswith(("<?", "<!--"), pos):
            return pos
        closer = "?>" if text.startswith("<?", pos) else "-->"
        end = text.find(closer, pos + 2)
        if end < 0:
            return pos
        pos = end + len(closer)


def doctype_name(text: str, pos: int) -> str | None:
    """The name a DOCTYPE starting at ``pos`` declares (``html``, ``rss``), or None when
    no DOCTYPE starts there; "" for a DOCTYPE without a name."""
    if text[pos : pos + 9].upper() != "<!DOCTYPE":
        return None
    name = _DOCTYPE_NAME.match(text, pos)
    return name.group(1) if name else ""
