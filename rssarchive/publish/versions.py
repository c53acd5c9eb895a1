"""The versions of edited articles, kept as text files in the site (README, "Re-checks").

``<site_dir>/_versions/<post file stem>/<UTC time>.txt``: one file per version, the
first being the article as archived; one paragraph a line, so that ``git diff`` of the
site shows what a site changed. Jekyll publishes nothing whose name starts with ``_``
unless told, so these files are data, not pages. The post itself is never rewritten.

``publish`` writes what the site shows of the changes: ``_data/changes.json`` (read by
the post layout, keyed by the post's path, ``_posts/<file>``, so that a post whose
article never changed renders exactly as before).
"""

from __future__ import annotations

import builtins
import contextlib
import json
import os
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rssarchive.core import postformat
from rssarchive.core.dates import format_utc, to_utc
from rssarchive.core.htmltext import html_to_text
from rssarchive.publish.posts import HEAD_BYTES, POSTS
from rssarchive.store.atomicfile import remove_temp_files, write_atomic

if TYPE_CHECKING:
    from rssarchive.core.models import Config
    from rssarchive.store.state import RecheckRow

VERSIONS = "_versions"
CHANGES = "_data/changes.json"


# A version's file name: its UTC time. Anything else in a versions folder (a note
# someone left, macOS's ._ files, a sync tool's conflicted copy) is not a version.
_VERSION_NAME = re.compile(r"\A\d{4}-\d{2}-\d{2}T\d{6}Z\.txt\Z")


def version_name(moment: datetime) -> str:
    # A naive time is UTC, as everywhere (dates.to_utc), not the machine's local time.
    return to_utc(moment).strftime("%Y-%m-%dT%H%M%SZ") + ".txt"


def _version_time(path: Path) -> datetime | None:
    """The time a version file was kept, from its name; None for any other file."""
    if not _VERSION_NAME.match(path.name):
        return None
    try:
        return datetime.strptime(path.stem, "%Y-%m-%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:  # a name of the right shape but no real time (month 13)
        return None


def stem(filename: str) -> str:
    return filename.rsplit(".", 1)[0]


class Versions:
    def __init__(self, site_dir: Path) -> None:
        self.site_dir = site_dir
        self.root = site_dir / VERSIONS

    def post_text(self, filename: str) -> str | None:
        """The article text of a post as archived (its body, as text); None when the
        post cannot be read."""
        try:
            text = (self.site_dir / POSTS / filename).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        article = postformat.parse(text).article
        # Imported here: every run cleans the versions folder, and a run with nothing
        # due reads no post and needs none of the comparison's modules.
        from rssarchive.core.recheck_page import anchor_texts, mark_links

        # Its links' anchor texts marked, not compared (recheck_text.mark_links).
        return mark_links(html_to_text(article), anchor_texts(article))

    def _head(self, filename: str) -> str:
        """The start of a post, where its front matter is; "" when it cannot be read."""
        try:
            with (self.site_dir / POSTS / filename).open(encoding="utf-8") as handle:
                return handle.read(HEAD_BYTES)
        except (OSError, UnicodeDecodeError):
            return ""

    def post_date(self, filename: str) -> datetime | None:
        """The post's own date: its front matter's ``date:`` (the publication time, else
        the time it was archived: never later than its archiving), else the date its file
        name starts with; None when it says neither."""
        moment = postformat.parse(self._head(filename)).date_time
        if moment is not None:
            return moment
        with contextlib.suppress(ValueError):
            return datetime.strptime(filename[:10], "%Y-%m-%d").replace(tzinfo=UTC)
        return None

    def move(self, old: str, new: str) -> None:
        """The versions kept for the post ``old`` follow it to its new name ``new`` (a
        post renamed or moved into a subfolder of _posts by hand); OSError if they
        cannot."""
        source, target = self.root / stem(old), self.root / stem(new)
        if source.is_dir() and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.rename(source, target)

    def has_versions(self, filename: str) -> bool:
        folder = self.root / stem(filename)
        return folder.is_dir() and any(_version_time(p) is not None for p in folder.iterdir())

    def keep(self, filename: str, moment: datetime, text: str) -> Path:
        """Write one version (atomically: a temporary file renamed into place)."""
        folder = self.root / stem(filename)
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / version_name(moment)
        _write(target, text.rstrip("\n") + "\n")
        return target

    def list(self, filename: str) -> list[tuple[datetime, str]]:
        """(time, text) of each kept version of a post, oldest first."""
        folder = self.root / stem(filename)
        out: list[tuple[datetime, str]] = []
        for path in sorted(folder.iterdir()) if folder.is_dir() else []:
            when = _version_time(path)
            if when is None or not path.is_file():
                continue
            out.append((when, path.read_text(encoding="utf-8", errors="replace")))
        return out

    def times(self, filename: str) -> builtins.list[datetime]:
        """When each kept version of a post was seen, oldest first (no text read)."""
        folder = self.root / stem(filename)
        found = (_version_time(p) for p in folder.iterdir()) if folder.is_dir() else iter(())
        return sorted(when for when in found if when is not None)

    def post_title(self, filename: str) -> str:
        """The post's title (its front matter), else its file name's words."""
        title = postformat.parse(self._head(filename)).title
        return title.strip() if title and title.strip() else stem(filename)[11:] or filename

    def remove_temp_files(self) -> builtins.list[Path]:
        """Remove the temporary files a killed run left where versions and the pages of
        changes are written (call while holding the site lock)."""
        site = self.site_dir
        try:
            kept = [p for p in self.root.iterdir() if p.is_dir()]
        except OSError:
            kept = []
        return remove_temp_files([site, site / "_data", site / "versions", site / "deleted", *kept])

    def publish(self, rows: Sequence[RecheckRow], config: Config) -> builtins.list[str]:
        """Make the site's record of changed articles match the state and the kept
        versions: ``_data/changes.json`` and the pages (sitepages.py), every one written
        (atomically) when missing or different from what it should be, so that a run
        stopped half-way, or a page that could not be written, is caught up by the next
        run whether or not it finds changes. Returns what could not be written (one line
        each; tried again next run)."""
        from rssarchive.publish.sitepages import write_pages

        changes: dict[str, dict[str, Any]] = {}
        for row in rows:
            if row.status == "suspected" and row.edited_at is None and row.deleted_at is None:
                continue  # not confirmed: nothing to show yet
            entry: dict[str, Any] = {"url": row.url, "status": row.status}
            for key in ("edited_at", "deleted_at", "restored_at"):
                value = getattr(row, key)
                if value is not None:
                    entry[key.removesuffix("_at")] = format_utc(value)
            entry["versions"] = f"/versions/{_slug(stem(row.filename))}.html"
            # Keyed as the post layout looks it up: the post's page.path.
            changes[f"{POSTS}/{row.filename}"] = entry
        failed: builtins.list[str] = []
        if not changes and not (self.site_dir / CHANGES).exists():
            return failed  # a site none of whose articles changed gets no such pages
        put(
            self.site_dir / CHANGES,
            json.dumps(changes, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
            failed,
        )
        write_pages(self, rows, changes, config, failed)
        return failed


def put(target: Path, text: str, failed: list[str]) -> None:
    """Write ``target`` unless it holds ``text`` already (a page left as it is keeps its
    time, and a site kept in git shows no change); a failure is noted in ``failed``."""
    try:
        if target.read_bytes() == text.encode("utf-8"):
            return
    except OSError:
        pass  # missing or unreadable: written
    try:
        _write(target, text)
    except OSError as exc:
        failed.append(f"{target}: {exc.strerror or exc}")


def _slug(text: str) -> str:
    """A post stem made safe as a page name (its date and the URL-safe characters)."""
    import hashlib

    safe = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "-" for c in text)
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
    return f"{safe[:10]}-{digest}"


def _write(target: Path, text: str) -> None:
    # Through the one atomic writer (store/atomicfile.write_atomic): the posts' temporary names,
    # which a killed run's cleanup removes (remove_temp_files), and the posts' fsyncs.
    # Created as open() creates files, with the umask's mode like the posts (0644 under
    # umask 022): the web server publishing the site reads them.
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, text.encode("utf-8"))
