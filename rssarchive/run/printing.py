"""What the CLI prints: the run report as text or JSON, feed status, a progress bar.

Text goes to people (one line per failure, a summary line); JSON goes to programs and
carries the same facts. Nothing here decides anything.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TextIO

from rssarchive.core import decide
from rssarchive.core.dates import utc_stamp

if TYPE_CHECKING:
    from rssarchive.core.models import Config
    from rssarchive.run.recheckreport import RecheckReport
    from rssarchive.run.report import FeedResult, RunReport
    from rssarchive.store.state import State


def print_report(report: RunReport, out: TextIO, err: TextIO, *, quiet: bool) -> None:
    for warning in report.warnings:
        print(f"warning: {warning}", file=err)
    for result in report.results:
        for warning in result.warnings:
            print(f"warning: feed {result.name}: {warning}", file=err)
        if result.error:
            print(f"failed: feed {result.name}: {result.error}", file=err)
        for url, reason in result.failed:
            print(f"failed: {url}: {reason}", file=err)
        if not quiet:
            verb = "would write" if report.dry_run else "new"
            for name in result.new:
                print(f"{verb}: {name}", file=out)
            for url, name in result.archived:
                print(f"archived already: {url} ({name})", file=out)
    if not quiet:
        print(report.summary(), file=out)
    # A run's re-checks say something only when there was something to re-check: a cron
    # run's last line stays its own summary on the many runs with nothing due.
    if report.recheck is not None:
        done = report.recheck
        idle = not (done.checked or done.still_due or done.changes or done.warnings)
        print_recheck(done, out, err, quiet=quiet or idle)


def print_recheck(report: RecheckReport, out: TextIO, err: TextIO, *, quiet: bool) -> None:
    for warning in report.warnings:
        print(f"warning: {warning}", file=err)
    if quiet:
        return
    for event, url, post in report.changes:
        print(f"{event}: {url} ({post})", file=out)
    print(report.summary(), file=out)


# -- the words of the decider's answers (decide returns values; these say them) --------


def not_due_line(url: str, why: decide.NotDue) -> str:
    """The error line of a feed that is not polled now (decide.not_due)."""
    if why.kind == "gone":
        return f"{url}: feed is gone (HTTP 410); remove it from the config or give it a new url"
    assert why.until is not None
    return (
        f"{url}: not polled until {why.until.isoformat()} after "
        f"{why.failures} failures; last error: {why.last_error}"
    )


def article_failed_lines(
    link: str, failed: decide.ArticleFailed
) -> tuple[str | None, str | None, str | None]:
    """What the report says of an article whose attempt failed (decide.article_failed):
    its failed: line's reason, its warning and its log note, each None when not said."""
    why, told = failed.reason, failed.told
    gave_up = f"{link}: gave up after {failed.attempts} attempts: {why}; not tried again"
    if told == "failed":
        return why, None, None
    if told == "failed, gave up":
        return why, gave_up, None
    if told == "failed, given up now":
        return f"{why}; gave up after {failed.attempts} attempts, not tried again", None, None
    if told == "failed, later runs":
        when = failed.retry_after
        after = "" if when is None else f" after {when.isoformat(timespec='minutes')}"
        return f"{why}; later runs will try again{after}", None, None
    if told == "gave up":
        return None, gave_up, None
    attempts = decide.ARTICLE_RETRIES.attempts
    return None, None, f"{link}: attempt {failed.attempts} of {attempts} failed: {why}"


def date_note_line(note: decide.DateNote) -> str:
    """What is said of an item's date when it is taken on (decide.date_warning), after
    its link."""
    if note.dated is None:
        assert note.problem is not None
        return note.problem
    fallback = {
        "archiving time": "at archiving time",
        "page, else archiving time": "by its page, else at archiving time",
        "archiving time, item kept": (
            "at archiving time (its <!--…--> comment keeps the item's date)"
        ),
    }[note.dated]
    if note.not_believed is None:
        return f"{note.problem}; dated {fallback}"
    # Both aware: a feed's dates leave dates.py in UTC.
    shown = utc_stamp(note.not_believed)
    return f"its date {shown} is after the run's clock, not believed; dated {fallback}"


def dating_lines(result: FeedResult) -> list[str]:
    """What is said once for a feed's run of its posts' dates, when they are written
    (look16c F5, F6b): how many undated items were dated at archiving time
    (decide.said_per_feed), and each time several items of its document shared (the
    feed's build time) that posts written were given (decide.stamps_said), with what
    dated them: their pages' publication dates, their URLs' days, or the time kept."""
    lines = []
    if result.undated:
        n = result.undated
        items = "1 item has" if n == 1 else f"{n} items have"
        whose = "its" if n == 1 else "their"
        line = f"{items} no date, in the feed or on {whose} page; dated at archiving time"
        if result.stale_poll is not None:  # days unpolled: they may be days old (s04)
            line += f"; the feed's last successful poll was {utc_stamp(result.stale_poll)}"
        lines.append(line)
    for when in decide.stamps_said(result.stamps, result.stamped_posts):
        lines.append(
            f"{result.stamps[when]} items share one date, {utc_stamp(when)} (the feed's build"
            f" time, not theirs); {_stamp_dated(result.stamped_posts[when])}"
        )
    return lines


def _stamp_dated(counts: dict[str, int]) -> str:
    """What dated the posts written with a build time (``counts``: how many, by
    PostDate's ``by``): ``5 dated by their page's publication date, 1 keeps it``."""
    parts: list[str] = []
    for by, what in (("page", "their page's publication date"), ("url", "their URL's day")):
        if counts.get(by):
            parts.append(f"{counts[by]} {'' if parts else 'dated '}by {what}")
    kept = sum(n for by, n in counts.items() if by not in ("page", "url"))
    if kept:
        parts.append(f"{kept} {'keeps' if kept == 1 else 'keep'} it")
    return ", ".join(parts)


def move_line(said: decide.FeedMoveSaid, url: str, target: str) -> str:
    """What is said of a feed's permanent redirect (decide.feed_move_said): ``url``, the
    address polled, redirects to ``target``."""
    if said == "moved":
        return f"{url} moved permanently to {target}; polling the new address"
    return (
        f"{url} redirects permanently to {target}; followed (the feed moves there when its"
        " next poll is redirected too)"
    )


def images_retried_line(
    name: str, retried: decide.ImagesRetried, still_remote: int, cause: str = ""
) -> str | None:
    """The warning after a retry of a post's images (decide.images_retried), the first
    image still remote failing for ``cause``; None: nothing said."""
    why = f" ({cause})" if cause else ""
    if retried.said == "kept back":
        return (
            f"{name}: {still_remote} images still remote{why}; retried on the next run "
            "(a local write error does not count as an attempt)"
        )
    if retried.said == "given up":
        return (
            f"{name}: {still_remote} images still remote after "
            f"{decide.IMAGE_RETRIES.attempts} attempts{why}; no more retries"
        )
    return None


def report_json(report: RunReport, exit_code: int) -> dict[str, Any]:
    return {
        "exit_code": exit_code,
        "dry_run": report.dry_run,
        "summary": report.summary(),
        "feeds_polled": report.polled,
        "new_posts": report.new_posts,
        "skipped": report.skipped,
        "failed": report.failed,
        "warnings": report.warnings,
        "results": [
            {
                "feed": r.name,
                "url": r.url,
                "new": r.new,
                "skipped": r.skipped,
                "failed": [{"url": url, "reason": reason} for url, reason in r.failed],
                "error": r.error,
                "warnings": r.warnings,
                "not_modified": r.not_modified,
                "archived_already": [{"url": url, "file": name} for url, name in r.archived],
            }
            for r in report.results
        ],
        "recheck": None if report.recheck is None else report.recheck.as_json(),
    }


def status_data(config: Config, state: State) -> dict[str, Any]:
    """Per configured feed: its health as the state database knows it."""
    from rssarchive.store import selection

    # Runs that stopped where the state could not record it (store/runfailure.py): read
    # before the feeds, whose health it is part of (decide.feed_health).
    from rssarchive.store.runfailure import read_failure, unwritable

    stopped = read_failure(config.site_dir)
    # No run can even take the site's lock, nor record that it stopped (the state in
    # that same folder): said from the folder itself.
    blocked = unwritable(config.site_dir)
    counts = state.counts_by_feed()
    failing = state.failing_by_feed()
    names = {feed.name for feed in config.feeds}
    feeds = []
    for feed in config.feeds:
        fstate = state.feed(feed.url, feed.name)
        mine = counts.get(decide.counted_under(feed.name, fstate.name, names), {})
        # Times as the state database keeps them (ISO 8601 text), for JSON and print.
        record = {
            k: v.isoformat() if isinstance(v, datetime) else v for k, v in asdict(fstate).items()
        }
        # The settings are read only for a feed with a warning kept.
        changed = decide.asks_shown_warning(fstate.warning) and selection.changed(state, feed)
        record["warning"] = decide.shown_warning(fstate.warning, selection_changed=changed)
        health = decide.feed_health(
            fstate.failures,
            gone=fstate.gone,
            failing_articles=len(failing.get(feed.name, [])),
            warning=bool(record["warning"]),
            runs_stopped=stopped is not None or blocked is not None,
            given_up=mine.get("failed", 0),
            polled=fstate.last_success is not None or fstate.last_error_at is not None,
            empty=decide.lists_nothing(fstate.warning),
        )
        record.update(
            name=feed.name,
            posts=mine.get(decide.ARTICLE_STANDING.done, 0),
            pending=mine.get("pending", 0),
            failed_articles=mine.get("failed", 0),
            # One verdict for JSON and text (decide.feed_health): print_status says it.
            ok=health.ok,
            health=health.kind,
            # Items whose attempts failed, waiting for the next: the runs exit 1.
            failing_articles=[
                {
                    "url": item.url,
                    "reason": item.reason,
                    "attempts": item.attempts,
                    "not_before": _stored(item.not_before),
                }
                for item in failing.get(feed.name, [])
            ],
        )
        feeds.append(record)
    waiting, gave_up = _backfill_failures(state)
    from rssarchive.publish.missingposts import damaged_posts, missing_posts
    from rssarchive.publish.posts import Posts
    from rssarchive.publish.unrecorded import unrecorded_posts

    archive = Posts(config.site_dir)
    listing = archive.post_names()
    # Posts deleted by hand: not counted (the count is of the posts that exist), named.
    missing = missing_posts(state, archive, listing)
    damaged = damaged_posts(state, archive, listing)  # emptied or cut short: as lost
    # Posts a stopped run wrote and did not record: the next run adopts them.
    unrecorded = unrecorded_posts(state, archive, listing)
    return {
        "site_dir": str(config.site_dir),
        "state_path": str(config.state_path),
        "posts": state.count_done() - len(missing) - len(damaged),
        "missing_posts": [{"file": name, "url": url} for name, url in missing],
        "damaged_posts": [{"file": name, "url": url} for name, url in damaged],
        "run_failure": asdict(stopped) if stopped is not None else None,
        "site_unwritable": blocked,
        "unrecorded_posts": asdict(unrecorded),
        # Posts whose images could not all be stored yet (the runs retry them).
        "image_retries": len(state.image_retries()),
        "feeds": feeds,
        "failed_articles": [{"url": u, "reason": r} for u, r in state.failed()],
        "backfill_waiting": waiting,
        "backfill_gave_up": gave_up,
        "rechecks": _recheck_counts(state),
    }


def _recheck_counts(state: State) -> dict[str, int]:
    """Articles re-checked, edited, deleted, restored, and due now."""
    return state.recheck_counts(datetime.now(UTC))


def _backfill_failures(state: State) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """What backfills took on and could not archive yet: waiting for a later run's
    retry, or given up."""

    waiting: list[dict[str, Any]] = []
    gave_up: list[dict[str, Any]] = []
    later = state.not_before()
    for item in state.retried():
        listed = decide.ARTICLE_STANDING.listed_as(item.status, item.attempts, item.origin)
        if listed not in ("backfill waiting", "backfill gave up"):
            continue
        record = {"url": item.url, "reason": item.reason, "attempts": item.attempts}
        if listed == "backfill waiting":
            when = _stored(later.get(item.url))
            waiting.append(
                {**record, "max_attempts": decide.ARTICLE_RETRIES.attempts, "not_before": when}
            )
        else:
            gave_up.append(record)
    return waiting, gave_up


def _stored(moment: datetime | None) -> str | None:
    """A time of the state as status says it: as the state database writes it."""
    from rssarchive.store.codec import stored_text

    return None if moment is None else stored_text(moment)


# The words of each verdict of decide.feed_health (JSON: the feed's `health`), filled in
# from the feed's record.
_HEALTH = {
    "ok": "ok",
    "warning": "ok, with a WARNING",
    "empty": "EMPTY (it lists no item: see its warning)",
    "failing": "FAILING ({failures} in a row)",
    "runs stopped": "FAILING (the runs stop before it: see above)",
    "articles failing": "FAILING ({failing} articles failing)",
    "articles given up": "ok, but {given_up} articles GIVEN UP (named below)",
    "gone": "GONE (HTTP 410)",
    "not polled yet": "not polled yet",
}


def print_status(data: dict[str, Any], out: TextIO) -> None:

    print(f"{data['posts']} posts archived in {data['site_dir']}", file=out)
    if data.get("unrecorded_posts"):
        from rssarchive.publish.unrecorded import Unrecorded, unrecorded_line

        line = unrecorded_line(Unrecorded(**data["unrecorded_posts"]))
        if line is not None:
            print(f"  {line}", file=out)
    if data.get("image_retries"):
        print(
            f"  {data['image_retries']} posts still link remote images (retried by the next "
            "runs; each run's warnings say why)",
            file=out,
        )
    for how, key in (("missing from", "missing_posts"), ("damaged in", "damaged_posts")):
        for item in data.get(key, []):
            print(
                f"  {how} _posts: {item['file']} ({item['url']}); "
                f"`rssarchive backfill {item['url']}` archives it again",
                file=out,
            )
    stopped = data.get("run_failure")
    if stopped:
        runs = "run" if stopped["runs"] == 1 else f"{stopped['runs']} runs"
        print(
            f"FAILING: the last {runs} stopped: {stopped['error']} "
            f"(last at {stopped['at']}); the next run that completes clears this",
            file=out,
        )
    if data.get("site_unwritable"):
        print(
            f"FAILING: no run can write {data['site_unwritable']}; runs stop before any "
            "feed until it can be written",
            file=out,
        )
    for feed in data["feeds"]:
        words = _HEALTH[feed["health"]]
        failing = len(feed["failing_articles"])
        print(
            f"{feed['name']}: "
            + words.format(
                failures=feed["failures"], failing=failing, given_up=feed["failed_articles"]
            ),
            file=out,
        )
        for item in feed["failing_articles"]:
            # A state from before the back-off may have no time for the next attempt.
            later = f"; next not before {item['not_before']}" if item["not_before"] else ""
            print(
                f"  failing:      {item['url']}: {item['reason']} (attempt {item['attempts']}"
                f" of {decide.ARTICLE_RETRIES.attempts} failed{later})",
                file=out,
            )
        if feed.get("warning"):
            print(f"  warning:      {feed['warning']}", file=out)
        print(f"  url:          {feed['moved_to'] or feed['url']}", file=out)
        print(f"  last success: {feed['last_success'] or 'never'}", file=out)
        if feed["failures"]:
            print(f"  last error:   {feed['last_error']} (at {feed['last_error_at']})", file=out)
        if feed["next_allowed"]:
            print(f"  next poll:    not before {feed['next_allowed']}", file=out)
        print(
            f"  posts:        {feed['posts']}"
            + (f", {feed['pending']} pending" if feed["pending"] else "")
            + (f", {feed['failed_articles']} failed" if feed["failed_articles"] else ""),
            file=out,
        )
    counts = data["rechecks"]
    print(
        f"re-checks: {counts['checked']} checked, {counts['edited']} edited, "
        f"{counts['deleted']} deleted, {counts['restored']} restored, "
        f"{counts['suspected']} suspected"
        + (f" ({counts['undecided']} undecided)" if counts.get("undecided") else "")
        + (f" ({counts['walled']} walled)" if counts.get("walled") else "")
        + f", {counts['due']} due now"
        + (
            f", {counts['unreachable']} unreachable at their last age"
            if counts.get("unreachable")
            else ""
        ),
        file=out,
    )
    given_up = {item["url"] for item in data["backfill_gave_up"]}
    for item in data["failed_articles"]:
        if item["url"] not in given_up:
            print(f"failed article: {item['url']}: {item['reason']}", file=out)
    for item in data["backfill_waiting"]:
        print(
            f"backfill waiting: {item['url']}: {item['reason']} "
            f"(attempt {item['attempts']} of {item['max_attempts']} failed; "
            + (
                f"not tried again before {item['not_before']})"
                if item.get("not_before")
                else "the next run tries again)"
            ),
            file=out,
        )
    for item in data["backfill_gave_up"]:
        print(
            f"backfill gave up: {item['url']}: {item['reason']} "
            f"({item['attempts']} attempt{'s' if item['attempts'] > 1 else ''})",
            file=out,
        )


def print_json(data: dict[str, Any], out: TextIO) -> None:
    json.dump(data, out, ensure_ascii=False, indent=2)
    out.write("\n")


class ProgressBar:
    """A one-line bar on a terminal; silent elsewhere (cron, pipes, CI logs)."""

    WIDTH = 30

    def __init__(self, stream: TextIO | None = None) -> None:
        # sys.stderr when the bar is made, not when this module was imported: the CLI
        # replaces a closed standard error (None) by /dev/null in between.
        self._stream = stream = stream if stream is not None else sys.stderr
        self.enabled = stream.isatty()
        self._drawn = False

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total < 2:
            return
        filled = self.WIDTH * done // total
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        self._stream.write(f"\r[{bar}] {done}/{total}")
        self._stream.flush()
        self._drawn = True

    def finish(self) -> None:
        if self._drawn:
            self._stream.write("\n")
            self._stream.flush()
