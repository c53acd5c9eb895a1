"""The results tables every bench script writes (Markdown) and prints (plain text).

One helper, so that RESULTS.md's sections and the console summaries share one format:
a header row, one row per result, numbers right-aligned. Cells arrive as strings (each
script formats its own numbers); ``None`` is an empty cell.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

Cell = str | int | float | None


def _text(cell: Cell) -> str:
    return "" if cell is None else str(cell)


def markdown(header: Sequence[str], rows: Iterable[Sequence[Cell]], align: str = "") -> list[str]:
    """A Markdown table as lines. ``align`` has one letter per column, ``l`` or ``r``
    (``r``: ``---:``, for numbers); columns it does not reach are left-aligned."""
    rule = ["---:" if align[i : i + 1] == "r" else "---" for i in range(len(header))]
    lines = [_row(header), "|" + "|".join(rule) + "|"]
    for row in rows:
        if len(row) != len(header):
            raise ValueError(f"a row of {len(row)} cells in a table of {len(header)} columns")
        lines.append(_row(row))
    return lines


def _row(cells: Sequence[Cell]) -> str:
    # An empty cell is "| |", as the tables were written by hand before.
    return "|" + "|".join(f" {text} " if text else " " for text in map(_text, cells)) + "|"


def records(rows: Sequence[dict[str, str]]) -> list[str]:
    """A Markdown table of dicts: the first row's keys are the columns."""
    keys = list(rows[0])
    return markdown(keys, [[row.get(key, "") for key in keys] for row in rows])


def plain(header: Sequence[str], rows: Iterable[Sequence[Cell]], align: str = "") -> list[str]:
    """The same table for a terminal: columns padded to their widest cell, a rule of
    dashes under the header."""
    text = [[_text(cell) for cell in header], *[[_text(cell) for cell in row] for row in rows]]
    widths = [max(len(row[i]) for row in text) for i in range(len(header))]

    def line(row: list[str]) -> str:
        cells = [
            cell.rjust(width) if align[i : i + 1] == "r" else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        return "  ".join(cells).rstrip()

    first = line(text[0])
    return [first, "-" * len(first), *(line(row) for row in text[1:])]
