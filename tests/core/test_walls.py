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
            PageSigns(says='a consent wall ("We value your privacy")'),
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
            PageSigns(login='"登录" and a login form'),
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
