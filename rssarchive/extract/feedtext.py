"""A feed item's own content as the article ("content: feed", and "content: auto" when
the item carries the whole article). Pure: an Entry in, an Article out.
"""

from __future__ import annotations

import re
from typing import Final

from lxml import etree
from lxml.html import HtmlElement

from rssarchive.core.errors import ExtractError
from rssarchive.core.htmltext import element_text
from rssarchive.core.models import Article, Entry
from rssarchive.core.urls import (
    LAZY_SRC,
    LINK_ATTRIBUTES,
    absolute,
    is_safe_link,
    normalize_url,
    without_fragment,
)
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
# How a teaser says "the rest is on the page" in its last paragraph, a short one
# (TEASER_LINE_CHARS), wherever in it (look16c F2): WordPress's "Continue reading
# “Title”", Yoast's "The post X appeared first on Y.", "Read the full article on Y",
# "点击查看原文". A feed's whole article rarely ends so; one that does has its page
# fetched, and its own text is the fallback when the page fails.
_TEASER_ENDS: Final = re.compile(
    r"(?i)continue\s+reading|keep\s+reading|read\s+(?:the\s+)?(?:full|whole|rest|more)\b"
    r"|appeared\s+first\s+on|(?:view|see)\s+(?:the\s+)?(?:full|original)\s+(?:article|story|post)"
    r"|查看原文|阅读原文|閱讀原文|阅读全文|閱讀全文|查看全文|继续阅读|繼續閱讀|全文请|全文請"
    r"|weiterlesen|lire\s+la\s+suite|続きを読む"
)
TEASER_LINE_CHARS: Final = 300
# A paid post's free preview, as membership software ends it in the feed (look16f s39):
# Ghost's "<!--members-only-->" comment and upgrade box, Simple Membership's, MemberPress's
# and WP-Members' notices (their classes), or the sentence they say. A whole article in
# a feed carries none of these.
_MEMBERS_ONLY_COMMENT: Final = re.compile(r"(?i)^\s*members-only\s*$")
# Class names, or their starts: Simple Membership's "swpm-post-not-protected-msg" and
# "swpm-restricted…", MemberPress's "mepr-unauthorized-message", WP-Members' "wpmem_msg".
_MEMBERS_ONLY_CLASSES: Final = (
    "gh-post-upgrade-cta", "swpm-post-not-protected", "swpm-restricted", "swpm-partial-protection",
    "mepr-unauthorized", "wpmem_msg",
)  # fmt: skip
_MEMBERS_ONLY_SAYS: Final = re.compile(
    r"(?i)\bthis\s+(?:post|content|article|story)\s+is\s+(?:only\s+)?for\s+(?:paying\s+|premium\s+)?"
    r"(?:subscribers|members)\s+only\b"
)
# The truncation marks that a whole text may end with too: a quote trailing off.
_ELLIPSIS: Final = re.compile(r"\.\.\.|…")
# WordPress's link to the rest of a post: its class, or the "#more-N" anchor it goes to.
_MORE_LINK: Final = re.compile(r"(?:^|\s)more-link(?:\s|$)|#more-\d+$")
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
    if parsed is None or not _fragment_is_substantial(parsed[1], entry.link):
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


def is_substantial(html: str, link: str | None = None) -> bool:
    """Whether feed content looks like the whole article (see SUBSTANTIAL_* constants),
    not a teaser (:func:`_is_teaser`; ``link``: the item's page)."""
    if not html.strip():
        return False
    html, fragment = _fragment(html)
    return bool(html.strip()) and _fragment_is_substantial(fragment, link)


def _fragment_is_substantial(fragment: HtmlElement, link: str | None) -> bool:
    text = element_text(fragment)
    if not text:
        return False
    paragraphs = sum(1 for p in fragment.iter("p") if element_text(p))
    long = len(text) >= SUBSTANTIAL_TEXT_CHARS and paragraphs >= SUBSTANTIAL_PARAGRAPHS
    if _is_teaser(fragment, text, link, long=long):
        return False
    return len(text) >= SUBSTANTIAL_TEXT_CHARS or paragraphs >= SUBSTANTIAL_PARAGRAPHS


def _is_teaser(fragment: HtmlElement, text: str, link: str | None, *, long: bool) -> bool:
    """Whether feed content is an article's beginning that sends to its page (look16c
    F2): a WordPress more-link anywhere, a truncation mark at its end (_TRUNCATION_
    MARKERS), or a short last paragraph (the end of the text) that says the rest is on
    the page (_TEASER_ENDS) or is nothing but a link to the item's own page. A link to
    another site ("Source: <a>Wire</a>") is no teaser; nor is a ``long`` text (500
    characters in 3 paragraphs) ending with "…" (a quote trailing off) or with a last
    paragraph of links none of which is the item's page ("Read more" on a related
    story, look16d F4)."""
    if _members_only(fragment, text):
        return True
    for anchor in fragment.iter("a"):
        if _MORE_LINK.search(anchor.get("class") or "") or _MORE_LINK.search(
            anchor.get("href") or ""
        ):
            return True
    last = next((p for p in reversed(list(fragment.iter("p"))) if element_text(p)), None)
    tail = element_text(last) if last is not None else ""
    if not tail or not text.endswith(tail):
        tail, last = text[-TEASER_LINE_CHARS:], None
    targets = _link_targets(last, tail, link) if last is not None and link else None
    own = normalize_url(without_fragment(link)) if link else None
    if long and targets and own not in targets:
        return False  # a "Read more" to another page ends a whole article
    marker = _TRUNCATION_MARKERS.search(text)
    if marker is not None and not (long and _ELLIPSIS.fullmatch(marker[1])):
        return True
    if last is not None and len(tail) > TEASER_LINE_CHARS:
        return False
    if _TEASER_ENDS.search(tail):
        return True
    return bool(targets) and own in (targets or ())


def _members_only(fragment: HtmlElement, text: str) -> bool:
    """Whether feed content is a members-only preview (_MEMBERS_ONLY_*)."""
    if _MEMBERS_ONLY_SAYS.search(text):
        return True
    for node in fragment.iter():
        if node.tag is etree.Comment:
            if _MEMBERS_ONLY_COMMENT.match(node.text or ""):
                return True
        elif any(
            name.startswith(_MEMBERS_ONLY_CLASSES) for name in str(node.get("class") or "").split()
        ):
            return True
    return False


def _link_targets(paragraph: HtmlElement, text: str, link: str) -> set[str] | None:
    """Where the links of ``paragraph`` (its ``text``) go (normalised, fragments
    aside), when it is nothing but links; else None."""
    anchors = list(paragraph.iter("a"))
    shown = "".join(element_text(a) for a in anchors)
    if not anchors or _bare(shown) != _bare(text):
        return None
    return {
        normalize_url(without_fragment(target))
        for a in anchors
        if (target := absolute(a.get("href") or "", link)) is not None
    }


def measured_against_page(content: str, body_html: str) -> tuple[int, int, float]:
    """(the feed's text's length, the page's, the share of the page's text found in the
    feed's: 0..1), both normalised as re-checks compare text, for
    decide.keeps_feed_text (look16d F4)."""
    from rssarchive.core import recheck_text as texts
    from rssarchive.core.htmltext import html_to_text

    feed, page = html_to_text(content), html_to_text(body_html)
    norm = texts.normalizers(texts.folds(feed, page))[0]
    feed, page = norm(feed), norm(page)
    return len(feed), len(page), texts.overlap(page, feed)


def _bare(text: str) -> str:
    """``text`` without whitespace and punctuation: a link's text as its paragraph
    shows it ("→ Council plan", "[Council plan]")."""
    return "".join(ch for ch in text if ch.isalnum())
