"""The archive's promise as a stateful property: every article a feed lists ends up in
``_posts`` exactly once, whatever happens in between.

A hypothesis ``RuleBasedStateMachine`` drives a real feed server on 127.0.0.1
(tests/support/feed_world.py) and the real CLI (``python -m rssarchive run``, a
subprocess per run) through random sequences of

- feed changes, several per step (the CLI's start-up is the slow part, so each run sees
  a batch of them): items added (at the top or the bottom, or a burst of up to 30),
  removed, listed again, reordered (reversed, shuffled, oldest first); links gaining
  or changing tracking parameters while the guid stays; guids missing, rotated (same
  link, new guid) or shared by different articles; article pages edited;
- runs that end on their own, runs killed (SIGKILL to the run's whole process group)
  after a drawn delay or once they have written a drawn number of posts, and runs on a
  full disk: the CLI under a file size limit (RLIMIT_FSIZE, see
  tests/support/full_disk_cli.py), so that any write past it fails with EFBIG;
- the state database deleted, emptied, or its bytes overwritten.

**The model.** An article is one page, ``/a/<n>.html``: ``n`` is its identity, and a post
belongs to the article whose path its ``from:`` URL names. Two items are the same
article exactly when they link the same page: a guid shared by different pages does not
make them one article, and a link that differs only in its query string with the same
guid (tracking parameters, known to rssarchive like ``utm_source`` or not like ``ref``)
is the same article.

What an archiver can know is limited by what the feed shows, and the model says so:

- *Strict* articles must have exactly one post. An article becomes strict when a run
  that ended with exit code 0 was served a feed listing it, unless that listing was
  *guid-ambiguous*: the item's guid had been carried by another page in a feed served
  earlier and no item of this feed shows the sharing (then the item looks exactly like
  that other article whose link changed, and skipping it is a fair reading).
- Every other article has at most one post (a killed run may leave it pending, and an
  article only ever listed to killed runs, then removed, may never be archived).
- A link changes beyond known tracking parameters (``ref=…``) only for an article whose
  guid no other page ever carries and never changes: the guid is then the only thing
  that tells it is the same article. So that the archiver *can* know, the guid must have
  been kept: when the state database is lost, the model assumes the archiver recovers
  it as of its last run that ended with exit 0 (the issue's consistent copy), plus the
  posts written since, which carry only their URL. An article whose post was written
  after that run and whose link changed this way may then get a second post (the
  design's stated limit); it gets no further link changes.

**The invariant**, checked after every step:

- no article has more posts than the model allows, and each strict article has one;
- every post parses: front matter with ``title`` and ``from:`` of one of our articles,
  and the body's end (no partial post);
- no temporary dot-file is left in ``_posts`` by a run that ended on its own;
- the state database agrees with ``_posts``: every article it says is done has its post
  (always); after a run that ended with 0, the done rows and the posts match one to one;
- a run that was not killed prints valid JSON for ``--json`` and no traceback, and exits
  0 (1 allowed only on the full disk); ``status --json`` exits without a traceback and
  prints valid JSON.

**Profiles.** ``make test`` runs the bounded profile: derandomized (the same examples on
every machine), a few examples of a few steps, under a minute on two cores. The long
profile, ``RSSARCHIVE_PROPERTY_PROFILE=long pytest tests/e2e/test_invariant.py``, runs 500
random examples of up to 15 steps (about an hour or two); ``RSSARCHIVE_PROPERTY_EXAMPLES``
changes the number of examples of either. A failure prints the shrunk sequence of steps
and a ``@reproduce_failure`` blob that replays it (kills land where timing puts them).
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml
from hypothesis import HealthCheck, Phase, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
)
from support.feed_world import FeedWorld, Item, title_of

REPO = Path(__file__).resolve().parents[2]
FULL_DISK_CLI = Path(__file__).resolve().parents[1] / "support" / "full_disk_cli.py"
# Far longer than any run here takes; only a hung run hits it, and that is a failure.
RUN_TIMEOUT = 120.0
# The runs' clocks (--now): one fixed moment per run, two days apart, so that posts are
# reproducible and a feed backed off after failures is always due again.
FIRST_NOW = datetime(2024, 7, 24, 1, 45, 53, 725000, tzinfo=UTC)
# Items' publication dates, when they have one: long before any run's clock.
FIRST_PUBLISHED = datetime(2020, 1, 1, tzinfo=UTC)
# How often the watcher looks at _posts to kill a run after its n-th post. A trigger,
# not a synchronisation: wherever the kill lands, the invariant must hold.
WATCH_INTERVAL = 0.002
# File size limits of the full disk. SQLite's shared-memory file of a WAL database takes
# 32 kB: below that the database cannot even be opened; just above it, the WAL holds a
# few pages and posts of up to 40 paragraphs (~1-9 kB) fit, the 600-paragraph ones
# (~75 kB) do not; at 200 kB every post fits and the WAL holds dozens of pages.
DISK_LIMITS = (0, 4000, 32768, 34000, 40000, 60000, 200000)

# Every step may start a process: slow by hypothesis's measure.
_SLOW_AND_STATEFUL = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
_PROFILES = {
    "bounded": settings(
        max_examples=15,
        stateful_step_count=10,
        derandomize=True,
        deadline=None,
        database=None,
        # No shrinking: a red `make test` says so in seconds, with the whole sequence of
        # steps; the long profile shrinks its failures to the fewest steps.
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
        suppress_health_check=_SLOW_AND_STATEFUL,
    ),
    "long": settings(
        max_examples=500,
        stateful_step_count=15,
        deadline=None,
        suppress_health_check=_SLOW_AND_STATEFUL,
    ),
}
PROFILE = os.environ.get("RSSARCHIVE_PROPERTY_PROFILE", "bounded")
if PROFILE not in _PROFILES:
    raise ValueError(f"RSSARCHIVE_PROPERTY_PROFILE: one of {', '.join(_PROFILES)}")
SETTINGS = settings(
    _PROFILES[PROFILE],
    max_examples=int(
        os.environ.get("RSSARCHIVE_PROPERTY_EXAMPLES", _PROFILES[PROFILE].max_examples)
    ),
)

# -- feed changes, as plain tuples: indexes are taken modulo what exists, so a change
# never depends on the model's state to be drawn, and shrinks on its own ------------------

_index = st.integers(0, 63)
_add = st.tuples(
    st.just("add"),
    st.sampled_from(["unique", "unique", "none", "shared"]),
    _index,  # the article whose guid a "shared" one takes
    st.booleans(),  # dated
    st.booleans(),  # at the top (the feed's newest) or at the bottom
    st.booleans(),  # its link has tracking parameters from the start
)
_change = st.one_of(
    _add,
    # Many new items at once: one state transaction big enough to outgrow a small WAL
    st.tuples(st.just("burst"), st.integers(5, 30)),
    st.tuples(st.just("remove"), _index),
    st.tuples(st.just("relist"), _index, st.booleans()),
    st.tuples(st.just("reorder"), st.sampled_from(["reverse", "shuffle", "oldest-first"]), _index),
    # known: a tracking parameter rssarchive strips (utm_…, fbclid); unknown: one it
    # keeps (ref=…), which only the guid can tell apart
    st.tuples(st.just("track"), _index, st.just("known")),
    st.tuples(st.just("track"), _index, st.just("unknown")),
    st.tuples(st.just("rotate"), _index, st.booleans()),  # True: the guid goes missing
    st.tuples(st.just("share"), _index, _index),
    st.tuples(st.just("edit"), _index),
)
CHANGES = st.lists(_change, min_size=1, max_size=5)
KNOWN_TRACKERS = ("utm_source=feed&utm_medium=rss", "fbclid=IwAR{}", "utm_campaign=c{}")


@dataclass
class Article:
    number: int
    guid: str | None
    published: str | None
    track: str = ""  # known tracking parameters of its link
    ref: str = ""  # a parameter rssarchive keeps: the link changes beyond tracking
    version: int = 0  # edits of its page
    guid_changed: bool = False  # rotated, removed or taken from another article
    strict: bool = False
    # Posted after the state's last consistent copy when the state was lost: only its
    # URL is known now, so a later link change beyond tracking may archive it again.
    identity_lost: bool = False

    def link(self, base: str) -> str:
        query = "&".join(part for part in (self.ref, self.track) if part)
        return f"{base}/a/{self.number}.html" + (f"?{query}" if query else "")


@dataclass
class Run:
    kind: str
    code: int | None  # None: killed
    stdout: str
    stderr: str


_FROM_PATH = re.compile(r"^https?://127\.0\.0\.1:\d+/a/(\d+)\.html(?:\?.*)?$")


@dataclass(frozen=True)
class Post:
    name: str
    number: int
    source: str


class ArchiveMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="rssarchive-invariant-"))
        self.world = FeedWorld()
        self.articles: dict[int, Article] = {}
        self.listed: list[int] = []  # the feed, newest first
        self.as_atom = False
        self.runs = 0
        self.guid_counter = 0
        # guid -> pages that carried it in a feed served to a run (killed runs included:
        # they may have read it).
        self.served_guids: dict[str, set[int]] = {}
        # guid -> pages that carry or carried it in the model (served or not yet).
        self.carriers: dict[str, set[int]] = {}
        # Articles with a post when the last run ending with 0 ended: what a consistent
        # copy of the state taken then knows with its guid.
        self.backed_up: set[int] = set()
        self.site = self.root / "site"
        self.posts_dir = self.site / "_posts"
        self.state_path = self.root / "state" / "state.sqlite3"
        self.config = self.root / "config.yaml"
        self.last_run: Run | None = None
        data = {
            "site_dir": "site",
            "state_path": "state/state.sqlite3",
            "network": {"allow_private_addresses": True, "timeout": 10, "per_host_delay": 0},
            "feeds": [{"name": "News", "url": self.world.feed_url, "content": "page"}],
        }
        self.config.write_text(yaml.safe_dump(data), encoding="utf-8")

    def teardown(self) -> None:
        self.world.close()
        shutil.rmtree(self.root, ignore_errors=True)

    # -- rules ------------------------------------------------------------------------

    @initialize(as_atom=st.booleans())
    def choose_format(self, as_atom: bool) -> None:
        self.as_atom = as_atom

    @rule(changes=CHANGES)
    def change_feed(self, changes: list[tuple[object, ...]]) -> None:
        for change in changes:
            self._apply(change)

    @rule()
    def run(self) -> None:
        result = self._run()
        event(f"run: exit {result.code}")
        self._check_exit(result, allowed=(0,))
        self._after_completed(result)

    @rule(delay_ms=st.integers(0, 2500))
    def run_killed_after_delay(self, delay_ms: int) -> None:
        result = self._run(kill_after=delay_ms / 1000)
        event("killed after a delay" if result.code is None else "kill came after the run")
        if result.code is not None:
            self._check_exit(result, allowed=(0,))
            self._after_completed(result)

    @rule(posts=st.integers(1, 4))
    def run_killed_after_posts(self, posts: int) -> None:
        result = self._run(kill_at_posts=posts)
        event("killed after posts" if result.code is None else "run wrote fewer posts")
        if result.code is not None:
            self._check_exit(result, allowed=(0,))
            self._after_completed(result)

    @rule(limit=st.sampled_from(DISK_LIMITS))
    def run_on_full_disk(self, limit: int) -> None:
        result = self._run(file_size_limit=limit)
        event(f"full disk ({limit} bytes): exit {result.code}")
        self._check_exit(result, allowed=(0, 1))
        self._after_completed(result)

    @rule(
        how=st.sampled_from(["delete", "empty", "overwrite"]),
        length=st.integers(16, 8192),
        junk=st.binary(min_size=16, max_size=16),
    )
    def lose_state(self, how: str, length: int, junk: bytes) -> None:
        """The state database lost: deleted (with its WAL), emptied, or its first bytes
        (the header and more) overwritten, which SQLite always notices. Whatever else
        lies beside it (a consistent copy, a lock) is left alone. (What is drawn does
        not depend on the files: hypothesis replays a sequence by its draws.)"""
        db = self.state_path
        if not db.exists():
            return
        if how == "delete":
            for suffix in ("", "-wal", "-shm"):
                with contextlib.suppress(FileNotFoundError):
                    db.with_name(db.name + suffix).unlink()
        elif how == "empty":
            db.write_bytes(b"")
        else:
            length = min(length, max(16, db.stat().st_size))
            # Never the header SQLite wrote: its first 16 bytes name the format.
            junk = junk if junk != b"SQLite format 3\x00" else b"\xff" * 16
            with open(db, "r+b") as handle:
                handle.write((junk * (length // 16 + 1))[:length])
        posted = {post.number for post in self._posts()}
        for number in posted - self.backed_up:
            self.articles[number].identity_lost = True
        self._check_status()

    # -- invariants ---------------------------------------------------------------------

    @invariant()
    def posts_whole_and_never_too_many(self) -> None:
        counts: dict[int, list[str]] = {}
        for post in self._posts():
            counts.setdefault(post.number, []).append(post.name)
        for number, names in counts.items():
            article = self.articles.get(number)
            assert article is not None, f"posts {names} belong to no article of the feed"
            allowed = 2 if article.identity_lost and article.ref else 1
            assert len(names) <= allowed, (
                f"article {number} ({self._describe(article)}) has {len(names)} posts: {names}"
            )
        for number, article in self.articles.items():
            if article.strict:
                assert number in counts, (
                    f"article {number} ({self._describe(article)}) was listed to a run that "
                    "ended with 0 and has no post"
                )

    @invariant()
    def done_rows_have_their_posts(self) -> None:
        posts = {post.name: post for post in self._posts()}
        for url, status, filename in self._rows():
            if status != "done":
                continue
            post = posts.get(filename or "")
            assert post is not None, f"the state says {url} is done in {filename}: no such post"
            assert post.source == url, f"{filename} is from {post.source}, the state says {url}"

    # -- running the CLI --------------------------------------------------------------

    def _run(
        self,
        *,
        kill_after: float | None = None,
        kill_at_posts: int | None = None,
        file_size_limit: int | None = None,
    ) -> Run:
        self.runs += 1
        snapshot = self._serve()
        now = FIRST_NOW + timedelta(days=2 * self.runs)
        args = ["--config", str(self.config), "run", "--json", "--now", now.isoformat()]
        if file_size_limit is None:
            command = [sys.executable, "-m", "rssarchive", *args]
            kind = "run"
        else:
            command = [sys.executable, str(FULL_DISK_CLI), str(file_size_limit), *args]
            kind = f"run on a full disk ({file_size_limit} bytes)"
        before = set(self._post_names())
        # Pipes, not files: the full disk's size limit would apply to a file.
        process = subprocess.Popen(
            command,
            env=_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
            cwd=self.root,
        )
        code: int | None
        try:
            if kill_after is not None:
                kind = f"run killed after {kill_after:.3f} s"
                code = _wait_or_kill(process, kill_after)
            elif kill_at_posts is not None:
                kind = f"run killed at its post {kill_at_posts}"
                code = self._kill_at_posts(process, before, kill_at_posts)
            else:
                code = _wait_or_dump(process)
        finally:
            _end_session(process)
        # The run is over: what is left in the pipes is all there is (a report of a few
        # lines, far below a pipe's buffer, so the run never blocked on it).
        stdout, stderr = process.communicate(timeout=RUN_TIMEOUT)
        result = Run(kind, code, stdout.decode(errors="replace"), stderr.decode(errors="replace"))
        self.last_run = result
        if result.code == 0:
            # Listed to a run that archived everything: strict, unless guid-ambiguous.
            for item in snapshot:
                if not self._ambiguous(item, snapshot):
                    self.articles[item.number].strict = True
        if result.code != 0:  # after 0, _after_completed asks status (and compares)
            self._check_status()
        return result

    def _kill_at_posts(
        self, process: subprocess.Popen[bytes], before: set[str], n: int
    ) -> int | None:
        deadline = time.monotonic() + RUN_TIMEOUT
        while process.poll() is None:
            if len(set(self._post_names()) - before) >= n:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=RUN_TIMEOUT)
                return None
            if time.monotonic() > deadline:
                _wait_or_dump(process, timeout=0)
            time.sleep(WATCH_INTERVAL)
        return process.returncode

    def _serve(self) -> list[Item]:
        snapshot = [self._item(self.articles[n]) for n in self.listed]
        self.world.set_feed(snapshot, as_atom=self.as_atom)
        for item in snapshot:
            if item.guid is not None:
                self.served_guids.setdefault(item.guid, set()).add(item.number)
        return snapshot

    def _ambiguous(self, item: Item, snapshot: list[Item]) -> bool:
        """The item's guid was carried by another page in an earlier feed, and no other
        item of this feed shows the sharing: it looks like that article, moved."""
        if item.guid is None:
            return False
        others = self.served_guids.get(item.guid, set()) - {item.number}
        if not others:
            return False
        return not any(o.guid == item.guid and o.number != item.number for o in snapshot)

    def _item(self, article: Article) -> Item:
        return Item(article.number, article.link(self.world.base), article.guid, article.published)

    def _check_exit(self, result: Run, *, allowed: tuple[int, ...]) -> None:
        where = f"{result.kind}: exit {result.code}\nstderr: {result.stderr[-2000:]}"
        assert "Traceback" not in result.stderr, f"a traceback: {where}"
        try:
            report = json.loads(result.stdout)
        except ValueError:
            raise AssertionError(
                f"--json printed no JSON document: {result.stdout!r}; {where}"
            ) from None
        assert isinstance(report, dict), where
        assert result.code in allowed, where

    def _after_completed(self, result: Run) -> None:
        """What holds once a run has ended on its own."""
        temps = [name for name in self._all_names() if name.startswith(".")]
        assert not temps, f"{result.kind} ended (exit {result.code}) leaving {temps}"
        if result.code != 0:
            return
        posts = {post.name: post for post in self._posts()}
        done = {filename: url for url, status, filename in self._rows() if status == "done"}
        assert set(done) == set(posts), (
            f"after a run ending with 0, the state's done posts {sorted(done)} are not "
            f"_posts {sorted(posts)}"
        )
        self.backed_up = {post.number for post in posts.values()}
        status = self._check_status()
        assert status.get("posts") == len(posts), (
            f"status --json says {status.get('posts')} posts; _posts has {len(posts)}"
        )

    def _check_status(self) -> dict[str, object]:
        status = subprocess.run(
            [sys.executable, "-m", "rssarchive", "--config", str(self.config), "status", "--json"],
            env=_env(),
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT,
            cwd=self.root,
            check=False,
        )
        where = f"status --json: exit {status.returncode}\nstderr: {status.stderr[-2000:]}"
        assert "Traceback" not in status.stderr, f"a traceback: {where}"
        try:
            data = json.loads(status.stdout)
        except ValueError:
            raise AssertionError(
                f"status --json printed no JSON: {status.stdout!r}; {where}"
            ) from None
        assert isinstance(data, dict), where
        return data

    # -- the model's feed changes -----------------------------------------------------

    def _apply(self, change: tuple[object, ...]) -> None:
        kind = change[0]
        numbers = sorted(self.articles)
        if kind == "add":
            _, style, pick, dated, top, tracked = change
            number = len(self.articles)
            guid = self._new_guid(number)
            if style == "none":
                guid = None
            elif style == "shared":
                givers = [n for n in numbers if self._may_share(n)]
                if givers:
                    guid = self.articles[givers[int(pick) % len(givers)]].guid
            published = None
            if dated:
                moment = FIRST_PUBLISHED + timedelta(hours=number)
                published = moment.strftime("%a, %d %b %Y %H:%M:%S +0000")
            article = Article(number, guid, published)
            article.guid_changed = style == "shared" and guid is not None
            if tracked:
                article.track = KNOWN_TRACKERS[0]
            self.articles[number] = article
            if guid is not None:
                self.carriers.setdefault(guid, set()).add(number)
            self.world.set_page(number, 0)
            self.listed.insert(0 if top else len(self.listed), number)
        elif kind == "burst":
            for _ in range(int(change[1])):
                self._apply(("add", "unique", 0, False, True, False))
        elif kind == "remove" and self.listed:
            self.listed.pop(int(change[1]) % len(self.listed))
        elif kind == "relist":
            unlisted = [n for n in numbers if n not in self.listed]
            if unlisted:
                number = unlisted[int(change[1]) % len(unlisted)]
                self.listed.insert(0 if change[2] else len(self.listed), number)
        elif kind == "reorder" and self.listed:
            how = change[1]
            if how == "reverse":
                self.listed.reverse()
            elif how == "oldest-first":
                self.listed.sort()
            else:
                random.Random(int(change[2])).shuffle(self.listed)
        elif kind == "track" and change[2] == "known" and numbers:
            article = self.articles[numbers[int(change[1]) % len(numbers)]]
            self.guid_counter += 1
            article.track = KNOWN_TRACKERS[self.guid_counter % 3].format(self.guid_counter)
        elif kind == "track":
            # Among the articles whose guid alone can tell (drawn among them, so that the
            # change is rarely a no-op).
            eligible = [a for a in self.articles.values() if self._may_change_ref(a)]
            if eligible:
                article = eligible[int(change[1]) % len(eligible)]
                self.guid_counter += 1
                article.ref = f"ref=rss{self.guid_counter}"
        elif kind == "rotate" and numbers:
            article = self.articles[numbers[int(change[1]) % len(numbers)]]
            if not article.ref:  # a link changed beyond tracking keeps its guid
                article.guid = None if change[2] else self._new_guid(article.number)
                article.guid_changed = True
                if article.guid is not None:
                    self.carriers.setdefault(article.guid, set()).add(article.number)
        elif kind == "share" and len(numbers) > 1:
            giver = self.articles[numbers[int(change[1]) % len(numbers)]]
            taker = self.articles[numbers[int(change[2]) % len(numbers)]]
            if giver is not taker and self._may_share(giver.number) and not taker.ref:
                taker.guid = giver.guid
                taker.guid_changed = True
                assert giver.guid is not None
                self.carriers.setdefault(giver.guid, set()).add(taker.number)
        elif kind == "edit" and numbers:
            article = self.articles[numbers[int(change[1]) % len(numbers)]]
            article.version += 1
            self.world.set_page(article.number, article.version)

    def _new_guid(self, number: int) -> str:
        self.guid_counter += 1
        return f"urn:invariant:{number}:{self.guid_counter}"

    def _may_share(self, number: int) -> bool:
        """A guid may be given to another page unless its link changed beyond tracking
        (then the guid is all that identifies it)."""
        article = self.articles[number]
        return article.guid is not None and not article.ref

    def _may_change_ref(self, article: Article) -> bool:
        """Only an article that its own guid, and only it, has always identified."""
        return (
            article.guid is not None
            and not article.guid_changed
            and self.carriers.get(article.guid) == {article.number}
            and not article.identity_lost
        )

    def _describe(self, article: Article) -> str:
        return (
            f"guid {article.guid!r}, link {article.link(self.world.base)}, "
            f"listed {article.number in self.listed}, last run: "
            + (
                "none"
                if self.last_run is None
                else f"{self.last_run.kind}, exit {self.last_run.code}, "
                f"stderr {self.last_run.stderr[-600:]!r}"
            )
        )

    # -- reading the archive ------------------------------------------------------------

    def _all_names(self) -> list[str]:
        try:
            return sorted(os.listdir(self.posts_dir))
        except FileNotFoundError:
            return []

    def _post_names(self) -> list[str]:
        return [name for name in self._all_names() if not name.startswith(".")]

    def _posts(self) -> list[Post]:
        """Every post, each checked to be whole and to be one of our articles'."""
        posts = []
        for name in self._post_names():
            data = (self.posts_dir / name).read_bytes()
            text = data.decode("utf-8")  # strict: a post is valid UTF-8
            lines = text.split("\n")
            assert lines[0] == "---" and "---" in lines[1:], f"{name}: no front matter"
            front = yaml.safe_load("\n".join(lines[1 : lines.index("---", 1)]))
            assert isinstance(front, dict), f"{name}: front matter is not a mapping"
            source = front.get("from")
            match = _FROM_PATH.match(source) if isinstance(source, str) else None
            assert match, f"{name}: from: {source!r} is not an article of the feed"
            number = int(match[1])
            assert front.get("title") == title_of(number), f"{name}: title {front.get('title')!r}"
            assert text.endswith("</div>\n"), f"{name}: cut short: …{text[-80:]!r}"
            assert f"{title_of(number)} (edit " in text, f"{name}: not its article's text"
            posts.append(Post(name, number, str(source)))
        return posts

    def _rows(self) -> list[tuple[str, str, str | None]]:
        """The articles table, read from a copy (opening the database itself would
        recover and checkpoint its WAL: the next run must find it as the last one left
        it). A database SQLite cannot read has no rows here."""
        if not self.state_path.exists():
            return []
        scratch = self.root / "scratch"
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir()
        copy = scratch / self.state_path.name
        for suffix in ("", "-wal"):
            source = self.state_path.with_name(self.state_path.name + suffix)
            if source.exists():
                shutil.copyfile(source, copy.with_name(copy.name + suffix))
        conn = sqlite3.connect(copy)
        try:
            rows = conn.execute("SELECT url, status, filename FROM articles").fetchall()
        except sqlite3.DatabaseError:
            return []  # lost or corrupt: the rule that did it said so
        finally:
            conn.close()
        return [(str(u), str(s), None if f is None else str(f)) for u, s, f in rows]


def _wait_or_kill(process: subprocess.Popen[bytes], delay: float) -> int | None:
    try:
        return process.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=RUN_TIMEOUT)
        return None


def _wait_or_dump(process: subprocess.Popen[bytes], timeout: float = RUN_TIMEOUT) -> int:
    """The run's exit code; a run that hangs is stopped with SIGABRT, so that its
    faulthandler (on in ``_env``) shows where every thread of it was waiting."""
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGABRT)
        _, stderr = process.communicate(timeout=RUN_TIMEOUT)
        raise AssertionError(
            f"a run did not end within {RUN_TIMEOUT} s; where it was:\n"
            + stderr.decode(errors="replace")[-6000:]
        ) from None


def _end_session(process: subprocess.Popen[bytes]) -> None:
    """Kill what the run left running in its session (its worker processes, after a
    kill): only processes this test started, by their process group."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=RUN_TIMEOUT)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def _env() -> dict[str, str]:
    paths = [str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths), "PYTHONFAULTHANDLER": "1"}


ArchiveMachine.TestCase.settings = SETTINGS
TestArchiveInvariant = ArchiveMachine.TestCase
