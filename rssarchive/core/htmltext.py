"""HTML to plain text: the package's one home for it. Pure (no network, disk or clock);
lxml is imported only by the function that parses. Tested in tests/core/test_htmltext.py.

Three readings, each for its callers' needs:

* :func:`markup_text`: a string's markup dropped by the one tag tokenizer
  (``htmltags``), each tag and comment replaced by ``tag_as``, entities read; the content
  of ``<script>`` and ``<style>`` is kept as written, as every parser keeps it. What a
  feed item's title is (``tag_as=""``: ``<b>U</b>SA`` is ``USA``) and what identity's
  text key digests (``tag_as=" "``, the default: two paragraphs are two words apart).
* :func:`element_text`: a parsed element's text, runs of ASCII whitespace as one space
  (an ideographic space, U+3000, in a Chinese title is content): what extraction judges
  and titles a post with.
* :func:`html_to_text`: a fragment's text, one block a line, each line's whitespace (any,
  U+3000 too) collapsed: what the re-checks compare and the versions keep.
"""

from __future__ import annotations

import re
from html import unescape
from typing import TYPE_CHECKING, Final

from rssarchive.core.htmltags import raw_text_end, tag_matches

if TYPE_CHECKING:
    from lxml.html import HtmlElement

__all__ = ["collapse_space", "element_text", "html_to_text", "markup_text"]

_ASCII_SPACE: Final = re.compile(r"[ \t\n\r\f]+")
# The elements whose content is text as written (HTMLParser's CDATA elements): kept,
# never read as markup.
_VERBATIM: Final = frozenset({"script", "style"})
_BLOCKS: Final = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"}
    | {"tr", "table", "section", "article", "figure", "figcaption", "pre", "dd", "dt"}
)


def markup_text(html: str, *, tag_as: str = " ") -> str:
    """``html`` without its markup: every tag, comment and doctype replaced by
    ``tag_as``, entities read, ``<script>``/``<style>`` content kept as written. A tag
    that never ends takes the rest of the text with it, as in browsers."""
    out: list[str] = []
    pos = 0  # the first character not yet copied
    while True:
        for match in tag_matches(html, pos):
            out += [unescape(html[pos : match.start()]), tag_as]
            pos = match.end()
            if match.group(4) is not None:  # never ends: the rest is inside it
                return "".join(out[:-1])
            name = (match.group(2) or "").lower()
            if name in _VERBATIM and not match.group(1):
                end = raw_text_end(html, name, pos)
                out.append(html[pos:end])
                pos = end
                break
        else:
            out.append(unescape(html[pos:]))
            return "".join(out)


def collapse_space(text: str) -> str:
    """Runs of ASCII whitespace as one space, trimmed (U+3000 and NBSP are content)."""
    return _ASCII_SPACE.sub(" ", text).strip(" ")


def element_text(el: HtmlElement) -> str:
    """A parsed element's text, its ASCII whitespace collapsed."""
    return collapse_space(el.text_content())


def html_to_text(html: str) -> str:
    """Text of an HTML fragment, one block a line, whitespace collapsed in each."""
    import lxml.etree
    import lxml.html

    if not html.strip():
        return ""
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (ValueError, lxml.etree.LxmlError):  # nothing lxml can read is no text
        return ""
    for el in root.iter():
        # A line break in the source is a space; only blocks make lines.
        el.text = el.text and " ".join(el.text.split("\n"))
        el.tail = el.tail and " ".join(el.tail.split("\n"))
        if isinstance(el.tag, str) and el.tag in _BLOCKS:
            el.tail = "\n" + (el.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().splitlines())
    return "\n".join(line for line in lines if line)
