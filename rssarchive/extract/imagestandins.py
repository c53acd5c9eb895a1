"""Article images trafilatura cannot see, shown to it under a stand-in URL.

trafilatura keeps an ``<img>`` only when its ``src``, ``data-src`` or a ``data-src*``
attribute looks like an image file name (``….jpg``, ``….png``: its
``utils.is_image_file``). Image CDNs and resizers name none (``/img/abc123``,
``/resize?w=800&id=9``, ``/v2/resize:fit:1400/1*AbCdEf``), and trafilatura reads
neither ``srcset``, nor the other lazy-loading attributes (``data-lazy-src``,
``data-original``), nor a ``<picture>``'s sources: such images were dropped from the
article while their captions were kept (look16c F12). Each is given a stand-in ``src``
that trafilatura keeps, and its real URL is put back in trafilatura's output, before
anything else reads it. trafilatura still decides which images belong to the article
(an ad beside it stays out); an icon or a tracking pixel (leadimage._is_decorative)
gets no stand-in, so one inside the article stays out too, as it did.

Pure. The stand-ins are on a reserved ``.invalid`` host (never resolvable) with a token
drawn for each page, so no URL a page writes is taken for one; restore removes any
stand-in host URL it cannot map.
"""

from __future__ import annotations

import re
import secrets
from typing import Final

from lxml.html import HtmlElement

from rssarchive.core import urls
from rssarchive.core.urls import LAZY_SRC, largest_candidate
from rssarchive.extract.leadimage import _is_decorative

STAND_IN_HOST: Final = "stand-in.rssarchive.invalid"
# trafilatura's test (utils.IMAGE_EXTENSION and is_image_file's length limit, 2.x);
# tests/extract/test_imagestandins.py checks the two agree.
_IMAGE_FILE: Final = re.compile(r"[^\s]+\.(avif|bmp|gif|hei[cf]|jpe?g|png|webp)(\b|$)", re.I)
_MAX_IMAGE_SRC: Final = 8192
_SRCSETS: Final = ("srcset", "data-srcset")


def trafilatura_sees(img: HtmlElement) -> bool:
    """Whether trafilatura finds an image URL in ``img`` (its utils.image_src)."""
    return any(
        (name == "src" or name.startswith("data-src"))
        and len(value) <= _MAX_IMAGE_SRC
        and _IMAGE_FILE.search(value) is not None
        for name, value in img.items()
    )


def _real_url(img: HtmlElement, base: str) -> str | None:
    """The URL the post will show for ``img``, as written: its src, else (src empty or
    a data: placeholder) a lazy-loading attribute, as htmltree._fix_links gives it
    src; else its srcset's largest candidate; else, in a ``<picture>``, its sources'.
    None when it has no http(s) URL."""
    src = (img.get("src") or "").strip()
    if src and not src.lower().startswith("data:"):
        chosen: str | None = src
    else:
        lazy = (v for v in (img.get(name) for name in LAZY_SRC) if v and v.strip())
        chosen = next(lazy, None) or _largest(_srcsets(img)) or _picture_source(img)
    if chosen is None or urls.absolute(chosen.strip(), base) is None:
        return None
    return chosen.strip()


def _srcsets(el: HtmlElement) -> list[str]:
    return [value for name in _SRCSETS if (value := el.get(name))]


def _largest(srcsets: list[str]) -> str | None:
    return next(filter(None, map(largest_candidate, srcsets)), None)


def _picture_source(img: HtmlElement) -> str | None:
    """The largest candidate of the first ``<source>`` of the ``<picture>`` holding
    ``img`` that is meant for every screen (no ``media``; else the first): Medium's
    pages name their images only there."""
    picture = img.getparent()
    while picture is not None and picture.tag == "source":  # libxml2 nests what follows
        picture = picture.getparent()  # a <source> inside it (see htmltree._outer_html)
    if picture is None or picture.tag != "picture":
        return None
    sources = [s for s in picture.iter("source") if _srcsets(s)]
    chosen = next((s for s in sources if not s.get("media")), sources[0] if sources else None)
    return None if chosen is None else _largest(_srcsets(chosen))


def give_stand_ins(doc: HtmlElement, base: str) -> dict[str, str]:
    """Give each article image trafilatura would not see a stand-in src; returns the
    stand-ins and the real URLs they replace. The tree is left alone (and nothing is
    drawn) when there is no such image: the common page pays one pass over its images."""
    stand_ins: dict[str, str] = {}
    token = ""
    for img in doc.iter("img"):
        if trafilatura_sees(img) or _is_decorative(img):
            continue
        real = _real_url(img, base)
        if real is None:
            continue
        token = token or secrets.token_hex(8)
        stand_in = f"http://{STAND_IN_HOST}/{token}/{len(stand_ins)}.png"
        stand_ins[stand_in] = real
        img.set("src", stand_in)
    return stand_ins


def restore(body: HtmlElement, stand_ins: dict[str, str]) -> None:
    """Put the real URLs back in trafilatura's output; a stand-in found anywhere else
    (none is expected) is removed, so none can reach a post."""
    if not stand_ins:
        return
    for el in body.iter():
        for name, value in el.items():
            if STAND_IN_HOST not in value:
                continue
            real = stand_ins.get(value) if name == "src" else None
            if real is not None:
                el.set(name, real)
            else:
                del el.attrib[name]
