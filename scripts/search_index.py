"""Build the site's Pagefind search index in the language its posts need.

    python scripts/search_index.py --site output [pagefind options]    (make site)

Pagefind segments Chinese (which has no spaces between words) only in an index whose
language is Chinese, and it takes a page's language from its `<html lang>`, which is the
site's `lang:` on every page. An English (or French, ...) site archiving a Chinese feed
would get an English index in which no Chinese word can be found. Pagefind's separate
indexes per language do not help either: the search page loads the index of its own
language only. So the whole site is indexed as one language, chosen here and given to
Pagefind as --force-language; the built pages stay exactly as Jekyll wrote them.

`search_lang:` in _config.yml chooses it: an ISO 639-1 code (e.g. zh, en), or `auto`
(the default): Chinese (zh) when any post holds Han characters, otherwise the pages'
own language (nothing forced). Chinese segmentation keeps English words whole, so a
mixed archive finds both; only English stemming is lost there (a search for "election"
still finds "elections", Pagefind matching word beginnings, but not the other way round).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

import yaml

# A character of U+4000-U+9FFF in UTF-8 (lead byte E4-E9): nearly all of the CJK Unified
# Ideographs, the Han characters of any Chinese text. Searched in the bytes, not decoded:
# an English archive of 100,000 posts is read in full.
HAN = re.compile(rb"[\xe4-\xe9][\x80-\xbf][\x80-\xbf]")


def configured(site: Path) -> str:
    """`search_lang:` of the site's _config.yml, "auto" when absent."""
    config = yaml.safe_load((site / "_config.yml").read_text(encoding="utf-8")) or {}
    value = config.get("search_lang")
    if value is None or value == "":
        return "auto"
    if not isinstance(value, str) or not re.fullmatch(
        r"auto|[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)*", value
    ):
        raise SystemExit(
            f"search_index: search_lang in {site / '_config.yml'} must be `auto` or a "
            f"language code such as zh or en, not {value!r}"
        )
    return value


def has_han(posts: Path) -> bool:
    """Whether any post holds a Han character (stops at the first one)."""
    if not posts.is_dir():
        return False
    return any(p.is_file() and HAN.search(p.read_bytes()) for p in posts.rglob("*"))


def search_language(site: Path) -> str | None:
    """The language to force on the index, or None for the pages' own."""
    chosen = configured(site)
    if chosen != "auto":
        return chosen.split("-")[0].split("_")[0].lower()
    return "zh" if has_han(site / "_posts") else None


def pagefind_command(site_output: Path, language: str | None, *options: str) -> list[str]:
    command = [sys.executable, "-m", "pagefind", "--site", str(site_output), *options]
    return command + (["--force-language", language] if language else [])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--site", type=Path, default=Path("output"), help="the site directory")
    parser.add_argument(
        "--destination", type=Path, help="the built site (default: the site's _site)"
    )
    args, options = parser.parse_known_args()
    if not (args.site / "_config.yml").is_file():
        print(f"search_index: no _config.yml in {args.site}", file=sys.stderr)
        return 2
    language = search_language(args.site)
    command = pagefind_command(args.destination or args.site / "_site", language, *options)
    return subprocess.run(command).returncode


if __name__ == "__main__":
    sys.exit(main())
