"""Page bytes -> Article: configured selectors, then site rules, then trafilatura.

Pure: bytes in, a value out, ``ExtractError`` (naming the URL) when there is no article
-- never None. The HTML returned is unsanitised; render.py applies the one policy.

The page is decoded once, from bytes (encodings.decode_page: BOM, then the declared
charsets, then UTF-8, then detection), and every later step -- site rules, selectors,
trafilatura -- works on the same lxml tree. trafilatura itself is given that tree, not
the bytes: on bytes it ignores ``<meta charset>`` and guesses, which reads short Big5
pages wrongly.
"""

from __future__ import annotations

import html as html_lib
import logging
import re
from datetime import datetime
from typing import Any, Final
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html
from lxml.html import HtmlElement

from rssarchive.core.encodings import decode_page
from rssarchive.core.errors import ExtractError
from rssarchive.core.models import Article, Entry, Selectors
from rssarchive.core.sanitize import VOID_TAGS, clean_text, flatten_deep, is_safe_url
from rssarchive.core.urls import LAZY_SRC, parse_srcset, rewrite_srcset
from rssarchive.core.urls import absolute as absolute_http
from rssarchive.extract.selectors import selector_to_xpath
from rssarchive.net.addresses import Allow, host_refusal

# Pages larger than this are refused before parsing: news articles weigh well under
# 2 MB of HTML; a 9 MB page of <p> is an attack or a mistake, and trafilatura's time
# grows with it.
MAX_PAGE_BYTES: Final = 5 * 1024 * 1024
# trafilatura takes ~80 µs per element: a page of 50,000 elements takes ~4 s. News
# pages have a few thousand; a page past this is refused rather than left to run on.
MAX_TRAFILATURA_ELEMENTS: Final = 50_000
# trafilatura sometimes returns a page's menu when there is no article; a body needs this
# many characters (spaces aside) outside links: two sentences of Chinese, a line of English.
MIN_ARTICLE_CHARS: Final = 50
# Feed content at least this long (characters of text) is taken as the whole article
# in "content: auto": summaries are a sentence or two (< 300), articles are longer.
SUBSTANTIAL_TEXT_CHARS: Final = 500
# ... or with this many non-empty paragraphs: summaries are one block of text.
SUBSTANTIAL_PARAGRAPHS: Final = 3
# How feeds say "the rest is on the page".
_TRUNCATION_MARKERS: Final = re.compile(
    r"(\.\.\.|…|\[…\]|\[\.\.\.\]|read more|continue reading|阅读全文|閱讀全文|查看全文)\W*$",
    re.IGNORECASE,
)

# Never part of a body: dropped whole while serialising (a <noscript> usually repeats a
# lazy-loaded image, which _fix_links already makes visible).
_SKIPPED_TAGS: Final = frozenset({"script", "style", "noscript", "template"})
# Feed content that _fix_links may change: a URL attribute whose value has no scheme (the
# quote, when there is one, must be taken: "(?!["'])"), any srcset, or a lazy image.
_LINKS_TO_FIX: Final = re.compile(
    r"""\b(?:src|href|poster)\s*=\s*["']?(?!["'])(?![a-z][a-z0-9+.-]*:)"""
    r"""|\b(?:srcset|""" + "|".join(LAZY_SRC) + r""")\s*=""",
    re.IGNORECASE,
)
_ASCII_SPACE: Final = re.compile(r"[ \t\n\r\f]+")
_IMAGE_SUFFIX: Final = re.compile(r"\.(jpe?g|png|gif|webp|avif)$", re.IGNORECASE)
# A page without og:image takes its lead image from the article body, but not one that
# is only decoration: drawn smaller than this (width or height attribute, in CSS px) ...
MIN_LEAD_IMAGE_PX: Final = 100
# ... or named as an icon, logo, spacer or tracking pixel: a word of its class or id
# (words: runs of letters and digits; class="site-logo", "icon share-icon") ...
_DECORATIVE_WORDS: Final = frozenset(
    {"icon", "icons", "logo", "logos", "sprite", "sprites", "spacer", "avatar", "avatars"}
    | {"badge", "badges", "emoji", "smiley", "favicon", "gravatar", "pixel", "tracking"}
)
# ... or of its file name, which may also say it stands in for the real image (a lazy
# image's class may say "loading" or "placeholder" while its data-src is the photo) ...
_DECORATIVE_FILE_WORDS: Final = _DECORATIVE_WORDS | {
    "blank",
    "transparent",
    "1x1",
    "placeholder",
    "loading",
    "loader",
}
# ... or a file that is nothing but that (a "p.gif" beacon), or a vector drawing or an
# icon file (an .svg is a logo or an icon far more often than a photo).
_DECORATIVE_STEMS: Final = frozenset({"p", "b", "t", "px", "clear", "dot", "s"})
_DECORATIVE_SUFFIXES: Final = (".svg", ".ico")
_WORDS: Final = re.compile(r"[a-z0-9]+")
_PIXELS: Final = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:px)?\s*$", re.IGNORECASE)


# The loggers of the libraries that extract and date articles.
EXTRACTOR_LOGGERS: Final = ("trafilatura", "htmldate", "courlan", "justext")


# --- decoding and parsing ---------------------------------------------------------------


# Every element of our trees is a plain HtmlElement: lxml.html's own lookup calls a
# Python function for each element Python touches, to give form elements classes of
# their own that nothing here uses. That call was ~5% of a page's extraction time.
_PLAIN_CLASSES = lxml.etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement,
    comment=lxml.html.HtmlComment,
    pi=lxml.html.HtmlProcessingInstruction,
    entity=lxml.html.HtmlEntity,
)


def _utf8_parser() -> lxml.html.HTMLParser:
    parser = lxml.html.HTMLParser(encoding="utf-8")
    parser.set_element_class_lookup(_PLAIN_CLASSES)
    return parser


def _too_deep(parser: lxml.etree._FeedParser[Any]) -> bool:
    # libxml2's "Excessive depth in document: 256": it dropped what lay deeper.
    return any(error.type_name == "ERR_RESOURCE_LIMIT" for error in parser.error_log)


def _parse(text: str) -> HtmlElement:
    # The one place a page's text becomes a tree: its control characters go here
    # (sanitize.clean_text: libxml2 stopped at a stray BEL, and a U+FFFE or a &#1; lost
    # the whole article).
    text = clean_text(text)
    # Re-encoded with the parser told so: libxml2 then ignores the page's own
    # <meta charset>, which was read (or overruled) above.
    try:
        parser = _utf8_parser()
        doc = lxml.html.document_fromstring(text.encode("utf-8", "replace"), parser=parser)
        if _too_deep(parser):  # parsed again, flattened (rare: asked of libxml2, not read)
            flat = flatten_deep(text).encode("utf-8", "replace")
            doc = lxml.html.document_fromstring(flat, parser=_utf8_parser())
        return doc
    except (lxml.etree.ParserError, ValueError) as exc:
        raise ExtractError(f"not an HTML page: {exc}") from exc


def _fragment(html: str) -> tuple[str, HtmlElement]:
    """A feed item's text, cleaned as a page's (see _parse), and its parse."""
    html = clean_text(html)
    parser = lxml.html.HTMLParser()
    fragment = lxml.html.fragment_fromstring(html, create_parent="div", parser=parser)
    if _too_deep(parser):
        html = flatten_deep(html)
        fragment = lxml.html.fragment_fromstring(html, create_parent="div")
    return html, fragment


# --- CSS selectors ----------------------------------------------------------------------


def _select(doc: HtmlElement, selector: str) -> list[HtmlElement]:
    # config.py refuses a bad selector when loading; this is for Selectors built in code.
    try:
        xpath = selector_to_xpath(selector)
    except ValueError as exc:
        raise ExtractError(str(exc)) from exc
    return [el for el in doc.xpath(xpath) if isinstance(el, HtmlElement)]


# --- serialising ------------------------------------------------------------------------


def _attribute(name: str, value: str) -> str:
    return f' {name}="{html_lib.escape(value, quote=True)}"'


def _outer_html(el: lxml.etree._Element, out: list[str]) -> None:
    """Serialise ``el`` and its tail without libxml2, which %-escapes non-ASCII URLs."""
    if el.tag is lxml.etree.Comment:
        out.append(f"<!--{el.text or ''}-->")
    elif isinstance(el.tag, str) and el.tag.lower() not in _SKIPPED_TAGS:
        tag = el.tag.lower()
        out.append(f"<{tag}{''.join(_attribute(k, v) for k, v in el.attrib.items())}>")
        # libxml2 nests what follows an <embed> or <source> inside it; written after the
        # void tag, it reads back as the browser would have read the page.
        _inner_html(el, out)
        if tag not in VOID_TAGS:
            out.append(f"</{tag}>")
    if el.tail:
        out.append(html_lib.escape(el.tail, quote=False))


def _inner_html(el: lxml.etree._Element, out: list[str]) -> None:
    if el.text:
        out.append(html_lib.escape(el.text, quote=False))
    for child in el:
        _outer_html(child, out)


def inner_html(el: HtmlElement) -> str:
    out: list[str] = []
    _inner_html(el, out)
    return "".join(out)


def outer_html(el: HtmlElement) -> str:
    out: list[str] = []
    tail, el.tail = el.tail, None
    _outer_html(el, out)
    el.tail = tail
    return "".join(out)


# --- URLs -------------------------------------------------------------------------------


def _fix_links(root: HtmlElement, base: str) -> None:
    """Relative URLs made absolute (the archive lives elsewhere); lazy images given src.

    Absolute URLs are left exactly as written, so rule bodies keep their bytes.
    """
    for el in root.iter():
        if not isinstance(el, HtmlElement):
            continue
        src = el.get("src")
        if el.tag == "img" and (not src or src.strip().startswith("data:")):
            lazy = next((el.get(name) for name in LAZY_SRC if el.get(name)), None)
            if lazy:
                el.set("src", lazy)
        for name in ("href", "src", "poster"):
            value = el.get(name)
            if value is not None and _is_relative(value):
                el.set(name, urljoin(base, value.strip()))
        srcset = el.get("srcset")
        if srcset:
            el.set("srcset", rewrite_srcset(srcset, lambda u: _absolute_if_relative(u, base)))


def _absolute_if_relative(url: str, base: str) -> str:
    return urljoin(base, url) if _is_relative(url) else url


def _is_relative(url: str) -> bool:
    url = url.strip()
    return bool(url) and not url.startswith("#") and not urlsplit(url).scheme


def image_url(raw: str | None, base: str, allow: Allow = False) -> str | None:
    """An image URL fit for a post: absolute http(s), else None.

    Refuses javascript:/data:/file: and, unless the page itself is there, a host that
    the network policy refuses (addresses.host_refusal, under ``allow``, the config's
    ``network.allow_private_addresses``): an og:image on http://169.254.169.254/ is a
    probe.
    """
    if not raw or not raw.strip() or not is_safe_url(raw):
        return None
    absolute = absolute_http(raw, base) or ""  # "": refused below, as no http(s) URL
    try:
        parts = urlsplit(absolute)
        host = parts.hostname
    except ValueError:  # an unbalanced "[" in the host
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    if host_refusal(host, allow) is not None and host != urlsplit(base).hostname:
        return None
    return absolute


def _image_key(url: str) -> str:
    parts = urlsplit(url)
    # The same picture is often linked at another size: ignore the query for image files.
    if _IMAGE_SUFFIX.search(parts.path):
        return f"{parts.netloc.lower()}{parts.path}"
    return f"{parts.netloc.lower()}{parts.path}?{parts.query}"


def with_lead_image(
    body_html: str, image: str | None, base: str, fragment: HtmlElement | None = None
) -> str:
    """``<img src=image referrerpolicy="no-referrer">`` first, unless the body has it.
    ``fragment``: the body already parsed (saves parsing it again)."""
    if image is None:
        return body_html
    if body_html.strip():
        if fragment is None:
            fragment = lxml.html.fragment_fromstring(body_html, create_parent="div")
        for img in fragment.iter("img", "source"):
            candidates = _image_sources(img)
            if any(_image_key(urljoin(base, c.strip())) == _image_key(image) for c in candidates):
                return body_html
    tag = f'<img src="{html_lib.escape(image, quote=True)}" referrerpolicy="no-referrer">'
    return tag + body_html


# --- page metadata ----------------------------------------------------------------------


def _meta(doc: HtmlElement) -> dict[str, str]:
    found: dict[str, str] = {}
    for meta in doc.iter("meta"):
        key = (meta.get("property") or meta.get("name") or "").strip().lower()
        content = (meta.get("content") or "").strip()
        if key and content:
            found.setdefault(key, content)
    return found


def _collapse(text: str) -> str:
    # ASCII whitespace only: an ideographic space (U+3000) in a Chinese title is content.
    return _ASCII_SPACE.sub(" ", text).strip(" ")


def _text(el: HtmlElement) -> str:
    return _collapse(el.text_content())


def _page_title(doc: HtmlElement, meta: dict[str, str]) -> str | None:
    if meta.get("og:title"):
        return _collapse(meta["og:title"])
    for tag in ("h1", "title"):
        for el in doc.iter(tag):
            if text := _text(el):
                return text
    return None


def _has_content(html: str) -> bool:
    if not html.strip():
        return False
    return _fragment_has_content(lxml.html.fragment_fromstring(html, create_parent="div"))


def _fragment_has_content(fragment: HtmlElement) -> bool:
    return bool(_text(fragment)) or next(fragment.iter("img"), None) is not None


# --- the three ways to a body -----------------------------------------------------------


def _by_selectors(
    doc: HtmlElement, selectors: Selectors, url: str, allow: Allow
) -> tuple[str, str | None]:
    body = ""
    if selectors.body:
        matches = _select(doc, selectors.body)
        for el in matches:
            _fix_links(el, url)
            _drop_layout_whitespace(el)
        # One container: its content. Several matches (say, "div.story p"): each whole.
        body = inner_html(matches[0]) if len(matches) == 1 else "".join(map(outer_html, matches))
    image = None
    if selectors.image:
        for el in _select(doc, selectors.image):
            raw = el.get("src") or el.get("data-src") or el.get("content") or el.get("href")
            if image := image_url(raw, url, allow):
                break
    return body, image


def _by_site_rule(doc: HtmlElement, url: str, allow: Allow) -> tuple[str, str | None]:
    """RFA's Plone pages (any host, mirrors too): #headerimg then #storytext, inner HTML.

    Chosen by structure, not host, so a mirror or a saved copy is read the same way.
    Returns the body and the lead image (already in the body, first).
    """
    story = doc.xpath("//div[@id='storytext']")
    if not story:
        return "", None
    header = doc.xpath("//div[@id='headerimg']")
    parts = [*header[:1], story[0]]
    for el in parts:
        _fix_links(el, url)
    images = header[0].iter("img") if header else iter(())
    lead = next((image_url(img.get("src"), url, allow) for img in images), None)
    return "".join(inner_html(el) for el in parts), lead


def _drop_layout_whitespace(root: HtmlElement) -> None:
    """Remove whitespace-only runs that hold a newline: source indentation, not content.

    Not for site rules, whose bodies keep the page's spaces as the archive always did.
    """
    for el in root.iter():
        if el.text and not el.text.strip() and "\n" in el.text and el.tag != "pre":
            el.text = None
        if el.tail and not el.tail.strip() and "\n" in el.tail:
            el.tail = None


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


def _length(value: str | None) -> float | None:
    match = _PIXELS.match(value) if value else None
    return float(match.group(1)) if match else None


def _is_decorative(img: HtmlElement) -> bool:
    """An <img> that is an icon, a logo, a spacer or a tracking pixel, judged by its
    width/height attributes and its names (file name, class, id; not alt, which is
    prose: "protesters share a meal")."""
    for name in ("width", "height"):
        size = _length(img.get(name))
        if size is not None and size < MIN_LEAD_IMAGE_PX:
            return True
    names = f"{img.get('class') or ''} {img.get('id') or ''}".lower()
    if not _DECORATIVE_WORDS.isdisjoint(_WORDS.findall(names)):
        return True
    return any(_is_decorative_file(url) for url in _image_sources(img))


def _is_decorative_file(url: str) -> bool:
    name = urlsplit(url.strip()).path.rsplit("/", 1)[-1].lower()
    if name.endswith(_DECORATIVE_SUFFIXES):
        return True
    stem = name.rsplit(".", 1)[0]
    return stem in _DECORATIVE_STEMS or not _DECORATIVE_FILE_WORDS.isdisjoint(_WORDS.findall(stem))


def _image_sources(img: HtmlElement) -> list[str]:
    """Every URL an <img> (or <source>) may show: src, the lazy-loading attributes,
    srcset's candidates."""
    urls = [v for v in (img.get(a) for a in ("src", *LAZY_SRC)) if v and v.strip()]
    urls += [candidate.url for candidate in parse_srcset(img.get("srcset") or "")]
    return urls


def _decorative_images(doc: HtmlElement, base: str) -> set[str]:
    """The _image_key of every decorative image of the page: trafilatura drops the
    attributes that tell (width, height, class), so they are read before it runs."""
    keys: set[str] = set()
    for img in doc.iter("img"):
        if _is_decorative(img):
            keys.update(_image_key(urljoin(base, u.strip())) for u in _image_sources(img))
    return keys


def _lead_from_body(body: HtmlElement, base: str, decorative: set[str], allow: Allow) -> str | None:
    """The body's first real image moved to the top as the lead image; its URL, or None.

    Moved, not copied: it is not shown twice. Its <figure> (with the caption) moves
    with it.
    """
    for img in body.iter("img"):
        src = image_url(img.get("src"), base, allow)
        if src is None or _image_key(src) in decorative or _is_decorative(img):
            continue
        parent = img.getparent()
        block = parent if parent is not None and parent.tag == "figure" else img
        holder = block.getparent()
        if holder is not body or block.getprevious() is not None or (body.text or "").strip():
            _detach(block)
            # A paragraph that held only the image would be left empty.
            if holder is not None and holder is not body and not _has_any(holder):
                _detach(holder)
            body.insert(0, block)
        return src
    return None


def _has_any(el: HtmlElement) -> bool:
    return len(el) > 0 or bool((el.text or "").strip())


def _detach(el: HtmlElement) -> None:
    """Remove ``el`` from its parent, keeping its tail text in place."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    el.tail = None
    parent.remove(el)


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
    try:
        result = _trafilatura_html(doc)
    except Exception as exc:  # trafilatura raises whatever its parsers raise
        raise ExtractError(f"extraction failed: {exc}") from exc
    if not result:
        return None, None
    body = lxml.html.document_fromstring(result.encode("utf-8"), parser=_utf8_parser()).body
    _drop_layout_whitespace(body)  # trafilatura pretty-prints its output
    first = next(iter(body), None)
    if first is not None and first.tag in ("h1", "h2") and title and _text(first) == title:
        body.remove(first)  # the post's heading already says it
    _fix_links(body, url)
    _restore_figures(body, captions)
    lead = _lead_from_body(body, url, decorative, allow) if find_lead else None
    return body, lead


def extract_article(
    page: bytes,
    url: str,
    *,
    selectors: Selectors | None = None,
    content_type: str | None = None,
    allow_private_addresses: Allow = False,
) -> Article:
    """The article in ``page`` (fetched from ``url``); ExtractError (naming ``url``) when
    there is none. ``allow_private_addresses``: the config's, for the lead image's URL."""
    try:
        return _extract_article(page, url, selectors, content_type, allow_private_addresses)
    except ExtractError as exc:
        # The steps below do not know the URL; the error names it once, here.
        if exc.url is None:
            exc.url = url
        raise


def _extract_article(
    page: bytes, url: str, selectors: Selectors | None, content_type: str | None, allow: Allow
) -> Article:
    if len(page) > MAX_PAGE_BYTES:
        raise ExtractError(f"page too large ({len(page)} bytes, limit {MAX_PAGE_BYTES})")
    if not page.strip():
        raise ExtractError("empty page")
    doc = _parse(decode_page(page, content_type))
    # Read before any step below changes the tree. The run's clock (--now) is checked
    # again by the pipeline; this bound only keeps an impossible date out.
    dated = _page_date(doc, url)
    meta = _meta(doc)
    title = _page_title(doc, meta)
    lead = image_url(meta.get("og:image") or meta.get("og:image:url"), url, allow) or image_url(
        meta.get("twitter:image") or meta.get("twitter:image:src"), url, allow
    )
    if selectors is not None and (selectors.body or selectors.image):
        body, chosen = _by_selectors(doc, selectors, url, allow)
        if _has_content(body):
            image = chosen or lead
            return Article(with_lead_image(body, image, url), "selectors", image, title, *dated)
    body, rule_image = _by_site_rule(doc, url, allow)
    if _has_content(body):
        return Article(body, "rule", rule_image, title, *dated)
    # The checks run on trafilatura's tree itself, not on its HTML parsed once more.
    tree, body_lead = _by_trafilatura(doc, url, title, allow, find_lead=lead is None)
    if tree is not None and _fragment_has_content(tree) and _is_article_text(tree):
        body = inner_html(tree).strip()
        lead = lead or body_lead
        return Article(with_lead_image(body, lead, url, tree), "trafilatura", lead, title, *dated)
    raise ExtractError("no article text found on the page")


def _page_date(doc: HtmlElement, url: str) -> tuple[datetime | None, str | None]:
    """When the page says it was published, and what said so (Article's fields)."""
    from rssarchive.sources.pagedates import page_date

    found = page_date(doc, url)
    return (None, None) if found is None else (found.when, found.source)


def article_from_feed(entry: Entry, allow_private_addresses: Allow = False) -> Article:
    """The item's own content as the article, its media image first.
    ``allow_private_addresses``: the config's, for the media image's URL."""
    parsed = _feed_body(entry)
    if parsed is None or not _fragment_has_content(parsed[1]):
        raise ExtractError("the feed item has no content", url=entry.link)
    return _feed_article(entry, *parsed, allow_private_addresses)


def whole_article_from_feed(entry: Entry, allow_private_addresses: Allow = False) -> Article | None:
    """:func:`article_from_feed` when the item carries the whole article; None when its
    content is only a summary (see :func:`is_substantial`) and the page is needed."""
    parsed = _feed_body(entry)
    if parsed is None or not _fragment_is_substantial(parsed[1]):
        return None
    return _feed_article(entry, *parsed, allow_private_addresses)


def _feed_body(entry: Entry) -> tuple[str, HtmlElement] | None:
    """The item's content and its parse (one parse serves every step); None if empty."""
    body = entry.content or ""
    if not body.strip():
        return None
    body, fragment = _fragment(body)
    return None if not body.strip() else (body, fragment)


def _feed_article(entry: Entry, body: str, fragment: HtmlElement, allow: Allow) -> Article:
    base = entry.link or ""
    if _LINKS_TO_FIX.search(body) and urlsplit(base).scheme in ("http", "https"):
        _fix_links(fragment, base)
        body = inner_html(fragment)
    image = image_url(entry.image, base, allow)
    return Article(with_lead_image(body, image, base, fragment), "feed", image)


def is_substantial(html: str) -> bool:
    """Whether feed content looks like the whole article (see SUBSTANTIAL_* constants)."""
    if not html.strip():
        return False
    html, fragment = _fragment(html)
    return bool(html.strip()) and _fragment_is_substantial(fragment)


def _fragment_is_substantial(fragment: HtmlElement) -> bool:
    text = _text(fragment)
    if not text or _TRUNCATION_MARKERS.search(text):
        return False
    paragraphs = sum(1 for p in fragment.iter("p") if _text(p))
    return len(text) >= SUBSTANTIAL_TEXT_CHARS or paragraphs >= SUBSTANTIAL_PARAGRAPHS
