"""Stand-in URLs for the article images trafilatura cannot see (extract/imagestandins):
its test is trafilatura's, the stand-ins never outlive the extraction, and a page without
such an image is left alone."""

from __future__ import annotations

import lxml.html
import pytest
from trafilatura.utils import image_src

from rssarchive.extract import imagestandins
from rssarchive.extract.article import extract_article

BASE = "https://news.example/a/1"
PARAGRAPHS = "".join(
    f"<p>Paragraph {i}: the council met on Tuesday to discuss the river district plan.</p>"
    for i in range(6)
)

IMAGES = [
    '<img src="/img/photo.png">',
    '<img src="/img/abc123">',
    '<img src="/img/resize?w=800&amp;id=9">',
    '<img src="/_next/image?url=%2Fuploads%2Fphoto.jpg&amp;w=1080">',
    '<img src="/v2/resize:fit:1400/1*AbCdEf">',
    '<img src="data:image/gif;base64,R0lGOD" data-src="/img/a.webp">',
    '<img src="data:image/gif;base64,R0lGOD" data-src-large="/img/a.JPEG">',
    '<img src="data:image/gif;base64,R0lGOD" data-lazy-src="/img/a.jpg">',
    '<img srcset="/img/a.jpg 1x, /img/b.jpg 2x">',
    '<img src="/img/photo.png?x=1">',
    '<img src="/img/photo.pngx">',
    '<img src="/img/photo.heic">',
    '<img data-src="/img/q.gif">',
    '<img src="/images/photo.jpeg/large">',
    f'<img src="/{"a" * 8200}.png">',
]


@pytest.mark.parametrize("tag", IMAGES)
def test_trafilatura_sees_what_trafilatura_sees(tag: str) -> None:
    # The copy of trafilatura's test must agree with trafilatura (a new trafilatura
    # changing it fails here rather than silently dropping or doubling images).
    img = lxml.html.fragment_fromstring(tag)
    assert imagestandins.trafilatura_sees(img) == (image_src(img) is not None)


def _page(images: str, *, boilerplate: bool = True) -> bytes:
    # The masthead and the ad have no image file name either: trafilatura still leaves
    # them out (they are not the article's), stand-in or not.
    header = "<header><img src='/brand/masthead'></header>" if boilerplate else ""
    aside = "<aside><p>Ad</p><img src='/ads/serve?id=7' width='300'></aside>"
    return (
        f"<html><head><title>T</title></head><body>{header}<article><h1>T</h1>"
        f"{PARAGRAPHS[:200]}{images}{PARAGRAPHS}</article>{aside if boilerplate else ''}"
        "</body></html>"
    ).encode()


@pytest.mark.parametrize(
    ("img", "shown"),
    [
        ('<img src="/img/abc123">', "https://news.example/img/abc123"),
        ('<img src="data:," data-original="/cdn/7">', "https://news.example/cdn/7"),
        ('<img srcset="/r/1 400w, /r/2 1600w">', "https://news.example/r/2"),
        ('<img src="data:," data-srcset="/r/1 1x, /r/2 2x">', "https://news.example/r/2"),
        (
            '<picture><source media="(max-width: 9px)" srcset="/p/0"><source srcset="/p/1 1x,'
            ' /p/2 2x"><source srcset="/p/3"><img alt="x"></picture>',
            "https://news.example/p/2",
        ),
    ],
)
def test_article_keeps_the_image_under_its_own_url(img: str, shown: str) -> None:
    article = extract_article(_page(img), BASE)
    assert f'<img src="{shown}"' in article.body_html
    assert article.lead_image == shown  # no og:image: the first real image
    assert article.body_html.startswith("<img ")  # moved to the top
    assert imagestandins.STAND_IN_HOST not in article.body_html
    assert "/ads/" not in article.body_html and "masthead" not in article.body_html


@pytest.mark.parametrize(
    "img",
    [
        '<img src="/px?u=1" width="1" height="1">',  # a tracking pixel
        '<img src="/share/facebook" class="share-icon">',  # an icon
        '<img src="data:image/gif;base64,R0lGOD">',  # nothing but a placeholder
        '<img src="javascript:alert(1)">',  # no image at all
    ],
)
def test_no_stand_in_for_decoration_or_no_url(img: str) -> None:
    doc = lxml.html.document_fromstring(_page(img, boilerplate=False))
    before = lxml.html.tostring(doc)
    assert imagestandins.give_stand_ins(doc, BASE) == {}
    assert lxml.html.tostring(doc) == before  # left alone: nothing to undo
    assert "<img" not in extract_article(_page(img), BASE).body_html


def test_page_whose_images_trafilatura_sees_is_left_alone() -> None:
    doc = lxml.html.document_fromstring(_page('<img src="/img/photo.png">', boilerplate=False))
    before = lxml.html.tostring(doc)
    assert imagestandins.give_stand_ins(doc, BASE) == {}
    assert lxml.html.tostring(doc) == before


def test_restore_puts_back_and_removes_strays() -> None:
    stand_in = f"http://{imagestandins.STAND_IN_HOST}/t/0.png"
    body = lxml.html.fragment_fromstring(
        f'<div><img src="{stand_in}" alt="a"><img src="{stand_in}x">'
        f'<a href="{stand_in}">x</a></div>'
    )
    imagestandins.restore(body, {stand_in: "/img/abc123"})
    html = lxml.html.tostring(body, encoding="unicode")
    assert html == '<div><img src="/img/abc123" alt="a"><img><a>x</a></div>'
