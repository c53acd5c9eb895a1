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
    ],
)
def test_redirect_stub(page: str, target: str | None) -> None:
    assert redirect_stub(page) == target
