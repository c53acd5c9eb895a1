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
# consent wall. Only the title and the heading are read, each on its own: an article's
# text may say any of these words in passing ("the cookies stood out"). Phrases about
# the page itself, not the words alone: "Missing hiker not found", "Road maintenance
# begins" and "Route 404 reopens" are headlines (a URL handed to backfill has no item
# title that would show the page to be the article's, decide.not_the_article).
_PAGE_SAYS = (
    (
        'a "not found" page',
        re.compile(
            r"(?i)^\s*(?:error\s*)?404\b|\b404\s*(?:error|not\s+found|page)|(?:error|http)\s*404\b"
            r"|\bpage\s+(?:was\s+)?not\s+found|^\s*not\s+found\s*$"
            r"|\b(?:page|article|story|content)\s+(?:you\s+(?:requested|are\s+looking\s+for"
            r"|were\s+looking\s+for)|(?:does\s+not|doesn.t)\s+exist|(?:is\s+)?no\s+longer"
            r"\s+available|(?:cannot|could\s+not)\s+be\s+found)"
            r"|(?:couldn.t|could\s+not|can.t|cannot)\s+find\s+(?:that|this|the|your)\s+"
            r"(?:page|article|story)|seite\s+nicht\s+gefunden|page\s+introuvable"
            r"|页面不存在|頁面不存在|网页不存在|網頁不存在|页面未找到|頁面未找到|文章不存在"
            r"|内容不存在|內容不存在|找不到(?:该|該|此|您要的|您要访问的|您要訪問的)?(?:页面|頁面|网页|網頁)"
        ),
    ),
    (
        "a maintenance page",
        re.compile(
            r"(?i)(?:down|offline|closed)\s+for\s+maintenance|under\s+maintenance"
            r"|maintenance\s+(?:mode|in\s+progress|downtime)"
            r"|(?:service|site|server|website)\s+(?:is\s+)?(?:temporarily\s+)?unavailable"
            r"|^\s*temporarily\s+unavailable|(?:error|http)\s*50[23]\b|^\s*50[23]\b"
            r"|维护中|維護中|系统维护|系統維護|系统升级中|系統升級中|wartungsarbeiten"
            r"|en\s+maintenance"
        ),
    ),
    (
        "a consent wall",
        re.compile(
            r"(?i)\bwe\s+(?:value|respect|care\s+about)\s+your\s+privacy|^\s*before\s+you"
            r"\s+continue|^\s*(?:cookie|privacy)\s+(?:consent|settings|preferences|choices)\s*$"
            r"|^\s*your\s+privacy\s+(?:choices|settings)\s*$|\bwe\s+use\s+cookies"
            r"|隐私设置|隱私設置|^\s*datenschutz(?:einstellungen)?\s*$"
        ),
    ),
)


def page_says(title: str | None, heading: str | None) -> str | None:
    """What a page's ``title`` or ``heading`` (its ``<h1>``) says it is when that is no
    article's page, quoted for the report (``a "not found" page ("page not found")``),
    else None."""
    for what, words in _PAGE_SAYS:
        for part in (title, heading):
            found = words.search(part or "")
            if found is not None:
                return f'{what} ("{found[0].strip()}")'
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


# A login wall's title or heading starts by asking ("Log in to continue", "Subscribe to
# read", "请登录"); a headline with PROMPT's words inside ("Council members vote") is an
# article's, under the log-in box of the site's header.
_ASKS = re.compile(r"(?i)\s*(?:please\s+|请|請)?(?:" + PROMPT.pattern.removeprefix("(?i)") + ")")
# A body this long (its HTML) holds more text than a wall shows: not read further.
_SHORT_BODY_HTML = 8 * WALL_TEXT_CHARS


def page_signs(
    page: str, body_html: str, title: str | None, heading: str | None
) -> PageSigns | None:
    """What a page (``page``: its HTML, decoded) whose extraction found ``body_html``,
    ``title`` and ``heading`` shows of itself besides an article, when that text is
    short (at most WALL_TEXT_CHARS, what a wall shows): None for a longer article (the
    signs are not read at all) or when there is no sign. A login wall is asked of the
    title or heading that starts by asking (_ASKS: "Log in to continue"): an article
    may say "log in" in passing, under a log-in box in the site's header."""
    if len(body_html) > _SHORT_BODY_HTML:
        return None
    text = html_to_text(body_html)
    if len(text) > WALL_TEXT_CHARS:
        return None
    asking = next((part for part in (title, heading) if part and _ASKS.match(part)), None)
    signs = PageSigns(
        bot=bot_wall(page),
        login=login_wall(page, asking) if asking else None,
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
