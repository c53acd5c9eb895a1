"""Whether a list's item links to another story by its headline (pure: an element in):
pagescope's sign of an item that dates that story, not the article (look16h H14).

A byline's link is no story's link, however long its text (look16i I14): one to an
author's page (``rel="author"``, a path through ``/author/``, ``/by/`` …), one in a
block named the byline's or the author's, one after a byline's label ("By", "作者："),
and names joined by "and", "&", ",", "和", "、" ("Ann Lee and Bob Smith"), unless its
address is an article's (a dated path, a headline's slug).
"""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from rssarchive.sources.classwords import class_words

# A headline's length: four words, or eight characters of Chinese or Japanese.
_HEADLINE_WORDS: Final = 4
_HEADLINE_HAN: Final = 8
_HAN: Final = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
# Path segments of a page about people or the site's taxonomy, never an article's
# ("/author/ann/", "/by/ann", "/authors/", "/tag/…").
_NOT_STORY_PATHS: Final = frozenset(
    {
        *("author", "authors", "by", "people", "person", "profile", "profiles", "staff"),
        *("contributor", "contributors", "writer", "writers", "journalist", "journalists"),
        *("reporter", "reporters", "columnist", "columnists", "user", "users", "team"),
        *("tag", "tags", "category", "categories", "topic", "topics"),
    }
)
# Class or id words of a byline's block or an author's link.
_BYLINE_WORDS: Final = frozenset(
    {"author", "authors", "byline", "bylines", "writer", "writers", "contributor"}
)
# A byline's label written before the link.
_BYLINE_LABEL: Final = re.compile(r"(?i)(?:\bby|作者|文|编辑|編輯|记者|記者|撰文)\s*[:：/|]?\s*$")
# Names joined: "Ann Lee and Bob Smith", "Ann Lee, Bob Smith & Cy Young", "张三、李四和王五".
_JOINS: Final = re.compile(r"\s*(?:,|&|\band\b|、|和)\s*")
_NAME: Final = re.compile(r"(?:[A-Z][\w'.\-]*|de|la|da|di|du|van|von|der|den|le|bin|al)")
# An article's address: a day in its path, or a headline's slug (four words or more).
_ARTICLE_PATH: Final = re.compile(r"/(?:19|20)\d\d/|[\w]+(?:[-_][\w]+){3,}/?$")


def story_link(item: HtmlElement) -> bool:
    """Whether the list's ``item`` links to another story by its headline."""
    if _byline_block(item):
        return False
    for link in item.iter("a"):
        text = " ".join(link.text_content().split())
        long = len(text.split()) >= _HEADLINE_WORDS or len(_HAN.findall(text)) >= _HEADLINE_HAN
        if long and not _author_link(link, item, text):
            return True
    return False


def _byline_block(element: HtmlElement) -> bool:
    """Whether ``element`` or a block around it is named a byline's or author's."""
    for el in (element, *element.iterancestors()):
        if any(w in _BYLINE_WORDS for words in class_words(el) for w in words):
            return True
    return False


def _author_link(link: HtmlElement, item: HtmlElement, text: str) -> bool:
    """Whether ``link`` (its ``text``) in ``item`` names the article's authors."""
    if "author" in (link.get("rel") or "").lower().split() or _byline_block(link):
        return True
    path = urlsplit(link.get("href") or "").path
    if any(s.lower() in _NOT_STORY_PATHS for s in path.split("/") if s):
        return True
    if _BYLINE_LABEL.search(_label_before(link, item)):
        return True
    return _ARTICLE_PATH.search(path) is None and _names(text)


def _label_before(link: HtmlElement, item: HtmlElement) -> str:
    """The text written just before ``link`` in ``item`` (a byline's "By", "作者：")."""
    return "".join(
        str(t)
        for t in link.xpath("preceding::text()[position() <= 2]")
        if t.getparent() is item or any(a is item for a in t.getparent().iterancestors())
    )


def _names(text: str) -> bool:
    """Whether ``text`` is two names or more joined, each of two or three words written
    as names are (or two to four Chinese characters)."""
    parts = [p for p in _JOINS.split(text) if p]
    if len(parts) < 2:
        return False
    for part in parts:
        words = part.split()
        han = len(_HAN.findall(part))
        if han:
            if not (2 <= han <= 4 and han == len(part)):
                return False
        elif not (2 <= len(words) <= 4 and all(_NAME.fullmatch(w) for w in words)):
            return False
    return True
