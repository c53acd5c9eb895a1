"""A deterministic fake news web on loopback addresses, for the benchmark.

Every "host" is its own address in 127.0.0.0/8 (Linux routes the whole block to
loopback without setup) with its own threaded HTTP server, so per-host politeness in
the clients is exercised for real. Each request waits ``latency`` seconds before it is
answered, like a server on the other side of the world. Requests are counted per host
and kind (feed, 304, page, image, other).

The content is generated from a seed, so two runs serve byte-identical sites:

* article pages of 20-200 KB in English or Chinese, with what real news pages carry
  around the article (header and mega-menu, share bar, sidebars, related stories,
  comments, footer, inline CSS, JSON-LD, analytics and a ``__NEXT_DATA__``-style blob),
  ``og:image`` and ``twitter:image``; every fourth host is in the style of RFA's old
  Plone pages (``div#headerimg`` + ``div#storytext``), read by rssarchive's site rule;
* RSS 2.0 feeds with short descriptions, or with the full article in
  ``content:encoded`` and a ``media:content`` image;
* ``ETag`` and ``Last-Modified`` on feeds; a conditional request that matches gets 304.

Pages are written to disk once and served from there, so the serving process costs
little CPU and memory while the measured client runs, even for 10,000 articles.
"""

from __future__ import annotations

import contextlib
import html
import json
import math
import os
import random
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Literal

Lang = Literal["en", "zh"]
Style = Literal["modern", "rfa"]

# Article pages are drawn log-uniformly between these sizes (bytes): most real news
# pages are 50-150 KB, with long tails both ways.
MIN_PAGE = 20 * 1024
MAX_PAGE = 200 * 1024
# About what one story card of page furniture weighs (7 elements).
CARD_BYTES = 520
# A tiny JPEG stands in for every image; clients that fetch images are counted.
JPEG = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300080606070605080707070909080a0c140d"
    "0c0b0b0c1912130f141d1a1f1e1d1a1c1c20242e2720222c231c1c2837292c30313434341f27393d3832"
    "3c2e333432ffc0000b080001000101011100ffc4001f0000010501010101010100000000000000000102"
    "030405060708090a0bffda0008010100003f00d2cf20ffd9"
)
# One string, split: a list literal of 200 words would be 200 lines once formatted.
EN_WORDS = (  # noqa: SIM905
    "the of and to in a is that for on was with as by at from his an were are which this be "
    "has or had not but its they been have their who will more one after would two first "
    "new also over than when into other people year government city council minister police "
    "court report said officials on-site market water school health election bridge harbour "
    "ferry library budget plan vote mayor students hospital border trade talks policy "
    "energy storm flood rescue village workers company prices inflation export import "
    "festival museum river railway airport province region local national world security "
    "agency committee inquiry evidence witness protest strike union contract housing rent "
    "climate summit drought harvest fishing coast island mountain road traffic accident "
    "investigation statement spokesperson interview analysts economy growth decline record "
    "week month morning evening night announced confirmed denied warned expected reported "
    "according despite because while although during before against between under without "
    "within across several many most some few dozens hundreds thousands million billion "
    "percent early late recent former current future"
).split()
ZH_CHARS = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也"
    "能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实"
    "加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样"
    "与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情"
    "者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级"
    "少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处府研质"
    "台湾香港北京官员表示报道记者当局抗议选举经济疫情人权律师法院警方调查声明"
).replace(" ", "")
SECTIONS_EN = ("World", "Politics", "Business", "Science", "Health", "Sport", "Culture", "Opinion")
SECTIONS_ZH = ("要闻", "中国", "台湾", "香港", "国际", "经济", "评论", "专题")


@dataclass(frozen=True)
class Story:
    """One article: where it lives and what it says."""

    host: str  # "127.77.2.3:41234"
    path: str  # "/news/2024/07/23/story-000123.html"
    number: int
    lang: Lang
    style: Style
    title: str
    summary: str
    author: str
    section: str
    published: datetime
    body_html: str  # the article itself, as it appears in the page

    @property
    def url(self) -> str:
        return f"http://{self.host}{self.path}"

    @property
    def image_url(self) -> str:
        return f"http://{self.host}/img/{self.number:06d}-lead.jpg"


class Text:
    """Pools of generated paragraphs; pages pick from them (fast, still deterministic)."""

    def __init__(self, seed: str, size: int = 800) -> None:
        rng = random.Random(f"{seed}:text")
        self.en = [self._en_paragraph(rng) for _ in range(size)]
        self.zh = [self._zh_paragraph(rng) for _ in range(size)]

    @staticmethod
    def en_sentence(rng: random.Random, low: int = 8, high: int = 26) -> str:
        words = rng.choices(EN_WORDS, k=rng.randint(low, high))
        return " ".join(words).capitalize() + "."

    @staticmethod
    def zh_sentence(rng: random.Random, low: int = 12, high: int = 40) -> str:
        chars = rng.choices(ZH_CHARS, k=rng.randint(low, high))
        cut = rng.randint(4, max(5, len(chars) - 4))
        return "".join(chars[:cut]) + "，" + "".join(chars[cut:]) + "。"

    def _en_paragraph(self, rng: random.Random) -> str:
        return " ".join(self.en_sentence(rng) for _ in range(rng.randint(2, 6)))

    def _zh_paragraph(self, rng: random.Random) -> str:
        return "".join(self.zh_sentence(rng) for _ in range(rng.randint(2, 6)))

    def paragraphs(self, rng: random.Random, lang: Lang, k: int) -> list[str]:
        return rng.sample(self.en if lang == "en" else self.zh, k)

    def title(self, rng: random.Random, lang: Lang) -> str:
        if lang == "en":
            return self.en_sentence(rng, 6, 11).rstrip(".").replace(" the ", " ").title()
        return (
            "".join(rng.choices(ZH_CHARS, k=rng.randint(8, 12)))
            + " "
            + "".join(rng.choices(ZH_CHARS, k=rng.randint(5, 9)))
        )


def host_style(index: int) -> tuple[Lang, Style]:
    """Every fourth host is old-RFA (Chinese); of the rest, half Chinese, half English."""
    if index % 4 == 0:
        return "zh", "rfa"
    return ("zh" if index % 4 == 1 else "en"), "modern"


# ------------------------------------------------------------------------------ stories


def make_story(text: Text, seed: str, host: str, host_index: int, number: int) -> Story:
    rng = random.Random(f"{seed}:story:{host_index}:{number}")
    lang, style = host_style(host_index)
    title = text.title(rng, lang)
    summary = (
        Text.en_sentence(rng, 14, 30)
        if lang == "en"
        else Text.zh_sentence(rng, 30, 60) + Text.zh_sentence(rng, 20, 40)
    )
    published = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(minutes=rng.randrange(0, 500_000))
    path = f"/news/{published:%Y/%m/%d}/story-{number:06d}.html"
    sections = SECTIONS_EN if lang == "en" else SECTIONS_ZH
    author = (
        " ".join(w.title() for w in rng.sample(EN_WORDS[-60:], 2))
        if lang == "en"
        else "".join(rng.choices(ZH_CHARS, k=3))
    )
    story = Story(
        host=host,
        path=path,
        number=number,
        lang=lang,
        style=style,
        title=title,
        summary=summary,
        author=author,
        section=rng.choice(sections),
        published=published,
        body_html="",
    )
    return _with_body(story, text, rng)


def _with_body(story: Story, text: Text, rng: random.Random) -> Story:
    paragraphs = text.paragraphs(rng, story.lang, rng.randint(4, 24))
    parts: list[str] = []
    base = f"http://{story.host}"
    for i, para in enumerate(paragraphs):
        if story.style == "rfa":
            # RFA's editor wrapped every paragraph in a styled span.
            parts.append(f'<p><span style="font-weight: 400;">{html.escape(para)}</span></p>')
        else:
            parts.append(f"<p>{html.escape(para)}</p>")
        if i == 2 and len(paragraphs) > 6:
            parts.append(
                f'<figure class="inline"><img src="{base}/img/{story.number:06d}-{i}.jpg" '
                f'alt="" width="800" height="450" loading="lazy"><figcaption>'
                f"{html.escape(paragraphs[0][:60])}</figcaption></figure>"
            )
        if i == 4 and len(paragraphs) > 8:
            parts.append(f"<h2>{html.escape(paragraphs[1][:40])}</h2>")
        if i == 6 and len(paragraphs) > 10:
            parts.append(f"<blockquote><p>{html.escape(paragraphs[2][:120])}</p></blockquote>")
    return Story(**{**story.__dict__, "body_html": "".join(parts)})


# ------------------------------------------------------------------------------- pages


def _links(rng: random.Random, text: Text, lang: Lang, base: str, n: int, prefix: str) -> str:
    items = []
    for _ in range(n):
        label = text.title(rng, lang)[:40]
        items.append(f'<li><a href="{base}/{prefix}/{rng.randrange(10**6):06d}">{label}</a></li>')
    return "".join(items)


def _cards(rng: random.Random, text: Text, lang: Lang, base: str, n: int, cls: str) -> str:
    cards = []
    for _ in range(n):
        num = rng.randrange(10**6)
        teaser = html.escape(text.paragraphs(rng, lang, 1)[0][:140])
        cards.append(
            f'<li class="{cls}"><a class="{cls}__link" href="{base}/news/story-{num:06d}.html">'
            f'<img class="{cls}__img" src="{base}/img/{num:06d}-thumb.jpg" alt="" width="160" '
            f'height="90"><span class="{cls}__title">{html.escape(text.title(rng, lang))}</span>'
            f'</a><p class="{cls}__teaser">{teaser}</p></li>'
        )
    return "".join(cards)


def _css(rng: random.Random, n: int) -> str:
    rules = []
    for i in range(n):
        rules.append(
            f".c{i:03x}-{rng.randrange(4096):03x}{{margin:{rng.randrange(40)}px "
            f"{rng.randrange(40)}px;"
            f"color:#{rng.randrange(1 << 24):06x};font-size:{rng.randrange(10, 30)}px}}"
        )
    return "".join(rules)


def _padding_script(rng: random.Random, text: Text, lang: Lang, size: int) -> str:
    """A client-side state blob (like __NEXT_DATA__): story teasers as JSON, ``size`` bytes."""
    if size <= 0:
        return ""
    teasers: list[dict[str, object]] = []
    used = 0
    while used < size:
        teaser = {
            "id": rng.randrange(10**9),
            "headline": text.title(rng, lang),
            "dek": text.paragraphs(rng, lang, 1)[0][:200],
            "url": f"/news/story-{rng.randrange(10**6):06d}.html",
            "tracking": {"slot": rng.randrange(100), "ab": rng.choice("abcd")},
        }
        blob = json.dumps(teaser, ensure_ascii=False)
        used += len(blob.encode()) + 1
        teasers.append(teaser)
    data = json.dumps({"props": {"pageProps": {"rail": teasers}}}, ensure_ascii=False)
    return f'<script id="__NEXT_DATA__" type="application/json">{data}</script>'


def render_page(story: Story, text: Text, seed: str) -> bytes:
    """The whole HTML page of ``story``, padded with page furniture to its drawn size."""
    # Seeded by the address without its port (a free port, drawn anew each run), so a
    # page is the same in every run: which pages take trafilatura's rarer paths, and
    # what those cost, does not change between runs.
    address = story.host.rsplit(":", 1)[0]
    rng = random.Random(f"{seed}:page:{address}:{story.number}")
    target = int(math.exp(rng.uniform(math.log(MIN_PAGE), math.log(MAX_PAGE))))
    base = f"http://{story.host}"
    if story.style == "rfa":
        core = _rfa_page(story, text, rng, base)
    else:
        core = _modern_page(story, text, rng, base)
    # Real pages are not only scripts: about half of what is left goes to more page
    # furniture (story cards: markup the extractor must walk), the rest to a JSON blob.
    pad = target - len(core.encode())
    more = _cards(rng, text, story.lang, base, max(0, pad // 2) // CARD_BYTES, "more")
    if more:
        core = core.replace("<!--MORE-->", f'<section class="more"><ul>{more}</ul></section>')
    pad = target - len(core.encode())
    return core.replace("<!--PAD-->", _padding_script(rng, text, story.lang, pad)).encode()


def _head_meta(story: Story, base: str) -> str:
    title = html.escape(story.title)
    return (
        f'<meta charset="utf-8"><title>{title}</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="description" content="{html.escape(story.summary)}">'
        f'<meta property="og:title" content="{title}">'
        f'<meta property="og:type" content="article">'
        f'<meta property="og:url" content="{story.url}">'
        f'<meta property="og:image" content="{story.image_url}">'
        f'<meta name="twitter:card" content="summary_large_image">'
        f'<meta name="twitter:image" content="{story.image_url}">'
        f'<meta property="article:published_time" content="{story.published.isoformat()}">'
        f'<link rel="canonical" href="{story.url}">'
        f'<link rel="stylesheet" href="{base}/static/site.css">'
    )


def _modern_page(story: Story, text: Text, rng: random.Random, base: str) -> str:
    lang = story.lang
    sections = SECTIONS_EN if lang == "en" else SECTIONS_ZH
    jsonld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": story.title,
            "datePublished": story.published.isoformat(),
            "author": {"@type": "Person", "name": story.author},
            "image": [story.image_url],
            "description": story.summary,
        },
        ensure_ascii=False,
    )
    mega = "".join(
        f'<li class="mega__col"><a class="mega__head" href="{base}/{s}">{s}</a><ul>'
        f"{_links(rng, text, lang, base, 8, 'section')}</ul></li>"
        for s in sections
    )
    title = html.escape(story.title)
    date = f"{story.published:%Y-%m-%d %H:%M}"
    comments = "".join(
        f'<li class="comment"><span class="comment__who">{html.escape(text.title(rng, lang)[:16])}'
        f"</span><p>{html.escape(text.paragraphs(rng, lang, 1)[0][:240])}</p></li>"
        for _ in range(rng.randint(0, 6))
    )
    footer_cols = "".join(
        f'<div class="footer__col"><h4>{s}</h4><ul>{_links(rng, text, lang, base, 8, "f")}'
        "</ul></div>"
        for s in sections[:5]
    )
    return (
        f'<!DOCTYPE html><html lang="{"en" if lang == "en" else "zh-CN"}"><head>'
        f"{_head_meta(story, base)}<style>{_css(rng, rng.randint(60, 200))}</style>"
        f'<script type="application/ld+json">{jsonld}</script>'
        "<script>window.dataLayer=window.dataLayer||[];"
        "function gtag(){dataLayer.push(arguments)}"
        f"gtag('js',new Date());gtag('config','G-{rng.randrange(10**8):08d}');</script>"
        f'</head><body class="article-page section-{story.section}">'
        f'<a class="skip-link" href="#main">Skip to content</a>'
        f'<div class="top-bar"><ul class="top-bar__links">{_links(rng, text, lang, base, 6, "t")}'
        f'</ul><form class="search" action="{base}/search"><input name="q"><button>Search</button>'
        f'</form></div><header class="site-header"><a class="logo" href="{base}/">'
        f'<img src="{base}/img/logo.png" alt="The Daily"></a><nav class="primary"><ul>'
        f'{_links(rng, text, lang, base, 12, "nav")}</ul></nav><nav class="mega"><ul>{mega}'
        f'</ul></nav></header><div class="ad ad--top" id="ad-top"><script>googletag.cmd.push('
        f"function(){{googletag.display('ad-top')}});</script></div>"
        f'<main id="main"><div class="layout"><article class="story">'
        f'<header class="story__header"><p class="kicker"><a href="{base}/{story.section}">'
        f'{story.section}</a></p><h1 class="headline">{title}</h1>'
        f'<p class="standfirst">{html.escape(story.summary)}</p><div class="byline">'
        f'<a rel="author" href="{base}/by/{rng.randrange(1000)}">{html.escape(story.author)}</a> '
        f'<time datetime="{story.published.isoformat()}">{date}</time></div>'
        f'<ul class="share"><li><a href="#">Facebook</a></li><li><a href="#">X</a></li>'
        f'<li><a href="#">Email</a></li></ul></header>'
        f'<figure class="lead"><img src="{story.image_url}" alt="{title}" width="1200" '
        f'height="675"><figcaption>{html.escape(story.summary[:80])}</figcaption></figure>'
        f'<div class="story__body">{story.body_html}</div>'
        f'<footer class="story__footer"><ul class="tags">{_links(rng, text, lang, base, 4, "tag")}'
        f'</ul></footer></article><aside class="sidebar"><section class="most-read"><h2>Most read'
        f"</h2><ol>{_cards(rng, text, lang, base, 10, 'mr')}</ol></section>"
        f'<section class="newsletter"><h2>Newsletter</h2><form><input type="email">'
        f'<button>Sign up</button></form></section><section class="latest"><h2>Latest</h2><ul>'
        f"{_links(rng, text, lang, base, 10, 'latest')}</ul></section></aside></div>"
        f'<section class="related"><h2>Related</h2><ul>{_cards(rng, text, lang, base, 8, "rel")}'
        f'</ul></section><section class="comments"><h2>Comments</h2><ol>{comments}</ol></section>'
        f'<!--MORE--></main><footer class="site-footer">{footer_cols}<p class="copyright">© 2024 '
        f"The Daily</p></footer><!--PAD--><script>(function(){{var s=document.createElement"
        f"('script');s.src='{base}/static/app.{rng.randrange(16**8):08x}.js';document.body."
        f"appendChild(s)}})();</script></body></html>"
    )


def _rfa_page(story: Story, text: Text, rng: random.Random, base: str) -> str:
    """Old RFA (Plone): portal-* layout, #headerimg with the lead image, #storytext."""
    title = html.escape(story.title)
    image = f"{base}{story.path}/@@images/{rng.randrange(16**12):012x}.jpeg"
    sidebar = _cards(rng, text, "zh", base, 8, "portletItem")
    return (
        f'<!DOCTYPE html><html lang="zh-CN"><head>{_head_meta(story, base)}'
        f"<style>{_css(rng, rng.randint(30, 120))}</style>"
        f"<script>window.dataLayer = window.dataLayer || [];</script></head>"
        f'<body class="template-story portaltype-story"><div id="portal-header">'
        f'<a id="portal-logo" href="{base}/mandarin">自由亚洲电台</a><ul id="portal-globalnav">'
        f'{_links(rng, text, "zh", base, 14, "mandarin")}</ul></div><div id="portal-columns">'
        f'<div id="portal-column-content"><div id="content"><h1>{title}</h1>'
        f'<div id="dateline"><span id="story_date">{story.published:%Y-%m-%d}</span>'
        f'<span id="story_byline">{html.escape(story.author)}</span></div>'
        f'<div id="headerimg"><img src="{image}" alt="{title}" title="{title}" height="349" '
        f'width="620"><span class="lead_image_caption">{html.escape(story.summary[:40])}</span>'
        f'<div id="zoomattribute"><a id="single_image" href="{story.image_url}">'
        f'<img src="{base}/++plone++rfa-resources/img/icon-zoom.png"></a>'
        f'<span class="copyright">RFA资料图</span></div></div>'
        f'<div id="storytext">{story.body_html}</div>'
        f'<div id="related"><ul>{_links(rng, text, "zh", base, 6, "mandarin")}</ul></div>'
        f'</div></div><div id="portal-column-two"><dl class="portlet">{sidebar}</dl><!--MORE-->'
        f"</div></div>"
        f'<div id="portal-footer"><ul>{_links(rng, text, "zh", base, 20, "about")}</ul>'
        f"<p>版权所有 自由亚洲电台</p></div><!--PAD--></body></html>"
    )


# ------------------------------------------------------------------------------- feeds


def render_feed(
    host: str, name: str, stories: list[Story], *, full: bool, lang: Lang = "en"
) -> bytes:
    """RSS 2.0; ``full``: the whole article in content:encoded with a media:content image."""
    items = []
    for story in stories:
        extra = ""
        if full:
            extra = (
                f"<content:encoded><![CDATA[{story.body_html}]]></content:encoded>"
                f'<media:content url="{story.image_url}" medium="image" type="image/jpeg"/>'
            )
        items.append(
            f"<item><title>{html.escape(story.title)}</title><link>{story.url}</link>"
            # The guid names no port: it must stay the same when the servers restart.
            f'<guid isPermaLink="false">bench-{story.number:06d}</guid>'
            f"<pubDate>{format_datetime(story.published, usegmt=True)}</pubDate>"
            f"<dc:creator>{html.escape(story.author)}</dc:creator>"
            f"<category>{html.escape(story.section)}</category>"
            f"<description>{html.escape(story.summary)}</description>{extra}</item>"
        )
    newest = max((s.published for s in stories), default=datetime(2024, 1, 1, tzinfo=UTC))
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:media="http://search.yahoo.com/mrss/">'
        f"<channel><title>{html.escape(name)}</title><link>http://{host}/</link>"
        f"<description>{html.escape(name)} news</description><language>{lang}</language>"
        f"<lastBuildDate>{format_datetime(newest, usegmt=True)}</lastBuildDate>"
        f"{''.join(items)}</channel></rss>"
    ).encode()


# ------------------------------------------------------------------------------ serving


@dataclass
class Counts:
    """Requests per (host, kind); kinds: feed, 304, page, image, other. And per host, the
    span of its requests: when the first arrived, when the last answer was sent
    (monotonic seconds), what the network floor of that host is set beside."""

    by_host: dict[str, Counter[str]] = field(default_factory=dict)
    spans: dict[str, tuple[float, float]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, host: str, kind: str) -> None:
        with self.lock:
            self.by_host.setdefault(host, Counter())[kind] += 1

    def span(self, host: str, arrived: float, answered: float) -> None:
        with self.lock:
            first, last = self.spans.get(host, (arrived, answered))
            self.spans[host] = (min(first, arrived), max(last, answered))

    def snapshot(self) -> dict[str, Counter[str]]:
        with self.lock:
            return {host: Counter(c) for host, c in self.by_host.items()}

    def reset(self) -> None:
        with self.lock:
            self.by_host.clear()
            self.spans.clear()


def totals(snapshot: dict[str, Counter[str]]) -> Counter[str]:
    out: Counter[str] = Counter()
    for counter in snapshot.values():
        out.update(counter)
    return out


class HostServer(ThreadingHTTPServer):
    daemon_threads = True
    # Clients open many connections at once; the default backlog of 5 would make the
    # kernel drop SYNs and the client wait a second to retry, which is not the client's cost.
    request_queue_size = 256
    # Pages with ETag and Last-Modified too (the re-check scenario); off elsewhere, so
    # that the other scenarios' pages are served as they always were.
    page_validators = False

    def __init__(self, address: str, root: Path, latency: float, counts: Counts) -> None:
        self.root = root
        self.latency = latency
        self.counts = counts
        self.address = address
        super().__init__((address, 0), Handler)

    @property
    def host(self) -> str:
        return f"{self.address}:{self.server_port}"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real servers do
    server: HostServer
    arrived = 0.0  # when the request being served came in (Counts.span)

    def log_message(self, format: str, *args: object) -> None:
        pass  # counted, not logged: 10,000 lines of access log help nobody

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_GET(self) -> None:
        self._serve(head=False)

    def _serve(self, *, head: bool) -> None:
        server = self.server
        self.arrived = time.monotonic()
        time.sleep(server.latency)
        path = self.path.split("?", 1)[0]
        kind = "other"
        if path.startswith("/img/") or "/@@images/" in path:
            kind, body, ctype = "image", JPEG, "image/jpeg"
            self._send(200, body, ctype, {}, head=head, kind=kind)
            return
        local = server.root / path.lstrip("/")
        if ".." in path or not local.is_file():
            self._send(404, b"not found", "text/plain", {}, head=head, kind=kind)
            return
        stat = local.stat()
        if server.page_validators and not path.startswith("/feeds/"):
            etag = f'"{stat.st_size:x}-{stat.st_mtime_ns:x}"'
            modified = datetime.fromtimestamp(stat.st_mtime, UTC)
            headers = {"ETag": etag, "Last-Modified": format_datetime(modified, usegmt=True)}
            if self._not_modified(etag, modified):
                self._send(304, b"", None, headers, head=True, kind="304")
                return
            body = local.read_bytes()
            self._send(200, body, "text/html; charset=utf-8", headers, head, "page")
            return
        if path.startswith("/feeds/"):
            etag = f'"{stat.st_size:x}-{stat.st_mtime_ns:x}"'
            modified = datetime.fromtimestamp(stat.st_mtime, UTC)
            headers = {"ETag": etag, "Last-Modified": format_datetime(modified, usegmt=True)}
            if self._not_modified(etag, modified):
                self._send(304, b"", None, headers, head=True, kind="304")
                return
            body = local.read_bytes()
            self._send(200, body, "application/rss+xml; charset=utf-8", headers, head, "feed")
            return
        body = local.read_bytes()
        self._send(200, body, "text/html; charset=utf-8", {}, head=head, kind="page")

    def _not_modified(self, etag: str, modified: datetime) -> bool:
        # RFC 9110: If-None-Match wins over If-Modified-Since when both are sent.
        match = self.headers.get("If-None-Match")
        if match is not None:
            return any(tag.strip().removeprefix("W/") == etag for tag in match.split(","))
        since = self.headers.get("If-Modified-Since")
        if since:
            try:
                return parsedate_to_datetime(since) >= modified.replace(microsecond=0)
            except (TypeError, ValueError):
                return False
        return False

    def _send(
        self,
        status: int,
        body: bytes,
        ctype: str | None,
        headers: dict[str, str],
        head: bool,
        kind: str,
    ) -> None:
        self.server.counts.add(self.server.address, kind)
        self.send_response(status)
        if ctype is not None:
            self.send_header("Content-Type", ctype)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head and status != 304:
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)
        self.server.counts.span(self.server.address, self.arrived, time.monotonic())


class Site:
    """The hosts of one scenario: addresses ``127.<block>.0.1`` ... with their servers."""

    def __init__(self, block: int, hosts: int, root: Path, latency: float, seed: str) -> None:
        self.root = root
        self.latency = latency
        self.seed = seed
        self.counts = Counts()
        self.text = Text(seed)
        self.servers: list[HostServer] = []
        self._threads: list[threading.Thread] = []
        for i in range(hosts):
            address = f"127.77.{block}.{i + 1}"
            host_root = root / address
            host_root.mkdir(parents=True, exist_ok=True)
            self.servers.append(HostServer(address, host_root, latency, self.counts))

    @property
    def hosts(self) -> list[str]:
        return [s.host for s in self.servers]

    def start(self) -> None:
        for server in self.servers:
            thread = threading.Thread(target=server.serve_forever, daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()

    def __enter__(self) -> Site:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def story(self, host_index: int, number: int) -> Story:
        return make_story(self.text, self.seed, self.hosts[host_index], host_index, number)

    def publish_page(self, story: Story) -> Path:
        """Write the story's page under its host's root; return the file."""
        local = self.servers[self._index(story.host)].root / story.path.lstrip("/")
        local.parent.mkdir(parents=True, exist_ok=True)
        local.write_bytes(render_page(story, self.text, self.seed))
        return local

    def publish_feed(self, host_index: int, name: str, stories: list[Story], *, full: bool) -> str:
        """Write a feed; its mtime (the Last-Modified) is its newest item's date."""
        server = self.servers[host_index]
        lang, _ = host_style(host_index)
        local = server.root / "feeds" / f"{name}.xml"
        local.parent.mkdir(parents=True, exist_ok=True)
        local.write_bytes(render_feed(server.host, name, stories, full=full, lang=lang))
        newest = max(s.published for s in stories).timestamp()
        os.utime(local, (newest, newest))
        return f"http://{server.host}/feeds/{name}.xml"

    def _index(self, host: str) -> int:
        return self.hosts.index(host)


def address_usable(address: str) -> bool:
    """Whether this machine can bind ``address`` (all of 127.0.0.0/8 on Linux)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind((address, 0))
        return True
    except OSError:
        return False
