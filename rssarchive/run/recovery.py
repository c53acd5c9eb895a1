"""What a run finds before its own work: posts to adopt, a killed run's pending
articles, images to retry, and what a lost state database cost."""

from __future__ import annotations

import functools
from dataclasses import replace

from rssarchive.core import decide, postformat
from rssarchive.core.urls import normalize_url
from rssarchive.run.feedrun import _FeedRun
from rssarchive.run.jobs import _Job, _post_parts
from rssarchive.run.printing import images_retried_line
from rssarchive.run.recovered import recovery_summary, run_recovered_line
from rssarchive.run.report import FeedResult, RunReport
from rssarchive.store import renames


class _Recovery(_FeedRun):
    """What a run finds before its own work: posts to adopt, a killed run's pending
    articles, images to retry, and what a lost state database cost."""

    def _prepare(self, report: RunReport) -> list[_Job]:
        """Adopt posts already in ``_posts``; return the work a killed run left."""
        report.dry_run = self.dry_run
        self._report = report
        if not decide.records(dry_run=self.dry_run):
            self._list_pending(report)
            return []
        # A feed renamed in the config keeps what it archived.
        report.warnings.extend(renames.follow(self.state, self.config.feeds))
        # A killed run's staged files were removed by the command, under the site lock,
        # before the state was opened (session._session): not again here.
        from rssarchive.publish.missingposts import renamed_post, warn_missing

        adopted = by_url_only = 0
        for name, url in self.archive.scan(self.state.known_filenames()):
            url_key = normalize_url(url)
            if renamed_post(self.state, self.archive, name, url_key):
                continue  # renamed by hand: its article's post still (review16d H5)
            # A row the state had (pending, failed) keeps its guid; a new one has none.
            had_row = self.state.status_of(url_key) is not None
            # Counted for the feed of its host (status shows each feed's posts); the
            # post itself does not name its feed.
            owner = self._feed_for(url).name if self.config.feeds else ""
            if self.state.adopt(
                url_key=url_key, url=url, filename=name, now=self.clock(), feed=owner
            ):
                adopted += 1
                by_url_only += not had_row
                self._adopt_images(name, url)
        # After adoption: the retries of posts whose state was lost are found there.
        self._retry_images(report)
        self._warn_recovered(report, adopted, by_url_only)
        # Posts deleted by hand: said once.
        report.warnings.extend(warn_missing(self.state, self.archive, dry_run=False))
        jobs: list[_Job] = []
        recovery: dict[str, FeedResult] = {}
        for pending in self.state.pending(self.clock()):
            feed = self._feed_named_or_first(pending.feed)
            result = recovery.get(feed.name)
            if result is None:
                result = recovery[feed.name] = FeedResult(feed.name, "recovery")
                report.results.append(result)
            mode = decide.content_mode(pending.entry.origin, feed.content)
            jobs.append(
                _Job(feed, pending.entry, mode, result, pending.id, attempts=pending.attempts)
            )
        return jobs

    def _list_pending(self, report: RunReport) -> None:
        """A dry run's view of the work earlier runs left (a killed run's articles): the
        posts a real run would write for them, as "would write" lines. Those whose post
        reached _posts already (the run was killed before recording it) a real run
        adopts instead: they are archived already."""
        recovery: dict[str, FeedResult] = {}
        for _, url in self.archive.scan(self.state.known_filenames()):
            self._adoptable.add(normalize_url(url))
        if self._adoptable:  # what a real run says it adopted (_warn_recovered)
            report.warnings.append(
                f"would adopt {len(self._adoptable)} existing posts from "
                f"{self.archive.posts_dir} that the state database does not know; they "
                "would not be archived again"
            )
        for pending in self.state.pending(self.clock()):
            if decide.adopted_instead(
                normalize_url(pending.url) in self._adoptable, dry_run=self.dry_run
            ):
                continue
            feed = self._feed_named_or_first(pending.feed)
            result = recovery.get(feed.name)
            if result is None:
                result = recovery[feed.name] = FeedResult(feed.name, "recovery")
                report.results.append(result)
            link = pending.entry.link or pending.url
            taken = functools.partial(self.archive.taken_by_other, url=link)
            entry = replace(pending.entry, link=link)
            result.new.append(self._render(feed, entry, None, taken=taken).filename)

    def _warn_recovered(self, report: RunReport, adopted: int, by_url_only: int) -> None:
        """Say how a lost or corrupt state database came back, and what it cost."""
        said = run_recovered_line(
            recovery_summary(self.state), self.archive.posts_dir, adopted, by_url_only
        )
        if said is not None:
            report.warnings.append(said)

    def _adopt_images(self, name: str, url: str) -> None:
        """An adopted post that still links remote images its feed would archive gets
        its image retries back (they were lost with the state, or with a failed
        commit)."""
        images = self._feed_for(url).images
        if not decide.asks_adopted_images(images):
            return  # its post is not read: its feed does not archive images
        from rssarchive.publish.images import remote_images

        parts = _post_parts(self.archive.read(name))
        remote = 0 if parts is None else len(remote_images(parts[1], url))
        if decide.gets_image_retries(images, remote):
            self.state.image_retry(name, url, attempted=False)

    def _retry_images(self, report: RunReport) -> None:
        """Try again the images earlier runs could not archive, rewriting their posts."""
        from rssarchive.publish.images import remote_images

        for name, page_url, attempts in self.state.image_retries():
            parts = _post_parts(self.archive.read(name))
            remote = [] if parts is None else remote_images(parts[1], page_url)
            if not decide.image_retry_left(parts is not None, len(remote)):
                self.state.image_done(name)
                continue
            assert parts is not None
            head, body, tail = parts
            result = self._image_store().localize(body, page_url, self._fetch_image)
            if result.html != body:
                self.archive.write(name, postformat.join(head, result.html, tail))
            causes, local = decide.image_retry_causes(result.failed, result.local)
            retried = decide.images_retried(attempts, len(result.failed), local=local)
            if retried.again:
                self.state.image_retry(name, page_url, attempted=retried.counted)
            else:
                self.state.image_done(name)
            said = images_retried_line(
                name, retried, len(result.failed), causes[0] if causes else ""
            )
            if said is not None:
                report.warnings.append(said)
