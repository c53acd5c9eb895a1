"""A long article whose every paragraph carries a per-request counter (review 19e, H6):
no line of the two fetches is equal, and the token comparison of the whole article at
once was quadratic (minutes at 150 KB of Chinese, a re-check that never ended). The
sizes difflib is handed are what the cost grows with: they are recorded here, not timed."""

from __future__ import annotations

import difflib
import random
from collections.abc import Iterator

import pytest

from rssarchive.core import recheck_text as t
from rssarchive.core import recheck_tokens as k

POOL = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动"
    "同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力"
)


@pytest.fixture
def compared(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The sizes (tokens on both sides) of the sequences difflib compares."""
    sizes: list[int] = []

    class Recording(difflib.SequenceMatcher):  # type: ignore[type-arg]
        def set_seqs(self, a, b):  # type: ignore[no-untyped-def]
            sizes.append(len(a) + len(b))
            super().set_seqs(a, b)

    monkeypatch.setattr(k.difflib, "SequenceMatcher", Recording)
    yield sizes


def _lines(paragraphs: list[str]) -> list[str]:
    return [key for key in map(t.normalize_line, paragraphs) if key]


def _article(seed: int, n: int = 520) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(POOL) for _ in range(95)) + "。" for _ in range(n)]


def _edited(paragraphs: list[str]) -> list[str]:
    return [
        p[:40] + ("甲" if p[40] != "甲" else "乙") + p[41:] if i % 4 == 0 else p
        for i, p in enumerate(paragraphs)
    ]


def _counted(paragraphs: list[str], start: int) -> list[str]:
    return [f"{p}（阅读{start + i}）" for i, p in enumerate(paragraphs)]


@pytest.mark.parametrize("edit", [True, False])
def test_a_counter_in_every_paragraph_is_compared_line_by_line(
    compared: list[int], edit: bool
) -> None:
    body = _article(1)
    page = _edited(body) if edit else body
    got = k.confirm(
        _lines(_counted(body, 1000)), _lines(_counted(page, 2000)), _lines(_counted(page, 3000))
    )
    assert got.edited is edit
    # ~50,000 tokens a side: never handed to difflib whole; the most compared at once
    # are the 520 lines of each side, as lines.
    assert max(compared) <= 2 * 520


def test_a_paragraph_deleted_among_counted_paragraphs_is_still_found(compared: list[int]) -> None:
    body = _article(2)
    page = body[:100] + body[101:]
    got = k.confirm(
        _lines(_counted(body, 1000)), _lines(_counted(page, 2000)), _lines(_counted(page, 3000))
    )
    assert got.edited
    assert max(compared) <= 2 * 520
