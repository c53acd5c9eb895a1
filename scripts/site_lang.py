"""Say when the site's language cannot be its archive's (run by `make site` first).

    python scripts/site_lang.py [--site output]

The site's words (menus, headings, the "source" link), its pages' `lang` and its search
index follow `lang:` in <site>/_config.yml, which is zh-CN in the template. A newcomer
archiving an English feed got a Chinese site and nothing said why (review 20b,
finding 5). A Chinese `lang:` over posts none of which holds a Chinese character is
never what was meant, so this prints one warning naming the line to change. It never
fails the build: the site is built as configured. Any other mismatch (an English site of
Chinese posts, a mixed archive) may be meant, and is left alone.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml
from search_index import has_han  # same folder: the one test of "holds Chinese text"


def warning(site: Path) -> str | None:
    """The warning for `site`, or None when its `lang:` may be its posts' language."""
    config_path = site / "_config.yml"
    try:
        config = yaml.safe_load(config_path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None  # Jekyll says what is wrong with it, in its own words
    lang = str(config.get("lang") or "zh-CN") if isinstance(config, dict) else "zh-CN"
    if lang.replace("_", "-").split("-")[0].lower() != "zh":
        return None
    posts = site / "_posts"
    count = sum(1 for p in posts.rglob("*") if p.is_file()) if posts.is_dir() else 0
    if count == 0 or has_han(posts):
        return None
    return (
        f"site_lang: warning: {config_path} has lang: {lang}, but none of its {count} posts "
        "holds Chinese text: the site's words and search are Chinese; set lang: to the "
        "archive's language there (e.g. lang: en) and build again"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--site", type=Path, default=Path("output"), help="the site directory")
    args = parser.parse_args()
    message = warning(args.site)
    if message:
        print(message, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
