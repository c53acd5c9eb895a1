"""trafilatura as one step of the extractor: the page's tree in, its article body out.

trafilatura is given our tree (see article.py), with its comments removed and its
figure captions kept; its body comes back cleaned, with absolute links, the captions
put back beside their images and, when asked, the lead image taken from it. Article
images trafilatura would drop for their URL (no image file name) go through it under
stand-in URLs (imagestandins), their own put back in its output.
trafilatura is imported only when a page is extracted: the parent process uses the
extractor for feed HTML only, and trafilatura adds ~20 MB to a process that loads it.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Final

import lxml.etree
import lxml.html
from lxml.html import HtmlElement

from rssarchive.core.errors import ExtractError
from rssarchive.core.htmltext import element_text
from rssarchive.extract import imagestandins
from rssarchive.extract.htmltree import _drop_layout_whitespace, _fix_links, _utf8_parser
from rssarchive.extract.leadimage import _decorative_images, _lead_from_body
from rssarchive.net.addresses import Allow

# trafilatura takes ~80 µs per element: a page of 50,000 elements takes ~4 s. News
# pages have a few thousand; a page past this is refused rather than left to run on.
MAX_TRAFILATURA_ELEMENTS: Final = 50_000
# trafilatura sometimes returns a page's menu when there is no article; a body needs this
# many characters (spaces aside) outside links: two sentences of Chinese, a line of English.
MIN_ARTICLE_CHARS: Final = 50

# The loggers of the libraries that extract and date articles.
EXTRACTOR_LOGGERS: Final = ("trafilatura", "htmldate", "courlan", "justext")


def _is_article_text(body: HtmlElement) -> bool:
    """Enough text outside links to be an article, not a menu that trafilatura kept."""
    outside_links = "".join(body.xpath(".//text()[not(ancestor::a)]"))
    return len("".join(outside_links.split())) >= MIN_ARTICLE_CHARS


# No url: trafilatura would resolve relative links against the site's root (and spend
# ~0.5 ms a page on it); _fix_links resolves them against the page.
_TRAFILATURA_OPTIONS: dict[str, Any] = {
    "output_format": "html",
    "include_images": True,
    "include_links": True,
    "include_formatting": True,
    "include_comments": False,  # readers' comments are not the article
    # Chosen by measurement on mozilla/readability's test pages (bench/corpus.py, scores in
    # bench/RESULTS.md). On the pages with an article, with this module's other steps:
    # favor_precision R 0.928 F1 0.934, the default R 0.942 F1 0.932, favor_recall
    # R 0.938 F1 0.935 -- the only one with both recall above bare trafilatura's (0.936)
    # and F1 above its best mode's (0.933) -- and the cheapest (~30% less CPU).
    # favor_precision kept one paragraph of a long review and lost the <header> standfirst
    # (tests/pages/standfirst-in-header.html); favor_recall lost most of a section front
    # page (a list of teasers, no article).
    "favor_recall": True,
}


def quiet_extractor_logs() -> None:
    """trafilatura logs at WARNING what is routine here ("discarding data: None" for a
    page without an article, which is reported once, our way): its loggers and
    htmldate's say only errors, unless a level was chosen for them (``-vv``)."""
    for name in EXTRACTOR_LOGGERS:
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET:
            logger.setLevel(logging.ERROR)


def _trafilatura_html(doc: HtmlElement) -> str | None:
    """What ``trafilatura.extract(doc, **_TRAFILATURA_OPTIONS)`` returns, made by the
    same steps except one: extract() also computes a content fingerprint (a simhash of
    the whole text) that nothing here reads, ~1 ms of a page's ~15 ms."""
    # Imported here: the parent process uses this module for feed HTML only, and
    # trafilatura (with its dependencies) adds ~20 MB to a process that loads it.
    import trafilatura

    quiet_extractor_logs()

    try:
        from trafilatura.htmlprocessing import build_html_output
        from trafilatura.metadata import Document
        from trafilatura.utils import normalize_unicode
    except ImportError:  # a trafilatura laid out otherwise: its public call, as it is
        result: str | None = trafilatura.extract(doc, **_TRAFILATURA_OPTIONS)
        return result
    document = trafilatura.bare_extraction(doc, as_dict=False, **_TRAFILATURA_OPTIONS)
    if not isinstance(document, Document):  # None: no article found
        return None
    html: str = normalize_unicode(build_html_output(document, False))
    return html


def _prepare_for_trafilatura(doc: HtmlElement) -> set[str]:
    """Ready the page for trafilatura; returns the texts of its figure captions.

    HTML comments go: React pages write ``text<!-- -->more text``, and trafilatura drops
    the text after such a comment (the comment's tail) in many elements -- half an
    article on some pages. ``strip_tags`` keeps that text, joined to what came before.
    ``<figcaption>`` becomes ``<p>``: trafilatura drops figcaptions, with the caption and
    the photo credit; as paragraphs they are kept, and _restore_figures puts them back.
    """
    lxml.etree.strip_tags(doc, lxml.etree.Comment)
    captions: set[str] = set()
    for el in doc.iter("figcaption"):
        if key := _caption_key(el):
            captions.add(key)
        el.tag = "p"
    return captions


_VISIBLE_TEXT: Final = lxml.etree.XPath(".//text()[not(ancestor::script or ancestor::style)]")


def _caption_key(el: HtmlElement) -> str:
    # Without spaces (trafilatura puts one between a caption's paragraphs), and without
    # what trafilatura drops (a script inside the caption).
    return "".join("".join(_VISIBLE_TEXT(el)).split())


def _restore_figures(body: HtmlElement, captions: set[str]) -> None:
    """A caption that trafilatura returned right after its image: both in a <figure>."""
    if not captions:
        return
    for p in list(body.iter("p")):
        image = p.getprevious()
        if image is None or image.tag != "img" or (image.tail or "").strip():
            continue
        if _caption_key(p) not in captions:
            continue
        figure = body.makeelement("figure")
        image.addprevious(figure)
        figure.tail, p.tail, image.tail = p.tail, None, None
        figure.append(image)
        p.tag = "figcaption"
        figure.append(p)


# A newline trafilatura leaves between two words of one paragraph: where it joined two
# blocks of the page (an <h1> and a <p> directly in <body>, look16d F12). The post is
# one line (render_body drops newlines), so it must be a space, not nothing.
_JOIN = re.compile(r"(?<=\S)[ \t]*\n\s*(?=\S)")


def _joins_as_spaces(body: HtmlElement) -> None:
    for el in body.iter():
        if el.tag == "pre":
            continue
        if el.text and "\n" in el.text:
            el.text = _JOIN.sub(" ", el.text)
        if el.tail and "\n" in el.tail:
            el.tail = _JOIN.sub(" ", el.tail)


def _by_trafilatura(
    doc: HtmlElement, url: str, title: str | None, allow: Allow, *, find_lead: bool = False
) -> tuple[HtmlElement | None, str | None]:
    """trafilatura's body of the page, cleaned and with absolute links (None if none),
    and, with ``find_lead``, the lead image taken from it (see _lead_from_body)."""
    # Counted by XPath in C: walking the tree from Python builds a proxy per element.
    elements = int(doc.xpath("count(//*)"))
    if elements > MAX_TRAFILATURA_ELEMENTS:
        raise ExtractError(
            f"page too complex ({elements} elements, limit {MAX_TRAFILATURA_ELEMENTS})"
        )
    decorative = _decorative_images(doc, url) if find_lead else set()
    captions = _prepare_for_trafilatura(doc)
    stand_ins = imagestandins.give_stand_ins(doc, url)  # after _decorative_images read src
    try:
        result = _trafilatura_html(doc)
    except Exception as exc:  # trafilatura raises whatever its parsers raise
        raise ExtractError(f"extraction failed: {exc}") from exc
    if not result:
        return None, None
    body = lxml.html.document_fromstring(result.encode("utf-8"), parser=_utf8_parser()).body
    imagestandins.restore(body, stand_ins)  # before any step reads an image's URL
    _drop_layout_whitespace(body)  # trafilatura pretty-prints its output
    _joins_as_spaces(body)
    first = next(iter(body), None)
    if first is not None and first.tag in ("h1", "h2") and title and element_text(first) == title:
        body.remove(first)  # the post's heading already says it
    _fix_links(body, url)
    _restore_figures(body, captions)
    lead = _lead_from_body(body, url, decorative, allow) if find_lead else None
    return body, lead
