"""Page bytes -> Article: configured selectors, then site rules, then trafilatura.

Pure: bytes in, a value out, ``ExtractError`` (naming the URL) when there is no article
-- never None. The HTML returned is unsanitised; render.py applies the one policy.

The page is decoded once, from bytes (encodings.decode_page: BOM, then the declared
charsets, then UTF-8, then detection), and every later step -- site rules, selectors,
trafilatura -- works on the same lxml tree. trafilatura itself is given that tree, not
the bytes: on bytes it ignores ``<meta charset>`` and guesses, which reads short Big5
pages wrongly.

The steps live beside this module: ``htmltree`` (the parse, the serialiser, links made
absolute), ``leadimage`` (the lead image), ``trafilatura_adapter`` (trafilatura's step);
a feed item's own content as the article is ``feedtext``'s.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from lxml.html import HtmlElement

from rssarchive.core.caps import MAX_PAGE_BYTES  # refused before parsing, too
from rssarchive.core.encodings import decode_page_said
from rssarchive.core.errors import ExtractError
from rssarchive.core.htmltext import collapse_space, element_text
from rssarchive.core.models import Article, Selectors
from rssarchive.core.urls import absolute
from rssarchive.core.walls import page_signs
from rssarchive.extract.htmltree import (
    _drop_layout_whitespace,
    _fix_links,
    _fragment_has_content,
    _has_content,
    _parse,
    inner_html,
    outer_html,
)
from rssarchive.extract.leadimage import image_url, with_lead_image
from rssarchive.extract.selectors import selector_to_xpath
from rssarchive.extract.trafilatura_adapter import _by_trafilatura, _is_article_text
from rssarchive.net.addresses import Allow

# --- CSS selectors ----------------------------------------------------------------------


def _select(doc: HtmlElement, selector: str) -> list[HtmlElement]:
    # config.py refuses a bad selector when loading; this is for Selectors built in code.
    try:
        xpath = selector_to_xpath(selector)
    except ValueError as exc:
        raise ExtractError(str(exc)) from exc
    return [el for el in doc.xpath(xpath) if isinstance(el, HtmlElement)]


# --- page metadata ----------------------------------------------------------------------


def _meta(doc: HtmlElement) -> dict[str, str]:
    found: dict[str, str] = {}
    for meta in doc.iter("meta"):
        key = (meta.get("property") or meta.get("name") or "").strip().lower()
        content = (meta.get("content") or "").strip()
        if key and content:
            found.setdefault(key, content)
    return found


def _page_title(doc: HtmlElement, meta: dict[str, str]) -> str | None:
    """og:title, else the article's heading (pagescope.article_heading: never a site's
    logo ``<h1>``, look16h H13), else ``<title>``, else the first ``<h1>`` (the logo's
    name beats no title)."""
    from rssarchive.sources.pagescope import article_heading

    if meta.get("og:title"):
        return collapse_space(meta["og:title"])
    heading = article_heading(doc)
    if heading is not None and (text := element_text(heading)):
        return text
    for tag in ("title", "h1"):
        for el in doc.iter(tag):
            if text := element_text(el):
                return text
    return None


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
    from rssarchive.sources.pagedates import page_modified

    text, charset_said = decode_page_said(page, content_type)
    doc = _parse(text)
    canonical = _canonical(doc, url)  # read before the steps below change the tree
    modified = page_modified(doc)  # read before the extraction changes the tree
    article = _from_tree(doc, url, selectors, allow)
    # A short page may be a wall, a soft 404 or a teaser, not the article (look16c F1):
    # its signs, judged by the run (decide.not_the_article).
    signs = page_signs(text, article.body_html, article.title, article.heading)
    return replace(
        article, charset_said=charset_said, signs=signs, canonical=canonical, modified=modified
    )


def _canonical(doc: HtmlElement, url: str) -> str | None:
    """The URL the page names as its canonical one: the first ``<link rel="canonical">``
    with an href, resolved against ``url`` (None: none, or not an http(s) URL)."""
    for link in doc.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        href = link.get("href")
        if "canonical" in rels and href:
            return absolute(href, url)
    return None


def _from_tree(doc: HtmlElement, url: str, selectors: Selectors | None, allow: Allow) -> Article:
    # Read before any step below changes the tree. The run's clock (--now) is checked
    # again by the pipeline; this bound only keeps an impossible date out.
    dated = _page_date(doc, url)
    meta = _meta(doc)
    title = _page_title(doc, meta)
    heading = next((text for el in doc.iter("h1") if (text := element_text(el))), None)
    lead = image_url(meta.get("og:image") or meta.get("og:image:url"), url, allow) or image_url(
        meta.get("twitter:image") or meta.get("twitter:image:src"), url, allow
    )
    if selectors is not None and (selectors.body or selectors.image):
        body, chosen = _by_selectors(doc, selectors, url, allow)
        if _has_content(body):
            image = chosen or lead
            return Article(
                with_lead_image(body, image, url), "selectors", image, title, *dated, heading
            )
    body, rule_image = _by_site_rule(doc, url, allow)
    if _has_content(body):
        return Article(body, "rule", rule_image, title, *dated, heading)
    # The checks run on trafilatura's tree itself, not on its HTML parsed once more.
    tree, body_lead = _by_trafilatura(doc, url, title, allow, find_lead=lead is None)
    if tree is not None and _fragment_has_content(tree) and _is_article_text(tree):
        body = inner_html(tree).strip()
        lead = lead or body_lead
        body = with_lead_image(body, lead, url, tree)
        return Article(body, "trafilatura", lead, title, *dated, heading)
    raise ExtractError("no article text found on the page")


def _page_date(doc: HtmlElement, url: str) -> tuple[datetime | None, str | None]:
    """When the page says it was published, and what said so (Article's fields)."""
    from rssarchive.sources.pagedates import page_date

    found = page_date(doc, url)
    return (None, None) if found is None else (found.when, found.source)
