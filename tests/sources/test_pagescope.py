"""Which part of a page dates its article (pagescope, look16h H8, H13, H14): a table of
page shapes, each with the date its article has (or none), the site's chrome, lists of
other stories and update labels beside it. The page's URL names no day."""

from __future__ import annotations

from datetime import UTC, datetime

import lxml.html
import pytest

from rssarchive.sources.pagedates import page_date
from rssarchive.sources.pagescope import article_heading, without_update_dates

NOW = datetime(2026, 12, 7, 12, tzinfo=UTC)
BODY = "".join(
    f"<p>Paragraph {i} of the article, long enough to be its text.</p>" for i in range(4)
)
OWN = '<time datetime="2026-12-01T08:00:00Z">Dec 1</time>'
OTHER = '<time datetime="2026-12-06T09:00:00Z">Dec 6</time>'


def dated(body: str) -> str:
    body = body if body.startswith("<body") else f"<body>{body}</body>"
    doc = lxml.html.document_fromstring(f"<html><head><title>T</title></head>{body}</html>")
    found = page_date(doc, "http://news.test/news/story", max_date=NOW)
    return "none" if found is None else found.when.strftime("%m-%d %H:%M")


def article(top: str = "", after: str = "", before: str = "") -> str:
    return f"{before}<main><article><h1>Title</h1>{top}{BODY}</article>{after}</main>"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # The article's own <time> beside lists of others: its own (kept).
        (article(OWN, f'<ul class="latest-news"><li><a href="/x">Other</a>{OTHER}</li></ul>'),
         "12-01 08:00"),
        # Another story's only: not the article's (look16h H14).
        (article("", f'<div class="trending"><a href="/x">Other</a>{OTHER}</div>'), "none"),
        (article("", f'<div class="read-next"><a href="/x">Other</a>{OTHER}</div>'), "none"),
        (article("", f'<div><h3>相关阅读</h3><ul><li><a href="/x">另</a>{OTHER}</li></ul></div>'),
         "none"),
        (article("", f'<h3>Read more</h3><ul><li><a href="/x">Other</a>{OTHER}</li></ul>'),
         "none"),
        (article("", f'<section><article class="c"><a href="/x">O</a>{OTHER}</article></section>'),
         "none"),
        # In the article: a list's item linking another story by its headline.
        (article(f'<ul><li><a href="/x">Council passes the other budget</a> {OTHER}</li></ul>'),
         "none"),
        # A byline's author link beside the date in a list's item: the article's.
        (article(f'<ul class="meta"><li>By <a href="/a/jo">Jo Lee</a> {OWN}</li></ul>'),
         "12-01 08:00"),
        # The site's chrome: a masthead's, a weather widget's "today" (look16h H13).
        (article(before=f'<header class="site-header"><a href="/">News</a>{OTHER}</header>'),
         "none"),
        (article(before=f'<header><a href="/">News</a>{OTHER}</header>'), "none"),
        (article(before=f'<div class="weather">Forecast for {OTHER}</div>'), "none"),
        ('<h1 class="logo">Daily</h1><div class="today">Monday, December 7, 2026</div>'
         f"<main><h2>Title</h2>{BODY}</main>", "none"),
        # The article's heading in a <header> beside its <article>: its <time> is its own.
        (f"<header><h1>Title</h1>{OWN}</header><article>{BODY}</article>", "12-01 08:00"),
        # A byline above the <article> in its <main>: the article's.
        (f'<main><div class="meta">{OWN}</div><article><h1>Title</h1>{BODY}</article></main>',
         "12-01 08:00"),
        # A banner holding the heading is the article's, whatever it is named.
        (f'<main><div class="banner"><h1>Title</h1>{OWN}</div>{BODY}</main>', "12-01 08:00"),
        # No <article> nor <main>: the page's only <time> (kept).
        (f"<div><h1>Title</h1><p>{OWN}</p>{BODY}</div>", "12-01 08:00"),
        # Update labels beside or after the date (look16h H8).
        (article(f'<span class="label">Updated</span> {OTHER}'), "none"),
        (article(f'<span class="label">Updated</span> {OTHER} <span>Published</span> {OWN}'),
         "12-01 08:00"),
        (article('<div class="info">最后编辑 2026-12-03 09:00</div>'), "none"),
        (article('<div class="info">2026年12月3日更新</div>'), "none"),
        (article('<div class="info">修改时间：2026-12-03 09:00</div>'), "none"),
        (article('<p class="byline">Last modified on Thu 3 Dec 2026 09.00 GMT</p>'), "none"),
        (article('<div class="meta">Updated: 3 December 2026 · Published: 1 December 2026</div>'),
         "12-01 00:00"),
        # "updated" ending the paragraph before a byline labels nothing of the byline.
        (article(f"<p>The rules were updated.</p><p>{OWN}</p>"), "12-01 08:00"),
    ],
)  # fmt: skip
def test_what_dates_the_article(body: str, expected: str) -> None:
    assert dated(body) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Updated: 3 Dec 2026 · Published: 1 Dec 2026", "Updated · Published: 1 Dec 2026"),
        ("2026年12月3日更新", "          更新"),
        ("Published 1 Dec 2026", "Published 1 Dec 2026"),
    ],
)  # fmt: skip
def test_without_update_dates(text: str, expected: str) -> None:
    assert " ".join(without_update_dates(text).split()) == " ".join(expected.split())


# -- look16i I4, I5, I7: class words, the article's own footer, update labels that follow ---

ENTRY = '<time class="entry-date published" datetime="2026-12-01T08:00:00+00:00">Dec 1</time>'


def wp(body_class: str = "single", article_class: str = "post hentry", footer: str = "") -> str:
    """A WordPress single post: its <h1> and date in the <article>, a site header and
    sidebar around it (the <body> class given, as themes write it)."""
    top = "" if footer else f'<div class="entry-meta">{ENTRY}</div>'
    return (
        f'<body class="{body_class}"><div class="site"><header id="masthead" class="site-header">'
        '<div class="site-branding"><a class="custom-logo-link" href="/"><img src="/l.png"></a>'
        '</div></header><div class="content-sidebar-wrap"><main id="main" class="site-main">'
        f'<article class="{article_class}"><header class="entry-header">'
        f'<h1 class="entry-title">Title</h1>{top}</header><div class="entry-content">{BODY}'
        f"</div>{footer}</article></main>"
        f'<aside class="sidebar widget-area"><time datetime="2026-12-06T09:00:00Z">x</time>'
        "</aside></div></div></body>"
    )


def heading(body: str) -> str:
    doc = lxml.html.document_fromstring(f"<html><head><title>T – Site</title></head>{body}</html>")
    found = article_heading(doc)
    return "none" if found is None else found.text_content()


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # I7: the <body>'s layout flags and the <article>'s taxonomy are no chrome.
        (wp("single wp-custom-logo"), "12-01 08:00"),
        (wp("single ast-separate-container ast-right-sidebar"), "12-01 08:00"),
        (wp("single right-sidebar nav-float-right one-container"), "12-01 08:00"),
        (wp("single has-sidebar no-comments"), "12-01 08:00"),
        *[(wp(article_class=f"post hentry category-{c}"), "12-01 08:00")
          for c in ("weather", "today", "comment", "latest-news", "promo")],
        (wp(article_class="post tag-trending tag-related featured"), "12-01 08:00"),
        # I4: the date in the article's own <footer> (Twenty Twenty-One, Sixteen).
        (wp(footer=f'<footer class="entry-footer default-max-width"><span class="posted-on">'
                   f"Published {ENTRY}</span></footer>"), "12-01 08:00"),
        (wp(footer=f'<div class="entry-footer">{ENTRY}</div>'), "12-01 08:00"),
        # Words, not substrings: a sticker, a promotional line, a "no-comments" flag.
        (article(f'<div class="sticker-note">{OWN}</div>'), "12-01 08:00"),
        (article(f'<div class="byline no-comments">{OWN}</div>'), "12-01 08:00"),
        # Still others' and the site's: a comment's footer in the article, the site's.
        (article(f'<ol class="comment-list"><li><article class="comment-body">'
                 f'<footer class="comment-meta">{OTHER}</footer></article></li></ol>'), "none"),
        (article(after=f'<footer class="site-footer">{OTHER}</footer>'), "none"),
        (article(f'<div class="widget_recent_entries">{OTHER}</div>'), "none"),
        (article(f'<div class="relatedPosts">{OTHER}</div>'), "none"),
        (article(f'<div id="jp-relatedposts">{OTHER}</div>'), "none"),
        (article(f'<div class="commentary-byline">{OWN}</div>'), "12-01 08:00"),
        # I5: an update label before another date labels that one, not the date before.
        (article('<div class="meta"><span>发布时间：2026-12-01 16:00 +0800</span> '
                 "<span>更新时间：2026-12-03 09:00 +0800</span></div>"), "12-01 08:00"),
        (article('<div class="meta">发布时间：2026-12-01 16:00 +0800　更新时间：2026-12-03 '
                 "09:00 +0800</div>"), "12-01 08:00"),
        (article('<div class="meta">2026-12-01 16:00 +0800 更新于 2026-12-03 09:00</div>'),
         "12-01 08:00"),
        (article(f'<div class="byline">{OWN} <span>Updated</span> {OTHER}</div>'), "12-01 08:00"),
        (article(f'<div class="byline">{OWN} · Updated {OTHER}</div>'), "12-01 08:00"),
        # … and still the update's when it follows its own date only.
        (article(f'<div class="byline">{OTHER} <span>(updated)</span></div>'), "none"),
    ],
)  # fmt: skip
def test_look16i_what_dates_the_article(body: str, expected: str) -> None:
    assert dated(body) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (wp("single wp-custom-logo"), "Title"),
        (wp("single ast-right-sidebar"), "Title"),
        (wp(article_class="post category-weather category-latest-news"), "Title"),
        ('<body><h1 class="logo">Daily</h1><main><h2>Title</h2></main></body>', "none"),
        ('<body><header class="site-header"><h1>Daily</h1></header><p>x</p></body>', "none"),
    ],
)  # fmt: skip
def test_look16i_the_article_heading(body: str, expected: str) -> None:
    assert heading(body) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("发布时间：2026-11-21 06:00 +0800 更新时间：2026-11-23 09:00 +0800",
         "发布时间：2026-11-21 06:00 +0800 更新"),
        ("2026-11-21 06:00 +0800 更新于 2026-11-23 09:00", "2026-11-21 06:00 +0800 更新"),
    ],
)  # fmt: skip
def test_look16i_without_update_dates(text: str, expected: str) -> None:
    assert " ".join(without_update_dates(text).split()) == " ".join(expected.split())


# -- look16i I13, I14: the article's <article> under a title band; author links -----------

BYLINE = f'<p class="byline">By Ann · {OWN}</p>'
CARD = f'<section><article class="c"><a href="/x">Other</a>{OTHER}</article></section>'
META = '<ul class="meta"><li>By <a href="{href}">{name}</a> · ' + OWN + "</li></ul>"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # I13: the <h1> in a header above the <article> holding the page's text.
        (f"<main><header><h1>Title</h1></header><article>{BYLINE}{BODY}</article></main>",
         "12-01 08:00"),
        (f"<header><h1>Title</h1></header><article>{BYLINE}{BODY}</article>", "12-01 08:00"),
        (f'<div class="post"><h1>Title</h1></div><article>{BYLINE}{BODY}</article>',
         "12-01 08:00"),
        (f"<main><header><h1>Title</h1></header><article>{BYLINE}{BODY}</article>{CARD}</main>",
         "12-01 08:00"),
        # … still another story's card when the page's text is not in it.
        (f"<main><header><h1>Title</h1></header><div>{BODY}</div>{CARD}</main>", "none"),
        (f"<main><header><h1>Title</h1></header>{CARD}<div>{BODY}</div></main>", "none"),
        (f"<header><h1>Title</h1></header><div>{BODY}</div>{CARD}", "none"),
        # I14: a byline's link naming two authors, a long name, a desk: no story's link.
        (article(META.format(href="/authors/", name="Ann Lee and Bob Smith")), "12-01 08:00"),
        (article(META.format(href="/x", name="Ann Lee &amp; Bob Smith")), "12-01 08:00"),
        (article(f'<ul><li><a href="/p/1">Ann Lee, Bob Smith and Cy Young</a> {OWN}</li></ul>'),
         "12-01 08:00"),
        (article(f'<ul><li><a href="/x" rel="author">Mary Ann de la Cruz</a> {OWN}</li></ul>'),
         "12-01 08:00"),
        (article(f'<ul><li><a href="/author/mary-ann/">Mary Ann de la Cruz</a> {OWN}</li></ul>'),
         "12-01 08:00"),
        (article(f'<ul><li><a href="/by/mary-ann">Mary Ann de la Cruz</a> {OWN}</li></ul>'),
         "12-01 08:00"),
        (article(f'<ul><li class="author"><a href="/x">Mary Ann de la Cruz</a> {OWN}</li></ul>'),
         "12-01 08:00"),
        (article(f'<ul><li>作者：<a href="/x">中国数字时代编辑部</a> {OWN}</li></ul>'),
         "12-01 08:00"),
        (article(f'<ul><li><a href="/x">欧阳明月、司马长风和诸葛亮亮</a> {OWN}</li></ul>'),
         "12-01 08:00"),
        # … a story's link still is, "and" in its headline or not.
        (article(f'<ul><li><a href="/2026/12/06/council-and-mayor-agree">Council and Mayor '
                 f"Agree on the Budget</a> {OTHER}</li></ul>"), "none"),
        (article(f'<ul><li><a href="/news/other">Trump and Xi Meet in Seoul</a> {OTHER}</li>'
                 "</ul>"), "none"),
        (article(f'<ul><li><a href="/news/other">国务院常务会议部署经济工作</a> {OTHER}</li></ul>'),
         "none"),
    ],
)  # fmt: skip
def test_look16i_scope2_what_dates_the_article(body: str, expected: str) -> None:
    assert dated(body) == expected
