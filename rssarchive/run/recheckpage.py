"""A re-checked page read as archived pages are (rechecker.py's checks): its headline
and article text, one paragraph a line, links' text marked; whether a 200 is a bot wall
or a login wall. The extraction and the comparison's modules are imported where a page
is read: a run with nothing due needs none of them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rssarchive.core.encodings import decode_page
from rssarchive.core.errors import ExtractError
from rssarchive.core.htmltext import html_to_text

if TYPE_CHECKING:
    from rssarchive.core.models import FeedConfig, Response
    from rssarchive.net.addresses import Allow


def bot_wall(response: Response, reference: str | None) -> str | None:
    """What shows a 200 to be a bot wall (recheck_confirm.bot_wall), else None."""
    from rssarchive.core import recheck_page as pages

    if len(response.content) > pages.WALL_PAGE_BYTES:
        return None  # not decoded: a wall is small
    page = decode_page(response.content, response.headers.get("content-type"))
    return pages.bot_wall(page, reference)


def page_text(
    response: Response, feed: FeedConfig, allow_private: Allow
) -> tuple[str | None, str | None, str | None]:
    """The page's headline (as extracted: og:title, h1 or title; the h1 for an og:title
    that is it plus a site's name) and article text as
    at archiving time, one paragraph a line; text None when the page holds no article
    (not HTML, nothing extracted); ExtractError when the extraction could not run on
    it (recheck_page.extraction_read); and what shows the page to be a login wall
    (recheck_page.login_wall), else None."""
    from rssarchive.core import recheck_page as pages
    from rssarchive.core.recheck_page import anchor_texts, mark_links
    from rssarchive.core.recheck_text import page_headline
    from rssarchive.extract.article import extract_article
    from rssarchive.publish.render import render_body
    from rssarchive.sources.pagekind import not_html

    content_type = response.headers.get("content-type")
    if not_html(response.content, content_type) is not None:
        return None, None, None
    try:
        article = extract_article(
            response.content,
            response.url,
            selectors=feed.selectors,
            content_type=content_type,
            allow_private_addresses=allow_private,
        )
    except ExtractError as exc:
        if pages.extraction_read(exc.reason):
            # Read, and no article in it: perhaps behind a login wall.
            return None, None, pages.login_wall(decode_page(response.content, content_type))
        raise
    headline = page_headline(article.title, article.heading)
    # Links' anchor texts inside the article are marked, not compared (issue 19, F5/F7):
    # the page's own links, as a short page's extraction keeps their text, not them.
    page = decode_page(response.content, content_type)
    text = html_to_text(render_body(article.body_html))
    marked = mark_links(text, anchor_texts(page), pages.link_labels(page))
    return headline, marked, pages.login_wall(page, text)
