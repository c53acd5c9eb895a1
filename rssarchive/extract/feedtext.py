"""A feed item's own content as the article ("content: feed", and "content: auto" when
the item carries the whole article). Pure: an Entry in, an Article out.
"""

from __future__ import annotations

import re
from typing import Final

from lxml.html import HtmlElement

from rssarchive.core.errors import ExtractError
from rssarchive.core.htmltext import element_text
from rssarchive.core.models import Article, Entry
from rssarchive.core.urls import LAZY_SRC, LINK_ATTRIBUTES, is_safe_link
from rssarchive.extract.htmltree import (
    _fix_links,
    _fragment,
    _fragment_has_content,
    inner_html,
)
from rssarchive.extract.leadimage import image_url, with_lead_image
from rssarchive.net.addresses import Allow

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
# Feed content that _fix_links may change: a URL attribute (urls.LINK_ATTRIBUTES) whose
# value has no scheme (the quote, when there is one, must be taken: "(?!["'])"), any
# srcset, or a lazy image.
_LINKS_TO_FIX: Final = re.compile(
    r"\b(?:" + "|".join(sorted(LINK_ATTRIBUTES)) + r")"
    r"""\s*=\s*["']?(?!["'])(?![a-z][a-z0-9+.-]*:)"""
    r"""|\b(?:srcset|""" + "|".join(LAZY_SRC) + r""")\s*=""",
    re.IGNORECASE,
)


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
    if _LINKS_TO_FIX.search(body) and is_safe_link(base):
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
    text = element_text(fragment)
    if not text or _TRUNCATION_MARKERS.search(text):
        return False
    paragraphs = sum(1 for p in fragment.iter("p") if element_text(p))
    return len(text) >= SUBSTANTIAL_TEXT_CHARS or paragraphs >= SUBSTANTIAL_PARAGRAPHS
