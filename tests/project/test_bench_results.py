"""bench/run.py rewrites RESULTS.md from its own runs, and keeps what other tools and
people wrote there: here, sections written by hand between ``kept`` markers."""

from __future__ import annotations

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import run  # noqa: E402  (bench/ is not a package)

SECTION = (
    "<!-- kept: begin (a before/after comparison, by hand) -->\n"
    "## One change, before and after\n\n| side | wall |\n|---|---:|\n| before | 1.0 |\n"
    "<!-- kept: end -->"
)


def test_hand_written_sections_are_kept_as_they_are(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    results.write_text(
        f"# results\n\n## No-op cron\n\nold numbers\n\n{SECTION}\n\n## Site at scale\n\nsite\n",
        encoding="utf-8",
    )
    assert run._kept_marked(results) == f"\n{SECTION}\n"


def test_no_kept_section_adds_nothing(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    results.write_text("# results\n\n## No-op cron\n\nold numbers\n", encoding="utf-8")
    assert run._kept_marked(results) == ""
    assert run._kept_marked(tmp_path / "missing.md") == ""


def test_results_show_no_path_of_the_machine_that_ran_them() -> None:
    # RESULTS.md is committed: the interpreter is shown relative to the repository (or
    # by its name), never as the absolute path it had on the machine of the run.
    assert run.shown_path(str(run.ROOT / ".venv" / "bin" / "python")) == ".venv/bin/python"
    assert run.shown_path("/opt/elsewhere/bin/python3") == "python3"
    text = (BENCH / "RESULTS.md").read_text(encoding="utf-8")
    for root in ("/work/", "/root/", "/home/", "/tmp/", "/usr/"):
        assert root not in text, root
