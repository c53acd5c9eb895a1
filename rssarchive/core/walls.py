"""What a page that answered 200 shows of itself when it is no article's page, pure: a
bot wall (:func:`bot_wall`), a login wall (:func:`login_wall`), a "not found", a
maintenance or a consent page (:func:`page_says`), a paywall's teaser
(:func:`teaser_prompt`), a page holding only its headline and a wall's wording
(:func:`bare_wall`). One home for both users: a re-check (recheck.py, issue 19) asks
it of a page without the article it knows; archiving asks it of every short page it
extracts (:func:`page_signs`, look16c F1), and decide.not_the_article judges the
signs. Archiving's reading is conservative (look16d): a false "no article" loses the
article for good once given up, a wall archived now and then costs a post. Tested as
tables in tests/core/test_recheck_page.py and tests/core/test_walls.py.
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
# A bot check's phrases, whoever the vendor (look16g F1: Anubis, Vercel, AWS WAF), one
# list: bot_wall (re-checks) searches a short page's text for them, page_signs asks them
# of a title or heading they end, over little text (_bot_check).
_BOT_CHECK = (
    r"not\s+a\s+(?:ro)?bot|verif(?:y|ying)\s+(?:that\s+)?you(?:'|’)?re\s+(?:not|human)"
    r"|verif(?:y|ying)\s+(?:that\s+)?you\s+are\s+(?:a\s+)?(?:human|not)"
    r"|verif(?:y|ying)\s+your\s+browser|security\s+checkpoint|human\s+verification"
    r"|captcha"
)
_WALL_WORDS = re.compile(
    r"(?i)" + _BOT_CHECK + r"|checking\s+(?:your|if\s+the\s+site\s+connection)|just\s+a\s+moment"
    r"|attention\s+required|ddos\s+protection|enable\s+javascript\s+and\s+cookies"
    r"|verify(?:ing)?\s+(?:that\s+)?you\s+are\s+(?:a\s+)?human|are\s+you\s+a\s+robot"
    r"|unusual\s+traffic|security\s+check|one\s+more\s+step|access\s+denied"
    r"|请稍候|請稍候|请稍等|請稍等|安全验证|安全驗證|人机验证|人機驗證|访问验证|訪問驗證"
    r"|安全检查|安全檢查|正在检查|正在檢查|验证您是|驗證您是"
    r"|しばらくお待ちください|アクセスを確認|잠시만\s*기다려|보안\s*확인"
    r"|einen\s+moment|sicherheitsüberprüfung|vérification\s+de\s+sécurité|un\s+instant"
)
# A vendor's own markers, in the HTML a wall carries whatever its text (look16f s16,
# s16b): Cloudflare's challenge and block page (cf-chl, cf-wrapper, cf-error-details),
# Incapsula's resource, CloudFront's error footer, PerimeterX's and DataDome's captcha,
# Anubis's, Vercel's, AWS WAF's challenges (look16g F1): not an outage article's text.
_WALL_MARKS = re.compile(
    r"(?i)cf-challenge|challenge-platform|challenge-form|cf-turnstile|cf_chl_|cf-chl"
    r"|id=[\"']?(?:cf-wrapper|cf-error-details|challenge-running|challenge-error-text)\b"
    r"|_Incapsula_Resource|incapsula\s+incident\s+id|generated\s+by\s+cloudfront"
    r"|g-recaptcha|h-captcha|hcaptcha\.com|recaptcha/api|captcha-delivery|px-captcha"
    r"|_pxCaptcha|perimeterx"
    r"|anubis_challenge|/\.within\.website/|/\.well-known/vercel/security/|awswaf\.com"
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
    # The titles and headings archiving reads (page_signs), one list for both (look16g).
    heading = _H1.search(page)
    return _bot_signs(page, shown, page_title(page), visible_text(heading[1]) if heading else None)


_H1 = re.compile(r"(?is)<h1\b[^>]*>(.*?)</h1\s*>")


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
# begins" and "Route 404 reopens" are headlines. A phrase a headline may hold ("Train
# service unavailable after storm", "Old bridge under maintenance until May",
# "Streaming content no longer available in Russia", "We use cookies to track
# shoppers, FTC says") counts only as the whole title or heading, or its start before
# a site's name or a sentence's end (_START, _END: look16d F6): a URL handed to
# backfill has no item title that would show the page to be the article's.
_START = r"^\s*(?:sorry[,!.]?\s*|oops[,!.]?\s*)?(?:(?:error|http)\s*)?(?:\d{3}\s*[:.-]?\s*)?"
_START += r"(?:(?:we\s*(?:'|’)?re|we\s+are|the\s+site\s+is|this\s+site\s+is|(?:the|this)\s+)\s*)?"
_END = r"(?=\s*(?:$|[.!…|·•–—(-]|[，。！（]))"
_PAGE_SAYS = (
    (
        'a "not found" page',
        re.compile(
            r"(?i)^\s*(?:error\s*)?404\b|\b404\s*(?:error|not\s+found|page)|(?:error|http)\s*404\b"
            r"|\bpage\s+(?:was\s+)?not\s+found|^\s*not\s+found\s*$"
            r"|\b(?:page|article|story|content)\s+you\s+(?:requested|are\s+looking\s+for"
            r"|were\s+looking\s+for)|"
            + _START
            + r"(?:page|article|story|content)\s+(?:(?:does\s+not|doesn.t)\s+exist"
            r"|(?:is\s+)?no\s+longer\s+available|(?:cannot|could\s+not)\s+be\s+found)"
            + _END
            + r"|(?:couldn.t|could\s+not|can.t|cannot)\s+find\s+(?:that|this|the|your)\s+"
            r"(?:page|article|story)|seite\s+nicht\s+gefunden|page\s+introuvable"
            r"|页面不存在|頁面不存在|网页不存在|網頁不存在|页面未找到|頁面未找到|文章不存在"
            r"|内容不存在|內容不存在|找不到(?:该|該|此|您要的|您要访问的|您要訪問的)?(?:页面|頁面|网页|網頁)"
        ),
    ),
    (
        "a maintenance page",
        re.compile(
            r"(?i)" + _START + r"(?:(?:down|offline|closed)\s+for\s+maintenance|under\s+maintenance"
            r"|maintenance\s+(?:mode|in\s+progress|downtime)"
            r"|(?:service|site|server|website)\s+(?:is\s+)?(?:temporarily\s+)?unavailable"
            r"|temporarily\s+unavailable|wartungsarbeiten|en\s+maintenance"
            r"|we\s*(?:'|’)?ll\s+be\s+(?:right\s+back|back\s+(?:soon|shortly|online))"
            r"|(?:网站|網站|系统|系統)?(?:维护中|維護中|正在维护|正在維護|升级中|升級中))"
            + _END
            + r"|(?:error|http)\s*50[23]\b|^\s*50[23]\b"
        ),
    ),
    (
        "a geo-block",
        re.compile(
            r"(?i)" + _START + r"(?:(?:content|video|article|page|site|service)\s+(?:is\s+)?)?"
            r"not\s+available\s+in\s+your\s+(?:region|country|location|area)" + _END
        ),
    ),
    (
        "an age gate",
        re.compile(
            r"(?i)"
            + _START
            + r"(?:are\s+you\s+(?:over|at\s+least)\s+(?:18|21)(?:\s*\?)?|age\s+verification"
            r"(?:\s+required)?|age\s+check|verify\s+your\s+age|confirm\s+your\s+age"
            r"|you\s+must\s+be\s+(?:over\s+|at\s+least\s+)?(?:18|21)|altersprüfung"
            r"|altersverifikation)" + _END
        ),
    ),
    (
        "a consent wall",
        re.compile(
            r"(?i)" + _START + r"(?:before\s+you\s+continue\b"
            r"|(?:we\s+(?:value|respect|care\s+about)\s+your\s+privacy|(?:cookie|privacy)\s+(?:consent|settings|preferences|choices)"
            r"|your\s+privacy\s+(?:choices|settings)|we\s+use\s+cookies|隐私设置|隱私設置"
            r"|datenschutz(?:einstellungen)?|werbefrei\s+lesen(?:\s+oder\s+zustimmen)?)"
            + _END
            + ")"
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


# A teaser's prompt asks to subscribe or log in to read on, in a phrase that says so
# ("Subscribe to continue reading", "This article is for subscribers", "登录后阅读",
# "订阅后阅读全文", "付费阅读" as the whole paragraph or after "本文": "The matches will be
# for subscribers only." and "付费阅读模式将受到监管" end real articles, look16e F4), in
# the text's last paragraph (look16d F5), starting one of its sentences (_begins: "Readers
# who have an account can sign in to read the archive" tells, it does not ask; "To keep
# reading fun, entry is free" is no "to keep reading" a prompt ends or goes on from).
# Words alone are an article's as often ("Council members said registered voters can
# comment", "市民可登录政务网站注册预约"): never enough.
_READ_ON = (
    r"to\s+(?:continue|keep)\s+reading(?=\s*(?:$|[,.!?:;…]|(?:this|the|our|on|more|please"
    r"|subscribe|sign|log|register|create|become|you)\b))"
)
TEASER_ASKS = re.compile(
    r"(?i)(?:^|[.!?]\s+)" + _READ_ON + r"|\b(?:subscri\w*|log\s*-?\s*in|sign\s*-?\s*in|register"
    r"|account|members?hip|upgrade)\b[^.!?]{0,40}\b"
    + _READ_ON
    + r"|\bsubscribe\s+(?:now\s+|today\s+)?(?:to|and)\s+"
    r"(?:read|continue|keep\s+reading|unlock|access|get\s+(?:full\s+|unlimited\s+)?access)"
    r"|\b(?:log|sign)\s*-?\s*in\s+(?:now\s+)?(?:to|and)\s+(?:read|continue|keep\s+reading"
    r"|(?:unlock|view|see|access)\s+(?:this|the|the\s+(?:full|whole|rest\s+of\s+the)|full)\s+"
    r"(?:article|story|content|text|post))"
    r"|\bregister\s+(?:for\s+free\s+)?to\s+(?:read|continue|unlock)"
    r"|^\W*(?:for\s+)?subscribers\s+only\W*$|\bsubscriber[\s-]+(?:only|exclusive)\b"
    r"|\bonly\s+(?:for|available\s+to)\s+(?:paying\s+)?subscribers|\balready\s+a\s+subscriber"
    r"|\b(?:this|the)\s+(?:full\s+)?(?:article|story|content|rest\s+of\s+(?:this|the)\s+"
    r"(?:article|story))\s+is\s+(?:only\s+|exclusively\s+)?(?:for|available\s+(?:only\s+)?to"
    r"|reserved\s+for)\s+(?:our\s+)?(?:paying\s+|premium\s+|registered\s+)?(?:subscribers|members)"
    r"|\bunlock\s+(?:this|the\s+full|full)\s+(?:article|story)|\bstart\s+your\s+free\s+trial"
    r"|\bbecome\s+a\s+(?:member|subscriber)\s+to\s+(?:read|continue|access)"
    r"|(?:登录|登錄|登入)(?:后|後)(?:阅读|閱讀|查看|继续|繼續|浏览|瀏覽)"
    r"|(?:订阅|訂閱|购买|購買|付费|付費)(?:后|後)(?:阅读|閱讀|查看|继续|繼續)"
    r"|(?:^\W*|本文\w{0,2})(?:付费阅读|付費閱讀)|付费内容|付費內容|(?:仅限|僅限)(?:会员|會員|订阅|訂閱|付费|付費)"
    r"|(?:会员|會員|订阅用户|訂閱用戶)(?:专享|專享|专属|專屬)|(?:开通|開通)(?:会员|會員|订阅|訂閱)"
    r"|\bum\s+weiterzulesen|\bréservé\s+aux\s+abonnés|続きを読むには|会員限定|有料会員"
)
# Where a wall's wording or a teaser's prompt is the page's own: starting a sentence,
# after at most an apology, a label, a "please" or "you must", an imperative ("Create a
# free account to keep reading"), a consent banner's "By clicking" or a Chinese "本文".
# The same words further into a sentence are an article's, quoting them ("网友截图显示：
# 该内容已被删除", "ordered Meta to add a button saying Reject all", "The journal said:
# This article has been removed"): such a sentence, an article's lead as often as not, is
# the article's text.
_LEAD_IN = re.compile(
    r"(?i)\W*(?:(?:we(?:'|’)?re\s+|we\s+are\s+|very\s+|so\s+)?sorry|oops|apologies"
    r"|unfortunately|notice|note|error|很?抱歉|对不起|對不起|(?:温馨|溫馨)?提示)?[\s,!.:;，！：]*"
    r"(?:please\s+|kindly\s+|simply\s+|请|請"
    r"|you\s+(?:can|must|need\s+to|have\s+to|will\s+need\s+to)\s+"
    r"|(?:create|open|get|start|join|choose|buy)\s+(?:a\s+|an\s+|your\s+)?(?:free\s+)?"
    r"|(?:by\s+(?:clicking|selecting|choosing|tapping|pressing)|if\s+you\s+(?:click|select|choose"
    r"|tap|press))\s+(?:on\s+)?[\"“'‘]?"
    r"|when\s+you\s+use\s+our\s+(?:web)?(?:sites?|services?|apps?)(?:\s+and\s+(?:sites?|services?"
    r"|apps?))?\s*,?\s*"
    r"|(?:本|该|此|該)(?:内容|內容|文章|文|页面|頁面)?(?:为|為|是|需)?)?"
)
_SENTENCES = re.compile(r"[^.!?。！？\n]*[.!?。！？]*")


def _begins(words: re.Pattern[str], sentence: str) -> bool:
    """Whether ``words`` start ``sentence`` (after at most a _LEAD_IN)."""
    found = words.search(sentence)
    return found is not None and _LEAD_IN.fullmatch(sentence[: found.start()]) is not None


def teaser_prompt(text: str) -> str | None:
    """The prompt ending ``text`` (a short article's text, one paragraph a line) when it
    is a paywall's teaser: a last paragraph of at most TEASER_PROMPT_CHARS, one of whose
    sentences starts with a prompt's phrase (TEASER_ASKS), after some of the article.
    Quoted, else None."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if len(lines) < 2 or len(lines[-1]) > TEASER_PROMPT_CHARS:
        return None
    asks = any(_begins(TEASER_ASKS, s.strip()) for s in _SENTENCES.findall(lines[-1]))
    return f'"{lines[-1]}"' if asks else None


# A login wall's title or heading asks, as the whole of it or its start before a site's
# name or "to read…" ("Log in", "Log in to continue", "Subscribe to read", "请登录");
# a headline that starts with a prompt's word ("Register to vote by Friday", "Premium
# bonds prize rises", "Members vote") is an article's, under the log-in box of the
# site's header (look16d F5).
_ASKS = re.compile(
    r"(?i)\s*(?:please\s+|请|請)?(?:log\s*-?\s*in|sign\s*-?\s*in|subscribe|登录|登錄|登入"
    r"|订阅|訂閱|ログイン|로그인|anmelden|connexion)"
    r"(?:\s*$|\s*[|·•–—:(-]|\s+(?:to|and|or|for)\s|(?<=[^\x00-\x7f])(?:后|後|以|[，。！]))"
)
# A bot wall's words as a bot wall shows them: its title or heading, from its start
# ("Checking your browser before accessing", "Just a moment...", "Access denied |
# Example", "请稍候…"); an article's text says "access denied" or "a security check"
# in passing, and a headline may start so ("Security check delays at airport"): those
# words count only as the whole title or heading, or its start before a site's name
# (_END, look16d F6).
_WALL_STARTS = re.compile(
    r"(?i)^\s*(?:(?:\d{3}\s*)?(?:error\s*)?[:.-]?\s*)?(?:press\s*(?:&|and)\s*hold"
    r"|(?:您的|你的)?(?:访问|訪問)(?:过于|過於)?(?:频繁|頻繁)|(?:访问|訪問)(?:异常|異常)"
    r"|(?:the\s+)?request\s+could\s+not\s+be\s+satisfied|request\s+unsuccessful"
    r"|(?:sorry,?\s+)?you\s+have\s+been\s+blocked|access\s+to\s+this\s+(?:page|site)\s+has"
    r"\s+been\s+denied|checking\s+(?:your|if\s+the\s+site\s+connection)"
    r"|enable\s+javascript\s+and\s+cookies|verify(?:ing)?\s+(?:that\s+)?you\s+are\s+(?:a\s+)?human"
    r"|are\s+you\s+a\s+robot|请稍候|請稍候|请稍等|請稍等|人机验证|人機驗證|正在检查|正在檢查"
    r"|验证您是|驗證您是|しばらくお待ちください|アクセスを確認|잠시만\s*기다려"
    r"|(?:just\s+a\s+moment|attention\s+required|ddos\s+protection|unusual\s+traffic"
    r"|security\s+check|one\s+more\s+step|access\s+denied|安全验证|安全驗證|访问验证|訪問驗證"
    r"|安全检查|安全檢查|보안\s*확인|einen\s+moment|sicherheitsüberprüfung"
    r"|vérification\s+de\s+sécurité|un\s+instant|(?:429\s*)?too\s+many\s+requests)" + _END + ")"
)
# A body this long (its HTML) holds more text than a wall shows: not read further.
_SHORT_BODY_HTML = 8 * WALL_TEXT_CHARS
# A page whose text, besides its headline and a wall's wording, is shorter than this
# holds none of the article (look16d F3): a login wall, a consent interstitial or a
# "no longer available" that shows the article's headline. A short article under a
# log-in box keeps a sentence or two of its own.
BARE_TEXT_CHARS = 200
# A wall's own wording in the text: a login prompt (with a password input, _LOGIN_FORM),
# a consent banner's, a "no longer available". Sentences that start so (_begins) are the
# wall's; an article's sentence quoting them is the article's.
_CONSENT_SAYS = re.compile(
    r"(?i)\bwe\s+(?:and\s+our\s+(?:\d+\s+)?(?:partners|vendors)\s+)?(?:use|store|set)\s+cookies"
    r"|\b(?:our|\d+)\s+(?:partners|vendors)\s+(?:use|store|set)|\baccept\s+(?:all|cookies)\b"
    r"|\breject\s+all\b|\bmanage\s+(?:your\s+)?(?:choices|preferences|cookies)"
    r"|\bcookie\s+(?:settings|preferences|policy)\b"
)
# A bot wall's or a rate limiter's own sentences, whatever its heading (a host name,
# look16f s16): "You have sent too many requests", "Enable JavaScript and cookies to
# continue", "请完成安全验证后继续访问".
_BOT_SAYS = re.compile(
    r"(?i)you\s+have\s+sent\s+too\s+many\s+requests|too\s+many\s+requests(?=\W*$)"
    r"|request\s+(?:unsuccessful|blocked)\b|checking\s+(?:your\s+browser|if\s+the\s+site"
    r"\s+connection)|enable\s+javascript\s+and\s+cookies\s+to\s+continue"
    r"|complete\s+the\s+security\s+check|(?:您的|你的)?(?:访问|訪問)(?:过于|過於)(?:频繁|頻繁)"
    r"|完成(?:安全|人机|人機)(?:验证|驗證)"
)
_GONE_SAYS = re.compile(
    r"(?i)\bthis\s+(?:page|article|story|content|post)\s+(?:is\s+)?(?:no\s+longer\s+available"
    r"|has\s+been\s+(?:removed|deleted|taken\s+down)|(?:could\s+not|cannot|can.t)\s+be\s+found"
    r"|does\s+not\s+exist|doesn.t\s+exist)"
    r"|页面不存在|頁面不存在|文章不存在|内容不存在|內容不存在"
    r"|(?:该|此|本)(?:文章|页面|内容)已(?:被)?(?:删除|下线)|(?:該|此|本)(?:文章|頁面|內容)已(?:被)?(?:刪除|下線)"
)
# A sentence that starts by asking to log in is a prompt when it is this short ("Log in
# or register."); a longer one is an article's ("Log in to the county site to book").
_ASKING_CHARS = 40


def page_signs(
    page: str, body_html: str, title: str | None, heading: str | None
) -> PageSigns | None:
    """What a page (``page``: its HTML, decoded) whose extraction found ``body_html``,
    ``title`` and ``heading`` shows of itself besides an article, when that text is
    short (at most WALL_TEXT_CHARS, what a wall shows): None for a longer article (the
    signs are not read at all) or when there is no sign. A login wall is asked of the
    title or heading that asks (_ASKS: "Log in to continue"), a bot wall's words of
    the title or heading that start with them, or its challenge's form or script: an
    article may say "log in" or "access denied" in passing."""
    if len(body_html) > _SHORT_BODY_HTML or len(page) > WALL_PAGE_BYTES:
        return None
    text = html_to_text(body_html)
    if len(text) > WALL_TEXT_CHARS:
        return None
    asking = next((part for part in (title, heading) if part and _ASKS.match(part)), None)
    # The extraction's title may be the page's heading ("Sorry, you have been blocked"),
    # its <title> the wall's name ("Attention Required! | Cloudflare", look16f s16b):
    # read too, as a title is.
    named = page_title(page)
    bot = _bot_signs(page, text, title, heading, named)
    signs = PageSigns(
        bot=bot,
        login=login_wall(page, asking) if asking else None,
        says=page_says(title, heading) or page_says(named, None),
        prompt=teaser_prompt(text),
        # A bot wall's sentences tell a wall whose heading is a host name (look16f s16);
        # one already shown by its title, heading or markers is said as that.
        bare=bare_wall(page, text, title, heading, bot_words=bot is None),
    )
    return None if signs == PageSigns() else signs


_TITLE = re.compile(r"(?is)<title\b[^>]*>(.*?)</title\s*>")


def page_title(page: str) -> str | None:
    """The text of ``page``'s first ``<title>``, entities read, whitespace collapsed."""
    found = _TITLE.search(page)
    return " ".join(html.unescape(_TAG.sub(" ", found[1])).split()) or None if found else None


def _bot_signs(page: str, text: str, *parts: str | None) -> str | None:
    for part in parts:
        words = _WALL_STARTS.match(part or "")
        if words is not None:
            return f'"{words[0].strip()}"'
    if _WALL_MARKS.search(page):
        return "a challenge form or script"
    return _bot_check(text, parts)


# A bot check's title or heading ends with its phrase; a headline about CAPTCHAs or an
# airport's checkpoint goes on past it, an article about bots has text of its own.
_BOT_CHECK_ENDS = re.compile(r"(?i)(?:" + _BOT_CHECK + r")" + _END)
_CHECK_WORDS, _CHECK_TEXT_CHARS = 8, 300


def _bot_check(text: str, parts: tuple[str | None, ...]) -> str | None:
    if len(" ".join(_besides(text, *parts).split())) > _CHECK_TEXT_CHARS:
        return None
    for part in parts:
        if part and len(part.split()) <= _CHECK_WORDS and _BOT_CHECK_ENDS.search(part):
            return f'"{part.strip()}"'
    return None


def _besides(text: str, *parts: str | None) -> str:
    """``text`` without its title and heading (``parts``), the longest first."""
    for part in sorted({p.strip() for p in parts if p and p.strip()}, key=len)[::-1]:
        text = text.replace(part, " ")
    return text


def bare_wall(
    page: str, text: str, title: str | None, heading: str | None, *, bot_words: bool = True
) -> str | None:
    """What wall ``text`` (a short page's, one paragraph a line) is when it holds
    nothing but its headline (``title``, ``heading``) and the wall's wording, quoted
    (``a login prompt ("Log in to read this article.")``), else None (look16d F3): such
    a page is no article whatever its headline. The wall's wording is a sentence that
    starts with it (_begins): a brief quoting it ("网友截图显示：该内容已被删除。") keeps
    its sentence as its own text."""
    rest = _besides(text, title, heading)
    login = _LOGIN_FORM.search(page) is not None
    said = None
    kept = []
    sentences = _SENTENCES.findall(rest)
    hits = [_wall_says(sentence.strip(), login=login, bot=bot_words) for sentence in sentences]
    for at, sentence in enumerate(sentences):
        hit = hits[at]
        if hit is not None and not _wall_sentence(sentence, sentences[at + 1 :], hits[at + 1 :]):
            hit = None
        if hit is None:
            kept.append(sentence)
        elif said is None:
            said = f'{hit} ("{sentence.strip()}")'
    if said is None:
        return None
    return said if len(" ".join("".join(kept).split())) < BARE_TEXT_CHARS else None


# A wall's sentence is short, or followed by nothing but the wall's wording and buttons
# (_CHROME_WORDS): one going on into reporting ("…, the board said on Tuesday. The rule
# takes effect in March.", look16g F2) is an article's, whatever words start it.
_WALL_SENTENCE_WORDS, _CHROME_WORDS = 12, 3
_SAID = re.compile(
    r"(?i),\s*(?:\w+\s+){0,5}(?:said|says|told|reported|announced|wrote)\b|\baccording\s+to\b"
)


def _wall_sentence(sentence: str, after: list[str], hits: list[str | None]) -> bool:
    if len(sentence.split()) <= _WALL_SENTENCE_WORDS:
        return True
    return not _SAID.search(sentence) and all(
        hit is not None or len(other.split()) <= _CHROME_WORDS
        for other, hit in zip(after, hits, strict=True)
    )


def _wall_says(sentence: str, *, login: bool, bot: bool) -> str | None:
    """Which wall's wording ``sentence`` is, else None: a login prompt (only beside a
    password input or a login form, ``login``: a prompt's phrase, or a short sentence
    that asks, "Please log in."), a consent banner's, a "no longer available"."""
    if login and (
        _begins(TEASER_ASKS, sentence) or (len(sentence) <= _ASKING_CHARS and _ASKS.match(sentence))
    ):
        return "a login prompt"
    if _begins(_CONSENT_SAYS, sentence):
        return "a consent banner"
    if bot and _begins(_BOT_SAYS, sentence):
        return "a bot wall's wording"
    return '"no longer available"' if _begins(_GONE_SAYS, sentence) else None


def shows_title(item_title: str | None, title: str | None, heading: str | None) -> bool:
    """Whether a page's ``title`` or ``heading`` carries the item's title, compared as
    re-checks compare text (NFKC, whitespace) and, here, whatever the letter case
    (look16d F6: a feed in sentence case, its pages in title case): the page is the
    item's, whatever else its few words say."""
    wanted = texts.normalize(item_title or "").casefold()
    if len(wanted) < 2:
        return False
    return any(wanted in texts.normalize(part).casefold() for part in (title, heading) if part)
