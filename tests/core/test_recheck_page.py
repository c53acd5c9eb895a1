"""What a re-checked page shows besides the article's text, as tables
(rssarchive/core/recheck_page.py, and the verdicts of recheck.judge that use it): a bot
wall (issue 19 F8), a truncation (F9), links' anchor texts (F5/F7)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from rssarchive.core import recheck as r
from rssarchive.core import recheck_page as pg
from rssarchive.core import recheck_schedule as s
from rssarchive.core import recheck_text as t
from rssarchive.core.recheck import Observation, Record

T0 = datetime(2024, 7, 24, 1, 0, tzinfo=UTC)
H = timedelta(hours=1)
LATER = T0 + H
ARTICLE = "\n".join(
    [
        "# Council approves budget",
        "",
        "The city council approved the budget on Tuesday by forty votes to ten, after a"
        " long debate that ran late into the night.",
        "The mayor said she would sign the budget this week, and that the new buses would"
        " be ordered before the end of the year.",
        "Opposition members said the plan left the northern districts without the services"
        " they had been promised for years.",
    ]
)
P = [
    "The city council approved the budget on Tuesday by forty votes to ten.",
    "The mayor said she would sign the budget this week.",
    "Opposition members said the plan left the northern districts behind.",
    "The budget takes effect in January; the first buses run in the spring.",
]
BODY = "\n".join(P)


def page(body: str, headline: str | None = "Council approves budget") -> str:
    return t.join_headline(headline, body)


def _seen(text: str, second: str | None = None) -> Observation:
    return Observation("page", text=text, second=second)


CLOUDFLARE = (
    "<!DOCTYPE html><html><head><title>Just a moment...</title>"
    "<script>window._cf_chl_opt={cType:'managed'};</script></head><body>"
    "<div id='challenge-form'>Checking if the site connection is secure</div>"
    "<noscript>Enable JavaScript and cookies to continue</noscript></body></html>"
)
SCRIPT_ONLY = (
    "<html><head><title>example.com</title></head><body><div class='cf-turnstile'></div>"
    "<script src='/cdn-cgi/challenge-platform/h/b/orchestrate/jsch/v1'></script></body></html>"
)
DDOS_ARTICLE = (
    "<html><head><title>Banks buy DDoS protection</title></head><body><article><p>"
    + "Banks in the region spent more on DDoS protection this year than ever before. " * 20
    + "</p></article></body></html>"
)
NOT_FOUND = "<html><head><title>Page not found</title></head><body><p>Sorry.</p></body></html>"
HELD = "<html><head><title>Attention Required</title></head><body><p>{}</p></body></html>"
SHORT_ARTICLE = "\n".join(["# Note", "", "Checking your browser history is easy: press Ctrl+H."])


# (page, the article's known text, what shows it a wall: None for no wall) -- a rate
# limiter's or a DDoS shield's 200 is no soft 404 (issue 19, F8).
@pytest.mark.parametrize(
    ("page", "known", "wall"),
    [
        pytest.param(CLOUDFLARE, ARTICLE, '"Just a moment"', id="Cloudflare's challenge"),
        pytest.param(
            "<title>Attention Required! | Cloudflare</title><p>You have been blocked</p>",
            ARTICLE,
            '"Attention Required"',
            id="Cloudflare's block page",
        ),
        pytest.param(
            "<title>请稍候…</title><p>正在进行安全验证</p>", None, '"请稍候"', id="Chinese"
        ),
        pytest.param("<p>安全驗證中，請稍等</p>", None, '"安全驗證"', id="traditional Chinese"),
        pytest.param(
            "<title>DDoS-Guard</title><p>DDoS protection by DDoS-Guard</p>",
            ARTICLE,
            '"DDoS protection"',
            id="DDoS-Guard",
        ),
        pytest.param(
            "<p>Please enable JavaScript and cookies to continue</p>",
            None,
            '"enable JavaScript and cookies"',
            id="cookies and script",
        ),
        pytest.param(
            "<p>しばらくお待ちください</p>", None, '"しばらくお待ちください"', id="Japanese"
        ),
        pytest.param(SCRIPT_ONLY, ARTICLE, "a challenge form or script", id="a challenge script"),
        pytest.param(DDOS_ARTICLE, None, None, id="an article about DDoS protection"),
        pytest.param(NOT_FOUND, ARTICLE, None, id="a soft 404 is no wall"),
        pytest.param(
            HELD.format(ARTICLE.split("\n")[2]), ARTICLE, None, id="a page holding the article"
        ),
        pytest.param(
            "<p>Checking your browser history is easy: press Ctrl+H.</p>",
            SHORT_ARTICLE,
            None,
            id="a short article with the words",
        ),
        pytest.param(CLOUDFLARE + " " * pg.WALL_PAGE_BYTES, None, None, id="a large page"),
    ],
)
def test_bot_wall(page: str, known: str | None, wall: str | None) -> None:
    assert pg.bot_wall(page, known) == wall


ZH = [
    "市议会周二晚间以四十票对十票的结果通过了明年的城市预算案，此前议员们进行了长达十多个小时的激烈辩论。",
    "市长在投票结束后对记者表示，她将在本周内正式签署这份预算案，并承诺在年底之前完成公交车的采购。",
    "反对派议员则批评说，这份预算案再次忽视了北部各区的需要，政府承诺的诊所和图书馆至今仍未建成。",
]
ZH_BODY = "".join(ZH)  # a short Chinese page's extraction: one paragraph


# (reference, page, truncated) -- the article's beginning alone, or with a prompt in the
# same paragraph, is a truncation, no edit (issue 19, F9); is_teaser has the prompt on
# its own line.
@pytest.mark.parametrize(
    ("reference", "text", "truncated"),
    [
        pytest.param(BODY, P[0], True, id="the first paragraph alone"),
        pytest.param(BODY, P[0] + "\n" + P[1][:20] + "...", True, id="cut, an ellipsis"),
        pytest.param(BODY, P[0] + " Subscribe to continue reading.", True, id="prompt inline"),
        pytest.param(ZH_BODY, ZH[0] + "订阅后即可阅读全文。", True, id="zh prompt inline"),
        pytest.param(ZH_BODY, ZH[0][:30] + "……本文为付费内容，开通会员解锁全文", True, id="zh cut"),
        pytest.param(ZH_BODY, ZH[0] + "登录后阅读", True, id="zh log in to read"),
        pytest.param(
            ZH_BODY, "首页市长签署预算案" + ZH[0] + "订阅", True, id="zh after a menu and headline"
        ),
        pytest.param(BODY, "\n".join(P[:3]), False, id="three of four: much shorter only"),
        pytest.param(ZH_BODY, ZH[0] + ZH[1], False, id="two of three"),
        pytest.param(BODY, P[0] + "\nThe council later reversed its decision.", False, id="added"),
        pytest.param(BODY, P[0] + "\n" + P[2], False, id="article text with a prompt's word"),
        pytest.param(BODY, P[0][:15], False, id="too little of it: a soft 404"),
        pytest.param(ZH_BODY, ZH[1] + "订阅", False, id="not its beginning"),
        pytest.param(BODY, BODY, False, id="all of it"),
    ],
)
def test_is_truncated(reference: str, text: str, truncated: bool) -> None:
    assert pg.is_truncated(reference, text, t.normalize) is truncated


def test_a_truncation_is_no_version_and_says_so() -> None:
    record = Record(archived=T0, next_due=T0 + H, reference=page(ZH_BODY))
    cut = page(ZH[0] + "订阅后即可阅读全文。")
    verdict = r.judge(record, _seen(cut, cut), LATER, s.AGES, serving=True)
    assert (verdict.event, verdict.version, verdict.note) == ("suspected", None, r.TRUNCATED)


M = t.LINKS
LIST_PAGE = (
    "<article><p>Text</p><h3>相关新闻</h3><ul><li><a href='/a'>台风登陆 沿海停课</a></li>"
    "<li><a href='/b'>股市连续&nbsp;三日下跌</a></li></ul><p>Read <a href='/c'>x</a></p></article>"
)


def test_anchor_texts() -> None:
    # Whitespace collapsed and entities read as html_to_text does; one letter is no text.
    assert pg.anchor_texts(LIST_PAGE) == {"台风登陆 沿海停课", "股市连续 三日下跌"}


ANCHORS = frozenset(
    {"Storm closes schools", "Cup final won", "新型列车投入运营", "暴雨道路封闭", "the report"}
)


# (text, marked) -- issue 19 F5/F7: what LINKS starts is not compared.
@pytest.mark.parametrize(
    ("text", "marked"),
    [
        pytest.param("Storm closes schools", M + "Storm closes schools", id="a link alone"),
        pytest.param(
            "Read more: Storm closes schools Cup final won",
            M + "Read more: Storm closes schools Cup final won",
            id="read more: the label too (look19, finding 2)",
        ),
        pytest.param(
            "Related: Storm closes schools",
            M + "Related: Storm closes schools",
            id="a label, one link",
        ),
        pytest.param(
            "Police said: Storm closes schools", "Police said: Storm closes schools", id="no label"
        ),
        pytest.param(
            "First paragraph.\n相关新闻：\n新型列车投入运营\n暴雨道路封闭",
            "First paragraph.\n"
            + M
            + "相关新闻：\n"
            + M
            + "新型列车投入运营\n"
            + M
            + "暴雨道路封闭",
            id="a label line before a block of links (look19, finding 3)",
        ),
        pytest.param(
            "相关新闻：\nThe mayor read the report.",
            "相关新闻：\nThe mayor read the report.",
            id="a label line before text",
        ),
        pytest.param(
            "市长签署预算案。相关新闻 新型列车投入运营 暴雨道路封闭",
            "市长签署预算案。" + M + "相关新闻 新型列车投入运营 暴雨道路封闭",
            id="a short page joined: its label too",
        ),
        pytest.param(
            "The mayor read the report",
            "The mayor read the report",
            id="one link ending a sentence",
        ),
        pytest.param("The mayor read the report.", "The mayor read the report.", id="a sentence"),
        pytest.param("A" + M + "B", "AB", id="a mark of the page's own: dropped"),
    ],
)
def test_mark_links(text: str, marked: str) -> None:
    assert pg.mark_links(text, ANCHORS) == marked


def _compared(reference: str, page_text: str) -> str:
    return t.normalize(pg.unlinked(reference, page_text, t.normalize_line))


# (reference, page, the two compare equal) -- a reference holding its list of then.
@pytest.mark.parametrize(
    ("reference", "page_text", "same"),
    [
        pytest.param(
            "市长签署预算案，会议一直持续到深夜。相关新闻 台风登陆 股市下跌",
            "市长签署预算案，会议一直持续到深夜。相关新闻" + M + "新型列车 暴雨封闭",
            True,
            id="a joined list rotated",
        ),
        pytest.param(
            "市长签署预算案，会议一直持续到五点。相关新闻 台风登陆 股市下跌",
            "市长签署预算案，会议一直持续到深夜。相关新闻" + M + "新型列车 暴雨封闭",
            False,
            id="the text before it edited",
        ),
        pytest.param(
            "First paragraph of the story.\nStorm closes schools\nCup final won\nLast one.",
            "First paragraph of the story.\n" + M + "Bridge repairs\n" + M + "New wing\nLast one.",
            True,
            id="list items rotated",
        ),
        pytest.param(
            "First paragraph of the story.\nStorm closes schools\nLast one.",
            "First paragraph of the story.\n" + M + "Bridge repairs\nLast one changed.",
            False,
            id="a paragraph edited after the list",
        ),
        pytest.param(
            "First paragraph of the story.\n" + "A long paragraph removed. " * 10 + "\nLast one.",
            "First paragraph of the story.\n" + M + "Bridge repairs\nLast one.",
            False,
            id="a paragraph where the list is: compared",
        ),
    ],
)
def test_unlinked(reference: str, page_text: str, same: bool) -> None:
    assert (_compared(reference, page_text) == t.normalize(page_text)) is same


def test_a_rotating_list_of_links_is_no_edit_a_sentence_edited_is_one() -> None:
    text = "市议会周二晚间以四十票对十票的结果通过了明年的城市预算案。相关新闻"
    record = Record(archived=T0, next_due=T0 + H, reference=page(text + " 台风登陆 股市下跌"))
    rotated = page(text + M + "新型列车 暴雨封闭")
    again = page(text + M + "外交出访 高温预警")
    assert r.judge(record, _seen(rotated, again), LATER, s.AGES).event == "unchanged"
    edited = rotated.replace("四十票", "五十票")
    verdict = r.judge(record, _seen(edited, again.replace("四十票", "五十票")), LATER, s.AGES)
    assert verdict.event == "edited"


@pytest.mark.parametrize(
    ("reason", "read"),
    [
        ("no article text found on the page", True),
        ("empty page", True),
        ("not an HTML page: Document is empty", True),
        ("page too complex (94135 elements, limit 50000)", False),
        ("page too large (6000000 bytes, limit 5242880)", False),
        ("extraction failed: maximum recursion depth exceeded", False),
        ("took longer than 60 s in a worker process; skipped", False),
        ("the worker process died on it", False),
        ("the run is stopping; no extraction started", False),
        ("unexpected error (KeyError: 'x')", False),
    ],
)
def test_extraction_read(reason: str, read: bool) -> None:
    """look19, finding 1: only a page read and found without an article is a soft 404;
    an extraction that could not run says nothing of the article."""
    assert pg.extraction_read(reason) is read


# (page, labels) -- look19, finding 3: a label line whose block of links the extraction
# dropped is known from the page.
@pytest.mark.parametrize(
    ("page", "labels"),
    [
        (
            "<p>相关新闻：</p><ul><li><a href='/a'>台风登陆</a></li>"
            "<li><a href='/b'>股市</a></li></ul>",
            {"相关新闻："},
        ),
        (
            "<h3>Related stories</h3>\n<div class='x'><a href='/a'>One</a> |"
            " <a href='/b'>Two</a></div>",
            {"Related stories"},
        ),
        ("<p>相关新闻：</p><ul><li><a href='/a'>台风登陆</a>今日多地停课</li></ul>", set()),
        ("<p>相关新闻：</p><p>市长表示将签署预算案。</p>", set()),
        ("<p>The mayor said: related</p><ul><li><a href='/a'>One</a></li></ul>", set()),
    ],
)
def test_link_labels(page: str, labels: set[str]) -> None:
    assert pg.link_labels(page) == labels


def test_a_label_line_the_page_puts_before_links_is_marked() -> None:
    text = "First paragraph.\n相关新闻：\nLast paragraph."
    assert pg.mark_links(text, ANCHORS, frozenset({"相关新闻："})) == (
        "First paragraph.\n" + M + "相关新闻：\nLast paragraph."
    )
    assert pg.mark_links(text, ANCHORS) == text


LOGIN = (
    "<html><head><title>请登录</title></head><body><nav><a href='/'>首页</a></nav>"
    "<main><p>本内容仅限会员阅读，请登录后查看。</p><form action='/user/login' method='post'>"
    "<input name='u'><input type='password' name='p'><button>登录</button></form></main>"
    "</body></html>"
)


# (page, extracted text, wall?) -- look19, finding 5.
@pytest.mark.parametrize(
    ("page", "text", "wall"),
    [
        (LOGIN, None, True),
        (LOGIN.replace("type='password' ", ""), None, True),  # the form's action says it
        (
            LOGIN.replace("<form action='/user/login'", "<form action='/search'").replace(
                "type='password' ", ""
            ),
            None,
            False,
        ),
        (
            LOGIN.replace("本内容仅限会员阅读，请登录后查看。", "")
            .replace("<title>请登录</title>", "")
            .replace("<button>登录</button>", "<button>OK</button>"),
            None,
            False,
        ),
        # A "not found" page with a log-in box in its header: its text is no prompt.
        (LOGIN, "对不起，您要找的页面不存在。请返回首页。", False),
    ],
)
def test_login_wall(page: str, text: str | None, wall: bool) -> None:
    assert (pg.login_wall(page, text) is not None) is wall
