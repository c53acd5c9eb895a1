"""Which part of a page is its article's, and what a date there is labelled (pure: a
parsed page in): the ``<time>`` and byline readers of pagedates (its steps 3 and 4).

The article is what its heading (article_heading: the ``<h1>`` in the ``<article>``,
else the first one not the site's logo) stands in: the ``<article>`` or ``<main>``
holding it (article_scope). A ``<time>`` outside it dates the site (a masthead's
"today", a weather widget: look16h H13) or other stories (a list of the latest, the
trending, what to read next, their cards: look16h H14), never the article; so does one
in a block named so (classwords.named_other, a role="banner" …), one in a block a
heading names so (an unclassed "相关阅读" list), and one beside another story's link in
a list's item. A block that holds the article's heading is the article's whatever it is
named; so are the page's ``<body>`` and the article's own ``<footer>`` (look16i I4, I7).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Final

from lxml.html import HtmlElement

from rssarchive.core.dates import find_written_dates
from rssarchive.sources.classwords import named_other
from rssarchive.sources.storylinks import story_link

# An <article>'s own <footer> is the article's: its byline's date stands there
# (WordPress's Twenty Twenty-One, Twenty Sixteen; look16i I4).
_OUTSIDE_ARTICLE: Final = (
    "ancestor::aside or ancestor::nav or ancestor::footer[not(ancestor::article)]"
)
# Text that is no reading matter, or dates something else.
_NOT_TEXT: Final = (
    "ancestor::script or ancestor::style or ancestor::noscript or ancestor::template"
    f" or {_OUTSIDE_ARTICLE}"
)
# How much text after the heading may hold the byline's date (a long headline's deck,
# an author line, a place line fit easily; the article's third paragraph does not).
HEADER_TEXT_CHARS: Final = 200
# ARIA roles of the site's chrome, never the article.
_CHROME_ROLES: Final = frozenset({"banner", "navigation", "complementary", "contentinfo"})
# A heading naming a list of other stories, the block under it unclassed ("相关阅读",
# "Read more"): what the block dates is theirs (look16h H14).
_LIST_HEADING: Final = re.compile(
    r"(?i)^\W*(?:相关|相關|延伸阅读|延伸閱讀|推荐|推薦|热门|熱門|最新|更多|猜你喜欢|热点|"
    r"related|more\b|latest|trending|read next|read more|most (?:read|popular|viewed)"
    r"|you may|recommended|popular|top stories|see also|further reading|editor)"
)
_HEADINGS: Final = frozenset({"h2", "h3", "h4", "h5", "h6"})


# --- the article's heading and scope -----------------------------------------------------


def article_heading(doc: HtmlElement) -> HtmlElement | None:
    """The article's heading: the ``<h1>`` in an ``<article>``, else the first ``<h1>``
    not the site's (a logo's, a masthead's: in_other_block; look16h H13); None: none.
    A page whose only ``<h1>`` is its site's name is read from its ``<article>`` or
    ``<main>`` (text_dates), titled by its ``<title>``."""
    for path in (f"//article//h1[not({_OUTSIDE_ARTICLE})]", "//h1"):
        for el in doc.xpath(path):
            if not _sited(el) and " ".join(el.text_content().split()):
                return el
    return None


def _sited(h1: HtmlElement) -> bool:
    """Whether ``h1`` is the site's or another story's (in_other_block), asked up to the
    ``<article>`` or ``<main>`` holding it: that block, its category's class words
    ("category-weather") and the wrappers around it (Genesis's "content-sidebar-wrap")
    are the article's page, not chrome (look16i I7)."""
    scope = article_scope(h1)
    element: HtmlElement | None = h1
    while element is not None and element is not scope and isinstance(element.tag, str):
        if _other_sign(element, None, nested=False):
            return True
        element = element.getparent()
    return False


def article_scope(heading: HtmlElement | None) -> HtmlElement | None:
    """The ``<article>`` or ``<main>`` holding ``heading``; None: none does."""
    if heading is None:
        return None
    found = heading.xpath("ancestor::*[self::article or self::main or @role='main'][1]")
    return found[0] if found else None


def _holds(block: HtmlElement, el: HtmlElement | None) -> bool:
    return el is not None and any(a is block for a in el.iterancestors())


def in_other_block(element: HtmlElement | None, heading: HtmlElement | None = None) -> bool:
    """Whether ``element`` sits in a block that dates other articles or the site
    (_other_sign: its or an ancestor's). The search stops at the block holding the
    article's ``heading``: that block is the article's."""
    first = element
    while element is not None and isinstance(element.tag, str):
        if heading is not None and (element is heading or _holds(element, heading)):
            return False
        if _other_sign(element, heading, nested=element is not first):
            return True
        element = element.getparent()
    return False


def _other_sign(element: HtmlElement, heading: HtmlElement | None, *, nested: bool) -> bool:
    """Whether ``element`` itself is a block dating other articles or the site: its
    class or id words (named_other; never ``<body>``'s), a chrome role, a list a
    heading names as other stories' (_LIST_HEADING), an ``<article>`` without the
    ``heading`` around what is asked of (``nested``: another story's card), unless it
    is the article's body under its title band (_body_article)."""
    if element.tag in ("body", "html"):
        return False  # the page, never another block (look16i I7)
    if named_other(element):
        return True
    if (element.get("role") or "").lower() in _CHROME_ROLES or _named_a_list(element):
        return True
    if heading is None or not nested or element.tag != "article":
        return False
    return not _body_article(element, heading)


def _body_article(article: HtmlElement, heading: HtmlElement) -> bool:
    """Whether ``article``, not holding the ``heading``, is the article's all the same:
    the heading stands in no ``<article>`` but in a title band above this one (Hugo and
    Jekyll themes: look16i I13), which follows it and holds half its page's text after
    it or more (in its ``<main>``; a card of another story holds a line)."""
    if heading.xpath("ancestor::article") or not any(
        a is article for a in heading.xpath("following::article")
    ):
        return False
    scope = article_scope(heading)
    total = mine = 0
    for text in heading.xpath(f"following::text()[not({_NOT_TEXT})]"):
        parent = text.getparent()
        if scope is None or parent is scope or _holds(scope, parent):
            total += len(text.strip())
            mine += len(text.strip()) if parent is article or _holds(article, parent) else 0
    return total > 0 and 2 * mine >= total


def drop_others(doc: HtmlElement) -> None:
    """Remove from ``doc`` (a copy htmldate reads) what the readers above never take a
    date from: the page's body outside the article's scope (article_scope), and any
    block in_other_block's signs name, or a list's item linking another story."""
    heading = article_heading(doc)
    scope = article_scope(heading)
    if scope is not None:
        for inner in (scope, *scope.iterancestors()):
            parent = inner.getparent()
            if parent is None or parent.tag in ("html", "head"):
                break
            for sibling in list(parent):
                if sibling is not inner and sibling.tag not in ("script", "meta", "link"):
                    sibling.tail = None  # the text between is outside the article too
                    sibling.drop_tree()
    for el in list(doc.iter()):
        if not isinstance(el.tag, str) or el.getparent() is None or el is heading:
            continue
        if heading is not None and _holds(el, heading):
            continue
        if scope is not None and _own_part(el, scope):
            continue  # the article's own footer: its byline (look16i I4)
        if _other_sign(el, heading, nested=True) or (el.tag == "li" and story_link(el)):
            el.drop_tree()


def _own_part(element: HtmlElement, scope: HtmlElement) -> bool:
    """Whether ``element`` is a ``<header>`` or ``<footer>`` of the article ``scope``
    (the nearest ``<article>`` around it), whatever its class says ("entry-footer")."""
    if element.tag not in ("header", "footer"):
        return False
    return next(element.iterancestors("article"), None) is scope


def _named_a_list(element: HtmlElement) -> bool:
    """Whether a heading names ``element`` a list of other stories: its first child
    heading, or the heading just before it."""
    child = next((c for c in element if isinstance(c.tag, str)), None)
    before = element.getprevious()
    while before is not None and not isinstance(before.tag, str):
        before = before.getprevious()
    return any(
        el is not None
        and el.tag in _HEADINGS
        and _LIST_HEADING.match(" ".join(el.text_content().split())) is not None
        for el in (child, before)
    )


def _beside_a_story_link(el: HtmlElement) -> bool:
    """Whether ``el`` is in a list's item that links to another story by its headline
    (four words or more, or eight characters of Chinese or Japanese): that item dates
    the story it links to, not the article (look16h H14); never a byline's author link
    (storylinks, look16i I14)."""
    item = next(el.iterancestors("li"), None)
    return item is not None and story_link(item)


# --- <time> -----------------------------------------------------------------------------


def time_dates(doc: HtmlElement) -> Iterator[str]:
    heading = article_heading(doc)
    marked = doc.xpath(
        "//time[@pubdate][@datetime]"
        " | //*[translate(@itemprop, 'DATEPUBLISHED', 'datepublished') = 'datepublished']"
        "[@datetime or @content]"
    )
    for el in marked:
        if not in_other_block(el, heading):
            yield el.get("datetime") or el.get("content") or ""
    # Microdata written as text: <span itemprop="datePublished">2019-05-03T01:20:00+08:00
    # </span>, read whole (its time and zone), as the content= form is (look16 F3).
    for el in doc.xpath(
        "//*[translate(@itemprop, 'DATEPUBLISHED', 'datepublished') = 'datepublished']"
        "[not(@datetime) and not(@content)][not(self::meta)]"
    ):
        if not in_other_block(el, heading):
            yield " ".join(el.text_content().split())[:100]
    # An update's <time> (class "updated", "Updated …") never dates the post (look16f
    # s41); one labelled published comes first; a related story's is not the page's,
    # nor an unlabelled one in the prose, the day of what is reported (look16f s61).
    scoped = [
        el
        for el in _scoped_times(doc, heading)
        if not in_other_block(el, heading) and not _beside_a_story_link(el)
    ]
    labels = {id(el): time_label(el) for el in scoped}
    for wanted in ("publish", None):
        for el in scoped:
            if labels[id(el)] == wanted and (wanted or not in_prose(el)):
                yield el.get("datetime") or ""


def _scoped_times(doc: HtmlElement, heading: HtmlElement | None) -> list[HtmlElement]:
    """The ``<time>``s that may be the article's: those in its scope (article_scope), in
    a ``<header>`` holding its heading and in the ``<main>`` above its ``<article>``;
    without a scope, those in an ``<article>``,
    else in a ``<header>``, else the page's only one (look16h H13: with a scope, the
    page's only ``<time>`` is outside it, the site's or another story's)."""
    times = f"time[@datetime][not({_OUTSIDE_ARTICLE})]"
    scope = article_scope(heading)
    if scope is not None:
        found: list[HtmlElement] = scope.xpath(f".//{times}")
        for header in heading.xpath("ancestor::header") if heading is not None else []:
            found += [el for el in header.xpath(f".//{times}") if el not in found]
        # A byline above the <article> in its <main> is the article's; what follows it
        # there is a list of other stories more often (look16h H14).
        for main in scope.xpath("ancestor::*[self::main or @role='main'][1]"):
            above = scope.xpath(f"preceding::{times}")  # held: lxml's proxies stay one
            found += [el for el in main.xpath(f".//{times}") if el in above]
        return found
    every: list[HtmlElement] = doc.xpath(f"//{times}")
    scoped = [el for path in ("//article", "//header") for el in doc.xpath(f"{path}//{times}")]
    return scoped + every if len(every) == 1 else scoped


def in_prose(el: HtmlElement) -> bool:
    """Whether ``el`` stands in a paragraph of running text (_PROSE), not a byline."""
    block = _block(el.getparent())
    if block is None or block.tag not in _PARAGRAPHS:
        return False
    return _PROSE.search(" ".join(block.text_content().split())) is not None


def time_label(el: HtmlElement) -> str | None:
    """What a ``<time>`` is labelled: "update" (its class, id or itemprop says updated
    or modified, or its text or the words before it do), "publish" (says published),
    or None."""
    named = " ".join(el.get(a) or "" for a in ("class", "id", "itemprop"))
    # Published first: WordPress marks a post never changed "entry-date published updated".
    if re.search(r"(?i)publish|posted", named):
        return "publish"
    if MODIFIED.search(named):
        return "update"
    # The words before it, across the elements they stand in ("<span>Updated</span>
    # <time>": a sibling's, look16h H8), and a label written after it ("… 更新").
    block = _block(el.getparent())
    before = "".join(_in_block(el.xpath("preceding::text()[position() <= 4]"), block))
    return (
        _label(el.text_content()[:20])
        or _label(" ".join(before.split())[-30:])
        or ("update" if _time_update_after(el, block) else None)
    )


def _time_update_after(el: HtmlElement, block: HtmlElement | None) -> bool:
    """Whether an update's label written after the ``<time>`` ``el`` in its ``block``
    labels it ("<time>…</time> (updated)"), not the ``<time>`` or date right after the
    label ("<time>Nov 20</time> <span>Updated</span> <time>Nov 23</time>": look16i I5)."""
    after, next_time = "", False
    for text in el.xpath("following::text()[position() <= 4]"):
        parent = text.getparent()
        if not text.is_tail and parent.xpath("ancestor-or-self::time"):
            next_time = True
            break
        if _block(parent.getparent() if text.is_tail else parent) is not block:
            break
        after += str(text)
    label = _UPDATE_AFTER.match(after)
    if label is None:
        return False
    rest = after[label.end() :]
    labels_next = next_time and re.fullmatch(f"(?i){_LABEL_TAIL}", rest) is not None
    return not labels_next and _LABELS_NEXT.match(rest) is None


def _in_block(texts: list[str], block: HtmlElement | None) -> Iterator[str]:
    """Those of ``texts`` (lxml's text nodes) that stand in ``block``: a label is
    the byline's, not the end of the paragraph before."""
    for text in texts:
        parent = text.getparent()  # type: ignore[attr-defined]
        if _block(parent.getparent() if text.is_tail else parent) is block:  # type: ignore[attr-defined]
            yield str(text)


# Names of meta tags and itemprops that date a change, not the publication.
MODIFIED: Final = re.compile(r"(?i)modified|updated|last-?mod|revised|dateupdate")


# Words labelling a date of a byline (the last before it counts): an update's is never
# the publication's (look16f s41: "更新时间：… 发布时间：…", "Updated … Published …").
_UPDATE_WORDS: Final = (
    *("更新", "修改", "编辑于", "最后编辑", "编辑时间", "最後編輯"),
    *(r"\bupdated?\b", r"\bmodified\b", r"\bedited\b", r"\brevised\b", r"\blast[- ]mod"),
)
_PUBLISH_WORDS: Final = ("发布", "发表", "刊发", "刊登", r"\bpublished\b", r"\bposted\b")
_LABEL: Final = re.compile(
    f"(?i)(?P<update>{'|'.join(_UPDATE_WORDS)})|(?P<publish>{'|'.join(_PUBLISH_WORDS)})"
)
# Running prose: a sentence's end (。, or a word's full stop: not "a.m."), or the date
# followed by a comma (a lede's "2026年12月1日，国务院宣布…"). A date there is the day of
# what the article reports, not its publication (look16f s61).
_PROSE: Final = re.compile(r"[。！？]|[^\W\d_]{2}[.!?](?:\s|$)")
_AFTER_IN_PROSE: Final = re.compile(r"\s*[,，、]")


# What a byline writes beside its date: a source's or an author's label.
_SOURCE_LABEL: Final = re.compile(r"(?i)^[\W_]*(?:来源|來源|作者|编辑|編輯|责编|by\b|source\b)")


def _byline(whole: str, written: str) -> bool:
    """Whether the block ``whole`` writing the date ``written`` is a byline, not prose
    (look16g F13): short (BYLINE_REST characters besides the date) and either starting
    with the date, without a sentence ("2026年12月4日 10:00，来源：新华社", "December 2,
    2026."), or the rest a source's or an author's label. A lede's "2019年5月1日，国务院宣布
    …。" is a sentence: prose (look16f s61)."""
    whole = " ".join(unicodedata.normalize("NFKC", whole).split())
    before, _, after = whole.partition(written)
    rest = f"{before} {after}".strip()
    if len(rest) > BYLINE_REST:
        return False
    if not before.strip():
        return _PROSE.search(after) is None
    return _SOURCE_LABEL.match(rest) is not None


BYLINE_REST: Final = 60


def _label(text: str) -> str | None:
    """The kind of the last date label in ``text``: "update", "publish" or None."""
    labels = list(_LABEL.finditer(text))
    return None if not labels else ("update" if labels[-1].group("update") else "publish")


# --- the text under the heading --------------------------------------------------------


def text_dates(doc: HtmlElement) -> Iterator[str]:
    """A date written year first or English month first, with its time and zone
    (dates.find_written_dates: ``2019年5月3日 10:20 北京时间``, ``发布时间：2019年5月3日``,
    ``Published 2019-05-03 01:20 +0800``), in the first HEADER_TEXT_CHARS characters of
    text after the article's heading (article_heading; without one, of its
    ``<article>`` or ``<main>``, else of the page's text), where the byline is: never
    one further down, which dates a related story or a reply. Of a byline's dates, one
    labelled published first, then one unlabelled;
    never one labelled updated (look16f s41), nor an unlabelled one in running prose
    (look16f s61: the day of the event the lede reports), nor one whose label follows
    it ("2026年12月3日更新", look16h H8), nor one of the site's chrome or another
    story's (in_other_block: a logo's line of today's date, look16h H13)."""
    heading = article_heading(doc)
    body = doc.xpath("//article | //main")
    start = heading if heading is not None else body[0] if body else doc
    axis = "following::text()" if heading is not None else "descendant::text()"
    seen = 0
    blocks: list[tuple[HtmlElement | None, list[str]]] = []
    for text in start.xpath(f"{axis}[not({_NOT_TEXT})]"):
        if in_other_block(text.getparent(), heading):
            continue  # a related story's or the footer's date, not the byline's
        block = _block(text.getparent().getparent() if text.is_tail else text.getparent())
        if not blocks or blocks[-1][0] is not block:
            blocks.append((block, []))
        blocks[-1][1].append(str(text))
        seen += len(text.strip())
        if seen >= HEADER_TEXT_CHARS:
            break
    offset = 0
    found: dict[str | None, str] = {}
    for block, texts in blocks:
        text = " ".join(unicodedata.normalize("NFKC", " ".join(texts)).split())
        # A paragraph's sentence may run on past the window; a container's (the
        # <article> a date after </h1> stands in) is the article, not the byline.
        paragraph = block if block is not None and block.tag in _PARAGRAPHS else None
        whole = text if paragraph is None else " ".join(paragraph.text_content().split())
        end = 0
        for at, written in find_written_dates(text):
            if offset + at >= HEADER_TEXT_CHARS:
                break
            label = _label(text[end:at])
            end = at + len(written)
            if label is None and _update_after(text, end):
                label = "update"  # "2026年12月3日更新" (look16h H8)
            prose = bool(_PROSE.search(whole) or _AFTER_IN_PROSE.match(text, end))
            prose = prose and not _byline(whole, written)
            if label != "update" and (label == "publish" or not prose):
                found.setdefault(label, written)
        offset += len(text) + 1
    yield from (found[label] for label in ("publish", None) if label in found)


# Blocks of running text, read whole for its sentences.
_PARAGRAPHS: Final = frozenset({"p", "li", "blockquote", "dd", "td", "figcaption"})
# Elements inside a block of text, which a byline may split a date across.
_INLINE: Final = frozenset(
    {"a", "abbr", "b", "bdi", "cite", "em", "font", "i", "label", "mark", "q", "s"}
    | {"small", "span", "strong", "sub", "sup", "time", "u"}
)


def _block(element: HtmlElement | None) -> HtmlElement | None:
    """The block (paragraph, division …) that ``element``'s text is part of."""
    while element is not None and (not isinstance(element.tag, str) or element.tag in _INLINE):
        element = element.getparent()
    return element


# --- update dates written in the text ----------------------------------------------------

# How far after an update's label its date is written, up to a separator or a
# publication's label ("Updated: 3 December 2026 · Published: 1 December 2026").
_UPDATE_REACH: Final = 60
_SEPARATOR: Final = re.compile(r"[·|•;；\n]")
# An update's label written after its date ("2026年12月3日更新", "3 Dec (updated)").
_UPDATE_AFTER: Final = re.compile(r"(?i)[\s(（\[【]*(?:更新|修改|已更新|updated\b|modified\b)")
# What an update's label written before its date ends with ("更新时间：", "Updated on").
_LABEL_TAIL: Final = r"(?:时间|時間|日期|于|於|at|on)?\s*[:：]?\s*"
# A date's start after such a label: a digit or an English month's name.
_DATE_START: Final = (
    r"(?:[0-9０-９]|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s)"
)
# An update's label that labels the date after it ("更新时间：2026-…", "Updated Dec 3").
_LABELS_NEXT: Final = re.compile(f"(?i){_LABEL_TAIL}{_DATE_START}")
# A date written before its update's label ("2026年12月3日更新", "3.12.2026 (updated)"),
# not one before a label of the next date ("… +0800 更新时间：2026-11-23": look16i I5).
_DATE_BEFORE_UPDATE: Final = re.compile(
    r"[0-9０-９][0-9０-９年月日号/.:\-\s]{4,30}(?=[\s(（\[【]*(?:已?更新|修改|updated\b)"
    f"(?!{_LABEL_TAIL}{_DATE_START}))",
    re.I,
)


def _update_after(text: str, end: int) -> bool:
    """Whether an update's label right after a date ending at ``end`` of ``text`` labels
    that date ("2026年12月3日更新"), not the date after the label ("发布时间：… 更新时间：
    …", "Nov 20 · Updated Nov 23": look16i I5)."""
    label = _UPDATE_AFTER.match(text, end)
    return label is not None and _LABELS_NEXT.match(text, label.end()) is None


def without_update_dates(text: str) -> str:
    """``text`` with the dates an update's label names blanked: after the label up to a
    separator, a publication's label or _UPDATE_REACH characters, and one written just
    before a label that follows its date. What htmldate reads must not hold them: it
    takes a page's first date, the update's beside the publication's (look16h H8)."""
    if not _LABEL.search(text) and not _DATE_BEFORE_UPDATE.search(text):
        return text
    text = _DATE_BEFORE_UPDATE.sub(lambda m: " " * len(m.group()), text)
    out, at = [], 0
    for match in _LABEL.finditer(text):
        if match.group("update") is None or match.start() < at:
            continue
        end = min(len(text), match.end() + _UPDATE_REACH)
        stop = _SEPARATOR.search(text, match.end(), end)
        publish = next(
            (m for m in _LABEL.finditer(text, match.end(), end) if m.group("publish")), None
        )
        end = min(m.start() for m in (stop, publish) if m is not None) if stop or publish else end
        out.append(text[at : match.end()])
        out.append(" " * (end - match.end()))
        at = end
    out.append(text[at:])
    return "".join(out)
