"""Recording a feed document's entries as pending articles: which are new, which are
known (by link, or by guid: identity.py), and what their guids are worth."""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from rssarchive.core import decide
from rssarchive.core.models import ContentMode, Entry, FeedConfig, Origin
from rssarchive.run.jobs import (
    _item_name,
    _Job,
    _owner,
    _permalinked,
    _shared_guids,
    _substantial,
    _without_shared_guids,
)
from rssarchive.run.printing import date_note_line
from rssarchive.run.report import FeedResult
from rssarchive.run.samepage import _SamePage, without_per_fetch
from rssarchive.store.state import GuidOwner, GuidSeen

if TYPE_CHECKING:
    from rssarchive.sources.feeds import ParsedFeed

log = logging.getLogger(__name__)


class _Recording(_SamePage):
    """Recording a feed document's entries as pending articles: which are new, which are
    known (by link, or by guid: identity.py), and what their guids are worth."""

    def _identified(
        self, entries: Sequence[Entry], result: FeedResult
    ) -> tuple[list[Entry], frozenset[str]]:
        """The entries of one feed document without the guids its items share (see
        _without_shared_guids; such a guid is recorded as reused: it identifies nothing
        from now on), and the URL keys of all the links it lists. Items that share a
        link, each with its own permalink guid, are at their permalinks."""
        entries = _permalinked(without_per_fetch(entries, self.clock()), self.state.no_pages)
        shared = _shared_guids(entries, result)
        if shared and decide.records(dry_run=self.dry_run):
            for guid in sorted(shared):
                self.state.reuse_guid(guid)
        shared |= self._site_root_guids(entries, result)
        kept = _without_shared_guids(entries, result, shared)
        at: dict[str, list[tuple[str | None, decide.Shown]]] = {}
        for e in kept:
            if (key := decide.link_key(e.link)) is not None:
                at.setdefault(key, []).append(
                    (decide.guid_key(e.guid), decide.Shown(e.title, e.published))
                )
        return kept, decide.Listing(at)

    def _site_root_guids(self, entries: Sequence[Entry], result: FeedResult) -> set[str]:
        """The guids of one feed document that are a site's own address (its home
        page, identity.is_site_root): they name the site, not an article, so they
        identify nothing from the start; recorded as reused, said once."""
        roots = decide.site_root_guids([entry.guid for entry in entries])
        for guid in sorted(roots):
            told = decide.site_root_guid(self.state.guid_reused(guid), dry_run=self.dry_run)
            if told.says:
                result.warnings.append(
                    f"the guid {roots[guid]!r} is a site's address, not an article's; "
                    "items are identified by their links"
                )
            if told.records:
                self.state.reuse_guid(guid)
        return set(roots)

    def _begin(
        self,
        feed: FeedConfig,
        entry: Entry,
        result: FeedResult,
        *,
        mode: ContentMode,
        listed: frozenset[str] = frozenset(),
        before: Sequence[str] = (),
    ) -> _Job | None:
        """Record a new entry as pending and return its job; None when it is known.
        ``before``: the links its relative link named before its feed moved."""
        article_id = self._record(feed, entry, result, listed=listed, before=before)
        return (
            None
            if article_id is None
            else _Job(feed, entry, mode, result, article_id, listed=listed)
        )

    def _record(
        self,
        feed: FeedConfig,
        entry: Entry,
        result: FeedResult,
        *,
        again: bool = False,
        listed: frozenset[str] = frozenset(),
        before: Sequence[str] = (),
    ) -> int | None:
        """Record a new entry as pending and return its id; None when it is known (or
        the run is a dry run). ``again``: an article that failed for good is tried once
        more (a URL someone hands to backfill again). ``listed``: the URL keys of the
        feed document the entry is from (see _by_guid). ``before``: the links a moved
        feed's relative link named before the move (_before_move).

        An entry whose article is pending is neither new nor skipped here: this run
        resumes it (the pending rows are its jobs already, see _prepare), or it waits
        for a server's Retry-After; either way it is not "archived already"."""
        if decide.unusable_link(entry.link):
            result.warnings.append(f"{_item_name(entry)} has no usable link; skipped")
            result.skipped += 1
            return None
        link, url_key = entry.link, decide.link_key(entry.link)
        assert link is not None and url_key is not None
        guid_key = item_guid = decide.guid_key(entry.guid)
        # Its key (or its other host name's, www.), taken on (or listed) once already.
        url_key, listed_twice, found = self._known_as(entry, url_key, result)
        known, aliased = (None, False) if found is None else (found[:2], found[2])
        if known is not None and self._retaken(feed, entry, known, url_key, guid_key, result):
            return known[0]
        status, adoptable = None if known is None else known[1], url_key in self._adoptable
        # Read only when the answer depends on it: a run's known items read no post.
        post_gone = (
            known is not None
            and decide.asks_post_gone(
                status, listed_twice=listed_twice, again=again, adoptable=adoptable
            )
            and self._post_gone(known[0])
        )
        is_known = decide.known_link(
            status,
            listed_twice=listed_twice,
            again=again,
            adoptable=adoptable,
            has_guid=guid_key is not None,
            post_gone=post_gone,
        )
        archived = (  # read once, for the hand-over and the guid said taken
            self.state.archived_identity(known[0])
            if known is not None
            and decide.asks_archived_guid(is_known, known[1], has_guid=guid_key is not None)
            else None
        )
        if archived is not None and guid_key is not None and known is not None:
            # The archived article moved away: this link is a new article's now.
            handed_over = self._handed_over(
                feed, entry, known[0], url_key, guid_key, archived, result
            )
            is_known = decide.known_after_hand_over(is_known, handed_over=handed_over)
        dropped = None  # the archived article whose alias this link was, handed over
        if (
            known is not None
            and decide.asks_alias_of(is_known, known[1], aliased=aliased)
            and self._alias_handed_over(entry, known[0], url_key, guid_key, result, listed)
        ):
            is_known, dropped = ("by guid" if guid_key is not None else "new"), known[0]
        if is_known == "asked now":
            assert known is not None
            return self._asked_now(known[0], url_key)
        if is_known in ("resumed", "skipped"):
            result.skipped += is_known == "skipped"
            if listed_twice:
                self._say_two_dates(feed.name, entry, url_key, result)
            if decide.asks_whole_text(status, entry.content, listed_twice=listed_twice):
                self._keep_whole_text(feed, entry, url_key)
            if known is not None and decide.asks_archived_guid(
                is_known, known[1], has_guid=guid_key is not None
            ):
                self._say_taken(entry, known[0], guid_key, archived, result)
            skipped, dated = is_known == "skipped", entry.published is not None
            another = (
                known is not None
                and decide.asks_relisted(
                    skipped, known[1], has_guid=guid_key is not None, dated=dated
                )
                and self._say_relisted(entry, known[0], result)
            )
            other_guid = archived is not None and guid_key not in (None, archived[1])
            if known is not None and decide.asks_redated(
                skipped, known[1], dated=dated, another=another or other_guid
            ):
                self._say_redated(entry, known[0], result)
            theirs = None if archived is None else archived[1]
            self._see(feed, entry, item_guid, known, url_key, by_link=True, theirs=theirs)
            return None
        if is_known == "by guid":
            assert guid_key is not None
            owner, guid_key = self._by_guid(
                feed, entry, url_key, guid_key, listed, result, dropped=dropped
            )
            owned = decide.guid_owner(
                None if owner is None else owner.status,
                dry_run=self.dry_run,
                across=owner is not None and owner.feed != feed.name,  # decide.across_feeds
            )
            if owner is not None:  # what the guid shows now is compared with next time
                self._see(feed, entry, item_guid, (owner.id, owner.status), url_key)
            if owned == "relinked":
                assert owner is not None
                # Not archived yet, and now listed at another link: that link is the one
                # fetched from now on (the old one may be the page that fails), with its
                # attempts anew. The job _prepare made for the old link is dropped.
                self.state.relink(owner.id, url_key, entry, self.clock())
                self._relinked.add(owner.id)
                self._recorded.add(url_key)
                return owner.id
            if owned != "new":
                result.skipped += owned == "skipped"
                return None
        new = is_known == "new"
        if new and before:  # a moved feed's relative link, named elsewhere before
            is_it, job = self._before_move(feed, entry, url_key, before, result)
            if is_it:
                return job
        if decide.asks_same_path(new=new, has_guid=item_guid is not None) and (
            self._same_path(feed, entry, url_key, result, listed)
            or self._slug_moved(feed, entry, url_key, listed, result)
        ):
            return None
        self._recorded.add(url_key)
        if decide.adopted_instead(url_key in self._adoptable, dry_run=self.dry_run):
            result.skipped += 1
            return None
        said = decide.date_warning(  # said once: when the item is taken on
            entry.published,
            entry.date_problem,
            origin=entry.origin,
            content=feed.content,
            now=self.clock(),
        )
        if said is not None:
            result.warnings.append(f"{link}: {date_note_line(said)}")
        if decide.taken_on(dry_run=self.dry_run) == "would write":
            taken = functools.partial(self.archive.taken_by_other, url=link)
            result.new.append(self._render(feed, entry, None, taken=taken).filename)
            return None
        article_id = self.state.begin(
            url_key=url_key, guid_key=guid_key, feed=feed.name, entry=entry, now=self.clock()
        )
        self._taken_on[url_key] = (feed.name, entry.published, article_id)
        # Even a guid recorded as reused: what it shows now is what it follows by the
        # strong rule (identity.still_same).
        self._see(feed, entry, item_guid, (article_id, "pending"), url_key)
        return article_id

    def _keep_whole_text(self, feed: FeedConfig, entry: Entry, url_key: str) -> None:
        """Keep for this run an item carrying its article's whole text (decide.
        carries_whole_text): written from it if the page fails for good for the feed
        the article is worked on for (decide.whole_text_instead)."""
        substantial = decide.asks_substantial(feed.content, entry.content) and _substantial(
            entry.content or "", entry.link
        )
        if decide.carries_whole_text(feed.content, entry.content, substantial=substantial):
            self._whole_texts.setdefault(url_key, (feed, entry))

    def _see(
        self,
        feed: FeedConfig,
        entry: Entry,
        guid_key: str | None,
        known: tuple[int, str] | None,
        url_key: str,
        *,
        by_link: bool = False,
        theirs: str | None = None,
    ) -> None:
        """Record what a feed's item with a guid shows now (its title, date and text),
        and the article it is (``known``; None: the one its link names, taken on
        earlier in this run), the reference a later move of it is compared with
        (identity.py). ``by_link``: the item is that article by its link only (another
        source may have archived it: a feed of the config, a backfill, review16d H4);
        then a guid that names another article of this feed keeps naming that one (the
        conflict was said, _say_taken), and the guid is not attached; nor is the guid of
        an item that is another article there (_another_here; ``theirs``: the archived
        article's guid, when read)."""
        if not decide.sees_guid(guid_key, dry_run=self.dry_run):
            return
        assert guid_key is not None
        if known is None:
            known = self.state.lookup(url_key)
            if known is None:
                return
        from rssarchive.core.identity import text_key

        article_id = known[0]
        if by_link:
            seen = self.state.guid_seen(guid_key, feed.name)
            seen_article = None if seen is None else seen.article_id
            # Its owners are read only when the item named no article yet.
            others = decide.asks_other_owners(seen_article) and decide.other_owner(
                article_id, feed.name, ((o.feed, o.id) for o in self.state.guid_owners(guid_key))
            )
            another = decide.asks_another_here(seen_article, others) and self._another_here(
                entry, article_id, guid_key, theirs
            )
            if not decide.attaches(article_id, seen_article, others, another=another):
                return

        self.state.see_guid(
            guid_key,
            feed.name,
            GuidSeen(article_id, entry.title, entry.published, text_key(entry.content)),
        )

    def _post_gone(self, article_id: int) -> bool:
        """Whether an archived article's post is gone from _posts (deleted by hand), or
        holds no post any more (emptied, cut short: missingposts.damaged_posts)."""
        name = self.state.filename_of(article_id)
        if name is None:
            return False
        return not (self.archive.posts_dir / name).exists() or self.archive.damaged(name)

    def _asked_now(self, article_id: int, url_key: str) -> int | None:
        """A URL handed to backfill while it waits for a retry: the user asks now, so
        it is tried now, whatever its back-off, and its outcome is this command's own
        (a failure counted and named, exit 1). The job _prepare may have made for it
        (a quiet retry) is dropped."""
        if not decide.records(dry_run=self.dry_run):
            return None
        self._relinked.add(article_id)
        self._recorded.add(url_key)
        return article_id

    def _retaken(
        self,
        feed: FeedConfig,
        entry: Entry,
        known: tuple[int, str],
        url_key: str,
        guid_key: str | None,
        result: FeedResult,
    ) -> bool:
        """Whether a feed's item takes on again an article a backfill (or a sitemap,
        an archive page) took on and did not archive: one waiting for a retry is
        written from the item's entry (its title, date and text, not the page-only
        placeholder a URL gets), one given up is tried again. The feed listing it is new
        evidence. The job _prepare made from the old entry is dropped."""
        article_id, status = known
        stored_origin: Origin | None = None
        # Its stored entry is read only when it matters (not for an archived article).
        if decide.asks_stored_origin(entry.origin, status, dry_run=self.dry_run):
            stored = self.state.entry_of(article_id)
            stored_origin = None if stored is None else stored.origin
        if not decide.retakes(
            entry.origin, status, stored_origin, dry_run=self.dry_run
        ) and not self._takes_over(feed, entry, article_id, status, result):
            return False
        self.state.retake(article_id, entry, feed=feed.name, guid_key=guid_key, now=self.clock())
        self._relinked.add(article_id)
        self._recorded.add(url_key)
        return True

    def _by_guid(
        self,
        feed: FeedConfig,
        entry: Entry,
        url_key: str,
        guid_key: str,
        listed: frozenset[str],
        result: FeedResult,
        *,
        dropped: int | None = None,
    ) -> tuple[GuidOwner | None, str | None]:
        """The article an entry unknown by its link is, by its guid, as decide.by_guid
        says: (that article, the guid), or (None, the guid to record with the new
        article: None when the guid is reused). This reads the state and the posts the
        rule asks for, and carries its answer out (``dropped``: decide.past_dropped_alias).

        A guid found reused is said in a warning and recorded (reused_guids): from then
        on it identifies nothing, and is no longer warned about."""
        from rssarchive.core.identity import text_key, text_plain

        # Each read only when the rule asks for it (decide.asks_*): as few as before.
        reused = self.state.guid_reused(guid_key)
        last_seen: decide.LastSeen | None = None
        if decide.asks_last_seen(reused):
            seen = self.state.guid_seen(guid_key, feed.name)
            if seen is not None:
                shown = decide.Shown(seen.title, seen.published, seen.text_key)
                last_seen = decide.LastSeen(seen.article_id, shown)
        rows = self.state.guid_owners(guid_key) if decide.asks_owners(reused, last_seen) else []
        found: dict[int, GuidOwner] = {}
        for row in rows:  # an article recorded for two feeds is two rows, one id
            found.setdefault(row.id, row)
        owners = [_owner(row) for row in rows]
        item = decide.Shown(
            entry.title,
            entry.published,
            text_key(entry.content),
            plain=text_plain(entry.content),
        )
        posts: dict[int, decide.Shown | None] = {}
        while True:  # each post the rule asks for (NeedsPost) is read, then asked again
            answer = decide.by_guid(
                item,
                url_key=url_key,
                guid=guid_key,
                feed=feed.name,
                listed=listed,
                reused=reused,
                owners=owners,
                last_seen=last_seen,
                posts=posts,
                at_links=listed.items if isinstance(listed, decide.Listing) else None,
            )
            if not isinstance(answer, decide.NeedsPost):
                break
            posts[answer.owner] = self._post_shown(found[answer.owner].filename)
        owner = None if answer.owner is None else found[answer.owner]
        answer = self._redirect_moved(url_key, guid_key, answer, owner)
        answer = self._old_link_moved(url_key, entry, answer, owner, feed.selectors)
        answer = decide.past_dropped_alias(answer, dropped)
        if decide.asks_migration(answer.kind, answer.guid):
            migrated = self._migrated(feed, entry, url_key, item, listed, result)
            if migrated is not None:
                return migrated, guid_key
        if answer.kind == "moved":
            assert owner is not None
            self._moved(entry, owner, answer, result)
            if decide.records(dry_run=self.dry_run):  # its new link is known from now on
                self.state.alias(url_key, owner.id)
                # The links it left may go to new ones; another feed's article left none.
                if decide.marks_moved(owner.status) and not answer.across:
                    assert entry.link is not None
                    moved = decide.MovedTo(feed.name, guid_key, url_key, entry.link)
                    self.state.mark_moved(owner.id, moved)
            return owner, answer.guid
        if answer.kind == "reused":
            assert owner is not None
            said = (
                f"{entry.link}: its guid {(entry.guid or '').strip()!r} is that of another "
                f"article ({owner.url}, {answer.why}); "
                "archived as a new article, and the guid identifies no article from now on"
            )
            if decide.reuse_said(reused_before=reused) == "logged":
                log.info("%s", said)  # said when it was found reused (look16e F15)
            else:
                result.warnings.append(said)
            if decide.records(dry_run=self.dry_run):
                self.state.reuse_guid(guid_key)
        return None, answer.guid

    def _moved(
        self, entry: Entry, owner: GuidOwner, answer: decide.ByGuid, result: FeedResult
    ) -> None:
        """Say a move taken by guid, once: when first seen (its new link is an alias
        from then on, found by its link). A guess that is wrong is then a loss said
        out loud, with both links to check.

        An archived article's moves with the same guid, title and date are said once
        for all: links that change on every fetch (a session id in them) would
        otherwise repeat it on every run, for every item, and drown the warnings that
        matter (review16d H8); the later ones are in the log. A move taken on weaker
        evidence (another date, no dates) is a judgement each time: said each time
        (decide.move_said)."""
        how, strongest = answer.why, answer.strongest
        mark = decide.moved_mark(owner.id)
        archived = owner.status == decide.ARTICLE_STANDING.done
        said_before = (  # the mark is read only for a move said once for all
            decide.asks_said_before(archived, strongest) and self.state.meta_value(mark) is not None
        )
        told = decide.move_said(archived, strongest, said_before)
        if owner.status == decide.ARTICLE_STANDING.done:
            said = f"is taken for the archived {owner.url} ({how}); not archived again"
        elif answer.across and owner.status == "pending":
            said = f"is taken for {owner.url}, not archived yet ({how}); archived once, there"
        else:
            said = f"is taken for {owner.url}, not archived yet ({how}); fetched at its new link"
        if told == "logged":
            log.info("%s %s", entry.link, said)
            return
        if told == "said once" and decide.records(dry_run=self.dry_run):
            self.state.set_meta({mark: "1"})
        result.warnings.append(f"{entry.link} {said}")

    def _feed_items(self, job: _Job, parsed: ParsedFeed) -> list[_Job]:
        """Record the items of a feed given to backfill as pending, like the items of an
        RFC 5005 archive page (their own titles, dates and content, the chosen feed's
        name, author and tags), and return their jobs; the feed's own URL is no
        article, and its row goes."""
        self.state.forget(job.article_id)
        job.result.warnings.extend(parsed.warnings)
        if not parsed.entries:
            job.result.warnings.append(f"{job.entry.link}: a feed with no items; nothing archived")
        log.info("%s: a feed; its %d items are archived", job.entry.link, len(parsed.entries))
        jobs: list[_Job] = []
        entries, listed = self._identified(parsed.entries, job.result)
        for item in reversed(entries):
            entry = replace(item, origin="archive")
            article_id = self._record(job.feed, entry, job.result, listed=listed)
            if article_id is not None:
                jobs.append(_Job(job.feed, entry, job.feed.content, job.result, article_id))
        return jobs
