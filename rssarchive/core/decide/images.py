"""Images: retries of a post's images (an adopted post's too, and the causes said), and
one download's fallbacks (without Referer) and budget.

Part of the decider (rssarchive.core.decide): pure, the time an argument."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Literal

from rssarchive.core.decide.policies import IMAGE_HOTLINK_RETRY, IMAGE_RETRIES
from rssarchive.core.models import ImagesMode

# -- images -----------------------------------------------------------------------------


def images_local(images: ImagesMode) -> bool:
    """Whether a feed's posts get their images archived (``images: local``: lead and
    inline images downloaded into the site, the post pointing at the copies) rather than
    linking the originals (``remote``, the existing archive's output)."""
    return images == "local"


@dataclass(frozen=True)
class ImagesRetried:
    """After a retry of a post's images: whether they are retried again, what is said
    (``kept back``: some still remote, kept back by our own disk; ``given up``: some
    still remote after IMAGE_RETRIES attempts; None: nothing; run/printing.
    images_retried_line says it), and whether this retry counts as one of the
    IMAGE_RETRIES attempts."""

    again: bool
    said: Literal["kept back", "given up"] | None
    counted: bool = True


def images_retried(attempts: int, still_remote: int, *, local: bool = False) -> ImagesRetried:
    """A post's images were retried after ``attempts`` earlier (counted) retries, and
    ``still_remote`` of them could still not be archived. ``local``: some failed on our
    own disk (full, read-only, quota, I/O error): that is no evidence against the
    images, so the attempt is not counted and they are never given up for it; the next
    run with room stores them (said on every run meanwhile)."""
    if not still_remote:
        return ImagesRetried(False, None)
    if local:
        return ImagesRetried(True, "kept back", counted=False)
    if not IMAGE_RETRIES.gives_up(attempts + 1):
        return ImagesRetried(True, None)
    return ImagesRetried(False, "given up")


def asks_adopted_images(images: ImagesMode) -> bool:
    """Whether an adopted post (in _posts, unknown to the state) is read for the remote
    images it still links: only when its feed archives images (``images: local``)."""
    return images_local(images)


def gets_image_retries(images: ImagesMode, remote: int) -> bool:
    """Whether a post gets image retries on later runs: its feed archives images and
    ``remote`` of them could not be (a post just written: its images that failed; an
    adopted post: the remote ones its text still links, its retries lost with the
    state or with a failed commit). One rule for both."""
    return images_local(images) and remote > 0


def image_retry_left(readable: bool, remote: int) -> bool:
    """Whether a post's image retry is tried: it can be read and still links ``remote``
    images; else its retry is done (the post was edited, or deleted by hand)."""
    return readable and remote > 0


def image_retry_causes(
    failed: Sequence[tuple[str, str]], local: Collection[str]
) -> tuple[list[str], bool]:
    """The reasons said for the images a retry could not archive (``failed``: URL and
    reason each), and whether some failed on our own disk (``local``: their URLs). The
    local causes are said when there are some: they are what holds the images back."""
    mine = [reason for url, reason in failed if url in local]
    return (mine or [reason for _, reason in failed]), bool(mine)


# -- images: one download (review 18 H14) --------------------------------------------------

# Why one image of a body could not be had (publish/images.ImageFailure): "budget" the
# run's image bytes are spent, "fetch" the network or the server, "refused" not an image
# we keep (HTML, SVG, an unknown format), "too large" over the per-image cap, "disk" our
# own site's disk (full, read-only, ...: no evidence against the image).
ImageFailureKind = Literal["budget", "fetch", "refused", "too large", "disk"]

# Hotlink protection answers these; some hosts refuse foreign referers, others any.
HOTLINK_STATUSES = frozenset({401, 403})


def retry_without_referer(status: int | None, had_referer: bool, attempts: int = 1) -> bool:
    """Whether an image download that failed with ``status`` after ``attempts`` tries is
    tried again without a Referer: only a hotlink refusal of a request that sent one,
    within IMAGE_HOTLINK_RETRY."""
    if IMAGE_HOTLINK_RETRY.gives_up(attempts):
        return False
    return had_referer and status in HOTLINK_STATUSES


def image_budget_spent(used: int, max_run_bytes: int) -> bool:
    """Whether ``used`` bytes of images downloaded this run exceed its ``max_run_bytes``:
    no more images are fetched by this run (the ones left are retried by the next)."""
    return used > max_run_bytes


def tries_next_image(kind: ImageFailureKind) -> bool:
    """Whether an element's next candidate URL (a smaller srcset file, src) is tried after
    its current one failed for ``kind``: yes, unless the run's budget is spent (each
    candidate would fail the same way)."""
    return kind != "budget"
