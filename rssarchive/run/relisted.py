"""An item listed at an archived article's own link that is plainly another article
there (decide.relisted_another, decide.new_at_own_link: a daily column at an evergreen
URL whose yesterday is not listed at a link of its own). The state holds one article
per link, so it is not archived: said, once per day, so that nobody loses it unheard
(a loss still: its dated link, should its page name the evergreen URL canonical, is
taken for the archived article too)."""

from __future__ import annotations

from rssarchive.core import decide
from rssarchive.core.models import Entry
from rssarchive.run.moves import _Moves
from rssarchive.run.report import FeedResult

NOT_ARCHIVED = (
    "at the archived article's link; not archived as a new article (one article per link)"
)


class _Relisted(_Moves):
    """What is said of an item that is another article at an archived one's link."""

    def _say_two_dates(self, feed: str, entry: Entry, url_key: str, result: FeedResult) -> None:
        """Say an article two feeds of this run list on different days (decide.
        two_feeds_dated), once: the mark redated_note's warning reads is set too, so the
        next run, whose post is dated by the first feed, says nothing more of it."""
        first = self._taken_on.get(url_key)
        if first is None or entry.published is None:
            return
        note = decide.two_feeds_dated(first[0], first[1], feed, entry.published)
        if note is None:
            return
        result.warnings.append(f"{entry.link}: {note}")
        if decide.records(dry_run=self.dry_run):
            self.state.set_meta({decide.redated_mark(first[2], entry.published): "1"})

    def _say_redated(self, entry: Entry, article_id: int, result: FeedResult) -> None:
        """Say an archived article whose item the feed now dates on another day than its
        post (decide.redated_note), once per date (look16f s31)."""
        if entry.published is None:
            return
        note = decide.redated_note(entry.published, self.state.filename_of(article_id))
        mark = decide.redated_mark(article_id, entry.published)
        if note is None or self.state.meta_value(mark) is not None:
            return
        result.warnings.append(f"{entry.link}: {note}")
        if decide.records(dry_run=self.dry_run):
            self.state.set_meta({mark: "1"})

    def _say_relisted(self, entry: Entry, article_id: int, result: FeedResult) -> bool:
        """Say an item without a guid at an archived article's link that is another
        article by its date and text (decide.relisted_another), once a day; whether it
        is one (said now or before)."""
        from rssarchive.core import postformat
        from rssarchive.core.htmltext import markup_text
        from rssarchive.core.identity import post_title_and_date, text_plain

        name = self.state.filename_of(article_id)
        if entry.published is None or not decide.asks_relisted_post(entry.published, name):
            return False
        assert name is not None
        text = self.archive.read(name)
        plain = markup_text(entry.content or "")
        if text is None:
            return False
        plains = (text_plain(entry.content), text_plain(postformat.parse(text).body))
        if not decide.relisted_another(
            entry.published, post_title_and_date(text)[1], plain, text, plains
        ):
            return False
        mark = decide.relisted_mark(article_id, entry.published)
        if self.state.meta_value(mark) is not None:
            return True
        result.warnings.append(
            f"{entry.link}: listed again with a new date and another text {NOT_ARCHIVED}"
        )
        if decide.records(dry_run=self.dry_run):
            self.state.set_meta({mark: "1"})
        return True

    def _say_taken(
        self,
        entry: Entry,
        article_id: int,
        guid_key: str | None,
        archived: tuple[str, str | None, object] | None,
        result: FeedResult,
    ) -> None:
        """Say, once per item, that an item is skipped for an archived article at its
        link (the same page, a #fragment, a shared link) though its guid is another's:
        two items, one post. Within one document _warn_collapsed says so; across runs
        this does. Once: the item's guid is recorded as said (the meta table).
        ``archived``: the article's URL and guid (State.archived_identity)."""
        if guid_key is None or archived is None:
            return
        said = decide.taken_mark(article_id, guid_key)
        # The mark is read only when the guids differ: not on every known item.
        was_said = (
            decide.asks_taken_said(guid_key, archived[1])
            and self.state.meta_value(said) is not None
        )
        if not decide.says_taken(guid_key, archived[1], said=was_said):
            return
        result.warnings.append(self._taken_line(entry, article_id, guid_key, archived[:2]))
        if decide.records(dry_run=self.dry_run):
            self.state.set_meta({said: "1"})

    def _taken_line(
        self, entry: Entry, article_id: int, guid_key: str, archived: tuple[str, str | None]
    ) -> str:
        """What _say_taken says of an item with another guid at an archived article's
        link (``archived``: its URL and guid): another article, not archived, when both
        guids are real and its date is a later day than the post's
        (_another_here); else taken for that article."""
        guid = (entry.guid or "").strip()
        link = decide.link_key(entry.link)
        if link is not None and self._judged.get(link) == article_id:
            return (
                f"{entry.link}: the archived {archived[0]} was sent to this page by a"
                " temporary redirect, and this item has its title (a site's name aside) and"
                " day under its own guid: the same article, not archived again"
            )
        if self._another_here(entry, article_id, guid_key, archived[1]):
            said = f"listed again with a new date and another guid {guid!r} {NOT_ARCHIVED}"
            return f"{entry.link}: {said}"
        return (
            f"{entry.link}: its guid {guid!r} is not that of the "
            f"archived {archived[0]}, but its link is; taken for that article, not "
            "archived again"
        )

    def _another_here(
        self, entry: Entry, article_id: int, guid_key: str | None, archived_guid: str | None
    ) -> bool:
        """Whether an item with a guid at the archived article ``article_id``'s own link
        is another article there (decide.new_at_own_link: both guids real and different,
        its date a later day than the post's): not archived there (one article per link),
        and its guid names nothing, so that its own link, when the feed lists one later,
        is a new article (decide.attaches; look16h H4, H10). One a temporary redirect's
        landing judged that article is not. The post is read only when the guids are
        real and differ."""
        link = decide.link_key(entry.link)
        if link is None or self._judged.get(link) == article_id:
            return False
        if not decide.real_guids_differ(guid_key, archived_guid, link):
            return False
        shown = self._post_shown(self.state.filename_of(article_id))
        later = shown is not None and decide.later_day(entry.published, shown.published)
        return decide.new_at_own_link(guid_key, archived_guid, link, redated=later)
