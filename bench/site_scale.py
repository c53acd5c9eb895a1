"""The site at archive scale: build time and peak memory of `jekyll build` for N posts.

    python bench/site_scale.py                      # N = 1,000, 10,000 and 50,000
    python bench/site_scale.py --full               # and 100,000
    python bench/site_scale.py --sizes 2000 8000 --without each_site_file_fix.rb
    python bench/site_scale.py --sizes 10000 --search   # and Pagefind's index of the built site

For each N it copies the site template output/ into a work directory, writes N posts in
the archive's format with rssarchive's own renderer (bodies derived from the two seed
posts, ~9 KB each, half Chinese and half English, four feeds, one post every 20 minutes),
then measures:

- cold: `jekyll build --incremental` with no .jekyll-cache, .jekyll-metadata or _site
  (a fresh CI machine);
- hourly: one more archive run's posts (NEW_POSTS) added, built again with the cache,
  metadata and _site of the cold build kept (what the Actions recipe keeps between runs);
  the listing pages say `regenerate: true`, so they are rebuilt with the new posts;
- with --search: `pagefind --site _site` (the project's Python environment's
  `python -m pagefind`, from `pagefind[extended]`), its time and the index size.

Peak memory is the maximum resident set size of the build process and CPU time its user +
system time (os.wait4): on a machine shared with other work, wall time says more about
the neighbours than about the build, and Jekyll builds on one core, so CPU time is the
wall time of an idle machine. The growth rate is CPU ms per post at each N and the CPU
ratio between sizes; linear means the first stays flat. `--without NAME` drops a file
of output/_plugins/ from the copy (`--without all`: no plugins, the site as GitHub Pages
builds it); `--full-rebuilds` builds without --incremental; `--cold-only` skips the hourly
build. `--markdown-out FILE` replaces the "Site at scale" section of FILE (e.g.
bench/RESULTS.md), keeping the rest; the table is printed in any case.

`--split` measures the archive built as one site per year instead (make site SPLIT=year,
scripts/build_split.py), its posts spread over six whole years (SPLIT_STEP apart, ~16,700
a year, the newest year full, as in December): the cold build of every year and the
front page; the hourly build after NEW_POSTS new posts in the newest year (the script
must rebuild that year alone); the same hourly build after every post's modification
time changed (a fresh checkout on a CI machine); the build after a run whose re-checks
recorded one edit of a post of the oldest year (rssarchive's own Versions.publish writes
_data/changes.json and the versions pages; the script must rebuild that year alone), and
after a run that did that and added NEW_POSTS posts (that year and the newest); each
year's built size; with --search, the first build with search (every year's index, the
newest year's newest month apart) and then an hourly build with search (the script must
index the newest month alone), their time and peak memory. Fewer posts than 100,000
(--sizes 20000) cover fewer years, the last of them not full.
CPU time and peak memory are those of the script and everything it runs. With --split,
--markdown-out is not used (the numbers are copied into RESULTS.md by hand).
"""

from __future__ import annotations

import argparse
import itertools
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tables import records  # noqa: E402  (bench/, beside this script)

from rssarchive.core.models import Config  # noqa: E402
from rssarchive.publish.permalinks import post_url  # noqa: E402
from rssarchive.publish.render import render_post  # noqa: E402
from rssarchive.publish.versions import Versions  # noqa: E402
from rssarchive.store.state import RecheckRow  # noqa: E402

TEMPLATE = ROOT / "output"
SEEDS = ROOT / "tests" / "golden" / "seeds"
NOT_TEMPLATE = {"_posts", "_site", ".jekyll-cache", ".jekyll-metadata", ".rssarchive", ".split"}
# One hourly run of a handful of feeds.
NEW_POSTS = 25
FEEDS = ("自由亚洲电台", "美国之音中文网", "BBC News", "Reuters World")
START = datetime(2019, 1, 1, tzinfo=UTC)
STEP = timedelta(minutes=20)
# --split: 100,000 posts over six whole years (2019-2024), the last post late in December.
SPLIT_STEP = timedelta(minutes=31, seconds=30)
SECTION = "## Site at scale (bench/site_scale.py)"

_EN_TEXT = (
    "government officials said on Tuesday that the talks would continue next week "
    "despite objections from opposition lawmakers who called the plan a mistake and "
    "warned of rising costs for families already struggling with inflation while "
    "analysts expect the central bank to hold interest rates steady as exports slow "
    "and the security alliance faces new questions about defence spending"
)
_EN_WORDS = tuple(_EN_TEXT.split())


@dataclass(frozen=True)
class Body:
    lead: str  # the lead image block, as the seeds have it
    paragraphs: list[str]


def _seed_bodies() -> list[str]:
    bodies = []
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        bodies.append(text.split("<div>\n", 1)[1].rsplit("\n</div>\n", 1)[0])
    return bodies


def _split(body: str) -> Body:
    first = body.index("<p>")
    paragraphs = re.findall(r"<p>.*?</p>", body[first:])
    return Body(body[:first], paragraphs)


def _english(index: int, count: int) -> list[str]:
    paragraphs = []
    for p in range(count):
        words = [_EN_WORDS[(index * 7 + p * 13 + w * 5) % len(_EN_WORDS)] for w in range(60)]
        sentence = " ".join(words)
        paragraphs.append(f"<p>{sentence[0].upper()}{sentence[1:]}.</p>")
    return paragraphs


class PostMaker:
    """Posts of the seeds' shape, ~9 KB: the seeds' lead block and paragraphs for the
    Chinese half, the same structure with English text for the other half."""

    def __init__(self, step: timedelta = STEP) -> None:
        self.step = step
        self.bodies = [_split(b) for b in _seed_bodies()]
        self.zh_paragraphs = [p for b in self.bodies for p in b.paragraphs]

    def post(self, index: int) -> tuple[str, str]:
        feed = FEEDS[index % len(FEEDS)]
        chinese = index % len(FEEDS) < 2
        seed = self.bodies[index % len(self.bodies)]
        if chinese:
            rotation = index % len(self.zh_paragraphs)
            ring = self.zh_paragraphs[rotation:] + self.zh_paragraphs[:rotation]
            paragraphs = ring + ring[:6]
            title = f"美日2+2安全会谈第{index}轮 讨论核威慑与驻日美军指挥权"
        else:
            paragraphs = _english(index, 14)
            title = f"Security talks, round {index}: allies weigh defence spending"
        body = seed.lead + "".join(paragraphs)
        moment = START + self.step * index
        url = f"https://news.example/{'zh' if chinese else 'en'}/{index}.html"
        post = render_post(
            title=title,
            url=url,
            published=moment,
            archived_at=moment,
            author=feed,
            tags=[feed],
            categories=[feed],
            body_html=body,
        )
        return post.filename, post.text


def write_posts(posts_dir: Path, maker: PostMaker, start: int, count: int) -> int:
    written = 0
    for index in range(start, start + count):
        name, text = maker.post(index)
        (posts_dir / name).write_text(text, encoding="utf-8")
        written += len(text.encode("utf-8"))
    return written


@dataclass(frozen=True)
class Run:
    seconds: float  # wall clock
    cpu_seconds: float  # user + system: what the build costs, however busy the machine
    max_rss_mb: float
    output: str


def timed(command: list[str], cwd: Path) -> Run:
    """Run `command`; its wall time and the peak RSS of its process (os.wait4)."""
    env = {**os.environ, "LC_ALL": "C.UTF-8", "JEKYLL_ENV": "production"}
    started = time.monotonic()
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=log)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.monotonic() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        output = log.read().decode("utf-8", "replace")
    if process.returncode != 0:
        raise SystemExit(f"failed ({process.returncode}): {' '.join(command)}\n{output[-3000:]}")
    return Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, output)


def jekyll_build(site: Path, incremental: bool) -> Run:
    jekyll = shutil.which("jekyll")
    if jekyll is None:
        raise SystemExit("jekyll not found: run scripts/install-jekyll.sh")
    command = [jekyll, "build", "--source", str(site), "--destination", str(site / "_site")]
    return timed(command + (["--incremental"] if incremental else []), site)


def pagefind(site: Path) -> Run:
    return timed([sys.executable, "-m", "pagefind", "--site", str(site / "_site")], site)


def tree_size(path: Path) -> tuple[int, int]:
    files = [p for p in path.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def make_site(work: Path, without: list[str]) -> Path:
    site = work / "site"
    if site.exists():
        shutil.rmtree(site)

    def ignore(directory: str, names: list[str]) -> set[str]:
        if Path(directory) == TEMPLATE:
            return {n for n in names if n in NOT_TEMPLATE}
        if Path(directory) == TEMPLATE / "_plugins":
            return set(names) if "all" in without else {n for n in names if n in without}
        return set()

    shutil.copytree(TEMPLATE, site, ignore=ignore)
    (site / "_posts").mkdir()
    return site


def measure(size: int, work: Path, args: argparse.Namespace, maker: PostMaker) -> dict[str, str]:
    site = make_site(work, args.without)
    posts_bytes = write_posts(site / "_posts", maker, 0, size)
    incremental = not args.full_rebuilds
    cold = jekyll_build(site, incremental)
    _, built_bytes = tree_size(site / "_site")
    row = {
        "posts": f"{size:,}",
        "posts KB": f"{posts_bytes / size / 1024:.1f}",
        "cold s": f"{cold.seconds:.1f}",
        "cold CPU s": f"{cold.cpu_seconds:.1f}",
        "cold CPU ms/post": f"{cold.cpu_seconds * 1000 / size:.2f}",
        "cold peak MB": f"{cold.max_rss_mb:.0f}",
    }
    if not args.cold_only:
        write_posts(site / "_posts", maker, size, NEW_POSTS)
        hourly = jekyll_build(site, incremental)
        newest = maker.post(size + NEW_POSTS - 1)[0]
        if not (site / "_site" / post_url(newest).lstrip("/")).is_file():
            raise SystemExit(f"the hourly build did not publish the newest post, {newest}")
        row[f"+{NEW_POSTS} posts s"] = f"{hourly.seconds:.1f}"
        row[f"+{NEW_POSTS} posts CPU s"] = f"{hourly.cpu_seconds:.1f}"
        row["hourly peak MB"] = f"{hourly.max_rss_mb:.0f}"
    row["_site MB"] = f"{built_bytes / 1e6:.0f}"
    if args.search and size <= args.search_max:
        index = pagefind(site)
        files, index_bytes = tree_size(site / "_site" / "pagefind")
        row["pagefind s"] = f"{index.seconds:.1f}"
        row["pagefind CPU s"] = f"{index.cpu_seconds:.1f}"
        row["pagefind peak MB"] = f"{index.max_rss_mb:.0f}"
        row["index MB (files)"] = f"{index_bytes / 1e6:.1f} ({files:,})"
    print(" ".join(f"{k}={v}" for k, v in row.items()), flush=True)
    if not args.keep:
        shutil.rmtree(site)
    return row


def split_build(site: Path, search: bool) -> tuple[Run, list[str]]:
    """scripts/build_split.py on `site`; its run and the years it rebuilt."""
    command = [sys.executable, str(ROOT / "scripts" / "build_split.py"), "--site", str(site)]
    run = timed(command + ([] if search else ["--no-search"]), site)
    rebuilt = re.findall(r"^build_split: building (\d{4})", run.output, re.MULTILINE)
    return run, rebuilt


def record_edit(site: Path, rows: list[RecheckRow], name: str, when: datetime) -> None:
    """What a run's re-checks write after finding an edit of the post `name` (its two
    versions, then _data/changes.json and the pages of every change so far, in `rows`)."""
    versions = Versions(site)
    text = versions.post_text(name) or ""
    versions.keep(name, when - timedelta(days=1), text)
    versions.keep(name, when, text + "\nA correction was added to this article.")
    rows.append(
        RecheckRow(
            article_id=len(rows) + 1,
            url=f"https://news.example/{name}",
            feed=FEEDS[0],
            filename=name,
            archived=when - timedelta(days=1),
            status="edited",
            edited_at=when,
        )
    )
    config = Config(site_dir=site, state_path=site / ".rssarchive" / "state.sqlite3", feeds=())
    failed = versions.publish(rows, config)
    if failed:
        raise SystemExit(f"recording the edit failed: {failed}")


def measure_split(size: int, work: Path, args: argparse.Namespace) -> list[dict[str, str]]:
    maker = PostMaker(SPLIT_STEP)
    site = make_site(work, args.without)
    write_posts(site / "_posts", maker, 0, size)
    cold, years = split_build(site, search=False)
    newest = years[-1]
    rows = []
    for year in years:
        count = sum(1 for _ in (site / "_posts").glob(f"{year}-*"))
        _, built = tree_size(site / "_site" / year)
        rows.append({"year": year, "posts": f"{count:,}", "_site MB": f"{built / 1e6:.0f}"})
    write_posts(site / "_posts", maker, size, NEW_POSTS)
    hourly, rebuilt = split_build(site, search=False)
    if rebuilt != [newest]:
        raise SystemExit(f"the hourly build rebuilt {rebuilt}, not {newest} alone")
    name = maker.post(size + NEW_POSTS - 1)[0]
    if not (site / "_site" / post_url(name).lstrip("/")).is_file():
        raise SystemExit(f"the hourly build did not publish the newest post, {name}")

    # A fresh checkout on a CI machine: every post's mtime is new, and the copies of the
    # posts are not in the Actions cache (the recipe leaves them out); the copies' mtimes
    # come from their content, so that Jekyll's metadata still knows them.
    def checkout() -> None:
        for path in (site / "_posts").iterdir():
            os.utime(path)
        for copies in (site / ".split").glob("*/_posts"):
            shutil.rmtree(copies)

    checkout()
    unchanged, rebuilt = split_build(site, search=False)
    if rebuilt:
        raise SystemExit(f"nothing changed, but {rebuilt} was rebuilt")
    write_posts(site / "_posts", maker, size + NEW_POSTS, NEW_POSTS)
    checkout()
    ci_hourly, rebuilt = split_build(site, search=False)
    if rebuilt != [newest]:
        raise SystemExit(f"the hourly build after a checkout rebuilt {rebuilt}, not {newest}")

    # Re-checks record edits of old posts: one edit, then one edit and a run's new posts.
    oldest = years[0]
    old_posts = sorted((site / "_posts").glob(f"{oldest}-*"))
    changes: list[RecheckRow] = []
    when = START + SPLIT_STEP * (size + 2 * NEW_POSTS)
    record_edit(site, changes, old_posts[len(old_posts) // 2].name, when)
    edit, rebuilt = split_build(site, search=False)
    if rebuilt != [oldest]:
        raise SystemExit(f"the build after one edit rebuilt {rebuilt}, not {oldest} alone")
    record_edit(site, changes, old_posts[len(old_posts) // 3].name, when + timedelta(hours=1))
    write_posts(site / "_posts", maker, size + 2 * NEW_POSTS, NEW_POSTS)
    edit_hourly, rebuilt = split_build(site, search=False)
    if rebuilt != sorted({oldest, newest}):
        raise SystemExit(f"the build after an edit and new posts rebuilt {rebuilt}")
    page = site / "_site" / post_url(old_posts[len(old_posts) // 3].name).lstrip("/")
    if "post-change-edited" not in page.read_text(encoding="utf-8"):
        raise SystemExit(f"the edited post's page, {page}, has no notice")
    summary = {
        "posts": f"{size:,} over {len(years)} years",
        "cold s": f"{cold.seconds:.1f}",
        "cold CPU s": f"{cold.cpu_seconds:.1f}",
        "cold peak MB": f"{cold.max_rss_mb:.0f}",
        f"+{NEW_POSTS} posts s": f"{hourly.seconds:.1f}",
        f"+{NEW_POSTS} posts CPU s": f"{hourly.cpu_seconds:.1f}",
        "hourly peak MB": f"{hourly.max_rss_mb:.0f}",
        "unchanged, new mtimes s": f"{unchanged.seconds:.1f}",
        "unchanged, new mtimes CPU s": f"{unchanged.cpu_seconds:.1f}",
        f"+{NEW_POSTS}, new mtimes s": f"{ci_hourly.seconds:.1f}",
        f"+{NEW_POSTS}, new mtimes CPU s": f"{ci_hourly.cpu_seconds:.1f}",
        f"+{NEW_POSTS}, new mtimes peak MB": f"{ci_hourly.max_rss_mb:.0f}",
        f"1 edit in {oldest} s": f"{edit.seconds:.1f}",
        f"1 edit in {oldest} CPU s": f"{edit.cpu_seconds:.1f}",
        f"+{NEW_POSTS} and 1 edit in {oldest} s": f"{edit_hourly.seconds:.1f}",
        f"+{NEW_POSTS} and 1 edit in {oldest} CPU s": f"{edit_hourly.cpu_seconds:.1f}",
        f"+{NEW_POSTS} and 1 edit peak MB": f"{edit_hourly.max_rss_mb:.0f}",
    }
    if args.search:
        # Every year's index (the newest year's in two: its newest month apart), then
        # an hourly run's: the newest year and its month's index only.
        first, _ = split_build(site, search=True)
        month = site / "_site" / newest / "pagefind-month"
        write_posts(site / "_posts", maker, size + 3 * NEW_POSTS, NEW_POSTS)
        search_hourly, rebuilt = split_build(site, search=True)
        indexed = re.findall(r"^build_split: indexing (\S+)", search_hourly.output, re.MULTILINE)
        if rebuilt != [newest] or indexed != [f"{newest}/pagefind-month"]:
            raise SystemExit(f"the hourly build with search rebuilt {rebuilt} and {indexed}")
        files, index_bytes = tree_size(month)
        month_posts = re.search(r"indexing \S+ \((\d+) posts\)", search_hourly.output)
        summary["every index s"] = f"{first.seconds:.1f}"
        summary["every index CPU s"] = f"{first.cpu_seconds:.1f}"
        summary["every index peak MB"] = f"{first.max_rss_mb:.0f}"
        summary[f"+{NEW_POSTS} with search s"] = f"{search_hourly.seconds:.1f}"
        summary[f"+{NEW_POSTS} with search CPU s"] = f"{search_hourly.cpu_seconds:.1f}"
        summary[f"+{NEW_POSTS} with search peak MB"] = f"{search_hourly.max_rss_mb:.0f}"
        summary["month index posts"] = month_posts.group(1) if month_posts else "?"
        summary["month index MB (files)"] = f"{index_bytes / 1e6:.1f} ({files:,})"
    _, total = tree_size(site / "_site")
    summary["_site MB"] = f"{total / 1e6:.0f}"
    print(" ".join(f"{k}={v}" for k, v in summary.items()), flush=True)
    if not args.keep:
        shutil.rmtree(site)
    return [summary, *rows]


def table(rows: list[dict[str, str]]) -> str:
    return "\n".join(records(rows))


def replace_section(path: Path, text: str) -> None:
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    start = old.find(SECTION)
    if start < 0:
        new = old.rstrip("\n") + "\n\n" + text
    else:
        following = old.find("\n## ", start + len(SECTION))
        rest = old[following + 1 :] if following >= 0 else ""
        new = old[:start] + text + ("\n" + rest if rest else "")
    path.write_text(new, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    parser.add_argument("--full", action="store_true", help="add 100,000 posts")
    parser.add_argument("--search", action="store_true", help="also run Pagefind")
    parser.add_argument(
        "--search-max",
        type=int,
        default=50000,
        metavar="N",
        help="run Pagefind only up to N posts (default 50,000: it held 3.3 GB at 10,000)",
    )
    parser.add_argument("--without", action="append", default=[], metavar="PLUGIN")
    parser.add_argument("--cold-only", action="store_true", help="no hourly rebuild")
    parser.add_argument(
        "--full-rebuilds", action="store_true", help="without --incremental (as Pages builds)"
    )
    parser.add_argument("--work", type=Path, help="work directory (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the built sites")
    parser.add_argument("--markdown-out", type=Path)
    parser.add_argument("--split", action="store_true", help="a site per year (see above)")
    args = parser.parse_args()
    sizes = args.sizes + ([100000] if args.full and 100000 not in args.sizes else [])
    maker = PostMaker()
    work = args.work or Path(tempfile.mkdtemp(prefix="rssarchive-site-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    if args.split:
        for size in sizes:
            summary, *years = measure_split(size, work, args)
            print(table([summary]) + "\n\n" + table(years) + "\n", flush=True)
        if args.work is None and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        return 0
    rows = [measure(size, work, args, maker) for size in sizes]
    for before, after in itertools.pairwise(rows):
        n0, n1 = (int(r["posts"].replace(",", "")) for r in (before, after))
        t0, t1 = (float(r["cold CPU s"]) for r in (before, after))
        after["growth"] = f"x{t1 / t0:.1f} CPU for x{n1 / n0:.0f} posts"
    version = subprocess.run(["jekyll", "--version"], capture_output=True, text=True).stdout
    plugins = "none (as GitHub Pages builds)" if "all" in args.without else "output/_plugins"
    if args.without and "all" not in args.without:
        plugins += " without " + ", ".join(args.without)
    text = (
        f"{SECTION}\n\n"
        f"{version.strip()}, Ruby {_ruby_version()}, "
        f"{os.cpu_count()} cores; plugins: {plugins}; measured "
        f"{datetime.now(UTC):%Y-%m-%d}. Cold: no cache; hourly: {NEW_POSTS} new posts, "
        "cache and _site kept.\n\n" + table(rows) + "\n"
    )
    print(text)
    if args.markdown_out:
        replace_section(args.markdown_out, text)
    if args.work is None and not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def _ruby_version() -> str:
    out = subprocess.run(["ruby", "-e", "print RUBY_VERSION"], capture_output=True, text=True)
    return out.stdout.strip() or "?"


if __name__ == "__main__":
    sys.exit(main())
