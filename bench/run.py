"""``make bench``: rssarchive on a local fake news web, beside its peers and its floors.

    python bench/run.py            # the full bench (a few minutes), writes bench/RESULTS.md
    python bench/run.py --quick    # tiny sizes, well under a minute (a smoke test)
    python bench/run.py --full     # also the 10,000-article backfill (BENCH_FULL=1)

Scenarios (see bench/README.md for what every number means):

* ``noop``: a cron run where nothing changed. 200 feeds on 10 hosts are archived once
  (warm), then a second run is measured: every feed must answer 304, no page may be
  fetched and ``_posts`` must not change. Peer: ``reader`` updating the same 200 feeds
  with every feed made due again (``update --no-scheduled``).
* ``backfill``: ``rssarchive backfill --from-file urls.txt`` over 100 and 1,000 article
  pages on 20 hosts (two sizes, to see whether memory grows with the article count).
  Peer: ``trafilatura -i urls.txt`` with the same per-host delay.
* ``bigfeeds``: a first run over 20 feeds of 200 items with full content
  (``content: feed``). Peer: ``reader``'s first update of the same feeds.

Every command runs in a subprocess; its wall time, CPU time (user + sys of the whole
process tree, from ``wait4``), the largest peak RSS of one process of the tree
(``VmHWM``) and the sampled sum of RSS over its process tree are recorded, with the
requests the servers counted.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import math
import os
import platform
import pstats
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import corpus
import fakesite
import recheck as recheck_bench
import tables
import yaml

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PEER_VENV = BENCH / ".venv"
PEER_PYTHON = PEER_VENV / "bin" / "python"
PEER_TRAFILATURA = PEER_VENV / "bin" / "trafilatura"
RESULTS = BENCH / "RESULTS.md"
NOW = "2025-01-01T00:00:00Z"  # fixed clock: post names and dates repeat run to run
SEED = "rssarchive-bench-1"
MB = 1024 * 1024
# The targets.
BACKFILL_WALL_FACTOR = 1.2
ARTICLE_CPU_FACTOR = 1.3
NOOP_WALL_FACTOR = 1.5
HELP_LIMIT = 0.3
FULL_MEMORY_LIMIT_MB = 250.0
# "Flat" memory: the peaks of the 10,000-article backfill at most this many times those
# of the 1,000-article one.
FLAT_MEMORY_FACTOR = 1.25


# ------------------------------------------------------------------------------ sizes


@dataclass(frozen=True)
class Politeness:
    concurrency: int
    delay: float


@dataclass(frozen=True)
class Scale:
    noop_hosts: int
    noop_feeds: int
    noop_repeat: int
    backfill_repeat: int  # runs of the large backfill, each beside its own floor
    peer_repeat: int  # runs of trafilatura on the large backfill (medians compared)
    backfill_hosts: int
    backfill_sizes: tuple[int, int]
    big_hosts: int
    big_feeds: int
    big_items: int
    full_size: int | None  # the optional 10,000-article backfill
    help_repeat: int
    profile: bool


FULL = Scale(
    noop_hosts=10,
    noop_feeds=200,
    noop_repeat=3,
    backfill_repeat=5,
    peer_repeat=3,
    backfill_hosts=20,
    backfill_sizes=(100, 1000),
    big_hosts=10,
    big_feeds=20,
    big_items=200,
    full_size=None,
    help_repeat=5,
    profile=True,
)
QUICK = Scale(
    noop_hosts=4,
    noop_feeds=16,
    noop_repeat=1,
    backfill_repeat=1,
    peer_repeat=1,
    backfill_hosts=4,
    backfill_sizes=(8, 32),
    big_hosts=2,
    big_feeds=2,
    big_items=30,
    full_size=None,
    help_repeat=2,
    profile=False,
)


@dataclass(frozen=True)
class Settings:
    scale: Scale
    latency: float
    # The no-op comparison is against reader, which has no per-host delay: both get the
    # same number of requests in flight per host and no delay, so the floor is the same.
    noop: Politeness
    # trafilatura fetches one URL per host at a time and sleeps SLEEP_TIME between
    # rounds: rssarchive gets concurrency 1 and the same delay.
    backfill: Politeness
    peers: bool
    timeout: float
    profile_dir: Path | None = None  # cProfile runs of rssarchive go here; None: none


# ---------------------------------------------------------------------------- measuring


@dataclass
class Measured:
    wall: float
    cpu: float  # user + sys of the process and every descendant it waited for
    maxrss_mb: float  # the largest peak (VmHWM) of a single process of the tree
    parent_mb: float  # the peak (VmHWM) of the command's own process
    tree_mb: float  # the largest sampled sum of RSS over the live process tree
    rc: int
    stdout: Path
    stderr: Path

    def tail(self, lines: int = 3) -> str:
        text = self.stderr.read_text(encoding="utf-8", errors="replace").strip()
        return " | ".join(text.splitlines()[-lines:])


class TreeSampler(threading.Thread):
    """Samples the summed RSS of a process and its descendants every ``period`` s.

    rssarchive runs extraction in worker processes, so the memory a user sees is the
    sum, which only sampling shows. It also keeps each process's own peak (``VmHWM``,
    which the kernel tracks from the process's exec on). ``ru_maxrss`` from wait4 cannot
    give that: a child's counts the memory of the process it was forked from (here, the
    bench with its generated site).
    """

    def __init__(self, pid: int, period: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.period = period
        self.peak = 0  # bytes
        self.largest = 0  # bytes: the highest VmHWM seen in one process
        self.root = 0  # bytes: the VmHWM of ``pid`` itself
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.wait(self.period):
            self._sample()

    def stop(self) -> None:
        self._stop_event.set()
        self.join()

    def _sample(self) -> None:
        total = 0
        for pid in _tree(self.pid):
            fields = _status(pid)
            total += fields.get("VmRSS", 0)
            self.largest = max(self.largest, fields.get("VmHWM", 0))
            if pid == self.pid:
                self.root = max(self.root, fields.get("VmHWM", 0))
        self.peak = max(self.peak, total)


def _status(pid: int) -> dict[str, int]:
    """The memory lines of /proc/PID/status, in bytes (empty if the process is gone)."""
    fields: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as handle:
            for line in handle:
                name, _, value = line.partition(":")
                if name in ("VmRSS", "VmHWM"):
                    fields[name] = int(value.split()[0]) * 1024  # kB
    except (OSError, ValueError, IndexError):
        pass
    return fields


def _tree(root: int) -> list[int]:
    """``root`` and its descendants, via /proc/PID/task/TID/children."""
    found = [root]
    i = 0
    while i < len(found):
        pid = found[i]
        i += 1
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for tid in tasks:
            try:
                with open(f"/proc/{pid}/task/{tid}/children", encoding="ascii") as handle:
                    found.extend(int(c) for c in handle.read().split())
            except (OSError, ValueError):
                continue
    return found


def measure(
    cmd: Sequence[str | Path],
    *,
    log: Path,
    cwd: Path,
    env: dict[str, str] | None = None,
    timeout: float = 600.0,
) -> Measured:
    """Run ``cmd`` to completion and measure it (see :class:`Measured`)."""
    stdout, stderr = log.with_suffix(".out"), log.with_suffix(".err")
    with open(stdout, "wb") as out, open(stderr, "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [str(c) for c in cmd],
            cwd=cwd,
            env=env,
            stdout=out,
            stderr=err,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group, so a timeout ends all of it
        )
        sampler = TreeSampler(proc.pid)
        sampler.start()
        timer = threading.Timer(timeout, _kill_group, (proc.pid,))
        timer.start()
        # wait4, not Popen.wait: its rusage is this child's own plus every descendant it
        # reaped (extraction workers), and nothing of the runs before it.
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        timer.cancel()
        sampler.stop()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Measured(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        maxrss_mb=sampler.largest / MB,
        parent_mb=sampler.root / MB,
        tree_mb=sampler.peak / MB,
        rc=proc.returncode,
        stdout=stdout,
        stderr=stderr,
    )


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


# ------------------------------------------------------------------------------ results


@dataclass
class Row:
    tool: str
    what: str
    m: Measured | None
    requests: Counter[str] = field(default_factory=Counter)
    output: str = ""
    note: str = ""

    @property
    def broken(self) -> bool:
        """The command failed or made less than it should (not a missed target)."""
        if self.m is None or self.m.rc != 0 or "CHANGED" in self.output:
            return True
        made = re.match(r"(\d+)/(\d+) ", self.output + " ")
        return made is not None and made.group(1) != made.group(2)


@dataclass
class Check:
    name: str
    target: str
    measured: str
    ok: bool | None  # None: not measured
    # A stricter check of our own, beside the targets but not one of them.
    ours: bool = False


@dataclass
class Scenario:
    name: str
    title: str
    setup: str
    rows: list[Row] = field(default_factory=list)
    floors: list[tuple[str, float, str]] = field(default_factory=list)  # name, s, how
    notes: list[str] = field(default_factory=list)
    # The rssarchive row the peers did the same work as (default: the last one).
    compare: str = ""


@dataclass
class Bench:
    settings: Settings
    work: Path
    python: str
    politeness_keys: bool = True
    scenarios: list[Scenario] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    help_time: float = 0.0
    startup: dict[str, float] = field(default_factory=dict)
    profiles: list[Profiled] = field(default_factory=list)
    fsync_ms: list[float] = field(default_factory=list)
    load: list[float] = field(default_factory=list)  # 1-minute load average, start / end
    # The extraction-quality section (corpus.py); None: the scenario was not run.
    corpus_section: str | None = None
    started: float = field(default_factory=time.perf_counter)
    budget: float = 540.0  # seconds; optional work (profiles) is skipped past half of it

    def may_profile(self, what: str) -> bool:
        """Whether to run an optional profile now: only when profiling and on schedule."""
        if self.settings.profile_dir is None:
            return False
        if time.perf_counter() - self.started > self.budget / 2:
            self.log(f"  profile of {what} skipped: past half of the time budget")
            return False
        return True

    log: Callable[[str], None] = print

    # -- rssarchive ---------------------------------------------------------------

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        # The working tree's rssarchive, whether or not it is installed in this venv.
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        env.pop("PYTHONHASHSEED", None)
        return env

    def rssarchive(self, *args: str | Path) -> list[str | Path]:
        return [self.python, "-m", "rssarchive", *args]

    def write_config(self, path: Path, feeds: list[dict[str, str]], politeness: Politeness) -> Path:
        network: dict[str, object] = {"allow_private_addresses": True, "timeout": 10}
        if self.politeness_keys:
            network["per_host_concurrency"] = politeness.concurrency
            network["per_host_delay"] = politeness.delay
        config = {"site_dir": "site", "feeds": feeds, "network": network}
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), "utf-8")
        return path

    def run_rssarchive(
        self, config: Path, command: list[str], log: Path, profile: Path | None = None
    ) -> Measured:
        base: list[str | Path] = [self.python, "-m", "rssarchive"]
        if profile is not None:
            base = [self.python, BENCH / "profile_run.py", profile, "--"]
        cmd = [*base, "--config", config, "-q", *command, "--now", NOW]
        return measure(cmd, log=log, cwd=config.parent, env=self.env(), timeout=self.timeout)

    @property
    def timeout(self) -> float:
        return self.settings.timeout

    def peer_env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.pop("PYTHONPATH", None)
        env["HOME"] = str(self.work / "home")  # reader and trafilatura keep no state of ours
        (self.work / "home").mkdir(exist_ok=True)
        return env


# --------------------------------------------------------------------------- helpers


def shown_path(path: str) -> str:
    """A path as the results show it: relative to the repository when inside it, else its
    name only (the results are committed: no path of the machine that ran them)."""
    resolved = Path(path).absolute()
    try:
        return str(resolved.relative_to(ROOT))
    except ValueError:
        return resolved.name


def posts_snapshot(site_dir: Path) -> dict[str, tuple[int, int]]:
    posts = site_dir / "_posts"
    if not posts.is_dir():
        return {}
    return {
        entry.name: (entry.stat().st_mtime_ns, entry.stat().st_size)
        for entry in os.scandir(posts)
        if entry.is_file()
    }


def network_floor(per_host: dict[str, int], latency: float, politeness: Politeness) -> float:
    """Least wall time for these requests: hosts in parallel, each held to the politeness.

    One host: ceil(n / c) latencies back to back (c in flight at once), and no sooner
    than (n - 1) delays after the first start plus one latency. The slowest host sets it.
    """
    worst = 0.0
    for n in per_host.values():
        if n <= 0:
            continue
        by_concurrency = math.ceil(n / politeness.concurrency) * latency
        by_delay = (n - 1) * politeness.delay + latency
        worst = max(worst, by_concurrency, by_delay)
    return worst


def median_run(runs: list[Measured]) -> Measured:
    return sorted(runs, key=lambda m: m.wall)[len(runs) // 2]


def fmt_requests(counts: Counter[str]) -> str:
    order = ("feed", "304", "page", "image", "other")
    return " ".join(f"{k}={counts[k]}" for k in order if counts.get(k))


def politeness_supported(python_root: Path) -> bool:
    """Whether this rssarchive's config accepts network.per_host_concurrency/_delay."""
    sys.path.insert(0, str(python_root))
    try:
        from rssarchive.config import load_config
        from rssarchive.core.errors import ConfigError
    finally:
        sys.path.pop(0)
    with tempfile.TemporaryDirectory() as tmp:
        probe = Path(tmp) / "config.yaml"
        probe.write_text(
            yaml.safe_dump(
                {
                    "feeds": [{"name": "probe", "url": "http://127.0.0.1/feed.xml"}],
                    "network": {"per_host_concurrency": 2, "per_host_delay": 0.5},
                }
            ),
            encoding="utf-8",
        )
        try:
            load_config(probe)
        except ConfigError:
            return False
    return True


def peers_available() -> bool:
    return PEER_PYTHON.exists() and PEER_TRAFILATURA.exists()


def peer_version(code: str) -> str:
    try:
        out = subprocess.run(
            [str(PEER_PYTHON), "-c", code], capture_output=True, text=True, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    return out.stdout.strip() or "?"


# ------------------------------------------------------------------------- reader


READER_ADD = """
import sys
from reader import make_reader
reader = make_reader(sys.argv[1])
for line in open(sys.argv[2], encoding="utf-8"):
    if line.strip():
        reader.add_feed(line.strip(), exist_ok=True)
reader.close()
"""
READER_COUNT = """
import sys
from reader import make_reader
reader = make_reader(sys.argv[1])
print(reader.get_entry_counts().total)
reader.close()
"""


def reader_add(bench: Bench, db: Path, urls: list[str]) -> None:
    listing = db.with_suffix(".feeds.txt")
    listing.write_text("\n".join(urls) + "\n", encoding="utf-8")
    subprocess.run(
        [str(PEER_PYTHON), "-c", READER_ADD, str(db), str(listing)],
        check=True,
        env=bench.peer_env(),
        timeout=bench.timeout,
    )


def reader_entries(bench: Bench, db: Path) -> str:
    out = subprocess.run(
        [str(PEER_PYTHON), "-c", READER_COUNT, str(db)],
        capture_output=True,
        text=True,
        env=bench.peer_env(),
        timeout=bench.timeout,
    )
    return out.stdout.strip() or "?"


def reader_update(bench: Bench, db: Path, workers: int, log: Path, *, all_due: bool) -> Measured:
    cmd: list[str | Path] = [PEER_PYTHON, "-m", "reader", "--db", db, "update"]
    cmd += ["--workers", str(workers)]
    if all_due:
        # reader polls a feed at most hourly by default; this makes every feed due now,
        # so that it really sends its 200 conditional requests.
        cmd.append("--no-scheduled")
    return measure(cmd, log=log, cwd=db.parent, env=bench.peer_env(), timeout=bench.timeout)


# ------------------------------------------------------------------------ scenarios


def scenario_noop(bench: Bench, block: int) -> Scenario:
    s = bench.settings
    scale = s.scale
    pol = s.noop
    sc = Scenario(
        "noop",
        "No-op cron: every feed unchanged",
        f"{scale.noop_feeds} feeds on {scale.noop_hosts} hosts, 1-3 items each "
        f"(`content: auto`, short descriptions: pages fetched on the warm run); latency "
        f"{s.latency * 1000:.0f} ms; per host concurrency {pol.concurrency}, delay "
        f"{pol.delay:g} s. Measured: the run after the warm one, every feed answering 304 "
        f"(median of {scale.noop_repeat}).",
    )
    root = bench.work / "noop"
    with fakesite.Site(block, scale.noop_hosts, root / "www", s.latency, SEED) as site:
        feeds: list[dict[str, str]] = []
        urls: list[str] = []
        number = 0
        for f in range(scale.noop_feeds):
            host = f % scale.noop_hosts
            stories = []
            for _ in range(1 + f % 3):
                stories.append(site.story(host, number))
                number += 1
            for story in stories:
                site.publish_page(story)
            url = site.publish_feed(host, f"feed-{f:03d}", stories, full=False)
            urls.append(url)
            feeds.append({"name": f"feed-{f:03d}", "url": url})
        articles = number
        config = bench.write_config(root / "rssarchive" / "config.yaml", feeds, pol)
        site_dir = config.parent / "site"

        site.counts.reset()
        warm = bench.run_rssarchive(config, ["run"], root / "rssarchive" / "warm")
        warm_posts = len(posts_snapshot(site_dir))
        sc.rows.append(
            Row(
                "rssarchive",
                "warm run (not a target)",
                warm,
                fakesite.totals(site.counts.snapshot()),
                f"{warm_posts}/{articles} posts",
                "" if warm.rc == 0 else f"exit {warm.rc}: {warm.tail()}",
            )
        )
        before = posts_snapshot(site_dir)
        state = config.parent / "site" / ".rssarchive" / "state.sqlite3"
        state_mtime = state.stat().st_mtime_ns if state.exists() else 0
        runs: list[Measured] = []
        requests: Counter[str] = Counter()
        per_host: dict[str, Counter[str]] = {}
        for i in range(scale.noop_repeat):
            site.counts.reset()
            runs.append(bench.run_rssarchive(config, ["run"], root / "rssarchive" / f"noop{i}"))
            if i == 0:
                per_host = site.counts.snapshot()
                requests = fakesite.totals(per_host)
        after = posts_snapshot(site_dir)
        noop = median_run(runs)
        unchanged = before == after
        sc.rows.append(
            Row(
                "rssarchive",
                "2nd run: all 304",
                noop,
                requests,
                "_posts unchanged" if unchanged else "_posts CHANGED",
                "" if noop.rc == 0 else f"exit {noop.rc}: {noop.tail()}",
            )
        )
        if state.exists() and state.stat().st_mtime_ns != state_mtime:
            sc.notes.append(
                "The state database is written on a no-op run (feed bookkeeping such as "
                "last_success); `_posts` is what the target is about."
            )
        feed_counts = {host: len([u for u in urls if host in u]) for host in site.hosts}
        floor = network_floor(feed_counts, s.latency, pol)
        sc.floors.append(
            ("network", floor, f"{max(feed_counts.values())} conditional requests per host")
        )
        sc.floors.append(("`rssarchive --help`", bench.help_time, "interpreter + CLI start"))

        if s.profile_dir is not None and bench.may_profile("no-op"):
            site.counts.reset()
            prof = s.profile_dir / "noop"
            bench.run_rssarchive(config, ["run"], root / "rssarchive" / "profile", prof)
            bench.profiles.append(Profiled("no-op run (all 304)", prof, scale.noop_feeds))

        if s.peers:
            db = root / "reader" / "db.sqlite"
            db.parent.mkdir(parents=True, exist_ok=True)
            reader_add(bench, db, urls)
            workers = pol.concurrency * scale.noop_hosts
            site.counts.reset()
            first = reader_update(bench, db, workers, root / "reader" / "warm", all_due=False)
            sc.rows.append(
                Row(
                    "reader",
                    f"first update (not a target), {workers} workers",
                    first,
                    fakesite.totals(site.counts.snapshot()),
                    f"{reader_entries(bench, db)} entries",
                    "" if first.rc == 0 else f"exit {first.rc}: {first.tail()}",
                )
            )
            peer_runs = []
            peer_requests: Counter[str] = Counter()
            for i in range(scale.noop_repeat):
                site.counts.reset()
                peer_runs.append(
                    reader_update(bench, db, workers, root / "reader" / f"noop{i}", all_due=True)
                )
                if i == 0:
                    peer_requests = fakesite.totals(site.counts.snapshot())
            peer = median_run(peer_runs)
            sc.rows.append(
                Row(
                    "reader",
                    f"update --no-scheduled: all 304, {workers} workers",
                    peer,
                    peer_requests,
                    "",
                    "" if peer.rc == 0 else f"exit {peer.rc}: {peer.tail()}",
                )
            )

    # -- targets
    bench.checks.append(
        Check(
            "no-op: no article request",
            "0 page requests; every feed 304",
            f"{requests['page']} page, {requests['304']} of {scale.noop_feeds} feeds 304, "
            f"{requests['feed']} full feed bodies",
            requests["page"] == 0 and requests["304"] == scale.noop_feeds,
        )
    )
    bench.checks.append(
        Check(
            "no-op: no file written",
            "`_posts` listing and mtimes unchanged",
            f"{len(after)} posts, {'unchanged' if unchanged else 'CHANGED'}",
            unchanged and noop.rc == 0,
        )
    )
    limit = NOOP_WALL_FACTOR * (floor + bench.help_time)
    bench.checks.append(
        Check(
            "no-op: wall",
            f"≤ {NOOP_WALL_FACTOR} × (network floor {floor:.2f} s + help "
            f"{bench.help_time:.2f} s) = {limit:.2f} s",
            f"{noop.wall:.2f} s ({noop.wall / (floor + bench.help_time):.2f}×)",
            noop.wall <= limit,
        )
    )
    peer_row = next((r for r in sc.rows if r.tool == "reader" and "304" in r.what), None)
    if peer_row is not None and peer_row.m is not None:
        p = peer_row.m
        bench.checks.append(
            Check(
                "no-op: ahead of reader",
                "wall and CPU below reader's",
                f"wall {noop.wall:.2f} vs {p.wall:.2f} s; CPU {noop.cpu:.2f} vs {p.cpu:.2f} s",
                noop.wall < p.wall and noop.cpu < p.cpu,
            )
        )
    return sc


def scenario_backfill(bench: Bench, block: int) -> Scenario:
    s = bench.settings
    scale = s.scale
    pol = s.backfill
    small, large = scale.backfill_sizes
    sizes = [small, large] + ([scale.full_size] if scale.full_size else [])
    biggest = max(sizes)
    sc = Scenario(
        "backfill",
        "Backfill by URL",
        f"`rssarchive backfill --from-file urls.txt` over {small} and {large} article pages "
        f"on {scale.backfill_hosts} hosts (pages {fakesite.MIN_PAGE // 1024}-"
        f"{fakesite.MAX_PAGE // 1024} KB, English and Chinese, every fourth host old-RFA "
        f"style); latency {s.latency * 1000:.0f} ms; per host concurrency "
        f"{pol.concurrency}, delay {pol.delay:g} s.",
        compare=f"backfill {large}",
    )
    root = bench.work / "backfill"
    hosts = scale.backfill_hosts
    with fakesite.Site(block, hosts, root / "www", s.latency, SEED) as site:
        started = time.perf_counter()
        stories = [site.story(n % hosts, n) for n in range(biggest)]
        files = [site.publish_page(story) for story in stories]
        bench.log(f"  generated {biggest} pages in {time.perf_counter() - started:.1f} s")
        feeds = [
            {"name": f"site-{i:02d}", "url": f"http://{host}/feeds/site.xml", "content": "page"}
            for i, host in enumerate(site.hosts)
        ]
        # The floor's pages: the large run's, measured beside each of its runs.
        listing = root / "pages.tsv"
        listing.write_text(
            "".join(f"{st.url}\t{files[st.number]}\n" for st in _spread(stories, large, hosts)),
            encoding="utf-8",
        )
        per_host = Counter(st.host for st in _spread(stories, large, hosts))
        net = network_floor(dict(per_host), s.latency, pol)

        def wall_ratio(pair: tuple[Measured, dict[str, Any]]) -> float:
            run, floor = pair
            return run.wall / max(net, float(floor["bare_cpu"]) / 2)

        measured: dict[int, Measured] = {}
        # The large backfill and its floor, run by turns: this machine's speed drifts by
        # 10-15 % over minutes, which a floor measured once, minutes away, would put
        # into the ratio.
        paired: list[tuple[Measured, dict[str, Any]]] = []
        for size in sizes:
            chosen = _spread(stories, size, hosts)
            # Each run with what it wrote and the requests it made, so that the row shows
            # one run's numbers.
            runs: list[tuple[Measured, int, Counter[str]]] = []
            for rep in range(scale.backfill_repeat if size == large else 1):
                # The floor before the run on odd turns, after it on even ones: a drift
                # of the machine's speed then tilts the pairs both ways, not one.
                floor_first = size == large and rep % 2 == 1
                if floor_first:
                    floor = run_floor_on_both_cores(bench, "pages", listing)
                    bench.log(f"  extraction floor: {floor['bare_cpu']:.1f} s CPU")
                work = root / f"rssarchive-{size}" / str(rep)
                urls_file = work / "urls.txt"
                config = bench.write_config(work / "config.yaml", feeds, pol)
                urls_file.write_text("".join(st.url + "\n" for st in chosen), encoding="utf-8")
                site.counts.reset()
                m = bench.run_rssarchive(
                    config, ["backfill", "--from-file", str(urls_file)], work / "run"
                )
                posts = len(posts_snapshot(work / "site"))
                runs.append((m, posts, fakesite.totals(site.counts.snapshot())))
                bench.log(f"  rssarchive backfill {size}: {m.wall:.1f} s wall, {m.cpu:.1f} s CPU")
                if size == large:
                    if not floor_first:
                        floor = run_floor_on_both_cores(bench, "pages", listing)
                        bench.log(f"  extraction floor: {floor['bare_cpu']:.1f} s CPU")
                    paired.append((m, floor))
            if size == large:  # the run whose ratio to its own floor is the median
                median_pair = sorted(paired, key=wall_ratio)[len(paired) // 2]
                m = median_pair[0]
            else:
                m = median_run([run for run, _, _ in runs])
            _, posts, requests = next(run for run in runs if run[0] is m)
            measured[size] = m
            note = "" if m.rc == 0 else f"exit {m.rc}: {m.tail()}"
            if len(runs) > 1:
                walls = ", ".join(f"{run.wall:.2f}" for run, _, _ in runs)
                note = f"median of {len(runs)} (walls {walls} s){'; ' + note if note else ''}"
            sc.rows.append(
                Row(
                    "rssarchive",
                    f"backfill {size}",
                    m,
                    requests,
                    f"{posts}/{size} posts",
                    note,
                )
            )

        chosen = _spread(stories, large, hosts)
        urls_text = "".join(st.url + "\n" for st in chosen)
        if s.profile_dir is not None and bench.may_profile("backfill"):
            work = root / "profile"
            config = bench.write_config(work / "config.yaml", feeds, pol)
            (work / "urls.txt").write_text(
                "".join(st.url + "\n" for st in _spread(stories, small, hosts)), "utf-8"
            )
            prof = s.profile_dir / "backfill"
            bench.run_rssarchive(
                config, ["backfill", "--from-file", str(work / "urls.txt")], work / "run", prof
            )
            bench.profiles.append(Profiled(f"backfill {small}", prof, small))

        # Each run of trafilatura with the files it wrote and the requests it made.
        peer_rows: list[tuple[Measured, int, Counter[str]]] = []
        if s.peers:
            work = root / "trafilatura"
            work.mkdir(parents=True, exist_ok=True)
            (work / "urls.txt").write_text(urls_text, encoding="utf-8")
            cfg = trafilatura_config(work / "settings.cfg", pol.delay)
            # One thread per host: trafilatura takes one URL per host per round, so more
            # threads than hosts would only wait.
            threads = hosts * pol.concurrency
            for rep in range(scale.peer_repeat):
                out = work / f"out{rep}"
                site.counts.reset()
                peer = measure(
                    [
                        PEER_TRAFILATURA,
                        "-i",
                        work / "urls.txt",
                        "-o",
                        out,
                        "--parallel",
                        str(threads),
                        "--config-file",
                        cfg,
                        # What rssarchive asks of trafilatura: HTML with images, links and
                        # formatting, precision over recall, no comments.
                        "--output-format",
                        "html",
                        "--images",
                        "--links",
                        "--formatting",
                        "--precision",
                        "--no-comments",
                    ],
                    log=work / f"run{rep}",
                    cwd=work,
                    env=bench.peer_env(),
                    timeout=bench.timeout,
                )
                out_files = len(list(out.glob("*"))) if out.is_dir() else 0
                peer_rows.append((peer, out_files, fakesite.totals(site.counts.snapshot())))
                bench.log(f"  trafilatura {large}: {peer.wall:.1f} s wall, {peer.cpu:.1f} s CPU")
            shown = median_run([peer for peer, _, _ in peer_rows])
            _, out_files, requests = next(row for row in peer_rows if row[0] is shown)
            note = "" if shown.rc == 0 else f"exit {shown.rc}: {shown.tail()}"
            if len(peer_rows) > 1:
                walls = ", ".join(f"{run.wall:.2f}" for run, _, _ in peer_rows)
                cpus = ", ".join(f"{run.cpu:.2f}" for run, _, _ in peer_rows)
                repeats = f"median of {len(peer_rows)} (walls {walls} s; CPU {cpus} s)"
                note = f"{repeats}; {note}" if note else repeats
            sc.rows.append(
                Row(
                    "trafilatura",
                    f"-i urls.txt ({large}), --parallel {threads}, SLEEP_TIME {pol.delay:g}",
                    shown,
                    requests,
                    f"{out_files}/{large} files",
                    note,
                )
            )

    n = large
    m, floor = median_pair
    bare = float(floor["bare_cpu"])
    cpu_floor = bare / 2
    sc.floors += [
        ("network", net, f"{max(per_host.values())} pages per host at the politeness above"),
        (
            "extraction CPU / 2 cores",
            cpu_floor,
            f"bare trafilatura.extract, {n} pages, half on each core at once; beside the "
            "median run (see the note)",
        ),
        ("bare extraction per page", bare / n, "CPU s per page"),
        ("rssarchive extract_article per page", float(floor["extract_cpu"]) / n, "in-process"),
        ("rssarchive render_post per page", float(floor["render_cpu"]) / n, "nh3 + front matter"),
        ("trafilatura + rssarchive imports", float(floor["import_cpu"]), "once per process"),
    ]
    sc.notes.append(
        f"Pages: {n}, {int(floor['bytes']) / n / 1024:.0f} KB on average; "
        f"{floor['extract_failed']} had no article for extract_article."
    )
    if len(paired) > 1:
        sc.notes.append(
            f"backfill {n} ran {len(paired)} times, each beside its extraction floor (measured "
            "after the run, then before the next, by turns); "
            "wall ÷ max(network, that floor): "
            + ", ".join(f"{wall_ratio(pair):.2f}×" for pair in paired)
            + "; CPU per article ÷ bare extraction per page: "
            + ", ".join(f"{run.cpu / float(fl['bare_cpu']):.2f}×" for run, fl in paired)
            + ". The tables show the run with the median wall ratio and its floor."
        )
    limit = BACKFILL_WALL_FACTOR * max(net, cpu_floor)
    bench.checks.append(
        Check(
            f"backfill {n}: wall",
            f"≤ {BACKFILL_WALL_FACTOR} × max(network {net:.2f} s, extraction CPU/2 "
            f"{cpu_floor:.2f} s) = {limit:.2f} s",
            f"{m.wall:.2f} s ({m.wall / max(net, cpu_floor):.2f}×, median of {len(paired)})",
            m.wall <= limit and m.rc == 0,
        )
    )
    cpu_ratio = statistics.median_high(run.cpu / float(fl["bare_cpu"]) for run, fl in paired)
    bench.checks.append(
        Check(
            f"backfill {n}: CPU per article",
            f"≤ {ARTICLE_CPU_FACTOR} × bare extraction ({bare / n * 1000:.1f} ms)",
            f"{m.cpu / n * 1000:.1f} ms; ratio {cpu_ratio:.2f}× (median of {len(paired)})",
            cpu_ratio <= ARTICLE_CPU_FACTOR,
        )
    )
    a, b = measured[small], measured[large]
    if scale.full_size:
        # Flat: ten times the articles, (nearly) the same peaks. Measured, not
        # extrapolated: growth between 100 and 1,000 articles is mostly warm-up (caches
        # filling, allocator arenas), which a straight line would carry on forever.
        f = measured[scale.full_size]
        bench.checks += [
            Check(
                "backfill: memory flat in articles",
                f"peaks at {large:,} and {scale.full_size:,} articles: ≤ {FLAT_MEMORY_FACTOR} "
                f"× the peak at {large:,} (largest process and process-tree sum)",
                f"largest {b.maxrss_mb:.0f} → {f.maxrss_mb:.0f} MB "
                f"({f.maxrss_mb / b.maxrss_mb:.2f}×); tree {b.tree_mb:.0f} → {f.tree_mb:.0f} MB "
                f"({f.tree_mb / max(b.tree_mb, 1):.2f}×); the parent alone {b.parent_mb:.0f} → "
                f"{f.parent_mb:.0f} MB; at {small}: {a.maxrss_mb:.0f} / {a.tree_mb:.0f} MB",
                f.maxrss_mb <= FLAT_MEMORY_FACTOR * b.maxrss_mb
                and f.tree_mb <= FLAT_MEMORY_FACTOR * b.tree_mb,
                ours=True,
            ),
            Check(
                f"backfill {scale.full_size}: memory",
                f"< {FULL_MEMORY_LIMIT_MB:.0f} MB (process-tree sum)",
                f"tree {f.tree_mb:.0f} MB, largest process {f.maxrss_mb:.0f} MB; "
                f"wall {f.wall:.0f} s",
                f.tree_mb < FULL_MEMORY_LIMIT_MB and f.rc == 0,
            ),
        ]
    else:
        bench.checks += [
            Check(
                "backfill: memory flat in articles",
                f"peaks at {large:,} and 10,000 articles: ≤ {FLAT_MEMORY_FACTOR} × the peak "
                f"at {large:,}",
                f"{small}: {a.maxrss_mb:.0f} / {a.tree_mb:.0f} MB, {large}: {b.maxrss_mb:.0f} / "
                f"{b.tree_mb:.0f} MB (largest / tree); 10,000 not run (make bench BENCH_FULL=1)",
                None,
                ours=True,
            ),
            Check(
                "backfill 10000: memory",
                f"< {FULL_MEMORY_LIMIT_MB:.0f} MB",
                "not run (make bench BENCH_FULL=1)",
                None,
            ),
        ]
    if peer_rows:
        peer_runs = [peer for peer, _, _ in peer_rows]
        # Each side's median of its own runs, wall and CPU apart: one run of either would
        # carry this machine's run-to-run noise (up to 30 %) into the comparison.
        ours_wall = statistics.median_high(run.wall for run, _ in paired)
        ours_cpu = statistics.median_high(run.cpu for run, _ in paired)
        peer_wall = statistics.median_high(run.wall for run in peer_runs)
        peer_cpu = statistics.median_high(run.cpu for run in peer_runs)
        bench.checks.append(
            Check(
                f"backfill {n}: ahead of trafilatura",
                "wall and CPU below trafilatura's (medians of each side's runs)",
                f"wall {ours_wall:.2f} vs {peer_wall:.2f} s; CPU {ours_cpu:.2f} vs "
                f"{peer_cpu:.2f} s ({len(paired)} and {len(peer_runs)} runs)",
                ours_wall < peer_wall and ours_cpu < peer_cpu,
            )
        )
    return sc


def _spread(stories: list[fakesite.Story], n: int, hosts: int) -> list[fakesite.Story]:
    """The first ``n`` stories, listed host by host (as a list of URLs usually is)."""
    chosen = stories[:n]
    return sorted(chosen, key=lambda st: (st.number % hosts, st.number))


def scenario_bigfeeds(bench: Bench, block: int) -> Scenario:
    s = bench.settings
    scale = s.scale
    pol = s.backfill
    total = scale.big_feeds * scale.big_items
    sc = Scenario(
        "bigfeeds",
        "Big feeds, first run",
        f"{scale.big_feeds} feeds of {scale.big_items} items with the full article in "
        f"`content:encoded` (`content: feed`: no page is fetched) on {scale.big_hosts} hosts; "
        f"latency {s.latency * 1000:.0f} ms; per host concurrency {pol.concurrency}, delay "
        f"{pol.delay:g} s. reader is shown for reference, not as a target (the issue names "
        "it for polling, the no-op scenario): it stores the entries, while rssarchive also "
        "sanitizes, renders and writes a synced post file for each.",
    )
    root = bench.work / "bigfeeds"
    with fakesite.Site(block, scale.big_hosts, root / "www", s.latency, SEED) as site:
        feeds: list[dict[str, str]] = []
        listing: list[str] = []
        number = 0
        for f in range(scale.big_feeds):
            host = f % scale.big_hosts
            stories = []
            for _ in range(scale.big_items):
                stories.append(site.story(host, number))
                number += 1
            url = site.publish_feed(host, f"big-{f:02d}", stories, full=True)
            feeds.append({"name": f"big-{f:02d}", "url": url, "content": "feed"})
            listing.append(f"{url}\t{site.servers[host].root / 'feeds' / f'big-{f:02d}.xml'}")
        config = bench.write_config(root / "rssarchive" / "config.yaml", feeds, pol)
        site.counts.reset()
        m = bench.run_rssarchive(config, ["run"], root / "rssarchive" / "run")
        posts = len(posts_snapshot(config.parent / "site"))
        requests = fakesite.totals(site.counts.snapshot())
        sc.rows.append(
            Row(
                "rssarchive",
                "first run",
                m,
                requests,
                f"{posts}/{total} posts",
                "" if m.rc == 0 else f"exit {m.rc}: {m.tail()}",
            )
        )
        bench.log(f"  rssarchive bigfeeds: {m.wall:.1f} s wall, {m.cpu:.1f} s CPU")
        if s.profile_dir is not None and bench.may_profile("big feeds"):
            again = bench.write_config(root / "profile" / "config.yaml", feeds, pol)
            prof = s.profile_dir / "bigfeeds"
            bench.run_rssarchive(again, ["run"], root / "profile" / "run", prof)
            bench.profiles.append(Profiled("big feeds, first run", prof, total))
        if s.peers:
            db = root / "reader" / "db.sqlite"
            db.parent.mkdir(parents=True, exist_ok=True)
            reader_add(bench, db, [f["url"] for f in feeds])
            workers = pol.concurrency * scale.big_hosts
            site.counts.reset()
            p = reader_update(bench, db, workers, root / "reader" / "run", all_due=False)
            sc.rows.append(
                Row(
                    "reader",
                    f"first update, {workers} workers",
                    p,
                    fakesite.totals(site.counts.snapshot()),
                    f"{reader_entries(bench, db)} entries",
                    "" if p.rc == 0 else f"exit {p.rc}: {p.tail()}",
                )
            )
            # A reference, not a target: the issue names reader for polling, the no-op
            # scenario. Here it only stores entries, while rssarchive also sanitizes,
            # renders and writes a synced post file for each.
            bench.log(f"  reader bigfeeds: {p.wall:.1f} s wall, {p.cpu:.1f} s CPU")
        list_file = root / "feeds.tsv"
        list_file.write_text("\n".join(listing) + "\n", encoding="utf-8")
        floor = run_floor(bench, "feeds", list_file)
    feeds_per_host = Counter(f["url"].split("/")[2] for f in feeds)
    sc.floors += [
        ("network", network_floor(dict(feeds_per_host), s.latency, pol), "feeds only"),
        ("bare feedparser.parse", float(floor["feedparser_cpu"]), f"CPU, {total} items"),
        ("rssarchive parse_feed", float(floor["parse_feed_cpu"]), "CPU, same feeds"),
    ]
    bench.checks.append(
        Check(
            "big feeds: no page fetched",
            "0 page requests (`content: feed`)",
            f"{requests['page']} page, {requests['other']} other",
            requests["page"] == 0 and requests["other"] == 0 and m.rc == 0,
        )
    )
    return sc


def trafilatura_config(path: Path, delay: float) -> Path:
    """trafilatura's packaged settings.cfg with SSRF protection off and our delay."""
    found = subprocess.run(
        [
            str(PEER_PYTHON),
            "-c",
            "import pathlib, trafilatura; "
            "print(pathlib.Path(trafilatura.__file__).with_name('settings.cfg'))",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    text = Path(found.stdout.strip()).read_text(encoding="utf-8")
    for key, value in (("SSRF_PROTECTION", "off"), ("SLEEP_TIME", f"{delay}")):
        text, n = re.subn(rf"(?m)^{key}\s*=.*$", f"{key} = {value}", text)
        if n != 1:
            raise RuntimeError(f"trafilatura's settings.cfg has no {key} line")
    path.write_text(text, encoding="utf-8")
    return path


def run_floor(bench: Bench, kind: str, listing: Path) -> dict[str, Any]:
    out = subprocess.run(
        [bench.python, str(BENCH / "floor.py"), kind, str(listing)],
        capture_output=True,
        text=True,
        env=bench.env(),
        timeout=bench.timeout,
    )
    if out.returncode != 0:
        raise RuntimeError(f"floor.py {kind} failed: {out.stderr.strip()[-2000:]}")
    result: dict[str, Any] = json.loads(out.stdout)
    return result


def run_floor_on_both_cores(bench: Bench, kind: str, listing: Path) -> dict[str, Any]:
    """``run_floor`` on two halves of ``listing`` at once, one process per core, sums
    added up: the floor as two cores give it, measured with both busy, as they are in a
    run (two busy cores of a small VM each compute a little slower than one alone)."""
    lines = listing.read_text(encoding="utf-8").splitlines(keepends=True)
    halves = []
    for index in range(2):
        half = listing.with_name(f"{listing.stem}.{index}{listing.suffix}")
        half.write_text("".join(lines[index::2]), encoding="utf-8")
        halves.append(half)
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda half: run_floor(bench, kind, half), halves))
    total: dict[str, Any] = {}
    for key in results[0]:
        values = [result[key] for result in results]
        # Imports are paid once per process: the mean is what one process pays.
        total[key] = sum(values) / len(values) if key == "import_cpu" else sum(values)
    return total


@dataclass(frozen=True)
class Profiled:
    """A profiled rssarchive run: files ``<prefix>.main.prof`` and ``.threads.prof``."""

    title: str
    prefix: Path
    articles: int  # what "per item" divides by


# What the breakdown looks for: (label, which profile, regex on "file:function").
# Builtins are named as pstats names them ("~:<built-in method posix.fsync>").
BREAKDOWN: tuple[tuple[str, str, str], ...] = (
    ("waiting for threads/workers (lock acquire)", "main", r"<method 'acquire' of '_thread"),
    ("one article's write step (Pipeline._write)", "main", r"^working\.py:_write$"),
    ("posts written (Posts.write)", "main", r"^archive\.py:write$"),
    ("fsync (posts and directory)", "main", r"<built-in method posix\.fsync>"),
    ("SQLite statements (state)", "main", r"<method 'execute' of 'sqlite3"),
    ("render_post (front matter + nh3)", "main", r"^render\.py:render_post$"),
    ("nh3 clean", "main", r"<method 'clean' of 'builtins\.Cleaner'"),
    (
        "imports (compile + unmarshal)",
        "main",
        r"<built-in method (marshal\.loads|builtins\.compile)>",
    ),
    ("HTTP get (threads, CPU)", "threads", r"^http\.py:get$"),
    ("parse_feed (threads, CPU)", "threads", r"^feeds\.py:parse_feed$"),
    ("feedparser.parse (threads, CPU)", "threads", r"^api\.py:parse$"),
    ("SSL contexts: load_verify_locations (threads, CPU)", "threads", r"load_verify_locations"),
    ("article_from_feed (threads, CPU)", "threads", r"^feedtext\.py:article_from_feed$"),
    ("extract_article in-process (threads, CPU)", "threads", r"^article\.py:extract_article$"),
)
# Lines of a cumulative listing that say nothing about rssarchive (the import machinery,
# runpy, the profiler's own entry).
_NOISE = r"^(?!.*(<frozen|runpy|builtins\.exec|<string>|profile_run|__init__\.py:<module>))"


def load_stats(path: Path) -> pstats.Stats | None:
    if not path.exists():
        return None
    return pstats.Stats(str(path), stream=io.StringIO())


def stat_sum(stats: pstats.Stats, pattern: str) -> tuple[int, float, float]:
    """(calls, own time, cumulative time) summed over the functions matching ``pattern``."""
    regex = re.compile(pattern)
    calls, own, cum = 0, 0.0, 0.0
    table: dict[tuple[str, int, str], tuple[int, int, float, float, object]]
    table = stats.stats  # type: ignore[attr-defined]
    for (file, _line, func), (_cc, nc, tt, ct, _callers) in table.items():
        if regex.search(f"{os.path.basename(file)}:{func}"):
            calls += nc
            own += tt
            cum += ct
    return calls, own, cum


def stats_total(stats: pstats.Stats) -> float:
    return float(stats.total_tt)  # type: ignore[attr-defined]


def profile_report(p: Profiled, top: int = 16) -> list[str]:
    main = load_stats(p.prefix.with_name(p.prefix.name + ".main.prof"))
    threads = load_stats(p.prefix.with_name(p.prefix.name + ".threads.prof"))
    if main is None:
        return [f"### {p.title}", "", "(no profile written)", ""]
    lines = [
        f"### {p.title}",
        "",
        f"Main thread {stats_total(main):.2f} s wall; other threads "
        f"{stats_total(threads) if threads else 0:.2f} s CPU in all.",
        "",
    ]
    rows: list[list[tables.Cell]] = []
    for label, which, pattern in BREAKDOWN:
        stats = main if which == "main" else threads
        if stats is None:
            continue
        calls, own, cum = stat_sum(stats, pattern)
        if not calls:
            continue
        per_item = cum / max(p.articles, 1) * 1000
        rows.append([label, which, calls, f"{own:.2f}", f"{cum:.2f}", f"{per_item:.1f}"])
    header = ["where", "profile", "calls", "own s", "cumulative s", "cumulative per item ms"]
    lines += tables.markdown(header, rows, align="llrrrr")
    for name, stats, key in (
        ("main thread, wall clock, cumulative", main, "cumulative"),
        ("other threads, CPU, own time", threads, "tottime"),
    ):
        if stats is None:
            continue
        out = io.StringIO()
        stats.stream = out  # type: ignore[attr-defined]
        stats.strip_dirs().sort_stats(key).print_stats(_NOISE, top)
        table = [ln.rstrip() for ln in out.getvalue().splitlines() if ln.strip()]
        start = next((i for i, ln in enumerate(table) if ln.lstrip().startswith("ncalls")), 0)
        lines += ["", f"{name} (top {top}):", "", "```", *table[start:], "```"]
    return [*lines, ""]


# --------------------------------------------------------------------------- startup


def time_command(bench: Bench, cmd: list[str | Path], repeat: int, name: str) -> float:
    walls = []
    for i in range(repeat):
        m = measure(cmd, log=bench.work / f"{name}{i}", cwd=bench.work, env=bench.env())
        if m.rc != 0:
            raise RuntimeError(f"{' '.join(map(str, cmd))} failed: {m.tail()}")
        walls.append(m.wall)
    return statistics.median(walls)


def measure_fsync(directory: Path, n: int = 40) -> float:
    """Median milliseconds of write + fsync of a 4 KB file where the bench writes posts.

    rssarchive fsyncs every post (and SQLite every commit): on a slow disk that, not
    the CPU, can set a backfill's pace, so the results say what this disk costs.
    """
    times = []
    data = b"x" * 4096
    for i in range(n):
        path = directory / f".fsync-probe-{i}"
        t0 = time.perf_counter()
        with open(path, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        times.append(time.perf_counter() - t0)
        path.unlink()
    return statistics.median(times) * 1000


def compile_bytecode(bench: Bench) -> None:
    """Compile rssarchive's modules, as installing a package does. The bench runs the
    working tree, whose bytecode Python writes on first import only where it may: with
    PYTHONDONTWRITEBYTECODE set, every run would compile each module edited since
    (~10 ms for http.py), a cost no installed copy pays. The peers are installed."""
    subprocess.run(
        [bench.python, "-m", "compileall", "-q", str(ROOT / "rssarchive")],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def measure_startup(bench: Bench) -> None:
    repeat = bench.settings.scale.help_repeat
    py = bench.python
    bench.startup["python -c pass"] = time_command(bench, [py, "-c", "pass"], repeat, "pass")
    bench.help_time = time_command(bench, bench.rssarchive("--help"), repeat, "help")
    bench.startup["python -m rssarchive --help"] = bench.help_time
    script = Path(py).parent / "rssarchive"
    if script.exists():
        bench.startup["rssarchive --help (console script)"] = time_command(
            bench, [script, "--help"], repeat, "script"
        )
    for label, modules in (
        ("import what a no-op run needs", "rssarchive.cli, rssarchive.run.pipeline"),
        ("import + trafilatura", "rssarchive.cli, rssarchive.run.pipeline, trafilatura"),
    ):
        bench.startup[label] = time_command(bench, [py, "-c", f"import {modules}"], repeat, "imp")


# --------------------------------------------------------------------------- report


def render_results(bench: Bench, elapsed: float) -> str:
    s = bench.settings
    fsync = " / ".join(f"{ms:.2f}" for ms in bench.fsync_ms)
    load = " / ".join(f"{x:.1f}" for x in bench.load)
    keys = "passed" if bench.politeness_keys else "NOT accepted by this rssarchive: left out"
    lines = [
        "# rssarchive benchmark results",
        "",
        f"Written by `python bench/run.py{' --quick' if s.scale is QUICK else ''}` on "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M UTC}; the whole bench took {elapsed:.0f} s.",
        "",
        *tables.markdown(
            ["machine", ""],
            [
                ["CPU", cpu_model()],
                ["cores (nproc)", len(os.sched_getaffinity(0))],
                ["Python", f"{platform.python_version()} ({shown_path(bench.python)})"],
                ["rssarchive", git_describe()],
                ["peers", peer_versions() if s.peers else "not run"],
                ["disk: write + fsync of 4 KB, median (at start / end)", f"{fsync} ms"],
                [
                    "load average, 1 min (at start / end)",
                    f"{load} (other work on the machine shows here)",
                ],
                ["latency per request", f"{s.latency * 1000:.0f} ms"],
                ["politeness keys", keys],
            ],
        ),
        "",
        "Times in seconds. CPU: user + sys of the whole process tree. RSS: largest peak of",
        "one process (`VmHWM`) / largest sampled sum over the live process tree. Requests:",
        "as counted by the servers (`304`: conditional request answered Not Modified).",
        "",
    ]
    for sc in bench.scenarios:
        lines += [f"## {sc.title}", "", sc.setup, ""]
        header = ["tool", "what", "wall", "CPU", "RSS MB (max / tree)", "requests", "output"]
        lines += tables.markdown([*header, "note"], map(scenario_row, sc.rows), align="llrrr")
        if sc.floors:
            floors = [[name, f"{value:.3f}", how] for name, value, how in sc.floors]
            lines += ["", *tables.markdown(["floor", "seconds", "how"], floors, align="lr")]
        lines += ratio_lines(sc)
        if sc.notes:
            lines += [""] + [f"- {note}" for note in sc.notes]
        lines.append("")
    startup = [[f"`{name}`", f"{value:.3f}"] for name, value in bench.startup.items()]
    lines += ["## Start-up", "", *tables.markdown(["command", "wall (median)"], startup, "lr")]
    lines += ["", "## Targets", "", "The issue's targets.", ""]
    lines += check_table([c for c in bench.checks if not c.ours])
    ours = [c for c in bench.checks if c.ours]
    if ours:
        lines += ["## Our own stricter checks", "", OWN_CHECKS, ""]
        lines += check_table(ours)
    if bench.corpus_section:
        lines += [bench.corpus_section, ""]
    if bench.profiles:
        lines += [
            "",
            "## Where rssarchive spends its time (cProfile, every thread of the parent)",
            "",
            "`bench/profile_run.py`: the main thread on the wall clock (its waiting shows),",
            "the other threads on their CPU clocks (network waits drop out). Extraction",
            "workers are separate processes, not profiled here: see the extract_article",
            "floor above. The main thread's wall clock also counts its waits for the GIL",
            "while other threads parse. Profiling slows Python code down several-fold:",
            "compare shares within a profile, not its seconds with the measured runs.",
            "A `file:line` is the code of the rssarchive commit in the table at the top,",
            "which the code since may have moved.",
            "",
        ]
        for p in bench.profiles:
            lines += profile_report(p)
    return "\n".join(lines) + "\n"


OWN_CHECKS = (
    'Not the issue\'s targets: the issue reads "memory flat in the number of articles" as '
    "a 10,000-article backfill under 250 MB (above). This comparison of peaks is ours, "
    "and stricter: a one-off load inside a library (trafilatura's jusText rescue loads the "
    "stop words of every language, +33 MB in a worker, on the first page that needs it) "
    "fails it as surely as growth per article does; the measured column also gives the "
    "parent's own peak, to tell the two apart."
)


def scenario_row(r: Row) -> list[tables.Cell]:
    """A scenario table's row: a command's numbers, or only its note when it did not run."""
    if r.m is None:
        return [r.tool, r.what, None, None, None, None, None, r.note]
    return [
        r.tool,
        r.what,
        f"{r.m.wall:.2f}",
        f"{r.m.cpu:.2f}",
        f"{r.m.maxrss_mb:.0f} / {r.m.tree_mb:.0f}",
        fmt_requests(r.requests),
        r.output,
        r.note,
    ]


def check_table(checks: list[Check]) -> list[str]:
    rows = [[c.name, c.target, c.measured, _verdict(c.ok, "yes", "**NO**")] for c in checks]
    return [*tables.markdown(["check", "wanted", "measured", "holds"], rows), ""]


def _verdict(ok: bool | None, yes: str, no: str) -> str:
    return "n/a" if ok is None else (yes if ok else no)


def ratio_lines(sc: Scenario) -> list[str]:
    """rssarchive's main row against each peer row, as ratios (peer / rssarchive)."""
    ours = [r for r in sc.rows if r.tool == "rssarchive" and r.m and "warm" not in r.what]
    peers = [r for r in sc.rows if r.tool != "rssarchive" and r.m and "not a target" not in r.what]
    if not ours or not peers:
        return []
    main = next(
        (r for r in ours if r.what == sc.compare), ours[-1] if sc.name != "noop" else ours[0]
    )
    assert main.m is not None
    rows = []
    for p in peers:
        assert p.m is not None
        rows.append(
            [
                f"{p.tool} ÷ rssarchive ({main.what})",
                f"{p.m.wall / main.m.wall:.2f}",
                f"{p.m.cpu / max(main.m.cpu, 1e-9):.2f}",
                f"{p.m.maxrss_mb / main.m.maxrss_mb:.2f}",
            ]
        )
    header = ["ratio (peer ÷ rssarchive)", "wall", "CPU", "largest RSS"]
    return ["", *tables.markdown(header, rows, align="lrrr")]


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def git_describe() -> str:
    return corpus.git_commit()


def peer_versions() -> str:
    traf = peer_version("import trafilatura; print(trafilatura.__version__)")
    rdr = peer_version("import reader; print(reader.__version__)")
    return f"trafilatura {traf}, reader {rdr}"


def print_summary(bench: Bench) -> None:
    print()
    rows = [
        [
            sc.name,
            r.tool,
            r.what[:46],
            f"{r.m.wall:.2f}",
            f"{r.m.cpu:.2f}",
            f"{r.m.maxrss_mb:.0f} / {r.m.tree_mb:.0f}",
        ]
        for sc in bench.scenarios
        for r in sc.rows
        if r.m is not None
    ]
    header = ["scenario", "tool", "what", "wall", "CPU", "RSS MB (max / tree)"]
    print("\n".join(tables.plain(header, rows, align="lllrrr")))
    print()
    for c in bench.checks:
        verdict = _verdict(c.ok, "ok  ", "FAIL").ljust(4)
        own = " (ours, not the issue's)" if c.ours else ""
        print(f"{verdict} {c.name}{own}: {c.measured}  [{c.target}]")


# ------------------------------------------------------------------------------ main


def corpus_scenario(args: argparse.Namespace, bench: Bench) -> str | None:
    """Extraction quality on mozilla/readability's test pages (corpus.py). Without the
    corpus, one line says how to get it, and the section RESULTS.md already has (which
    names its own date and commit) is carried over."""
    t0 = time.perf_counter()
    print("bench: corpus ...")
    section = corpus.run_scenario(corpus.corpus_from(args.corpus), bench.log)
    if section is None:
        results = args.results or (BENCH / "RESULTS-quick.md" if args.quick else RESULTS)
        old = results.read_text(encoding="utf-8") if results.exists() else ""
        return corpus.current_section(old)
    print(f"bench: corpus done in {time.perf_counter() - t0:.0f} s")
    return section


# Sections written by hand between these markers (the before/after comparison of one
# change, with the runs it was judged on) are carried over by every run as they are.
KEPT_BEGIN = "<!-- kept: begin"
KEPT_END = "<!-- kept: end -->"


def _kept_marked(results: Path) -> str:
    old = results.read_text(encoding="utf-8") if results.exists() else ""
    kept = ""
    start = old.find(KEPT_BEGIN)
    while start >= 0 and (end := old.find(KEPT_END, start)) >= 0:
        kept += "\n" + old[start : end + len(KEPT_END)] + "\n"
        start = old.find(KEPT_BEGIN, end)
    return kept


# Sections of RESULTS.md this run does not measure, kept as they are: "Site at scale"
# (`make bench-site`, bench/site_scale.py) and "Worker pool" (a one-off comparison of
# rssarchive/extract/workers.py with pebble's ProcessPool, see workers.py's docstring).
KEPT_SECTIONS = ("## Site at scale", "## Worker pool")


def _kept_sections(results: Path) -> str:
    """The KEPT_SECTIONS of `results`, each up to the next heading."""
    old = results.read_text(encoding="utf-8") if results.exists() else ""
    kept = ""
    for title in KEPT_SECTIONS:
        start = old.find("\n" + title)
        if start < 0:
            continue
        end = old.find("\n## ", start + 1)
        kept += "\n" + old[start + 1 : end + 1 if end >= 0 else len(old)]
    return kept


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="tiny sizes (< 60 s): a smoke test")
    size.add_argument(
        "--full", action="store_true", help="also the 10,000-article backfill (minutes more)"
    )
    parser.add_argument("--no-peers", action="store_true", help="skip trafilatura and reader")
    parser.add_argument(
        "--profile",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="profile rssarchive in each scenario (default: yes, but not with --quick)",
    )
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per request")
    parser.add_argument(
        "--delay", type=float, default=0.1, help="per-host delay for backfill and big feeds"
    )
    parser.add_argument(
        "--results",
        type=Path,
        default=None,
        help="where to write the results (default: bench/RESULTS.md, with --quick "
        "bench/RESULTS-quick.md)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    parser.add_argument(
        "--only",
        choices=("noop", "backfill", "bigfeeds", "corpus"),
        action="append",
        help="scenarios",
    )
    parser.add_argument(
        "--corpus",
        type=Path,
        default=None,
        help="mozilla/readability's test/test-pages, for the corpus scenario "
        "(default: $BENCH_CORPUS; without it the scenario is skipped)",
    )
    args = parser.parse_args(argv)

    scale = QUICK if args.quick else FULL
    if args.full:
        scale = Scale(**{**FULL.__dict__, "full_size": 10_000})
    peers = not args.no_peers and peers_available()
    if not args.no_peers and not peers:
        print(
            f"bench: peers not installed in {PEER_VENV} (make bench does it); running "
            "rssarchive alone",
            file=sys.stderr,
        )
    if not fakesite.address_usable("127.77.1.1"):
        print("bench: cannot bind 127.77.1.1 (needs Linux loopback)", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="rssarchive-bench-"))
    profile = scale.profile if args.profile is None else args.profile
    profile_dir = work / "profiles" if profile else None
    if profile_dir is not None:
        profile_dir.mkdir()
    settings = Settings(
        scale=scale,
        latency=args.latency,
        noop=Politeness(concurrency=2, delay=0.0),
        backfill=Politeness(concurrency=1, delay=args.delay),
        peers=peers,
        # A stuck run must not eat the 10-minute budget; a healthy one needs far less.
        timeout=900.0 if args.full else 300.0,
        profile_dir=profile_dir,
    )
    bench = Bench(settings=settings, work=work, python=sys.executable)
    # make bench must stay under 10 minutes on a noisy 2-core machine; --full may not.
    bench.budget = 1500.0 if args.full else 540.0
    bench.politeness_keys = politeness_supported(ROOT)
    if not bench.politeness_keys:
        print("bench: this rssarchive rejects per_host_* keys; left out", file=sys.stderr)
    started = bench.started
    only = set(args.only or ("noop", "backfill", "bigfeeds", "corpus"))
    try:
        print(f"bench: work directory {work}")
        compile_bytecode(bench)
        measure_startup(bench)
        bench.fsync_ms.append(measure_fsync(work))
        bench.load.append(os.getloadavg()[0])
        print(f"bench: rssarchive --help {bench.help_time:.3f} s")
        # Each scenario gets its own block of addresses: 127.77.<block>.<host>.
        steps: list[tuple[str, Callable[[Bench, int], Scenario], int]] = [
            ("noop", scenario_noop, 1),
            ("backfill", scenario_backfill, 2),
            ("bigfeeds", scenario_bigfeeds, 3),
        ]
        for name, step, block in steps:
            if name not in only:
                continue
            t0 = time.perf_counter()
            print(f"bench: {name} ...")
            bench.scenarios.append(step(bench, block))
            print(f"bench: {name} done in {time.perf_counter() - t0:.0f} s")
        if "corpus" in only:
            bench.corpus_section = corpus_scenario(args, bench)
        bench.fsync_ms.append(measure_fsync(work))
        bench.load.append(os.getloadavg()[0])
        bench.checks.append(
            Check(
                "`rssarchive --help`",
                f"< {HELP_LIMIT} s",
                f"{bench.help_time:.3f} s",
                bench.help_time < HELP_LIMIT,
            )
        )
        elapsed = time.perf_counter() - started
        results = args.results or (BENCH / "RESULTS-quick.md" if args.quick else RESULTS)
        old = results.read_text(encoding="utf-8") if results.exists() else ""
        # The re-check scenario's section (bench/recheck.py) is carried over too.
        text = render_results(bench, elapsed) + _kept_sections(results)
        text += _kept_marked(results)
        results.write_text(recheck_bench.carry(old, text), encoding="utf-8")
        print_summary(bench)
        print(f"\nbench: {elapsed:.0f} s; results in {results}")
    finally:
        if args.keep:
            print(f"bench: kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    # Missed targets are results, not errors; a command that failed or archived less
    # than it was given means the numbers are not worth reading.
    broken = [(sc.name, r) for sc in bench.scenarios for r in sc.rows if r.broken]
    for name, row in broken:
        print(f"bench: {name}: {row.tool} {row.what}: {row.output} {row.note}", file=sys.stderr)
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
