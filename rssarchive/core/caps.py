"""Byte caps: how much of each kind of response a run takes, in one table.

Each cap is passed as ``max_bytes`` where its kind is fetched (the download stops
there, so nothing larger is held in memory), and checked again where its kind is
parsed from bytes that may come from elsewhere. A page of 5-10 MB was downloaded whole
under the fetch's 10 MB default and then refused, and the feed parser's 20 MB was
unreachable under the same default (review of issue 18, M2).
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "DEFAULT_MAX_BYTES",
    "MAX_FEED_BYTES",
    "MAX_IMAGE_BYTES",
    "MAX_PAGE_BYTES",
    "MAX_RUN_BYTES",
    "MAX_SITEMAP_BYTES",
]

_MB: Final = 1024 * 1024

# A feed: real full-content feeds are 0.1-3 MB; 2000 items of whole articles fit.
MAX_FEED_BYTES: Final = 20 * _MB
# An article page: news articles weigh well under 2 MB of HTML; a 9 MB page of <p> is an
# attack or a mistake, and trafilatura's time grows with it. A URL handed to backfill
# that turns out to be a feed is fetched as a page, so under this cap too.
MAX_PAGE_BYTES: Final = 5 * _MB
# A sitemap: the protocol's own limit (50 MB uncompressed, 52,428,800 bytes); search
# engines reject bigger files, so publishers stay under it. Applied to the bytes as
# fetched and again after gunzip (a 50 KB .gz can inflate to gigabytes).
MAX_SITEMAP_BYTES: Final = 50 * _MB
# One image: news photos are well under 2 MB; 10 MB still takes full-size originals,
# while a broken or hostile server cannot make us hold (or store) more for one image.
MAX_IMAGE_BYTES: Final = 10 * _MB
# Bytes one run may download for images (refused responses count too): a backfill of
# thousands of articles at a few hundred KB each fits, a runaway feed cannot fill the
# disk. Past it, images stay remote and are reported, so the next run fetches them.
MAX_RUN_BYTES: Final = 500 * _MB
# Any other response (the HTTP client's default): none is fetched without its own cap
# above; this bounds a caller that forgets one.
DEFAULT_MAX_BYTES: Final = 10 * _MB
