"""Extraction quality on a public corpus of real pages with expected output.

    BENCH_CORPUS=DIR python bench/corpus.py     # or: python bench/corpus.py --corpus DIR
    make bench-corpus BENCH_CORPUS=DIR

DIR is mozilla/readability's ``test/test-pages`` (get it with
``git clone --depth 1 https://github.com/mozilla/readability``): one directory per page,
each with ``source.html`` (the page as fetched) and ``expected.html`` (the article as
Firefox's reader view extracts it, checked by hand by readability's authors). The corpus
is not part of this project and is never copied into it.

Tools compared, each on the page bytes:

* ``rssarchive``: ``rssarchive.extract.article.extract_article(page, url)``, as the pipeline
  calls it (url: ``http://fakehost/test/page.html``, the address readability's tests
  use); an ExtractError counts as an empty extraction;
* ``trafilatura``: bare ``trafilatura.extract(page)``, its defaults;
* ``trafilatura precision`` / ``trafilatura recall``: the same with
  ``favor_precision=True`` / ``favor_recall=True``;
* ``readability-lxml``: ``readability.Document(page).summary()`` on the page decoded as
  UTF-8, which every page of the corpus is (it needs bench/.venv, which ``make bench``
  sets up; skipped without it).

Scoring, per page, then averaged over the pages (macro average):

* the text of a result is its HTML's text (lxml ``text_content()``, with ``<script>``,
  ``<style>`` and ``<noscript>`` dropped first and a line break around every block
  element, so that two table cells are two words), or the plain text trafilatura gives;
  expected.html's text is taken the same way;
* tokens: the text lower-cased, then every Han, kana or other CJK ideograph is a token
  of its own (those scripts put no spaces between words), and every other run of
  letters and digits (``[^\\W_]+``, Unicode-aware) is a token; punctuation is not;
* precision = |extracted ∩ expected| / |extracted|, recall = |extracted ∩ expected| /
  |expected|, with ∩ the multiset intersection (bag of tokens: each token counts as
  often as it appears in both); F1 their harmonic mean. An empty extraction scores
  P = R = F1 = 0.

Also reported: pages where recall < 0.5 (the article mostly lost), and CPU seconds per
page (``time.process_time`` around the extraction call only; each tool runs in a process
of its own, imports excluded).

Results go to the "Extraction quality" section of bench/RESULTS.md (only that section is
replaced; ``--results FILE`` to write elsewhere, ``--no-write`` to print only).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import tables

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PEER_PYTHON = BENCH / ".venv" / "bin" / "python"
RESULTS = BENCH / "RESULTS.md"
PAGE_URL = "http://fakehost/test/page.html"
HOW_TO_GET = (
    "bench: corpus scenario skipped: set BENCH_CORPUS to mozilla/readability's test/test-pages "
    "(git clone --depth 1 https://github.com/mozilla/readability)"
)
# The section of RESULTS.md this script owns, between these two lines.
BEGIN = "<!-- corpus: begin (bench/corpus.py writes this section) -->"
END = "<!-- corpus: end -->"
LOW_RECALL = 0.5
# rssarchive refuses a page whose text is shorter than this (extract.MIN_ARTICLE_CHARS,
# spaces aside) as "no article": a few of the corpus's pages test readability's
# features on a line or two ("Test", "abc def ghi"). The scores are also given over the
# pages whose expected text reaches it.
ARTICLE_CHARS = 50

# Han (with extensions and compatibility ideographs), kana, CJK symbols: one token each.
_CJK = "\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
_TOKEN = re.compile(rf"[{_CJK}]|[^\W_{_CJK}]+")


def tokens(text: str) -> Counter[str]:
    return Counter(_TOKEN.findall(text.lower()))


_BLOCKS = tuple(
    [
        "p",
        "div",
        "li",
        "dt",
        "dd",
        "td",
        "th",
        "tr",
        "br",
        "hr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "dl",
        "table",
        "thead",
        "tbody",
        "section",
        "article",
        "aside",
        "header",
        "footer",
        "nav",
        "main",
        "figure",
        "figcaption",
        "blockquote",
        "pre",
        "img",
        "caption",
        "address",
        "details",
        "summary",
    ]
)


def html_text(html: str) -> str:
    import lxml.html

    if not html.strip():
        return ""
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    for el in root.xpath(".//script|.//style|.//noscript"):
        el.drop_tree()
    # Block elements end words, as a browser shows them: "<td>1947</td><td>A</td>" is
    # two tokens, though text_content() would glue them ("1947a").
    for el in root.iter(*_BLOCKS):
        el.text = "\n" + (el.text or "")
        el.tail = "\n" + (el.tail or "")
    return str(root.text_content())


def score(got: str, expected: str) -> tuple[float, float, float]:
    a, b = tokens(got), tokens(expected)
    common = sum((a & b).values())
    if not common:
        return 0.0, 0.0, 0.0
    p, r = common / sum(a.values()), common / sum(b.values())
    return p, r, 2 * p * r / (p + r)


# ------------------------------------------------------------------ tools (in workers)


def _rssarchive() -> Callable[[bytes], str]:
    from rssarchive.core.errors import ExtractError
    from rssarchive.extract.article import extract_article

    def run(page: bytes) -> str:
        try:
            return html_text(extract_article(page, PAGE_URL).body_html)
        except ExtractError:
            return ""

    return run


def _trafilatura(**options: Any) -> Callable[[], Callable[[bytes], str]]:
    def make() -> Callable[[bytes], str]:
        import trafilatura

        def run(page: bytes) -> str:
            return trafilatura.extract(page, **options) or ""

        return run

    return make


def _readability() -> Callable[[bytes], str]:
    import logging

    from readability import Document

    logging.getLogger("readability").setLevel(logging.CRITICAL)

    def run(page: bytes) -> str:
        try:
            # 0.8.4.1 reads its charset sniffing regexes on str only: bytes raise. Every
            # page of the corpus is UTF-8.
            text = page.decode("utf-8", "replace")
            return html_text(Document(text, url=PAGE_URL).summary(html_partial=True))
        except Exception:  # readability raises on pages it cannot read: nothing extracted
            return ""

    return run


@dataclass(frozen=True)
class Tool:
    name: str
    make: Callable[[], Callable[[bytes], str]]
    peer: bool = False  # runs in bench/.venv


TOOLS = {
    t.name: t
    for t in (
        Tool("rssarchive", _rssarchive),
        Tool("trafilatura", _trafilatura()),
        Tool("trafilatura precision", _trafilatura(favor_precision=True)),
        Tool("trafilatura recall", _trafilatura(favor_recall=True)),
        Tool("readability-lxml", _readability, peer=True),
    )
}


def pages_of(corpus: Path) -> list[Path]:
    return sorted(d for d in corpus.iterdir() if (d / "source.html").is_file())


def worker(tool: str, corpus: Path) -> None:
    """Extract every page with one tool; print {page: [text, cpu seconds]} as JSON."""
    run = TOOLS[tool].make()
    out: dict[str, tuple[str, float]] = {}
    for page in pages_of(corpus):
        data = (page / "source.html").read_bytes()
        t0 = time.process_time()
        text = run(data)
        out[page.name] = (text, time.process_time() - t0)
    json.dump(out, sys.stdout, ensure_ascii=False)


# ---------------------------------------------------------------------------- driver


@dataclass
class Result:
    tool: str
    p: float
    r: float
    f1: float
    low: list[str]  # pages with recall < LOW_RECALL
    cpu_mean_ms: float
    cpu_median_ms: float
    per_page: dict[str, tuple[float, float, float]]
    # The same means over the pages with an article (see ARTICLE_CHARS).
    article: tuple[float, float, float] = (0.0, 0.0, 0.0)


def is_article(corpus: Path, name: str) -> bool:
    text = html_text((corpus / name / "expected.html").read_text(encoding="utf-8"))
    return len("".join(text.split())) >= ARTICLE_CHARS


def run_tool(tool: Tool, corpus: Path, python: str, env: dict[str, str]) -> Result:
    cmd = [python, __file__, "--worker", tool.name, "--corpus", str(corpus)]
    done = subprocess.run(cmd, capture_output=True, env=env, check=True, timeout=1800)
    raw: dict[str, list[Any]] = json.loads(done.stdout)
    per_page: dict[str, tuple[float, float, float]] = {}
    for name, (text, _cpu) in raw.items():
        expected = html_text((corpus / name / "expected.html").read_text(encoding="utf-8"))
        per_page[name] = score(text, expected)
    cpus = [cpu for _text, cpu in raw.values()]
    values = list(per_page.values())
    articles = [per_page[n] for n in per_page if is_article(corpus, n)]
    return Result(
        tool=tool.name,
        p=statistics.fmean(v[0] for v in values),
        r=statistics.fmean(v[1] for v in values),
        f1=statistics.fmean(v[2] for v in values),
        low=sorted(n for n, v in per_page.items() if v[1] < LOW_RECALL),
        cpu_mean_ms=1000 * statistics.fmean(cpus),
        cpu_median_ms=1000 * statistics.median(cpus),
        per_page=per_page,
        article=(
            statistics.fmean(v[0] for v in articles),
            statistics.fmean(v[1] for v in articles),
            statistics.fmean(v[2] for v in articles),
        ),
    )


def evaluate(corpus: Path, tools: list[str], log: Callable[[str], None] = print) -> list[Result]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    results = []
    for name in tools:
        tool = TOOLS[name]
        python = sys.executable
        if tool.peer:
            if not PEER_PYTHON.exists():
                log(f"bench: {name} skipped: not installed in {PEER_PYTHON} (make bench does it)")
                continue
            python = str(PEER_PYTHON)
        t0 = time.perf_counter()
        results.append(run_tool(tool, corpus, python, env))
        log(f"bench: corpus: {name} done in {time.perf_counter() - t0:.0f} s")
    return results


def section(results: list[Result], corpus: Path, pages: int, commit: str) -> str:
    articles = sum(is_article(corpus, d.name) for d in pages_of(corpus))
    lines = [
        BEGIN,
        "## Extraction quality: mozilla/readability's test pages",
        "",
        f"Written by `python bench/corpus.py` on {datetime.now(UTC):%Y-%m-%d %H:%M UTC} "
        f"(rssarchive {commit}): {pages} pages of `test/test-pages`, each tool on "
        "`source.html`, scored against the text of `expected.html`: bag of tokens (words; "
        "each CJK character a token of its own), precision / recall / F1 per page, then "
        "averaged over the pages; an empty extraction scores 0. *Pages with an article*: "
        f"the {articles} whose expected text has at least {ARTICLE_CHARS} characters "
        "(spaces aside); rssarchive refuses shorter pages as no article, by design "
        "(`MIN_ARTICLE_CHARS`). CPU: per page, the extraction call only. See "
        "bench/corpus.py.",
        "",
    ]
    header = ["tool", "P", "R", "F1", "P, R, F1: pages with an article"]
    header += ["pages with recall < 0.5", "CPU ms/page (mean / median)"]
    rows: list[list[tables.Cell]] = [
        [
            r.tool,
            f"{r.p:.3f}",
            f"{r.r:.3f}",
            f"{r.f1:.3f}",
            ", ".join(f"{x:.3f}" for x in r.article),
            len(r.low),
            f"{r.cpu_mean_ms:.1f} / {r.cpu_median_ms:.1f}",
        ]
        for r in results
    ]
    lines += [*tables.markdown(header, rows, align="lrrrrrr"), ""]
    lines += verdicts(results)
    for r in results:
        if r.low:
            lines.append(f"- {r.tool}, recall < 0.5: {', '.join(r.low)}")
    lines += ["", END]
    return "\n".join(lines)


def verdicts(results: list[Result]) -> list[str]:
    """The issue's targets: recall at least bare trafilatura's (defaults), F1 at least
    that of trafilatura's best mode; on all pages and on the pages with an article."""
    by = {r.tool: r for r in results}
    ours, bare = by.get("rssarchive"), by.get("trafilatura")
    modes = [r for r in results if r.tool.startswith("trafilatura")]
    if ours is None or bare is None or not modes:
        return []
    out = []
    for label, pick in (
        ("all pages", lambda r: (r.r, r.f1)),
        ("pages with an article", lambda r: r.article[1:]),
    ):
        recall, f1 = pick(ours)
        best = max(modes, key=lambda r: pick(r)[1])
        out.append(
            f"- {label}: rssarchive's recall {recall:.3f} vs bare trafilatura's "
            f"{pick(bare)[0]:.3f} ({'holds' if recall >= pick(bare)[0] else '**NO**'}); "
            f"F1 {f1:.3f} vs the best trafilatura mode's ({best.tool}) {pick(best)[1]:.3f} "
            f"({'holds' if f1 >= pick(best)[1] else '**NO**'})"
        )
    return out


def skipped_section(previous: str | None) -> str:
    """The section when the corpus is absent: the last measured one, if any, kept as it
    was (it names its own date and commit)."""
    if previous:
        return previous
    return "\n".join([BEGIN, "## Extraction quality", "", HOW_TO_GET.removeprefix("bench: "), END])


def current_section(text: str) -> str | None:
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        return None
    return text[start : end + len(END)]


def write_section(results_file: Path, new: str) -> None:
    """Replace this script's section of RESULTS.md, or append it; the rest stays."""
    text = results_file.read_text(encoding="utf-8") if results_file.exists() else ""
    old = current_section(text)
    if old is not None:
        text = text.replace(old, new)
    else:
        text = text.rstrip("\n") + ("\n\n" if text else "") + new + "\n"
    results_file.write_text(text, encoding="utf-8")


def git_commit() -> str:
    try:
        head = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=30,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--", "rssarchive"],
            capture_output=True,
            text=True,
            timeout=30,
        ).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    return f"{head}{' + uncommitted changes in rssarchive/' if dirty else ''}"


def corpus_from(arg: Path | None) -> Path | None:
    """The corpus directory from --corpus or BENCH_CORPUS; None when neither is given."""
    if arg is not None:
        return arg
    value = os.environ.get("BENCH_CORPUS", "").strip()
    return Path(value) if value else None


def run_scenario(corpus: Path | None, log: Callable[[str], None] = print) -> str | None:
    """For bench/run.py: the section to put in RESULTS.md, or None (skipped, said why)."""
    if corpus is None:
        log(HOW_TO_GET)
        return None
    if not corpus.is_dir() or not pages_of(corpus):
        log(f"bench: corpus scenario skipped: no */source.html under {corpus}")
        return None
    results = evaluate(corpus, list(TOOLS), log)
    return section(results, corpus, len(pages_of(corpus)), git_commit())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, help="test/test-pages (default: $BENCH_CORPUS)")
    parser.add_argument("--tool", choices=list(TOOLS), action="append", help="tools to run")
    parser.add_argument("--results", type=Path, default=RESULTS, help="the RESULTS.md to update")
    parser.add_argument("--no-write", action="store_true", help="print, do not write")
    parser.add_argument("--pages", action="store_true", help="also print per-page scores")
    parser.add_argument("--worker", choices=list(TOOLS), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    corpus = corpus_from(args.corpus)
    if args.worker:
        assert corpus is not None
        worker(args.worker, corpus)
        return 0
    if corpus is None:
        print(HOW_TO_GET, file=sys.stderr)
        return 0
    if not corpus.is_dir() or not pages_of(corpus):
        print(f"bench: no */source.html under {corpus}", file=sys.stderr)
        return 2
    results = evaluate(corpus, args.tool or list(TOOLS))
    text = section(results, corpus, len(pages_of(corpus)), git_commit())
    print(text)
    if args.pages:
        # Each tool's recall / F1 on each page.
        names = sorted(results[0].per_page) if results else []
        rows = [
            [name, *(f"{r.per_page[name][1]:.2f}/{r.per_page[name][2]:.2f}" for r in results)]
            for name in names
        ]
        header = ["page", *(r.tool for r in results)]
        print("\n".join(tables.plain(header, rows, align="l" + "r" * len(results))))
    if not args.no_write:
        write_section(args.results, text)
        print(f"bench: corpus section written to {args.results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
