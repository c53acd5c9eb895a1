"""`make demo` end to end: the bundled feeds are archived by the real CLI, and a second
run archives nothing new (the demo server's port changes between runs; the guids do not).
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "demo" / "run_demo.py"
IMG = re.compile(r"<img\b[^>]*>")


def run_demo(out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(DEMO), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def read_posts(out: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in (out / "_posts").iterdir()}


def body_of(text: str) -> str:
    _, sep, rest = text.partition("\n------\n\n<div>\n")
    assert sep, text[:300]
    assert rest.endswith("\n</div>\n")
    return rest.removesuffix("\n</div>\n")


def by_feed(posts: dict[str, str]) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = defaultdict(list)
    for text in posts.values():
        match = re.search(r"^tags: \[ (.*) \]$", text, re.MULTILINE)
        assert match, text[:300]
        groups[match.group(1)].append(text)
    return groups


def stamp(text: str) -> str:
    match = re.search(r"^<!--(.*)-->$", text, re.MULTILINE)
    assert match
    return match.group(1)


def test_demo_archives_every_feed_then_nothing_new(tmp_path: Path) -> None:
    out = tmp_path / "site"
    first = run_demo(out)
    assert first.returncode == 0, first.stdout + first.stderr
    posts = read_posts(out)
    assert len(posts) == 7, sorted(posts)
    for name, text in posts.items():
        assert text.startswith("---\nlayout: post\n"), name
        assert "\n" not in body_of(text), name  # control characters removed: one line
        assert "<script" not in text, name
    groups = by_feed(posts)
    assert sorted(groups) == ["Harbourside Gazette", "自由亚洲电台", "自由亚洲电台 Arc"]

    rfa = groups["自由亚洲电台"]
    assert len(rfa) == 3
    # Two items carry a pubDate; the third has none, which the format writes as NaN.
    assert sorted(stamp(t) for t in rfa) == ["1728396930000", "1728995412000", "NaN"]
    for text in rfa:
        body = body_of(text)
        assert "author: 自由亚洲电台\n" in text
        assert body.startswith("<img src=")  # #headerimg first, then #storytext
        assert '<span class="lead_image_caption">' in body
        assert '<span class="copyright">' in body
        assert "<ul><li><strong><a " in body
        assert body.endswith("</p>") and "责编：" in body
        images = IMG.findall(body)
        assert len(images) == 2  # the lead image and the zoom icon
        assert all(img.endswith(' referrerpolicy="no-referrer">') for img in images)
        assert "portal-footer" not in body and "热门新闻" not in body

    gazette = groups["Harbourside Gazette"]
    assert len(gazette) == 2
    for text in gazette:
        body = body_of(text)
        # The og:image (a relative path on the page) leads the body, resolved.
        assert re.match(
            r'<img [^>]*src="http://127\.0\.0\.1:\d+/gazette/media/\w+-1200\.png"', body
        )
        assert "cookie" not in body.lower() and "Most read" not in body
    assert any("author: Mara Ellison\n" in t and "<!--1741939512345-->" in t for t in gazette)

    arc = groups["自由亚洲电台 Arc"]
    assert len(arc) == 2
    for text in arc:
        assert re.search(
            r'<img [^>]*src="http://127\.0\.0\.1:\d+/resizer/v2/\w+\.jpg', body_of(text)
        )
    assert any("author: 方晴\n" in t for t in arc)  # dc:creator, not the feed's name

    second = run_demo(out)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "Nothing new" in second.stdout
    assert read_posts(out) == posts
