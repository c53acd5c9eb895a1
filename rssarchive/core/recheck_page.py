"""What a re-checked page shows besides the article's text, pure (recheck.py decides with
it, run/rechecker.py reads pages with it; tested as tables in
tests/core/test_recheck_page.py):

- a bot wall (:func:`bot_wall`, core/walls.py's, which archiving asks too): a rate
  limiter's or a DDoS shield's page answered with 200, which says nothing of the
  article (issue 19, F8);
- a truncation (:func:`is_truncated`): the article's beginning alone, or with a prompt
  to subscribe in the same paragraph (issue 19, F9);
- links' anchor texts (:func:`mark_links`, :func:`unlinked`): a rotating list of
  "related" headlines inside the article is not compared (issue 19, F5/F7);
- a removal by redirect (:func:`redirect_removes`): to the front or a section page;
- a login wall (:func:`login_wall`, core/walls.py's too): a page that asks to log in
  or subscribe, with a password input or a login form, a suspicion never confirmed by
  itself (look19, 5);
- an extraction that failed (:func:`extraction_read`): a page read and found without
  an article, or one the extraction could not run on (no evidence).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from rssarchive.core.recheck_text import LINKS, PROMPT, TEASER_PROMPT_CHARS, overlap

# Bot walls and login walls are judged at archiving time too (look16c F1): one home,
# core/walls.py, named here for the re-check's callers.
from rssarchive.core.urls import host_key, split
from rssarchive.core.walls import _TAG, visible_text
from rssarchive.core.walls import WALL_PAGE_BYTES as WALL_PAGE_BYTES
from rssarchive.core.walls import bot_wall as bot_wall
from rssarchive.core.walls import login_wall as login_wall

# A truncation (:func:`is_truncated`) shows at most this share of the article's text,
# and at least TRUNCATED_MIN_CHARS of it (less is a page without the article).
TRUNCATED_AT_MOST = 0.5
TRUNCATED_MIN_CHARS = 20
# What a short page's extraction may put before the article's beginning when it joins
# the page into one paragraph (a menu's "Home", the headline), at most.
TRUNCATED_LEAD_CHARS = 200
# A prompt after the beginning shares less than this of its character trigrams with the
# rest of the article.
TEASER_PROMPT_SHARE = 0.3
# What may follow the article's beginning in a truncation without a prompt: an ellipsis,
# a bracket, a dash.
_CUT_MARK = re.compile(r"[\s.…\-–—>»\[\]()]*")


def is_truncated(reference: str, page: str, normalize: Callable[[str], str]) -> bool:
    """Whether ``page`` is the article cut short (issue 19, F9): once normalised, it
    holds the reference's first TRUNCATED_MIN_CHARS characters or more (after at most
    TRUNCATED_LEAD_CHARS of a menu or a headline the extraction joined to it), at
    most TRUNCATED_AT_MOST of it, and what follows where it stops matching is nothing
    but an ellipsis, or a short prompt to subscribe or log in (TEASER_PROMPT_CHARS,
    PROMPT's words: "订阅后阅读全文", "Subscribe to continue"), in the same paragraph or
    not. A Chinese page joined into one paragraph puts its prompt right after the text
    (:func:`is_teaser` wants it on its own line), and a prompt outside the article
    element leaves the text alone, cut."""
    ref, text = normalize(reference), normalize(page)
    start = text.find(ref[:TRUNCATED_MIN_CHARS])
    if len(ref) < TRUNCATED_MIN_CHARS or start < 0 or start > TRUNCATED_LEAD_CHARS:
        return False
    same = 0
    for ours, theirs in zip(ref, text[start:], strict=False):
        if ours != theirs:
            break
        same += 1
    if same > TRUNCATED_AT_MOST * len(ref):
        return False
    rest = text[start + same :]
    if _CUT_MARK.fullmatch(rest):
        return True
    if start + len(rest) > TEASER_PROMPT_CHARS or PROMPT.search(rest) is None:
        return False
    # A prompt, not the article's text going on ("Opposition members said …" has a
    # prompt's word): it shares little of what the article has after the beginning.
    return overlap(rest, ref[same:]) < TEASER_PROMPT_SHARE


# unlinked: a reference line that starts as a page line before its links does when that
# start is this long at least; a reference line where the page has lines of links alone
# is at most this long (a headline, not a paragraph).
LINK_HEAD_CHARS = 10
LINK_LINE_CHARS = 120
_ANCHOR = re.compile(r"(?is)<a\b[^>]*>(.*?)</a\s*>")
# What may stand between two links of a list on one line.
_LINK_SEPARATORS = " |·•,;、，/"
# A short label that introduces a list of links, before them on their line ("Read more:
# A B") or alone on the line before a block of them ("相关新闻：" then a <ul> of links):
# marked with them (look19, findings 2 and 3).
_LABEL_WORDS = (
    r"(?:read\s+more|read\s+also|also\s+read|related(?:\s+(?:articles?|stories|news"
    r"|coverage|reading|content))?|see\s+also|more\s+(?:news|stories|on\s+this(?:\s+story)?)"
    r"|recommended(?:\s+reading)?|further\s+reading"
    r"|相关新闻|相關新聞|相关报道|相關報導|相關報道|相关阅读|相關閱讀|延伸阅读|延伸閱讀"
    r"|推荐阅读|推薦閱讀|更多新闻|更多新聞|更多报道|更多報導|相关文章|相關文章|猜你喜欢|猜你喜歡)"
)
_LABEL_MARKS = r"\s*[:：>»›\-–—]*\s*"
LINK_LABEL = re.compile(rf"(?i)\s*{_LABEL_WORDS}{_LABEL_MARKS}")
# Such a label ending a line's text before its links, after a sentence (a short page's
# extraction joins its list and the label before it to the article's text).
_LABEL_AT_END = re.compile(rf"(?i)(?:^|(?<=[\s。.!?！？;；]))\s*{_LABEL_WORDS}{_LABEL_MARKS}$")


def anchor_texts(page: str) -> frozenset[str]:
    """The texts of a page's links (``<a>``), whitespace collapsed as html_to_text does."""
    found = (" ".join(html.unescape(_TAG.sub(" ", m[1])).split()) for m in _ANCHOR.finditer(page))
    return frozenset(text for text in found if len(text) >= 2)


# A label alone in its element, and the element right after it: a label line
# introducing a block of links when that block holds links' text alone.
_LABEL_BLOCK = re.compile(
    rf"(?is)>\s*({_LABEL_WORDS}{_LABEL_MARKS})\s*</(?:p|h[1-6]|div|strong|b|span|dt|header)\s*>"
    r"(?:\s*</?(?:strong|b|span|header)\b[^>]*>)*\s*<(ul|ol|div|p|section|nav|dl)\b[^>]*>(.*?)</\2\s*>"
)


def link_labels(page: str) -> frozenset[str]:
    """The labels in ``page`` (its HTML, decoded) alone in their element right before a
    block that holds links and nothing else ("<p>相关新闻：</p><ul><li><a>…"), whitespace
    collapsed: the extraction may drop the block and keep the label (look19, finding 3)."""
    found = set()
    for match in _LABEL_BLOCK.finditer(page):
        block = match[3]
        if _ANCHOR.search(block) and not visible_text(_ANCHOR.sub(" ", block)).strip(
            _LINK_SEPARATORS + "-–—"
        ):
            found.add(" ".join(match[1].split()))
    return frozenset(found)


def mark_links(text: str, anchors: frozenset[str], labels: frozenset[str] = frozenset()) -> str:
    """``text`` (one paragraph a line) with LINKS set before the part of each line that is
    only links' anchor texts (``anchors``): a whole line that is one or more of them (a
    list item, a link alone), or two or more of them ending a line ("Read more: A B", a
    short page's extraction joining its "相关新闻" list to its text). A short label
    (LINK_LABEL: "Read more:", "相关新闻：") before a line's links, or alone on the line
    before a line of links alone or before a block of links in the page (``labels``:
    link_labels), is marked with them. One link at the end of a sentence
    is the sentence's: not marked. What LINKS starts is not compared."""
    text = text.replace(LINKS, "")
    if not anchors:
        return text
    by_end: dict[str, list[str]] = {}
    for anchor in sorted(anchors, key=len, reverse=True):
        by_end.setdefault(anchor[-1], []).append(anchor)
    lines = [_mark_line(line, by_end) for line in text.split("\n")]
    # A label alone on its line that introduces a block of links ("相关新闻：" before a
    # list of them) is the block's, whether the extraction kept the block (the next line
    # is links alone) or dropped it (the page has the label before links: ``labels``).
    for index, line in enumerate(lines):
        after = lines[index + 1] if index + 1 < len(lines) else ""
        if (
            line.strip()
            and LINK_LABEL.fullmatch(line)
            and (after.startswith(LINKS) or " ".join(line.split()) in labels)
        ):
            lines[index] = LINKS + line
    return "\n".join(lines)


def _mark_line(line: str, by_end: dict[str, list[str]]) -> str:
    rest, peeled = line.rstrip(), 0
    while rest:
        anchor = next((a for a in by_end.get(rest[-1], ()) if rest.endswith(a)), None)
        if anchor is None:
            break
        rest, peeled = rest[: -len(anchor)].rstrip(_LINK_SEPARATORS), peeled + 1
    label = _LABEL_AT_END.search(rest) if peeled else None
    if label is not None:  # "Read more: A B", "Related: A": a label and its links
        rest = rest[: label.start()].rstrip()
    elif peeled == 0 or (peeled == 1 and rest):
        return line
    return rest + LINKS + line[len(rest) :].lstrip()


def unlinked(reference: str, page: str, normalize: Callable[[str], str]) -> str:
    """``reference`` (a body) marked where ``page``'s links are (mark_links), for comparing
    the two: a reference kept before links were marked, or a post's text whose list was
    joined to its text, holds its list's headlines of then, which the page's rotating
    list no longer shows. A reference line that starts as a page line does before its
    links (LINK_HEAD_CHARS at least) is compared up to there; reference lines the page
    lacks (of at most LINK_LINE_CHARS) where the page has lines of links alone, between
    the same lines, are not compared."""
    if LINKS not in page:
        return reference
    lines = page.split("\n")
    keys = [normalize(line) for line in lines]
    present = {key for key in keys if key}
    heads = [
        (key, line.partition(LINKS)[0])
        for key, line in zip(keys, lines, strict=True)
        if LINKS in line and len(key) >= LINK_HEAD_CHARS
    ]
    out = reference.split("\n")
    ref_keys = [normalize(line) for line in out]
    for index, key in enumerate(ref_keys):
        if key and key not in present and LINKS not in out[index]:
            head = next((h for k, h in heads if key.startswith(k)), None)
            if head is not None:
                out[index] = head + LINKS + out[index]
    for before, after in _link_runs(keys, lines):
        if before is None:
            first = -1
        elif before in ref_keys:
            first = ref_keys.index(before)
        else:
            continue
        if after is None:
            end = len(out)
        elif after in ref_keys[first + 1 :]:
            end = ref_keys.index(after, first + 1)
        else:
            continue
        for index in range(first + 1, end):
            key = ref_keys[index]
            if key and key not in present and len(key) <= LINK_LINE_CHARS:
                out[index] = LINKS + out[index]
    return "\n".join(out)


def _link_runs(keys: list[str], lines: list[str]) -> list[tuple[str | None, str | None]]:
    """(the compared line before, the one after; None: none) of each run of the page's
    lines of links alone."""
    runs: list[tuple[str | None, str | None]] = []
    before: str | None = None
    in_run = False
    for key, line in zip(keys, lines, strict=True):
        if key:
            if in_run:
                runs.append((before, key))
                in_run = False
            before = key
        elif line.lstrip().startswith(LINKS):
            in_run = True
    if in_run:
        runs.append((before, None))
    return runs


def removed_by_redirect(article_url: str, final_url: str) -> bool:
    """Whether a page that redirected ended on the site's front page or a section page
    (a parent of the article's path, or a path of at most one segment on the same
    site), which is how many sites take an article down."""
    if final_url == article_url:
        return False
    old, new = split(article_url), split(final_url)
    if old is None or new is None:  # an unreadable URL is no page of the site
        return False
    if host_key(article_url) != host_key(final_url):  # the one host key (urls.py)
        return False
    old_path = old.path.rstrip("/")
    new_path = new.path.rstrip("/")
    if new_path == old_path:
        return False  # http -> https, a slash added: the same page
    if new_path == "" or new_path in ("/index.html", "/index.htm", "/index.php"):
        return True
    segments = [s for s in new_path.split("/") if s]
    return old_path.startswith(new_path + "/") or (len(segments) <= 1 and not new.query)


def asks_archived_at(
    article_url: str, final_url: str, final_key: str, known_keys: frozenset[str]
) -> bool:
    """Whether :func:`redirect_removes` needs to know if another archived article is at
    ``final_key`` (a read of the state): the redirect is new and ends on no front or
    section page (look19, finding 6)."""
    return final_key not in known_keys and not removed_by_redirect(article_url, final_url)


def redirect_removes(
    article_url: str,
    final_url: str,
    final_key: str,
    known_keys: frozenset[str],
    other_article: bool = False,
) -> bool:
    """Whether a redirect looks like a removal: it ends on the front or a section page
    (:func:`removed_by_redirect`) AND it is new: ``final_key`` (the final URL's key) is
    none of the article's known addresses (``known_keys``: its own URL's key and where
    its redirects ended when it was archived). A new redirect to another article the
    archive holds (``other_article``, asked when :func:`asks_archived_at` says so) is
    one too (look19, finding 6). A WordPress ``?p=7`` link that went to
    ``/slug/`` from the start, or a short link, is not removed by going there still.
    Even then the page it ends on is read: one that still holds the article is no
    removal (:func:`decide`)."""
    if final_key in known_keys:
        return False
    return other_article or removed_by_redirect(article_url, final_url)


# The extraction errors that say the page was read and holds no article (a soft 404):
# empty, not HTML, no article text in it. Any other (too complex, too large, the
# extractor failing, a time limit, a worker's death, the run stopping, an error of
# ours) says only that the extraction could not run: no evidence about the article.
_NO_ARTICLE_REASONS = ("no article text found", "empty page", "not an HTML page")


def extraction_read(reason: str) -> bool:
    """Whether an extraction that failed with ``reason`` read the page and found no
    article in it (a page without the article: a soft 404 when it stays so), rather than
    not running at all (``page too complex (94135 elements, …)``: as an outage, the
    check says nothing; issue 19, look19 finding 1)."""
    return reason.startswith(_NO_ARTICLE_REASONS)
