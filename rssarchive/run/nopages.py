"""Items fetched at their guids, permalinks by RSS's default (decide.permalinked, look16c
F7), whose guids answer 404 or 410 on the attempt that would give their articles up: ids,
not pages. Each falls back on the link it shares with other items, one article there
(decide.on_its_link, look16e, look16g F11); said once for the link when the run's pages
are in."""

from __future__ import annotations

from dataclasses import replace

from rssarchive.core import decide
from rssarchive.core.errors import RssArchiveError, reason_of
from rssarchive.run.canonical import _Canonical
from rssarchive.run.jobs import _Job, _NoPages
from rssarchive.store.codec import GuidSeen


class _NoPageGuids(_Canonical):
    """Permalink guids found no pages (see the module)."""

    def _on_its_link(self, job: _Job, exc: RssArchiveError) -> decide.OnItsLink | None:
        """An item fetched at its guid (decide.permalinked) that answered 404 or 410 on
        the attempt that would give it up falls back on the link it shares with other
        items, as decide.on_its_link says: its article is moved there (its job's entry
        with it) to be fetched, or dropped for the article there; its guid is no page
        from now on. Said once for the link, when
        the run's pages are in (_say_no_pages)."""
        from rssarchive.core.identity import text_key

        entry, failure, now = job.entry, decide.page_failure(exc), self.clock()
        last = self._last_attempt(job.article_id, now)
        if not decide.asks_link_taken(failure, entry.shared_link, last=last):
            return None
        assert entry.shared_link is not None and entry.link is not None
        shared_key = decide.link_key(entry.shared_link)
        assert shared_key is not None
        there = self.state.lookup_link(shared_key)
        on_its_link = decide.on_its_link(
            failure, entry.shared_link, taken=there is not None, last=last
        )
        guid_key = decide.guid_key(entry.guid)
        if on_its_link == "taken":
            assert there is not None
            self.state.forget(job.article_id)
            job.result.skipped += 1  # as an item known by its link is
            # Its guid names that article now, and is said taken for it (here, so not
            # again when a later run meets it at that link: _say_taken's mark).
            if guid_key is not None:
                seen = GuidSeen(there[0], entry.title, entry.published, text_key(entry.content))
                self.state.see_guid(guid_key, job.feed.name, seen)
                self.state.set_meta({decide.taken_mark(there[0], guid_key): "1"})
        else:
            job.entry = replace(entry, link=entry.shared_link, shared_link=None)
            self.state.relink(job.article_id, shared_key, job.entry, self.clock())
        if guid_key is not None:
            self.state.mark_no_page(guid_key)
        said = self._no_pages.setdefault(
            (id(job.result), shared_key),
            _NoPages(job.result, entry.shared_link, reason_of(exc), []),
        )
        said.guids.append((entry.guid or entry.link).strip())
        said.fetched = said.fetched or on_its_link == "fetched there"
        return on_its_link

    def _say_no_pages(self) -> None:
        """Say what _on_its_link did this run, once for each link (decide.no_page_warning)."""
        for said in self._no_pages.values():
            said.result.warnings.append(
                decide.no_page_warning(said.link, said.guids, said.reason, fetched=said.fetched)
            )
        self._no_pages.clear()
