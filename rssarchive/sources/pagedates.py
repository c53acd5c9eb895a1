"""When a page says its article was published (pure: a parsed page in, a date out).

Asked in this order, the first believable answer wins; of steps 1 to 4, the first
written with its zone before the first without (look16f s07: zones.carries_zone):

1. JSON-LD ``datePublished`` of the objects that describe the page, the one that says
   it is the page first (jsonld_dates: never a related story's, look16f s40);
2. ``<meta>`` publication dates (``article:published_time``, ``pubdate``,
   ``DC.date.issued`` or ``dcterms:issued``, ``parsely-pub-date``, ``sailthru.date``,
   ``date`` …), in the order of ``META_KEYS``; modification dates are never read;
3. ``<time datetime>``: one marked ``pubdate`` or ``itemprop="datePublished"`` (another
   element so marked by its text when it has no ``content=``), else the first in the
   article's ``<article>`` or ``<main>`` or the ``<header>`` holding its heading (without
   either, in an ``<article>``, else in a ``<header>``, else the page's only one); never
   one in an ``<aside>``, ``<nav>`` or the page's ``<footer>`` (an ``<article>``'s own is
   its byline's: look16i I4), the site's chrome or a list of other
   stories: those date the site or other articles (pagescope, look16h H13, H14); never
   one labelled updated, beside or after it (look16h H8), one labelled published first
   (look16f s41);
4. a date written year first or English month first with its time and zone
   (``2019年5月3日 10:20 北京时间``, ``发布时间：2019年5月3日``, ``Published 2019-05-03
   01:20 +0800``: dates.find_written_date) in the first 200 characters of text after
   the article's ``<h1>`` (never a site logo's; without one, of its ``<article>`` or
   ``<main>``, else of the page), outside the blocks step 3 never reads: where the
   byline is, not further down, where a related story's date would be; one labelled
   published first, never one labelled updated (before it or after it), and an
   unlabelled one only outside running prose (look16f s41, s61);
5. JSON-LD ``dateCreated`` (look16c F5): the article's creation, when nothing above
   says its publication (a modification date never does);
6. the day the article's URL names in its path (``/2019/05/03/``, ``/20190503/x``,
   ``/2019-05-03/``, ``/2019-05/03/``, ``/2019/0503/x``): its midnight, UTC, as every day
   without a time is (look16c F5: a polled feed's undated item was dated at archiving
   time, as htmldate's reading, which reads the URL too, is not asked for it);
7. htmldate, a general date finder (with ``original_date``: the publication, not the
   last change), on the markup (not the URL: step 6 reads it, look16f s47), without the
   parts that date other articles or the site (``<aside>``, ``<nav>``, the page's ``<footer>``,
   the body outside the article's scope and the blocks step 3 never reads:
   pagescope.drop_others), without the dates an update's label names in the text
   ("Last modified on …", "修改时间：…", "…更新": pagescope.without_update_dates,
   look16h H8) and without its search of the free text
   (``extensive_search``). Measured on tests/pagedates (20 pages): on the whole page,
   htmldate alone took a related story's date, a sidebar's ``<time>``, a WebPage's
   JSON-LD date and a modification date for the article's; the steps above and this
   pruning avoid all four (20 of 20 right). Its free-text search added nothing there
   but took a copyright line's year for the date of an undated page (19 of 20).
   Modification dates (``article:modified_time``, ``dateModified`` …) are removed from
   what it reads: on a page with nothing else, it took them for the publication.

The dates found are read by dates.parse_date. Besides ISO 8601 and RFC 822, dates are
read as pages write them: Chinese, ``2019/05/03 10:20``, ``20190503``, epoch seconds and
milliseconds (JSON-LD numbers too), JSON-LD ``{"@value": …}``, a zone's name (``EST``)
after the time. A date without a zone is taken as UTC, a Chinese one on a Chinese page
included: UTC+8 would be right for most of the Mandarin archive's sources but not all
(Taiwan, Hong Kong, overseas editions are not told apart by language), and it would move
a day-only date (its midnight) to the day before in the post's file name; UTC keeps the
day the page shows. A day without a time is its midnight, UTC. A date before 1990 or
after ``max_date`` (the run's clock) is not believed, and the next source is asked.

:func:`page_modified` reads what dates the page's last change instead: never its
publication, but a bound on it (an article changed then was there then).
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from lxml.html import HtmlElement

# Reading and judging a date is dates.py's; these names stay importable from here.
from rssarchive.core.dates import EARLIEST as EARLIEST
from rssarchive.core.dates import believable as believable
from rssarchive.core.dates import parse_date as parse_date
from rssarchive.core.dates import to_utc
from rssarchive.core.zones import carries_zone, page_in_chinese
from rssarchive.sources.jsonld_dates import json_ld_dates
from rssarchive.sources.pagescope import (
    MODIFIED,
    drop_others,
    in_prose,
    text_dates,
    time_dates,
    time_label,
    without_update_dates,
)

# Lower-case meta names and properties (also itemprop) that carry the publication date,
# most specific first. Dublin Core's are written here with a dot (``DC.date.issued``, in
# a name=); written with a colon (``dcterms:created``, RDFa's property=) they are read
# as the same (_DUBLIN_CORE): htmldate knows both, and read the colon's as its day's
# midnight, the time and zone lost.
META_KEYS: Final = (
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "datepublished",
    "published_time",
    "article:published",
    "article.published",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "publication_date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date.publication",
    "dc.date.created",
    "dcterms.created",
    "dc.created",
    "parsely-pub-date",
    "sailthru.date",
    "citation_publication_date",
    "citation_date",
    "rnews:datepublished",
    "dc.date",
    "dcterms.date",
    "date",
)
_DUBLIN_CORE: Final = re.compile(r"^(dc|dcterms):")


@dataclass(frozen=True)
class PageDate:
    when: datetime  # aware, UTC
    source: str  # "json-ld", "meta", "time", "text" or "htmldate"


def page_date(
    doc: HtmlElement, url: str | None = None, *, max_date: datetime | None = None
) -> PageDate | None:
    """The publication date ``doc`` (fetched from ``url``) gives, by the order in the
    module's doc; None when it gives none. ``max_date``: default, now."""
    limit = max_date or datetime.now(UTC)
    china = page_in_chinese(doc)
    for group in (
        (
            ("json-ld", json_ld_dates(doc, url=url)),
            ("meta", _meta_dates(doc)),
            ("time", time_dates(doc)),
            ("text", text_dates(doc)),
        ),
        (("json-ld", json_ld_dates(doc, "dateCreated", url)),),
        (("url", url_dates(url)),),
    ):
        found = _first_zoned(group, limit, china)
        if found is not None:
            return found
    when = _htmldate(doc, url, limit)
    return None if when is None else PageDate(when, "htmldate")


def _first_zoned(
    group: Iterable[tuple[str, Iterable[str]]], limit: datetime, china: bool = False
) -> PageDate | None:
    """The first believable date of ``group``'s sources that carries its zone, else its
    first believable one: a date written without its zone is read as UTC, which a
    zoned one of the page corrects (look16f s07: one CMS writing its local time twice,
    naive in JSON-LD and with its offset in ``article:published_time``)."""
    first = None
    for source, texts in group:
        for text in texts:
            when = parse_date(text, china=china)
            if when is None or not believable(when, limit):
                continue
            if carries_zone(text):
                return PageDate(when, source)
            first = first or PageDate(when, source)
    return first


# What dates the page's last change (never its publication: look16c F5). It bounds the
# publication: an article changed before a feed's last poll was there then.
MODIFIED_KEYS: Final = (
    "article:modified_time",
    "og:article:modified_time",
    "og:updated_time",
    "datemodified",
    "dcterms.modified",
    "dc.date.modified",
)


def page_modified(doc: HtmlElement, *, max_date: datetime | None = None) -> datetime | None:
    """When ``doc`` says it was last changed (JSON-LD ``dateModified``, then
    MODIFIED_KEYS' ``<meta>``), believed as a publication date is; None: it does not."""
    limit = max_date or datetime.now(UTC)
    for text in (*json_ld_dates(doc, "dateModified"), *_meta_dates(doc, MODIFIED_KEYS)):
        when = parse_date(text, china=page_in_chinese(doc))
        if when is not None and believable(when, limit):
            return when
    return None


# --- meta -------------------------------------------------------------------------------


def _meta_dates(doc: HtmlElement, keys: tuple[str, ...] = META_KEYS) -> Iterator[str]:
    found: dict[str, str] = {}
    for meta in doc.iter("meta"):
        content = (meta.get("content") or "").strip()
        if not content:
            continue
        for attribute in ("property", "name", "itemprop", "http-equiv"):
            key = _DUBLIN_CORE.sub(r"\1.", (meta.get(attribute) or "").strip().lower())
            if key:
                found.setdefault(key, content)
    for key in keys:
        if key in found:
            yield found[key]


# --- the URL -----------------------------------------------------------------------------

# A day in a URL's path, as folders name it: /2019/05/03/, /2019-05-03/ (a slug may
# follow: /2019-05-03-slug), and the shapes Chinese news sites use, /2019-05/03/ (Xinhua)
# and /2019/0503/ (People's Daily); 8 digits alone (and 0503 after a year) only as a
# whole folder with the article below it, /20190503/x.html: in a file's name or as the
# path's last part (/article/19991231.html, /p/20190503-x, /story/12/20200101,
# /news/20221118/) they are an article's id as often as a day (look16f s47).
_URL_DAY: Final = re.compile(
    r"/(?P<year>(?:19|20)\d{2})(?:/(?P<m1>\d{1,2})/(?P<d1>\d{1,2})/"
    r"|(?P<m2>\d{2})(?P<d2>\d{2})/(?=.)|-(?P<m3>\d{2})-(?P<d3>\d{2})(?=[/_.-])"
    r"|-(?P<m4>\d{2})/(?P<d4>\d{2})/|/(?P<m5>\d{2})(?P<d5>\d{2})/(?=.))"
)


def url_dates(url: str | None) -> Iterator[str]:
    """The day the path of ``url`` names (_URL_DAY), as dates.parse_date reads it
    (``2019-05-03``); nothing when it names none."""
    from urllib.parse import urlsplit

    try:
        path = urlsplit(url or "").path
    except ValueError:
        return
    # A slash closes the last part (/2019/05/03 ends with its day), but no folder is
    # made of it: _URL_DAY's 8 digits need something after theirs.
    for match in _URL_DAY.finditer(path if path.endswith("/") else path + "/"):
        parts = match.groupdict()
        month = next((parts[f"m{i}"] for i in range(1, 6) if parts[f"m{i}"]), "")
        day = next((parts[f"d{i}"] for i in range(1, 6) if parts[f"d{i}"]), "")
        yield f"{match.group('year')}-{int(month):02d}-{int(day):02d}"


# --- htmldate ---------------------------------------------------------------------------


def _htmldate(doc: HtmlElement, url: str | None, limit: datetime) -> datetime | None:
    # htmldate comes with trafilatura; imported here, where it is needed.
    from htmldate import find_date

    pruned = copy.deepcopy(doc)
    # An <article>'s own <footer> is its byline's, kept (look16i I4).
    for el in pruned.xpath("//aside | //nav | //footer[not(ancestor::article)]"):
        if el.getparent() is not None:
            el.drop_tree()
    drop_others(pruned)  # the site's chrome, other stories (look16h H13, H14)
    _drop_read_json_ld(pruned)
    _drop_modification_dates(pruned)
    try:
        text = find_date(
            pruned,
            extensive_search=False,
            original_date=True,
            url=None,  # the URL's day is url_dates' reading, not a looser one (look16f s47)
            min_date=EARLIEST.replace(tzinfo=None),
            max_date=to_utc(limit).replace(tzinfo=None),
        )
    except Exception:  # htmldate raises whatever its parsers raise; it is a last resort
        return None
    if not text:
        return None
    when = parse_date(text)
    return when if when is not None and believable(when, limit) else None


def _drop_read_json_ld(doc: HtmlElement) -> None:
    """Remove the JSON-LD read above (jsonld_dates): its article's and page's dates
    were taken there; what is left dates a photo, a video or a person, which htmldate
    would take for the page's (an ImageObject's dateCreated; look16e F6). A script that
    does not parse stays: htmldate reads it with regular expressions."""
    for script in doc.xpath("//script[@type='application/ld+json']"):
        try:
            json.loads((script.text or "").strip(), strict=False)
        except ValueError:
            continue
        if script.getparent() is not None:
            script.drop_tree()


_JSON_LD_MODIFIED: Final = re.compile(r'"date(?:Modified|Updated)"\s*:\s*(?:"[^"]*"|[\d.]+)')


def _drop_modification_dates(doc: HtmlElement) -> None:
    """Remove what dates the page's last change, so that htmldate cannot take it for the
    publication when nothing else dates the page (it does, from ``article:modified_time``
    alone), and a ``<time>`` in the prose, which dates what the article reports."""
    for el in doc.xpath("//meta | //*[@itemprop]"):
        names = " ".join(el.get(a) or "" for a in ("property", "name", "itemprop", "http-equiv"))
        if MODIFIED.search(names) and el.getparent() is not None:
            el.drop_tree()
    for el in doc.xpath("//time"):
        label = time_label(el)
        if el.getparent() is not None and (label == "update" or (not label and in_prose(el))):
            el.drop_tree()  # "Updated <time>…</time>", an event's day (look16f s41, s61)
    for el in doc.iter():
        # Written in a byline ("Last modified on …", "修改时间：…", "…更新"; look16h H8).
        if isinstance(el.tag, str) and el.tag not in ("script", "style") and el.text:
            el.text = without_update_dates(el.text)
        if el.tail:
            el.tail = without_update_dates(el.tail)
    for script in doc.xpath("//script[@type='application/ld+json']"):
        if script.text and _JSON_LD_MODIFIED.search(script.text):
            # Emptied, not parsed and rewritten: the JSON may be broken, and htmldate
            # reads it with regular expressions anyway (the bare value too).
            script.text = _JSON_LD_MODIFIED.sub('"dateModified": ""', script.text)
