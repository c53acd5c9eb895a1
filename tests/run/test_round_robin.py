"""The run's work interleaved by host (jobs._round_robin, through run/backlog.Backlog, the
one per-host work queue of a run; review 18 M5): each host's items in their order, one
host after another, hosts in the order they first appear."""

from __future__ import annotations

import pytest

from rssarchive.run.jobs import _round_robin


def host(item: str) -> str:
    return item.split("/")[0]


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ("", ""),
        ("a/1", "a/1"),
        ("a/1 a/2 a/3", "a/1 a/2 a/3"),
        ("a/1 a/2 b/1 b/2", "a/1 b/1 a/2 b/2"),
        ("a/1 a/2 a/3 b/1 c/1 c/2", "a/1 b/1 c/1 a/2 c/2 a/3"),
        ("c/1 a/1 c/2 b/1 a/2", "c/1 a/1 b/1 c/2 a/2"),
        # The same item twice is kept twice (it is a place, not a key).
        ("a/1 a/1 b/1", "a/1 b/1 a/1"),
    ],
)
def test_round_robin(items: str, expected: str) -> None:
    assert _round_robin(items.split(), host) == expected.split()
