"""What a re-check's verdict makes the re-checker do, pure (run/recheckrecord.py and
run/rechecker.py carry it out; tested as tables in tests/core/test_recheck_rules.py): which
post text a check needs before it is judged, which text is kept as an article's first
version, how a stored status reads, whether a check counts as evidence that its host
serves its articles, and which validators are kept for the next conditional GET."""

from __future__ import annotations

from typing import Literal

from rssarchive.core import recheck_text as texts
from rssarchive.core.recheck import Observation, Seen, Status, Validators, Verdict

# Which text an article's check needs besides its record (reference_for): its post's
# text as its reference, or its post's text to compare a first page with, or none.
PostUse = Literal["reference", "compare", "none"]


def record_status(stored: str) -> Status:
    """A stored status as a record's: one this version does not know (an older or a
    newer state's) counts as unchanged."""
    if stored == "edited":
        return "edited"
    if stored == "suspected":
        return "suspected"
    if stored == "deleted":
        return "deleted"
    if stored == "restored":
        return "restored"
    return "unchanged"


def reference_for(reference: str | None, from_page: bool, seen: Seen) -> PostUse:
    """What a check needs of the article's post before it is judged (the post is read
    only then). A 304, a gone page or an outage needs no text at all. For a page:

    - "reference": no body is known yet (none, or a headline alone kept at archiving)
      and the post came from the page, so the post's text is the article's reference
      (the kept headline above it);
    - "compare": no reference, and the post came from the feed's text (or was
      adopted): the post's text tells whether the first page seen holds the article
      (F1 of review 19c), and whether a removal-like redirect's page does;
    - "none": the reference is the text compared with."""
    if seen != "page":
        return "none"
    if not texts.split_headline(reference or "")[1] and from_page:
        return "reference"
    if reference is None:
        return "compare"
    return "none"


def asks_first_post(before: str | None, original: str | None, from_page: bool) -> bool:
    """Whether first_version needs ``post_text`` (a read of the post): only when neither
    the reference compared nor the one the post gave this check is known, and the post
    came from the page. The caller reads it only then."""
    return before is None and original is None and from_page


def first_version(
    before: str | None,
    original: str | None,
    from_page: bool,
    reference: str | None,
    post_text: str | None,
) -> str | None:
    """The text kept as an article's first version when an edit is found and none is
    kept yet (the article as archived): the reference as it was compared (``before``,
    Verdict.before), else the reference the post gave this check (``original``), else
    the post's text when it came from the page (``post_text``: read by the caller when
    asks_first_post says so, else None), else the record's reference (the first page
    seen). None: nothing to keep."""
    if before is not None:
        return before
    if original is not None:
        return original
    return post_text if from_page else reference


def found(seen: Observation, verdict: Verdict) -> bool:
    """Whether a check found its article, evidence that its host serves its articles:
    a page holding it (a 304 proves nothing of the host's pages now, nor a check whose
    second fetch said nothing: the first may have been the wall)."""
    return seen.seen == "page" and not verdict.gone and verdict.event != "outage"


def validator(choice: Validators, seen: str | None, stored: str | None) -> str | None:
    """A validator (ETag or Last-Modified) kept after a check: those of the last page
    seen whole AND judged present; a page judged gone (404, soft 404, teaser, captcha)
    keeps none, so that a 304 can never pass for the article and its coming back is
    fetched in full (Verdict.validators)."""
    if choice == "new":
        return seen
    if choice == "drop":
        return None
    return stored
