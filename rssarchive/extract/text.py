"""HTML to plain text, one block a line: the text the re-checker compares and the
versions keep. A pure function of its input (no network, disk or clock), below
``publish`` and ``run`` so both import it from here (publish must not import run)."""

from __future__ import annotations

from typing import Final

__all__ = ["html_to_text"]

_BLOCKS: Final = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"}
    | {"tr", "table", "section", "article", "figure", "figcaption", "pre", "dd", "dt"}
)


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
