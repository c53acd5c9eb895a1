"""Re-checks on the cases the outside look of issue 19 (look19) found wrong: a local site
archived by the real CLI, then changed under it, driven with --now.

- finding 1: an article whose page grew past the extractor's element limit (a long
  comment thread beside it) is not read, which says nothing of the article: never
  suspected nor deleted;
- finding 6: an article whose page redirects to another archived article (a follow-up
  on the same topic, written from the same templates) is deleted, not edited with the
  other article's text;
- finding 5: an article moved behind a login (a members-only notice and a login form)
  is suspected, said as walled, never deleted by such a page.
"""

from __future__ import annotations

from pathlib import Path

from pytest_httpserver import HTTPServer
from statekit import cli, json_of, run_json
from test_recheck_decisions_e2e import (
    T0,
    T1,
    T2,
    T6,
    _page,
    _paragraphs,
    _setup,
    _status,
    article,
    redirect,
)
from werkzeug import Request, Response


def test_a_page_too_complex_to_extract_is_no_deletion(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    """look19, finding 1: the page gains 60,000 comment elements outside the article
    (over the extractor's 50,000): the check is an outage, not a soft 404."""
    links = ["/n/a.html", "/n/b.html"]
    site, config, state = _setup(tmp_path, httpserver, links)
    for link in links:
        site.routes[link] = article(link[3:-5])
    run_json(config, "run", "--now", T0)
    comments = "<section class='comments'>" + "<p><b>c</b></p>" * 30_000 + "</section>"

    def complex_page(request: Request) -> Response:
        page = _page("a", _paragraphs("a")).replace("<footer>", comments + "<footer>")
        return Response(page, content_type="text/html; charset=utf-8")

    site.routes[links[0]] = complex_page
    first = run_json(config, "recheck", "--now", T1)["recheck"]
    assert (first["suspected"], first["deleted"], first["unreachable"]) == (0, 0, 1)
    again = run_json(config, "recheck", "--now", T2)["recheck"]
    assert again["deleted"] == 0
    assert _status(state, site) == dict.fromkeys(links, "unchanged")


STORY = [
    "美国和日本周日在东京举行二加二安全会谈，双方讨论了延伸威慑、驻日美军指挥体制的调整"
    "以及地区安全形势，官员表示会谈取得了具体进展。",
    "日本防卫大臣在会后的记者会上说，两国同意在明年年底之前设立新的联合司令部，"
    "以便在紧急情况下更快地协调两国部队的行动。",
    "美国国务卿则表示，华盛顿对日本的防卫承诺坚定不移，并称这次会谈是两国同盟七十年来"
    "最重要的一次调整。",
    "分析人士指出，这一调整将使驻日美军司令部拥有更大的作战指挥权，但具体细节仍有待"
    "双方在今后几个月内进一步磋商。",
]
FOLLOW_UP = [
    "外交部发言人周一就美日二加二安全会谈答记者问，表示有关国家应当停止制造地区紧张局势，"
    "并敦促双方以实际行动维护地区和平稳定，不要损害第三方利益。",
    "发言人还说，中方将继续密切关注驻日美军指挥体制调整的进展，并保留作出进一步反应的权利，"
    "相关部门已经就此向对方提出了严正交涉。",
]


def test_a_redirect_to_another_archived_article_is_a_deletion_not_an_edit(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    """look19, finding 6: /n/a.html redirects 301 to /n/b.html, archived too, a follow-up
    sharing a's first paragraphs' templates (more than 30 % of a's trigrams)."""
    links = ["/n/a.html", "/n/b.html"]
    site, config, state = _setup(tmp_path, httpserver, links)
    site.routes[links[0]] = lambda request: Response(
        _page("a", STORY), content_type="text/html; charset=utf-8"
    )

    def follow_up(request: Request) -> Response:
        page = _page("b", STORY[:2] + FOLLOW_UP)
        return Response(page, content_type="text/html; charset=utf-8")

    site.routes[links[1]] = follow_up
    run_json(config, "run", "--now", T0)
    site.routes[links[0]] = redirect(site.url(links[1]))
    first = run_json(config, "recheck", "--now", T1)["recheck"]
    assert (first["edited"], first["suspected"]) == (0, 1)
    run_json(config, "recheck", "--now", T2)
    assert _status(state, site) == {links[0]: "deleted", links[1]: "unchanged"}
    assert not (tmp_path / "site" / "_versions").exists() or not any(
        (tmp_path / "site" / "_versions").glob("*/*.txt")
    )


LOGIN_PAGE = (
    "<!DOCTYPE html><html lang='zh'><head><meta charset='utf-8'><title>请登录</title></head>"
    "<body><nav><a href='/'>首页</a> <a href='/news/'>新闻</a></nav><main><h1>会员登录</h1>"
    "<p>本内容仅限会员阅读，请登录后查看。</p><form action='/user/login' method='post'>"
    "<input name='user'><input type='password' name='pass'><button>登录</button></form>"
    "</main><footer>版权所有</footer></body></html>"
)


def test_an_article_behind_a_login_is_walled_never_deleted(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    """look19, finding 5: /n/a.html answers 200 with a members-only login form and no
    teaser, while the host serves its other article: suspected, said as walled by the
    report and by status, never confirmed deleted; the login lifted, unchanged again."""
    links = ["/n/a.html", "/n/b.html"]
    site, config, state = _setup(tmp_path, httpserver, links)
    for link in links:
        site.routes[link] = article(link[3:-5])
    run_json(config, "run", "--now", T0)
    site.routes[links[0]] = lambda request: Response(
        LOGIN_PAGE, content_type="text/html; charset=utf-8"
    )
    first = run_json(config, "recheck", "--now", T1)["recheck"]
    assert (first["suspected"], first["walled"], first["deleted"]) == (1, 1, 0)
    for now in (T2, "2024-07-24T03:00:00Z", T6):
        again = run_json(config, "recheck", "--now", now)["recheck"]
        assert (again["walled"], again["deleted"]) == (1, 0)
    assert _status(state, site) == {links[0]: "suspected", links[1]: "unchanged"}
    assert run_json(config, "status")["rechecks"]["walled"] == 1
    said = cli(config, "status")
    assert "1 suspected (1 walled)" in said.stdout
    site.routes[links[0]] = article("a")
    done = cli(config, "recheck", "--now", "2024-07-24T07:00:00Z", "--json")
    assert json_of(done)["recheck"]["walled"] == 0
    assert _status(state, site)[links[0]] == "unchanged"
