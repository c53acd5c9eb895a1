"""`rssarchive --help` stays fast (the bench's target: under 0.3 s) because the command
line imports what a command needs only when that command runs. Counted by what is
imported, not timed: the modules below cost most of a start (lxml, PyYAML, httpx, the
decider and the run's report all at once took the CLI's import from ~25 ms to ~120 ms)."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = (
    "httpx",
    "httpcore",
    "lxml",
    "yaml",
    "feedparser",
    "trafilatura",
    "rssarchive.core.decide",
    "rssarchive.run.printing",
    "rssarchive.run.session",
)


def test_help_imports_no_heavy_module() -> None:
    code = (
        "import json, sys\n"
        "from rssarchive import cli\n"
        "try:\n"
        "    cli.main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert json.loads(done.stderr.strip().splitlines()[-1]) == []
    assert "usage:" in done.stdout
