"""Posts the state database records as archived whose file is gone from ``_posts``
(deleted by hand, issue 16). Their articles are not archived again by the runs (their
feeds still list them: "archived already"), so it is said: once by a run, and by
``status``, which counts only the posts that exist. ``backfill URL`` archives such an
article again (pipeline._record).

A post renamed by hand (a better file name, a subfolder: normal edits of a Jekyll
site) is not missing: a post is its article's by its ``from:`` URL, wherever it is and
whatever its name. The run adopts it under its new name (renamed_post), and until then
``status`` does not count it as missing (review16d H5)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rssarchive.core import decide
from rssarchive.core.urls import normalize_url

if TYPE_CHECKING:
    from rssarchive.publish.posts import Posts
    from rssarchive.store.state import State


# The missing posts a run names one by one; the rest are counted.
MOST_NAMED = 10


def missing_posts(
    state: State,
    archive: Posts,
    names: list[str] | None = None,
    done: list[tuple[str, str]] | None = None,
) -> list[tuple[str, str]]:
    """(file name, URL) of each archived article whose post is not in ``_posts``, under
    its recorded name or another (a post renamed by hand is its article's still);
    ``names``: the listing of ``_posts``, ``done``: the state's posts, when read already."""
    present = set(archive.post_names() if names is None else names)
    posts = state.done_posts() if done is None else done
    missing = sorted((name, url) for name, url in posts if name not in present)
    if not missing:
        return missing  # the common case reads no post
    elsewhere = {normalize_url(url) for _, url in archive.scan(state.known_filenames())}
    return [(name, url) for name, url in missing if normalize_url(url) not in elsewhere]


def damaged_posts(
    state: State,
    archive: Posts,
    names: list[str] | None = None,
    done: list[tuple[str, str]] | None = None,
) -> list[tuple[str, str]]:
    """(file name, URL) of each archived article whose post is in ``_posts`` but holds
    no post any more (emptied, or cut inside its front matter: Posts.damaged): its
    article is as lost as a deleted one's, and is said the same way (look16f s21).
    ``backfill URL`` archives it again over the damaged file."""
    present = set(archive.post_names() if names is None else names)
    posts = state.done_posts() if done is None else done
    return sorted((name, url) for name, url in posts if name in present and archive.damaged(name))


def renamed_post(state: State, archive: Posts, name: str, url_key: str) -> bool:
    """Whether the post ``name``, which the state does not know, is an archived
    article's post renamed by hand: its ``from:`` URL (``url_key``) is an article
    archived already whose recorded post is gone. Then the state follows it to its new
    name (the run says nothing: nothing was lost). A second post of an article whose
    recorded post is still there is not taken for it (a copy is not a rename)."""
    known = state.lookup(url_key)
    if known is None or not decide.asks_recorded_post(known[1]):
        return False
    old = state.filename_of(known[0])
    there = old is not None and (archive.posts_dir / old).exists()
    if not decide.follows_rename(known[1], recorded_post_there=there):
        return False
    state.rename_post(known[0], name)
    return True


def warn_missing(state: State, archive: Posts, *, dry_run: bool) -> list[str]:
    """A warning for each missing post not said before (recorded as said, in the meta
    table, unless ``dry_run``): one run says it, the next ones do not repeat it."""
    warnings: list[str] = []
    said: dict[str, str] = {}
    names, done = archive.post_names(), state.done_posts()  # each read once
    lost = [("missing", name, url) for name, url in missing_posts(state, archive, names, done)]
    lost += [("damaged", name, url) for name, url in damaged_posts(state, archive, names, done)]
    for how, name, url in lost:
        mark = f"{how} {name}"
        if state.meta_value(mark) is not None:
            continue
        if len(said) < MOST_NAMED:
            what = (
                "missing from _posts (deleted?)"
                if how == "missing"
                else "damaged (empty, or its front matter cut short)"
            )
            warnings.append(
                f"{archive.posts_dir / name}: {what}; its article {url} is not archived "
                f"again; `rssarchive backfill {url}` archives it again"
            )
        said[mark] = "1"
    if len(said) > MOST_NAMED:  # a whole _posts gone is one line more, not thousands
        warnings.append(
            f"{len(said) - MOST_NAMED} more posts missing or damaged in {archive.posts_dir}; "
            "`rssarchive status` names them"
        )
    if said and not dry_run:
        state.set_meta(said)
    return warnings
