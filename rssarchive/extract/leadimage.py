"""The lead image of an article: an image URL fit for a post, the page's first real
image (not an icon, logo, spacer or tracking pixel) when it names none, and the
``<img>`` put first in the body unless the body shows it already. Pure.
"""

from __future__ import annotations

import html as html_lib
import re
from typing import Final

import lxml.html
from lxml.html import HtmlElement

from rssarchive.core import urls
from rssarchive.core.sanitize import is_safe_url
from rssarchive.core.urls import LAZY_SRC, parse_srcset
from rssarchive.net.addresses import Allow, host_refusal

_IMAGE_SUFFIX: Final = re.compile(r"\.(jpe?g|png|gif|webp|avif)$", re.IGNORECASE)
# A page without og:image takes its lead image from the article body, but not one that
# is only decoration: drawn smaller than this (width or height attribute, in CSS px) ...
MIN_LEAD_IMAGE_PX: Final = 100
# ... or named as an icon, logo, spacer or tracking pixel: a word of its class or id
# (words: runs of letters and digits; class="site-logo", "icon share-icon") ...
_DECORATIVE_WORDS: Final = frozenset(
    {"icon", "icons", "logo", "logos", "sprite", "sprites", "spacer", "avatar", "avatars"}
    | {"badge", "badges", "emoji", "smiley", "favicon", "gravatar", "pixel", "tracking"}
)
# ... or of its file name, which may also say it stands in for the real image (a lazy
# image's class may say "loading" or "placeholder" while its data-src is the photo) ...
_DECORATIVE_FILE_WORDS: Final = _DECORATIVE_WORDS | {
    "blank",
    "transparent",
    "1x1",
    "placeholder",
    "loading",
    "loader",
}
# ... or a file that is nothing but that (a "p.gif" beacon), or a vector drawing or an
# icon file (an .svg is a logo or an icon far more often than a photo).
_DECORATIVE_STEMS: Final = frozenset({"p", "b", "t", "px", "clear", "dot", "s"})
_DECORATIVE_SUFFIXES: Final = (".svg", ".ico")
_WORDS: Final = re.compile(r"[a-z0-9]+")
_PIXELS: Final = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:px)?\s*$", re.IGNORECASE)


def image_url(raw: str | None, base: str, allow: Allow = False) -> str | None:
    """An image URL fit for a post: absolute http(s), else None.

    Refuses javascript:/data:/file: and a host that the network policy refuses
    (addresses.host_refusal, under ``allow``, the config's
    ``network.allow_private_addresses``): an og:image on http://169.254.169.254/ is a
    probe. Whatever ``base`` is: a feed item's link, the base of its own text, was never
    fetched nor checked, so a host is not trusted for being the base's (look 18 F10); a
    page that was fetched passed the same policy already.
    """
    if not raw or not raw.strip() or not is_safe_url(raw):
        return None
    absolute = urls.absolute(raw, base)  # an http(s) URL with a host, or None
    if absolute is None or host_refusal(urls.host(absolute), allow) is not None:
        return None
    return absolute


def _image_key(url: str, base: str | None = None) -> str | None:
    """What tells one picture from another: ``url`` (resolved against ``base``: each
    ``<img>``'s candidate as written) by host and path; None when it is no http(s) URL
    (urls.absolute: a malformed one too), which matches no image."""
    absolute = urls.absolute(url, base)
    parts = urls.split(absolute) if absolute is not None else None
    if parts is None:
        return None
    # The same picture is often linked at another size: ignore the query for image files.
    if _IMAGE_SUFFIX.search(parts.path):
        return f"{parts.netloc.lower()}{parts.path}"
    return f"{parts.netloc.lower()}{parts.path}?{parts.query}"


def with_lead_image(
    body_html: str, image: str | None, base: str, fragment: HtmlElement | None = None
) -> str:
    """``<img src=image referrerpolicy="no-referrer">`` first, unless the body has it.
    ``fragment``: the body already parsed (saves parsing it again)."""
    if image is None:
        return body_html
    if body_html.strip():
        if fragment is None:
            fragment = lxml.html.fragment_fromstring(body_html, create_parent="div")
        shown = _image_key(image)
        for img in fragment.iter("img", "source"):
            candidates = _image_sources(img)
            if shown is not None and any(_image_key(c, base) == shown for c in candidates):
                return body_html
    tag = f'<img src="{html_lib.escape(image, quote=True)}" referrerpolicy="no-referrer">'
    return tag + body_html


def _length(value: str | None) -> float | None:
    match = _PIXELS.match(value) if value else None
    return float(match.group(1)) if match else None


def _is_decorative(img: HtmlElement) -> bool:
    """An <img> that is an icon, a logo, a spacer or a tracking pixel, judged by its
    width/height attributes and its names (file name, class, id; not alt, which is
    prose: "protesters share a meal")."""
    for name in ("width", "height"):
        size = _length(img.get(name))
        if size is not None and size < MIN_LEAD_IMAGE_PX:
            return True
    names = f"{img.get('class') or ''} {img.get('id') or ''}".lower()
    if not _DECORATIVE_WORDS.isdisjoint(_WORDS.findall(names)):
        return True
    return any(_is_decorative_file(url) for url in _image_sources(img))


def _is_decorative_file(url: str) -> bool:
    parts = urls.split(url.strip())
    if parts is None:  # no URL: nothing to judge it by (image_url refuses it anyway)
        return False
    name = parts.path.rsplit("/", 1)[-1].lower()
    if name.endswith(_DECORATIVE_SUFFIXES):
        return True
    stem = name.rsplit(".", 1)[0]
    return stem in _DECORATIVE_STEMS or not _DECORATIVE_FILE_WORDS.isdisjoint(_WORDS.findall(stem))


def _image_sources(img: HtmlElement) -> list[str]:
    """Every URL an <img> (or <source>) may show: src, the lazy-loading attributes,
    srcset's candidates."""
    urls = [v for v in (img.get(a) for a in ("src", *LAZY_SRC)) if v and v.strip()]
    urls += [candidate.url for candidate in parse_srcset(img.get("srcset") or "")]
    return urls


def _decorative_images(doc: HtmlElement, base: str) -> set[str]:
    """The _image_key of every decorative image of the page: trafilatura drops the
    attributes that tell (width, height, class), so they are read before it runs."""
    keys: set[str] = set()
    for img in doc.iter("img"):
        if _is_decorative(img):
            keys.update(filter(None, (_image_key(u, base) for u in _image_sources(img))))
    return keys


def _lead_from_body(body: HtmlElement, base: str, decorative: set[str], allow: Allow) -> str | None:
    """The body's first real image moved to the top as the lead image; its URL, or None.

    Moved, not copied: it is not shown twice. Its <figure> (with the caption) moves
    with it.
    """
    for img in body.iter("img"):
        src = image_url(img.get("src"), base, allow)
        if src is None or _image_key(src) in decorative or _is_decorative(img):
            continue
        parent = img.getparent()
        block = parent if parent is not None and parent.tag == "figure" else img
        holder = block.getparent()
        if holder is not body or block.getprevious() is not None or (body.text or "").strip():
            _detach(block)
            # A paragraph that held only the image would be left empty.
            if holder is not None and holder is not body and not _has_any(holder):
                _detach(holder)
            body.insert(0, block)
        return src
    return None


def _has_any(el: HtmlElement) -> bool:
    return len(el) > 0 or bool((el.text or "").strip())


def _detach(el: HtmlElement) -> None:
    """Remove ``el`` from its parent, keeping its tail text in place."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    el.tail = None
    parent.remove(el)
