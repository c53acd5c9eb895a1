"""Extraction in worker processes: a hung page is killed at the limit, the rest goes on."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from support import slow_extract

from rssarchive.errors import ExtractError
from rssarchive.workers import ExtractionPool


def test_real_extraction_in_a_worker() -> None:
    page = (
        b"<html><body><div id='storytext'><p>"
        + "正文。".encode() * 40
        + b"</p></div></body></html>"
    )
    pool = ExtractionPool(workers=1)
    try:
        article = pool.extract(page, "http://127.0.0.1/a.html", None, "text/html")
    finally:
        pool.close()
    assert "正文。" in article.body_html


def test_hazard_pathological_page_extraction_time_limit_next_article_goes_through() -> None:
    pool = ExtractionPool(workers=2, timeout=1.5, job=slow_extract.job)
    try:
        with ThreadPoolExecutor(4) as threads:
            started = time.monotonic()
            hung = threads.submit(pool.extract, b"hang", "http://h/1", None, None)
            others = [
                threads.submit(pool.extract, f"ok{i}".encode(), f"http://h/{i}", None, None)
                for i in range(4)
            ]
            with pytest.raises(ExtractError, match=r"longer than 1\.5 s"):
                hung.result()
            assert [f.result().body_html for f in others] == [f"<p>ok{i}</p>" for i in range(4)]
            elapsed = time.monotonic() - started
        # After the kill, the pool works again.
        assert pool.extract(b"after", "http://h/x", None, None).body_html == "<p>after</p>"
    finally:
        pool.close()
    assert elapsed < 30


def test_worker_that_dies_fails_only_its_page() -> None:
    pool = ExtractionPool(workers=1, timeout=20, job=slow_extract.job)
    try:
        with pytest.raises(ExtractError, match="worker died"):
            pool.extract(b"die", "http://h/die", None, None)
        assert pool.extract(b"fine", "http://h/2", None, None).body_html == "<p>fine</p>"
    finally:
        pool.close()
