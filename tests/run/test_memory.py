"""Process-wide memory settings of a run (glibc only; skipped elsewhere)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

# Sixteen threads compressing at once: zlib allocates with the GIL released, so glibc
# hands the threads arenas of their own, as a run's fetch threads get them from SQLite,
# sockets and zlib. malloc_stats() prints one "Arena N:" block per arena on stderr.
CHURN = """
import ctypes, os, sys, threading, zlib
from rssarchive.run.session import fewer_malloc_arenas
if sys.argv[1] == "capped" and not fewer_malloc_arenas():
    sys.exit(77)
data = os.urandom(300_000)
def churn():
    for _ in range(20):
        zlib.compress(data, 1)
threads = [threading.Thread(target=churn) for _ in range(16)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
sys.stderr.flush()
ctypes.CDLL(None).malloc_stats()
"""


def _arenas(mode: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", CHURN, mode],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if done.returncode == 77 or "Arena" not in done.stderr:
        pytest.skip("not glibc's malloc")
    assert done.returncode == 0, done.stderr
    return sum(1 for line in done.stderr.splitlines() if line.startswith("Arena "))


def test_a_run_keeps_to_two_malloc_arenas() -> None:
    # Uncapped, each arena keeps room for the largest pages it held: the parent of a
    # 10,000-page backfill grew from 49 to 73 MB, 62 MB with two arenas.
    assert _arenas("uncapped") > 2  # the churn does make arenas: the check can fail
    assert _arenas("capped") <= 2
