"""Run rssarchive's command line under cProfile in every thread of the process.

    python bench/profile_run.py OUT -- [rssarchive arguments ...]

``python -m cProfile`` sees only the main thread, but rssarchive fetches and parses in
a thread pool. Here every thread gets its own profiler:

* ``OUT.main.prof``: the main thread, wall clock (``perf_counter``): where the run
  *waits* (thread results, fsync, SQLite commits) as well as where it computes;
* ``OUT.threads.prof``: all other threads merged, CPU clock (``thread_time``): where the
  fetch/parse threads *compute*; their waiting on the network or the per-host limiter
  costs no CPU and so drops out.

Extraction worker processes (spawned) are not profiled here; ``bench/floor.py`` measures
``extract_article`` on the same pages instead.
"""

from __future__ import annotations

import cProfile
import pstats
import runpy
import sys
import threading
import time
from collections.abc import Callable


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[1] != "--":
        print(__doc__, file=sys.stderr)
        return 2
    out = argv[0]
    profiles: list[cProfile.Profile] = []
    lock = threading.Lock()
    original: Callable[[threading.Thread], None] = threading.Thread.run

    def profiled_run(self: threading.Thread) -> None:
        profile = cProfile.Profile(time.thread_time)
        with lock:
            profiles.append(profile)
        profile.enable()
        try:
            original(self)
        finally:
            profile.disable()

    threading.Thread.run = profiled_run  # type: ignore[method-assign]
    sys.argv = ["rssarchive", *argv[2:]]
    code: int | str | None = 0
    main_profile = cProfile.Profile(time.perf_counter)
    main_profile.enable()
    try:
        runpy.run_module("rssarchive", run_name="__main__", alter_sys=True)
    except SystemExit as exc:
        code = exc.code
    finally:
        main_profile.disable()
        main_profile.dump_stats(f"{out}.main.prof")
        merged: pstats.Stats | None = None
        with lock:
            for profile in profiles:
                profile.create_stats()
                if not profile.stats:
                    continue  # a thread that never ran Python code
                if merged is None:
                    merged = pstats.Stats(profile)
                else:
                    merged.add(profile)
        if merged is not None:
            merged.dump_stats(f"{out}.threads.prof")
    return code if isinstance(code, int) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
