"""One exception root for everything the user may see.

Every error carries a message that reads well on one line; foreign exceptions are
wrapped where they enter (``raise FetchError(...) from exc``) so that the CLI can
map them to exit codes in one place.

An error about one item (a feed, a page, an image) carries its URL once, in ``url``,
apart from ``reason``; ``str(err)`` is ``"URL: reason"``. A line that names the URL
itself prints :func:`reason_of` beside it, not ``str(err)``.

Errors cross the boundary of the worker processes, pickled: every one of them
unpickles to an equal one (same type, args, message and attributes), whatever its
``__init__`` takes (see ``RssArchiveError.__reduce__``).
"""

from __future__ import annotations

from typing import Any


def _rebuilt(cls: type[RssArchiveError], args: tuple[Any, ...], state: dict[str, Any]) -> Any:
    error = cls.__new__(cls, *args)
    error.args = args
    error.__dict__.update(state)
    return error


class RssArchiveError(Exception):
    """Root of all rssarchive errors; ``str(err)`` is the user-facing message."""

    # The URL the error is about, for an error about one item; None otherwise.
    url: str | None = None

    def __reduce__(self) -> tuple[Any, ...]:
        # Exception's own pickling calls ``cls(*self.args)``, which fails for an error
        # whose __init__ takes other arguments than its message (FetchError: url, reason,
        # keywords); this rebuilds the instance without calling __init__ at all.
        return (_rebuilt, (type(self), self.args, dict(self.__dict__)))

    def __eq__(self, other: object) -> bool:
        # Equal by value, so that an error that crossed a process boundary pickled is
        # ``==`` to the one raised (Exception's own equality is identity): the same type,
        # args and attributes (url, reason, status ...); not the traceback or the cause.
        if not isinstance(other, RssArchiveError):
            return NotImplemented
        return type(self) is type(other) and (self.args, vars(self)) == (
            other.args,
            vars(other),
        )

    def __hash__(self) -> int:
        # Consistent with __eq__: equal errors have equal type and args.
        return hash((type(self), repr(self.args)))


class ConfigError(RssArchiveError):
    """The configuration file is missing, unreadable or invalid (exit code 2)."""


class UsageError(RssArchiveError):
    """The command line asks for something that cannot be done (exit code 2)."""


class LockedError(RssArchiveError):
    """Another run holds the lock (exit code 75)."""


class LockFileError(RssArchiveError):
    """A lock file cannot be created or opened (a read-only site, a directory in its
    place): the run cannot start (exit code 1), unlike LockedError, where another run
    holds it. ``path``: the lock file, once; ``str(err)`` is ``"PATH: reason"``."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class FetchError(RssArchiveError):
    """A URL could not be fetched: network failure, refused address, bad status, caps."""

    def __init__(
        self,
        url: str,
        reason: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
        permanent: bool = False,
    ) -> None:
        super().__init__(reason)
        self.url = url
        self.reason = reason
        self.status = status
        # Seconds the server asked us to wait (429/503 Retry-After), already capped.
        self.retry_after = retry_after
        # Trying again later cannot help (too large, a redirect that leads nowhere),
        # though no 4xx status says so.
        self.permanent = permanent

    def __str__(self) -> str:
        # Made when asked, as _DocumentError's: a URL set later is the one said.
        return f"{self.url}: {self.reason}"


class NotTheArticleError(FetchError):
    """A fetched page judged no article (a wall, a soft 404, a teaser: decide.not_the_article),
    a failed attempt retried later; it keeps the page's article, archived as it is when
    the attempts run out (decide.archived_as_is): a judgement may delay an article, never
    lose it."""

    def __init__(self, url: str, reason: str, article: object) -> None:
        super().__init__(url, reason)
        self.article = article  # the extracted Article (object: errors import nothing)


class BlockedAddressError(FetchError):
    """The URL's scheme or resolved address is not allowed by the network policy."""


class TooLargeError(FetchError):
    """The response is larger than the cap of what was fetched (core/caps.py): the
    download stopped there. Permanent: the server will send the same again."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(url, reason, permanent=True)


class NotAdmittedError(FetchError):
    """Nothing was sent: the caller's ``admit`` hook refused the request when its turn
    at the host came (http.HttpClient.get); the caller's decision, not the site's."""


class _DocumentError(RssArchiveError):
    """An error about one document whose URL its raiser may not know: ``reason`` is
    the message, ``url`` is filled in when known (by the raiser, or later by a caller
    that has it), and ``str(err)`` is ``"URL: reason"`` once it is. The shared body of
    ParseError and ExtractError, which stay separate types: a feed that is not one and
    a page without an article are decided and reported differently."""

    def __init__(self, reason: str, *, url: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.url = url

    def __str__(self) -> str:
        return f"{self.url}: {self.reason}" if self.url else self.reason


class ParseError(_DocumentError):
    """A feed could not be parsed into entries.

    ``url``: the document, when known (the parser is given bytes; the pipeline fills it
    in, so that ``failed: feed NAME: URL: not a feed (…)`` reads as a fetch's failure).
    """


class ExtractError(_DocumentError):
    """No article body could be extracted from a page or a feed item.

    ``url``: the page or item, when known (extract_article and article_from_feed fill it
    in for the errors of their steps, which do not know it).
    """


class UnexpectedError(ExtractError):
    """An exception no step expected (a bug of ours or a library's) while one article
    was made. That article fails, said with its URL, and later runs try it again (it is
    not permanent, see decide.permanent); the run and the other articles go on. The
    traceback is logged for ``-v``."""


# Long enough for a library's message, short enough for one line.
_UNEXPECTED_CHARS = 200


def unexpected(exc: Exception, url: str | None) -> UnexpectedError:
    """``exc``, raised while the article at ``url`` was made, as that article's failure."""
    message = " ".join(str(exc).split())[:_UNEXPECTED_CHARS]
    reason = f"unexpected error ({type(exc).__name__}{': ' + message if message else ''})"
    return UnexpectedError(reason, url=url)


class WriteError(RssArchiveError):
    """A post could not be written to the archive (disk full, read-only, ...).

    What it is about, once: ``url``, the article whose post it is (no free file name
    for it), or ``path``, the file or folder that could not be written; ``str(err)`` is
    ``"URL: reason"`` or ``"PATH: reason"``, else ``reason``. Not a per-item error: it
    stops the run, so its one line is ``str(err)`` (reason_of keeps it whole)."""

    def __init__(self, reason: str, *, url: str | None = None, path: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.url = url
        self.path = path

    def __str__(self) -> str:
        about = self.url or self.path
        return f"{about}: {self.reason}" if about else self.reason


class StateError(RssArchiveError):
    """The state database cannot be opened or updated."""


class NewerStateError(StateError):
    """The state database was written by a newer rssarchive (exit code 2)."""


class OutputError(RssArchiveError):
    """Standard output cannot be written (a log on a full disk); exit code 1."""


def reason_of(exc: RssArchiveError) -> str:
    """What went wrong, without the URL: for a line that names the URL itself."""
    return exc.reason if isinstance(exc, FetchError | ExtractError | ParseError) else str(exc)
