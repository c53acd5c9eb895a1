"""The run's per-host work queue (pure, no I/O): the pages a backfill has recorded as
pending and not yet handed out, and the one interleave by host of the run's other work
(jobs._round_robin hands its items through it). Part of the run, not a source: it finds
nothing, it orders what was found (review 18 M5).

A backfill records every URL in the state database before any work starts: that is
what lets the next run finish a killed one. What the run itself keeps of each URL is
only its article id, eight bytes in an array per host, instead of a job object with
its entry: ~0.5 KB per URL, ~50 MB for a 100,000-URL backfill. The entries are read
back from the state database a few hundred at a time, as their turn comes.
"""

from __future__ import annotations

from array import array
from collections import deque
from dataclasses import dataclass, field
from typing import Generic, TypeVar

K = TypeVar("K")  # what the ids of one queue share (the pipeline's: feed and result)


@dataclass(eq=False)
class _Queue(Generic[K]):
    key: K
    ids: array[int] = field(default_factory=lambda: array("q"))
    taken: int = 0


class Backlog(Generic[K]):
    """Article ids in one queue per host, handed out one host after another, so that
    the threads waiting on one host's politeness limit leave the others busy however
    the URLs were ordered (a list sorted by host would otherwise go one host at a
    time)."""

    def __init__(self) -> None:
        self._queues: dict[tuple[str, str], _Queue[K]] = {}
        self._turns: deque[_Queue[K]] = deque()
        self._left = 0

    def add(self, host: str, name: str, key: K, article_id: int) -> None:
        """Queue ``article_id`` on ``host``; every id added under one (host, name) is
        handed out with the same ``key``."""
        queue = self._queues.get((host, name))
        if queue is None:
            queue = self._queues[(host, name)] = _Queue(key)
            self._turns.append(queue)
        queue.ids.append(article_id)
        self._left += 1

    def __len__(self) -> int:
        return self._left

    def take(self, most: int) -> list[tuple[K, int]]:
        """Up to ``most`` (key, id) pairs, round-robin over the hosts; each leaves."""
        taken: list[tuple[K, int]] = []
        while self._turns and len(taken) < most:
            queue = self._turns.popleft()
            taken.append((queue.key, queue.ids[queue.taken]))
            queue.taken += 1
            if queue.taken < len(queue.ids):
                self._turns.append(queue)
            else:
                queue.ids = array("q")  # emptied: let its memory go now
        self._left -= len(taken)
        return taken
