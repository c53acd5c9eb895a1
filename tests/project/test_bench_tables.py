"""bench/tables.py: the one table format of every bench script (RESULTS.md and console)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import tables  # noqa: E402  (bench/ is not a package)


def test_markdown_right_aligns_the_columns_it_is_told() -> None:
    lines = tables.markdown(["tool", "wall", "note"], [["a", "1.50", None], ["b", 2, "x"]], "lr")
    assert lines == [
        "| tool | wall | note |",
        "|---|---:|---|",
        "| a | 1.50 | |",
        "| b | 2 | x |",
    ]


def test_a_row_of_the_wrong_width_is_refused() -> None:
    with pytest.raises(ValueError, match="2 cells in a table of 3 columns"):
        tables.markdown(["a", "b", "c"], [["1", "2"]])


def test_an_empty_header_cell_is_written_as_before() -> None:
    assert tables.markdown(["", "value"], [["wall time", "2.09 s"]])[0] == "| | value |"


def test_records_take_the_first_rows_keys_as_columns() -> None:
    rows = [{"posts": "1,000", "cold s": "3.0"}, {"posts": "10,000"}]
    assert tables.records(rows) == [
        "| posts | cold s |",
        "|---|---|",
        "| 1,000 | 3.0 |",
        "| 10,000 | |",
    ]


def test_plain_pads_every_column_to_its_widest_cell() -> None:
    lines = tables.plain(["tool", "wall"], [["rssarchive", "1.50"], ["b", "12.25"]], "lr")
    assert lines == [
        "tool         wall",
        "-----------------",
        "rssarchive   1.50",
        "b           12.25",
    ]
