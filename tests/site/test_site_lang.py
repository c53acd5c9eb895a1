"""`make site` says when the site's language cannot be its archive's (review 20b,
finding 5): the template's lang: zh-CN over English posts gave a newcomer a Chinese
site. End to end: the Makefile's site target, a real `jekyll build`."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from jekyll.build import SITE_TEMPLATE, render_post, require_jekyll

ROOT = Path(__file__).resolve().parents[2]


def _site(tmp_path: Path, lang: str, title: str, body: str) -> Path:
    site = tmp_path / "output"
    shutil.copytree(SITE_TEMPLATE, site, ignore=shutil.ignore_patterns("_posts", "_site", ".*"))
    config = site / "_config.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("\nlang: zh-CN\n", f"\nlang: {lang}\n"), encoding="utf-8")
    (site / "_posts").mkdir()
    for day in (1, 2, 3):
        date = f"2024-06-0{day}T09:00:00.000Z"
        (site / "_posts" / f"2024-06-0{day}-{title} {day}.md").write_text(
            render_post(
                title=f"{title} {day}",
                url=f"https://news.example/{day}.html",
                date=date,
                feed="World Service",
                body=f"<p>{body}</p>",
            ),
            encoding="utf-8",
        )
    return site


def _make_site(site: Path) -> subprocess.CompletedProcess[str]:
    """`make site`, with the Python running these tests as the project's (its venv is
    the one `make install` made, or CI's)."""
    require_jekyll()
    make = shutil.which("make")
    if make is None:
        pytest.skip("make not installed")
    variables = [f"SITE_DIR={site}", "SITE_SEARCH=0", f"BIN={Path(sys.executable).parent}"]
    return subprocess.run(
        [make, "-s", "-o", ".venv/.installed", "site", *variables],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.mark.parametrize(
    ("lang", "title", "body", "warned"),
    [
        ("zh-CN", "Ferries resume", "Services resumed on Monday.", True),
        ("zh_TW", "Ferries resume", "Services resumed on Monday.", True),
        ("en", "Ferries resume", "Services resumed on Monday.", False),
        ("zh-CN", "渡轮恢复", "周一恢复航行。", False),
        # A mixed archive may well be meant: one Chinese post is enough.
        ("zh-CN", "Ferries 渡轮", "Services resumed on Monday.", False),
    ],
)
def test_make_site_warns_once_when_a_chinese_site_holds_no_chinese(
    lang: str, title: str, body: str, warned: bool, tmp_path: Path
) -> None:
    site = _site(tmp_path, lang, title, body)
    done = _make_site(site)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (site / "_site" / "index.html").is_file()  # built all the same
    lines = [line for line in done.stderr.splitlines() if "site_lang:" in line]
    if warned:
        assert len(lines) == 1, done.stderr
        assert f"has lang: {lang}, but none of its 3 posts holds Chinese text" in lines[0]
        assert "_config.yml" in lines[0] and "lang: en" in lines[0]
    else:
        assert lines == [], done.stderr
