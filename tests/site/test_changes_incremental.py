"""An incremental build after re-checks recorded edits and deletions (make site).

The post layout shows a notice on the posts that _data/changes.json lists; the posts
themselves are never rewritten, and Jekyll's incremental build renders only files whose
modification time changed. output/_plugins/changes_incremental.rb renders again the posts
whose entry changed: after each recorded change (rssarchive's own Versions.publish), the
incrementally built site must be a full build's, byte for byte, without rendering the
posts whose entry did not change. Without `jekyll` on PATH these tests skip, or fail when
the CI variable is set.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

from jekyll.build import SITE_TEMPLATE, built_post, require_jekyll, seed_posts

from rssarchive.core.models import Config
from rssarchive.publish.render import render_post
from rssarchive.publish.versions import Versions
from rssarchive.store.state import RecheckRow

T0 = datetime(2024, 8, 1, 9, 0, tzinfo=UTC)


def _files(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def _row(name: str, status: str, when: datetime) -> RecheckRow:
    return RecheckRow(
        article_id=len(name),
        url=f"https://news.example/{name}",
        feed="BBC News",
        filename=name,
        archived=T0,
        status=status,
        edited_at=when if status in ("edited", "deleted") else None,
        deleted_at=when if status == "deleted" else None,
    )


def test_recorded_changes_rebuild_their_posts_as_a_full_build_would(tmp_path: Path) -> None:
    jekyll = require_jekyll()
    source = tmp_path / "source"
    shutil.copytree(SITE_TEMPLATE, source, ignore=shutil.ignore_patterns("_posts", "_site", ".*"))
    (source / "_posts").mkdir()
    names = []
    for seed in seed_posts():
        (source / "_posts" / seed.file_name).write_text(seed.text, encoding="utf-8")
        names.append(seed.file_name)
    for index in range(3):
        post = render_post(
            title=f"Harbour news {index}",
            url=f"https://news.example/en/{index}.html",
            published=T0 + timedelta(days=index),
            archived_at=T0 + timedelta(days=index),
            author="BBC News",
            tags=["BBC News"],
            categories=["BBC News"],
            body_html=f"<p>Story {index} of the harbour.</p>",
        )
        (source / "_posts" / post.filename).write_text(post.text, encoding="utf-8")
        names.append(post.filename)
    env = {**os.environ, "LC_ALL": "C.UTF-8", "JEKYLL_ENV": "production"}
    config = Config(site_dir=source, state_path=source / ".rssarchive" / "state.sqlite3", feeds=())
    versions = Versions(source)

    def build(directory: Path, *options: str) -> None:
        subprocess.run([jekyll, "build", *options], cwd=directory, env=env, check=True)

    def assert_as_a_full_build(step: str) -> dict[str, int]:
        build(source, "--incremental")
        # The full build from a copy: building another destination from the same
        # directory would make the next incremental build render everything.
        copy = tmp_path / f"full-{step}"
        shutil.copytree(source, copy, ignore=shutil.ignore_patterns("_site", ".jekyll-*"))
        full = copy / "_site"
        build(copy, "--disable-disk-cache")
        incremental = _files(source / "_site")
        assert sorted(incremental) == sorted(_files(full)), step
        assert [n for n, data in _files(full).items() if incremental[n] != data] == [], step
        return {n: built_post(source / "_site", n).stat().st_mtime_ns for n in names}

    before = assert_as_a_full_build("none")
    # One edit, then the same article deleted and another edited, then nothing new.
    edited, other = names[0], names[3]
    text = versions.post_text(edited) or ""
    versions.keep(edited, T0, text)
    versions.keep(edited, T0 + timedelta(hours=5), text + "\n更正。")
    steps = [
        ("edit", [_row(edited, "edited", T0 + timedelta(hours=5))], {edited}),
        (
            "delete",
            [_row(edited, "deleted", T0 + timedelta(days=2)), _row(other, "deleted", T0)],
            {edited, other},
        ),
        (
            "same",
            [_row(edited, "deleted", T0 + timedelta(days=2)), _row(other, "deleted", T0)],
            set(),
        ),
    ]
    for step, rows, changed in steps:
        assert versions.publish(rows, config) == []
        after = assert_as_a_full_build(step)
        assert {n for n in names if after[n] != before[n]} == changed, step
        before = after
    page = built_post(source / "_site", edited).read_text(encoding="utf-8")
    assert "post-change-deleted" in page


def test_a_fresh_checkout_renders_nothing_again(tmp_path: Path) -> None:
    """A fresh checkout (the Actions recipe, its previous build restored from the cache)
    gives every file a new modification time: the hourly build must still render only
    the new post (output/_plugins/content_times.rb), and be a full build's."""
    jekyll = require_jekyll()
    source = tmp_path / "source"
    shutil.copytree(SITE_TEMPLATE, source, ignore=shutil.ignore_patterns("_posts", "_site", ".*"))
    (source / "_posts").mkdir()
    names = []
    for seed in seed_posts():
        (source / "_posts" / seed.file_name).write_text(seed.text, encoding="utf-8")
        names.append(seed.file_name)
    env = {**os.environ, "LC_ALL": "C.UTF-8", "JEKYLL_ENV": "production"}

    def build(directory: Path, *options: str) -> None:
        subprocess.run([jekyll, "build", *options], cwd=directory, env=env, check=True)

    build(source, "--incremental")
    before = {n: built_post(source / "_site", n).stat().st_mtime_ns for n in names}
    # The checkout: every file of the site's source written again, the same bytes.
    for path in source.rglob("*"):
        parts = path.relative_to(source).parts
        if path.is_file() and parts[0] not in ("_site", ".jekyll-cache", ".jekyll-metadata"):
            os.utime(path, ns=(path.stat().st_mtime_ns + 10**9,) * 2)
    post = render_post(
        title="Harbour news",
        url="https://news.example/en/new.html",
        published=T0,
        archived_at=T0,
        author="BBC News",
        tags=["BBC News"],
        categories=["BBC News"],
        body_html="<p>New story of the harbour.</p>",
    )
    (source / "_posts" / post.filename).write_text(post.text, encoding="utf-8")
    build(source, "--incremental")
    after = {n: built_post(source / "_site", n).stat().st_mtime_ns for n in names}
    assert after == before
    assert built_post(source / "_site", post.filename).is_file()
    copy = tmp_path / "full"
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("_site", ".jekyll-*"))
    build(copy, "--disable-disk-cache")
    incremental, full = _files(source / "_site"), _files(copy / "_site")
    assert sorted(incremental) == sorted(full)
    assert [n for n, data in full.items() if incremental[n] != data] == []
