"""Whether one failed request is tried again at once (decide.retry_now, which net/http.py's
retry predicate asks), beside whether a failure is worth another run (decide.permanent):
one table each, and the two agree (review 18 M1)."""

from __future__ import annotations

from typing import Any

import pytest

from rssarchive.core import decide
from rssarchive.core.errors import FetchError
from rssarchive.net.http import _Transient, _worth_another_try

URL = "https://example.com/a"


def row(*values: Any, id: str) -> Any:
    return pytest.param(*values, id=id)


@pytest.mark.parametrize(
    ("status", "retry_after", "budget_spent", "now"),
    [
        row(500, None, False, True, id="500: a restart, tried again"),
        row(502, None, False, True, id="502: a proxy, tried again"),
        row(503, None, False, True, id="503 without Retry-After: tried again"),
        row(504, None, False, True, id="504: tried again"),
        row(503, 120.0, False, False, id="503 with Retry-After: its time, not now"),
        row(503, 0.0, False, False, id="503 with Retry-After 0: named all the same"),
        row(429, 60.0, False, False, id="429 with Retry-After: not now"),
        row(429, None, False, False, id="429 without: not hammered"),
        row(501, None, False, False, id="501: not implemented stays so"),
        row(404, None, False, False, id="404: not now"),
        row(403, None, False, False, id="403: not now"),
        row(None, None, False, True, id="no answer (a reset, a timeout): tried again"),
        row(None, None, True, False, id="timed out with the whole budget: not again"),
        row(500, None, True, False, id="the budget spent: not again whatever the status"),
    ],
)
def test_retry_now(
    status: int | None, retry_after: float | None, budget_spent: bool, now: bool
) -> None:
    assert decide.retry_now(status, retry_after, budget_spent) is now


@pytest.mark.parametrize("retry_after", [None, 30.0])
@pytest.mark.parametrize("status", range(400, 600))
def test_nothing_tried_again_now_is_given_up_for_good(
    status: int, retry_after: float | None
) -> None:
    """What a request tries again at once, a later run tries again too: the two
    classifiers agree (a 503 with Retry-After is not retried now and not permanent)."""
    error = FetchError(URL, f"HTTP {status}", status=status, retry_after=retry_after)
    if decide.retry_now(status, retry_after, budget_spent=False):
        assert not decide.permanent(error)
    if status >= 500:
        assert not decide.permanent(error)


@pytest.mark.parametrize(
    ("exc", "again"),
    [
        row(_Transient(FetchError(URL, "HTTP 500", status=500)), True, id="500"),
        row(_Transient(FetchError(URL, "HTTP 503", status=503, retry_after=5.0)), False,
            id="503 with Retry-After"),
        row(_Transient(FetchError(URL, "HTTP 404", status=404)), False, id="404"),
        row(_Transient(FetchError(URL, "connection reset")), True, id="a reset"),
        row(_Transient(FetchError(URL, "timed out after 1 s"), budget_spent=True), False,
            id="the budget spent"),
        row(FetchError(URL, "TLS certificate verification failed"), False,
            id="not a failure that may pass"),
    ],
)  # fmt: skip
def test_the_http_clients_retry_predicate_asks_retry_now(exc: BaseException, again: bool) -> None:
    assert _worth_another_try(exc) is again
