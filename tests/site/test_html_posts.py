"""output/_plugins/html_posts.rb writes what kramdown writes, faster.

The site-local converter skips kramdown's Ruby HTML parser for the archive's posts
(their bodies are already HTML). GitHub Pages never loads _plugins/, so the pages must
stay byte for byte what kramdown makes. Compared here, through the real Jekyll and
kramdown (tests/jekyll/compare_markdown.rb):

- every case of tests/jekyll/markdown_cases/ (its name says which path must take it:
  `fast-` the converter's own, `kramdown-` kramdown's);
- the seed posts, and generated and hostile posts written by rssarchive's renderer,
  which must all take the fast path.

tests/site/test_jekyll_site.py compares whole built sites with and without the plugins.
Without `jekyll` on PATH these tests skip, or fail when the CI variable is set.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from jekyll.build import SITE_TEMPLATE, require_jekyll, seed_posts
from test_jekyll_site import generated_posts, hostile_posts

from rssarchive.publish.render import render_post

HERE = Path(__file__).parent.parent
CASES = sorted((HERE / "jekyll" / "markdown_cases").glob("*.md"))
COMPARE = HERE / "jekyll" / "compare_markdown.rb"

# Titles, URLs and bodies through the real renderer: what kramdown's span parsers and
# typographic conversions act on, entities, and HTML the sanitiser keeps.
TRICKY_TITLES = (
    'Biden\'s "plan" -- A&B ... (analysis)',
    "*stars* _under_ `tick` [bracket] \\back | pipe ~tilde~ $$x$$ ^caret",
    "<b>not bold</b> &amp; {{ liquid }} {% tag %}",
    "美日“2+2”会谈：核威慑？ 《国安法》、人权…",
    "Ends with a dot.",
    "1. Starts like a list",
    "# Starts like a heading",
    "C++ & C# -- Q&A: 50% off!",
)
TRICKY_URLS = (
    "https://news.example/a?x=1&y=2",
    "https://news.example/a_(b)_'c'*d*",
    "https://news.example/路径/中文.html",
    'https://news.example/a b<c>"d"',
)
TRICKY_BODIES = (
    "<p>AT&T &amp; co, 1 < 2 > 0, &nbsp;\u00a0&copy; &#123;&#123; x }}</p>",
    "<p>a<br>b<br/>c</p><pre>  code  *x*  </pre><table><tr><td>1</td></tr></table>",
    '<div><img src="https://i.example/a.png" alt="a &quot;b&quot;" width="3"><p>x',
    '<p>"smart" -- ... *em* [l](x) `c`</p><!-- kept? --><h2 id="x">h</h2>',
    # The sanitiser writes `<p id>` as `<p id="">`, which kramdown leaves out.
    '<p id>para one</p><h2 id="">heading</h2><p id=" " class="c">x</p>',
)


def _compare(contents: list[str]) -> list[dict[str, object]]:
    require_jekyll()
    ruby = shutil.which("ruby")
    assert ruby is not None, "jekyll is installed but ruby is not on PATH"
    completed = subprocess.run(
        [ruby, str(COMPARE), str(SITE_TEMPLATE)],
        input=json.dumps(contents),
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    results: list[dict[str, object]] = json.loads(completed.stdout)
    return results


def _content(post_text: str) -> str:
    return post_text.split("---\n", 2)[2]


def _rendered(title: str, url: str, body: str) -> str:
    post = render_post(
        title=title,
        url=url,
        published=None,
        archived_at=datetime(2024, 7, 24, 1, 45, 53, tzinfo=UTC),
        author="x",
        tags=["Feed"],
        categories=["Feed"],
        body_html=body,
    )
    return _content(post.text)


def test_cases_match_kramdown_on_the_path_their_name_says() -> None:
    results = _compare([case.read_text(encoding="utf-8") for case in CASES])
    for case, result in zip(CASES, results, strict=True):
        assert result["same"], (case.name, result["kramdown"], result["converter"])
        assert result["fast"] == case.name.startswith("fast-"), case.name


def test_posts_rssarchive_writes_take_the_fast_path_and_match_kramdown() -> None:
    posts = [seed.text for seed in seed_posts()]
    posts += [text for text, _, _ in generated_posts(60, seed_posts()).values()]
    posts += [text for text, _, _ in hostile_posts().values()]
    results = _compare([_content(text) for text in posts])
    for text, result in zip(posts, results, strict=True):
        assert result["same"], (text, result["kramdown"], result["converter"])
        assert result["fast"], text


def test_tricky_titles_urls_and_bodies_match_kramdown() -> None:
    contents = [
        _rendered(title, url, body)
        for title in TRICKY_TITLES
        for url in TRICKY_URLS
        for body in TRICKY_BODIES
    ]
    results = _compare(contents)
    for content, result in zip(contents, results, strict=True):
        assert result["same"], (content, result["kramdown"], result["converter"])
    # The sanitiser's output is what the fast path is for: most of these take it.
    assert sum(bool(r["fast"]) for r in results) >= len(results) // 2
