"""Where an item's page ended, when a redirect took it elsewhere: its post, an article
archived already, or no article's page (a maintenance, login or consent page, a site's
home page): a failed attempt, tried again later (decide.landed), unless the page shows
the archived article it landed on to be the item (look16c F11). Pages that a temporary
redirect took elsewhere are held until every page of the run is in, so that different
items sent to one page are all seen (decide.crowded)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from rssarchive.core import decide
from rssarchive.core.errors import FetchError, RssArchiveError
from rssarchive.run.jobs import _Job, _Staged
from rssarchive.run.recording import _Recording


class _Landing(_Recording):
    """Where an item's page ended, when a redirect took it elsewhere (decide.landed)."""

    def _failed(self, job: _Job, link: str, exc: RssArchiveError) -> None:
        raise NotImplementedError  # _Working's

    def _place(
        self, job: _Job, staged: _Staged, keys: list[str], written: list[tuple[_Job, str]]
    ) -> None:
        raise NotImplementedError  # _Working's

    def _landed_elsewhere(self, job: _Job, keys: list[str], staged: _Staged) -> bool:
        """Whether a page is not written now: held (a temporary redirect took it to
        another URL: decided with the run's others, _land_held), an article archived
        already, or no article's page (a failed attempt). False: it is written."""
        how = self._how(job, keys)
        if how == "temporary":
            # Its text is on disk (staged.temp): not kept in memory while it waits.
            self._held.append((job, replace(staged, post=replace(staged.post, text=""))))
            return True
        return self._landing(job, keys, staged, how, crowded=False)

    def _land_held(self, written: list[tuple[_Job, str]]) -> None:
        """Place or fail the pages held by _landed_elsewhere, now that the run's pages
        are all in: different items sent to one page are none of them (decide.crowded)."""
        held, self._held[:] = list(self._held), []
        pages = [
            (job, staged, decide.page_keys(job.entry.link or "", job.page_url))
            for job, staged in held
        ]
        landings = [
            (keys[-1], decide.guid_key(job.entry.guid), job.entry.title) for job, _, keys in pages
        ]
        crowd = decide.crowded(landings)
        # A crowded page that shows one item's title is that item's (look16d F9): it
        # goes first, so that the others find it placed and are taken for it.
        owners = decide.crowd_owners(landings, [job.headline for job, _, _ in pages])
        order = sorted(range(len(pages)), key=lambda i: owners.get(landings[i][0]) != i)
        for i in order:
            job, staged, keys = pages[i]
            owner = owners.get(keys[-1], i) if keys[-1] in crowd else i
            owned = owner != i and keys[-1] in self._placed  # its owner's post is there
            if owned and self._crowd_contradicted(job, pages[owner][0]):
                # Its guid, title and date are another's (look16e F8): tried on its own
                # evidence (landing_shares), so a misrouted tracker is tried again.
                owned, owner = False, i
            same_as = decide.crowd_said(pages[owner][0].entry.title or "") if owned else None
            crowded = (keys[-1] in crowd and keys[-1] not in owners) or (owner != i and not owned)
            if self._points_at_listed(job, keys[0], keys[-1]):
                # Said, and tried again: the page may be the item's own later.
                self._another_items_page(job, staged, "a temporary redirect took its page to")
            elif not self._landing(
                job, keys, staged, "temporary", crowded=crowded, written=written, same_as=same_as
            ):
                self._place(job, staged, keys, written)
                if (alias := decide.alias_key(keys)) is not None:
                    # Where it is for now, no identity: a later item there may take it.
                    self.state.set_meta({decide.temporary_landing(alias): str(job.article_id)})

    @staticmethod
    def _crowd_contradicted(job: _Job, owner: _Job) -> bool:
        """Whether an item is not the article of ``owner``, the item of the run whose
        page its temporary redirect reached (decide.crowd_contradicted)."""
        return decide.crowd_contradicted(
            decide.guid_key(job.entry.guid),
            decide.Shown(job.entry.title, job.entry.published),
            decide.guid_key(owner.entry.guid),
            decide.Shown(owner.entry.title, owner.entry.published),
        )

    def _another_items_page(self, job: _Job, staged: _Staged, how: str) -> None:
        """Fail an item whose page (``how`` it got there) is one its feed document
        lists as another item: a failed attempt, said, tried again later."""
        link = job.entry.link or ""
        self.archive.discard(staged.temp)
        why = (
            f"{how} {job.page_url}, which its feed lists as another item; not archived as that page"
        )
        self._failed(job, link, FetchError(link, why))

    @staticmethod
    def _points_at_listed(job: _Job, own: str, target: str) -> bool:
        """Whether an item's page led (a redirect, its rel=canonical) to ``target``, a
        link its feed document lists as another item (decide.landed_on_listed)."""
        listed = job.listed.items if isinstance(job.listed, decide.Listing) else {}
        return decide.landed_on_listed(
            own, target, job.entry.title, decide.guid_key(job.entry.guid), listed
        )

    @staticmethod
    def _how(job: _Job, keys: list[str]) -> decide.Redirected:
        """How the page came to where it ended (decide.redirected)."""
        statuses = [status for status, _ in job.redirects]
        feed_text = job.feed_text_because is not None
        return decide.redirected(keys[0], keys[-1], statuses, feed_text=feed_text)

    def _landing(
        self,
        job: _Job,
        keys: list[str],
        staged: _Staged,
        how: decide.Redirected,
        *,
        crowded: bool,
        written: Sequence[tuple[_Job, str]] = (),
        same_as: str | None = None,
    ) -> bool:
        """Carry out decide.landed: False when the page is written; else it is an
        article archived already (not written, its link an alias of it, said), or no
        article's page (a failed attempt, said). ``written``: the run's posts placed and
        not settled yet (a held page may have landed on one). ``same_as``: what shows
        the page placed there to be the item's (decide.crowd_said), else it is read."""
        if how == "permanent" and self._points_at_listed(job, keys[0], keys[-1]):
            # Its page is another item's of its feed (look16d H5): not this one's text.
            self._another_items_page(job, staged, "its link redirects permanently to")
            return True
        # The state is asked only when this run placed no other article there.
        archived_as = (
            self.state.archived_as(keys, job.article_id)
            if decide.asks_archived_as(job.article_id, keys, self._placed)
            else None
        )
        other = decide.archived_elsewhere(job.article_id, keys, self._placed, archived_as)
        contradiction = (
            self._contradiction(job, other) if decide.asks_other_shown(other, how) else None
        )
        same = (
            self._landing_shares(job, staged, self._post_name(other, written))
            if same_as is None and decide.asks_landing_evidence(other, how)
            else same_as
        )
        from rssarchive.core.identity import is_site_root

        landing = decide.landed(
            how=how,
            page_url=job.page_url,
            home=is_site_root(keys[-1]),
            crowded=crowded,
            other=other,
            contradiction=contradiction,
            same=same,
        )
        # A page that shows another article is not this item's text (fixF).
        page = decide.Shown(job.headline, job.page_date)
        shows = decide.page_shows_another(
            decide.Shown(job.entry.title, job.entry.published),
            page,
            job.heading,
            shares_teaser=how == "temporary" and self._shares_teaser(job, staged),
        )
        mark = None
        if shows is not None and landing.kind == "write":
            now = self.clock()
            last = self._last_attempt(job.article_id, now)
            mark, landed_as = self._landed_text(job, staged) if last else (None, None)
            landing = decide.landed_shown(
                landing, how, job.page_url, shows, last=last, archived_as=landed_as
            )
        if landing.kind == "write":
            if landing.why:  # written against a judgement: said (decide.landed_shown)
                job.result.warnings.append(f"{job.entry.link or ''}: {landing.why}")
                if mark is not None and decide.records(dry_run=self.dry_run):
                    self.state.set_meta({mark: job.entry.link or job.page_url})
            return False
        link = job.entry.link or ""
        self.archive.discard(staged.temp)
        if landing.kind == "retry":
            self._failed(job, link, FetchError(link, landing.why))
            return True
        assert landing.other is not None
        self.state.forget(job.article_id)
        self.state.alias(keys[0], landing.other)
        job.result.skipped += 1
        if how == "temporary":
            # Judged by the item, not the page: a later listing there is this article.
            self.state.set_meta({decide.judged_alias(keys[0]): str(landing.other)})
            self._taken_on_evidence(
                job, landing.other, self._post_name(landing.other, written), landing.why
            )
            return True
        # Said, not logged: an item taken for another article is a loss if wrong.
        job.result.warnings.append(
            f"{link}: its page is {job.page_url}, an article archived already"
            " under another link; not archived again"
        )
        return True

    def _landed_text(self, job: _Job, staged: _Staged) -> tuple[str | None, str | None]:
        """The landed_text mark of a page written as it is on its item's last attempt
        (None: no text), and the post (its URL) another item wrote so with that text."""
        from rssarchive.core.identity import text_key
        from rssarchive.core.postformat import parse

        try:  # a held page's text is on disk only (_landed_elsewhere)
            text = staged.post.text or staged.temp.read_text("utf-8")
        except OSError:
            return None, None
        digest = text_key(parse(text).article)
        if digest is None:
            return None, None
        mark = decide.landed_text(digest)
        theirs = self.state.meta_value(mark)
        return mark, None if theirs == (job.entry.link or job.page_url) else theirs

    def _post_name(self, article_id: int | None, written: Sequence[tuple[_Job, str]]) -> str | None:
        """The post of an article archived already: placed by this run, else the state's."""
        if article_id is None:
            return None
        name = next((n for j, n in written if j.article_id == article_id), None)
        return name if name is not None else self.state.filename_of(article_id)

    def _taken_on_evidence(self, job: _Job, other: int, name: str | None, shares: str) -> None:
        """Tell that an item a temporary redirect took to the archived article ``other``
        (its post ``name``) is that article, by ``shares`` (decide.landing_said; look16c
        F11)."""
        link = job.entry.link or ""
        if decide.landing_said(job.entry.origin) == "archived already" and name is not None:
            job.result.archived.append((link, name))
            return
        job.result.warnings.append(
            f"{link}: a temporary redirect took its page to {job.page_url}, an article"
            f" archived already ({shares}); taken for it, not archived again"
        )
        if (guid := decide.guid_key(job.entry.guid)) is not None:
            # Its guid is not the article's: explained here, not said again by later runs.
            self.state.set_meta({decide.taken_mark(other, guid): "1"})

    def _shares_teaser(self, job: _Job, staged: _Staged) -> bool:
        """Whether the page a tracker took the item to holds its feed text (look16g F4)."""
        from rssarchive.core.htmltext import html_to_text
        from rssarchive.core.postformat import parse

        teaser = html_to_text(job.entry.content) if job.entry.content else None
        return decide.shares_teaser(teaser, parse(staged.temp.read_text(encoding="utf-8")).body)

    def _landing_shares(self, job: _Job, staged: _Staged, name: str | None) -> str | None:
        """What shows the archived article (its post ``name``) a temporary redirect
        took the item's page to to be the item (decide.landing_shares): its post's
        title, date and text, against the item's and its page's (the staged post)."""
        from rssarchive.core import postformat
        from rssarchive.core.identity import post_says_its_date, post_title_and_date, text_key

        def shown(text: str | None) -> decide.Shown | None:
            if text is None:
                return None
            title, published = post_title_and_date(text)
            body = text_key(postformat.parse(text).body)
            return decide.Shown(title, published, body, dated=post_says_its_date(text))

        try:
            page = shown(staged.temp.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            page = None
        theirs = shown(None if name is None else self.archive.read(name))
        if page is None:
            return None
        item = decide.Shown(job.entry.title, job.entry.published)
        return decide.landing_shares(item, page, theirs)

    def _contradiction(self, job: _Job, other: int | None) -> str | None:
        """What says the item is not ``other``, the archived article a permanent
        redirect took its page to (decide.redirect_contradicts): its guid, and its
        entry's title and date while not settled, else its post's."""
        assert other is not None
        row = self.state.url_and_guid(other)
        entry = self.state.entry_of(other)
        shown = (
            decide.Shown(entry.title, entry.published)
            if entry is not None
            else self._post_shown(self.state.filename_of(other))
        )
        item = decide.Shown(job.entry.title, job.entry.published)
        return decide.redirect_contradicts(
            decide.guid_key(job.entry.guid), item, None if row is None else row[1], shown
        )
