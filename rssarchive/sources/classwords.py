"""Which blocks of a page name themselves the site's chrome or other stories by the words
of their class or id (pure: an element in): pagescope's sign of a block that never dates
the article (look16h H13, H14).

Words, not substrings (look16i I4): "sticker" is no ticker, "no-comments" a flag, and
"entry-footer" the article's own footer, where WordPress's themes write the byline's
date. Never the post's taxonomy, which WordPress and Ghost write as classes of the
``<article>`` and ``<body>`` ("category-weather", "tag-latest": look16i I7).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import pairwise
from typing import Final

from lxml.html import HtmlElement

# Blocks that date other articles or the site, named so by the words of their class or
# id (class_words: "sticker" is no ticker, "entry-footer" no site footer; look16i I4),
# removed before htmldate reads the page: related stories and lists of others (the
# latest, trending, what to read next, more stories: look16h H14), the site's own chrome,
# its masthead, logo, bar of the day's date, weather, ticker (look16h H13), comments;
# not "banner": an article's hero banner holds its heading and date as often; "footer"
# only first (id="footer", "footer-wrapper") or after "site", "page", "global": an
# article's own ("entry-footer") holds its byline's date.
_OTHER_WORDS: Final = frozenset(
    {
        *("related", "sidebar", "sidebars", "comment", "comments", "commentlist"),
        *("recommend", "recommended", "recommendations", "popular", "teaser", "teasers"),
        *("promo", "promos", "widget", "widgets", "latest", "trending", "ticker", "weather"),
        *("masthead", "logo", "logos", "navbar", "topbar", "headlines", "recirc", "today"),
        *("recirculation", "mostread", "mostpopular", "readnext", "alsoread", "youmay"),
        *("topstories", "editorspicks"),
    }
)
# Words that name such a block run together with another ("relatedposts", Jetpack's
# "jp-relatedposts", "sidebar1", "widgetarea", "mostreadlist"); not "comment", which
# starts "commentary", an opinion article's own.
_OTHER_STARTS: Final = (
    *("related", "sidebar", "recommend", "trending", "widget", "teaser", "masthead"),
    *("recirc", "mostread", "mostpopular", "mostviewed", "readnext", "morestories"),
    *("topstories", "editorspick", "latestnews", "latestposts", "popularposts", "commentlist"),
)
# Two words that name such a block together ("most-read", "site-header").
_OTHER_PAIRS: Final = frozenset(
    tuple(pair.split("-"))
    for pair in (
        *("most-read", "most-popular", "most-viewed", "read-next", "also-read", "you-may"),
        *("top-stories", "top-bar", "editors-picks", "editor-picks", "more-stories"),
        *("more-news", "more-articles", "more-from", "site-header", "site-title", "site-name"),
        *("site-branding", "site-footer", "page-footer", "global-footer", "footer-nav"),
    )
)
# A name starting so is the page's footer (id="footer", "footer-wrapper", WordPress's
# id="colophon").
_PAGE_FOOTER: Final = frozenset({"footer", "colophon"})
# A class's first word making it no block's name: a flag on a wrapper ("has-sidebar",
# "no-comments"), or the post's taxonomy, which WordPress and Ghost write on the
# <article> and <body> ("category-weather", "tag-latest": look16i I7).
_NOT_A_NAME: Final = frozenset(
    {
        *("no", "has", "with", "without", "is", "show", "hide", "enable", "enabled"),
        *("disable", "disabled", "category", "categories", "cat", "tag", "tags", "tax"),
        *("taxonomy", "term", "topic", "topics", "post_tag", "format", "type", "status"),
    }
)


def class_words(element: HtmlElement) -> Iterator[tuple[str, ...]]:
    """The words of each of ``element``'s class names and of its id, split at ``-``,
    ``_`` and a lower-case letter's upper-case one ("relatedPosts"), lower-cased; none
    of a name that is a flag or the post's taxonomy (_NOT_A_NAME)."""
    for name in f"{element.get('class') or ''} {element.get('id') or ''}".split():
        spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name)
        words = tuple(w for w in re.split(r"[\s_\-]+", spaced.lower()) if w)
        if words and words[0] not in _NOT_A_NAME:
            yield words


def named_other(element: HtmlElement) -> bool:
    """Whether ``element``'s class or id names a block of other stories or the site's
    chrome (_OTHER_WORDS, _OTHER_STARTS, _OTHER_PAIRS, _PAGE_FOOTER)."""
    for words in class_words(element):
        if words[0] in _PAGE_FOOTER or any(
            w in _OTHER_WORDS or w.startswith(_OTHER_STARTS) for w in words
        ):
            return True
        if any(pair in _OTHER_PAIRS for pair in pairwise(words)):
            return True
    return False
