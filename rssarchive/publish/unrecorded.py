"""Posts in ``_posts`` the state database does not know yet, as ``status`` says them.

A run killed after writing posts and before recording them leaves such posts; the next
run adopts them by their ``from:`` line (run/recovery.py), and ``run --dry-run`` counts
them. ``status`` says so too, cheaply at 100,000 posts: a listing of ``_posts`` compared
with the file names the state knows, no file read for those. Only the unknown ones are
read (their front matter's head), and only when they are few, to tell a post rssarchive
wrote (a ``from:`` line) from one written by hand; past that their number is said as it
is, as files the state does not know.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rssarchive.publish.posts import Posts
    from rssarchive.store.state import State

# Unknown files read to tell the adoptable ones (a killed run writes at most a few
# batches of posts before it records them).
MOST_READ = 200


@dataclass(frozen=True)
class Unrecorded:
    posts: int  # files the state does not know: posts with a from: line when ``read``
    read: bool  # whether each was read (False: too many, the files are counted)


def unrecorded_posts(state: State, archive: Posts, names: list[str] | None = None) -> Unrecorded:
    """The posts in ``_posts`` (``names``: its listing, when made already) the state does
    not know."""
    known = state.known_filenames()
    unknown = [n for n in (archive.post_names() if names is None else names) if n not in known]
    if len(unknown) > MOST_READ:
        return Unrecorded(len(unknown), read=False)
    return Unrecorded(sum(archive.source_url(n) is not None for n in unknown), read=True)


def unrecorded_line(unrecorded: Unrecorded) -> str | None:
    """Status's line about them, None when there are none."""
    if not unrecorded.posts:
        return None
    if unrecorded.read:
        return (
            f"{unrecorded.posts} posts in _posts not yet recorded (a run was stopped; the "
            "next run adopts them)"
        )
    return (
        f"{unrecorded.posts} files in _posts the state does not know (posts a stopped run "
        "wrote, which the next run adopts, or posts not written by rssarchive)"
    )
