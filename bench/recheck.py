"""The re-check scenario: 1,000 archived articles checked again, 95 % of them unchanged.

    python bench/recheck.py            # 1,000 articles on 20 hosts; updates RESULTS.md
    python bench/recheck.py --quick    # 100 articles (a smoke test)

The articles are archived once by ``rssarchive backfill`` (pages with ``ETag`` and
``Last-Modified``); then 5 % of the pages are edited (a sentence added to the article),
and ``rssarchive recheck --now <archive time + 1 h>`` is measured: every unchanged page
must answer 304 (no extraction), every edited one 200 and be found edited. Its wall
time is set beside the network floor of the same requests (hosts in parallel, each held
to the politeness: ``run.network_floor``) and of the 304s alone.

Results go to the "Re-checks" section of bench/RESULTS.md (between the markers below;
the rest of the file is left as it is, and bench/run.py carries the section over).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import fakesite
import tables
import yaml

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "RESULTS.md"
BEGIN = "<!-- recheck: begin (bench/recheck.py writes this section) -->"
END = "<!-- recheck: end -->"
NOTES_BEGIN = "<!-- recheck notes: begin (written by hand, kept by bench/recheck.py) -->"
NOTES_END = "<!-- recheck notes: end -->"
T0 = "2025-01-01T00:00:00Z"
T1 = "2025-01-01T01:00:00Z"
LATENCY = 0.05
DELAY = 0.05
CONCURRENCY = 1
BLOCK = 31  # 127.77.31.x: apart from run.py's scenarios
EDITED_SHARE = 0.05


def current_section(text: str) -> str | None:
    start = text.find(BEGIN)
    end = text.find(END, start)
    return None if start < 0 or end < 0 else text[start : end + len(END)]


def carry(old: str, new: str) -> str:
    """``new`` (a RESULTS.md run.py rendered) with ``old``'s re-check section kept."""
    section = current_section(old)
    if section is None or current_section(new) is not None:
        return new
    # Another section carried over up to the next heading may have taken our first line.
    new = new.replace(BEGIN + "\n", "")
    return new.rstrip("\n") + "\n\n" + section + "\n"


def notes(section: str) -> str | None:
    """The hand-written notes of a section (what was changed, measured side by side),
    which a new run keeps under its numbers."""
    start = section.find(NOTES_BEGIN)
    end = section.find(NOTES_END, start)
    return None if start < 0 or end < 0 else section[start : end + len(NOTES_END)]


def write_section(results: Path, section: str) -> None:
    text = results.read_text(encoding="utf-8") if results.exists() else ""
    old = current_section(text)
    if old is not None:
        kept = notes(old)
        if kept is not None and notes(section) is None:
            section = section.replace("\n" + END, "\n\n" + kept + "\n" + END)
        text = text.replace(old, section)
    else:
        text = text.rstrip("\n") + ("\n\n" if text else "") + section + "\n"
    results.write_text(text, encoding="utf-8")


def floor(per_host: Counter[str]) -> float:
    """run.network_floor, restated: the slowest host's requests back to back."""
    worst = 0.0
    for n in per_host.values():
        if n > 0:
            worst = max(worst, -(-n // CONCURRENCY) * LATENCY, (n - 1) * DELAY + LATENCY)
    return worst


def cli(
    config: Path, *args: str, profile: Path | None = None
) -> tuple[subprocess.CompletedProcess[str], float, float]:
    """Run the CLI; (result, wall seconds, CPU seconds of the process and its children)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    python = [sys.executable] + (["-m", "cProfile", "-o", str(profile)] if profile else [])
    done = subprocess.run(
        [*python, "-m", "rssarchive", "--config", str(config), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return done, wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="100 articles, not 1,000")
    parser.add_argument("--results", type=Path, default=None, help="RESULTS.md to update")
    parser.add_argument("--profile", type=Path, default=None, help="cProfile the re-check here")
    args = parser.parse_args()
    articles, hosts = (100, 5) if args.quick else (1000, 20)
    # rssarchive's bytecode, as installing the package writes it (run.compile_bytecode):
    # with PYTHONDONTWRITEBYTECODE set, each measured command would compile every module
    # of the working tree again (~0.3 s of CPU), a cost no installed copy pays.
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "rssarchive")],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    results = args.results or (BENCH / "RESULTS-quick.md" if args.quick else RESULTS)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="rssarchive-bench-recheck-") as scratch:
        work = Path(scratch)
        site = fakesite.Site(BLOCK, hosts, work / "web", LATENCY, "rssarchive-bench-recheck")
        for server in site.servers:
            server.page_validators = True
        with site:
            stories = [site.story(i % hosts, i) for i in range(articles)]
            for story in stories:
                site.publish_page(story)
            urls = work / "urls.txt"
            urls.write_text("".join(s.url + "\n" for s in stories), encoding="utf-8")
            config = work / "config.yaml"
            config.write_text(
                yaml.safe_dump(
                    {
                        "site_dir": str(work / "site"),
                        "feeds": [{"name": "Bench", "url": f"http://{site.hosts[0]}/f.xml"}],
                        "recheck_budget": {"articles": articles, "seconds": 3600},
                        "network": {
                            "allow_private_addresses": True,
                            "per_host_concurrency": CONCURRENCY,
                            "per_host_delay": DELAY,
                        },
                    }
                ),
                encoding="utf-8",
            )
            done, _, _ = cli(config, "backfill", "--from-file", str(urls), "--now", T0)
            if done.returncode != 0:
                print(done.stdout, done.stderr, file=sys.stderr)
                return 1
            edited = stories[:: round(1 / EDITED_SHARE)]
            for story in edited:
                # A sentence added to the article's first paragraph: a real edit.
                body = story.body_html.replace("</p>", " 本文已更正。</p>", 1)
                path = site.publish_page(replace(story, body_html=body))
                os.utime(path, (time.time() + 5, time.time() + 5))
            site.counts.reset()
            done, wall, cpu = cli(config, "recheck", "--now", T1, "--json", profile=args.profile)
            if done.returncode != 0:
                print(done.stdout, done.stderr, file=sys.stderr)
                return 1
            report = json.loads(done.stdout)["recheck"]
            counts = site.counts.snapshot()
            with site.counts.lock:
                spans = dict(site.counts.spans)
            # The same command with nothing due: its fixed cost (start-up, the state).
            _, idle, _ = cli(config, "recheck", "--now", T1)
    per_host = Counter({host: sum(kinds.values()) for host, kinds in counts.items()})
    only_304 = Counter({host: kinds["304"] for host, kinds in counts.items()})
    kinds = sum(counts.values(), Counter())
    full_floor, floor_304 = floor(per_host), floor(only_304)
    # The fetching itself, seen by the servers (start-up and the publishing after are
    # not in it): per host, its first request in to its last answer out, beside that
    # host's floor. The hosts that answered nothing but 304s are what the issue asks
    # about: unchanged pages, no body, no extraction.
    ratios = {
        host: (last - first, floor(Counter({host: per_host[host]})))
        for host, (first, last) in spans.items()
        if per_host[host]
    }
    slowest = max(ratios.values(), default=(0.0, 0.0))
    unchanged = [r for host, r in ratios.items() if counts[host]["page"] == 0]
    slowest_304 = max(unchanged, default=(0.0, 0.0))
    ok = (
        report["checked"] == articles
        and report["edited"] == len(edited)
        and kinds["304"] == articles - len(edited)
    )
    date = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    rows = [
        [
            "checked / edited found / 304 answers / 200 answers",
            f"{report['checked']} / {report['edited']} / {kinds['304']} / {kinds['page']}",
        ],
        ["wall time", f"{wall:.2f} s"],
        ["the same command with nothing due (start-up, state)", f"{idle:.2f} s"],
        ["network floor of these requests", f"{full_floor:.2f} s"],
        ["wall / floor", f"{wall / full_floor:.2f}" if full_floor else "-"],
        [
            "(wall - nothing-due cost) / floor",
            f"{(wall - idle) / full_floor:.2f}" if full_floor else "-",
        ],
        [
            "slowest host's requests at its server (first in to last answer out) / its floor",
            f"{slowest[0]:.2f} s / {slowest[1]:.2f} s = "
            f"{slowest[0] / slowest[1] if slowest[1] else 0:.2f}",
        ],
        [
            f"the same, among the {len(unchanged)} hosts whose pages were all unchanged (304 only)",
            f"{slowest_304[0]:.2f} s / {slowest_304[1]:.2f} s = "
            f"{slowest_304[0] / slowest_304[1] if slowest_304[1] else 0:.2f}",
        ],
        ["CPU time (process tree)", f"{cpu:.2f} s"],
        ["CPU per check", f"{cpu / max(report['checked'], 1) * 1000:.1f} ms"],
        ["everything as expected", "yes" if ok else "NO"],
    ]
    lines = [
        BEGIN,
        "## Re-checks: 1,000 archived articles, 95 % unchanged"
        if not args.quick
        else "## Re-checks (quick: 100 articles)",
        "",
        f"`python bench/recheck.py` ({date}, {os.cpu_count()} cores, load average "
        f"{load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end). "
        f"{articles} articles on "
        f"{hosts} hosts archived by `backfill`, {len(edited)} of them then edited; "
        f"`rssarchive recheck --now <archive time + 1 h>` measured. Latency {LATENCY * 1000:.0f}"
        f" ms a request, per-host politeness {CONCURRENCY} in flight and {DELAY} s between "
        "starts.",
        "",
        *tables.markdown(["", "value"], rows),
        "",
        "The floor is set by the slowest host: its requests one at a time, no sooner than "
        f"{DELAY} s apart. An unchanged page costs a 304 (no body, no extraction); only the "
        "edited pages are extracted and compared.",
        END,
    ]
    section = "\n".join(lines)
    write_section(results, section)
    print(section)
    print(f"(304 alone would floor at {floor_304:.2f} s)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
