"""core/stubs.py (look16f s38): a redirect stub's target, and none on a real page."""

from __future__ import annotations

import pytest

from rssarchive.core.stubs import redirect_stub

ARTICLE = "".join(f"<p>Paragraph {i} of the council's budget story.</p>" for i in range(40))


@pytest.mark.parametrize(
    ("page", "target"),
    [
        pytest.param(
            '<meta http-equiv="refresh" content="0; url=https://x.example/real/1">'
            "<p>Redirecting to the article.</p>",
            "https://x.example/real/1",
            id="a meta refresh",
        ),
        pytest.param(
            "<meta http-equiv='Refresh' content=\"2;URL='/real/1'\">", "/real/1", id="quoted, late"
        ),
        pytest.param('<meta http-equiv="refresh" content="30; url=/next">', None, id="too late"),
        pytest.param('<meta http-equiv="refresh" content="300">', None, id="a page's own reload"),
        pytest.param(
            '<meta http-equiv="refresh" content="0; url=/real/1">' + ARTICLE,
            None,
            id="a page with its own text",
        ),
        pytest.param(
            '<script>window.location.replace("https://x.example/real/2")</script>'
            "<noscript><a href='/real/2'>Continue</a></noscript>",
            "https://x.example/real/2",
            id="location.replace",
        ),
        pytest.param(
            "<script>window.location = '/real/3';</script>", "/real/3", id="window.location ="
        ),
        pytest.param("<script>location.href='/real/4'</script>", "/real/4", id="location.href ="),
        pytest.param("<script>if (window.location == 'x') {}</script>", None, id="a comparison"),
        pytest.param(
            "<script>window.location = '/real/5'</script>" + ARTICLE,
            None,
            id="a script on a real page",
        ),
        pytest.param("<p>Short article.</p>", None, id="no stub"),
        # look16g F3: a location string a script only might run, and a refresh only a
        # browser without scripts sees, are no stub: a short brief is kept.
        pytest.param(
            "<script>function subscribe(){ window.location.href = '/subscribe'; }</script>"
            "<p>Bridge shut.</p><button onclick='subscribe()'>Subscribe</button>",
            None,
            id="in a function",
        ),
        pytest.param(
            '<script>if (screen.width < 10) { location.replace("/old.html"); }</script>'
            "<p>Library opens.</p>",
            None,
            id="in an if block",
        ),
        pytest.param(
            "<script>if (screen.width < 10) location.replace('/old.html');</script>",
            None,
            id="in an if without braces",
        ),
        pytest.param(
            "<script>if (a) {} else location.href = '/old.html';</script>", None, id="in an else"
        ),
        pytest.param("<script>a ? location.href = '/x' : 0;</script>", None, id="in a ternary"),
        pytest.param(
            "<script>go.onclick = () => location.assign('/x');</script>", None, id="in an arrow"
        ),
        pytest.param(
            "<script>btn.addEventListener('click', function () {\n"
            "location.href = '/x';\n});</script>",
            None,
            id="in a handler",
        ),
        pytest.param(
            '<script type="text/template">location.href = "/x";</script>',
            None,
            id="not a script",
        ),
        pytest.param(
            '<noscript><meta http-equiv="refresh" content="0; url=/nojs.html"></noscript>'
            "<p>Road closed.</p>",
            None,
            id="a refresh in noscript",
        ),
        pytest.param(
            '<meta http-equiv="refresh" content="0; url=/real/6">'
            "<p>The A40 was closed in both directions on Monday morning after a lorry "
            "overturned near Junction 4. Police expect it to reopen by noon.</p>",
            None,
            id="a refresh over a brief",
        ),
        pytest.param(
            "<script>location.href = '/real/7';</script><h1>Library</h1><p>Hillside Primary "
            "opened its new library on Friday, with 6,000 books donated by parents.</p>",
            None,
            id="a script over a brief",
        ),
        pytest.param(
            "<script>function later() { return 1; }\nvar to = '/real/8';\n"
            "// moved\nwindow.location.replace('/real/8');</script><p>Redirecting…</p>",
            "/real/8",
            id="top level after a function",
        ),
        pytest.param(
            "<title>Moved</title><script>top.location = '/real/9'</script>"
            "<p>Redirecting to <a href='https://x.example/real/9'>https://x.example/real/9"
            "</a>. If you are not redirected automatically, follow this link.</p>",
            "/real/9",
            id="its target shown",
        ),
        pytest.param(
            "<script>setTimeout(function () { window.location.href = '/real/10'; }, 0);"
            "</script><p>Redirecting…</p>",
            "/real/10",
            id="in a timer",
        ),
        pytest.param(
            "<script>if (old) { setTimeout(() => location.replace('/x'), 0); }</script>",
            None,
            id="a timer in an if",
        ),
        pytest.param(
            "<script>setTimeout(function () { if (old) location.href = '/x'; }, 0);</script>",
            None,
            id="an if in a timer",
        ),
    ],
)
def test_redirect_stub(page: str, target: str | None) -> None:
    assert redirect_stub(page) == target
