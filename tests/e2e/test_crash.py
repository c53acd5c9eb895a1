"""Crash safety ("The machine" in shared/design/hazards.md), through the real CLI.

Every run here is a real ``python -m rssarchive`` process against a real HTTP server on
127.0.0.1 (the standard library's, in a thread of this process):

- ``kill -9`` at random points of a 30-article backfill, each followed by a normal run:
  exactly 30 valid posts, no temporary file, the state database agreeing with them;
- a killed run leaves no helper process running;
- two runs at once: the second exits 75 at once and touches nothing;
- the state database deleted or corrupt: rebuilt from the posts, nothing archived twice.

The kill points are random but seeded: half at a random time in the run's measured
duration, half a random moment after a random post of the run appeared (so that a slow,
busy machine still gets kills in the middle of the work). A failure names the seed, the
episode and the kill point, and ``RSSARCHIVE_CRASH_SEED=<seed> pytest tests/e2e/test_crash.py``
replays it as far as timing allows; ``pytest -s`` prints where the kills landed.
"""

from __future__ import annotations

import collections
import contextlib
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from conftest import Site

REPO = Path(__file__).resolve().parents[2]
SEED = int(os.environ.get("RSSARCHIVE_CRASH_SEED", "20240724"))
ARTICLES = 30
KILLS = 50
# How many runs in a row one episode kills before its normal run: 1 is the issue's
# "kill, then a normal run"; the longer chains also kill the recovery runs themselves
# (and need fewer fresh backfills and normal runs, which keeps the test fast).
CHAIN_LENGTHS = (1, 2, 3, 4, 5)
# Per request: long enough that many kills land while a page is being downloaded, short
# enough that 50 kills and their recovery runs stay around a minute.
REQUEST_DELAY = 0.01
# A fixed clock (the CLI's --now) makes every post byte for byte predictable, so a post
# written by a recovery run can be compared with the one an uninterrupted run writes.
NOW = "2024-07-24T01:45:53.725Z"
RUN_TIMEOUT = 120.0

# -- the server ---------------------------------------------------------------------

_PAGE_PATH = re.compile(r"^/(\w+)/(\d+)\.html$")


def page(section: str, number: int) -> bytes:
    """A distinct article page: a title and a div#storytext of a few paragraphs."""
    title = f"{section} story {number} — 第{number}篇"
    body = "".join(
        f"<p>{title}: paragraph {i} of a test article with enough words to count as "
        f"the body of a news story for the extractor.</p>"
        for i in range(4)
    )
    return (
        f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>"
        f"<div id='storytext'>{body}</div></body></html>"
    ).encode()


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client killed mid-request is what these tests do on purpose


class ArticleServer:
    """Article pages at ``/<section>/<n>.html``; slow on demand, or held at a gate."""

    def __init__(self) -> None:
        self.delay = REQUEST_DELAY
        self.gate = threading.Event()  # cleared: every request waits until it is set
        self.gate.set()
        # A path whose requests wait until ``released`` is set (see hold): a run that
        # needs it cannot finish, wherever the rest of it is.
        self._held: str | None = None
        self.released = threading.Event()
        self.released.set()
        self._lock = threading.Lock()
        self._in_flight = 0
        self._paths: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as httpx and real servers use
            disable_nagle_algorithm = True  # headers and body are two writes

            def do_GET(self) -> None:
                server._serve(self)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> ArticleServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.gate.set()
        self.released.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=10)

    def urls(self, section: str, count: int = ARTICLES) -> list[str]:
        port = self._httpd.server_address[1]
        return [f"http://127.0.0.1:{port}/{section}/{n}.html" for n in range(count)]

    @property
    def in_flight(self) -> int:
        with self._lock:
            return self._in_flight

    def paths(self) -> list[str]:
        with self._lock:
            return list(self._paths)

    def hold(self, path: str) -> None:
        """Stall every request for ``path`` until :meth:`reset`."""
        self.released.clear()
        self._held = path

    def reset(self) -> None:
        self.delay = REQUEST_DELAY
        self.gate.set()
        self._held = None
        self.released.set()
        with self._lock:
            self._paths.clear()

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        with self._lock:
            self._in_flight += 1
            self._paths.append(handler.path)
        try:
            self.gate.wait(timeout=60)
            if handler.path == self._held:
                self.released.wait(timeout=60)
            time.sleep(self.delay)
            match = _PAGE_PATH.match(handler.path)
            if match is None:
                handler.send_error(404)
                return
            body = page(match[1], int(match[2]))
            handler.send_response(200)
            handler.send_header("Content-Type", "text/html; charset=utf-8")
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)
        except OSError:
            pass  # the client was killed
        finally:
            with self._lock:
                self._in_flight -= 1


# -- the archive under test ---------------------------------------------------------


@dataclass(frozen=True)
class Row:
    url: str
    status: str
    filename: str | None


class Crashable(Site):
    """A site whose runs are separate processes that can be killed."""

    def __init__(self, root: Path, server: ArticleServer) -> None:
        super().__init__(root)
        self.server = server
        self.state = root / "state" / "state.sqlite3"
        self.scratch = root / "scratch"
        self.log = root / "last-run.log"
        self.sessions: list[int] = []  # of the runs started: what they leave can be found
        self.write_config(
            [{"name": "News", "url": server.urls("feed", 1)[0], "content": "page"}],
            timeout=10,
        )

    def command(self, urls: list[str]) -> list[str]:
        return [
            sys.executable,
            "-m",
            "rssarchive",
            "--config",
            str(self.config),
            "backfill",
            "--now",
            NOW,
            *urls,
        ]

    def start(self, urls: list[str], *, pipe: bool = False) -> Run:
        """Start a backfill in a session of its own; without ``pipe``, its output goes
        to ``last-run.log`` (read by :meth:`last_log` when it did not end as expected)."""
        with contextlib.ExitStack() as stack:
            log = None if pipe else stack.enter_context(open(self.log, "w"))
            process = subprocess.Popen(
                self.command(urls),
                env=_env(),
                stdout=subprocess.PIPE if pipe else log,
                stderr=subprocess.PIPE if pipe else subprocess.STDOUT,
                text=True,
                start_new_session=True,
            )
        self.sessions.append(process.pid)
        return process

    def last_log(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-3000:]

    def run(self, urls: list[str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.command(urls),
            env=_env(),
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT,
            check=False,
        )

    def left_running(self) -> int:
        """How many of the runs started have processes running (their own is dead)."""
        return sum(1 for session in self.sessions if _processes_in(session))

    def end_left_running(self) -> None:
        """Kill what the runs started here left running: only processes they started."""
        for session in self.sessions:
            if _processes_in(session):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(session, signal.SIGKILL)
        self.sessions.clear()

    def wipe(self) -> None:
        shutil.rmtree(self.root / "site", ignore_errors=True)
        shutil.rmtree(self.root / "state", ignore_errors=True)

    def copy_from(self, other: Crashable) -> None:
        for part in ("site", "state"):
            shutil.copytree(other.root / part, self.root / part)

    def count_posts(self) -> int:
        try:
            return sum(1 for name in os.listdir(self.posts) if not name.startswith("."))
        except FileNotFoundError:
            return 0

    def files(self) -> tuple[dict[str, bytes], list[str]]:
        """(posts by name, temporary dot-files) in ``_posts``."""
        try:
            names = sorted(os.listdir(self.posts))
        except FileNotFoundError:
            return {}, []
        posts: dict[str, bytes] = {}
        for name in names:
            if not name.startswith("."):
                posts[name] = (self.posts / name).read_bytes()
        return posts, [name for name in names if name.startswith(".")]

    def rows(self) -> list[Row]:
        """The articles table, read from a copy so that the database itself is untouched
        (opening it would recover and checkpoint its write-ahead log)."""
        if not self.state.exists():
            return []
        shutil.rmtree(self.scratch, ignore_errors=True)
        self.scratch.mkdir()
        copy = self.scratch / self.state.name
        # A new database is created before it is switched to WAL: a kill then leaves
        # a rollback journal, which its copy needs as much as a write-ahead log.
        for suffix in ("", "-wal", "-journal"):
            source = self.state.with_name(self.state.name + suffix)
            if source.exists():
                shutil.copyfile(source, copy.with_name(copy.name + suffix))
        conn = sqlite3.connect(copy)
        try:
            found = conn.execute(
                "SELECT url, status, filename FROM articles ORDER BY id"
            ).fetchall()
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                return []  # killed while the schema was being created
            raise
        finally:
            conn.close()
        return [Row(str(url), str(status), filename) for url, status, filename in found]


Run = subprocess.Popen[str]


def _env() -> dict[str, str]:
    paths = [str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}


def _processes_in(session: int) -> list[str]:
    """Live processes (not zombies) of a session, as "pid command line" (Linux /proc)."""
    found: list[str] = []
    proc = Path("/proc")
    if not proc.is_dir():
        return found
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cmdline = (entry / "cmdline").read_bytes()
        except (OSError, IndexError):
            continue
        # After the command: state, ppid, pgrp, session.
        if int(fields[3]) == session and fields[0] != "Z":
            command = cmdline.replace(b"\0", b" ").decode(errors="replace")
            found.append(f"{entry.name} {command}")
    return found


def kill_9(process: Run) -> int:
    os.kill(process.pid, signal.SIGKILL)
    return process.wait(timeout=RUN_TIMEOUT)


@pytest.fixture(scope="module")
def module_server() -> Iterator[ArticleServer]:
    with ArticleServer() as running:
        yield running


@pytest.fixture
def server(module_server: ArticleServer) -> ArticleServer:
    module_server.reset()
    return module_server


@pytest.fixture
def site(tmp_path: Path, server: ArticleServer) -> Iterator[Crashable]:
    crashable = Crashable(tmp_path, server)
    try:
        yield crashable
    finally:
        crashable.end_left_running()


@dataclass(frozen=True)
class Archived:
    """One complete, uninterrupted 30-article backfill, shared by the tests."""

    site: Crashable
    urls: list[str]
    reference: dict[str, bytes]  # its posts: what every run must write, byte for byte
    duration: float  # seconds, from process start to exit
    startup: float  # seconds, from process start to its first request


@pytest.fixture(scope="module")
def archived(tmp_path_factory: pytest.TempPathFactory, module_server: ArticleServer) -> Archived:
    module_server.reset()
    site = Crashable(tmp_path_factory.mktemp("archived"), module_server)
    urls = module_server.urls("story")
    started = time.monotonic()
    process = site.start(urls, pipe=True)
    while not module_server.paths() and process.poll() is None:
        time.sleep(0.002)
    startup = time.monotonic() - started
    _, err = process.communicate(timeout=RUN_TIMEOUT)
    duration = time.monotonic() - started
    assert process.returncode == 0, err
    reference, temps = site.files()
    assert len(reference) == ARTICLES and temps == []
    return Archived(site, urls, reference, duration, startup)


# -- what every post and the state must look like ----------------------------------------


def front_matter(text: str) -> dict[str, object]:
    lines = text.split("\n")
    assert lines[0] == "---", "post does not start with front matter"
    end = lines.index("---", 1)
    loaded = yaml.safe_load("\n".join(lines[1:end]))
    assert isinstance(loaded, dict), "front matter is not a mapping"
    return loaded


def source_of(data: bytes) -> str:
    return str(front_matter(data.decode("utf-8"))["from"])


def check_post(name: str, data: bytes, urls: set[str], reference: dict[str, bytes]) -> str:
    """Assert that ``data`` is a whole, valid post; return its ``from:`` URL."""
    text = data.decode("utf-8")  # strict: every post is valid UTF-8
    source = front_matter(text).get("from")
    assert isinstance(source, str) and source in urls, f"{name}: from: {source!r} is not ours"
    assert text.endswith("</div>\n"), f"{name}: post is cut short: ...{text[-60:]!r}"
    assert data == reference.get(name), f"{name}: differs from the uninterrupted run's post"
    return source


def check_complete(site: Crashable, urls: list[str], reference: dict[str, bytes]) -> None:
    """After a normal run: 30 valid posts, distinct, no temporary file, state agreeing."""
    posts, temps = site.files()
    assert temps == [], f"temporary files left in _posts: {temps}"
    assert len(posts) == len(urls), f"{len(posts)} posts, not {len(urls)}: {sorted(posts)}"
    sources = {name: check_post(name, data, set(urls), reference) for name, data in posts.items()}
    assert sorted(sources.values()) == sorted(urls), "a URL is missing or archived twice"
    rows = site.rows()
    statuses = collections.Counter(row.status for row in rows)
    assert statuses == {"done": len(urls)}, f"state rows by status: {dict(statuses)}"
    assert {row.filename: row.url for row in rows} == sources, "state disagrees with _posts"
    assert not list(site.state.parent.glob("*.corrupt")), "a killed run's state looked corrupt"


def check_at_kill(site: Crashable, urls: list[str], reference: dict[str, bytes]) -> None:
    """What holds at every instant, before any recovery: a post is whole or absent, a post
    always has its row (pending or done), and a done row always has its post."""
    posts, _ = site.files()
    sources = {name: check_post(name, data, set(urls), reference) for name, data in posts.items()}
    assert len(set(sources.values())) == len(sources), "a URL has two posts"
    rows = {row.url: row for row in site.rows()}
    for name, source in sources.items():
        row = rows.get(source)
        assert row is not None, f"{name} is in _posts but its article has no state row"
        assert row.status in ("pending", "done"), f"{name}: row is {row.status}"
    for row in rows.values():
        if row.status == "done":
            assert row.filename is not None and sources.get(row.filename) == row.url, (
                f"{row.url} is marked done but {row.filename} does not hold it"
            )


# -- kill -9 at random points ---------------------------------------------------------


@dataclass
class Kill:
    where: str
    trigger: str  # "time" or "posts"
    posts: int  # posts in _posts just after the kill
    phase: str


@dataclass
class Tally:
    kills: list[Kill] = field(default_factory=list)
    episodes: int = 0
    missed: int = 0  # runs that were over before their kill came
    with_workers: int = 0  # kills that left the run's helper processes behind
    left_running: int = 0  # ... and those still running after the normal run

    def histogram(self, trigger: str | None = None) -> dict[str, int]:
        buckets = {"0": 0, "1-10": 0, "11-29": 0, "30": 0}
        for kill in self.kills:
            if trigger is not None and kill.trigger != trigger:
                continue
            if kill.posts == 0:
                buckets["0"] += 1
            elif kill.posts <= 10:
                buckets["1-10"] += 1
            elif kill.posts < ARTICLES:
                buckets["11-29"] += 1
            else:
                buckets["30"] += 1
        return buckets

    def phases(self) -> dict[str, int]:
        return dict(collections.Counter(kill.phase for kill in self.kills).most_common())

    def report(self, archived: Archived) -> str:
        return (
            f"kill -9: seed {SEED}, {len(self.kills)} kills in {self.episodes} episodes, "
            f"{self.missed} runs over before their kill; an uninterrupted backfill took "
            f"{archived.duration:.2f} s ({archived.startup:.2f} s to its first request)\n"
            f"posts at kill time: {self.histogram()}\n"
            f"  killed at a random time: {self.histogram('time')}\n"
            f"  killed after a random post: {self.histogram('posts')}\n"
            f"kill points: {self.phases()}\n"
            f"killed runs that left processes behind: {self.with_workers} "
            f"(still running after the normal run: {self.left_running})"
        )


Snapshot = tuple[list[Row], list[str], list[str]]


def snapshot(site: Crashable) -> Snapshot:
    posts, temps = site.files()
    return site.rows(), sorted(posts), temps


def phase_of(site: Crashable, before: Snapshot, in_flight: int) -> str:
    """Where in the order of work the kill landed, as far as the files show it (a kill
    inside an SQLite commit looks like one just before or just after it)."""
    rows, posts, temps = after = snapshot(site)
    if after == before:
        return "start-up: nothing changed yet"
    if temps:
        return "temporary file written, not renamed"
    pending = {row.url for row in rows if row.status == "pending"}
    if pending & {source_of((site.posts / name).read_bytes()) for name in posts}:
        return "post renamed, row not yet done"
    if pending and len(rows) < ARTICLES:
        return "rows still being recorded as pending"
    if pending and in_flight:
        return "rows pending, a page download in flight"
    if pending:
        return "rows pending, no download in flight"
    if len(posts) == ARTICLES:
        return "all done, before exit"
    return "rows done, next not begun"


def test_hazard_kill_9_at_random_points_loses_and_duplicates_nothing(
    site: Crashable, archived: Archived
) -> None:
    # The uninterrupted backfill gives the reference posts, and the range of the delays.
    rng = random.Random(SEED)
    tally = Tally()
    while len(tally.kills) < KILLS:
        tally.episodes += 1
        assert tally.episodes <= 4 * KILLS, f"seed {SEED}: kills keep missing the runs"
        _kill_episode(site, archived, rng, tally)
        # What the killed runs left running stayed up during the normal run (it must not
        # be in its way); now it goes. test_hazard_kill_9_leaves_no_process_running
        # is the test for it.
        tally.left_running += site.left_running()
        site.end_left_running()
    print("\n" + tally.report(archived))
    histogram = tally.histogram()
    mid_run = histogram["1-10"] + histogram["11-29"]
    assert histogram["0"] and mid_run, f"the kills did not spread\n{tally.report(archived)}"
    assert tally.left_running == 0, tally.report(archived)


def _kill_episode(site: Crashable, archived: Archived, rng: random.Random, tally: Tally) -> None:
    """From an empty site: kill 1-5 runs in a row, then a normal run; check each step."""
    urls, reference = archived.urls, archived.reference
    site.wipe()
    completed = False  # a run was over before its kill: it was the normal run
    for run in range(rng.choice(CHAIN_LENGTHS)):
        before = snapshot(site)
        # Half the kills come at a random time in [0, duration] (a recovery run has less
        # to do: a shorter range); on a busy machine those bunch up in the start-up. The
        # other half come at a random moment after a random post of the run appeared:
        # wherever the run is in its work, however slow the machine is.
        remaining = ARTICLES - len(before[1])
        trigger = rng.choice(("time", "posts")) if remaining else "time"
        if trigger == "time":
            # Over the whole run: start-up, then its share of the work.
            work = (archived.duration - archived.startup) * remaining / ARTICLES
            delay = rng.uniform(0, archived.startup + work)
            posts = 0
            where = f"{delay:.3f} s after its start"
        else:
            delay = rng.uniform(0, (archived.duration - archived.startup) / ARTICLES)
            posts = len(before[1]) + rng.randint(1, remaining)
            where = f"{delay * 1000:.1f} ms after post {posts} appeared"
        where = f"seed {SEED}, episode {tally.episodes}, run {run}, killed {where}"
        process = site.start(urls)
        in_flight = 0
        while posts and site.count_posts() < posts and process.poll() is None:
            time.sleep(0.001)
        try:
            code = process.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            in_flight = site.server.in_flight
            code = kill_9(process)
        if code != -signal.SIGKILL:
            assert code == 0, f"{where}: exit {code} before the kill\n{site.last_log()}"
            tally.missed += 1
            completed = True
            break
        kill = Kill(where, trigger, len(site.files()[0]), phase_of(site, before, in_flight))
        tally.kills.append(kill)
        tally.with_workers += bool(_processes_in(process.pid))
        try:
            check_at_kill(site, urls, reference)
        except AssertionError as exc:
            raise AssertionError(f"{where} ({kill.phase}): {exc}") from exc
        if len(tally.kills) == KILLS:
            break
    where = f"seed {SEED}, episode {tally.episodes}, normal run after {tally.kills[-1].where}"
    if not completed:
        done = site.run(urls)
        assert done.returncode == 0, f"{where}: exit {done.returncode}\n{done.stderr}"
        assert "Traceback" not in done.stderr, f"{where}:\n{done.stderr}"
    try:
        check_complete(site, urls, reference)
    except AssertionError as exc:
        raise AssertionError(f"{where}: {exc}") from exc


def test_hazard_kill_9_leaves_no_process_running(site: Crashable, archived: Archived) -> None:
    # Killed while its extraction worker processes are busy, a run must not leave them
    # running: every cron run killed by a time limit would leave more of them behind.
    process = site.start(archived.urls)
    deadline = time.monotonic() + RUN_TIMEOUT
    while site.count_posts() < 3 and time.monotonic() < deadline:
        time.sleep(0.005)
    assert kill_9(process) == -signal.SIGKILL, site.last_log()
    deadline = time.monotonic() + 2  # time enough to notice that their parent is gone
    while (left := _processes_in(process.pid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not left, f"still running 2 s after kill -9 of the run: {left}"


def test_ctrl_c_ends_the_run_and_its_workers_without_a_traceback(
    site: Crashable, archived: Archived
) -> None:
    # Ctrl-C in a terminal reaches the whole process group, workers included: the run
    # says it was interrupted (exit 130), nothing prints a traceback, nothing is left
    # running, and the next run completes the archive.
    # SIGINT as a terminal leaves it (a background job of a script would ignore it).
    wrapper = (
        "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
        "os.execv(sys.executable, sys.argv[1:])"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", wrapper, *site.command(archived.urls)],
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    site.sessions.append(process.pid)
    deadline = time.monotonic() + RUN_TIMEOUT
    while site.count_posts() < 3 and time.monotonic() < deadline:
        time.sleep(0.005)
    assert _processes_in(process.pid)[1:], "no worker process to interrupt"
    os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=RUN_TIMEOUT)
    assert process.returncode == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert err.strip().splitlines()[-1] == "rssarchive: interrupted"
    deadline = time.monotonic() + 2
    while (left := _processes_in(process.pid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not left, f"still running 2 s after Ctrl-C: {left}"
    done = site.run(archived.urls)
    assert done.returncode == 0, done.stderr
    check_complete(site, archived.urls, archived.reference)


# -- two runs at once -----------------------------------------------------------------


def _tree(root: Path) -> dict[str, tuple[int, int]]:
    return {
        str(path.relative_to(root)): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_hazard_two_runs_at_once_second_exits_75(site: Crashable, server: ArticleServer) -> None:
    first_urls, second_urls = server.urls("first", 2), server.urls("second", 2)
    server.gate.clear()  # the first run stops at its first download, holding the lock
    first = site.start(first_urls, pipe=True)
    try:
        deadline = time.monotonic() + RUN_TIMEOUT
        while not server.paths() and first.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert server.paths(), "the first run never reached the server"
        before = _tree(site.root)
        second = site.run(second_urls)
        assert first.poll() is None, "the second run waited for the first one"
        assert second.returncode == 75, second.stderr
        assert "another rssarchive run holds" in second.stderr, second.stderr
        assert "nothing done" in second.stderr
        assert second.stderr.count("\n") == 1, second.stderr
        assert second.stdout == ""
        assert _tree(site.root) == before, "the second run touched the archive or its state"
        assert not [path for path in server.paths() if path.startswith("/second/")]
    finally:
        server.gate.set()
    out, err = first.communicate(timeout=RUN_TIMEOUT)
    assert first.returncode == 0, err
    assert "new posts: 2" in out
    posts, temps = site.files()
    assert temps == []
    assert sorted(source_of(data) for data in posts.values()) == sorted(first_urls)


# -- the state database deleted or corrupt ----------------------------------------------

Stamped = dict[str, tuple[bytes, int]]


def _stamped(site: Crashable) -> Stamped:
    """The posts, each with its modification time."""
    posts, _ = site.files()
    return {name: (data, (site.posts / name).stat().st_mtime_ns) for name, data in posts.items()}


def _assert_rebuilt(site: Crashable, urls: list[str], posts: Stamped) -> None:
    """Nothing was fetched or written again, and the state holds every post as done."""
    assert site.server.paths() == [], "articles were downloaded again"
    assert _stamped(site) == posts, "posts were rewritten"
    assert site.files()[1] == []
    rows = site.rows()
    assert {row.status for row in rows} == {"done"}
    assert {row.filename: row.url for row in rows} == {
        name: source_of(data) for name, (data, _) in posts.items()
    }
    again = site.run(urls)  # and the rebuilt database is a good one
    assert again.returncode == 0, again.stderr
    assert again.stderr == ""
    assert "new posts: 0, skipped: 30" in again.stdout


def test_hazard_state_database_deleted_is_rebuilt_from_posts(
    site: Crashable, archived: Archived
) -> None:
    site.copy_from(archived.site)
    posts = _stamped(site)
    site.state.unlink()
    _backup(site).unlink()  # every copy gone: the posts are all that is left
    site.server.reset()
    rerun = site.run(archived.urls)
    assert rerun.returncode == 0, rerun.stderr
    assert "warning: new state database: adopted 30 existing posts" in rerun.stderr
    assert "they will not be archived again; 30 articles lost their guid identity" in (rerun.stderr)
    assert "new posts: 0, skipped: 30" in rerun.stdout
    _assert_rebuilt(site, archived.urls, posts)


def _backup(site: Crashable) -> Path:
    return site.state.with_name(site.state.name + ".backup")


def test_state_database_deleted_is_restored_from_its_copy(
    site: Crashable, archived: Archived
) -> None:
    site.copy_from(archived.site)
    posts = _stamped(site)
    copy = _backup(site).stat().st_ino
    site.state.unlink()
    site.server.reset()
    rerun = site.run(archived.urls)
    assert rerun.returncode == 0, rerun.stderr
    assert rerun.stderr.count("\n") == 1, rerun.stderr
    assert "warning: state database was missing; restored from its copy" in rerun.stderr
    assert "and 0 posts written since" in rerun.stderr
    assert "guid identity" not in rerun.stderr
    assert "new posts: 0, skipped: 30" in rerun.stdout
    # Nothing changed: the copy is not written again (a no-op cron run stays cheap).
    assert copy == _backup(site).stat().st_ino
    _assert_rebuilt(site, archived.urls, posts)


def test_hazard_state_database_deleted_after_a_kill_duplicates_nothing(
    site: Crashable, archived: Archived
) -> None:
    # A run killed half way leaves pending rows and its write-ahead log; the user then
    # deletes the database file (not the -wal beside it). One article's page stalls
    # until the kill: the run cannot have finished when it lands, however late (a
    # loaded machine once let the whole backfill end between two looks at _posts).
    site.server.hold(_path(archived.urls[-1]))
    process = site.start(archived.urls)
    deadline = time.monotonic() + RUN_TIMEOUT
    while site.count_posts() < ARTICLES // 2 and time.monotonic() < deadline:
        time.sleep(0.005)
    assert kill_9(process) == -signal.SIGKILL, site.last_log()
    kept, _ = site.files()
    assert 0 < len(kept) < ARTICLES
    site.state.unlink()
    assert not _backup(site).exists(), "a killed run kept a copy of its state"
    site.server.reset()
    rerun = site.run(archived.urls)
    assert rerun.returncode == 0, rerun.stderr
    assert f"adopted {len(kept)} existing posts" in rerun.stderr
    posts, temps = site.files()
    assert temps == []
    assert {name: posts[name] for name in kept} == kept, "a kept post was rewritten"
    assert posts == archived.reference
    missing = set(archived.urls) - {source_of(data) for data in kept.values()}
    assert sorted(site.server.paths()) == sorted(_path(url) for url in missing), (
        "the rerun fetched an article it had already archived, or missed one"
    )
    rows = site.rows()
    assert len(rows) == ARTICLES and {row.status for row in rows} == {"done"}


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


GARBAGE = random.Random(SEED).randbytes(12_288)


def _garble_article_rows(database: Path) -> bytes:
    """The database with the leaf pages of its articles table overwritten: the schema,
    the indexes and the header are intact, only the rows themselves are unreadable."""
    data = bytearray(database.read_bytes())
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        size = int(conn.execute("PRAGMA page_size").fetchone()[0])
        leaves = [
            int(row[0])
            for row in conn.execute(
                "SELECT pageno FROM dbstat WHERE name = 'articles' AND pagetype = 'leaf'"
            )
        ]
    except sqlite3.OperationalError:
        pytest.skip("this SQLite has no dbstat table to find the pages with")
    finally:
        conn.close()
    assert leaves
    rng = random.Random(SEED)
    for page_number in leaves:
        data[(page_number - 1) * size : page_number * size] = rng.randbytes(size)
    return bytes(data)


CORRUPTIONS = ["garbage", "header-zeroed", "article-rows-garbled"]


@pytest.mark.parametrize("corrupt", CORRUPTIONS)
def test_hazard_state_database_corrupt_is_rebuilt_from_posts(
    site: Crashable, archived: Archived, corrupt: str
) -> None:
    site.copy_from(archived.site)
    posts = _stamped(site)
    _backup(site).write_bytes(b"")  # the copy is lost too: only the posts are left
    if corrupt == "garbage":
        bad = GARBAGE  # random bytes
    elif corrupt == "header-zeroed":
        bad = bytes(100) + site.state.read_bytes()[100:]  # a database without its header
    else:
        bad = _garble_article_rows(site.state)
    site.state.write_bytes(bad)
    site.server.reset()
    rerun = site.run(archived.urls)
    assert "Traceback" not in rerun.stderr, rerun.stderr
    assert rerun.returncode == 0, rerun.stderr
    aside = site.state.with_name(site.state.name + ".corrupt")
    assert f"warning: state database was corrupt (moved to {aside})" in rerun.stderr
    assert "has no good copy; rebuilt from 30 posts" in rerun.stderr
    assert "30 articles lost their guid identity" in rerun.stderr
    assert aside.read_bytes() == bad
    assert "new posts: 0, skipped: 30" in rerun.stdout
    _assert_rebuilt(site, archived.urls, posts)


@pytest.mark.parametrize("corrupt", CORRUPTIONS)
def test_state_database_corrupt_is_restored_from_its_copy(
    site: Crashable, archived: Archived, corrupt: str
) -> None:
    site.copy_from(archived.site)
    posts = _stamped(site)
    if corrupt == "garbage":
        bad = GARBAGE
    elif corrupt == "header-zeroed":
        bad = bytes(100) + site.state.read_bytes()[100:]
    else:
        bad = _garble_article_rows(site.state)
    site.state.write_bytes(bad)
    site.server.reset()
    rerun = site.run(archived.urls)
    assert "Traceback" not in rerun.stderr, rerun.stderr
    assert rerun.returncode == 0, rerun.stderr
    aside = site.state.with_name(site.state.name + ".corrupt")
    assert rerun.stderr == (
        f"warning: state database was corrupt (moved to {aside}); restored from its copy "
        f"{_backup(site)} and 0 posts written since in {site.posts}\n"
    )
    assert aside.read_bytes() == bad
    assert "new posts: 0, skipped: 30" in rerun.stdout
    _assert_rebuilt(site, archived.urls, posts)
