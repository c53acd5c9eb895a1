"""Re-checks of archived articles, the bookkeeping around the fetching (rechecker.py):
schedules enrolled, resumed, mended and cleared; a check's verdict (rules.judge)
carried out: versions kept, the state saved, and the site's pages of changes published.
Rechecker builds on this class, as the run's stages build on one another."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from rssarchive.core import recheck_schedule as schedule
from rssarchive.core.errors import RssArchiveError
from rssarchive.core.models import Config, FeedConfig
from rssarchive.core.urls import normalize_url
from rssarchive.publish.posts import POSTS, Posts
from rssarchive.run.pipeline import Fetcher
from rssarchive.run.recheckreport import RecheckReport
from rssarchive.store.state import RecheckRow, State

if TYPE_CHECKING:
    # The comparison's modules, imported where a check runs (see rechecker.py).
    from rssarchive.core import recheck as rules
    from rssarchive.publish.versions import Versions

log = logging.getLogger("rssarchive")


@dataclass
class RecheckRecorder:
    config: Config
    client: Fetcher
    state: State
    clock: Callable[[], datetime]
    # Seconds since some start, for the budget's seconds (injected by tests).
    timer: Callable[[], float] = time.monotonic
    # Post file name by its from: URL's key, read once a run when a post is missing.
    _posts_by_url: dict[str, str] | None = field(default=None, init=False)

    def _publish(self, versions: Versions, report: RecheckReport) -> None:
        """Bring the site's pages of changes in line with the state and the kept
        versions, whether or not this run found changes: a run stopped before it
        published (a signal, a crash, a page that could not be written) leaves pages
        missing or stale, and the next run that gets here mends them."""
        try:
            rows = self._located(self.state.recheck_rows(changed=True), versions, report)
            failed = versions.publish(rows, self.config)
        except (OSError, RssArchiveError) as exc:
            failed = [str(exc)]
        report.warnings.extend(f"re-checks: cannot write the site's page {f}" for f in failed)

    def _located(
        self, rows: list[RecheckRow], versions: Versions, report: RecheckReport
    ) -> list[RecheckRow]:
        """The rows with their post's current file name: a post renamed or moved into a
        subfolder of _posts by hand is found by its ``from:`` URL (its versions follow
        it), so that its versions, notices and links are its current file's. A post gone
        from _posts is said once (a warning) and not linked (sitepages)."""
        posts = versions.site_dir / POSTS
        missing = [r for r in rows if r.filename and not (posts / r.filename).is_file()]
        if not missing:
            return rows
        if self._posts_by_url is None:
            self._posts_by_url = {}
            for post, url in Posts(versions.site_dir).scan(set()):
                self._posts_by_url.setdefault(_key(url), post)
        found: dict[str, str] = {}
        for row in missing:
            current = self._posts_by_url.get(_key(row.url))
            if current is None:
                warning = (
                    f"{row.url}: its post {row.filename} is gone from {posts}: its changes"
                    " are shown without a link to it"
                )
                if warning not in report.warnings:
                    report.warnings.append(warning)
                continue
            try:
                versions.move(row.filename, current)
            except OSError as exc:
                report.warnings.append(
                    f"{row.url}: cannot move its versions to those of {current} ({exc.strerror})"
                )
                continue
            found[row.filename] = current
        return [replace(r, filename=found.get(r.filename, r.filename)) for r in rows]

    def _enroll(self, now: datetime, versions: Versions) -> None:
        """Schedules for archived articles that have none (archived before re-checks
        existed, or adopted): from their archive time, so those past their last age
        are never checked (decided, README "Re-checks"), and those within them are due
        at the age they reached (schedule.enrolled_due). An adopted post (a new or
        rebuilt state found it in _posts) was archived when its own date says, at the
        latest: a post from months ago is not re-checked as if archived today. Their
        posts are their reference text (State.enroll), so that an edit made before
        their first check is seen."""
        rows = []
        for ident, feed_name, archived, filename in self.state.unscheduled(now):
            # Adopted rows are counted for a feed now (state.adopt), so every row
            # without a schedule is taken as archived no later than its post's date: a
            # post from before an upgrade is at worst re-checked less, never an old one
            # as if archived today.
            if filename:
                dated = versions.post_date(filename)
                if dated is not None:
                    archived = min(archived, dated)
            ages = self._ages_of(feed_name)
            rows.append((ident, archived, schedule.enrolled_due(archived, ages, now)))
        if rows:
            self.state.enroll(rows)

    def _resume(self, now: datetime) -> None:
        """Re-checks paused by ``recheck: false`` (or records past their ages) get a
        next check again when their feed's ages now have one ahead: from the article's
        archive time, so one past its last age stays done (README "Re-checks")."""
        since = schedule.resume_after(now, [f.recheck for f in self.config.feeds], self._ages())
        if since is None:
            return
        paused = self.state.paused_rechecks(since)
        ahead = [p[0] for p in paused if schedule.resumable(p[2], self._ages_of(p[1]), now)]
        rows = []
        for row in self.state.recheck_rows(ahead) if ahead else []:
            # Not before its last check: a clock gone back revives nothing (F6).
            due = schedule.resumed_due(row.archived, self._ages_of(row.feed), now, row.last_checked)
            if due is not None:
                rows.append((row.article_id, due))
        if rows:
            self.state.reschedule(rows)

    def _mended(self, rows: list[RecheckRow], now: datetime) -> list[RecheckRow]:
        """The rows to check now: a next check not later than the last one
        (schedule.due_holds: revived by a clock gone back, before that was ruled out) is
        set again from the last check, and checked only if that is due now."""
        broken = [row for row in rows if not schedule.due_holds(row.next_due, row.last_checked)]
        if not broken:
            return rows
        mended = {
            row.article_id: schedule.resumed_due(
                row.archived, self._ages_of(row.feed), now, row.last_checked
            )
            for row in broken
        }
        self.state.reschedule(list(mended.items()))
        return [
            replace(row, next_due=mended[row.article_id]) if row.article_id in mended else row
            for row in rows
            if row.article_id not in mended
            or ((due := mended[row.article_id]) is not None and due <= now)
        ]

    def _enabled(self, rows: list[RecheckRow]) -> list[RecheckRow]:
        """The rows whose feed still re-checks: ``recheck: false`` set since a row was
        scheduled means no fetch from then on; its schedule is cleared (and resumed by
        :meth:`_resume` if re-checks are turned on again)."""
        off = [row for row in rows if not schedule.enabled(self._ages_of(row.feed))]
        if off:
            self.state.reschedule([(row.article_id, None) for row in off])
        return [row for row in rows if schedule.enabled(self._ages_of(row.feed))]

    def _ages_of(self, feed_name: str) -> tuple[timedelta, ...]:
        return schedule.ages_of(feed_name, self.config.feeds, self._ages())

    def _references(
        self, row: RecheckRow, seen: rules.Observation, versions: Versions
    ) -> tuple[RecheckRow, str | None]:
        """The row with its reference text filled from the post when it has none yet
        and the post holds the page's text; and the post's text when a removal-like
        redirect's page is to be compared with it. A 304 needs no text at all."""
        from rssarchive.core import recheck_record as outcome
        from rssarchive.core.recheck_text import join_headline, split_headline

        use = outcome.reference_for(row.reference, row.from_page, seen.seen)
        if use == "reference":
            # The post holds the page's text; the headline the page had when archived
            # was kept at archiving time.
            original = versions.post_text(row.filename)
            if original is not None:
                headline = split_headline(row.reference or "")[0]
                return replace(row, reference=join_headline(headline, original)), None
        elif use == "compare":
            return row, versions.post_text(row.filename)
        return row, None

    def _ages(self) -> tuple[timedelta, ...]:
        return self.config.recheck

    def _feed(self, name: str) -> FeedConfig:
        for feed in self.config.feeds:
            if feed.name == name:
                return feed
        return FeedConfig(name=name, url="", recheck=self.config.recheck)

    def _settle(
        self,
        row: RecheckRow,
        seen: rules.Observation,
        report: RecheckReport,
        versions: Versions,
        serving: bool = False,
        answering: bool = False,
    ) -> None:
        from rssarchive.core import recheck as rules
        from rssarchive.core import recheck_record as outcome

        now = self.clock()
        ages = self._ages_of(row.feed)
        filled, post = self._references(row, seen, versions)
        # A post that holds the article but cannot be read: the page is compared with
        # nothing, and taken as the article as archived (an edit made before this check
        # is not seen). Said, not silent (review 19s, H2).
        wanted = outcome.reference_for(row.reference, row.from_page, seen.seen)
        unread = wanted == "reference" and filled is row
        original = filled.reference if filled.reference != row.reference else None
        row = filled
        # The versions kept, when the page differed: one equal to an earlier version
        # (an A/B variant flipping back) is no new version.
        # (A second fetch that failed, "", may be stood in for by an earlier check's page.)
        earlier = [t for _, t in versions.list(row.filename)] if seen.second is not None else []
        verdict = rules.judge(
            record_of(row),
            seen,
            now,
            ages,
            post_text=post,
            serving=serving,
            earlier=earlier,
            answering=answering,
        )
        new = verdict.record
        event = verdict.event
        try:
            if verdict.version is not None and event == "baseline":
                # The first page seen of an article archived without it (from its feed's
                # text, or adopted): kept now, dated when it was seen, so that its
                # versions page does not date it at the archiving.
                versions.keep(row.filename, now, verdict.version)
            elif verdict.version is not None:
                if not versions.has_versions(row.filename):
                    # The article as archived: the post's text when it came from the
                    # page, else the first page seen (its reference).
                    asks = outcome.asks_first_post(verdict.before, original, row.from_page)
                    text = versions.post_text(row.filename) if asks else None
                    first = outcome.first_version(
                        verdict.before, original, row.from_page, row.reference, text
                    )
                    if first is not None:
                        versions.keep(row.filename, row.archived, first)
                versions.keep(row.filename, now, verdict.version)
        except OSError as exc:
            # Not recorded: the article stays as it was, due, and the next run finds the
            # edit again. Counted as a failure, not as what it would have been: an edit
            # that was not kept is not announced (review 19c, F5).
            report.checked += 1
            report.not_kept(versions.root, exc)
            return
        report.count(event, new.status, row.url, row.filename, edited=verdict.version is not None)
        if verdict.note.startswith(rules.WALLED):
            report.walled += 1
        if unread and event == "baseline":
            report.warnings.append(
                f"{row.url}: re-check: its post {row.filename} cannot be read: the page seen"
                " now is kept as the article as archived (an edit made before is not seen)"
            )
        if event == "outage":
            log.info("%s: re-check: %s", row.url, seen.why)
        self.state.save_recheck(
            replace(
                row,
                next_due=new.next_due,
                checks=new.checks,
                status=new.status,
                reference=new.reference,
                etag=_validator(verdict, seen, row, "etag"),
                last_modified=_validator(verdict, seen, row, "last_modified"),
                last_checked=now,
                # An outage says so first: status counts the articles whose schedule
                # ended on one (store/rechecks.py, "unreachable").
                last_result=(f"outage: {seen.why}" if seen.why else event)
                if event == "outage"
                else verdict.note or seen.why or event,
                edited_at=new.edited_at,
                suspected_at=new.suspected_at,
                deleted_at=new.deleted_at,
                restored_at=new.restored_at,
                volatile=json.dumps(list(new.volatile), ensure_ascii=False)
                if new.volatile
                else None,
                candidate=new.candidate,
            )
        )


def _key(url: str) -> str:
    try:
        return normalize_url(url)
    except ValueError:
        return url


def _validator(
    verdict: rules.Verdict, seen: rules.Observation, row: RecheckRow, name: str
) -> str | None:
    from rssarchive.core import recheck_record as outcome

    value: str | None = getattr(seen, name)
    stored: str | None = getattr(row, name)
    return outcome.validator(verdict.validators, value, stored)


def record_of(row: RecheckRow) -> rules.Record:
    """The state's row as the verdicts' record (its status as rules.record_status reads it)."""
    from rssarchive.core import recheck as rules
    from rssarchive.core import recheck_record as outcome

    return rules.Record(
        archived=row.archived,
        next_due=row.next_due,
        status=outcome.record_status(row.status),
        checks=row.checks,
        reference=row.reference,
        edited_at=row.edited_at,
        suspected_at=row.suspected_at,
        deleted_at=row.deleted_at,
        restored_at=row.restored_at,
        volatile=_variants(row.volatile),
        candidate=row.candidate,
    )


def _variants(stored: str | None) -> tuple[str, ...]:
    """The stored JSON list of an article's volatile variants (none when unreadable)."""
    try:
        value = json.loads(stored) if stored else []
    except ValueError:
        return ()
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()
