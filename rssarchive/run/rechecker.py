"""Re-checks of archived articles: the I/O around recheck.py's decisions.

Due articles are fetched again through the one HTTP client (its address checks and
per-host politeness), conditionally with the page's stored validators, so an unchanged
page costs a 304 and no extraction. A page that answers 200 is extracted as at
archiving time (extract.py, the feed's selectors, render.render_body) and its text
compared with the article's reference text. Versions are kept as text files in the
site (versions.py); the state keeps the schedule and the verdicts. Here: the checks
and their fetching; what a verdict records is recheckrecord.py's, the budget and the
hosts given up recheckgate.py's, the report recheckreport.py's.

Nothing here fails a run: a check that cannot be made is an outage (tried again at the
article's next age), and an error of our own (a file that cannot be written) is a
warning in the report.
"""

from __future__ import annotations

import contextlib
import logging
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rssarchive.core import decide
from rssarchive.core import recheck_schedule as schedule
from rssarchive.core.caps import MAX_PAGE_BYTES
from rssarchive.core.dates import format_utc, plausible_last_modified, response_time
from rssarchive.core.errors import (
    ExtractError,
    FetchError,
    NotAdmittedError,
    RssArchiveError,
    reason_of,
)
from rssarchive.core.models import Response
from rssarchive.core.urls import host_key, normalize_url, split
from rssarchive.net.politeness import Admission
from rssarchive.run import recheckpage
from rssarchive.run.pipeline import _round_robin
from rssarchive.run.recheckgate import RecheckGate
from rssarchive.run.recheckrecord import RecheckRecorder, record_of
from rssarchive.run.recheckreport import RecheckReport, host_wide, unconfirmed
from rssarchive.run.recovered import recheck_recovered_line, recovery_summary
from rssarchive.store.articles import DONE
from rssarchive.store.state import RecheckRow, State

if TYPE_CHECKING:
    # The comparison's modules, imported where a check runs: a run with nothing due
    # needs none of them (tests/e2e/test_noop_imports_e2e.py).
    from rssarchive.core import recheck as rules
    from rssarchive.core import recheck_confirm as confirm
    from rssarchive.publish.versions import Versions

log = logging.getLogger("rssarchive")

# Checks handed to threads at once; each host still gets only its per_host_concurrency,
# the others wait their host's turn in their thread (cheaply). Enough that every host's
# next check is already waiting when its answer comes: with 32, a host's next check was
# handed out only after the main thread had judged the checks that ended before it
# (a changed page's comparison, its version written and synced), and the hosts of
# unchanged pages (304s) took 1.9 times their network floor instead of 1.1
# (bench/recheck.py, measured side by side).
THREADS = 128
# Other articles of a host fetched, at most, for evidence that the host still serves
# articles when a page without its article would confirm a deletion.
WITNESSES = 2


@dataclass
class _Held:
    """Per host, in one run: whether a check found its article there (evidence that the
    host serves its articles), and the checks that would confirm a deletion from a page
    without the article only with that evidence (see Rechecker._settle_held)."""

    serving: set[str] = field(default_factory=set)
    checked: set[int] = field(default_factory=set)
    # Per host, what each of its checks saw (Observation.seen): all of 3 or more gone,
    # none served, and its front page answering confirms nothing (host_wide_gone).
    seen: dict[str, list[str]] = field(default_factory=dict)
    waiting: dict[str, list[tuple[RecheckRow, rules.Observation, confirm.Evidence]]] = field(
        default_factory=dict
    )


class Rechecker(RecheckRecorder):
    """The checks: due articles fetched through the gate, their pages read and judged;
    what a verdict records is RecheckRecorder's."""

    def run(self) -> RecheckReport:
        from rssarchive.publish.versions import Versions

        report = RecheckReport()
        now = self.clock()
        versions = Versions(self.config.site_dir)
        self._enroll(now, versions)
        self._resume(now)
        budget = schedule.Budget(self.config.recheck_articles, self.config.recheck_seconds)
        ids = schedule.pick_due(self.state.due_rechecks(now), now, budget)
        # Hosts that asked an earlier run for a pause (429 Retry-After) still in it: none
        # of their checks goes out; they stay due (review 19s, M1). Read only when a
        # check is due: a run with none reads no more than before (issue 18).
        kept = self.state.recheck_pauses() if ids else {}
        paused = {host for host, until in kept.items() if schedule.host_paused(until, now)}
        gate = RecheckGate(self.config, budget, self.timer, paused=paused)
        rows = self._mended(self._enabled(self.state.recheck_rows(ids)), now)
        waiting = sorted(paused & {host_key(row.url) for row in rows})
        report.warnings.extend(
            f"re-checks: {host}: paused until {format_utc(kept[host])} (it answered 429 with"
            " Retry-After); its due articles wait"
            for host in waiting
        )
        rows = self._located(rows, versions, report)
        # The budget took the most overdue; among them, hosts take turns, so that the
        # threads do not all wait on the politeness of one host.
        queue = deque(_round_robin(rows, lambda row: host_key(row.url)))
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
            self._settle_held(held, report, versions, gate)
        except Exception:
            with contextlib.suppress(RssArchiveError):  # the run's own error is the one said
                self._keep_pauses(gate, kept, now)
            # What was recorded is shown all the same. A signal (KeyboardInterrupt)
            # stops at once: the next run publishes what this one recorded; the checks
            # held back were not recorded, and are due again.
            report.said()
            self._publish(versions, report)
            raise
        asked = self._keep_pauses(gate, kept, now)
        report.said()
        report.warnings.extend(
            f"re-checks: {host}: {n} checks failed (timeouts, errors); its other due "
            "articles wait for the next run"
            for host, n in gate.given_up()
        )
        report.warnings.extend(
            f"re-checks: {host}: answered 429 with Retry-After; its other due articles"
            f" wait until {format_utc(until)}"
            for host, until in sorted(asked.items())
        )
        self._publish(versions, report)
        report.still_due = self.state.recheck_counts(now)["due"]
        return report

    def _keep_pauses(
        self, gate: RecheckGate, kept: dict[str, datetime], now: datetime
    ) -> dict[str, datetime]:
        """The pauses hosts asked for in this run, kept for the next runs (from the
        checks' clock now, at the run's end: a pause is never cut short by the time the
        run took; a ``--now`` run pauses by its own time), and returned; those over at
        the run's start (``now``) are dropped."""
        end = self.clock()
        asked = {host: schedule.paused_until(end, s) for host, s in gate.pauses().items()}
        over = {host: None for host, until in kept.items() if not schedule.host_paused(until, now)}
        if asked or over:
            self.state.pause_rechecks({**over, **asked})
        return asked

    def _check(
        self,
        queue: deque[RecheckRow],
        gate: RecheckGate,
        threads: ThreadPoolExecutor,
        report: RecheckReport,
        versions: Versions,
        held: _Held,
    ) -> None:
        if not queue:
            return
        from rssarchive.core import recheck_record as outcome

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
                    host = host_key(row.url)
                    held.checked.add(row.article_id)
                    held.seen.setdefault(host, []).append(seen.seen)
                    verdict = self._preview(row, seen, versions)
                    if outcome.found(seen, verdict):
                        held.serving.add(host)
                    if verdict.wants_evidence:
                        held.waiting.setdefault(host, []).append((row, seen, verdict.needs))
                    else:
                        self._settle(row, seen, report, versions)

    def _settle_held(
        self, held: _Held, report: RecheckReport, versions: Versions, gate: RecheckGate
    ) -> None:
        """The suspicions that evidence about their host would confirm, once the run is
        over (rules.judge, recheck_confirm.confirms): a page without the article, when
        the host was seen serving its other articles (in this run, or by fetching one of
        them now); a 404, 410 or 451, when the host answers normally (that, or its front
        page fetched now answering 200). Else kept suspected and checked again within
        the hour, said once per host in the report."""
        if not held.waiting:
            return  # no write transaction for nothing (issue 18's read count)
        from rssarchive.core import recheck_confirm as confirm

        with self.state.batch():
            for host, waiting in held.waiting.items():
                # A host that asked for a pause is not asked for anything more.
                asked = not gate.paused(host)
                serving = host in held.serving or (
                    asked and self._witness(host, held.checked, versions)
                )
                statuses = [row for row, _, needs in waiting if needs == "host"]
                answering = serving or (
                    bool(statuses) and asked and self._front_answers(statuses[0])
                )
                kinds = held.seen.get(host, [])
                # A front page answering while every article answers 404: a firewall,
                # a broken route, no deletions (recheck_confirm.host_wide_gone).
                lost = answering and confirm.host_wide_gone(kinds, serving)
                answering = answering and not lost
                left = [
                    needs
                    for _, _, needs in waiting
                    if not confirm.confirms(needs, serving, answering)
                ]
                if lost:
                    report.warnings.append(host_wide(host, len(kinds)))
                elif left:
                    report.warnings.append(unconfirmed(host, left))
                for row, seen, _ in waiting:
                    self._settle(row, seen, report, versions, serving=serving, answering=answering)

    def _front_answers(self, row: RecheckRow) -> bool:
        """Whether the front page of ``row``'s host answers normally now: a 200 (after
        redirects) that is no bot wall; through the one client and its politeness."""
        parts = split(row.url)
        if parts is None:  # an unreadable URL has no front page to ask
            return False
        front = f"{parts.scheme}://{parts.netloc}/"
        seen = self._fetch(replace(row, url=front, etag=None, last_modified=None, reference=None))
        return isinstance(seen, Response)

    def _witness(self, host: str, checked: set[int], versions: Versions) -> bool:
        """Whether one of the host's other archived articles, believed present and not
        checked in this run, answers with its article now (at most WITNESSES fetched;
        not recorded: evidence only)."""
        from rssarchive.core import recheck_record as outcome

        candidates = [
            row
            for row in self.state.recheck_witnesses(host, WITNESSES * 4)
            if row.article_id not in checked and host_key(row.url) == host
        ]
        for row in candidates[:WITNESSES]:
            checked.add(row.article_id)
            # Fetched whole: a 304 would not show that the host serves the article's
            # page (some answer 304 to anything).
            seen = self._observe(replace(row, etag=None, last_modified=None))
            if seen is None:
                continue
            seen = self._classify(row, seen)
            if outcome.found(seen, self._preview(row, seen, versions)):
                return True
        return False

    def _classify(self, row: RecheckRow, seen: rules.Observation) -> rules.Observation:
        """A page reached by a redirect: a removal-like one (rules.redirect_removes)
        only when the article's known addresses do not include where it ended: to the
        front or a section page, or to another article the archive holds."""
        from rssarchive.core import recheck as rules
        from rssarchive.core import recheck_page as pages

        if seen.seen != "page" or seen.final_url is None:
            return seen
        final = seen.final_url
        try:
            key = normalize_url(final)
        except ValueError:
            key = final
        known = self.state.article_keys(row.article_id)
        other = False
        if pages.asks_archived_at(row.url, final, key, known):
            # Another article the archive holds there: this one merged into it, or
            # replaced by it (look19, finding 6).
            found = self.state.lookup(key)
            other = found is not None and found[0] != row.article_id and found[1] == DONE
        if rules.redirect_removes(row.url, final, key, known, other):
            into = " (another archived article)" if other else ""
            why = f"redirected to {final}{into}"
            return replace(seen, removal=True, into_article=other, why=why)
        return seen

    def _preview(
        self, row: RecheckRow, seen: rules.Observation, versions: Versions
    ) -> rules.Verdict:
        """The check's verdict without evidence that the host serves other articles:
        whether it found the article, or wants that evidence to confirm a deletion."""
        from rssarchive.core import recheck as rules

        row, post = self._references(row, seen, versions)
        return rules.judge(record_of(row), seen, self.clock(), self._ages_of(row.feed), post)

    def _observe(
        self, row: RecheckRow, gate: RecheckGate | None = None
    ) -> rules.Observation | None:
        """Fetch and extract one article's page (a thread); never raises for the site's
        faults, which are what is observed. None: the check was not started (the
        budget ran out before its request's turn came, its host stopped answering in
        this run, or the run is stopping); the article stays due."""
        from rssarchive.core import recheck as rules

        fetched = self._fetch(row) if gate is None else self._gated(row, gate)
        if fetched is None or isinstance(fetched, rules.Observation):
            return fetched
        # Extracted once the request is over: the host's next check does not wait for it.
        seen = self._read(row, fetched)
        if gate is None or not rules.wants_confirming(self._known_text(row), seen):
            return seen
        return self._confirm(row, seen, gate)

    def _known_text(self, row: RecheckRow) -> str | None:
        """The article's text a page is compared with: its reference, else its post's."""
        from rssarchive.core.recheck_text import join_headline, split_headline

        headline, body = split_headline(row.reference or "")
        if body:
            return row.reference
        from rssarchive.publish.versions import Versions

        post = Versions(self.config.site_dir).post_text(row.filename)
        return None if post is None else join_headline(headline, post)

    def _confirm(
        self, row: RecheckRow, seen: rules.Observation, gate: RecheckGate
    ) -> rules.Observation | None:
        """A page that differs from the article's text, fetched a second time at once
        (whole, through the same client and politeness) so that what changes on every
        request (a counter, a rotating box, an A/B variant) is told from an edit
        (rules.judge). The second answer's failure is the check's answer (a 404 is the
        page gone; an outage says nothing); None: not admitted (the run is stopping, or
        its host failed): the article stays due."""
        from rssarchive.core import recheck as rules

        # How often a second fetch that says nothing is made again is the decider's
        # policy; what it leaves unconfirmed waits for the next check (recheck_confirm).
        result: rules.Observation | None = None
        made = 0
        while True:
            whole = replace(row, etag=None, last_modified=None)
            fetched = self._gated(whole, gate, confirming=True)
            made += 1
            if fetched is None:
                return result  # not admitted: the run is stopping, or its host failed
            if isinstance(fetched, rules.Observation):
                answer = decide.confirm_answer(fetched.seen, fetched.back_off, False)
                if answer == "gone":
                    return fetched  # the page gone (a 404): the check's answer
                # The second request failed: the first page may still hold an edit, so
                # the check is inconclusive (rules.judge checks it again within the
                # hour), not an outage that waits for the next age.
                result = replace(seen, second="", why=f"second fetch: {fetched.why}")
            else:
                again = self._read(row, fetched)
                walled = rules.says_nothing(seen.text or "", again.text or "")
                answer = decide.confirm_answer(again.seen, None, walled)
                # A wall's validators are not the page's; the first fetch's stay.
                result = replace(seen, second=again.text or "")
                if answer == "page":
                    result = replace(result, etag=again.etag, last_modified=again.last_modified)
            if not decide.RECHECK_CONFIRM_RETRIES.again(made, answer):
                return result

    def _gated(
        self, row: RecheckRow, gate: RecheckGate, *, confirming: bool = False
    ) -> rules.Observation | Response | None:
        """One request of a check, when the gate admits it (None: not admitted); its
        answer counts for its host's failures in this run (an outage is one)."""
        from rssarchive.core import recheck as rules

        host = host_key(row.url)
        with gate.check(host, confirming=confirming) as admit:
            if admit is None:
                return None
            fetched = self._fetch(row, admit)
            if fetched is not None:
                seen = fetched if isinstance(fetched, rules.Observation) else None
                failed, pause = decide.recheck_request(
                    "page" if seen is None else seen.seen, None if seen is None else seen.back_off
                )
                gate.answered(host, not failed)
                if pause is not None:
                    # The host asked for a pause (429 Retry-After): kept for the next runs.
                    gate.back_off(host, pause)
        return fetched

    def _fetch(
        self, row: RecheckRow, admit: Admission | None = None
    ) -> rules.Observation | Response | None:
        """The page's answer: a Response to read (a 200), else what was observed (a
        304, a 404, an outage); None when ``admit`` refused the request."""
        from rssarchive.core import recheck as rules

        try:
            # A Last-Modified later than when it was stored (one kept before that was
            # checked) is a server clock's error: sent back, it would hide every edit.
            stored = row.last_checked or row.archived
            since = plausible_last_modified(row.last_modified, stored)
            response = self.client.get(
                row.url,
                etag=row.etag,
                last_modified=since,
                admit=admit,
                max_bytes=MAX_PAGE_BYTES,
            )
        except NotAdmittedError:
            return None
        except FetchError as exc:
            return rules.Observation(
                rules.gone_status(exc.status),
                # Without the URL: the log line and the stored result name it once.
                why=reason_of(exc),
                back_off=exc.retry_after if exc.status == 429 else None,
            )
        except RssArchiveError as exc:  # nothing learnt of the article: as an outage
            return rules.Observation("outage", why=reason_of(exc))
        if response.not_modified:
            return rules.Observation("not_modified", why="HTTP 304")
        wall = recheckpage.bot_wall(response, row.reference)
        if wall is not None:
            # A rate limiter's or a DDoS shield's page: says nothing of the article, as a
            # 5xx (counted among the host's failures), never a soft 404 (issue 19, F8).
            return rules.Observation("outage", why=f"a bot wall ({wall})")
        return response

    def _read(self, row: RecheckRow, response: Response) -> rules.Observation:
        from rssarchive.core import recheck as rules
        from rssarchive.core.recheck_text import join_headline

        try:
            headline, text, wall = recheckpage.page_text(
                response, self._feed(row.feed), self.config.network.allow_private_addresses
            )
        except ExtractError as exc:
            # The extraction could not run (too complex, a failure of the extractor):
            # nothing learnt of the article, as an outage (look19, finding 1).
            return rules.Observation("outage", why=f"the page could not be read: {exc.reason}")
        return rules.Observation(
            "page",
            text=None if text is None else join_headline(headline, text),
            why="" if text else "no article in the page",
            wall=wall,
            etag=response.etag,
            last_modified=plausible_last_modified(
                response.last_modified,
                response_time(response.headers.get("date"), self.clock()),
            ),
            # Whether a redirect is a removal is decided with the state (_classify).
            final_url=response.url if response.redirects else None,
        )


def recovered_warnings(state: State, posts_dir: Path) -> list[str]:
    """How the state database came back on opening it for ``recheck`` alone (``run``
    says it with the posts it adopted: recovery._warn_recovered; both from one
    recovered.recovery_summary): the posts written since its copy are adopted by the
    next ``run``."""
    said = recheck_recovered_line(recovery_summary(state), posts_dir)
    return [] if said is None else [said]
