"""Build the site template in output/ with the real Jekyll, for tests.

`build_site(posts, tmp)` copies output/ (without any posts, built site or state) into
`tmp`, writes the given posts into its `_posts/`, runs `jekyll build` and returns what
happened. `post_url(name)` and `built_post(site_dir, name)` say where Jekyll puts a post,
given its file name; they mirror Jekyll 4.3 (the permalink in output/_config.yml,
`Utils.slugify(mode: "pretty", cased: true)` and `URL#sanitize_url`) so that a test can
assert that every post was published where its name says.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from rssarchive.publish.permalinks import jekyll_slug, post_url

__all__ = ["build_site", "built_post", "jekyll_slug", "post_url"]

ROOT = Path(__file__).resolve().parents[2]
SITE_TEMPLATE = ROOT / "output"
SEEDS_DIRS = (ROOT / "tests" / "golden" / "seeds", Path(__file__).parent / "seeds")

INSTALL_HINT = "jekyll not installed: run scripts/install-jekyll.sh (Debian's jekyll package)"

# Generous: 502 posts build in a few seconds; a hung build must still end the test run.
BUILD_TIMEOUT_SECONDS = 600

# What the archiver owns or Jekyll makes inside a site directory; never part of a template.
_NOT_TEMPLATE = ("_posts", "_site", ".jekyll-cache", ".jekyll-metadata", ".rssarchive", ".split")

# Jekyll's "pretty" slug keeps letters, marks, decimal digits and these.


@dataclass(frozen=True)
class BuildResult:
    returncode: int
    output_text: str  # stdout and stderr of `jekyll build`, interleaved
    site_dir: Path  # the built site (Jekyll's destination)
    source_dir: Path  # the site template plus the posts, as built
    seconds: float


def jekyll_path() -> str | None:
    return shutil.which("jekyll")


def require_jekyll() -> str:
    """The `jekyll` executable; skip the test without it, but fail under CI."""
    path = jekyll_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"CI is set and {INSTALL_HINT}")
        pytest.skip(INSTALL_HINT)
    return path


def build_site(
    posts: dict[str, str] | dict[str, str | bytes],
    tmp: Path,
    *,
    env: dict[str, str] | None = None,
    template: Path = SITE_TEMPLATE,
) -> BuildResult:
    """Copy the site template into `tmp`/source, add `posts` (file name -> text, or raw
    bytes for deliberately broken files) to its _posts/, and build it into `tmp`/site.

    `env` is added to the environment of `jekyll build` (e.g. {"TZ": "Asia/Tokyo"}).
    """
    jekyll = require_jekyll()
    source = tmp / "source"
    destination = tmp / "site"
    shutil.copytree(template, source, ignore=_ignore_non_template(template))
    posts_dir = source / "_posts"
    posts_dir.mkdir()
    for name, text in posts.items():
        data = text if isinstance(text, bytes) else text.encode("utf-8")
        (posts_dir / name).write_bytes(data)
    run_env = {
        **os.environ,
        "JEKYLL_ENV": "production",
        # Ruby takes the encoding of file names from the locale; under LANG=C a CJK post
        # name is not valid text to it. C.UTF-8 exists on every glibc system.
        "LC_ALL": "C.UTF-8",
        **(env or {}),
    }
    command = [
        jekyll,
        "build",
        "--source",
        str(source),
        "--destination",
        str(destination),
        # No .jekyll-cache written into the source, no incremental metadata: every test
        # build starts from nothing.
        "--disable-disk-cache",
    ]
    started = time.monotonic()
    completed = subprocess.run(
        command,
        cwd=tmp,
        env=run_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        timeout=BUILD_TIMEOUT_SECONDS,
        check=False,
    )
    seconds = time.monotonic() - started
    return BuildResult(
        returncode=completed.returncode,
        output_text=completed.stdout.decode("utf-8", errors="replace"),
        site_dir=destination,
        source_dir=source,
        seconds=seconds,
    )


def _ignore_non_template(template: Path) -> Callable[[str, list[str]], set[str]]:
    def ignore(directory: str, names: list[str]) -> set[str]:
        if Path(directory) != template:
            return set()
        return {name for name in names if name in _NOT_TEMPLATE}

    return ignore


def build_problems(result: BuildResult) -> list[str]:
    """Lines of Jekyll's output that report a problem (anything but a clean build)."""
    return [
        line
        for line in result.output_text.splitlines()
        if re.search(r"warn|error|deprecat|conflict|invalid|exception", line, re.IGNORECASE)
    ]


def built_post(site_dir: Path, file_name: str) -> Path:
    """The file Jekyll writes for the post named `file_name` (Document#destination)."""
    path = post_url(file_name)
    if not path.endswith(".html"):
        path += ".html"
    return site_dir / path.lstrip("/")


def post_file_name(date: str, title: str) -> str:
    """The name docs/post-format.md gives a post: `<date[:10]>-<title[:50]>.md`, `/` -> `--`."""
    return f"{date[:10]}-{title[:50].replace('/', '--')}.md"


def yaml_quoted(text: str) -> str:
    """A double-quoted YAML scalar, escaped as docs/post-format.md says."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render_post(
    *,
    title: str,
    url: str,
    date: str,
    feed: str,
    body: str,
    published_ms: int | None = None,
    author: str | None = None,
) -> str:
    """A post in the archive's format (docs/post-format.md), for plain values only."""
    published = "NaN" if published_ms is None else str(published_ms)
    return (
        "---\n"
        "layout: post\n"
        f"title: {yaml_quoted(title)}\n"
        f"date: {date}\n"
        f"author: {author or feed}\n"
        f"from: {url}\n"
        f"tags: [ {feed} ]\n"
        "comments: True\n"
        f"categories: [ {feed} ]\n"
        "---\n"
        f"<!--{published}-->\n"
        f"[{title}]({url})\n"
        "------\n"
        "\n"
        "<div>\n"
        f"{body}\n"
        "</div>\n"
    )


@dataclass(frozen=True)
class Seed:
    file_name: str
    text: str
    title: str
    date: str


def seed_posts() -> list[Seed]:
    """The two real posts, named as in the archive they come from."""
    for directory in SEEDS_DIRS:
        texts = [p.read_bytes() for p in sorted(directory.glob("*")) if p.is_file()]
        seeds = [_seed(t.decode("utf-8")) for t in texts if t.startswith(b"---\nlayout: post\n")]
        if seeds:
            return seeds
    raise FileNotFoundError(f"no seed posts in {' or '.join(map(str, SEEDS_DIRS))}")


def _seed(text: str) -> Seed:
    front = text.split("---\n", 2)[1]
    fields = dict(line.split(": ", 1) for line in front.splitlines() if ": " in line)
    title = fields["title"]
    assert title.startswith('"') and title.endswith('"'), title
    title = re.sub(r"\\(.)", r"\1", title[1:-1])
    date = fields["date"]
    return Seed(post_file_name(date, title), text, title, date)
