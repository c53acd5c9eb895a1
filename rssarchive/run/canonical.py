"""A page that names an archived article's URL as its canonical one (``<link
rel="canonical">``: an AMP copy, a ``?ref=`` or ``/index.html`` URL of it; look 16c F3):
that article, not archived again, as a page a permanent redirect took there is
(decide.canonical_key, decide.by_canonical). A page written names its canonical URL as
an address of its article too, so that the article's other URLs, later in the run or in
later runs, are found."""

from __future__ import annotations

from dataclasses import replace

from rssarchive.core import decide
from rssarchive.run.jobs import _Job, _Staged
from rssarchive.run.landing import _Landing


class _Canonical(_Landing):
    """Pages identified by their rel=canonical (see the module)."""

    def _canonical_key(self, job: _Job, keys: list[str]) -> str | None:
        """The canonical URL key of a job's page when it is evidence (decide.canonical_key);
        never for a page a temporary redirect took elsewhere (that page's canonical is
        its own, a login's or a maintenance page's)."""
        if job.canonical is None or self._how(job, keys) == "temporary":
            return None
        key = decide.canonical_key(job.page_url or keys[0], job.canonical)
        # A canonical URL its feed lists as another item is no address of this one
        # (an explainer naming its story's URL; look16d X4): the page is its own.
        return None if key is None or self._points_at_listed(job, keys[0], key) else key

    def _canonical_elsewhere(self, job: _Job, keys: list[str], staged: _Staged) -> bool:
        """Whether a page is not written because its canonical URL is an article archived
        already (or placed earlier in the run): then its link is an alias of that
        article, said. A canonical URL that different items of the run name is none of
        theirs: the article placed under it earlier is no longer known by it."""
        key = self._canonical_key(job, keys)
        if key is None:
            return False
        title = job.entry.title or job.headline or ""
        named = self._canonicals.setdefault(key, [])
        named.append((key, decide.guid_key(job.entry.guid), title))
        crowded = key in decide.crowded(named)
        placed = self._canonical_placed.get(key)
        if crowded and placed is not None:  # no evidence after all: no longer its alias
            del self._canonical_placed[key]
            del self._placed[key]
            self.state.unalias(key, placed)
        own = key in keys
        if own:  # it names its own URL: an article another URL's page named it for?
            other = self._canonical_placed.get(key)
        else:
            archived_as = (
                self.state.archived_as([key], job.article_id)
                if decide.asks_archived_as(job.article_id, [key], self._placed)
                else None
            )
            other = decide.archived_elsewhere(job.article_id, [key], self._placed, archived_as)
        # Compared as a permanent redirect's target is, by title and date (the page's own
        # title when the item has none: a URL handed to backfill), not by guid: the
        # feeds that list one article under its AMP and its canonical URLs give it
        # their own guids (identity by guid is per feed), and the page itself says
        # which article it is.
        titled = replace(job, entry=replace(job.entry, title=title, guid=None))
        contradiction = None if other is None else self._contradiction(titled, other)
        verdict = decide.by_canonical(other, crowded=crowded, contradiction=contradiction)
        if verdict == "write":
            if crowded or other is not None:
                job.canonical = None  # not an address of the article written
            return False
        assert other is not None
        link = job.entry.link or ""
        self.archive.discard(staged.temp)
        self.state.forget(job.article_id)
        self.state.alias(keys[0], other)
        job.result.skipped += 1
        name = self.state.filename_of(other)
        told = decide.canonical_told(job.entry.origin, post_named=name is not None)
        if told == "archived already" and name is not None:
            job.result.archived.append((link, name))
        elif own:
            row = self.state.url_and_guid(other)
            said = decide.named_canonical_said(link, "" if row is None else row[0])
            job.result.warnings.append(said)
        else:
            job.result.warnings.append(decide.canonical_said(link, job.canonical or key))
        return True

    def _place_canonical(self, job: _Job, keys: list[str]) -> None:
        """Know a written page's article by its canonical URL too (in the run, and in
        the state as an alias), unless an article is archived there already. An item
        not archived yet at that URL (another feed's, whose page comes later in the run,
        or waits for a retry) is then this article when its page is in (_landing)."""
        key = self._canonical_key(job, keys)
        if key is None or key in keys or key in self._placed:
            return
        if self.state.archived_as([key], job.article_id) is not None:
            return
        self._placed[key] = self._canonical_placed[key] = job.article_id
        self.state.alias(key, job.article_id)
        # Where the alias came from, for a later item listed at it (alias_contradicted).
        self.state.set_meta({decide.canonical_alias(key): str(job.article_id)})
