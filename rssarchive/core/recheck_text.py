"""What a re-check compares, and how: pure, no I/O (README, "Re-checks").

- A text as compared (:func:`normalize`): typesetting, script variants, counters,
  timestamps and tracking parameters are no edit; :func:`overlap` measures how much of
  a reference a page still holds (a soft 404 holds almost none).

- A page's text carries its headline: ``# headline``, an empty line, then the body, one
  paragraph a line (a body has no empty line, so a text without that shape is a body
  alone: references and versions kept before headlines were).
- Two fetches of one page: what differs between them is volatile (a counter, a
  relative time, a rotating box, an A/B lede), compared token by token in
  recheck_tokens.py.
- A paywall teaser (:func:`is_teaser`): the article's first paragraphs and a short
  subscribe or log-in prompt; it no longer holds the article but is no edit of it.
- Han script variants (:func:`fold_han`): the same text in traditional and simplified
  characters is the same text.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable

from rssarchive.core.han_t2s import T2S
from rssarchive.core.scripts import HAN, WIDE, has_han

HEADLINE = "# "
# Set before the part of a line that is only links' anchor texts (mark_links): a list of
# "related" or "read more" headlines inside the article, which rotates between fetches;
# what follows it on its line is not compared (issue 19, F5/F7). Invisible.
LINKS = "\u2063"
# A teaser's added lines (the prompt) are short: a page that added more than this is
# not only a teaser.
TEASER_PROMPT_CHARS = 400
# The words of a subscribe or log-in prompt, in the archive's usual languages. A word
# ends where no Latin letter follows, not at ``\b``: "Log in后查看" has no ``\b`` after
# "in" (a Han character is a word character to ``re``), review 19e.
PROMPT = re.compile(
    r"(?i)subscri|log\s*-?\s*in(?![a-z])|sign\s*(?:in|up)(?![a-z])|register"
    r"|members?(?![a-z])|membership|paywall"
    r"|premium|unlock|continue\s+reading|keep\s+reading|free\s+trial"
    r"|订阅|訂閱|登录|登錄|登入|注册|註冊|会员|會員|付费|付費|阅读全文|閱讀全文|继续阅读|繼續閱讀"
    r"|abonn|anmelden|registrier|weiterlesen|connectez|購読|ログイン|会員登録|続きを読む"
    r"|구독|로그인|회원"
)


def split_headline(text: str) -> tuple[str | None, str]:
    """(headline, body) of a text as kept; no headline for a body alone."""
    if text.startswith(HEADLINE):
        head, sep, body = text.partition("\n")
        if sep and body.startswith("\n"):
            return head[len(HEADLINE) :].strip() or None, body.lstrip("\n")
    return None, text


def join_headline(headline: str | None, body: str) -> str:
    """A page's text as kept: ``# headline``, an empty line, the body (readable, and a
    headline change is one line of a diff)."""
    if headline is None or not headline.strip():
        return body
    return f"{HEADLINE}{' '.join(headline.split())}\n\n{body}"


# What sets a site's name off a headline ("Mayor resigns | Daily News", "Daily News -
# Mayor resigns", "市长辞职｜每日新闻", "市长辞职_每日新闻网"), as written before
# normalisation turns dashes and dots into plain ones.
_SITE_SEPARATOR = re.compile(rf"\s+(?:[|\-–—·_]|::)\s+|\s*｜\s*|(?<=[{HAN}])_(?=[{HAN}])")


def _site_name_cuts(headline: str) -> list[str]:
    """``headline`` without its first or its last segment (a site's name), or [] when
    it has no separator."""
    parts = [m.span() for m in _SITE_SEPARATOR.finditer(headline)]
    if not parts:
        return []
    return [headline[: parts[-1][0]], headline[parts[0][1] :]]


def same_but_site_name(a: str, b: str, norm: Callable[[str], str]) -> bool:
    """Whether two headlines differ only by a site's name that one of them has before
    or after a separator and the other lacks ("OG added" and "OG added | The Daily
    News", look19 F2): a site adding or changing its share title (og:title) has not
    edited the headline. Only the name one side lacks: "Mayor resigns | Daily News"
    and "Mayor quits | Daily News" share their last segment, but it is the site's
    (which end is the site's cannot be told from the two alone), so they differ."""
    if norm(a) == norm(b):
        return True
    return any(norm(cut) == norm(b) for cut in _site_name_cuts(a) if norm(cut)) or any(
        norm(cut) == norm(a) for cut in _site_name_cuts(b) if norm(cut)
    )


def page_headline(title: str | None, heading: str | None) -> str | None:
    """The headline a re-check compares: the page's title as extracted (og:title
    first), or its ``<h1>`` (``heading``) when the title is that plus a site's name
    (look19 F2): a site changing its share titles' suffix ("| Daily News" to "- The
    Daily News Online") keeps its ``<h1>``."""
    if title is None or heading is None or not heading.strip():
        return title
    if title.strip() != heading.strip() and same_but_site_name(title, heading, _normalize):
        return heading
    return title


def known_headline(known: str | None, text: str) -> str:
    """A page's ``text`` with its headline written as the ``known`` text's when the two
    differ only by a site's name (:func:`same_but_site_name`), and the ``<h1>`` as its
    body's first line or not as the known text has it: the extraction keeps the
    ``<h1>`` in the body when the title it took (og:title) is not the same, so a site
    adding or changing a name in its og:title moves it (look19 F2). No edit either,
    and no new spelling of the text to keep."""
    old, old_body = split_headline(known or "")
    headline, body = split_headline(text)
    if old is None or headline is None:
        return text
    if headline != old and same_but_site_name(old, headline, normalize):
        headline = old
    first_known, first = old_body.partition("\n")[0], body.partition("\n")[0]
    known_has = any(same_but_site_name(first_known, h, normalize) for h in (old, headline))
    has = any(same_but_site_name(first, h, normalize) for h in (old, headline))
    if has and not known_has and "\n" in body:
        body = body.partition("\n")[2]
    elif known_has and not has and old_body.strip():
        body = first_known + "\n" + body
    changed = (headline, body) != split_headline(text)
    return join_headline(headline, body) if changed else text


def fold_han(text: str) -> str:
    """Traditional characters folded to simplified (OpenCC's character table, a
    character table applied by str.translate, so that a 150,000-character article folds
    in milliseconds: OpenCC's phrase converter, in pure Python, takes seconds), so that
    a site serving the same article in either script has not edited it; a text
    without Han characters as it is."""
    if not has_han(text):
        return text
    return text.translate(T2S)


# Full-width and CJK punctuation that NFKC leaves alone, to their plain forms: a site
# that changes its typesetting (。 for ．, “ ” for " ") has not edited the article.
_PUNCTUATION = str.maketrans(
    {
        "。": ".",
        "、": ",",
        "｡": ".",
        "“": '"',
        "”": '"',
        "„": '"',
        "‘": "'",
        "’": "'",
        "「": '"',
        "」": '"',
        "『": '"',
        "』": '"',
        "《": "<",
        "》": ">",
        "〈": "<",
        "〉": ">",
        "【": "[",
        "】": "]",
        "〔": "(",
        "〕": ")",
        "—": "-",
        "–": "-",
        "－": "-",
        "…": "...",
        "・": ".",
        "·": ".",
        "\u200b": "",
        "\u200c": "",
        "\u200d": "",
        "\ufeff": "",
        "\u00ad": "",
    }
)
_SPACE = re.compile(r"\s+")
_DASHES = re.compile(r"-{2,}")
# A space beside a character of a script written without spaces (or beside punctuation)
# carries no meaning: "美国 ， 日本" and "美国，日本" are the same text.
_WIDE = rf"[{WIDE}.,;:!?\"'()<>\[\]-]"
_SPACE_BY_WIDE = re.compile(rf"(?<={_WIDE}) | (?={_WIDE})")


# Counters and relative times a page rewrites on every view: "阅读次数：1234 · 评论 5",
# "12 comments", "Updated 3 hours ago", "5 小时前". A line is dropped from the
# comparison only when nothing but these (and separators) is left on it once they are
# removed, so that a number in a sentence ("3 killed" -> "4 killed") stays an edit.
_COUNTER_WORDS = (
    r"(?:阅读次数|阅读量|阅读|浏览次数|浏览量|浏览|点击量|点击|评论数|评论|点赞|赞|转发|分享|收藏"
    r"|views?|reads?|comments?|likes?|shares?|replies|reply)"
)
_NUMBER = r"\d[\d,.]*\s*[kKmM万千]?\+?"
# A date and time written out: "Dec. 1, 2026, 9:41 a.m.", "9:41 AM EST, December 1,
# 2026", "December 1, 2026 at 9:41 a.m. ET", "2026-12-01 11:00", "2026年12月1日 09:41".
# Only such tokens: a stamp line is dropped only when nothing else is left on it.
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?"
_ZONE = r"(?:[ecmp][sd]?t|utc|gmt|bst|cest|cet|jst|hkt|sgt|aest|aedt)"
_CLOCK = r"\d{1,2}:\d{2}(?::\d{2})?(?:\s*(?:a\.?m\.?|p\.?m\.?))?"
_DATE_TOKEN = (
    rf"(?:{_MONTH}|{_WEEKDAY}|{_CLOCK}|\d{{4}}[-/年.]\d{{1,2}}[-/月.]\d{{1,2}}日?"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?|\d{{4}}|{_ZONE}|at|on)"
)
# Where a date token may end: not inside a number nor a word. Not ``\b``: a Han
# character is a word character to ``re``, so "更新于2026-12-01" or "2026年12月1日发布" has
# no ``\b`` beside its digits (review 19e, H5).
_DATE_END = r"(?:(?<=\d)(?!\d)|(?<=[A-Za-z])(?![A-Za-z\d])|(?<=[.日]))"
_DATE_TIME = rf"{_DATE_TOKEN}(?:[\s,]*{_DATE_TOKEN})*{_DATE_END}\.?"
_STAMP_WORDS = (
    r"(?:(?:last\s+)?(?:updated|modified)|published|posted|edited"
    r"|最后更新|更新时间|更新于|更新日期|发布时间|发布于|发布日期|编辑于)"
)
_COUNTER = re.compile(
    rf"(?i){_COUNTER_WORDS}\s*[:：]?\s*[(（]?\s*{_NUMBER}\s*[)）]?\s*(?:次|条|人)?"
    rf"|{_NUMBER}\s*(?:次阅读|人阅读|次浏览|条评论|人评论|{_COUNTER_WORDS})"
    rf"|(?:本文|该文|此文)(?:已被|已|被)?(?:阅读|浏览|查看)\s*{_NUMBER}\s*次"
    r"|(?i:share\s+this)"
    r"|(?i:(?:updated|posted|published|edited|last\s+updated)\s*:?\s*)?"
    rf"(?i:{_NUMBER}\s*(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?)\s+ago)"
    r"|(?:更新于|发布于|更新)?\s*\d+\s*(?:秒|分钟|小时|天|周)前(?:更新|发布)?"
    # The same in other languages, and the reading time some pages print: "3h ago",
    # "5分前", "5분 전", "vor 5 Minuten", "il y a 5 minutes", "4 min read".
    r"|(?i:\d+\s*(?:s|m|h|d|w|min|hr)\s+ago)"
    r"|\d+\s*(?:秒|分|時間|日)前|\d+\s*(?:초|분|시간|일)\s*전"
    r"|(?i:(?:aktualisiert\s+)?vor\s+\d+\s+(?:sekunden|minuten|stunden|tagen))"
    r"|(?i:(?:mis\s+à\s+jour\s+)?il\s+y\s+a\s+\d+\s+(?:secondes?|minutes?|heures?|jours?))"
    r"|(?i:\d+\s*(?:min(?:ute)?s?)\s+read)"
    r"|(?i:just\s+now|刚刚)"
    # A page's own "updated" or "published" stamp beside its counters: the text is what
    # is compared.
    rf"|(?i:{_STAMP_WORDS}\s*[:：]?\s*{_DATE_TIME})"
)
# What may be left of a counter line: separators and spaces only.
_LEFTOVER = re.compile(r"[\s|/·•,.;:：，。、()（）\[\]【】-]*")
_VISIBLE_URL = re.compile(r"https?://[^\s<>\"'，。）)]+")


# A machine timestamp to the second ("2026-12-07 02:47:22", "2026年12月7日 10:02:11"): a
# page printing its serving time in a byline changes it on every request, and a second
# fetch in the same second (or a page cached for a minute) would not tell. Such a
# timestamp is compared as any other only where a byline puts it (_serving_times); a
# date or a time alone (a fact: a race time, a meeting's date) is compared as written.
# Bounded by digits, not ``\b``: "更新于2026-12-07 02:47:22" has no word boundary before
# its year (a Han character is a word character to ``re``), review 19e, H5.
_TIMESTAMP = re.compile(
    r"(?<!\d)(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}[ T]|\d{4}年\d{1,2}月\d{1,2}日\s*)"
    r"\d{1,2}:\d{2}:\d{2}(?:\.\d+)?(?!\d)"
)
_SERVED = "0000-00-00 00:00:00"
# Where a byline puts its serving time (look19 F1): right after a stamp's word
# ("更新于", "Updated:", "发布时间："), or alone in its line or in a segment set off by a
# separator ("By Jane Doe | 2026-12-07 02:47:22"), perhaps labelled "时间" or "Time:" and
# followed by a zone or "更新". Inside a sentence ("The hearing is set for 2026-12-09
# 10:00:00 at the court", "法院定于2026年12月9日 10:00:00开庭") it is the article's text and
# compared as written. Chosen over telling a serving time by its nearness to the fetch
# time: that needs the time of every text compared (the reference's, each kept
# version's for the versions page's diff), and would still take a date-time of the
# story written near that time (an explosion hours ago) for a serving time.
_AFTER_STAMP_WORD = re.compile(rf"(?i:{_STAMP_WORDS})\s*[:：]?\s*$")
_AT_SEGMENT_START = re.compile(r"(?i)(?:^|[|｜·•—–-]\s)\s*(?:时间|日期|time|date)?\s*[:：]?\s*$")
_AT_SEGMENT_END = re.compile(
    rf"(?im)\s*(?:{_ZONE}(?![a-z]))?\s*(?:$|[|｜·•—–-](?:\s|$)|更新|发布|updated|published)"
)


def _serving_time(match: re.Match[str]) -> str:
    line, start, end = match.string, match.start(), match.end()
    before = line[line.rfind("\n", 0, start) + 1 : start]
    if _AFTER_STAMP_WORD.search(before):
        return _SERVED
    if _AT_SEGMENT_START.search(before) and _AT_SEGMENT_END.match(line, end):
        return _SERVED
    return match[0]


def _serving_times(text: str) -> str:
    """``text`` with the timestamps to the second a byline holds all alike."""
    return _TIMESTAMP.sub(_serving_time, text)


# Lines news sites add inside an article about the article, not of it (look19, finding
# 4): its editor ("（责任编辑：王五）", "Editor: Jane Doe"), its source ("本文来源：新闻网客户端",
# "Source: Reuters"), its original title ("原标题：…", as portals reprint) and a share
# bar ("分享到：微信 微博 QQ空间", "Share this: Facebook Twitter"). A line is left out only
# when it is wholly one of them, with a short value (a name, not a sentence: no
# sentence's end inside it); read after NFKC (full-width brackets and colons plain).
_FURNITURE = re.compile(
    r"(?i)[(\[【]?\s*(?:"
    r"(?:责任编辑|責任編輯|编辑|編輯|责编|責編|实习编辑|實習編輯|审核|審核|校对|校對|编审|編審"
    r"|editor|edited\s+by|editing\s+by)\s*:\s*[^\n。.!?！？]{1,30}"
    r"|(?:本文来源|本文來源|文章来源|文章來源|来源|來源|source)\s*:\s*[^\n。!?！？]{1,40}"
    r"|(?:原标题|原標題|original\s+title)\s*:\s*[^\n]{1,120}"
    r"|(?:分享到|分享至|share\s+(?:this(?:\s+(?:article|story))?|on))\s*:?"
    r"(?:\s*(?:微信|朋友圈|微博|新浪微博|QQ空间|QQ|豆瓣|人人网|腾讯微博|复制链接|facebook|twitter|x"
    r"|linkedin|whatsapp|telegram|reddit|e-?mail|print|copy\s+link|line)\s*[,|/·•、]?)*"
    r")\s*[)\]】]?\s*"
)


def _is_furniture_line(line: str) -> bool:
    """Whether ``line`` (NFKC) is only an editor, source, original-title or share line."""
    return _FURNITURE.fullmatch(line) is not None


def _is_counter_line(line: str) -> bool:
    stripped = _COUNTER.sub("", line)
    return stripped != line and _LEFTOVER.fullmatch(stripped) is not None


# A separator written with spaces around it: "Title — 1,234 views", "By Jane Doe | 12
# comments". A segment of a line between such separators holding only counters is left
# out as a line of them is (review 19e, H1): a headline's or a byline's counter is no
# edit even when both fetches of a check show the same value (a page cached for a
# minute). A counter's words inside a sentence ("The video has 1,234 views") have no
# such separator and stay compared.
_SEGMENT_SEPARATOR = re.compile(r"(\s+[|｜·•—–-]\s+)")


def _without_counters(line: str) -> str:
    """``line`` without its counter segments ("" when it holds nothing else)."""
    if _is_counter_line(line) or _is_furniture_line(line):
        return ""
    parts = _SEGMENT_SEPARATOR.split(line)
    if len(parts) == 1:
        return line
    kept = [parts[0]] if not _is_counter_line(parts[0]) else []
    for separator, segment in zip(parts[1::2], parts[2::2], strict=True):
        if not _is_counter_line(segment):
            kept.append(separator + segment if kept else segment)
    return "".join(kept)


def _untracked(match: re.Match[str]) -> str:
    """A URL written as text without its tracking parameters (urls.py's list)."""
    from rssarchive.core.urls import TRACKING_PARAMS, TRACKING_PREFIXES

    url = match[0]
    base, sep, query = url.partition("?")
    if not sep:
        return url
    query, hash_, fragment = query.partition("#")
    kept = [
        p
        for p in query.split("&")
        if p
        and (name := p.split("=", 1)[0].lower()) not in TRACKING_PARAMS
        and not name.startswith(TRACKING_PREFIXES)
    ]
    return base + ("?" + "&".join(kept) if kept else "") + hash_ + fragment


def _normalize(text: str, fold: bool = True) -> str:
    """The text as compared: NFKC (full-width letters, digits and punctuation to their
    half-width forms), the rest of CJK punctuation to plain forms, zero-width characters
    dropped, traditional Han characters folded to simplified (``fold``: when the texts
    compared are in different scripts, :func:`folds`), timestamps to the
    second all alike, lines holding only
    view/comment counters or relative times dropped (and such segments of a line), and
    an editor's, a source's, an original title's or a share bar's line (_FURNITURE),
    tracking parameters dropped from URLs written as text, whitespace collapsed and
    dropped beside CJK characters and punctuation."""
    if LINKS in text:  # links' anchor texts are not compared (mark_links)
        text = "\n".join(line.partition(LINKS)[0] for line in text.split("\n"))
    text = unicodedata.normalize("NFKC", text)
    text = fold_han(text) if fold else text
    text = _serving_times(text)
    text = "\n".join(kept for line in text.splitlines() if (kept := _without_counters(line)))
    text = _VISIBLE_URL.sub(_untracked, text).translate(_PUNCTUATION)
    # "--" typed for a dash, later typeset as "—" (and "——" in Chinese): one dash.
    text = _DASHES.sub("-", text)
    text = _SPACE.sub(" ", text).strip()
    return _SPACE_BY_WIDE.sub("", text)


# normalize for one line at a time, remembered: the line-by-line comparisons
# (below) normalise the same paragraphs of the page, its second fetch and the
# reference several times, and a long article has thousands.
normalize_line = functools.lru_cache(maxsize=1 << 16)(_normalize)
# A whole text, remembered too: one check normalises the page, its second fetch and the
# reference for the question whether to confirm, then again for the verdict; a long
# article (~150 KB) takes milliseconds each time, in the thread that also hands out the
# next requests of every host. A few dozen texts: the pages of the checks under way.
normalize = functools.lru_cache(maxsize=32)(_normalize)


def _plain(text: str) -> str:
    return _normalize(text, fold=False)


# The same without folding traditional to simplified: texts in one script (a site that
# serves only traditional characters) are compared as written, so that 鐘 corrected to
# 鍾 (both 钟 once folded) is an edit.
normalize_plain = functools.lru_cache(maxsize=32)(_plain)
normalize_line_plain = functools.lru_cache(maxsize=1 << 16)(_plain)


@functools.cache
def _script_tables() -> tuple[dict[int, None], dict[int, None]]:
    """translate() tables deleting the characters written only in traditional script,
    and those written only in simplified script (OpenCC's table: a traditional
    character that folds to another one, and that other one when it is no traditional
    character itself)."""
    table = T2S
    traditional = {code for code, target in table.items() if target != chr(code)}
    simplified = {ord(t) for t in table.values() if len(t) == 1} - set(table)
    simplified = {code for code in simplified if code not in traditional}
    return dict.fromkeys(traditional), dict.fromkeys(simplified)


@functools.lru_cache(maxsize=32)
def script(text: str) -> str | None:
    """ "traditional" or "simplified": which of the two scripts' own characters a text
    has more of; None for a text without either (no Han, or only shared characters)."""
    if not has_han(text):
        return None
    traditional, simplified = _script_tables()
    trad = len(text) - len(text.translate(traditional))
    simp = len(text) - len(text.translate(simplified))
    if trad == simp:
        return None
    return "traditional" if trad > simp else "simplified"


def folds(*texts: str | None) -> bool:
    """Whether texts are compared with traditional characters folded to simplified: when
    they are written in different scripts (the same article served in either), not
    when all are in one (a correction 鐘 -> 鍾 on a traditional site is an edit)."""
    return len({script(t) for t in texts if t} - {None}) > 1


def normalizers(fold: bool) -> tuple[Callable[[str], str], Callable[[str], str]]:
    """(normalize, normalize_line), folding traditional to simplified or not."""
    return (normalize, normalize_line) if fold else (normalize_plain, normalize_line_plain)


def _trigrams(text: str) -> set[str]:
    return {text[i : i + 3] for i in range(max(len(text) - 2, 1))}


def overlap(reference: str, text: str) -> float:
    """Share of the reference's character trigrams found in ``text`` (0..1), on
    normalised texts; linear time, unlike an edit distance."""
    ref = _trigrams(reference)
    return len(ref & _trigrams(text)) / len(ref) if ref else 1.0


def _keys(text: str, normalize: Callable[[str], str]) -> list[tuple[str, str]]:
    """(raw line, its normalised form) of each line that is not empty once normalised
    (a line of counters alone is dropped by normalize)."""
    out = []
    for line in text.splitlines():
        key = normalize(line)
        if key:
            out.append((line, key))
    return out


def is_teaser(reference: str, page: str, normalize: Callable[[str], str]) -> bool:
    """Whether ``page`` is the article's teaser: some of the reference's paragraphs in
    their order (the last one possibly cut short), less than the whole, plus a short
    prompt to subscribe or log in, and nothing else."""
    ref = [key for _, key in _keys(reference, normalize)]
    held = extra = 0
    prompt = False
    at = 0
    for _, key in _keys(page, normalize):
        found = _find(ref, key, at)
        if found is not None:
            held += len(key)
            at = found + 1
            continue
        if key in ref:
            return False  # the article's paragraphs out of their order: an edit
        extra += len(key)
        prompt = prompt or PROMPT.search(key) is not None
    whole = sum(len(key) for key in ref)
    return held > 0 and prompt and extra <= TEASER_PROMPT_CHARS and held < whole


def _find(ref: list[str], key: str, start: int) -> int | None:
    """Where ``key`` is among the reference's lines from ``start``: the same line, or
    the start of one (a teaser's last paragraph cut short, often with "...")."""
    cut = key.rstrip(".").rstrip()
    for index in range(start, len(ref)):
        line = ref[index]
        if line == key or (len(cut) >= 10 and line.startswith(cut)):
            return index
    return None
