"""Give the heap's free pages back to the system (glibc; elsewhere a no-op).

A run's fetch threads each allocate and free buffers the size of a page (50-200 KB) for
every article. glibc keeps what they free, fragmented across its per-thread arenas, so a
backfill's RSS grew by ~3 MB per 1,000 pages while Python's own objects did not grow at
all. ``malloc_trim`` hands the free pages back; measured over 9,000 fetches in 32
threads, RSS stayed at 39-42 MB instead of growing from 46 to 58 MB.
"""

from __future__ import annotations

import functools
from collections.abc import Callable


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    import ctypes

    try:
        libc = ctypes.CDLL(None)  # the C library this interpreter already runs on
    except OSError:
        return None
    function: Callable[[int], int] | None = getattr(libc, "malloc_trim", None)
    return function


def trim() -> bool:
    """Return the heap's free pages to the system; False where the C library cannot."""
    function = _malloc_trim()
    if function is None:
        return False
    function(0)
    return True
