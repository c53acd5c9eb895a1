"""core/walls.py at archiving time (look16c F1): the signs a short page shows of itself
besides an article, and none on an article that says "log in", "cookies" or "404" in
passing."""

from __future__ import annotations

import pytest

from rssarchive.core import walls
from rssarchive.core.models import PageSigns

ARTICLE = "".join(
    f"<p>Paragraph {i} of the council's budget story, told at length.</p>" for i in range(40)
)


@pytest.mark.parametrize(
    ("page", "body", "title", "signs"),
    [
        pytest.param(
            "<title>Just a moment...</title><form id='challenge-form'></form>",
            "<p>Checking your browser.</p>",
            "Just a moment...",
            PageSigns(bot='"Just a moment"'),
            id="a bot wall",
        ),
        pytest.param(
            "<h1>Log in to continue</h1><form action='/login'><input type='password'></form>",
            "<p>Registered readers only.</p>",
            "Log in to continue",
            PageSigns(login='"Log in" and a login form'),
            id="a login wall",
        ),
        pytest.param(
            "<h1>Page not found</h1>",
            "<p>The page you requested may have been moved.</p>",
            "Page not found",
            PageSigns(says='a "not found" page ("Page not found")'),
            id="a soft 404",
        ),
        pytest.param(
            "<h1>页面不存在</h1>",
            "<p>您访问的页面不存在。</p>",
            "页面不存在",
            PageSigns(says='a "not found" page ("页面不存在")'),
            id="a Chinese soft 404",
        ),
        pytest.param(
            "<h1>We value your privacy</h1>",
            "<p>We and our partners store cookies.</p>",
            "We value your privacy",
            PageSigns(
                says='a consent wall ("We value your privacy")',
                bare='a consent banner ("We and our partners store cookies.")',
            ),
            id="a consent wall",
        ),
        pytest.param(
            "<h1>Down for maintenance</h1>",
            "<p>Back soon.</p>",
            "Down for maintenance",
            PageSigns(says='a maintenance page ("Down for maintenance")'),
            id="maintenance",
        ),
        pytest.param(
            "<h1>Budget day</h1>",
            "<p>The council approved the budget.</p><p>Subscribe to continue reading.</p>",
            "Budget day",
            PageSigns(prompt='"Subscribe to continue reading."'),
            id="a paywall teaser",
        ),
        pytest.param(
            "<h1>Bakery wins prize</h1><form><input type='password'></form>",
            "<p>Members had to log in to see the cookies.</p><p>Sign up for our newsletter.</p>",
            "Bakery wins prize",
            None,
            id="a short article saying log in, cookies, sign up in passing",
        ),
        pytest.param(
            "<h1>Council members vote</h1><form><input type='password'></form>",
            "<p>Members of the council voted to subscribe to the plan.</p>",
            "Council members vote",
            None,
            id="a headline with a prompt's word inside, under a log-in box",
        ),
        pytest.param(
            "<h1>请登录</h1><form action='/login'><input type='password'></form>",
            "<p>本内容仅限会员阅读。</p>",
            "请登录",
            PageSigns(
                login='"登录" and a login form', bare='a login prompt ("本内容仅限会员阅读。")'
            ),
            id="a Chinese login wall",
        ),
        pytest.param(
            "<title>Page not found</title><form id='challenge-form'></form>",
            ARTICLE,
            "Page not found",
            None,
            id="a long article is not read at all",
        ),
        pytest.param(
            "<h1>Rates rise 0.503 points</h1>",
            "<p>Rates rose.</p>",
            "Rates rise 0.503 points",
            None,
            id="a number holding 503 is no status",
        ),
    ],
)
def test_page_signs(page: str, body: str, title: str, signs: PageSigns | None) -> None:
    assert walls.page_signs(page, body, title, title) == signs


@pytest.mark.parametrize(
    ("item", "title", "shown"),
    [
        ("Bakery wins prize", "Bakery wins prize | Daily News", True),
        ("Bakery wins prize", "Log in", False),
        (None, "Page not found", False),
        ("面包店获奖", "面包店获奖_每日新闻", True),
    ],
)
def test_shows_title(item: str | None, title: str, shown: bool) -> None:
    assert walls.shows_title(item, title, None) is shown


@pytest.mark.parametrize(
    ("heading", "says"),
    [
        ("404", '"not found" page'),
        ("Error 404 - Example News", '"not found" page'),
        ("Sorry, we couldn't find that page", '"not found" page'),
        ("The page you requested does not exist", '"not found" page'),
        ("抱歉，找不到您要访问的页面", '"not found" page'),
        ("503 Service Temporarily Unavailable", "maintenance"),
        ("We're down for maintenance", "maintenance"),
        ("Before you continue to Example", "consent"),
        ("We value your privacy", "consent"),
        ("Missing hiker not found after three days", None),
        ("Road maintenance begins on Main Street", None),
        ("Route 404 reopens after repairs", None),
        ("Police can't find the suspect", None),
        ("EU rules on cookie consent banners tightened", None),
        ("Apple says it values your privacy", None),
        ("Rates rise 0.503 points", None),
    ],
)
def test_page_says_of_itself_not_of_a_headline_with_its_words(
    heading: str, says: str | None
) -> None:
    said = walls.page_says(None, heading)
    assert (said is None) if says is None else (said is not None and says in said), said


# -- look16d F5, F6, F3: conservative rules ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "teaser"),
    [
        ("Lead.\nSubscribe to continue reading.", True),
        ("Lead.\nThis article is for subscribers only.", True),
        ("Lead.\nLog in to read the full article.", True),
        ("Lead.\nAlready a subscriber? Sign in.", True),
        ("导语。\n登录后阅读全文", True),
        ("导语。\n订阅后阅读全文", True),
        ("导语。\n本文为付费阅读内容", True),
        ("Lead.\nCouncil members said registered voters can comment at the next session.", False),
        ("Lead.\nPremiums for members of the state plan rise in January.", False),
        ("Lead.\nThe 27 member states must register their plans by March.", False),
        ("导语。\n市民可登录政务网站注册预约。", False),
        ("Lead.\nMembers had to log in to see the cookies.", False),
        ("Lead.\nSign up for our newsletter.", False),
        ("Lead.\nTo continue reading, please log in.", True),
        ("Lead.\nCreate a free account to keep reading.", True),
        ("Lead.\nThe senator vowed to continue reading the bill aloud.", False),
        # look16e F4: the phrases only as a prompt, not inside an ordinary sentence.
        ("Lead.\nThe matches will be for subscribers only.", False),
        ("Lead.\nSubscribers only.", True),
        ("Lead.\nFor subscribers only", True),
        ("导语。\n业内人士表示，付费阅读模式将受到更严格监管。", False),
        ("导语。\n付费阅读", True),
    ],
)
def test_a_teaser_prompt_is_a_prompt_phrase_not_two_everyday_words(text: str, teaser: bool) -> None:
    assert (walls.teaser_prompt(text) is not None) is teaser


@pytest.mark.parametrize(
    ("heading", "says"),
    [
        ("Service Unavailable", "maintenance"),
        ("Service unavailable | Example News", "maintenance"),
        ("Under maintenance", "maintenance"),
        ("系统维护中", "maintenance"),
        ("Content no longer available", '"not found"'),
        ("Sorry, this story is no longer available.", '"not found"'),
        ("We use cookies", "consent"),
        ("404 Not Found", '"not found"'),
        ("Train Service Unavailable After Storm", None),
        ("Old Bridge Under Maintenance Until May", None),
        ("Streaming Content No Longer Available In Russia", None),
        ("We use cookies to track shoppers, FTC says", None),
    ],
)
def test_headline_phrases_count_only_as_the_whole_heading_or_its_start(
    heading: str, says: str | None
) -> None:
    said = walls.page_says(None, heading)
    assert (said is None) if says is None else (said is not None and says in said), said


@pytest.mark.parametrize(
    ("item", "title", "heading", "shown"),
    [
        ("Reporters barred from trial", None, "Reporters Barred From Trial", True),
        ("Streaming content gone", "Streaming  Content  Gone | X", None, True),
        ("ＡＢＣ news today", "ABC News Today", None, True),
        ("Reporters barred from trial", "Judge closes courtroom", None, False),
    ],
)
def test_the_item_title_is_shown_whatever_its_case_and_spaces(
    item: str, title: str | None, heading: str | None, shown: bool
) -> None:
    assert walls.shows_title(item, title, heading) is shown


@pytest.mark.parametrize(
    ("page", "body", "title", "signs"),
    [
        pytest.param(
            "<h1>Judge closes courtroom</h1>",
            "<p>The access denied to reporters was criticised by press groups.</p>",
            "Judge closes courtroom",
            None,
            id="bot-wall words in an article's text",
        ),
        pytest.param(
            "<title>Access denied | Example</title>",
            "<p>You do not have permission to view this page.</p>",
            "Access denied | Example",
            PageSigns(bot='"Access denied"'),
            id="bot-wall words starting its title",
        ),
        pytest.param(
            "<h1>Security check delays at airport</h1>",
            "<p>Travellers waited two hours on Friday.</p>",
            "Security check delays at airport",
            None,
            id="a headline starting with a bot wall's words",
        ),
        pytest.param(
            "<title>Just a moment...</title>",
            "<p>Checking your browser before accessing example.com.</p>",
            "Just a moment...",
            PageSigns(bot='"Just a moment"'),
            id="a bot wall's whole title",
        ),
        pytest.param(
            "<h1>Premium bonds prize rises</h1><form><input type='password'></form>",
            "<p>The monthly prize fund rises in January, the Treasury said.</p>",
            "Premium bonds prize rises",
            None,
            id="a headline starting with a prompt's word under a log-in box",
        ),
        pytest.param(
            "<h1>Minister resigns</h1><form action='/s'><input type='password'></form>",
            "<p>Minister resigns</p><p>Log in to read this article.</p><p>Go</p>",
            "Minister resigns",
            PageSigns(bare='a login prompt ("Log in to read this article.")'),
            id="a login wall showing the headline",
        ),
        pytest.param(
            "<h1>Storm closes port</h1>",
            "<p>We and our 842 partners use cookies to personalise content.</p><p>Accept all</p>",
            "Storm closes port",
            PageSigns(
                bare='a consent banner ("We and our 842 partners use cookies to personalise'
                ' content.")'
            ),
            id="a consent interstitial showing the headline",
        ),
        pytest.param(
            "<h1>Flood warning lifted</h1>",
            "<p>Flood warning lifted Sorry, this story is no longer available.</p>",
            "Flood warning lifted",
            PageSigns(bare='"no longer available" ("Sorry, this story is no longer available.")'),
            id="a gone story showing the headline",
        ),
        pytest.param(
            "<h1>Video removed</h1>",
            "<p>YouTube said the video was taken down for breaking its rules.</p>",
            "Video removed",
            None,
            id="an article about a removal",
        ),
    ],
)
def test_signs_read_where_a_wall_shows_them(
    page: str, body: str, title: str, signs: PageSigns | None
) -> None:
    assert walls.page_signs(page, body, title, title) == signs


# -- fixD: a wall's wording counts where the wall says it, not quoted by an article --------


@pytest.mark.parametrize(
    ("page", "body", "title", "signs"),
    [
        pytest.param(
            "<h1>微博热帖遭删除</h1>",
            "<p>一篇批评武汉防疫措施的微博热帖周一晚间被删除，网友截图显示：该内容已被删除。"
            "该帖此前获得十万次转发，作者的账号也被禁言三十天。</p>",
            "微博热帖遭删除",
            None,
            id="a censorship brief quoting a deletion notice in its lead sentence",
        ),
        pytest.param(
            "<h1>EU orders cookie banner change</h1>",
            "<p>The European Commission on Monday ordered Meta to add a button saying Reject"
            " all to its cookie banner within 30 days.</p><p>Meta said it would appeal the"
            " decision.</p>",
            "EU orders cookie banner change",
            None,
            id="a brief quoting a consent banner's button",
        ),
        pytest.param(
            "<h1>Journal retracts vaccine paper</h1>",
            "<p>The journal said on Friday: This article has been removed at the request of the"
            " authors. The paper had claimed a link between the vaccine and autism.</p>",
            "Journal retracts vaccine paper",
            None,
            id="a brief quoting a retraction notice after a colon",
        ),
        pytest.param(
            "<h1>Newspaper launches app</h1><form action='/login'><input type='password'></form>",
            "<p>The Daily Courier launched an app on Tuesday.</p><p>Readers who already have an"
            " account can sign in to read the full archive from 1950 on.</p>",
            "Newspaper launches app",
            None,
            id="a sentence telling readers they can sign in, under a log-in box",
        ),
        pytest.param(
            "<h1>微博热帖遭删除</h1>",
            "<p>微博热帖遭删除</p><p>抱歉，该内容已被删除。</p><p>返回首页</p>",
            "微博热帖遭删除",
            PageSigns(bare='"no longer available" ("抱歉，该内容已被删除。")'),
            id="a Chinese deletion notice showing the headline",
        ),
        pytest.param(
            "<h1>Storm closes port</h1>",
            "<p>By clicking Accept all, you agree to the storing of cookies.</p>",
            "Storm closes port",
            PageSigns(
                bare='a consent banner ("By clicking Accept all, you agree to the storing of'
                ' cookies.")'
            ),
            id="a consent banner's sentence starting with its lead-in",
        ),
        pytest.param(
            "<h1>Flood warning lifted</h1>",
            "<p>Notice: This story has been removed.</p>",
            "Flood warning lifted",
            PageSigns(bare='"no longer available" ("Notice: This story has been removed.")'),
            id="a removal notice after a label",
        ),
    ],
)
def test_a_wall_wording_quoted_inside_an_article_sentence_is_the_article(
    page: str, body: str, title: str, signs: PageSigns | None
) -> None:
    assert walls.page_signs(page, body, title, title) == signs


@pytest.mark.parametrize(
    ("text", "teaser"),
    [
        ("Lead.\nTo keep reading fun, entry is free for all ages.", False),
        (
            "Lead.\nReaders who already have an account can sign in to read the full archive.",
            False,
        ),
        ("Lead.\nTo keep reading this article, subscribe.", True),
        ("Lead.\nPlease sign in to read the full article.", True),
        ("Lead.\nYou must log in to read the full story.", True),
    ],
)
def test_a_teaser_prompt_is_the_start_of_a_sentence_that_asks(text: str, teaser: bool) -> None:
    assert (walls.teaser_prompt(text) is not None) is teaser


# -- look16f s16, s16b, s46: walls whatever their chrome ---------------------------------


@pytest.mark.parametrize(
    ("page", "body", "heading", "bot"),
    [
        pytest.param(
            "<title>Just a moment...</title><h1>www.example.com</h1>",
            "<p>www.example.com needs to review the security of your connection.</p>",
            "www.example.com",
            '"Just a moment"',
            id="the <title> a heading hides",
        ),
        pytest.param(
            "<title>Attention Required! | Cloudflare</title>",
            "<p>This website is using a security service to protect itself.</p>",
            "Sorry, you have been blocked",
            '"Sorry, you have been blocked"',
            id="Cloudflare's block page",
        ),
        pytest.param(
            "<iframe src='/_Incapsula_Resource?x=1'>Request unsuccessful.</iframe>",
            "<p>Request unsuccessful. Incapsula incident ID: 1-2</p>",
            None,
            "a challenge form or script",
            id="Incapsula's resource",
        ),
        pytest.param(
            "<pre>Generated by cloudfront (CloudFront)</pre>",
            "<p>We can't connect to the server for this app at this time.</p>",
            "403 ERROR",
            "a challenge form or script",
            id="CloudFront's footer",
        ),
        pytest.param(
            "<title>x</title>",
            "<p>Reference ID 1a2b3c4d.</p>",
            "Press & Hold to confirm you are a human (and not a bot).",
            '"Press & Hold"',
            id="PerimeterX",
        ),
        pytest.param(
            "<title>429 Too Many Requests</title>",
            "<p>Please slow down.</p>",
            None,
            '"429 Too Many Requests"',
            id="a rate limiter's title",
        ),
        pytest.param(
            "<title>访问异常</title>",
            "<p>为了保证正常用户的访问，系统检测到您的IP访问异常。</p>",
            "您的访问过于频繁，请稍后再试",
            '"您的访问过于频繁"',
            id="a Chinese rate limit",
        ),
        pytest.param(
            "<title>Cloudflare outage takes down sites | News</title>",
            "<p>A Cloudflare outage showed visitors a Ray ID. Too many requests overloaded"
            " its proxies, the company said. Access denied messages were shown.</p>",
            "Cloudflare outage takes down sites",
            None,
            id="an article about a Cloudflare outage",
        ),
    ],
)
def test_a_bot_wall_is_read_from_its_title_markers_and_wording(
    page: str, body: str, heading: str | None, bot: str | None
) -> None:
    signs = walls.page_signs(page, body, heading, heading)
    assert (signs.bot if signs else None) == bot


@pytest.mark.parametrize(
    ("heading", "says"),
    [
        ("We’ll be back soon!", "maintenance"),
        ("We'll be right back", "maintenance"),
        ("Sorry, this content is not available in your region", "geo-block"),
        ("Not available in your region", "geo-block"),
        ("Are you over 18?", "age gate"),
        ("Age verification", "age gate"),
        ("Werbefrei lesen oder zustimmen", "consent"),
        ("Age verification laws spread across US states", None),
        ("Age verification: what the new law means", None),
        ("We'll be back, vows mayor after flood", None),
        ("Netflix not available in your country from May", None),
    ],
)
def test_page_says_maintenance_geo_blocks_and_age_gates(heading: str, says: str | None) -> None:
    said = walls.page_says(None, heading)
    assert (said is None) if says is None else (said is not None and says in said), said


@pytest.mark.parametrize(
    ("text", "bare"),
    [
        ("www.example.com\nChecking if the site connection is secure.", True),
        ("Too Many Requests\nYou have sent too many requests in a given amount of time.", True),
        ("Outage\nToo many requests from a faulty file overloaded its proxies, it said.", False),
        ("Brands\nWhen you use our sites and apps, we use cookies to provide them.", True),
        ("Brands\nIf you click 'Accept all', we and our partners store data.", True),
        ("Brands\nWhen you use the app, the cookies stay on the phone.", False),
    ],
)
def test_a_bot_wall_s_own_sentences_are_no_article(text: str, bare: bool) -> None:
    assert (walls.bare_wall("", text, text.split("\n")[0], None) is not None) is bare


# -- look16g F1: Anubis, Vercel, AWS WAF, and a bot check's title on a page with little text --

_ANUBIS = (
    '<title>Making sure you&#39;re not a bot!</title><script id="anubis_challenge"'
    ' type="application/json">{}</script><h1>Making sure you&#39;re not a bot!</h1>'
)
_VERCEL = (
    "<title>Vercel Security Checkpoint</title><h1>We're verifying your browser</h1>"
    '<script src="/.well-known/vercel/security/static/challenge.v2.min.js"></script>'
)
_AWSWAF = (
    '<title></title><script src="https://abc.token.awswaf.com/abc/challenge.js"></script>'
    "<noscript>In order to continue, we need to verify that you're not a robot. Enable"
    " JavaScript and then reload the page.</noscript>"
)


@pytest.mark.parametrize(
    ("page", "body", "heading", "bot"),
    [
        pytest.param(
            _ANUBIS, "<p>Loading...</p>", "Making sure you're not a bot!", True, id="anubis"
        ),
        pytest.param(_VERCEL, "<p>Website owner? Click here to fix</p>", None, True, id="vercel"),
        pytest.param(_AWSWAF, "<p>JavaScript is disabled</p>", None, True, id="aws waf"),
        pytest.param(
            "<title>Human Verification</title>",
            "<p>Please wait while we check your connection.</p>",
            "Human Verification",
            True,
            id="an unknown vendor's human verification",
        ),
        pytest.param(
            "<title>One more step | Example</title>",
            "<p>Please complete the check below.</p>",
            None,
            True,
            id="one more step",
        ),
        pytest.param(
            "<title>Google drops CAPTCHA puzzles</title>",
            "<p>Google said on Monday it would stop showing its image CAPTCHA puzzles to most"
            " visitors, scoring their behaviour instead to tell humans from bots.</p>",
            "Google drops CAPTCHA puzzles",
            False,
            id="an article about CAPTCHAs",
        ),
        pytest.param(
            "<title>Security checkpoint waits hit two hours at JFK</title>",
            "<p>Travellers waited up to two hours at the security checkpoint of Terminal 4.</p>",
            "Security checkpoint waits hit two hours at JFK",
            False,
            id="an article about an airport's security checkpoint",
        ),
        pytest.param(
            "<title>Are bots taking over the web? | News</title>",
            "<p>Half of all web traffic now comes from bots, a report said on Monday. Not a bot"
            " among them asks permission, its authors said, and most sites cannot tell.</p>"
            "<p>Publishers are fighting back with walls that check every visitor.</p>",
            "Are bots taking over the web?",
            False,
            id="an article about bots",
        ),
    ],
)
def test_anubis_vercel_aws_and_bot_check_titles_are_bot_walls(
    page: str, body: str, heading: str | None, bot: bool
) -> None:
    signs = walls.page_signs(page, body, heading, heading)
    assert (signs is not None and signs.bot is not None) is bot, signs


@pytest.mark.parametrize(
    ("page", "bot"),
    [
        (_ANUBIS + "<p>Loading...</p>", True),
        (_VERCEL, True),
        (_AWSWAF, True),
        ("<title>Human verification</title><p>Please wait.</p>", True),
        # The titles archiving reads (_WALL_STARTS), one list for both (look16g F1).
        ("<title>Attention</title><h1>Sorry, you have been blocked</h1><p>Ray ID 1</p>", True),
        ("<title>Request unsuccessful</title><p>Incident 1-2</p>", True),
        ("<title>429 Too Many Requests</title><p>Please slow down.</p>", True),
        (
            "<title>Airport security checkpoint waits grow</title><p>" + "Travellers wait. " * 80,
            False,
        ),
    ],
)
def test_a_re_check_knows_the_same_bot_walls(page: str, bot: bool) -> None:
    assert (walls.bot_wall(page) is not None) is bot


# -- look16g F2: a sentence starting with wall wording that goes on reporting ---------------


@pytest.mark.parametrize(
    ("text", "bare"),
    [
        (
            "EU rule\nReject all buttons must be as prominent as Accept all ones, the data"
            " protection board said on Tuesday. The rule takes effect in March.",
            False,
        ),
        (
            "Site outage\nThis page is no longer available in the print edition, the paper said,"
            " citing costs. Readers can find it online.",
            False,
        ),
        ("Flood warning lifted\nSorry, this story is no longer available.", True),
        ("Storm\nWe and our 842 partners use cookies to personalise content. Accept all.", True),
        (
            "Storm\nWe and our partners use cookies and similar technologies to store and access"
            " information on your device to personalise ads and content. Learn more.",
            True,
        ),
    ],
)
def test_a_wall_sentence_is_short_or_the_page_besides_it(text: str, bare: bool) -> None:
    assert (walls.bare_wall("", text, text.split("\n")[0], None) is not None) is bare
