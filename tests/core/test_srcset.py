"""The one srcset reader (urls.parse_srcset) and the places that use it.

The corpus is tests/srcset/cases.jsonl: one case a line, the attribute value and the
candidates (URL, descriptors) the HTML standard's algorithm gives for it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from rssarchive.core.models import Entry
from rssarchive.core.sanitize import sanitize_html
from rssarchive.core.urls import (
    largest_candidate,
    parse_srcset,
    resolve_html_urls,
    rewrite_srcset,
)
from rssarchive.extract.feedtext import article_from_feed

CASES = Path(__file__).parent.parent / "srcset" / "cases.jsonl"


def _cases() -> list[Any]:
    lines = CASES.read_text(encoding="utf-8").splitlines()
    return [pytest.param(case, id=case["srcset"][:40]) for case in map(json.loads, lines)]


@pytest.mark.parametrize("case", _cases())
def test_parse_srcset(case: dict[str, Any]) -> None:
    value = case["srcset"]
    found = parse_srcset(value)
    assert [[c.url, c.descriptors] for c in found] == case["parse"]
    # Each candidate knows where its URL stands in the value ...
    assert all(value[c.start : c.end] == c.url for c in found)
    # ... so that rewriting every URL as itself gives the value back, byte for byte.
    assert rewrite_srcset(value, lambda url: url) == value


def test_rewrite_changes_only_the_urls() -> None:
    value = "a.jpg  1x ,/w_400,h_300/b.jpg\t2x"
    assert rewrite_srcset(value, str.upper) == "A.JPG  1x ,/W_400,H_300/B.JPG\t2x"


COMMA_URL = "/img/w_400,h_300/a.jpg"


def test_feed_links_keep_commas_in_srcset_urls() -> None:
    html = f'<img srcset="{COMMA_URL} 400w, /img/w_800,h_600/a.jpg 800w">'
    assert resolve_html_urls(html, "https://x.example/news/1") == (
        '<img srcset="https://x.example/img/w_400,h_300/a.jpg 400w,'
        ' https://x.example/img/w_800,h_600/a.jpg 800w">'
    )


def test_extracted_feed_body_keeps_commas_in_srcset_urls() -> None:
    entry = Entry(
        title="t",
        link="https://x.example/news/1",
        content=f'<p>text</p><img srcset="{COMMA_URL} 400w" data-src="{COMMA_URL}">',
    )
    body = article_from_feed(entry).body_html
    assert 'srcset="https://x.example/img/w_400,h_300/a.jpg 400w"' in body
    assert 'src="https://x.example/img/w_400,h_300/a.jpg"' in body


def test_sanitizer_reads_candidates_as_browsers_do() -> None:
    kept = f'<img srcset="https://x.example{COMMA_URL} 400w">'
    assert "w_400,h_300" in sanitize_html(kept)
    # A javascript: URL after a candidate's descriptors is its own candidate: refused.
    refused = '<img srcset="https://x.example/a.jpg 1x, javascript:alert(1) 2x">'
    assert "srcset" not in sanitize_html(refused)


def test_localizer_picks_the_widest_comma_url() -> None:
    assert (
        largest_candidate(f"{COMMA_URL} 400w, /img/w_800,h_600/a.jpg 800w")
        == "/img/w_800,h_600/a.jpg"
    )
