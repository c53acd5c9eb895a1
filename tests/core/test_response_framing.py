"""Response.close_delimited: whether only the connection's end ended a body (look16f
s55), read by decide.cut_off."""

from __future__ import annotations

import pytest

from rssarchive.core.models import Response


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, True),
        ({"content-type": "text/html", "connection": "close"}, True),
        ({"content-length": "120"}, False),
        ({"transfer-encoding": "chunked"}, False),
        ({"transfer-encoding": "gzip, Chunked"}, False),
    ],
)
def test_close_delimited(headers: dict[str, str], expected: bool) -> None:
    response = Response(url="https://x.test/a", status=200, headers=headers, content=b"")
    assert response.close_delimited is expected
