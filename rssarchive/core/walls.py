"""What a page that answered 200 shows of itself when it is no article's page, pure: a
bot wall (:func:`bot_wall`), a login wall (:func:`login_wall`), a "not found", a
maintenance or a consent page (:func:`page_says`), a paywall's teaser
(:func:`teaser_prompt`). One home for both users: a re-check (recheck.py, issue 19)
asks it of a page without the article it knows; archiving asks it of every short page
it extracts (:func:`page_signs`, look16c F1), and decide.not_the_article judges the
signs. Tested as tables in tests/core/test_recheck_page.py and tests/core/test_walls.py.
"""

from __future__ import annotations

import html
import re

from rssarchive.core import recheck_text as texts
from rssarchive.core.htmltext import html_to_text
from rssarchive.core.models import PageSigns
from rssarchive.core.recheck_confirm import SOFT_404_BELOW
from rssarchive.core.recheck_text import PROMPT, TEASER_PROMPT_CHARS, overlap

# A bot wall: a page answered with 200 by a rate limiter or a DDoS shield instead of the
# article ("Just a moment...", "Checking your browser", "请稍候…", "安全验证"). It is
# small (WALL_PAGE_BYTES: Cloudflare's challenge is ~30 KB, most of it script), shows
# little text (WALL_TEXT_CHARS, its title included), none of it the article's, and
# either says what it is in one of the archive's languages (_WALL_WORDS, in its title or
# its text) or carries a challenge's form or script (_WALL_MARKS). An article about DDoS
# protection is no wall: it is longer, and it holds the article's text.
WALL_PAGE_BYTES = 256 * 1024
WALL_TEXT_CHARS = 1000
_WALL_WORDS = re.compile(
    r"(?i)checking\s+(?:your|if\s+the\s+site\s+connection)|just\s+a\s+moment"
    r"|attention\s+required|ddos\s+protection|enable\s+javascript\s+and\s+cookies"
    r"|verify(?:ing)?\s+(?:that\s+)?you\s+are\s+(?:a\s+)?human|are\s+you\s+a\s+robot"
    r"|unusual\s+traffic|security\s+check|one\s+more\s+step|access\s+denied"
    r"|请稍候|請稍候|请稍等|請稍等|安全验证|安全驗證|人机验证|人機驗證|访问验证|訪問驗證"
    r"|安全检查|安全檢查|正在检查|正在檢查|验证您是|驗證您是"
    r"|しばらくお待ちください|アクセスを確認|잠시만\s*기다려|보안\s*확인"
    r"|einen\s+moment|sicherheitsüberprüfung|vérification\s+de\s+sécurité|un\s+instant"
)
_WALL_MARKS = re.compile(
    r"(?i)cf-challenge|challenge-platform|challenge-form|cf-turnstile|cf_chl_"
    r"|g-recaptcha|h-captcha|hcaptcha\.com|recaptcha/api|captcha-delivery|px-captcha"
)
_HIDDEN = re.compile(r"(?is)<(script|style|noscript|template)\b.*?</\1\s*>|<!--.*?-->")
_TAG = re.compile(r"(?s)<[^>]*>")


def visible_text(page: str) -> str:
    """What a page shows as text (its title included): its tags, scripts, styles and
    comments removed, entities read, whitespace collapsed."""
    text = _TAG.sub(" ", _HIDDEN.sub(" ", page))
    return " ".join(html.unescape(text).split())


def bot_wall(page: str, known: str | None = None) -> str | None:
    """What shows ``page`` (a 200's HTML, decoded) to be a bot wall, quoted for the
    report (``"Just a moment"``, ``a challenge script``), else None. ``known``: the
    article's text, none of which a wall holds (less than SOFT_404_BELOW of its
    trigrams)."""
    if len(page) > WALL_PAGE_BYTES:
        return None
    shown = visible_text(page)
    if len(shown) > WALL_TEXT_CHARS:
        return None
    body = texts.split_headline(known or "")[1]
    if body.strip():
        norm, _ = texts.normalizers(texts.folds(body, shown))
        if overlap(norm(body), norm(shown)) >= SOFT_404_BELOW:
            return None
    words = _WALL_WORDS.search(shown)
    if words is not None:
        return f'"{words[0]}"'
    return "a challenge form or script" if _WALL_MARKS.search(page) else None


# A login wall's form: a password input, or a form whose action, id, class or name says
# it logs in (look19, finding 5).
_LOGIN_FORM = re.compile(
    r"(?is)<input\b[^>]*\btype\s*=\s*[\"']?password"
    r"|<form\b[^>]*(?:log-?in|sign-?in|signon|passport|auth|登录|登錄)"
)


def login_wall(page: str, text: str | None = None) -> str | None:
    """What shows ``page`` (a 200's HTML, decoded) to ask for a log-in or a subscription,
    quoted for the report, else None: it carries a password input or a login form, and
    its text says so (PROMPT's words: "请登录", "本内容仅限会员阅读", "Subscribe to
    continue"): ``text``, what the extraction found in it, else (nothing found) all it
    shows, so that a "not found" page with a log-in box in its header is no wall. Only
    a page without the article is asked: the article may be behind it, so such a page is
    a suspicion never confirmed as a deletion by itself."""
    form = _LOGIN_FORM.search(page)
    if form is None:
        return None
    words = PROMPT.search(text or visible_text(page))
    return None if words is None else f'"{words[0]}" and a login form'


# What a short page's title or ``<h1>`` says it is, when it is no article's page: a
# "not found" page answered with 200 (a soft 404), a site down for maintenance, a
# consent wall. Only the title and the heading are read: an article's text may say any
# of these words in passing ("the cookies stood out"), its headline rarely does, and a
# headline that is the item's own makes the page the article's (decide.not_the_article).
_PAGE_SAYS = (
    (
        'a "not found" page',
        re.compile(
            r"(?i)(?<![\d.])404(?!\d)|not\s+found|(?:couldn.t|could\s+not|can.t|cannot)\s+find"
            r"|cannot\s+be\s+found|(?:doesn.t|does\s+not)\s+exist|no\s+longer\s+available"
            r"|页面不存在|頁面不存在|找不到|未找到|nicht\s+gefunden|introuvable"
        ),
    ),
    (
        "a maintenance page",
        re.compile(
            r"(?i)maintenance|temporarily\s+unavailable|service\s+unavailable"
            r"|(?<![\d.])50[23](?!\d)|维护|維護|系统升级|系統升級|wartungs"
        ),
    ),
    (
        "a consent wall",
        re.compile(
            r"(?i)(?:value|respect)s?\s+your\s+privacy|before\s+you\s+continue"
            r"|cookie\s+(?:consent|settings|preferences)|we\s+use\s+cookies"
            r"|privacy\s+(?:settings|choices|preferences)|隐私设置|隱私設置|datenschutz"
        ),
    ),
)


def page_says(title: str | None, heading: str | None) -> str | None:
    """What a page's ``title`` or ``heading`` (its ``<h1>``) says it is when that is no
    article's page, quoted for the report (``a "not found" page ("not found")``), else
    None."""
    shown = " ".join(part for part in (title, heading) if part)
    for what, words in _PAGE_SAYS:
        found = words.search(shown)
        if found is not None:
            return f'{what} ("{found[0]}")'
    return None


# A teaser's prompt asks to subscribe or log in to read on: two of PROMPT's words in
# the text's last paragraph ("Subscribe to continue reading", "订阅后阅读全文"). One is
# an article's own ending as often ("Sign up for our newsletter", "Members said").
_PROMPT_WORDS = 2


def teaser_prompt(text: str) -> str | None:
    """The prompt ending ``text`` (a short article's text, one paragraph a line) when it
    is a paywall's teaser: a last paragraph of at most TEASER_PROMPT_CHARS with
    _PROMPT_WORDS of PROMPT's words, after some of the article. Quoted, else None."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if len(lines) < 2 or len(lines[-1]) > TEASER_PROMPT_CHARS:
        return None
    words = [m[0] for m in PROMPT.finditer(lines[-1])]
    return f'"{lines[-1]}"' if len(words) >= _PROMPT_WORDS else None


# A body this long (its HTML) holds more text than a wall shows: not read further.
_SHORT_BODY_HTML = 8 * WALL_TEXT_CHARS


def page_signs(
    page: str, body_html: str, title: str | None, heading: str | None
) -> PageSigns | None:
    """What a page (``page``: its HTML, decoded) whose extraction found ``body_html``,
    ``title`` and ``heading`` shows of itself besides an article, when that text is
    short (at most WALL_TEXT_CHARS, what a wall shows): None for a longer article (the
    signs are not read at all) or when there is no sign. A login wall is asked of the
    title and heading ("Log in to continue"): an article may say "log in" in passing,
    under a log-in box in the site's header."""
    if len(body_html) > _SHORT_BODY_HTML:
        return None
    text = html_to_text(body_html)
    if len(text) > WALL_TEXT_CHARS:
        return None
    headline = " ".join(part for part in (title, heading) if part)
    signs = PageSigns(
        bot=bot_wall(page),
        login=login_wall(page, headline) if headline else None,
        says=page_says(title, heading),
        prompt=teaser_prompt(text),
    )
    return None if signs == PageSigns() else signs


def shows_title(item_title: str | None, title: str | None, heading: str | None) -> bool:
    """Whether a page's ``title`` or ``heading`` carries the item's title (normalised
    as re-checks compare text): the page is the item's, whatever else its few words
    say."""
    wanted = texts.normalize(item_title or "")
    if len(wanted) < 2:
        return False
    return any(wanted in texts.normalize(part) for part in (title, heading) if part)
