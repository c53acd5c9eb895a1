"""What a run or a backfill did, feed by feed: the report the CLI prints (output.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rssarchive.run.recheckreport import RecheckReport


@dataclass
class FeedResult:
    name: str
    url: str
    new: list[str] = field(default_factory=list)  # file names written (or that would be)
    skipped: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (url, reason)
    error: str | None = None  # the feed itself failed
    warnings: list[str] = field(default_factory=list)  # archived, but something was off
    not_modified: bool = False
    # (url, post file name) of each URL handed to backfill that is archived already
    archived: list[tuple[str, str]] = field(default_factory=list)
    # Said once for the feed when its posts are written (printing.dating_lines): posts
    # of undated items dated at archiving time (decide.said_per_feed), and the times
    # several items of its document shared (decide.build_stamps) with how many items
    # each was given to, and of the posts written with each, how many were dated by
    # what (decide.PostDate's ``by``: "page", "url", or "item": they keep it).
    undated: int = 0
    # The feed's last successful poll, when it is stale (decide.stale_poll) and undated
    # items this run took on were dated at archiving time: said with their count.
    stale_poll: datetime | None = None
    stamps: dict[datetime, int] = field(default_factory=dict)
    stamped_posts: dict[datetime, dict[str, int]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error is None and not self.failed


@dataclass
class RunReport:
    results: list[FeedResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    polled: int = 0
    dry_run: bool = False
    recheck: RecheckReport | None = None  # the run's re-checks, when it made any

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)

    @property
    def new_posts(self) -> int:
        return sum(len(r.new) for r in self.results)

    @property
    def skipped(self) -> int:
        return sum(r.skipped for r in self.results)

    @property
    def failed(self) -> int:
        """Failed articles, plus one for each feed that failed as a whole."""
        return sum(len(r.failed) + (r.error is not None) for r in self.results)

    def summary(self) -> str:
        line = (
            f"feeds polled: {self.polled}, new posts: {self.new_posts}, "
            f"skipped: {self.skipped}, failed: {self.failed}"
        )
        return line + " (dry run: nothing written)" if self.dry_run else line
