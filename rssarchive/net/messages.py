"""HTTP messages between the client and httpcore: a request built from a checked URL,
a response's header fields, one fetch's cookies, a redirect stub's target."""

from __future__ import annotations

from collections.abc import Callable

import httpcore
import httpx

from rssarchive.core.errors import FetchError
from rssarchive.core.stubs import STUB_PAGE_BYTES, redirect_stub


def request(
    target: httpx.URL, headers: list[tuple[str, str]], jar: Jar | None = None
) -> httpcore.Request:
    """A GET of ``target`` (the URL ``addresses.check_url`` returned, parsed once) with
    ``headers`` after its Host, and the jar's cookies for it."""
    # Values are sent as UTF-8, which gives back byte for byte what fields() read from
    # a server (ASCII in nearly every header; UTF-8 when not).
    fields = [(b"Host", target.netloc)]
    fields += [(name.encode(), value.encode()) for name, value in headers]
    cookie = jar.header(target) if jar is not None else None
    if cookie is not None:
        fields.append((b"Cookie", cookie))
    where = httpcore.URL(
        scheme=target.raw_scheme, host=target.raw_host, port=target.port, target=target.raw_path
    )
    return httpcore.Request(b"GET", where, headers=fields)


def fields(raw: list[tuple[bytes, bytes]]) -> dict[str, str]:
    """Response headers by lower-case name; a repeated one joined with ", " (RFC 9110,
    5.3). Values are UTF-8 when they decode as such, else Latin-1 (as httpx read them)."""
    found: dict[str, str] = {}
    for name, value in raw:
        key = name.decode("latin-1").lower()
        try:
            text = value.decode()
        except UnicodeDecodeError:
            text = value.decode("latin-1")
        found[key] = f"{found[key]}, {text}" if key in found else text
    return found


class Jar:
    """One fetch's cookies (a consent page sets one and redirects to the article). It is
    httpx's jar, fed through throwaway httpx messages, made at the first Set-Cookie:
    most fetches have none and pay nothing for it."""

    def __init__(self) -> None:
        self._jar: httpx.Cookies | None = None

    def header(self, url: httpx.URL) -> bytes | None:
        if not self._jar:
            return None
        request = httpx.Request("GET", url)
        self._jar.set_cookie_header(request)
        return next((v for k, v in request.headers.raw if k.lower() == b"cookie"), None)

    def store(self, url: httpx.URL, response: httpcore.Response) -> None:
        if self._jar is None:
            self._jar = httpx.Cookies()
        message = httpx.Response(
            response.status, headers=response.headers, request=httpx.Request("GET", url)
        )
        self._jar.extract_cookies(message)


def stub_target(
    url: str, target: httpx.URL, fields: dict[str, str], content: bytes, at: Callable[[str], str]
) -> str | None:
    """Where a 200's HTML body, a redirect stub (core/stubs.py), sends, resolved
    against its URL; None for any other body."""
    kind = fields.get("content-type", "").lower()
    if "html" not in kind or len(content) > STUB_PAGE_BYTES:
        return None
    found = redirect_stub(content.decode("utf-8", errors="replace"))
    if found is None:
        return None
    try:
        to = str(target.join(found))
    except httpx.InvalidURL as exc:
        raise FetchError(url, at(f"invalid redirect stub ({exc})"), permanent=True) from exc
    return to
