"""A run's moves that no guid tells: a link an archived article moved away from, handed
to the new article listed there (look 16 F5), and a site migration that gave every
article a new guid and a new link (look 16 F18); and the moves a guid tells only with
the old link's word: a daily column's constant guid, title and teaser (look16c F8); and
an article handed over from the feed it was given up for to another that carries its
text (look 16 F7)."""

from __future__ import annotations

import logging
from dataclasses import replace

from rssarchive.core import decide
from rssarchive.core.errors import FetchError
from rssarchive.core.models import Entry, FeedConfig, Response, Selectors
from rssarchive.run.jobs import _substantial
from rssarchive.run.report import FeedResult
from rssarchive.run.runbase import _Base
from rssarchive.store.state import GuidOwner

log = logging.getLogger(__name__)


class _Moves(_Base):
    """Moves of archived articles that their guid does not tell (see the module)."""

    def _handed_over(
        self,
        feed: FeedConfig,
        entry: Entry,
        article_id: int,
        url_key: str,
        guid_key: str,
        archived: tuple[str, str | None, decide.MovedTo | None],
        result: FeedResult,
    ) -> bool:
        """Whether the link of the archived article ``article_id`` goes to the new
        article this item is (decide.hands_over: the article moved away by its guid, and
        the item's guid is another; look 16 F5). Then the article is known by the link
        it moved to from now on, its post rewritten to name it first (its ``from:`` is
        what a state rebuilt from the posts knows it by), and the link is free: said.
        ``archived``: the article's URL, guid and move (State.archived_identity)."""
        if self._landing_freed(entry, article_id, url_key, guid_key, archived[:2], result):
            return True
        moved = archived[2]
        if moved is None or not decide.asks_moved_to(guid_key, archived[1]):
            return False
        seen = self.state.guid_seen(guid_key, feed.name)
        names_it = seen is not None and seen.article_id == article_id
        if not decide.hands_over(url_key, guid_key, feed.name, moved, guid_names_it=names_it):
            return False
        assert moved is not None
        result.warnings.append(
            f"{entry.link}: the archived {archived[0]} moved to {moved.link}; this link is "
            "another article's now"
        )
        if not decide.records(dry_run=self.dry_run):
            return True
        if decide.rewrites_post(self.state.url_key_of(article_id), url_key):
            from rssarchive.publish.render import relinked_post

            name = self.state.filename_of(article_id)
            text = None if name is None else self.archive.read(name)
            relinked = None if text is None else relinked_post(text, moved.link)
            if name is not None and relinked is not None:
                self.archive.write(name, relinked)
        self.state.hand_over(article_id, url_key, moved.key, moved.link)
        return True

    def _alias_handed_over(
        self,
        entry: Entry,
        article_id: int,
        url_key: str,
        guid_key: str | None,
        result: FeedResult,
        listed: frozenset[str] = frozenset(),
    ) -> bool:
        """Whether the link ``url_key``, only an alias of the archived article
        ``article_id`` (its page's canonical URL, where its redirects ended), goes to
        this item, another article by its title, date or guid, or by the article listed
        at its own link in the same document (``listed``, its URL keys)
        (decide.alias_contradicted, look16d F1, look16e F2): the alias is dropped, said.
        Asked only for a link that is not the article's own (decide.asks_alias_of): its
        post and guid are read then."""
        if self._judged.get(url_key) == article_id:
            return False
        if self.state.meta_value(decide.judged_alias(url_key)) == str(article_id):
            return False
        row = self.state.url_and_guid(article_id)
        archived = self._post_shown(self.state.filename_of(article_id))
        item = decide.Shown(entry.title, entry.published)
        own_listed = row is not None and decide.link_key(row[0]) in listed
        named = self.state.meta_value(decide.canonical_alias(url_key)) == str(article_id)
        archived_guid = None if row is None else row[1]
        why = decide.alias_contradicted(
            guid_key, item, archived_guid, archived, own_listed=own_listed, named_canonical=named
        )
        if why is None:
            return False
        said = decide.alias_said(entry.link or "", "" if row is None else row[0], why)
        return self._alias_dropped(article_id, url_key, said, result)

    def _alias_dropped(self, article_id: int, url_key: str, said: str, result: FeedResult) -> bool:
        """The link ``url_key``, an alias of the archived ``article_id``, goes to the item
        now: said, and (in a run that records) only the alias leaves the article."""
        result.warnings.append(said)
        if decide.records(dry_run=self.dry_run):
            self.state.hand_over(article_id, url_key, "", "")
        return True

    def _landing_freed(
        self,
        entry: Entry,
        article_id: int,
        url_key: str,
        guid_key: str,
        archived: tuple[str, str | None],
        result: FeedResult,
    ) -> bool:
        """Whether the link ``url_key``, where a temporary redirect once took the page of
        the archived article ``article_id``, goes to this item, a new article
        (decide.frees_landing, look 16 F10): the alias is dropped, said."""
        mark = decide.temporary_landing(url_key)
        # The mark is read only when the guids differ: not on every known item.
        landed_for = (
            self.state.meta_value(mark) if decide.asks_taken_said(guid_key, archived[1]) else None
        )
        # Its post's title, read only for a link a temporary redirect took it to (fixF).
        theirs = (
            self._post_shown(self.state.filename_of(article_id))
            if landed_for == str(article_id)
            else None
        )
        titles = (entry.title, None if theirs is None else theirs.title)
        dates = (entry.published, None if theirs is None or not theirs.dated else theirs.published)
        if not decide.frees_landing(
            guid_key, archived[1], article_id, landed_for, titles=titles, dates=dates
        ):
            if theirs is not None and decide.landed_story(titles, dates):
                # Judged that article by its title and day: the alias rule, which wants
                # the exact title and the same second, is not asked of it (look16f s06).
                self._judged[url_key] = article_id
            return False
        said = (
            f"{entry.link}: the archived {archived[0]} was only sent to this page by a temporary"
            " redirect; this link is another article's"
        )
        return self._alias_dropped(article_id, url_key, said, result)

    def _migrated(
        self,
        feed: FeedConfig,
        entry: Entry,
        url_key: str,
        item: decide.Shown,
        listed: frozenset[str],
        result: FeedResult,
    ) -> GuidOwner | None:
        """The archived article of this feed that an item with a new guid at a new link
        is after a site migration (decide.migration_checks): its title, date and text
        exactly, else the one whose old link now redirects permanently to the item's
        (fetched, a candidate at a time). Followed as a move, said; None: a new article."""
        rows = self.state.migration_candidates(feed.name, entry.title, decide.MIGRATION_CANDIDATES)
        candidates = [c for _, c in rows]
        exact, checks = decide.migration_checks(item, candidates, listed)
        if exact is not None and self._old_link_belies(url_key, entry, exact.url, feed.selectors):
            # Its old link still answers with its own page: another article of that title,
            # date and text (a recurring "Newscast"; look16i I1). A redirect may still tell.
            rest = [c for c in candidates if c.id != exact.id]
            exact, checks = None, decide.migration_checks(item, rest, listed)[1]
        found, why = exact, "the same title, date and text under a new guid and link"
        for candidate in checks:
            if self._redirects_to(url_key, candidate.url):
                found, why = candidate, "its old link redirects here permanently"
                break
        if found is None:
            return None
        guid = next(g for g, c in rows if c.id == found.id)
        owner = next(o for o in self.state.guid_owners(guid) if o.id == found.id)
        said = (
            f"is taken for the archived {owner.url} (a site migration: {why}); not archived again"
        )
        # Said once per article, as a move by guid is (decide.move_said; look16f s19):
        # links and guids that change on every fetch find it again on every run.
        strong = owner.status == decide.ARTICLE_STANDING.done
        mark = decide.moved_mark(owner.id)
        before = decide.asks_said_before(strong, True) and decide.moved_said_for(
            self.state.meta_value(mark), url_key
        )
        told = decide.move_said(strong, True, before)
        item_guid = decide.guid_key(entry.guid)
        writes = decide.records(dry_run=self.dry_run)
        if told == "logged":
            log.info("%s %s", entry.link, said)
        else:
            result.warnings.append(f"{entry.link} {said}")
        if told == "said once" and writes:
            self.state.set_meta({mark: url_key})  # the link it was said for
        if writes and entry.link is not None and item_guid is not None:
            self.state.alias(url_key, owner.id)  # its new link is known from now on
            self.state.mark_moved(
                owner.id, decide.MovedTo(feed.name, item_guid, url_key, entry.link)
            )
            # Its new guid is not its recorded one: explained here, not said again.
            self.state.set_meta({decide.taken_mark(owner.id, item_guid): "1"})
        return owner

    def _slug_moved(
        self,
        feed: FeedConfig,
        entry: Entry,
        url_key: str,
        listed: frozenset[str],
        result: FeedResult,
    ) -> bool:
        """Whether a new guid-less item is an archived article of its feed whose link
        changed (a slug renamed, look16f s08): one of its title (its post's) that this
        document does not list, whose old link now redirects permanently to the item's
        (fetched, a candidate at a time: decide.migration_checks, as a site migration is
        found; no guid to find it by, so its post's file name finds it). Its new link is
        an alias of it from then on: said once."""
        from rssarchive.publish.render import title_part  # sanitize, lxml: not for a no-op

        part = title_part(entry.title)
        rows = self.state.posts_titled(feed.name, part, decide.MIGRATION_CANDIDATES) if part else []
        candidates = [
            decide.Candidate(article_id, url, keys, shown)
            for filename, article_id, url, keys in rows
            if (shown := self._post_shown(filename)) is not None
        ]
        item = decide.Shown(entry.title, entry.published)  # no text: a post holds none
        checks = decide.slug_checks(item, candidates, listed) if candidates else []
        found = next((c for c in checks if self._redirects_to(url_key, c.url)), None)
        if found is None:
            # No redirect to tell: its title, second and whole text may (look16h H1).
            return bool(candidates) and self._site_moved(
                feed, entry, url_key, candidates, listed, result
            )
        result.warnings.append(
            f"{entry.link} is taken for the archived {found.url} (its link changed: its old"
            " link redirects here permanently); not archived again"
        )
        if decide.records(dry_run=self.dry_run):
            self.state.alias(url_key, found.id)  # its new link is known from now on
        result.skipped += 1
        return True

    def _site_moved(
        self,
        feed: FeedConfig,
        entry: Entry,
        url_key: str,
        candidates: list[decide.Candidate],
        listed: frozenset[str],
        result: FeedResult,
    ) -> bool:
        """Whether a new guid-less item is one of ``candidates`` (its feed's archived
        articles of its title) at a new link of its site, by its title, date to the
        second and whole text (decide.site_moved, look16h H1: ``www.`` dropped, both
        hosts serving; a slug renamed, its old link 404: no redirect to tell). Its new
        link is an alias of it from then on; said once per article, as a site migration
        with guids is."""
        from rssarchive.core.identity import text_plain
        from rssarchive.core.sanitize import sanitize_html  # not for a no-op run

        # The item's text as its post would hold it: the sanitizing policy drops a
        # script's or a style's source (an AdSense unit, a block theme's CSS), which the
        # post's text, compared word for word, never holds (look16i I10).
        text = sanitize_html(entry.content) if entry.content else None
        item = decide.Shown(entry.title, entry.published, plain=text_plain(text))
        found = decide.site_moved(item, entry.link or "", candidates, listed)
        while (
            found is not None
            and not decide.listed_as_another(found, listed)
            and self._old_link_belies(url_key, entry, found.url, feed.selectors)
        ):
            # Its old link still answers with its own page: another article (look16i I1).
            candidates = [c for c in candidates if c.id != found.id]
            found = decide.site_moved(item, entry.link or "", candidates, listed)
        if found is None:
            return False
        said = decide.site_moved_said(entry.link or "", found.url)
        mark = decide.moved_mark(found.id)  # one move said once, as _migrated says it
        before = decide.asks_said_before(True, True) and decide.moved_said_for(
            self.state.meta_value(mark), url_key
        )
        told = decide.move_said(True, True, before)
        writes = decide.records(dry_run=self.dry_run)
        if told == "logged":
            log.info("%s", said)
        else:
            result.warnings.append(said)
        if writes:
            if told == "said once":
                self.state.set_meta({mark: url_key})  # the link it was said for
            self.state.alias(url_key, found.id)  # its new link is known from now on
        result.skipped += 1
        return True

    def _redirect_moved(
        self, url_key: str, guid_key: str, answer: decide.ByGuid, owner: GuidOwner | None
    ) -> decide.ByGuid:
        """by_guid's ``answer``, or a move when it lacked only evidence that a redirect
        gives (decide.asks_redirect_evidence): the archived article's old link now ends
        here by permanent redirects (look 16 F17)."""
        if owner is None or not decide.asks_redirect_evidence(answer.kind, answer.why):
            return answer
        if not self._redirects_to(url_key, owner.url):
            return answer
        return decide.ByGuid("moved", guid_key, owner.id, "its old link redirects here permanently")

    def _old_link_moved(
        self,
        url_key: str,
        entry: Entry,
        answer: decide.ByGuid,
        owner: GuidOwner | None,
        selectors: Selectors | None,
    ) -> decide.ByGuid:
        """by_guid's ``answer``, or a new article when a move on evidence a daily column
        has too (decide.asks_old_link) is belied by the archived article's old link: it
        still answers 200 at its own URL, with another page than the item's link
        (decide.old_link_moved, look16c F8), not one that holds no article (a "not
        found" page, a wall: read as archiving reads pages, with ``selectors``, the
        feed's; look16e F10)."""
        from rssarchive.core.identity import OLD_LINK_ANSWERS

        archived = owner is not None and owner.status == decide.ARTICLE_STANDING.done
        if owner is None or not decide.asks_old_link(answer.kind, answer.why, archived=archived):
            return answer
        why = self._old_link_says(url_key, entry, owner.url, answer.why, selectors)
        if why is None:
            return decide.ByGuid("reused", None, owner.id, OLD_LINK_ANSWERS)
        return replace(answer, why=why)

    def _old_link_belies(
        self, url_key: str, entry: Entry, old_url: str, selectors: Selectors | None
    ) -> bool:
        """Whether a move that no guid tells (the same title, date to the second and
        text: a site migration) is belied by the archived article's old link: it still
        answers 200 at its own URL with another page than the item's link, an article's
        (decide.old_link_moved, as a daily column's move by guid is judged). A 404, a
        redirect, a failure, or the item's own page there (``www.`` and the bare host
        both serving it) leave the move standing (look16i I1)."""
        return self._old_link_says(url_key, entry, old_url, "", selectors) is None

    def _old_link_says(
        self, url_key: str, entry: Entry, old_url: str, why: str, selectors: Selectors | None
    ) -> str | None:
        """What a move (on ``why``) rests on by what the archived article's old link
        ``old_url`` answers now (decide.old_link_moved); None: it is no move."""
        old_key = decide.link_key(old_url) or ""
        response = self._answer_of(old_url)
        final = None if response is None else decide.link_key(response.url)
        no_article = None
        if response is not None and decide.asks_old_page(old_key, final):
            no_article = self._no_article(response, entry.title, selectors)
        same = None
        if response is not None and decide.asks_new_page(old_key, final, no_article=no_article):
            same = decide.same_pages(_text_key(response), self._page_of(entry.link or "")[1])
        return decide.old_link_moved(
            url_key, old_key, final, same_page=same, why=why, no_article=no_article
        )

    def _answer_of(self, url: str) -> Response | None:
        """The 200 ``url`` answers (after its redirects); None: none."""
        try:
            return self.client.get(url)
        except FetchError:
            return None

    def _page_of(self, url: str) -> tuple[str | None, str | None]:
        """The URL key a 200 for ``url`` came from (after its redirects) and its page's
        text (identity.text_key); (None, None): no 200."""
        response = self._answer_of(url)
        if response is None:
            return None, None
        return decide.link_key(response.url), _text_key(response)

    def _no_article(
        self, response: Response, title: str | None, selectors: Selectors | None
    ) -> str | None:
        """Why the page of a 200 holds no article, read as archiving reads a page (its
        extraction's walls.page_signs, judged by decide.not_the_article against the
        item's ``title``), else None. An extraction that read the page and found no
        article is one too; one that could not run says nothing."""
        from rssarchive.core.errors import ExtractError
        from rssarchive.core.recheck_page import extraction_read
        from rssarchive.run.working import _title_shown

        try:
            article = self._extractor(1).extract(
                response.content, response.url, selectors, response.headers.get("content-type")
            )
        except ExtractError as exc:
            return (
                f"its page holds no article ({exc.reason})" if extraction_read(exc.reason) else None
            )
        shown = _title_shown(Entry(title or "", response.url), article)
        return decide.not_the_article(article.signs, title_shown=shown)

    def _redirects_to(self, url_key: str, old_url: str) -> bool:
        """Whether an archived article's old link now ends, by permanent redirects only,
        at ``url_key`` (a failure to fetch it is no evidence)."""
        try:
            response = self.client.get(old_url)
        except FetchError:
            return False
        statuses = [status for status, _ in response.redirects]
        final = decide.link_key(response.url) or ""
        return decide.migrated_by_redirect(url_key, decide.link_key(old_url) or "", final, statuses)

    def _takes_over(
        self, feed: FeedConfig, entry: Entry, article_id: int, status: str, result: FeedResult
    ) -> bool:
        """Whether this feed's item takes on an article given up for another feed, from
        the text it carries (decide.takes_over_given_up, look 16 F7); said when so."""
        if not decide.asks_given_up_feed(entry.origin, status, entry.content, dry_run=self.dry_run):
            return False
        given_up_for = self.state.feed_of(article_id)
        substantial = decide.asks_substantial(feed.content, entry.content) and _substantial(
            entry.content or "", entry.link
        )
        if not decide.takes_over_given_up(
            given_up_for, feed.name, feed.content, entry.content, substantial=substantial
        ):
            return False
        result.warnings.append(
            f"{entry.link}: its page was given up for feed {given_up_for}; archived from "
            "this feed's text"
        )
        return True


def _text_key(response: Response) -> str | None:
    """The text of a 200's page, as identity.text_key compares pages."""
    from rssarchive.core.encodings import decode_page
    from rssarchive.core.htmltext import html_to_text
    from rssarchive.core.identity import text_key

    page = decode_page(response.content, response.headers.get("content-type"))
    return text_key(html_to_text(page))
