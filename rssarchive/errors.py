"""One exception root for everything the user may see.

Every error carries a message that reads well on one line; foreign exceptions are
wrapped where they enter (``raise FetchError(...) from exc``) so that the CLI can
map them to exit codes in one place.
"""

from __future__ import annotations


class RssArchiveError(Exception):
    """Root of all rssarchive errors; ``str(err)`` is the user-facing message."""


class ConfigError(RssArchiveError):
    """The configuration file is missing, unreadable or invalid (exit code 2)."""


class UsageError(RssArchiveError):
    """The command line asks for something that cannot be done (exit code 2)."""


class LockedError(RssArchiveError):
    """Another run holds the lock (exit code 75)."""


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
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.status = status
        # Seconds the server asked us to wait (429/503 Retry-After), already capped.
        self.retry_after = retry_after
        # Trying again later cannot help (too large, a redirect that leads nowhere),
        # though no 4xx status says so.
        self.permanent = permanent


class BlockedAddressError(FetchError):
    """The URL's scheme or resolved address is not allowed by the network policy."""


class NotAdmittedError(FetchError):
    """Nothing was sent: the caller's ``admit`` hook refused the request when its turn
    at the host came (http.HttpClient.get); the caller's decision, not the site's."""


class ParseError(RssArchiveError):
    """A feed could not be parsed into entries."""


class ExtractError(RssArchiveError):
    """No article body could be extracted from a page or a feed item."""


class WriteError(RssArchiveError):
    """A post could not be written to the archive (disk full, read-only, ...)."""


class StateError(RssArchiveError):
    """The state database cannot be opened or updated."""


class NewerStateError(StateError):
    """The state database was written by a newer rssarchive (exit code 2)."""


class OutputError(RssArchiveError):
    """Standard output cannot be written (a log on a full disk); exit code 1."""
