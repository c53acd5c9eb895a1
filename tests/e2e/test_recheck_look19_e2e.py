"""Re-checks on the cases the outside look of issue 19 (look19) found wrong: a local site
archived by the real CLI, then changed under it, driven with --now.

- finding 1: an article whose page grew past the extractor's element limit (a long
  comment thread beside it) is not read, which says nothing of the article: never
  suspected nor deleted.
"""

from __future__ import annotations

from pathlib import Path

from pytest_httpserver import HTTPServer
from test_recheck_decisions_e2e import T0, T1, T2, _page, _paragraphs, _run, _setup, _status, article
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
    _run(config, "run", "--now", T0)
    comments = "<section class='comments'>" + "<p><b>c</b></p>" * 30_000 + "</section>"

    def complex_page(request: Request) -> Response:
        page = _page("a", _paragraphs("a")).replace("<footer>", comments + "<footer>")
        return Response(page, content_type="text/html; charset=utf-8")

    site.routes[links[0]] = complex_page
    first = _run(config, "recheck", "--now", T1)["recheck"]
    assert (first["suspected"], first["deleted"], first["unreachable"]) == (0, 0, 1)
    again = _run(config, "recheck", "--now", T2)["recheck"]
    assert again["deleted"] == 0
    assert _status(state, site) == dict.fromkeys(links, "unchanged")
