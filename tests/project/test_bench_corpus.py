"""bench/corpus.py: the scoring it reports, and running it alone on a corpus (here a
two-page one written by the test; the real one is mozilla/readability's test pages)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import corpus  # noqa: E402  (bench/ is not a package)

ARTICLE = (
    "<html><head><title>Quarry closes</title></head><body><nav><a href='/'>Home</a></nav>"
    "<article><h1>Quarry closes</h1>"
    "<p>The limestone quarry above Aldby shut its gates on Friday, ending four decades "
    "of blasting that shaped the village.</p>"
    "<p>About sixty workers lost their jobs, the owners said, though most were offered "
    "places at other sites.</p></article></body></html>"
)
EXPECTED = (
    "<div><p>The limestone quarry above Aldby shut its gates on Friday, ending four "
    "decades of blasting that shaped the village.</p><p>About sixty workers lost their "
    "jobs, the owners said, though most were offered places at other sites.</p></div>"
)


def test_tokens_are_words_and_single_cjk_characters() -> None:
    assert corpus.tokens("Hello, World! 美日会谈 2024") == Counter(
        {"hello": 1, "world": 1, "美": 1, "日": 1, "会": 1, "谈": 1, "2024": 1}
    )


def test_block_elements_end_words() -> None:
    text = corpus.html_text("<table><tr><td>1947</td><td>A film</td></tr></table>")
    assert corpus.tokens(text) == Counter({"1947": 1, "a": 1, "film": 1})


def test_score_is_bag_of_tokens_precision_recall_f1() -> None:
    p, r, f1 = corpus.score("a a b c", "a b b d")
    assert (p, r) == (0.5, 0.5)  # common: one a, one b
    assert f1 == pytest.approx(0.5)
    assert corpus.score("", "a b") == (0.0, 0.0, 0.0)


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "BENCH_CORPUS"}
    env.update(extra)
    return env


def test_without_a_corpus_it_says_how_to_get_one(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    done = subprocess.run(
        [sys.executable, str(BENCH / "corpus.py"), "--results", str(results)],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=60,
    )
    assert done.returncode == 0
    assert done.stderr.count("\n") == 1
    assert "BENCH_CORPUS" in done.stderr and "git clone" in done.stderr
    assert not results.exists()


def test_alone_it_replaces_only_its_section(tmp_path: Path) -> None:
    pages = tmp_path / "test-pages"
    for name in ("quarry", "tiny"):
        (pages / name).mkdir(parents=True)
    (pages / "quarry" / "source.html").write_text(ARTICLE, encoding="utf-8")
    (pages / "quarry" / "expected.html").write_text(EXPECTED, encoding="utf-8")
    (pages / "tiny" / "source.html").write_text("<p>Test</p>", encoding="utf-8")
    (pages / "tiny" / "expected.html").write_text("<p>Test</p>", encoding="utf-8")
    results = tmp_path / "RESULTS.md"
    results.write_text(
        f"# bench\n\nkept\n\n{corpus.BEGIN}\nold numbers\n{corpus.END}\n\nalso kept\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, str(BENCH / "corpus.py"), "--tool=rssarchive", f"--results={results}"],
        capture_output=True,
        text=True,
        env=_env(BENCH_CORPUS=str(pages)),
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    text = results.read_text(encoding="utf-8")
    assert text.startswith("# bench\n\nkept\n\n") and text.endswith("\n\nalso kept\n")
    assert "old numbers" not in text and text.count(corpus.BEGIN) == 1
    # Both pages over all pages ("Test" is no article: refused, scores 0); the
    # quarry page alone over the pages with an article, all of it found.
    row = next(line for line in text.splitlines() if line.startswith("| rssarchive |"))
    assert row.startswith("| rssarchive | 0.500 | 0.500 | 0.500 | 1.000, 1.000, 1.000 | 1 |")
    assert "- rssarchive, recall < 0.5: tiny" in text
