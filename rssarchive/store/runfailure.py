"""The record of runs that stopped where the state database could not say so.

A run whose state database cannot be opened or written (its disk full, gone, read-only)
cannot record its failure in that database, so ``status`` would go on showing the last
success. Such a run writes one small file beside the site's lock instead,
``<site_dir>/.rssarchive/run-failure.json`` (the site's disk usually has room when the
state's has none): the error, when, and how many runs in a row. ``status`` reads it and
says FAILING; the next run that ends without such an error removes it.

The file is written atomically (a temporary file renamed over it), and every step is
best effort: when the site's disk is full too, the error is still printed by the run.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Final

from rssarchive.store.atomicfile import write_atomic

FAILURE_FILE: Final = ".rssarchive/run-failure.json"


@dataclass(frozen=True)
class RunFailure:
    error: str  # the run's one line, as printed
    at: str  # ISO 8601, the run's clock
    runs: int  # runs in a row that stopped so


def failure_path(site_dir: Path) -> Path:
    return site_dir / FAILURE_FILE


def read_failure(site_dir: Path) -> RunFailure | None:
    """The recorded failure, or None (none, or a file that cannot be read as one)."""
    try:
        data = json.loads(failure_path(site_dir).read_text(encoding="utf-8"))
        return RunFailure(str(data["error"]), str(data["at"]), max(1, int(data["runs"])))
    except (OSError, ValueError, TypeError, KeyError):
        return None


def record_failure(site_dir: Path, error: str, now: datetime) -> None:
    """Count one more run stopped by ``error`` (best effort, never raises)."""
    previous = read_failure(site_dir)
    runs = previous.runs + 1 if previous is not None else 1
    text = json.dumps({"error": error, "at": now.isoformat(), "runs": runs}, ensure_ascii=False)
    path = failure_path(site_dir)
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, (text + "\n").encode("utf-8"))


def clear_failure(site_dir: Path) -> None:
    """A run ended without such an error: the record goes (best effort)."""
    with contextlib.suppress(OSError):
        failure_path(site_dir).unlink(missing_ok=True)


def unwritable(site_dir: Path) -> str | None:
    """The site's ``.rssarchive`` (or the nearest folder of it that exists) when no run
    can write there, with why; None when a run can. Every run takes its lock there and,
    failing that, records its failure there: with the state in that folder too (the
    default), nothing records that the runs stop, so ``status`` looks for itself."""
    where = failure_path(site_dir).parent
    probe = where
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if os.access(probe, os.W_OK | os.X_OK):
        return None
    try:
        readonly = bool(os.statvfs(probe).f_flag & os.ST_RDONLY)
    except OSError:
        readonly = False
    return f"{probe} ({'read-only file system' if readonly else 'permission denied'})"
