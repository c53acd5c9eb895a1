"""How a lost or corrupt state database came back, as one value that ``run`` (recovery.py,
with the posts it adopted) and ``recheck`` alone (rechecker.py) both say: the two used
to build the corrupt / missing / no-copy sentence each on its own (review 18 M11)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol


class _Opened(Protocol):
    """What State knows of how it was opened (store/base.py)."""

    created: bool
    emptied: bool
    rebuilt_from: Path | None
    restored_from: Path | None
    foreign_copy: tuple[Path, Path] | None


@dataclass(frozen=True)
class Recovered:
    """How the state database came back: ``restored`` from its copy (``copy``), the
    database missing, ``empty`` (0 bytes) or, with ``moved_to``, corrupt and moved
    aside; ``rebuilt``, corrupt (moved to ``moved_to``) or empty with no good copy, so
    it is rebuilt from the posts; ``created``, new (there was none)."""

    kind: Literal["restored", "rebuilt", "created"]
    moved_to: Path | None = None
    copy: Path | None = None
    empty: bool = False
    # Rebuilt because the copy was another site's: (the copy, where its restore went).
    foreign: tuple[Path, Path] | None = None

    @property
    def was(self) -> str:
        """What the database was: corrupt (and where it went), empty, else missing."""
        if self.moved_to is not None:
            return f"corrupt (moved to {self.moved_to})"
        return "empty (0 bytes)" if self.empty else "missing"

    @property
    def no_copy(self) -> str:
        """Why the copy did not bring it back."""
        if self.foreign is not None:
            copy, aside = self.foreign
            return f"its copy {copy} belongs to another site (its restore set aside as {aside})"
        return "has no good copy"


def recovery_summary(state: _Opened) -> Recovered | None:
    """How ``state`` came back when it was opened; None: it was there and sound."""
    if state.restored_from is not None:
        return Recovered("restored", state.rebuilt_from, state.restored_from, state.emptied)
    if state.foreign_copy is not None:
        return Recovered(
            "rebuilt", state.rebuilt_from, empty=state.emptied, foreign=state.foreign_copy
        )
    if state.rebuilt_from is not None or state.emptied:
        # An empty file had its state lost as a corrupt one did: rebuilt, not new.
        return Recovered("rebuilt", state.rebuilt_from, empty=state.emptied)
    if state.created:
        return Recovered("created")
    return None


def run_recovered_line(
    recovered: Recovered | None, posts_dir: Path, adopted: int, by_url_only: int
) -> str | None:
    """What ``run`` says of it, with the ``adopted`` posts (``by_url_only`` of them known
    by their from: URL alone); None: nothing (a new database that adopted nothing)."""
    # Posts now known by their from: URL only: a guid no longer recognises them,
    # until their feed lists them at their links again (this run's poll, most of
    # them), which gives them their guids back (Recording._see).
    lost = (
        f"; {by_url_only} articles lost their guid identity until their feed lists "
        "them again (one whose link changed meanwhile will be archived again)"
        if by_url_only
        else ""
    )
    if recovered is None:
        return None
    if recovered.kind == "restored":
        return (
            f"state database was {recovered.was}; restored from its copy {recovered.copy}"
            f" and {adopted} posts written since in {posts_dir}{lost}"
        )
    if recovered.kind == "rebuilt":
        return (
            f"state database was {recovered.was} and {recovered.no_copy}; "
            f"rebuilt from {adopted} posts in {posts_dir}{lost}"
        )
    if adopted:
        return (
            f"new state database: adopted {adopted} existing posts from "
            f"{posts_dir}; they will not be archived again{lost}"
        )
    return None


def recheck_recovered_line(recovered: Recovered | None, posts_dir: Path) -> str | None:
    """What ``recheck`` alone says of it: the posts written since the copy are adopted,
    or the database rebuilt, by the next ``run``; None: nothing (a new database)."""
    if recovered is None or recovered.kind == "created":
        return None
    if recovered.kind == "restored":
        return (
            f"state database was {recovered.was}; restored from its copy {recovered.copy};"
            f" posts written since in {posts_dir} are adopted by the next run"
        )
    return (
        f"state database was {recovered.was} and {recovered.no_copy}; the next run"
        f" rebuilds it from the posts in {posts_dir}"
    )
