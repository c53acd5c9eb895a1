"""The dates a page's JSON-LD gives its own article (pure: a parsed page in, the dates as
written out), for pagedates.

Only what describes the page is read: the objects at the top of a script (itself, the
items of an array or of ``@graph``) and the ``mainEntity`` / ``mainEntityOfPage`` they
name. An object nested anywhere else (an ``ItemList``'s items, a ``WebPage``'s
``hasPart``, ``relatedLink``, a live blog's updates, a photo, a person) describes another
thing: a related story's ``NewsArticle`` in a recommendation widget dated pages a month
early when it was read first (look16f s40).

Of several article objects (``NewsArticle``, ``BlogPosting`` …) the one that says it is
the page dates it: its ``url``, ``@id`` or ``mainEntityOfPage`` is the page's URL or its
canonical one, its ``headline`` is the page's ``<h1>`` or ``<title>``, or a page object
names it as its ``mainEntity``. When several give different dates and none says it is
the page, none is guessed from: the next of pagedates' sources is asked.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement

from rssarchive.core.urls import normalize_url

# JSON-LD types whose datePublished is the article's (a WebPage's may be the page's).
_ARTICLE_TYPE: Final = re.compile(r"(?i)(article|posting|report)$")
# A page node (WebPage, ItemPage) may date the page, after an article's; a photo's, a
# video's, a person's or an organisation's date is none of the article's (look16e F6).
_PAGE_TYPE: Final = re.compile(r"(?i)page$")
# Where an object names the page's own article (schema.org's main entity, both ways).
_MAIN: Final = ("mainEntity", "mainEntityOfPage")
# Bounds on what a hostile page can make the JSON-LD walk cost.
MAX_JSON_LD_BYTES: Final = 512 * 1024
MAX_JSON_NODES: Final = 10_000
# A headline cut short (search engines ask for 110 characters) still names the page
# when it is this long: a short one ("News") might begin any title.
_CUT_HEADLINE: Final = 20


@dataclass(frozen=True)
class _Found:
    value: str
    article: bool  # an article-typed object's (else a page's, or untyped at the top)
    its_own: bool  # the object says it is the page (url, headline, a page's mainEntity)


@dataclass(frozen=True)
class _Page:
    base: str | None
    urls: frozenset[str]
    titles: tuple[str, ...]


def json_ld_dates(
    doc: HtmlElement, key: str = "datePublished", url: str | None = None
) -> Iterator[str]:
    """Each ``key`` the JSON-LD of ``doc`` (fetched from ``url``) gives its own article,
    as written: the article's that says it is the page first, then any article's (one,
    or several of one date), then a page object's; nothing from JSON-LD when several
    articles give different dates and none says it is the page."""
    found: list[_Found] = []
    seen = [0]
    page = _page(doc, url)
    for script in doc.xpath("//script[@type='application/ld+json']"):
        text = (script.text or "").strip()
        if not text or len(text) > MAX_JSON_LD_BYTES:
            continue
        # Some sites wrap the JSON in an HTML comment or a CDATA section.
        text = re.sub(r"^\s*(<!--|//\s*<!\[CDATA\[)|(-->|//\s*\]\]>)\s*$", "", text)
        try:
            data = json.loads(text, strict=False)
        except ValueError:
            continue
        for node in _top(data, seen):
            _read(node, key, page, found, seen, named=False)
    articles = [f for f in found if f.article]
    own = [f.value for f in articles if f.its_own]
    if own:
        yield from own
    elif len({f.value for f in articles}) > 1:
        return  # several stories, none the page's: no guess (look16f s40)
    else:
        yield from (f.value for f in articles)
    yield from (f.value for f in found if not f.article)


def _top(node: Any, seen: list[int]) -> Iterator[dict[str, Any]]:
    """The objects at the top of a script: itself, an array's items, ``@graph``'s."""
    seen[0] += 1
    if seen[0] > MAX_JSON_NODES:
        return
    if isinstance(node, list):
        for item in node:
            yield from _top(item, seen)
    elif isinstance(node, dict):
        graph = node.get("@graph")
        if isinstance(graph, list | dict):
            yield from _top(graph, seen)
        if "@type" in node or "@graph" not in node:
            yield node


def _read(
    node: Any, key: str, page: _Page, found: list[_Found], seen: list[int], *, named: bool
) -> None:
    """``node``'s ``key`` into ``found`` (a top object's, or one a top object names as
    its main entity: ``named``), then the main entities it names."""
    seen[0] += 1
    if seen[0] > MAX_JSON_NODES:
        return
    if isinstance(node, list):
        for item in node:
            _read(item, key, page, found, seen, named=named)
        return
    if not isinstance(node, dict):
        return
    kinds = node.get("@type")
    typed = [k for k in (kinds if isinstance(kinds, list) else [kinds]) if isinstance(k, str)]
    article = any(_ARTICLE_TYPE.search(k) for k in typed)
    value = _value(node.get(key))
    if value is not None and (article or not typed or any(_PAGE_TYPE.search(k) for k in typed)):
        found.append(_Found(value, article, article and (named or _is_the_page(node, page))))
    page_node = any(_PAGE_TYPE.search(k) for k in typed)
    for name in _MAIN:
        if isinstance(node.get(name), dict | list):
            # A page's main entity is its article; an article's is its page.
            _read(node[name], key, page, found, seen, named=page_node and name == "mainEntity")


def _value(value: Any) -> str | None:
    if isinstance(value, list) and value:
        value = value[0]
    if isinstance(value, dict):  # {"@value": "2019-05-03", "@type": "Date"}
        value = value.get("@value")
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(int(value)) if math.isfinite(value) else None  # epoch seconds or ms
    return value if isinstance(value, str) else None


def _page(doc: HtmlElement, url: str | None) -> _Page:
    """What names the page: its URL and canonical URL, its ``<h1>`` and ``<title>``."""
    urls = {_url_key(url, url)} if url else set()
    for link in doc.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            urls.add(_url_key(link.get("href"), url))
    titles = [el.text_content() for el in doc.iter("h1", "title")]
    return _Page(url, frozenset(urls - {""}), tuple(t for t in map(_words, titles) if t))


def _is_the_page(node: dict[str, Any], page: _Page) -> bool:
    """Whether an article object says it is the page (its URL or its headline)."""
    links = [node.get("url"), node.get("@id"), node.get("mainEntityOfPage")]
    for link in links:
        if isinstance(link, dict):
            link = link.get("@id") or link.get("url")
        if isinstance(link, str) and _url_key(link, page.base) in page.urls:
            return True
    headline = node.get("headline") or node.get("name")
    words = _words(headline) if isinstance(headline, str) else ""
    # A headline cut short may end in "…" (NFKC: "..."), look16g F14.
    cut = words.removesuffix("...").rstrip()
    return bool(words) and any(
        title == words or (len(cut) >= _CUT_HEADLINE and title.startswith(cut))
        for title in page.titles
    )


def _url_key(link: str | None, base: str | None) -> str:
    """A URL as compared here: its identity key (urls.normalize_url: no tracking
    parameter, scheme, fragment, trailing slash; look16g F14: a ``?utm_source=`` @id is
    the page's), without ``www.`` (a ``#article`` @id names the page's article)."""
    try:
        joined = urljoin(base or "", (link or "").strip())
        if not urlsplit(joined).netloc:
            return ""
    except ValueError:
        return ""
    return normalize_url(joined).replace("://www.", "://", 1)


def _words(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFKC", text or "").casefold().split())
