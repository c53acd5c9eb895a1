"""The site's incremental build (`make site`) after an edit of what every page shows but
Jekyll's incremental regenerator does not track, _data/ and _config.yml: the result must
be a full build's, byte for byte (review 20b, finding 2; output/_plugins/
inputs_incremental.rb). Real `jekyll build`s, as the Makefile's site target runs them."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from jekyll.build import SITE_TEMPLATE, render_post, require_jekyll, seed_posts


def _posts() -> dict[str, str]:
    posts = {seed.file_name: seed.text for seed in seed_posts()}
    for day in range(1, 13):
        date = f"2024-03-{day:02d}T08:00:00.000Z"
        title = f"Story {day} 报道"
        posts[f"2024-03-{day:02d}-{title}.md"] = render_post(
            title=title,
            url=f"https://news.example/{day}.html",
            date=date,
            feed="BBC 中文" if day % 2 else "Radio",
            body=f"<p>Body {day}</p>",
        )
    return posts


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


EDITS: dict[str, Callable[[Path], None]] = {
    # The README's "Languages" sends users to _data/labels.yml to change a word.
    "labels.yml word": lambda s: _edit(
        s / "_data" / "labels.yml", "source: 原文", "source: 阅读原文"
    ),
    "_config.yml title": lambda s: _edit(s / "_config.yml", "title: News archive", "title: 新闻"),
    "_config.yml lang": lambda s: _edit(s / "_config.yml", "\nlang: zh-CN\n", "\nlang: en\n"),
    "_config.yml labels": lambda s: _edit(
        s / "_config.yml", "\nlang: zh-CN\n", "\nlang: zh-CN\nlabels:\n  source: 来源\n"
    ),
    "a new data file": lambda s: (s / "_data" / "extra.yml").write_text("a: 1\n", "utf-8"),
}


def _files(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in site.rglob("*") if p.is_file()}


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_incremental_build_after_editing_data_or_config_equals_a_full_build(
    edit: str, tmp_path: Path
) -> None:
    jekyll = require_jekyll()
    source = tmp_path / "source"
    shutil.copytree(SITE_TEMPLATE, source, ignore=shutil.ignore_patterns("_posts", "_site"))
    shutil.rmtree(source / ".jekyll-cache", ignore_errors=True)
    (source / ".jekyll-metadata").unlink(missing_ok=True)
    (source / "_posts").mkdir()
    for name, text in _posts().items():
        (source / "_posts" / name).write_text(text, encoding="utf-8")
    env = {**os.environ, "LC_ALL": "C.UTF-8", "JEKYLL_ENV": "production"}

    def build(*options: str) -> str:
        done = subprocess.run(
            [jekyll, "build", *options],
            cwd=source,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        return done.stdout + done.stderr

    # The Makefile's site target: `jekyll build --incremental`, into the source's _site.
    build("--incremental")
    # Nothing changed: the digest is stable, so an hourly build stays incremental.
    assert "every page is rendered" not in build("--incremental")
    EDITS[edit](source)
    assert "every page is rendered" in build("--incremental")
    build("--destination", str(tmp_path / "full"), "--disable-disk-cache")
    incremental, full = _files(source / "_site"), _files(tmp_path / "full")
    assert sorted(incremental) == sorted(full)
    assert [name for name in full if incremental[name] != full[name]] == []
