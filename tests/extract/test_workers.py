"""Extraction in worker processes: a hung page is killed at the limit, the rest goes on."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from support import slow_extract

from rssarchive.core import decide
from rssarchive.core.decide import RetryPolicy
from rssarchive.core.errors import ExtractError
from rssarchive.extract import workers
from rssarchive.extract.workers import ExtractionPool


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


def test_a_page_queued_behind_a_hung_one_is_not_blamed_for_its_time() -> None:
    # One worker: the second page waits behind the hung one. Its clock starts only when
    # the worker starts on it, so it goes through on the replacement worker.
    pool = ExtractionPool(workers=1, timeout=1.5, job=slow_extract.job)
    try:
        with ThreadPoolExecutor(2) as threads:
            hung = threads.submit(pool.extract, b"hang", "http://h/1", None, None)
            time.sleep(0.3)  # the hung page reaches the worker first
            queued = threads.submit(pool.extract, b"queued", "http://h/2", None, None)
            with pytest.raises(ExtractError, match=r"longer than 1\.5 s"):
                hung.result()
            assert queued.result().body_html == "<p>queued</p>"
    finally:
        pool.close()


def test_worker_that_dies_fails_only_its_page() -> None:
    pool = ExtractionPool(workers=1, timeout=20, job=slow_extract.job)
    try:
        with pytest.raises(ExtractError, match="worker process died"):
            pool.extract(b"die", "http://h/die", None, None)
        assert pool.extract(b"fine", "http://h/2", None, None).body_html == "<p>fine</p>"
    finally:
        pool.close()


@pytest.mark.parametrize("attempts", [1, 2, 3])
def test_a_call_whose_worker_dies_is_made_as_often_as_its_policy_says(
    attempts: int, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # decide.WORKER_DEATH_RETRIES (2: once more, in a new worker) is the one count.
    assert workers.WORKER_DEATH_RETRIES is decide.WORKER_DEATH_RETRIES
    monkeypatch.setattr(workers, "WORKER_DEATH_RETRIES", RetryPolicy(attempts=attempts))
    calls = tmp_path / "calls"
    pool = ExtractionPool(workers=1, timeout=20)
    try:
        with pytest.raises(ExtractError, match="worker process died"):
            pool.run("http://h/die", slow_extract.dies_counting, str(calls))
        assert pool.run("echo", slow_extract.echo, b"after") == b"after"
    finally:
        pool.close()
    assert calls.read_text(encoding="utf-8").count("call") == attempts


def test_large_calls_and_results_from_many_threads_all_come_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Each call and each result is larger than a pipe holds, and three calls wait on one
    # worker (as when two threads pick the same worker at once): a worker blocked sending
    # a result must still be read while another thread is blocked sending it more.
    monkeypatch.setattr(workers, "QUEUED_PER_WORKER", 3)
    pool = ExtractionPool(workers=1, timeout=60)
    payloads = [bytes([i]) * (3 * 1024 * 1024) for i in range(6)]
    results: dict[int, bytes] = {}

    def call(i: int) -> None:
        results[i] = pool.run("echo", slow_extract.echo, payloads[i])

    threads = [threading.Thread(target=call, args=(i,), daemon=True) for i in range(6)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 30
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
    if any(thread.is_alive() for thread in threads):
        for worker in pool._slots:
            if worker is not None:  # so that a deadlocked pool fails this test, not hangs
                worker.process.kill()
        pytest.fail("calls still waiting after 30 s: the pool is deadlocked")
    pool.close()
    assert results == dict(enumerate(payloads))


@pytest.mark.parametrize(
    "job", [slow_extract.raises_what_cannot_travel, slow_extract.returns_what_cannot_travel]
)
def test_what_cannot_cross_back_from_a_worker_is_an_extract_error(job: Any) -> None:
    # An ExtractError is what callers handle; anything else would end the run.
    pool = ExtractionPool(workers=1)
    try:
        with pytest.raises(ExtractError, match="worker's result could not be") as raised:
            pool.run("https://news.example/1.html", job)
        # Named once, by the work's URL (review 18, errors carry their URL).
        assert raised.value.url == "https://news.example/1.html"
        assert str(raised.value).count("https://news.example/1.html") == 1
        assert pool.run("echo", slow_extract.echo, b"still works") == b"still works"
    finally:
        pool.close()


def _story(number: int) -> bytes:
    # Words unique to each page, as in real articles: each fills trafilatura's caches.
    words = " ".join(f"word{number}x{index}" for index in range(200))
    return (
        f"<html><head><title>Story {number}</title></head><body><article>"
        f"<h1>Story {number}</h1><p>{words}</p><p>{words[::-1]}</p></article></body></html>"
    ).encode()


def test_a_worker_empties_trafilaturas_caches_every_few_hundred_pages(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # In process, so that the caches can be looked at: the worker runs this same code.
    from trafilatura.utils import trim

    monkeypatch.setattr(workers, "PAGES_PER_CACHE_RESET", 3)
    monkeypatch.setattr(workers, "_pages_done", 0)
    workers.release_caches()
    sizes = []
    for number in range(1, 7):
        workers.extract_in_worker(
            _story(number), f"http://127.0.0.1/{number}.html", selectors=None, content_type=None
        )
        sizes.append(trim.cache_info().currsize)
    # Grows with every page, falls back at the 3rd and the 6th: bounded by 3 pages' worth.
    assert sizes[0] < sizes[1] and sizes[3] < sizes[4]
    assert sizes[2] == sizes[5] == sizes[0]


def test_extraction_computes_no_content_fingerprint() -> None:
    # trafilatura.extract() computes a simhash of every page's text (~1 ms a page) and
    # caches each word's vector (a worker held ~6 MB more by its 1,000th page); nothing
    # here reads it, so extraction must not pay for it.
    from trafilatura.deduplication import _vector_to_add

    workers.release_caches()
    for number in range(1, 4):
        article = workers.extract_in_worker(
            _story(number), f"http://127.0.0.1/{number}.html", selectors=None, content_type=None
        )
        assert "<p>" in article.body_html
    assert _vector_to_add.cache_info().currsize == 0


def _loaded_in_each_worker(pool: ExtractionPool) -> dict[int, bool]:
    # Two calls at once from two threads, so that each worker takes one.
    with ThreadPoolExecutor(2) as threads:
        calls = [threads.submit(pool.run, "check", slow_extract.extractor_loaded) for _ in "ab"]
        return dict(call.result() for call in calls)


@pytest.mark.parametrize("warm", [True, False])
def test_warm_starts_every_worker_with_the_extractor_imported(warm: bool) -> None:
    pool = ExtractionPool(workers=2)
    try:
        if warm:
            pool.warm()
        seen = _loaded_in_each_worker(pool)
    finally:
        pool.close()
    # Warmed, every worker that answers has trafilatura already; a cold worker has not.
    assert set(seen.values()) == {warm}


def test_a_worker_making_feed_text_posts_does_not_import_the_pipeline() -> None:
    # Worker processes run entry_posts.feed_posts: they need the post format, not the
    # orchestration (and its imports) of pipeline.py.
    from datetime import UTC, datetime

    from support import worker_modules

    from rssarchive.core.models import Entry, FeedConfig

    feed = FeedConfig(name="News", url="http://127.0.0.1/feed.xml", content="feed")
    entry = Entry(title="One", link="http://127.0.0.1/1.html", content="<p>Text.</p>")
    pool = ExtractionPool(workers=1)
    try:
        posts, modules = pool.run(
            "feed posts",
            worker_modules.feed_posts_and_modules,
            [(feed, entry, "feed")],
            datetime(2025, 1, 1, tzinfo=UTC),
        )
    finally:
        pool.close()
    assert posts[0].title == "One"
    assert "rssarchive.publish.entry_posts" in modules
    assert "rssarchive.run.pipeline" not in modules
