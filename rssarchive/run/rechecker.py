"""Re-checks of archived articles: the I/O around recheck.py's decisions.

Due articles are fetched again through the one HTTP client (its address checks and
per-host politeness), conditionally with the page's stored validators, so an unchanged
page costs a 304 and no extraction. A page that answers 200 is extracted as at
archiving time (extract.py, the feed's selectors, render.render_body) and its text
compared with the article's reference text. Versions are kept as text files in the
site (versions.py); the state keeps the schedule and the verdicts.

Nothing here fails a run: a check that cannot be made is an outage (tried again at the
article's next age), and an error of our own (a file that cannot be written) is a
warning in the report.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from rssarchive.core import recheck as rules
from rssarchive.core.errors import ExtractError, FetchError, NotAdmittedError, RssArchiveError
from rssarchive.core.models import Config, FeedConfig, Response
from rssarchive.core.urls import normalize_url
from rssarchive.extract.text import html_to_text
from rssarchive.net.addresses import Allow
from rssarchive.net.politeness import Admission
from rssarchive.publish.archive import POSTS, Archive
from rssarchive.run.pipeline import Fetcher, _round_robin
from rssarchive.store.state import RecheckRow, State

if TYPE_CHECKING:
    from rssarchive.publish.versions import Versions

log = logging.getLogger("rssarchive")

# A host whose checks fail this many times in a run (timeouts, refused connections,
# 5xx) gets no more in that run: a hung host would otherwise take a timeout per due
# article. Its articles stay due, for the next run.
HOST_FAILURES = 3
# Checks in flight at once (each host still gets only its per_host_concurrency), as
# many as the pipeline's fetch threads.
THREADS = 32
# Other articles of a host fetched, at most, for evidence that the host still serves
# articles when a page without its article would confirm a deletion.
WITNESSES = 2


@dataclass
class RecheckReport:
    checked: int = 0
    unchanged: int = 0
    edited: int = 0
    # Checks that left their article suspected: new suspicions and, of them,
    # ``still_suspected``, those suspected before that this check did not decide.
    suspected: int = 0
    still_suspected: int = 0
    deleted: int = 0
    restored: int = 0
    outages: int = 0
    # Checks whose finding could not be recorded (a version that could not be written):
    # the article is left as it was, due, and checked again by the next run.
    failed: int = 0
    still_due: int = 0
    # (event, article URL, post file) of each edit, deletion and restoration found.
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Versions not kept, by cause: said once per cause when the run is over.
    _unkept: dict[str, int] = field(default_factory=dict, repr=False)

    def count(self, event: rules.Event, status: rules.Status, url: str, post: str) -> None:
        """One recorded check: its event counted, and an edit, a deletion or a
        restoration listed in ``changes``."""
        self.checked += 1
        if event == "outage":
            self.outages += 1
        elif event in ("edited", "restored", "deleted", "suspected"):
            setattr(self, event, getattr(self, event) + 1)
        elif status == "suspected":
            # Suspected still (within the hour of the suspicion, or a page without the
            # article and no evidence): no "unchanged" (review 19c, F10).
            self.suspected += 1
            self.still_suspected += 1
        else:
            self.unchanged += 1
        if event in ("edited", "restored", "deleted"):
            self.changes.append((event, url, post))

    def not_kept(self, root: Path, exc: OSError) -> None:
        """A check whose new version could not be written: a failure, said once per
        cause (:meth:`said`)."""
        self.failed += 1
        cause = _write_cause(root, exc)
        self._unkept[cause] = self._unkept.get(cause, 0) + 1

    def said(self) -> None:
        """The versions not kept, one warning per cause."""
        for cause, n in self._unkept.items():
            self.warnings.append(
                f"re-checks: {n} change(s) not recorded: cannot keep their versions in"
                f" {cause}; the articles stay due and are checked again by the next run"
            )
        self._unkept.clear()

    def summary(self) -> str:
        failed = f", failed: {self.failed}" if self.failed else ""
        return (
            f"re-checked: {self.checked}, edited: {self.edited}, deleted: {self.deleted}, "
            f"restored: {self.restored}, suspected: {self.suspected}, "
            f"unreachable: {self.outages}{failed}, still due: {self.still_due}"
        )

    def as_json(self) -> dict[str, object]:
        return {
            "checked": self.checked,
            "unchanged": self.unchanged,
            "edited": self.edited,
            "suspected": self.suspected,
            "still_suspected": self.still_suspected,
            "deleted": self.deleted,
            "restored": self.restored,
            "unreachable": self.outages,
            "failed": self.failed,
            "still_due": self.still_due,
            "changes": [{"event": e, "url": u, "post": p} for e, u, p in self.changes],
            "warnings": self.warnings,
        }


@dataclass
class _Held:
    """Per host, in one run: whether a check found its article there (evidence that the
    host serves its articles), and the checks that would confirm a deletion from a page
    without the article only with that evidence (see Rechecker._settle_held)."""

    serving: set[str] = field(default_factory=set)
    checked: set[int] = field(default_factory=set)
    waiting: dict[str, list[tuple[RecheckRow, rules.Observation]]] = field(default_factory=dict)


@dataclass
class Rechecker:
    config: Config
    client: Fetcher
    state: State
    clock: Callable[[], datetime]
    # Seconds since some start, for the budget's seconds (injected by tests).
    timer: Callable[[], float] = time.monotonic
    # Post file name by its from: URL's key, read once a run when a post is missing.
    _posts_by_url: dict[str, str] | None = field(default=None, init=False)

    def run(self) -> RecheckReport:
        from rssarchive.publish.versions import Versions

        report = RecheckReport()
        now = self.clock()
        versions = Versions(self.config.site_dir)
        self._enroll(now, versions)
        self._resume(now)
        budget = rules.Budget(self.config.recheck_articles, self.config.recheck_seconds)
        ids = rules.pick_due(self.state.due_rechecks(now), now, budget)
        gate = _Gate(self.config, budget, self.timer)
        rows = self._mended(self._enabled(self.state.recheck_rows(ids)), now)
        rows = self._located(rows, versions, report)
        # The budget took the most overdue; among them, hosts take turns, so that the
        # threads do not all wait on the politeness of one host.
        queue = deque(_round_robin(rows, lambda row: _host(row.url)))
        # Per host: whether a check found its article (the host serves articles), and
        # the checks whose suspicion only that evidence can confirm (a 200 page without
        # the article: a soft 404, or a bot wall), held back until the run is over.
        held = _Held()
        try:
            with ThreadPoolExecutor(THREADS) as threads:
                try:
                    self._check(queue, gate, threads, report, versions, held)
                except BaseException:
                    gate.stop()  # before the pool waits: its threads give up their turns
                    raise
            self._settle_held(held, report, versions)
        except Exception:
            # What was recorded is shown all the same. A signal (KeyboardInterrupt)
            # stops at once: the next run publishes what this one recorded; the checks
            # held back were not recorded, and are due again.
            report.said()
            self._publish(versions, report)
            raise
        report.said()
        report.warnings.extend(
            f"re-checks: {host}: {n} checks failed (timeouts, errors); its other due "
            "articles wait for the next run"
            for host, n in gate.given_up()
        )
        self._publish(versions, report)
        report.still_due = self.state.recheck_counts(now)["due"]
        return report

    def _check(
        self,
        queue: deque[RecheckRow],
        gate: _Gate,
        threads: ThreadPoolExecutor,
        report: RecheckReport,
        versions: Versions,
        held: _Held,
    ) -> None:
        flying: dict[Future[rules.Observation | None], RecheckRow] = {}
        while queue or flying:
            while queue and len(flying) < THREADS and not gate.spent():
                row = queue.popleft()
                flying[threads.submit(self._observe, row, gate)] = row
            if not flying:
                break  # the budget's time is spent: the rest stays due
            # Whichever ends first: a check waiting on a slow host holds up no other.
            finished, _ = wait(flying, return_when=FIRST_COMPLETED)
            with self.state.batch():  # one commit for the checks that ended together
                for future in finished:
                    row, seen = flying.pop(future), future.result()
                    if seen is None:  # not started, still due
                        continue
                    seen = self._classify(row, seen)
                    host = _host(row.url)
                    held.checked.add(row.article_id)
                    verdict = self._preview(row, seen, versions)
                    if _found(seen, verdict):
                        held.serving.add(host)
                    if verdict.wants_evidence:
                        held.waiting.setdefault(host, []).append((row, seen))
                    else:
                        self._settle(row, seen, report, versions)

    def _settle_held(self, held: _Held, report: RecheckReport, versions: Versions) -> None:
        """The suspicions a page without the article would confirm, once the run is
        over: confirmed when the host was seen serving its other articles (in this run,
        or by fetching one of them now); else kept suspected and checked again within
        the hour (rules.decide), said in the report."""
        with self.state.batch():
            for host, waiting in held.waiting.items():
                serving = host in held.serving or self._witness(host, held.checked, versions)
                if not serving:
                    report.warnings.append(
                        f"{host}: {len(waiting)} suspected deletion(s) not confirmed: the"
                        " page answers without the article, but no other article of the"
                        " site could be seen served (a bot wall or an error page?);"
                        " checked again later"
                    )
                for row, seen in waiting:
                    self._settle(row, seen, report, versions, serving=serving)

    def _witness(self, host: str, checked: set[int], versions: Versions) -> bool:
        """Whether one of the host's other archived articles, believed present and not
        checked in this run, answers with its article now (at most WITNESSES fetched;
        not recorded: evidence only)."""
        candidates = [
            row
            for row in self.state.recheck_witnesses(host, WITNESSES * 4)
            if row.article_id not in checked and _host(row.url) == host
        ]
        for row in candidates[:WITNESSES]:
            checked.add(row.article_id)
            # Fetched whole: a 304 would not show that the host serves the article's
            # page (some answer 304 to anything).
            seen = self._observe(replace(row, etag=None, last_modified=None))
            if seen is None:
                continue
            seen = self._classify(row, seen)
            if _found(seen, self._preview(row, seen, versions)):
                return True
        return False

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
            for post, url in Archive(versions.site_dir).scan(set()):
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
        are never checked (decided, README "Re-checks"). An adopted post (a new or
        rebuilt state found it in _posts) was archived when its own date says, at the
        latest: a post from months ago is not re-checked as if archived today."""
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
            ages = self._feed(feed_name).recheck if self._known(feed_name) else self._ages()
            rows.append((ident, archived, rules.next_due(archived, ages, now)))
        if rows:
            self.state.enroll(rows)

    def _resume(self, now: datetime) -> None:
        """Re-checks paused by ``recheck: false`` (or records past their ages) get a
        next check again when their feed's ages now have one ahead: from the article's
        archive time, so one past its last age stays done (README "Re-checks")."""
        # Only articles younger than the longest age configured can have one ahead: the
        # archive's older records are not read on every run.
        longest = max((a for f in self.config.feeds for a in f.recheck), default=timedelta(0))
        longest = max(longest, *self._ages(), timedelta(0))
        if longest <= timedelta(0):
            return
        paused = self.state.paused_rechecks(now - longest)
        ahead = [p[0] for p in paused if rules.next_due(p[2], self._ages_of(p[1]), now)]
        rows = []
        for row in self.state.recheck_rows(ahead) if ahead else []:
            # Not before its last check: a clock gone back revives nothing (F6).
            due = rules.resumed_due(row.archived, self._ages_of(row.feed), now, row.last_checked)
            if due is not None:
                rows.append((row.article_id, due))
        if rows:
            self.state.reschedule(rows)

    def _mended(self, rows: list[RecheckRow], now: datetime) -> list[RecheckRow]:
        """The rows to check now: a next check not later than the last one
        (rules.due_holds: revived by a clock gone back, before that was ruled out) is
        set again from the last check, and checked only if that is due now."""
        broken = [row for row in rows if not rules.due_holds(row.next_due, row.last_checked)]
        if not broken:
            return rows
        mended = {
            row.article_id: rules.resumed_due(
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
        off = [row for row in rows if not self._ages_of(row.feed)]
        if off:
            self.state.reschedule([(row.article_id, None) for row in off])
        return [row for row in rows if self._ages_of(row.feed)]

    def _ages_of(self, feed_name: str) -> tuple[timedelta, ...]:
        return self._feed(feed_name).recheck if self._known(feed_name) else self._ages()

    def _classify(self, row: RecheckRow, seen: rules.Observation) -> rules.Observation:
        """A page reached by a redirect: a removal-like one (rules.redirect_removes)
        only when the article's known addresses do not include where it ended."""
        if seen.seen != "page" or seen.final_url is None:
            return seen
        final = seen.final_url
        try:
            key = normalize_url(final)
        except ValueError:
            key = final
        if rules.redirect_removes(row.url, final, key, self.state.article_keys(row.article_id)):
            return replace(seen, removal=True, why=f"redirected to {final}")
        return seen

    def _preview(
        self, row: RecheckRow, seen: rules.Observation, versions: Versions
    ) -> rules.Verdict:
        """The check's verdict without evidence that the host serves other articles:
        whether it found the article, or wants that evidence to confirm a deletion."""
        row, post = self._references(row, seen, versions)
        return rules.decide(_record(row), seen, self.clock(), self._ages_of(row.feed), post)

    def _references(
        self, row: RecheckRow, seen: rules.Observation, versions: Versions
    ) -> tuple[RecheckRow, str | None]:
        """The row with its reference text filled from the post when it has none yet
        and the post holds the page's text; and the post's text when a removal-like
        redirect's page is to be compared with it. A 304 needs no text at all."""
        if row.reference is None and row.from_page and seen.seen == "page":
            original = versions.post_text(row.filename)
            if original is not None:
                return replace(row, reference=original), None
        elif row.reference is None and seen.removal:
            return row, versions.post_text(row.filename)
        return row, None

    def _ages(self) -> tuple[timedelta, ...]:
        return self.config.recheck

    def _known(self, name: str) -> bool:
        return any(f.name == name for f in self.config.feeds)

    def _feed(self, name: str) -> FeedConfig:
        for feed in self.config.feeds:
            if feed.name == name:
                return feed
        return FeedConfig(name=name, url="", recheck=self.config.recheck)

    def _observe(self, row: RecheckRow, gate: _Gate | None = None) -> rules.Observation | None:
        """Fetch and extract one article's page (a thread); never raises for the site's
        faults, which are what is observed. None: the check was not started (the
        budget ran out before its request's turn came, its host stopped answering in
        this run, or the run is stopping); the article stays due."""
        if gate is None:
            fetched = self._fetch(row)
        else:
            host = _host(row.url)
            with gate.check(host) as admit:
                if admit is None:
                    return None
                fetched = self._fetch(row, admit)
                if fetched is not None:
                    failed = isinstance(fetched, rules.Observation) and fetched.seen == "outage"
                    gate.answered(host, not failed)
        if fetched is None or isinstance(fetched, rules.Observation):
            return fetched
        # Extracted once the request is over: the host's next check does not wait for it.
        return self._read(row, fetched)

    def _fetch(
        self, row: RecheckRow, admit: Admission | None = None
    ) -> rules.Observation | Response | None:
        """The page's answer: a Response to read (a 200), else what was observed (a
        304, a 404, an outage); None when ``admit`` refused the request."""
        try:
            # A Last-Modified later than when it was stored (one kept before that was
            # checked) is a server clock's error: sent back, it would hide every edit.
            stored = row.last_checked or row.archived
            since = rules.plausible_last_modified(row.last_modified, stored)
            response = self.client.get(row.url, etag=row.etag, last_modified=since, admit=admit)
        except NotAdmittedError:
            return None
        except FetchError as exc:
            return rules.Observation(rules.gone_status(exc.status), why=str(exc))
        except RssArchiveError as exc:  # nothing learnt of the article: as an outage
            return rules.Observation("outage", why=str(exc))
        if response.not_modified:
            return rules.Observation("not_modified", why="HTTP 304")
        return response

    def _read(self, row: RecheckRow, response: Response) -> rules.Observation:
        text = _page_text(
            response, self._feed(row.feed), self.config.network.allow_private_addresses
        )
        return rules.Observation(
            "page",
            text=text,
            why="" if text else "no article in the page",
            etag=response.etag,
            last_modified=rules.plausible_last_modified(
                response.last_modified,
                rules.response_time(response.headers.get("date"), self.clock()),
            ),
            # Whether a redirect is a removal is decided with the state (_classify).
            final_url=response.url if response.redirects else None,
        )

    def _settle(
        self,
        row: RecheckRow,
        seen: rules.Observation,
        report: RecheckReport,
        versions: Versions,
        serving: bool = False,
    ) -> None:
        now = self.clock()
        ages = self._ages_of(row.feed)
        filled, post = self._references(row, seen, versions)
        original = filled.reference if filled.reference != row.reference else None
        row = filled
        verdict = rules.decide(_record(row), seen, now, ages, post_text=post, serving=serving)
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
                    first = original
                    if first is None:
                        first = versions.post_text(row.filename) if row.from_page else row.reference
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
        report.count(event, new.status, row.url, row.filename)
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
                last_result=seen.why or event,
                edited_at=new.edited_at,
                suspected_at=new.suspected_at,
                deleted_at=new.deleted_at,
                restored_at=new.restored_at,
            )
        )


class _Gate:
    """What the re-checks add to the client's politeness (politeness.HostLimiter, the
    one that spaces and caps requests per host): whether a check's request may still go
    out, judged when its host's turn came (the ``admit`` hook given to the client), not
    when the check was handed to a thread: the budget's count and seconds at that
    moment; and not at all for a host that failed HOST_FAILURES checks in this run, or
    once the run is stopping.

    So that a host's failures are known before more of its checks are sent, at most
    per_host_concurrency checks of one host fetch at once (a retry's backoff included):
    the same bound as the client's, so it holds no request back from its turn; and it
    ends when the answer came, so extracting a page holds up no request either.
    """

    def __init__(self, config: Config, budget: rules.Budget, timer: Callable[[], float]) -> None:
        self._concurrency = max(1, config.network.per_host_concurrency)
        self._budget = budget
        self._timer = timer
        self._started = timer()
        self._lock = threading.Lock()
        # Per host, on the one lock: a place freed wakes one check of that host only.
        self._places: dict[str, threading.Condition] = {}
        self._fetching: dict[str, int] = {}
        self._failures: dict[str, int] = {}
        self._count = 0
        self._stop = threading.Event()  # closes every check's admission

    def spent(self) -> bool:
        return not rules.may_start(self._count, self._timer() - self._started, self._budget)

    def stop(self) -> None:
        """No request goes out any more: checks waiting for a place here give up at
        once, those waiting for their host's turn in the client within moments
        (politeness.WAIT_STEP), refused."""
        with self._lock:
            self._stop.set()
            for place in self._places.values():
                place.notify_all()

    @contextmanager
    def check(self, host: str) -> Iterator[Admission | None]:
        """While a check of ``host`` fetches: its admission for the client, or None
        when it is not to start (the run is stopping, or its host failed too often)."""
        with self._lock:
            place = self._places.setdefault(host, threading.Condition(self._lock))
            while not self._closed(host) and self._fetching.get(host, 0) >= self._concurrency:
                place.wait()
            go = not self._closed(host)
            if go:
                self._fetching[host] = self._fetching.get(host, 0) + 1
        if not go:
            yield None
            return
        try:
            yield Admission(lambda: self._admit(host), self._stop)
        finally:
            with self._lock:
                self._fetching[host] -= 1
                # One place is free; a host given up frees all that wait for it.
                if self._closed(host):
                    place.notify_all()
                else:
                    place.notify()

    def _closed(self, host: str) -> bool:
        return self._stop.is_set() or self._failures.get(host, 0) >= HOST_FAILURES

    def _admit(self, host: str) -> bool:
        with self._lock:
            go = not self._closed(host) and not self.spent()
            self._count += go
            return go

    def answered(self, host: str, ok: bool) -> None:
        if not ok:
            with self._lock:
                self._failures[host] = self._failures.get(host, 0) + 1

    def given_up(self) -> list[tuple[str, int]]:
        return sorted((h, n) for h, n in self._failures.items() if n >= HOST_FAILURES)


def _write_cause(root: Path, exc: OSError) -> str:
    """Why versions cannot be written under ``root``, the same for every article it
    fails for: a part of the path that is a file ("not a directory"), else the error
    and the versions folder (full disk, no permission)."""
    if exc.filename:
        path = Path(exc.filename)
        for part in (path, *path.parents):
            if part == root.parent:
                break
            if part.exists() and not part.is_dir():
                return f"{root} ({part} is not a directory)"
    return f"{root} ({exc.strerror or exc})"


def _key(url: str) -> str:
    try:
        return normalize_url(url)
    except ValueError:
        return url


def recovered_warnings(state: State, posts_dir: Path) -> list[str]:
    """How the state database came back on opening it for ``recheck`` alone (``run``
    says it in its own words, with the posts it adopted: pipeline._warn_recovered):
    the posts written since its copy are adopted by the next ``run``."""
    if state.restored_from is not None:
        what = (
            f"corrupt (moved to {state.rebuilt_from})"
            if state.rebuilt_from is not None
            else "missing"
        )
        return [
            f"state database was {what}; restored from its copy {state.restored_from};"
            f" posts written since in {posts_dir} are adopted by the next run"
        ]
    if state.rebuilt_from is not None:
        return [
            f"state database was corrupt (moved to {state.rebuilt_from}) and has no good"
            f" copy; the next run rebuilds it from the posts in {posts_dir}"
        ]
    return []


def _found(seen: rules.Observation, verdict: rules.Verdict) -> bool:
    """Whether a check found its article: a page holding it (a 304 proves nothing of
    the host's pages now)."""
    return seen.seen == "page" and not verdict.gone


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _validator(
    verdict: rules.Verdict, seen: rules.Observation, row: RecheckRow, name: str
) -> str | None:
    # Validators are those of the last page seen whole AND judged present; a page judged
    # gone (404, soft 404, teaser, captcha) keeps none, so that a 304 can never pass
    # for the article and its coming back is fetched in full (rules.decide).
    if verdict.validators == "new":
        value: str | None = getattr(seen, name)
        return value
    if verdict.validators == "drop":
        return None
    return str(getattr(row, name)) if getattr(row, name) is not None else None


def _record(row: RecheckRow) -> rules.Record:
    status = (
        row.status if row.status in ("edited", "suspected", "deleted", "restored") else "unchanged"
    )
    return rules.Record(
        archived=row.archived,
        next_due=row.next_due,
        status=status,  # type: ignore[arg-type]
        checks=row.checks,
        reference=row.reference,
        edited_at=row.edited_at,
        suspected_at=row.suspected_at,
        deleted_at=row.deleted_at,
        restored_at=row.restored_at,
    )


def _page_text(response: Response, feed: FeedConfig, allow_private: Allow) -> str | None:
    """The page's article text as at archiving time, one paragraph a line; None when
    the page holds no article (not HTML, nothing extracted)."""
    from rssarchive.extract.article import extract_article
    from rssarchive.publish.render import render_body
    from rssarchive.sources.pagekind import not_html

    content_type = response.headers.get("content-type")
    if not_html(response.content, content_type) is not None:
        return None
    try:
        article = extract_article(
            response.content,
            response.url,
            selectors=feed.selectors,
            content_type=content_type,
            allow_private_addresses=allow_private,
        )
    except ExtractError:
        return None
    return html_to_text(render_body(article.body_html))
