"""Build the archive as one Jekyll site per year, sharing the one layout, with a front page.

    python scripts/build_split.py [--site output] [--no-search]     (make site SPLIT=year)

One Jekyll site holding every post reads every post on every build: at 100,000 posts an
hourly rebuild costs minutes, the built site passes GitHub Pages' 1 GB limit and
Pagefind's indexer runs out of memory (README, "At scale"). Split, each year is a site of
its own, built into <site>/_site/<year>/ with `baseurl: <baseurl>/<year>` and the permalink
without its year, so that every post keeps the URL it has in the single site
(/2024/07/24/title.html) and the pages that list posts (the paginated index, categories)
list that year's posts under /<year>/. The front page (<site>/_site/index.html) links the
years and shows the newest posts; the search page (/search/) searches every year's
Pagefind index, merged in the browser, with the year as a filter.

Pagefind cannot add pages to an index, and indexing a whole year takes over a minute at
~16,700 posts, so the newest year has two indexes: <year>/pagefind/ for its months
before the newest and <year>/pagefind-month/ for its newest month, which is all an
hourly run changes. Each index is built again only when the posts it holds (or the
year's template) changed, whether or not the year's site was rebuilt: hourly, only the
month's; once a month, the year's other months; once a year, the year that ended (one
index of its own again). A re-check's notice is no part of any index (the post layout
marks it data-pagefind-ignore), so recording an edit indexes nothing again.

Each year is rebuilt only when its posts or the site's template changed (a content hash
per year, the stamp in <site>/.split/<year>.json), so an hourly run rebuilds the current
year and the front page only. The year is built from a generated source directory
<site>/.split/<year>/ holding copies of the template (the `_`-directories, index.html and
categories/) and of that year's posts, with `jekyll build --incremental`; each copy's
modification time is derived from its content, so that Jekyll's incremental metadata
(kept in that directory with .jekyll-cache) recognises unchanged posts even after a fresh
checkout, as on a CI machine. Everything else of the template (assets/, search/, any page
a user adds, CNAME, and the re-checks' versions/, deleted/ and changes.xml) belongs to
the front site, built into <site>/_site/ itself.

The re-checks' notices come from one file, _data/changes.json, keyed by post (README,
"Re-checks"), which a run changes whenever it records an edit or a deletion of any post.
It is not part of a year's template: each year gets a _data/changes.json holding only the
entries of its own posts, and each entry counts as part of its post (in the year's hash
and in its copy's modification time), so that recording an edit rebuilds the edited
post's year alone, and in that year Jekyll's incremental build renders again only the
posts whose entries changed. _versions/ (the kept texts, read by rssarchive to write the
versions pages, never by Jekyll) is part of no site.

A post belongs to the year of its URL, which Jekyll makes from the post's `date:` in the
site's time zone (the file name's date when it has none): rssarchive names a file after
its post's UTC date (docs/post-format.md), but a hand-written post may say another day or
year, and its page must stay at the single site's URL. A post with `published: false`
(which Jekyll leaves out) is part of no year and not listed on the front page.

Which files are posts is Jekyll's rule: any file named `Y-M-D-title.<ext>` (a year of 2
to 4 digits, a month and a day of 1 or 2, any extension) in a `_posts` folder of the
site or of a folder Jekyll reads (news/_posts/: category `news`). rssarchive's own posts
(_posts/YYYY-MM-DD-title.md, no `permalink:`) are placed here without Jekyll, which
would cost a minute at 100,000 posts; every other post is placed by Jekyll itself
(scripts/jekyll_posts.rb: published or not, its URL, date, title and categories), and
copied to the same path in its year's site. A post whose URL is not under
/<year>/<month>/ of its own date (a `permalink:` such as /special/page.html) cannot
be one year's page: the build stops with a line naming it.
"""

from __future__ import annotations

import argparse
import fnmatch
import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

# Changing what this script generates must rebuild every year: it is part of every stamp.
FORMAT = "rssarchive-split-1"
POST_NAME = re.compile(r"\A(\d{4})-\d{2}-\d{2}-.+\.(?:md|markdown|html)\Z")
# Jekyll's rule for a post's file name (Document::DATE_FILENAME_MATCHER, on the name).
JEKYLL_POST_NAME = re.compile(r"\A\d{2,4}-\d{1,2}-\d{1,2}-[^/]*\.[^./]+\Z", re.DOTALL)
PERMALINK_LINE = re.compile(rb"^permalink:", re.MULTILINE)
# The pages of the template that list posts: each year has its own.
YEAR_PAGES = ("index.html", "categories")
# Never part of the template: the archiver's and Jekyll's own files.
# _versions: rssarchive's kept texts, an underscored directory Jekyll never reads, which
# grows with every edit; copying it into every site would only cost time.
NOT_TEMPLATE = {
    "_posts",
    "_site",
    "_versions",
    ".split",
    ".jekyll-cache",
    ".jekyll-metadata",
    ".rssarchive",
}
# Per post, not per site: each year gets the entries of its own posts (see above).
CHANGES = "_data/changes.json"
NEWEST = 50  # posts on the front page
FRONT = "front"
# The folders of a year's Pagefind indexes (see above); the first has the search UI.
INDEX = "pagefind"
MONTH_INDEX = "pagefind-month"
# Where the front site gets scripts/split_search.js: the search page's Pagefind bundle.
SPLIT_SEARCH = "search/years/pagefind.js"
# A date far before any post: copies get this plus a number derived from their content.
MTIME_BASE_NS = 946_684_800 * 10**9  # 2000-01-01
MTIME_SPAN_NS = 20 * 365 * 86_400 * 10**9


def log(message: str) -> None:
    print(f"build_split: {message}", flush=True)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sync_file(source: Path, target: Path, data: bytes | None = None, also: str = "") -> str:
    """Copy `source` (or `data`) to `target` unless it is already there; the copy's mtime
    is a function of its content and of `also` (what else its page is made from, so that
    Jekyll's incremental build renders it again when that changes). Returns the hash."""
    if data is None:
        data = source.read_bytes()
    hashed = digest(data)
    if also:
        hashed = digest(f"{hashed}\0{also}".encode())
    mtime = MTIME_BASE_NS + int(hashed[:15], 16) % MTIME_SPAN_NS
    try:
        stat = target.stat()
        if stat.st_mtime_ns == mtime and stat.st_size == len(data):
            return hashed
    except FileNotFoundError:
        target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    os.utime(target, ns=(mtime, mtime))
    return hashed


def template_files(site: Path, for_year: bool) -> list[Path]:
    """The template's files (relative paths) that go into a year's site or the front's;
    a year's _data/changes.json is made apart (year_changes)."""
    files = []
    for entry in sorted(site.iterdir()):
        name = entry.name
        if name in NOT_TEMPLATE or (name.startswith(".") and name != ".nojekyll"):
            continue
        shared = name.startswith("_")  # layouts, includes, data, plugins, _config.yml
        if for_year and not (shared or name in YEAR_PAGES):
            continue
        if not for_year and name in YEAR_PAGES:
            continue
        paths = [entry] if entry.is_file() else sorted(p for p in entry.rglob("*") if p.is_file())
        # A category folder's posts (news/_posts/) are its year's, not the front site's.
        files += [r for p in paths if "_posts" not in (r := p.relative_to(site)).parts]
    if for_year:
        files = [f for f in files if str(f) != CHANGES]
    return files


def read_changes(site: Path) -> dict[str, Any]:
    """The re-checks' entries by post path ("_posts/<file>", Jekyll's page.path); none
    without the file."""
    path = site / CHANGES
    if not path.is_file():
        return {}
    try:
        changes = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise SystemExit(f"build_split: cannot read {path}: {exc}") from None
    if not isinstance(changes, dict):
        raise SystemExit(f"build_split: {path} is not a JSON object")
    return changes


def entry_text(entry: Any) -> str:
    """One post's entry as text that is the same whenever the entry is."""
    return json.dumps(entry, ensure_ascii=False, sort_keys=True)


def year_changes(changes: dict[str, Any], posts: list[Path]) -> dict[str, bytes]:
    """The year's _data/changes.json: its own posts' entries (the layout looks a post up
    by its page.path, which is the same), or no file when it has none."""
    mine = {key: changes[key] for p in posts if (key := str(p)) in changes}
    if not mine:
        return {}
    text = json.dumps(mine, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    return {CHANGES: text.encode("utf-8")}


def tree_hash(site: Path, files: list[Path], extra: dict[str, bytes]) -> str:
    """One hash of `files` of `site` (their names and contents) and `extra`."""
    hashes = [f"{f}\0{digest((site / f).read_bytes())}" for f in files]
    hashes += [f"{name}\0{digest(data)}" for name, data in extra.items()]
    return digest("\n".join(sorted(hashes)).encode())


def sync_tree(site: Path, source: Path, files: list[Path], extra: dict[str, bytes]) -> None:
    """Make `source` hold exactly `files` of `site` plus `extra`."""
    wanted = {str(f) for f in files} | set(extra)
    for path in sorted(source.rglob("*"), reverse=True):
        relative = str(path.relative_to(source))
        top = relative.split("/", 1)[0]
        if (
            top in (".jekyll-cache", ".jekyll-metadata", "_site")
            or "_posts" in Path(relative).parts
        ):  # not the template
            continue
        if path.is_file() and relative not in wanted:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    for f in files:
        sync_file(site / f, source / f)
    for name, data in extra.items():
        sync_file(Path(), source / name, data)


# The front matter's lines that decide where Jekyll publishes a post, read without a
# YAML parser (one at 100,000 posts costs a minute): `date:` as Psych reads a timestamp
# (a time without a zone is UTC; Jekyll then shows it in the site's zone) and `published:`.
FRONT_MATTER = re.compile(rb"\A---[ \t]*\r?\n(.*?)^---[ \t]*\r?$", re.DOTALL | re.MULTILINE)
DATE_LINE = re.compile(rb"^date:[ \t]*(.*?)[ \t]*\r?$", re.MULTILINE)
TIMESTAMP = re.compile(
    r"\A(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt]|[ \t]+)(\d{1,2}):(\d\d):(\d\d)(?:\.(\d*))?"
    r"(?:[ \t]*(Z|[-+]\d{1,2}):?(\d\d)?)?)?\Z"
)
UNPUBLISHED = re.compile(
    rb"^published:[ \t]*(?:false|False|FALSE|no|No|NO|off|Off|OFF)[ \t]*(?:#.*)?\r?$",
    re.MULTILINE,
)


def site_zone(site: Path) -> tzinfo | None:
    """The zone Jekyll converts dates to: `timezone:` of _config.yml, else the machine's
    (None)."""
    config = yaml.safe_load((site / "_config.yml").read_text(encoding="utf-8")) or {}
    name = config.get("timezone")
    if not name:
        return None
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        raise SystemExit(f"build_split: unknown timezone in _config.yml: {name}") from None


def post_date(
    path: Path, zone: tzinfo | None, head: bytes | None = None
) -> tuple[str, datetime | None] | None:
    """The day of the post's URL ("YYYY-MM-DD") and its time in the site's zone when its
    `date:` has one; None for a post Jekyll does not publish."""
    if head is None:
        with path.open("rb") as file:
            head = file.read(16384)
    day = path.name[:10]
    front = FRONT_MATTER.match(head)
    if front is None:
        return day, None
    if UNPUBLISHED.search(front.group(1)):
        return None
    line = DATE_LINE.search(front.group(1))
    text = line.group(1).decode("utf-8", "replace").strip().strip("\"'") if line else ""
    match = TIMESTAMP.match(text)
    if match is None:
        return day, None  # no date, or one Jekyll reads otherwise: the file name's
    year, month, mday, hour, minute, second, fraction, zone_hours, zone_minutes = match.groups()
    if hour is None:
        return f"{int(year):04d}-{int(month):02d}-{int(mday):02d}", None
    zone_hours = "" if zone_hours == "Z" else zone_hours
    offset = abs(int(zone_hours or 0)) * 60 + int(zone_minutes or 0)
    if zone_hours and zone_hours.startswith("-"):
        offset = -offset
    moment = datetime(
        int(year),
        int(month),
        int(mday),
        int(hour),
        int(minute),
        int(second),
        int((fraction or "0")[:6].ljust(6, "0")),
        tzinfo=UTC,
    ) - timedelta(minutes=offset)
    local = moment.astimezone(zone)
    return f"{local:%Y-%m-%d}", local


class Refused(SystemExit):
    """A post the site per year cannot publish where the single site does."""


def post_files(site: Path) -> list[Path]:
    """Every file Jekyll reads as a post (relative to the site): in `_posts` of the site
    and of every folder Jekyll reads (not `_`/`.`-folders nor `exclude:`d ones)."""
    config = yaml.safe_load((site / "_config.yml").read_text(encoding="utf-8")) or {}
    patterns = [str(e).lstrip("/") for e in config.get("exclude") or []]

    def excluded(relative: str) -> bool:
        # Jekyll's EntryFilter: File.fnmatch (a `*` also matches `/`) or a prefix.
        return any(fnmatch.fnmatchcase(relative, p) or relative.startswith(p) for p in patterns)

    found: list[Path] = []
    for folder, dirs, _files in os.walk(site):
        here = Path(folder)
        if "_posts" in dirs:
            for path in sorted((here / "_posts").rglob("*")):
                name = path.name
                relative = path.relative_to(site)
                if (
                    JEKYLL_POST_NAME.match(name)
                    and not name.endswith("~")
                    and not excluded(str(relative))
                    and path.is_file()
                ):
                    found.append(relative)
        top = here.relative_to(site)
        dirs[:] = sorted(
            d
            for d in dirs
            if d[0] not in "_.#~" and not d.endswith("~") and not excluded(str(top / d) + "/")
        )
    return found


def ask_jekyll(site: Path, paths: list[Path]) -> dict[Path, dict[str, Any]]:
    """What Jekyll makes of `paths` (scripts/jekyll_posts.rb)."""
    if not paths:
        return {}
    script = Path(__file__).resolve().parent / "jekyll_posts.rb"
    out = site / ".split" / "jekyll-posts.json"
    out.parent.mkdir(exist_ok=True)
    env = {**os.environ, "LC_ALL": "C.UTF-8"}
    result = subprocess.run(
        ["ruby", str(script), str(site), str(out)],
        input="".join(f"{p}\n" for p in paths),
        text=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    if result.returncode != 0:
        raise SystemExit(f"build_split: jekyll could not read the posts (exit {result.returncode})")
    answers = json.loads(out.read_text(encoding="utf-8"))
    out.unlink()
    return {Path(a["path"]): a for a in answers}


def posts_by_year(
    site: Path,
    days: dict[Path, str] | None = None,
    asked: dict[Path, dict[str, Any]] | None = None,
) -> dict[str, list[Path]]:
    """The published posts (relative to the site) by the year of their URL; `days` gets
    each one's URL day, `asked` what Jekyll said of the posts it placed."""
    years: dict[str, list[Path]] = {}
    zone = site_zone(site)
    others = []
    for relative in post_files(site):
        path = site / relative
        if relative.parts[0] != "_posts" or not POST_NAME.match(relative.name):
            others.append(relative)
            continue
        with path.open("rb") as file:
            head = file.read(16384)
        front = FRONT_MATTER.match(head)
        if front and PERMALINK_LINE.search(front.group(1)):
            others.append(relative)
            continue
        dated = post_date(path, zone, head)
        if dated is None:
            continue
        if days is not None:
            days[relative] = dated[0]
        years.setdefault(dated[0][:4], []).append(relative)
    for relative, answer in ask_jekyll(site, others).items():
        if not answer["published"]:
            continue
        day = answer["date"][:10]
        if not answer["url"].startswith(f"/{day[:4]}/{day[5:7]}/"):
            raise Refused(
                f"build_split: {relative}: its URL {answer['url']} is not under "
                f"/{day[:4]}/{day[5:7]}/ (its date), so no year's site can publish it; "
                "remove or change its permalink:, or build one site (make site)"
            )
        if days is not None:
            days[relative] = day
        if asked is not None:
            asked[relative] = answer
        years.setdefault(day[:4], []).append(relative)
    for posts in years.values():
        posts.sort()
    return years


def site_root(site: Path) -> str:
    """The archive's baseurl as Jekyll's relative_url uses it: "" or "/path"."""
    config = yaml.safe_load((site / "_config.yml").read_text(encoding="utf-8")) or {}
    root = str(config.get("baseurl") or "").strip("/")
    return f"/{root}" if root else ""


def overlay(values: dict[str, Any]) -> bytes:
    return yaml.safe_dump(values, allow_unicode=True, sort_keys=True).encode("utf-8")


def jekyll(source: Path, destination: Path, incremental: bool) -> None:
    command = [
        "jekyll",
        "build",
        "--source",
        str(source),
        "--destination",
        str(destination),
        "--config",
        f"{source / '_config.yml'},{source / '_config.split.yml'}",
    ]
    env = {**os.environ, "LC_ALL": "C.UTF-8"}
    env.setdefault("JEKYLL_ENV", "production")
    result = subprocess.run(command + (["--incremental"] if incremental else []), env=env)
    if result.returncode != 0:
        raise SystemExit(f"build_split: jekyll failed for {source} (exit {result.returncode})")


def search_language(site: Path) -> str | None:
    """The language every index is built in (scripts/search_index.py: Chinese for an
    archive holding Chinese text, whatever the site's lang): one for all years, whose
    indexes the search page merges."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from search_index import search_language as language

    return language(site)


def pagefind(output: Path, glob: str, folder: str, language: str | None) -> None:
    # Pagefind adds its files to what the folder holds: the pages gone would stay.
    shutil.rmtree(output / folder, ignore_errors=True)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from search_index import pagefind_command

    command = pagefind_command(output, language, "--glob", glob, "--output-subdir", folder)
    result = subprocess.run(command, stdout=subprocess.DEVNULL)
    if result.returncode != 0:
        raise SystemExit(f"build_split: pagefind failed for {folder} (exit {result.returncode})")


def search_indexes(
    years: dict[str, list[Path]], days: dict[Path, str]
) -> dict[str, dict[str, tuple[str, list[Path]]]]:
    """Per year, its Pagefind indexes: folder -> (the glob of its pages, its posts). A post's
    URL has the month of its URL's day (/<year>/<month>/...)."""
    indexes: dict[str, dict[str, tuple[str, list[Path]]]] = {}
    newest = max(years, default="")
    for year, posts in years.items():
        months = sorted({days[p][5:7] for p in posts})
        if year != newest or len(months) == 1:
            indexes[year] = {INDEX: (f"{year}/**/*.html", posts)}
            continue
        *settled, last = months
        indexes[year] = {
            INDEX: (
                f"{year}/{{{','.join(settled)}}}/**/*.html",
                [p for p in posts if days[p][5:7] != last],
            ),
            MONTH_INDEX: (f"{year}/{last}/**/*.html", [p for p in posts if days[p][5:7] == last]),
        }
    return indexes


def front_matter(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    parts = text.split("---\n", 2)
    # BaseLoader: every value as the text it is (the date as written, not a datetime).
    loaded = (
        yaml.load(parts[1], Loader=yaml.BaseLoader) if len(parts) == 3 and parts[0] == "" else None
    )
    return loaded if isinstance(loaded, dict) else {}


def newest_posts(
    site: Path,
    years: dict[str, list[Path]],
    days: dict[Path, str],
    asked: dict[Path, dict[str, Any]],
) -> list[dict[str, Any]]:
    """The newest posts for the front page: URL days sort by day, the time is inside."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from rssarchive.publish.permalinks import post_url

    names = sorted((p for paths in years.values() for p in paths), key=lambda p: (days[p], p.name))
    # Every post of the newest days until there are enough, so that the order within a
    # day comes from the dates inside.
    candidates: list[Path] = []
    for path in reversed(names):
        if len(candidates) >= NEWEST and days[path] != days[candidates[-1]]:
            break
        candidates.append(path)
    zone = site_zone(site)
    posts = []
    for path in candidates:
        answer = asked.get(path)
        if answer is not None:  # placed by Jekyll: as Jekyll said
            posts.append(
                {
                    "title": answer["title"],
                    "date": answer["date"],
                    "url": answer["url"],
                    "categories": answer["categories"],
                    "order": answer["utc"],
                }
            )
            continue
        front = front_matter(site / path)
        categories = front.get("categories") or []
        dated = post_date(site / path, zone)
        # The date as the single site shows it: in the site's zone (Liquid's `date` keeps
        # the zone a text gives).
        moment = dated[1] if dated else None
        date = f"{moment:%Y-%m-%d %H:%M:%S.%f %z}" if moment else days[path]
        posts.append(
            {
                "title": str(front.get("title", "")),
                "date": date,
                # The URL Jekyll gives it: the file name's title, the date's day.
                "url": post_url(days[path] + path.name[10:]),
                "categories": [str(c) for c in categories] if isinstance(categories, list) else [],
                "order": f"{moment.astimezone(UTC):%Y-%m-%d %H:%M:%S.%f}" if moment else date,
            }
        )
    posts.sort(key=lambda p: (p["order"], p["url"]), reverse=True)
    return [{k: v for k, v in p.items() if k != "order"} for p in posts[:NEWEST]]


def build(site: Path, search: bool) -> list[str]:
    """Build what changed; returns the years that were rebuilt."""
    work = site / ".split"
    output = site / "_site"
    work.mkdir(exist_ok=True)
    output.mkdir(exist_ok=True)
    root = site_root(site)
    days: dict[Path, str] = {}
    asked: dict[Path, dict[str, Any]] = {}
    years = posts_by_year(site, days, asked)
    year_files = template_files(site, for_year=True)
    changes = read_changes(site)
    indexes = search_indexes(years, days)
    language = search_language(site) if search else None
    rebuilt = []
    for year, posts in sorted(years.items()):
        settings = {
            "baseurl": f"{root}/{year}",
            "permalink": "/:month/:day/:title:output_ext",
            "split": {"root": root, "year": year},
            # The year's search indexes, built after it and not always again with it.
            "keep_files": [".git", ".svn", INDEX, MONTH_INDEX],
        }
        extra = {"_config.split.yml": overlay(settings)}
        stamp_path = work / f"{year}.json"
        old = json.loads(stamp_path.read_text()) if stamp_path.exists() else {}
        # The stamp comes from the posts themselves: a year that is not rebuilt needs no
        # copies (after a fresh checkout there are none).
        template_hash = tree_hash(site, year_files, extra)
        # A post's change entry is part of the post: it changes that post's page alone.
        entries = {p: entry_text(changes[k]) for p in posts if (k := str(p)) in changes}
        copies = {p: year_copy(site, p, asked.get(p)) for p in posts}
        text_hashes = {p: digest(data) for p, data in copies.items()}
        post_hashes = [
            f"{p}\0{text_hashes[p]}" + (f"\0{entries[p]}" if p in entries else "") for p in posts
        ]
        stamp: dict[str, Any] = {
            "format": FORMAT,
            "template": template_hash,
            "posts": digest("\n".join(post_hashes).encode()),
        }
        # What each index was built from: its pages' posts (not their change entries,
        # which no index holds) and the year's template.
        wanted = {
            folder: digest(
                "\n".join(
                    [
                        FORMAT,
                        template_hash,
                        glob,
                        # A new language (the first Chinese post) indexes every year again.
                        str(language),
                        *(f"{p}\0{text_hashes[p]}" for p in covered),
                    ]
                ).encode()
            )
            for folder, (glob, covered) in indexes[year].items()
        }
        built = output / year
        if {k: old.get(k) for k in stamp} != stamp or not built.is_dir():
            build_year(site, year, copies, year_files, extra, changes, entries, old, stamp)
            rebuilt.append(year)
        stamp["indexes"] = update_indexes(
            output, year, indexes[year], wanted, old.get("indexes") or {}, search, language
        )
        stamp_path.write_text(json.dumps(stamp) + "\n")
    # A year without posts any more (they were removed): its site goes too.
    for stale in sorted(work.glob("[0-9][0-9][0-9][0-9].json")):
        if stale.stem not in years:
            log(f"removing {stale.stem}: no posts")
            shutil.rmtree(work / stale.stem, ignore_errors=True)
            shutil.rmtree(output / stale.stem, ignore_errors=True)
            stale.unlink()
    build_front(site, years, days, asked, root)
    return rebuilt


def year_copy(site: Path, post: Path, answer: dict[str, Any] | None) -> bytes:
    """The post as its year's site gets it: as it is, but a post with its own permalink
    (under /<year>/, posts_by_year checked) gets it without the year, which is the year's
    site's baseurl."""
    data = (site / post).read_bytes()
    if not (answer and answer.get("own_permalink")):
        return data
    front = FRONT_MATTER.match(data)
    url = str(answer["url"])
    line = b"permalink: " + json.dumps(url[5:], ensure_ascii=False).encode("utf-8")
    if front is None:
        return data
    start, end = front.span(1)
    head = re.sub(rb"^permalink:.*$", lambda _: line, data[start:end], count=1, flags=re.M)
    return data[:start] + head + data[end:]


def build_year(
    site: Path,
    year: str,
    copies: dict[Path, bytes],
    year_files: list[Path],
    extra: dict[str, bytes],
    changes: dict[str, Any],
    entries: dict[Path, str],
    old: dict[str, Any],
    stamp: dict[str, Any],
) -> None:
    """The year's site, from copies of the template and of its posts, incrementally."""
    source = site / ".split" / year
    posts = list(copies)
    sync_tree(site, source, year_files, {**extra, **year_changes(changes, posts)})
    wanted = {str(p) for p in posts}
    # The copies of posts gone, in _posts/ and in category folders (news/_posts/).
    for folder, dirs, files in os.walk(source):
        here = Path(folder).relative_to(source)
        dirs[:] = [d for d in dirs if d not in (".jekyll-cache", "_site")]
        if "_posts" in here.parts:
            for name in files:
                if str(here / name) not in wanted:
                    (source / here / name).unlink()
    for post, data in copies.items():
        sync_file(site / post, source / post, data, also=entries.get(post, ""))
    if old.get("template") != stamp["template"] or old.get("format") != FORMAT:
        # Jekyll's incremental metadata knows nothing of a changed _config.yml.
        (source / ".jekyll-metadata").unlink(missing_ok=True)
    log(f"building {year} ({len(posts)} posts)")
    jekyll(source, site / "_site" / year, incremental=True)


def update_indexes(
    output: Path,
    year: str,
    indexes: dict[str, tuple[str, list[Path]]],
    wanted: dict[str, str],
    old: dict[str, str],
    search: bool,
    language: str | None = None,
) -> dict[str, str]:
    """Build the year's indexes whose pages changed, remove those it no longer has (all
    of them without search); what each index now holds is built from."""
    done: dict[str, str] = {}
    for folder in (INDEX, MONTH_INDEX):
        path = output / year / folder
        if not search or folder not in indexes:
            shutil.rmtree(path, ignore_errors=True)
            continue
        if old.get(folder) != wanted[folder] or not (path / "pagefind-entry.json").is_file():
            glob, covered = indexes[folder]
            log(f"indexing {year}/{folder} ({len(covered)} posts)")
            pagefind(output, glob, f"{year}/{folder}", language)
        done[folder] = wanted[folder]
    return done


def build_front(
    site: Path,
    years: dict[str, list[Path]],
    days: dict[Path, str],
    asked: dict[Path, dict[str, Any]],
    root: str,
) -> None:
    """The front page and the template's other pages (search, assets), at the root."""
    ordered = sorted(years, reverse=True)
    settings = {
        "split": {
            "root": root,
            # An archive without posts yet has no year to link ("": the menu leaves it out).
            "year": ordered[0] if ordered else "",
            "years": [{"year": y, "posts": len(years[y])} for y in ordered],
            # Every index, the newest year's first (its folder has the search UI).
            "search": [
                {"year": y, "bundle": f"{y}/{folder}/"}
                for y in ordered
                for folder in search_indexes(years, days)[y]
            ],
            "newest": newest_posts(site, years, days, asked),
        },
        # The years' sites, built into the same destination: not this site's to clean.
        "keep_files": [".git", ".svn", *ordered],
    }
    front = b"---\nlayout: front\n---\n"
    extra = {
        "_config.split.yml": overlay(settings),
        "index.html": front,
        # The search page's merge of the years' indexes (the file says why); the single
        # site, with one index, has no use for it.
        SPLIT_SEARCH: (Path(__file__).resolve().parent / "split_search.js").read_bytes(),
    }
    source = site / ".split" / FRONT
    sync_tree(site, source, template_files(site, for_year=False), extra)
    log("building the front page")
    jekyll(source, site / "_site", incremental=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--site", type=Path, default=Path("output"), help="the site directory")
    parser.add_argument("--no-search", action="store_true", help="no Pagefind index")
    args = parser.parse_args()
    site = args.site.resolve()
    if not (site / "_config.yml").is_file():
        print(f"build_split: no _config.yml in {args.site}", file=sys.stderr)
        return 2
    if shutil.which("jekyll") is None:
        print("build_split: jekyll not found: run scripts/install-jekyll.sh", file=sys.stderr)
        return 2
    if not args.no_search and importlib.util.find_spec("pagefind") is None:
        print(
            "build_split: pagefind not installed (pip install -e '.[site]'); "
            "--no-search builds without the search index",
            file=sys.stderr,
        )
        return 2
    try:
        rebuilt = build(site, search=not args.no_search)
    except Refused as refused:
        print(refused.code, file=sys.stderr)
        return 1
    log(f"rebuilt: {', '.join(rebuilt) or 'no year'}; the front page")
    return 0


if __name__ == "__main__":
    sys.exit(main())
