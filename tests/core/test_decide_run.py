"""The decisions that were written inline in the orchestration (rssarchive/run/,
store/selection.py) until issue 18's reviews, now the decider's: a feed's selection
settings and what a poll records, a run's failure recorded, when the workers start,
adoption in a dry run, a URL handed to backfill, a post's image retries (written or
adopted), which pending articles take a re-listed date, a post from the feed's text
and redirects, an item taken for the archived article at its link.
Each a table: one row per case, its inputs beside the decision expected of them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from rssarchive.core import decide
from rssarchive.core.decide import Polled
from rssarchive.core.errors import (
    ExtractError,
    FetchError,
    LockedError,
    LockFileError,
    NewerStateError,
    ParseError,
    RssArchiveError,
    StateError,
    TooLargeError,
    UnexpectedError,
    WriteError,
)
from rssarchive.core.models import Entry

DAY = datetime(2024, 7, 2, 8, 0, tzinfo=UTC)
URL = "https://example.com/a"


def row(*values: Any, id: str) -> Any:
    return pytest.param(*values, id=id)


# -- a feed's selection settings (store/selection.py) -------------------------------------


@pytest.mark.parametrize(
    ("applied", "current", "changed"),
    [
        row(None, "max_items=5", False, id="none recorded (an older state): not changed"),
        row("max_items=5", "max_items=5", False, id="the same settings"),
        row("max_items=5", "max_items=10", True, id="the cap raised"),
        row("max_items=10", "max_items=5", True, id="the cap lowered"),
    ],
)
def test_selection_changed(applied: str | None, current: str, changed: bool) -> None:
    assert decide.selection_changed(applied, current) is changed


@pytest.mark.parametrize(
    ("etag", "last_modified", "changed", "sent"),
    [
        row('"v1"', "Mon", False, ('"v1"', "Mon"), id="unchanged: a conditional fetch"),
        row('"v1"', "Mon", True, (None, None), id="changed: unconditional"),
        row(None, None, True, (None, None), id="changed, no validators anyway"),
        row(None, "Mon", False, (None, "Mon"), id="unchanged, Last-Modified only"),
    ],
)
def test_poll_validators(
    etag: str | None, last_modified: str | None, changed: bool, sent: tuple[Any, Any]
) -> None:
    assert decide.poll_validators(etag, last_modified, selection_changed=changed) == sent


@pytest.mark.parametrize(
    ("not_modified", "warning", "changed", "asks", "says"),
    [
        row(True, "cut to 5 items", False, True, True, id="304, kept warning: said again"),
        row(True, "cut to 5 items", True, True, False, id="304, settings changed: not"),
        row(True, None, False, False, False, id="304, no warning: nothing read"),
        row(True, "", False, False, False, id="304, empty warning: nothing read"),
        row(False, "cut to 5 items", False, False, False, id="a document: its own warnings"),
    ],
)
def test_says_kept_warning(
    not_modified: bool, warning: str | None, changed: bool, asks: bool, says: bool
) -> None:
    assert decide.asks_selection_changed(not_modified, warning) is asks
    got = decide.says_kept_warning(not_modified, warning, selection_changed=changed and asks)
    assert got is says


KEPT = Polled('"v1"', "Mon", "cut to 5 items", False)


@pytest.mark.parametrize(
    ("not_modified", "warnings", "expected"),
    [
        row(True, None, Polled('"v1"', "Mon", "cut to 5 items", False),
            id="304: validators and warning kept"),
        row(False, ("a", "b"), Polled('"v2"', "Tue", "a; b", True),
            id="a document: its validators, its warnings, its settings remembered"),
        row(False, (), Polled('"v2"', "Tue", None, True),
            id="a document without warnings: the kept one goes"),
    ],
)  # fmt: skip
def test_feed_polled(not_modified: bool, warnings: Any, expected: Polled) -> None:
    got = decide.feed_polled(
        KEPT, not_modified=not_modified, etag='"v2"', last_modified="Tue", warnings=warnings
    )
    assert got == expected


# -- a run's failure, recorded for status (run/session.py) --------------------------------


@pytest.mark.parametrize(
    ("exc", "recorded"),
    [
        row(LockedError("another run holds it"), False, id="another run's lock: none of ours"),
        row(NewerStateError("newer schema"), False, id="a newer version's state: not"),
        row(StateError("disk I/O error"), True, id="the state cannot be written"),
        row(LockFileError("/site/.lock", "read-only"), True, id="a lock that cannot be made"),
        row(WriteError("disk full"), True, id="a write failed"),
        row(RssArchiveError("other"), True, id="any other error of ours"),
    ],
)
def test_records_run_failure(exc: RssArchiveError, recorded: bool) -> None:
    assert decide.records_run_failure(exc) is recorded


# -- the worker processes (run/working.py, run/backfill.py) -------------------------------


@pytest.mark.parametrize(
    ("backlog", "all_feed_text", "warm"),
    [
        row(False, True, False, id="only feed-text posts: no page to extract yet"),
        row(False, False, True, id="a page to extract"),
        row(True, True, True, id="a backfill's pages waiting"),
        row(True, False, True, id="both"),
    ],
)
def test_warm_workers(backlog: bool, all_feed_text: bool, warm: bool) -> None:
    assert decide.warm_workers(backlog, all_feed_text) is warm


@pytest.mark.parametrize(
    ("recorded", "warm"),
    [
        row(1, False, id="too few yet"),
        row(3, True, id="the article that makes the pool worth it"),
        row(4, False, id="started already"),
    ],
)
def test_warm_workers_now(recorded: int, warm: bool) -> None:
    assert decide.warm_workers_now(recorded, pool_min=3) is warm


# -- recording a feed's entries (run/recording.py) -----------------------------------------


@pytest.mark.parametrize(
    ("dry_run", "records", "taken"),
    [
        row(False, True, "begun", id="a run records what it finds, begins new articles"),
        row(True, False, "would write", id="a dry run records nothing, names its files"),
    ],
)
def test_records(dry_run: bool, records: bool, taken: str) -> None:
    assert decide.records(dry_run=dry_run) is records
    assert decide.taken_on(dry_run=dry_run) == taken


@pytest.mark.parametrize(
    ("link", "unusable"),
    [
        row(None, True, id="no link (an enclosure alone is none)"),
        row("", True, id="an empty link"),
        row("   ", True, id="blanks"),
        row("mailto:desk@example.com", True, id="not http(s): mailto"),
        row("ftp://example.com/a", True, id="not http(s): ftp"),
        row("javascript:alert(1)", True, id="javascript:"),
        row("/2024/07/story.html", True, id="relative: no page we fetch"),
        row("https://example.com/a", False, id="an article's page"),
        row("HTTP://Example.com/a#top", False, id="http, any case, a fragment"),
        # A URL handed to backfill is judged by the same rule (run/backfill.py).
        row("not a url", True, id="backfill: not a URL"),
        row("//example.com/a", True, id="backfill: scheme-relative"),
        row("https://", True, id="backfill: no host"),
        row("https://example.com/a\x01b", True, id="backfill: a control character"),
        row("http://127.0.0.1:8000/a.html", False, id="backfill: an address and a port"),
    ],
)
def test_unusable_link(link: str | None, unusable: bool) -> None:
    assert decide.unusable_link(link) is unusable


@pytest.mark.parametrize(
    ("reused", "dry_run", "says", "records"),
    [
        row(False, False, True, True, id="first seen: said, recorded as reused"),
        row(True, False, False, False, id="recorded before: said once, not again"),
        row(False, True, True, False, id="dry run: said, nothing recorded"),
        row(True, True, False, False, id="dry run, recorded before: nothing"),
    ],
)
def test_site_root_guid(reused: bool, dry_run: bool, says: bool, records: bool) -> None:
    assert decide.site_root_guid(reused, dry_run=dry_run) == decide.SiteRootGuid(says, records)


@pytest.mark.parametrize(
    ("guid_key", "dry_run", "sees"),
    [
        row("https://example.com/?p=1", False, True, id="a guid, a real run: recorded"),
        row(None, False, False, id="no guid: nothing to compare later"),
        row("https://example.com/?p=1", True, False, id="dry run: nothing recorded"),
    ],
)
def test_sees_guid(guid_key: str | None, dry_run: bool, sees: bool) -> None:
    assert decide.sees_guid(guid_key, dry_run=dry_run) is sees


# -- adoption, a URL handed to backfill (run/recording.py, recovery.py, backfill.py) -------


@pytest.mark.parametrize(
    ("adoptable", "dry_run", "adopted"),
    [
        row(True, True, True, id="dry run, its post in _posts: a real run adopts it"),
        row(False, True, False, id="dry run, no post: would be written"),
        row(True, False, False, id="a real run adopted it already"),
    ],
)
def test_adopted_instead(adoptable: bool, dry_run: bool, adopted: bool) -> None:
    assert decide.adopted_instead(adoptable, dry_run=dry_run) is adopted


@pytest.mark.parametrize(
    ("status", "shown", "expected"),
    [
        row(None, None, Entry(title="", link=URL, origin="url", listed=DAY),
            id="unknown: its page only"),
        row("pending", None, Entry(title="", link=URL, origin="url", listed=DAY),
            id="pending: its page only, nothing read"),
        row("done", ("Story", DAY), Entry(title="Story", link=URL, origin="url", listed=DAY,
            published=DAY), id="archived before: what its feed showed"),
        row("done", (None, None), Entry(title="", link=URL, origin="url", listed=DAY),
            id="archived before, its feed showed no title"),
        row("done", None, Entry(title="", link=URL, origin="url", listed=DAY),
            id="archived before, nothing seen"),
        row("failed", ("Story", DAY), Entry(title="Story", link=URL, origin="url", listed=DAY,
            published=DAY), id="given up (look16 F3): what its feed showed"),
        row("failed", None, Entry(title="", link=URL, origin="url", listed=DAY),
            id="given up, nothing seen nor recorded: its page only"),
    ],
)  # fmt: skip
def test_url_entry(status: str | None, shown: Any, expected: Entry) -> None:
    asks = decide.asks_feed_shown(status)
    assert asks is (status in ("done", "failed"))
    assert decide.url_entry(URL, DAY, shown if asks else None) == expected


@pytest.mark.parametrize(
    ("status", "seen", "asks"),
    [
        row("failed", False, True, id="given up, no item with a guid: its recorded entry"),
        row("failed", True, False, id="given up, its feed's item seen: that, nothing more"),
        row("done", False, False, id="archived: its row keeps no entry"),
        row("pending", False, False, id="pending: its recorded entry is its job's already"),
        row(None, False, False, id="unknown"),
    ],
)  # fmt: skip
def test_asks_stored_shown(status: str | None, seen: bool, asks: bool) -> None:
    assert decide.asks_stored_shown(status, seen=seen) is asks


@pytest.mark.parametrize(
    ("named", "recorded", "there", "asks", "says"),
    [
        row(True, False, True, True, True, id="named, archived, its post there: said"),
        row(True, False, False, True, False, id="named, its post gone: not"),
        row(True, True, True, False, False, id="recorded for work: nothing read"),
        row(False, False, True, False, False, id="a sitemap's URL: not said"),
    ],
)
def test_says_archived(named: bool, recorded: bool, there: bool, asks: bool, says: bool) -> None:
    assert decide.asks_post_there(named, recorded) is asks
    assert decide.says_archived(named, recorded, there and asks) is says


# -- image retries (run/recovery.py, run/working.py) --------------------------------------


@pytest.mark.parametrize(
    ("images", "remote", "asks", "retried"),
    [
        row("local", 2, True, True, id="adopted: images archived, remote ones left: retried"),
        row("local", 0, True, False, id="adopted: images archived, none left"),
        row("remote", 2, False, False, id="adopted: images kept remote: its post not read"),
    ],
)
def test_adopted_images_retried(images: Any, remote: int, asks: bool, retried: bool) -> None:
    assert decide.asks_adopted_images(images) is asks
    assert decide.gets_image_retries(images, remote if asks else 0) is retried


@pytest.mark.parametrize(
    ("images", "failed", "retried"),
    [
        row("local", 1, True, id="written: an image failed: retried by later runs"),
        row("local", 0, False, id="written: every image archived"),
        row("remote", 0, False, id="written: images kept remote, none fetched"),
        row("remote", 1, False, id="written: images kept remote: never retried"),
    ],
)
def test_written_posts_images_retried(images: Any, failed: int, retried: bool) -> None:
    # One rule for a post just written (run/working.py) and an adopted one.
    assert decide.gets_image_retries(images, failed) is retried


@pytest.mark.parametrize(
    ("readable", "remote", "left"),
    [
        row(True, 1, True, id="remote images left: tried"),
        row(True, 0, False, id="none left (edited): done"),
        row(False, 0, False, id="the post cannot be read (deleted): done"),
    ],
)
def test_image_retry_left(readable: bool, remote: int, left: bool) -> None:
    assert decide.image_retry_left(readable, remote) is left


@pytest.mark.parametrize(
    ("failed", "local", "causes", "is_local"),
    [
        row([("a", "HTTP 404"), ("b", "disk full")], {"b"}, ["disk full"], True,
            id="a local cause: said first, alone"),
        row([("a", "HTTP 404"), ("b", "timed out")], set(), ["HTTP 404", "timed out"], False,
            id="no local cause: every one"),
        row([], set(), [], False, id="none failed"),
    ],
)  # fmt: skip
def test_image_retry_causes(
    failed: list[tuple[str, str]], local: set[str], causes: list[str], is_local: bool
) -> None:
    assert decide.image_retry_causes(failed, local) == (causes, is_local)


# -- what status says (run/printing.py) ------------------------------------------------------


@pytest.mark.parametrize(
    ("configured", "recorded", "names", "counted"),
    [
        row("News", "News", {"News"}, "News", id="not renamed"),
        row("Nouvelles", "News", {"Nouvelles"}, "News",
            id="renamed, no run since: its articles still carry the old name"),
        row("Nouvelles", "News", {"Nouvelles", "News"}, "Nouvelles",
            id="the old name is another configured feed's: not counted twice"),
    ],
)  # fmt: skip
def test_counted_under(configured: str, recorded: str, names: set[str], counted: str) -> None:
    assert decide.counted_under(configured, recorded, names) == counted


@pytest.mark.parametrize(
    ("warning", "changed", "asks", "shown"),
    [
        row("cut to 5 items", False, True, "cut to 5 items", id="kept warning: shown"),
        row("cut to 5 items", True, True, None, id="max_items changed since: not shown"),
        row(None, True, False, None, id="no warning: the settings not read"),
        row("", True, False, "", id="an empty warning: not read, as kept"),
    ],
)
def test_shown_warning(warning: str | None, changed: bool, asks: bool, shown: str | None) -> None:
    assert decide.asks_shown_warning(warning) is asks
    assert decide.shown_warning(warning, selection_changed=changed and asks) == shown


@pytest.mark.parametrize(
    ("status", "attempts", "origin", "listed"),
    [
        row("pending", 0, "feed", None, id="a feed's item not tried yet"),
        row("pending", 2, "feed", "failing", id="a feed's item failing: its feed FAILING"),
        row("failed", 5, "feed", None, id="a feed's item given up: a failed article"),
        row("done", 1, "feed", None, id="archived after a failure"),
        row("pending", 0, "url", None, id="a backfill's URL not tried yet"),
        row("pending", 1, "url", "backfill waiting", id="a backfill's URL waiting"),
        row("pending", 3, "sitemap", "backfill waiting", id="a sitemap's URL waiting"),
        row("failed", 1, "url", "backfill gave up", id="a backfill's URL failed for good"),
        row("failed", 5, "archive", "backfill gave up", id="an archive page's item given up"),
        row("pending", 2, None, None, id="no origin recorded (an old state): not listed so"),
        row("failed", 2, None, None, id="given up, no origin: a failed article"),
    ],
)
def test_listed_as(status: str, attempts: int, origin: str | None, listed: str | None) -> None:
    assert decide.ARTICLE_STANDING.listed_as(status, attempts, origin) == listed


# -- placing a post (run/working.py) -------------------------------------------------------


@pytest.mark.parametrize(
    ("images", "local"),
    [
        row("local", True, id="images: local: downloaded into the site"),
        row("remote", False, id="images: remote: the originals linked"),
    ],
)
def test_images_local(images: Any, local: bool) -> None:
    assert decide.images_local(images) is local


@pytest.mark.parametrize(
    ("failure", "said"),
    [
        row("gone", True, id="its page gone (404, 410): said when written"),
        row("not extracted", False, id="no article on the page (or over its cap): not"),
        row("other", False, id="a transient failure: no fallback to say"),
    ],
)
def test_says_fallback(failure: Any, said: bool) -> None:
    assert decide.says_fallback(failure) is said


@pytest.mark.parametrize(
    ("link", "page_url", "alias"),
    [
        row(URL, URL, None, id="no redirect: no alias"),
        row(URL, "", None, id="no page fetched (the feed's text)"),
        row(URL, "https://Example.com/a?utm_source=x", None, id="the same page, another spelling"),
        row(URL, "https://example.com/b", "https://example.com/b",
            id="redirected: where it ended is this article"),
    ],
)  # fmt: skip
def test_alias_key(link: str, page_url: str, alias: str | None) -> None:
    assert decide.alias_key(decide.page_keys(link, page_url)) == alias


@pytest.mark.parametrize(
    ("guid", "archived_guid", "landed_for", "expected", "reads"),
    [
        row("gy", "gx", "7", True, 1, id="a temporary landing, another guid: freed"),
        row("gy", "gx", None, False, 1, id="a permanent alias: the article's"),
        row("gy", "gx", "8", False, 1, id="another article's landing: not this one's"),
        row("gx", "gx", "7", False, 0, id="the archived guid: that article, nothing read"),
        row(None, "gx", "7", False, 0, id="no guid: no evidence, nothing read"),
        row("gy", None, "7", False, 0, id="the archived has no guid: nothing read"),
    ],
)
def test_frees_landing(
    guid: str | None, archived_guid: str | None, landed_for: str | None, expected: bool, reads: int
) -> None:
    asks = decide.asks_taken_said(guid, archived_guid)
    assert asks is bool(reads)
    assert decide.frees_landing(guid, archived_guid, 7, landed_for if asks else None) is expected
    assert (
        decide.temporary_landing("https://a.example/p") == "temporary landing https://a.example/p"
    )


@pytest.mark.parametrize(
    ("titles", "expected"),
    [
        row(("Story Y", "Story X"), True, id="another title: a new article, freed"),
        row(("Quake hits", "quake  HITS"), False, id="its title: the story a tracker reached"),
        row(("", "Story X"), True, id="untitled: the guid tells"),
        row(("Story Y", None), True, id="its post unread: the guid tells"),
    ],
)  # fmt: skip
def test_frees_landing_by_title(titles: tuple[str | None, str | None], expected: bool) -> None:
    assert decide.frees_landing("gy", "gx", 7, "7", titles=titles) is expected
    assert decide.frees_landing("gy", "gx", 7, None, titles=titles) is False


_DAY = datetime(2026, 12, 7, 8, 30, tzinfo=UTC)
_LATER, _DAYS_LATER = _DAY + timedelta(minutes=1), _DAY + timedelta(days=2)


@pytest.mark.parametrize(
    ("titles", "dates", "story"),
    [
        row(("Talks resume", "Talks resume - The Daily Planet"), (_DAY, _LATER), True,
            id="a site's name aside, one day: that story (look16f s06)"),
        row(("The Daily Planet | Talks resume", "Talks resume"), (_DAY, _DAY), True,
            id="the site's name first: that story"),
        row(("Talks resume", "Talks resume - The Daily Planet"), (_DAYS_LATER, _DAY), False,
            id="another day: a recurring title, another article"),
        row(("Talks resume", "Talks resume - The Daily Planet"), (None, _DAY), True,
            id="the item undated: its title tells"),
        row(("Talks collapse", "Talks resume - The Daily Planet"), (_DAY, _DAY), False,
            id="another title: another article"),
        row(("", "Talks resume"), (_DAY, _DAY), False, id="untitled: nothing told"),
        row(("Talks resume", None), (_DAY, _DAY), False, id="its post unread: nothing told"),
    ],
)  # fmt: skip
def test_landed_story(
    titles: tuple[str | None, str | None],
    dates: tuple[datetime | None, datetime | None],
    story: bool,
) -> None:
    assert decide.landed_story(titles, dates) is story
    assert decide.frees_landing("gy", "gx", 7, "7", titles=titles, dates=dates) is not story


# -- what counts as failing, when a pending article is due (store/articles.py) ------------


@pytest.mark.parametrize(
    ("status", "attempts", "failing", "retried"),
    [
        row("pending", 0, False, False, id="pending, never tried: not failing"),
        row("pending", 1, True, True, id="pending after a failed attempt: failing"),
        row("pending", 4, True, True, id="pending after four: failing"),
        row("failed", 5, False, True, id="given up: retried, not failing"),
        row("failed", 1, False, True, id="gone at once (a backfill's 404): given up"),
        row("done", 2, False, False, id="archived after failures: neither"),
    ],
)
def test_article_standing(status: str, attempts: int, failing: bool, retried: bool) -> None:
    assert decide.ARTICLE_STANDING.failing(status, attempts) is failing
    assert decide.ARTICLE_STANDING.retried(status, attempts) is retried


HOUR = timedelta(hours=1)


@pytest.mark.parametrize(
    ("status", "not_before", "last_failure", "due"),
    [
        row("pending", None, None, True, id="never failed: due"),
        row("pending", DAY - HOUR, DAY - 2 * HOUR, True, id="its back-off passed"),
        row("pending", DAY, DAY - HOUR, True, id="its back-off ends now"),
        row("pending", DAY + HOUR, DAY - HOUR, False, id="waiting for its back-off"),
        row("pending", DAY + 25 * HOUR, DAY + HOUR, True,
            id="the clock went back (before its last failure): due now"),
        row("failed", None, None, False, id="given up: never due"),
        row("done", None, None, False, id="archived: never due"),
    ],
)  # fmt: skip
def test_article_due(
    status: str, not_before: datetime | None, last_failure: datetime | None, due: bool
) -> None:
    assert decide.ARTICLE_STANDING.due(status, not_before, last_failure, DAY) is due


_BRAVO = [("gb", decide.Shown("Bravo", None))]


@pytest.mark.parametrize(
    ("own", "landed", "title", "guid", "listed", "expected"),
    [
        row("a", "b", "Alpha", "ga", {"b": _BRAVO}, True, id="another item listed there"),
        row("a", "b", "Alpha", "ga", {}, False, id="nothing listed there: its page"),
        row("a", "b", "Bravo", "ga", {"b": _BRAVO}, False, id="same title: one story twice"),
        row("a", "a", "Alpha", "ga", {"a": _BRAVO}, False, id="no redirect elsewhere"),
        row(
            "a",
            "b",
            None,
            "ga",
            {"b": [("gb", decide.Shown(None, None))]},
            True,
            id="untitled: another guid",
        ),
        row(
            "a",
            "b",
            None,
            "gb",
            {"b": [("gb", decide.Shown(None, None))]},
            False,
            id="untitled: the same guid",
        ),
    ],
)
def test_landed_on_listed(
    own: str,
    landed: str,
    title: str | None,
    guid: str | None,
    listed: dict[str, list[tuple[str | None, decide.Shown]]],
    expected: bool,
) -> None:
    assert decide.landed_on_listed(own, landed, title, guid, listed) is expected


# (what a confirming fetch of a re-check saw, its 429's Retry-After, says nothing,
# the answer) -- written inline in run/rechecker.py until issue 18.
@pytest.mark.parametrize(
    ("seen", "back_off", "says_nothing", "answer"),
    [
        row("page", None, False, "page", id="a page to compare"),
        row("page", None, True, "wall", id="a page sharing nothing: a wall"),
        row("outage", None, False, "failed", id="a 5xx, a timeout, a bot wall"),
        row("outage", 120.0, False, "paused", id="a 429 with Retry-After"),
        row("gone", None, False, "gone", id="a 404: the check's answer"),
    ],
)
def test_confirm_answer(seen: str, back_off: float | None, says_nothing: bool, answer: str) -> None:
    assert decide.confirm_answer(seen, back_off, says_nothing) == answer


# (what a re-check request saw, its Retry-After, (a failure of its host, its pause)).
@pytest.mark.parametrize(
    ("seen", "back_off", "outcome"),
    [
        row("page", None, (False, None), id="a page"),
        row("not_modified", None, (False, None), id="a 304"),
        row("gone", None, (False, None), id="a 404 is an answer"),
        row("outage", None, (True, None), id="an outage"),
        row("outage", 60.0, (True, 60.0), id="a 429 with Retry-After pauses its host"),
    ],
)
def test_recheck_request(seen: str, back_off: float | None, outcome: tuple[bool, float]) -> None:
    assert decide.recheck_request(seen, back_off) == outcome


def test_a_worker_died_under_is_tried_twice_in_all() -> None:
    assert decide.WORKER_DEATH_RETRIES.attempts == 2
    assert decide.WORKER_DEATH_RETRIES.gives_up(2) and not decide.WORKER_DEATH_RETRIES.gives_up(1)


# -- a pending article its feed lists again (run/pipeline.py) -------------------------------


@pytest.mark.parametrize(
    ("origin", "listed", "relinked", "takes"),
    [
        row("feed", True, False, True, id="a feed's item listed again: its date now"),
        row("feed", False, False, False, id="not listed in this run's documents"),
        row("feed", True, True, False, id="relinked by this run: its entry is the item's"),
        row("url", True, False, False, id="a URL handed to backfill: no item"),
        row("archive", True, False, False, id="an archive page's item (backfill)"),
    ],
)
def test_takes_relisted_date(origin: Any, listed: bool, relinked: bool, takes: bool) -> None:
    assert decide.takes_relisted_date(origin, listed=listed, relinked=relinked) is takes


# -- where a page ended (run/landing.py) -------------------------------------------------


@pytest.mark.parametrize(
    ("link", "page", "statuses", "feed_text", "how"),
    [
        row(URL, URL, [], False, "none", id="the page at its link"),
        row(URL, URL + "2", [301], False, "permanent", id="moved for good"),
        row(URL, URL + "2", [302], False, "temporary", id="sent elsewhere for now"),
        row(URL, URL + "2", [301], True, "none", id="from the feed's text: not the page's"),
        row(URL, URL + "2", [302], True, "none", id="from the feed's text, temporary hop"),
        row(URL, URL, [], True, "none", id="from the feed's text, no redirect"),
    ],
)
def test_redirected_feed_text(
    link: str, page: str, statuses: list[int], feed_text: bool, how: str
) -> None:
    assert decide.redirected(link, page, statuses, feed_text=feed_text) == how


# -- an item taken for the archived article at its link (run/recording.py) -----------------


@pytest.mark.parametrize(
    ("known", "status", "has_guid", "asks"),
    [
        row("skipped", "done", True, True, id="skipped for an archived article: asked"),
        row("skipped", "done", False, False, id="an item with no guid: nothing to compare"),
        row("skipped", "pending", True, False, id="its article pending: not taken yet"),
        row("skipped", "failed", True, False, id="its article failed: not taken"),
        row("resumed", "done", True, False, id="resumed, not skipped"),
        row("skipped", None, True, False, id="no article at its link"),
    ],
)
def test_asks_archived_guid(known: Any, status: str | None, has_guid: bool, asks: bool) -> None:
    assert decide.asks_archived_guid(known, status, has_guid=has_guid) is asks


@pytest.mark.parametrize(
    ("known", "handed_over", "after"),
    [
        row("skipped", False, "skipped", id="the archived article is still here: skipped"),
        row("skipped", True, "by guid", id="it moved away: the link is a new article's"),
    ],
)
def test_known_after_hand_over(known: Any, handed_over: bool, after: str) -> None:
    assert decide.known_after_hand_over(known, handed_over=handed_over) == after


@pytest.mark.parametrize(
    ("status", "marked"),
    [
        row("done", True, id="an archived article's links left: free for new articles"),
        row("pending", False, id="not archived yet: fetched at its new link"),
        row("failed", False, id="failed: no post left behind"),
    ],
)
def test_marks_moved(status: str, marked: bool) -> None:
    assert decide.marks_moved(status) is marked


@pytest.mark.parametrize(
    ("post_key", "url_key", "rewritten"),
    [
        row("example.com/a", "example.com/a", True, id="its post names this link"),
        row("example.com/b", "example.com/a", False, id="its post names another link"),
        row(None, "example.com/a", False, id="no post recorded"),
    ],
)
def test_rewrites_post(post_key: str | None, url_key: str, rewritten: bool) -> None:
    assert decide.rewrites_post(post_key, url_key) is rewritten


# -- a post renamed by hand (publish/missingposts.py) ---------------------------------------


@pytest.mark.parametrize(
    ("status", "there", "asks", "follows"),
    [
        row("done", False, True, True, id="archived, its recorded post gone: a rename"),
        row("done", True, True, False, id="archived, its recorded post there: a copy"),
        row("pending", False, False, False, id="not archived yet: not its post"),
        row("failed", False, False, False, id="failed: not its post"),
        row(None, False, False, False, id="no article at its URL"),
    ],
)
def test_renamed_post(status: str | None, there: bool, asks: bool, follows: bool) -> None:
    assert decide.asks_recorded_post(status) is asks
    assert decide.follows_rename(status, recorded_post_there=there) is follows


# -- a post emptied or cut short on disk (publish/missingposts.damaged_posts) ------------


@pytest.mark.parametrize(
    ("size", "head", "closed", "damaged"),
    [
        row(0, 0, False, True, id="emptied: damaged"),
        row(60, 60, False, True, id="cut inside its front matter: damaged"),
        row(900, 900, True, False, id="a whole post"),
        row(400, 400, True, False, id="cut in its body: its front matter holds, not said"),
        row(20000, 8192, False, False, id="a front matter longer than the head read"),
    ],
)
def test_post_damaged(size: int, head: int, closed: bool, damaged: bool) -> None:
    assert decide.post_damaged(size, head, front_closed=closed) is damaged


# -- which new articles take another feed's date; a failed batch (run/pipeline.py) ---------


@pytest.mark.parametrize(
    ("origin", "published", "takes"),
    [
        row("feed", None, True, id="an undated feed item: takes another's date"),
        row("feed", DAY, False, id="a dated feed item keeps its own"),
        row("url", None, False, id="a URL handed to backfill has no item"),
    ],
)
def test_takes_another_date(origin: Any, published: datetime | None, takes: bool) -> None:
    assert decide.takes_another_date(origin, published) is takes


@pytest.mark.parametrize(
    ("size", "retried"),
    [
        row(1, False, id="one item: its failure is its own"),
        row(2, True, id="two items: each again on its own"),
        row(20, True, id="a full batch: each again on its own"),
    ],
)
def test_batch_retried(size: int, retried: bool) -> None:
    assert decide.batch_retried(size) is retried


@pytest.mark.parametrize(
    ("owners", "other"),
    [
        row([], False, id="no owner recorded"),
        row([("F", 7)], False, id="this article only"),
        row([("F", 7), ("F", 8)], True, id="another article of the feed"),
        row([("G", 8)], False, id="another feed's article: not this feed's"),
        row([("G", 7), ("F", 7)], False, id="this article, for two feeds"),
    ],
)
def test_other_owner(owners: list[tuple[str, int]], other: bool) -> None:
    assert decide.other_owner(7, "F", owners) is other
    assert decide.attaches(7, None, decide.other_owner(7, "F", owners)) is not other


# -- whose fault a failure is: the item's or the run's (run/pipeline.py, entry_posts) -------


@pytest.mark.parametrize(
    ("exc", "whose"),
    [
        row(FetchError(URL, "timed out"), "item", id="a fetch failed: the item's"),
        row(TooLargeError(URL, "too large"), "item", id="a page too large: the item's"),
        row(ParseError("unreadable", url=URL), "item", id="a parse failed: the item's"),
        row(ExtractError("no article", url=URL), "item", id="no article found: the item's"),
        row(UnexpectedError("worker", url=URL), "item", id="an unexpected one: the item's"),
        row(WriteError("disk full"), "run", id="a post not written: the run's"),
        row(StateError("disk I/O error"), "run", id="the state: the run's"),
        row(LockedError("held"), "run", id="a lock: the run's"),
        row(OSError(28, "No space left on device"), "run", id="an OSError: the run's"),
        row(KeyError("x"), "surprise", id="a bug: a surprise, the item's"),
        row(ValueError("x"), "surprise", id="a ValueError: a surprise"),
    ],
)
def test_failure_of(exc: Exception, whose: str) -> None:
    assert decide.failure_of(exc) == whose


# -- whether a failure on the wire may pass (net/transport.network_reason tells its kind) --

WIRE_FAILURES = [
    ("dns", True),
    ("refused", True),
    ("reset", True),
    ("network", True),
    ("closed", True),  # closed by the server before it answered
    ("certificate", False),  # a wrong certificate stays wrong a second later
    ("malformed", False),  # a malformed status line or headers: the server's bug
    ("request", False),  # a request the client cannot make (an unsupported scheme)
]


@pytest.mark.parametrize(("kind", "passes"), WIRE_FAILURES)
def test_wire_failure_passes(kind: decide.WireFailure, passes: bool) -> None:
    assert decide.wire_failure_passes(kind) is passes


def test_every_wire_failure_kind_has_a_row() -> None:
    from typing import get_args

    assert {kind for kind, _ in WIRE_FAILURES} == set(get_args(decide.WireFailure))
