"""Keep a post's images in the site itself (``images: local``).

The pages an archive links to disappear (RFA's old pages did), and their images with
them. :class:`ImageStore` downloads the images of a body into
``<site_dir>/assets/images/<2 hex>/<sha256>.<ext>`` and points the body at the copies.

Where it runs: on the *sanitized* body (``render_body``'s output, or ``sanitize_html``'s),
before ``render_post`` -- whose own sanitize passes leave the result unchanged and whose
Liquid guard comes last. Working after the policy means only images that survive it are
fetched (nothing inside a removed ``<svg>``/``<noscript>``), and the body is already in
the serialisation nh3 writes, which is what makes the rewrite byte-exact and stable.

The rewrite edits attribute values inside ``<img>``/``<source>`` start tags found by a
small linear tokenizer; every other byte of the body is copied as it was:

* ``src`` becomes ``{url_prefix}<2 hex>/<hash>.<ext>`` (inserted when the image had only
  a lazy ``data-src``), and ``data-original-src`` keeps the absolute URL it came from;
* an ``<img>``'s ``srcset`` is dropped: it listed remote files, the local copy is one;
* a ``<source>``'s ``srcset`` becomes the one local URL (a source needs a srcset).

An image that cannot be had (network, not an image, SVG, caps) keeps its remote URL and
is listed in ``ImageResult.failed``; :func:`remote_images` finds such images in a post
again, so a later run can retry them. Nothing here raises for one bad image.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from rssarchive.core.caps import MAX_IMAGE_BYTES, MAX_RUN_BYTES  # images: one, one run's
from rssarchive.core.decide import (
    ImageFailureKind,
    image_budget_spent,
    retry_without_referer,
    tries_next_image,
)
from rssarchive.core.errors import FetchError
from rssarchive.core.htmltags import (
    HTML_SPACE,
    StartTag,
    attr_values,
    find_attr,
    start_tags,
)
from rssarchive.core.models import Response
from rssarchive.core.urls import LAZY_SRC, absolute, largest_candidate, without_fragment
from rssarchive.net.bodies import size
from rssarchive.sources.pagekind import is_svg, magic_type
from rssarchive.store.atomicfile import remove_temp_files, write_atomic

__all__ = [
    "BUDGET_EXHAUSTED",
    "DEFAULT_URL_PREFIX",
    "IMAGE_DIR",
    "MAX_IMAGE_BYTES",
    "MAX_RUN_BYTES",
    "Fetch",
    "ImageFailure",
    "ImageResult",
    "ImageStore",
    "remote_images",
    "sniff_image",
]

# fetch(url, referer) -> Response; raises FetchError. The caller binds the HTTP client and
# the per-image cap: ``lambda u, r: client.get(u, referer=r, max_bytes=store.max_image_bytes)``.
Fetch = Callable[[str, str | None], Response]

# Under the site root: Jekyll copies assets/ as static files, untouched.
IMAGE_DIR: Final = "assets/images"
DEFAULT_URL_PREFIX: Final = "/assets/images/"

# The start tags whose images are localized (start_tags skips comments and raw text).
_IMAGE_TAGS: Final = frozenset({"img", "source"})
_SRCSET: Final = ("srcset", "data-srcset")
_ORIGINAL: Final = "data-original-src"
# The reasons said for a spent run budget, and for an image that could not be written
# to the site's disk (ours, not the image's: ImageResult.local). Said only: the
# decisions read ImageFailure.kind.
BUDGET_EXHAUSTED: Final = "run image budget exhausted"
_LOCAL_FAILURE: Final = "could not store the image"

_WS: Final = HTML_SPACE
# How nh3 (html5ever) escapes attribute values; writing ours the same way keeps the body
# unchanged when render_post sanitizes it again. Braces as guard_liquid writes them, so
# a URL we copy never brings a raw "{{" in, whatever runs after us.
_ATTR_ESCAPES: Final = {
    "&": "&amp;",
    '"': "&quot;",
    "<": "&lt;",
    ">": "&gt;",
    "\xa0": "&nbsp;",
    "{": "&#123;",
    "}": "&#125;",
}


@dataclass(frozen=True)
class ImageResult:
    html: str  # the body with src rewritten to the local copies
    stored: tuple[str, ...]  # site-relative paths the body now uses ("assets/images/ab/….jpg")
    failed: tuple[tuple[str, str], ...]  # (image URL, reason): kept remote, retry later
    # The image URLs of ``failed`` that failed on our own disk (full, read-only, ...):
    # no evidence against the image, so their retries are not counted (core/decide/).
    local: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImageFailure:
    """Why one image could not be had: its kind for the decisions (decide.tries_next_image,
    ImageResult.local), its reason to say. Not raised: one bad image stops nothing."""

    url: str
    kind: ImageFailureKind
    reason: str


# ------------------------------------------------------------------------ URL choice


def _absolute(value: str, base: str | None) -> str | None:
    """``value`` resolved against ``base`` when that gives an http(s) URL (urls.absolute,
    the one rule), without its fragment."""
    url = absolute(value, base)
    return None if url is None else without_fragment(url)


def _candidates(values: dict[str, str], base: str | None, *, is_img: bool) -> list[str]:
    """The URLs to try for one element, best first: the largest srcset candidate, then a
    lazy-loading attribute (src is then a placeholder), then src."""
    raw: list[str | None] = [largest_candidate(values[n]) for n in _SRCSET if n in values]
    if is_img:
        raw += [values.get(n) for n in LAZY_SRC]
        raw.append(values.get("src"))
    urls: list[str] = []
    for value in raw:
        url = None if value is None else _absolute(value, base)
        if url is not None and url not in urls:
            urls.append(url)
    return urls


def _is_local(values: dict[str, str], tag: StartTag, url_prefix: str) -> bool:
    """Localized by an earlier run: its own src/srcset plus our data-original-src."""
    current = values.get("src" if tag.name == "img" else "srcset", "")
    return _ORIGINAL in values and current.startswith(url_prefix)


def remote_images(
    body_html: str, page_url: str | None = None, *, url_prefix: str = DEFAULT_URL_PREFIX
) -> list[str]:
    """The http(s) URLs of the images in a body that are still remote, in order, once each.

    For each ``<img>``/``<source>`` not yet localized, the URL ``localize`` would try
    first. Without ``page_url`` only absolute URLs count. Reads a post's body as written
    (Liquid-guarded braces are character references, decoded here like any other).
    """
    found: list[str] = []
    for tag in start_tags(body_html, _IMAGE_TAGS):
        values = attr_values(body_html, tag)
        if _is_local(values, tag, url_prefix):
            continue
        urls = _candidates(values, page_url, is_img=tag.name == "img")
        if urls and urls[0] not in found:
            found.append(urls[0])
    return found


# ---------------------------------------------------------------------------- bytes


# The raster formats browsers show that we keep, by their media type in
# pagekind.magic_type's table, with the file extension they are stored under.
_KEPT_IMAGES: Final = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/avif": "avif",
}


def sniff_image(data: bytes) -> str | None:
    """The file extension of a raster image format browsers show, from its magic bytes.

    The bytes decide, not Content-Type: servers mislabel images as octet-stream, and a
    label alone would let HTML or SVG (which can carry script) in under an image name.
    """
    return _KEPT_IMAGES.get(magic_type(data) or "")


def _refusal(response: Response) -> str:
    kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind.startswith("image/svg") or is_svg(response.content):
        return "SVG refused (it can carry script)"
    if kind.startswith("image/"):  # a label without the bytes, or a format we do not keep
        return f"unrecognised image data ({kind})"
    return f"not an image ({kind or 'no content-type'})"


def _escape_attr(value: str) -> str:
    return "".join(_ATTR_ESCAPES.get(c, c) for c in value)


# ---------------------------------------------------------------------------- store


class ImageStore:
    """Downloads images into the site, content-addressed; one instance per run.

    Safe to share between threads: the run budget and the per-run memo of URLs are kept
    under a lock, and each file is written under a unique temporary name.
    """

    def __init__(
        self,
        site_dir: Path,
        *,
        url_prefix: str = DEFAULT_URL_PREFIX,
        max_image_bytes: int = MAX_IMAGE_BYTES,
        max_run_bytes: int = MAX_RUN_BYTES,
    ) -> None:
        self.site_dir = site_dir
        self.url_prefix = url_prefix if url_prefix.endswith("/") else url_prefix + "/"
        self.max_image_bytes = max_image_bytes
        self.max_run_bytes = max_run_bytes
        self._lock = threading.Lock()
        self._used = 0  # bytes downloaded this run, images or not
        self._exhausted = False
        # URL -> site-relative path, or the reason it failed: each URL is fetched once a
        # run (RFA's zoom icon is in every article).
        self._stored: dict[str, str] = {}
        self._failed: dict[str, ImageFailure] = {}

    @property
    def root(self) -> Path:
        return self.site_dir / IMAGE_DIR

    @property
    def bytes_downloaded(self) -> int:
        return self._used

    def localize(self, body_html: str, page_url: str, fetch: Fetch) -> ImageResult:
        """Download the body's images and point it at the copies (see the module doc)."""
        edits: list[tuple[int, int, str]] = []
        stored: list[str] = []
        failed: list[tuple[str, str]] = []
        local: list[str] = []
        for tag in start_tags(body_html, _IMAGE_TAGS):
            values = attr_values(body_html, tag)
            if _is_local(values, tag, self.url_prefix):
                continue
            urls = _candidates(values, page_url, is_img=tag.name == "img")
            if not urls:
                continue  # no http(s) image: javascript:, data:, empty -- nothing to keep
            # The others are fallbacks: the largest srcset file may be over the cap or
            # gone while src is still there.
            failures: list[ImageFailure] = []
            for url in urls:
                got = self._obtain(url, page_url, fetch)
                if isinstance(got, str):
                    edits += self._rewrite(body_html, tag, got, url)
                    if got not in stored:
                        stored.append(got)
                    failures = []
                    break
                failures.append(got)
                if not tries_next_image(got.kind):
                    break
            if failures:
                # Reported by the URL remote_images will find again for the retry.
                failed.append((urls[0], failures[0].reason))
                if any(f.kind == "disk" for f in failures):
                    local.append(urls[0])
        return ImageResult(_apply(body_html, edits), tuple(stored), tuple(failed), tuple(local))

    def remove_temp_files(self) -> list[Path]:
        """Remove temporary files a killed run left behind (call while holding the run lock)."""
        try:
            folders = [p for p in self.root.iterdir() if p.is_dir()]
        except OSError:
            return []
        return remove_temp_files(folders)

    # -- one image -------------------------------------------------------------------

    def _obtain(self, url: str, page_url: str, fetch: Fetch) -> str | ImageFailure:
        """The site-relative path of the copy, or why there is none; never raises for a
        bad image."""
        with self._lock:
            if url in self._stored:
                return self._stored[url]
            if url in self._failed:
                return self._failed[url]
            if self._exhausted:
                return ImageFailure(url, "budget", BUDGET_EXHAUSTED)
        try:
            response = self._download(url, page_url, fetch)
        except FetchError as exc:
            return self._fail(ImageFailure(url, "fetch", exc.reason))
        data = response.content
        with self._lock:
            self._used += len(data)
            if image_budget_spent(self._used, self.max_run_bytes):
                self._exhausted = True
                return ImageFailure(url, "budget", BUDGET_EXHAUSTED)
        if len(data) > self.max_image_bytes:  # in case the fetch did not apply the cap
            reason = f"response larger than {size(self.max_image_bytes)}"
            return self._fail(ImageFailure(url, "too large", reason))
        ext = sniff_image(data)
        if ext is None:
            return self._fail(ImageFailure(url, "refused", _refusal(response)))
        digest = hashlib.sha256(data).hexdigest()
        relative = f"{IMAGE_DIR}/{digest[:2]}/{digest}.{ext}"
        try:
            self._write(self.site_dir / relative, data)
        except OSError as exc:
            # Not remembered: a full disk may have room on the next article.
            return ImageFailure(url, "disk", f"{_LOCAL_FAILURE} ({exc.strerror or exc})")
        with self._lock:
            self._stored[url] = relative
        return relative

    def _fail(self, failure: ImageFailure) -> ImageFailure:
        """``failure``, remembered for the rest of the run: the image is not fetched again."""
        with self._lock:
            self._failed[failure.url] = failure
        return failure

    @staticmethod
    def _download(url: str, page_url: str, fetch: Fetch) -> Response:
        # The article as Referer first, as a reader's browser sent it; hosts that refuse
        # foreign or any referer get one more try with none (decide.retry_without_referer).
        referer = without_fragment(page_url) or None
        reasons: list[str] = []
        while True:
            try:
                return fetch(url, referer)
            except FetchError as exc:
                reasons.append(exc.reason)
                if retry_without_referer(exc.status, referer is not None, len(reasons)):
                    referer = None
                    continue
                if len(reasons) == 1:
                    raise
                reason = "; without Referer: ".join(reasons)
                raise FetchError(
                    url,
                    reason,
                    status=exc.status,
                    retry_after=exc.retry_after,
                    permanent=exc.permanent,
                ) from exc

    @staticmethod
    def _write(target: Path, data: bytes) -> None:
        """Atomically, once: the name is the content's hash, so an existing file is it."""
        if target.exists():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, data)

    # -- the rewrite -----------------------------------------------------------------

    def _rewrite(
        self, text: str, tag: StartTag, path: str, original: str
    ) -> list[tuple[int, int, str]]:
        """Edits (start, end, replacement) that point ``tag`` at ``path``."""
        local = _escape_attr(self.url_prefix + path.removeprefix(IMAGE_DIR + "/"))
        main = "src" if tag.name == "img" else "srcset"
        # data-original-src right after the URL it replaced, when it is not there already.
        main_attr = find_attr(tag, main)
        after = tag.name_end if main_attr is None else main_attr.end
        edits = [
            _set_value(tag, main, local, tag.name_end),
            _set_value(tag, _ORIGINAL, _escape_attr(original), after),
        ]
        # An <img srcset> would make browsers pick a remote candidate over the local src.
        srcset = find_attr(tag, "srcset") if tag.name == "img" else None
        if srcset is not None:
            start = srcset.start
            while start > 0 and text[start - 1] in _WS:
                start -= 1
            edits.append((start, srcset.end, ""))
        return edits


def _set_value(tag: StartTag, name: str, escaped: str, insert_at: int) -> tuple[int, int, str]:
    """Replace the value of ``name`` in place, or insert the attribute at ``insert_at``."""
    attr = find_attr(tag, name)
    if attr is None:
        return insert_at, insert_at, f' {name}="{escaped}"'
    if attr.value_start is None or attr.value_end is None or not attr.quoted:
        return attr.start, attr.end, f'{name}="{escaped}"'
    return attr.value_start, attr.value_end, escaped


def _apply(text: str, edits: list[tuple[int, int, str]]) -> str:
    parts: list[str] = []
    pos = 0
    # Insertions at the same point keep their order (src before data-original-src).
    for start, end, replacement in sorted(edits, key=lambda e: (e[0], e[1])):
        parts.append(text[pos:start])
        parts.append(replacement)
        pos = max(pos, end)
    parts.append(text[pos:])
    return "".join(parts)
