"""Rebuild the inputs that produced a seed post: a one-item feed and an old-Plone RFA page.

Independent of the pipeline on purpose (it imports nothing from rssarchive), so that the
golden tests and the end-to-end test through a real HTTP server check the pipeline
against facts taken from the seed itself, as ``docs/post-format.md`` ("Checking yourself")
describes:

- the feed: RSS 2.0, one item with the title and the article URL, no date;
- the page: ``<h1>``, ``div#headerimg`` holding the seed body up to its first ``<p>``,
  ``div#storytext`` holding the rest, then ``<!-- END storytext-->``; the images without
  ``referrerpolicy``; newlines put back between tags the way page sources wrap lines
  (the archiver removes control characters, so they cannot change the result);
- the clock: the seed's ``date``; the expected text: the seed with its article URL
  replaced by the given one; the expected file name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from html import escape
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

import yaml

# The archive's file-name rule (docs/post-format.md), restated here rather than imported.
_TITLE_CHARS_IN_NAME = 50
_REFERRER = re.compile(r'(<img\b[^>]*?) referrerpolicy="no-referrer"')
# Runs of spaces between tags were a newline plus indentation in the page source.
_INDENT = re.compile(r">( {2,})<")
# Page sources also break lines after block ends.
_BLOCK_END = re.compile(r"(</(?:p|ul|li)>)(?=<)")
# The 14 digits at the end of an RFA URL: MMDDYYYYHHMMSS, US Eastern creation time.
_URL_STAMP = re.compile(r"-(\d{2})(\d{2})(\d{4})\d{6}\.html$")


@dataclass(frozen=True)
class SeedCase:
    seed_name: str
    title: str
    feed_name: str  # the seed's author, tags and categories
    original_url: str
    article_url: str
    feed_xml: bytes
    page_html: bytes
    now: datetime  # the fixed clock: the seed's date
    expected_text: str
    filename: str  # the expected file name inside _posts

    @property
    def clock(self) -> datetime:
        return self.now

    @property
    def expected_filename(self) -> str:
        return self.filename

    @property
    def body(self) -> str:
        """The seed's body line: what the extractor and renderer must give back."""
        return self.expected_text.split("\n<div>\n", 1)[1].rsplit("\n</div>\n", 1)[0]


def _front_matter(text: str) -> dict[str, object]:
    _, front, _ = text.split("---\n", 2)
    data = yaml.safe_load(front)
    assert isinstance(data, dict)
    return data


def _wrap(html: str) -> str:
    html = _INDENT.sub(lambda m: ">\n" + m.group(1) + "<", html)
    return _BLOCK_END.sub("\\1\n", html)


def _page(title: str, original_url: str, header: str, story: str) -> str:
    stamp = _URL_STAMP.search(original_url)
    date = f"{stamp[3]}-{stamp[1]}-{stamp[2]}" if stamp else ""
    lead = re.search(r'<img src="([^"]+)"', header)
    og_image = lead.group(1) if lead else ""
    t = escape(title)
    return f"""<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" lang="zh-cn" xml:lang="zh-cn">
<head>
  <meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
  <title>{t} — 普通话主页</title>
  <meta property="og:title" content="{t}" />
  <meta property="og:type" content="article" />
  <meta property="og:image" content="{escape(og_image)}" />
  <link rel="stylesheet" href="https://www.rfa.org/++plone++rfa-resources/css/main.css" />
  <script type="text/javascript">var _gaq = _gaq || []; _gaq.push(['_trackPageview']);</script>
</head>
<body class="template-story_view portaltype-story section-mandarin">
  <div id="portal-header">
    <a id="portal-logo" href="https://www.rfa.org/mandarin">自由亚洲电台</a>
    <ul id="portal-globalnav">
      <li><a href="https://www.rfa.org/mandarin/yataibaodao">要闻</a></li>
      <li><a href="https://www.rfa.org/mandarin/pinglun">评论</a></li>
      <li><a href="https://www.rfa.org/mandarin/duomeiti">多媒体</a></li>
    </ul>
  </div>
  <div id="content">
    <h1>{t}</h1>
    <div id="story_info">
      <span id="story_byline">记者：自由亚洲电台</span>
      <span id="story_date">{date}</span>
    </div>
    <div id="headerimg">
{header}</div>
    <div id="storytext">{story}
    </div> <!-- END storytext-->
    <div id="sharethis"><a href="https://www.rfa.org/mandarin/sendto_form">转寄</a></div>
  </div>
  <div id="portal-footer">
    <p>版权所有 © 2024 自由亚洲电台</p>
  </div>
  <script type="text/javascript" src="https://www.rfa.org/++plone++rfa-resources/js/main.js"></script>
</body>
</html>
"""


def _feed(title: str, article_url: str, feed_name: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
  <channel>
    <title>{xml_escape(feed_name)}</title>
    <link>https://www.rfa.org/mandarin</link>
    <description>{xml_escape(feed_name)}</description>
    <item>
      <title>{xml_escape(title)}</title>
      <link>{xml_escape(article_url)}</link>
    </item>
  </channel>
</rss>
"""


def rebuild_seed(seed_path: Path, article_url: str) -> SeedCase:
    """The inputs and expected output of one seed, its article living at ``article_url``."""
    text = seed_path.read_text(encoding="utf-8")
    front = _front_matter(text)
    title, original_url, feed_name = (str(front[k]) for k in ("title", "from", "author"))
    date_line = next(line for line in text.splitlines() if line.startswith("date: "))
    date_text = date_line.removeprefix("date: ")
    now = datetime.fromisoformat(date_text.replace("Z", "+00:00"))

    body = text.split("\n<div>\n", 1)[1].rsplit("\n</div>\n", 1)[0]
    page_body = _wrap(_REFERRER.sub("\\1", body))
    split = page_body.index("<p>")
    header, story = page_body[:split], page_body[split:]

    expected = text.replace(f"from: {original_url}\n", f"from: {article_url}\n").replace(
        f"]({original_url})\n", f"]({article_url})\n"
    )
    name_part = title[:_TITLE_CHARS_IN_NAME].replace("/", "--")
    return SeedCase(
        seed_name=seed_path.name,
        title=title,
        feed_name=feed_name,
        original_url=original_url,
        article_url=article_url,
        feed_xml=_feed(title, article_url, feed_name).encode("utf-8"),
        page_html=_page(title, original_url, header, story).encode("utf-8"),
        now=now,
        expected_text=expected,
        filename=f"{date_text[:10]}-{name_part}.md",
    )
