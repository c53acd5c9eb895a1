"""The ``_posts`` directory: atomic writes that never clobber, and reading posts back.

Posts are written to a temporary file whose name starts with a dot (Jekyll never
publishes dot-files), flushed to disk, then renamed over their final name, so a reader
(or Jekyll) sees either no post or the whole post. Stray temporary files left by a
killed run are removed by the next one.
"""

from __future__ import annotations

import contextlib
import os
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from rssarchive.core import decide, postformat
from rssarchive.core.errors import WriteError
from rssarchive.publish.permalinks import has_clean_url, post_url
from rssarchive.store.atomicfile import (
    TEMP_PREFIX,
    TEMP_SUFFIX,
    commit,
    fsync_dir,
    write_temp,
)

POSTS = "_posts"
POST_SUFFIXES = (".md", ".markdown", ".html")
# The `from:` line is in the front matter, which in our format is a few hundred bytes;
# reading a bounded head keeps scans of tens of thousands of posts cheap.
HEAD_BYTES = 8192
# A post's front matter (title, date, author, from, tags, categories) is under this.
FRONT_BYTES = 2048


class Posts:
    def __init__(self, site_dir: Path) -> None:
        self.site_dir = site_dir
        self.posts_dir = site_dir / POSTS
        self._urls: dict[str, str] | None = None
        self._folds: dict[str, str] | None = None

    def sync(self) -> None:
        """Make the renames of earlier ``write(..., sync_dir=False)`` calls durable."""
        fsync_dir(self.posts_dir)

    def post_names(self) -> list[str]:
        """Names of the posts in ``_posts`` (not temporary files), sorted; a post in a
        subfolder (Jekyll publishes ``_posts/2026/2026-12-01-One.md`` too) by its path
        below ``_posts``, so that it is adopted and its name and URL are taken."""
        try:
            names = os.listdir(self.posts_dir)
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise WriteError(
                f"cannot list posts ({exc.strerror})", path=str(self.posts_dir)
            ) from exc
        found = [n for n in names if n.endswith(POST_SUFFIXES) and not n.startswith(".")]
        for name in names:
            if not name.startswith(".") and (self.posts_dir / name).is_dir():
                found.extend(_posts_below(self.posts_dir, name))
        return sorted(found)

    def source_url(self, name: str) -> str | None:
        """The ``from:`` URL of the post ``name``, or None if it has none or is unreadable."""
        try:
            with open(self.posts_dir / name, "rb") as handle:
                head = handle.read(HEAD_BYTES)
        except OSError:
            return None
        return read_from_line(head.decode("utf-8", errors="replace"))

    def damaged(self, name: str) -> bool:
        """Whether the post ``name`` is there but holds no post any more: emptied, or cut
        inside its front matter (decide.post_damaged). Unreadable: not said damaged."""
        try:
            size = os.stat(self.posts_dir / name).st_size
            if size > FRONT_BYTES:  # longer than a front matter: never cut inside it
                return decide.post_damaged(size, FRONT_BYTES, front_closed=False)
            # Only a post this short is opened: every run asks this of every post.
            with open(self.posts_dir / name, "rb") as handle:
                head = handle.read(FRONT_BYTES)
        except OSError:
            return False
        closed = postformat.front_closed(head.decode("utf-8", errors="replace"))
        return decide.post_damaged(size, len(head), front_closed=closed)

    def read(self, name: str) -> str | None:
        """The whole text of a post, or None if it cannot be read."""
        try:
            return (self.posts_dir / name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def scan(self, skip: set[str]) -> Iterator[tuple[str, str]]:
        """(name, from URL) of every post not in ``skip`` that names its source."""
        for name in self.post_names():
            if name in skip:
                continue
            url = self.source_url(name)
            if url:
                yield name, url

    def taken_by_other(self, name: str, url: str) -> bool:
        """True when ``name`` cannot hold the article ``url``: the file holds another
        article, another article's post would be published at the same URL, or Jekyll
        would give the name no clean URL at all."""
        if (self.posts_dir / name).exists():
            # A damaged file (emptied, cut short) holds no article: its article's post
            # is written over it (missingposts.damaged_posts says how it is restored).
            there = self.source_url(name)
            return there != url and not (there is None and self.damaged(name))
        if not has_clean_url(name):
            return True
        # One file on a case-insensitive or normalising file system (macOS, Windows
        # checkouts of the archive): "Café" and "CAFÉ", or é as one code point or two.
        folded = self._by_fold().get(fold_name(name))
        if folded is not None and folded != name and self.source_url(folded) != url:
            return True
        other = self._by_url().get(post_url(os.path.basename(name)))
        return other is not None and other != name and self.source_url(other) != url

    def _by_fold(self) -> dict[str, str]:
        """fold_name(post file name) -> the name, built once and kept up to date by place()."""
        if self._folds is None:
            self._folds = {}
            for name in self.post_names():
                self._folds.setdefault(fold_name(name), name)
        return self._folds

    def _by_url(self) -> dict[str, str]:
        """Published URL -> post file name, built once and kept up to date by write()."""
        if self._urls is None:
            self._urls = {}
            for name in self.post_names():
                with contextlib.suppress(ValueError):  # a subfolder's post: by its file name
                    self._urls.setdefault(post_url(os.path.basename(name)), name)
        return self._urls

    def remove_stray_temp_files(self) -> list[str]:
        removed: list[str] = []
        try:
            names = os.listdir(self.posts_dir)
        except OSError:
            return removed
        for name in names:
            if name.startswith(TEMP_PREFIX) and name.endswith(TEMP_SUFFIX):
                # OSError: a read-only _posts keeps its files, and the run's own
                # error (why it stopped) is the one to report.
                with contextlib.suppress(OSError):
                    (self.posts_dir / name).unlink()
                    removed.append(name)
        return removed

    def write(self, name: str, text: str, *, sync_dir: bool = True) -> Path:
        """Write a post atomically as ``_posts/name``; raise WriteError on failure."""
        return self.place(self.stage(text), name, sync_dir=sync_dir)

    def stage(self, text: str) -> Path:
        """Write ``text`` to a new temporary dot-file in ``_posts``, flushed to disk.

        Safe to call from several threads: the slow part of writing a post (the file's
        own sync) happens here, in parallel, before :meth:`place` names it.
        """
        try:
            self.posts_dir.mkdir(parents=True, exist_ok=True)
            return write_temp(self.posts_dir, text.encode("utf-8"))
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise WriteError(f"cannot write post ({reason})", path=str(self.posts_dir)) from exc

    def place(self, temp: Path, name: str, *, sync_dir: bool = True) -> Path:
        """Rename a staged post to ``_posts/name``. With ``sync_dir=False`` the rename is
        made durable only by a later :meth:`sync`, so that a batch costs one sync."""
        # A name with a "/" is an adopted post's in a subfolder (rewritten in place).
        if "\\" in name or any(not part or part.startswith(".") for part in name.split("/")):
            self.discard(temp)
            raise WriteError(f"refusing unsafe post file name {name!r}")
        target = self.posts_dir / name
        try:
            commit(temp, target, sync_dir=sync_dir)
        except OSError as exc:
            self.discard(temp)
            reason = exc.strerror or str(exc)
            raise WriteError(f"cannot write post ({reason})", path=str(target)) from exc
        if self._urls is not None:
            with contextlib.suppress(ValueError):
                self._urls.setdefault(post_url(name), name)
        if self._folds is not None:
            self._folds.setdefault(fold_name(name), name)
        return target

    def discard(self, temp: Path) -> None:
        with contextlib.suppress(OSError):
            temp.unlink()


def _posts_below(posts_dir: Path, folder: str) -> Iterator[str]:
    """The posts in a subfolder of ``_posts`` and its own (not dot-folders, not
    followed symlinks), by their paths below ``_posts``."""
    for root, dirs, files in os.walk(posts_dir / folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        below = Path(root).relative_to(posts_dir).as_posix()
        for name in files:
            if name.endswith(POST_SUFFIXES) and not name.startswith("."):
                yield f"{below}/{name}"


def fold_name(name: str) -> str:
    """What a post file name is on a case-insensitive, normalising file system: names
    equal here are one file on macOS and Windows (case folded, Unicode NFC)."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())


def read_from_line(text: str) -> str | None:
    """The value of ``from:`` in a post's front matter, unquoted if it was quoted."""
    return postformat.parse(text).from_url
