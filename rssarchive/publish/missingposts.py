"""Posts the state database records as archived whose file is gone from ``_posts``
(deleted by hand, issue 16). Their articles are not archived again by the runs (their
feeds still list them: "archived already"), so it is said: once by a run, and by
``status``, which counts only the posts that exist. ``backfill URL`` archives such an
article again (pipeline._record)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rssarchive.publish.archive import Archive
    from rssarchive.store.state import State


# The missing posts a run names one by one; the rest are counted.
MOST_NAMED = 10


def missing_posts(
    state: State, archive: Archive, names: list[str] | None = None
) -> list[tuple[str, str]]:
    """(file name, URL) of each archived article whose post is not in ``_posts``
    (``names``: its listing, when made already)."""
    present = set(archive.post_names() if names is None else names)
    return sorted((name, url) for name, url in state.done_posts() if name not in present)


def warn_missing(state: State, archive: Archive, *, dry_run: bool) -> list[str]:
    """A warning for each missing post not said before (recorded as said, in the meta
    table, unless ``dry_run``): one run says it, the next ones do not repeat it."""
    warnings: list[str] = []
    said: dict[str, str] = {}
    for name, url in missing_posts(state, archive):
        mark = f"missing {name}"
        if state.meta_value(mark) is not None:
            continue
        if len(said) < MOST_NAMED:
            warnings.append(
                f"{archive.posts_dir / name}: missing from _posts (deleted?); its article "
                f"{url} is not archived again; `rssarchive backfill {url}` archives it again"
            )
        said[mark] = "1"
    if len(said) > MOST_NAMED:  # a whole _posts gone is one line more, not thousands
        warnings.append(
            f"{len(said) - MOST_NAMED} more posts missing from {archive.posts_dir}; "
            "`rssarchive status` names them"
        )
    if said and not dry_run:
        state.set_meta(said)
    return warnings
