"""heap.trim: free heap pages go back to the system (glibc, which CI runs on)."""

from __future__ import annotations

import platform

import pytest

from rssarchive import heap


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")
def test_trim_gives_back_what_was_freed_between_live_allocations() -> None:
    # 100 KB buffers (below glibc's mmap threshold: they come from the heap), each
    # followed by a small one that stays: once the big ones are freed, the heap is full
    # of holes that free() alone keeps, as it did in a long run's fetch threads.
    buffers, pins = [], []
    for _ in range(600):
        buffers.append(bytearray(100 * 1024))
        pins.append(bytearray(1024))  # past pymalloc, so from the same heap
    buffers.clear()
    before = _rss_mb()
    assert heap.trim()
    after = _rss_mb()
    assert before - after > 30, (before, after)  # of the ~60 MB that was freed
    assert len(pins) == 600
