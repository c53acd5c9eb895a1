"""The one table of exit codes (cli.EXIT_CODES): each error's code, a subclass taking
its nearest mapped class's. The end-to-end tests check the codes the real CLI exits
with (75 locked, 141 closed stdout, 130/143 signals); this is the table itself."""

from __future__ import annotations

import signal

import pytest

from rssarchive.cli import exit_code
from rssarchive.core.errors import (
    ConfigError,
    FetchError,
    LockedError,
    LockFileError,
    NewerStateError,
    OutputError,
    RssArchiveError,
    StateError,
    UsageError,
    WriteError,
)
from rssarchive.run.signals import Interrupted


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (LockedError("locked"), 75),
        (ConfigError("bad config"), 2),
        (UsageError("bad usage"), 2),
        (NewerStateError("newer schema"), 2),
        (OutputError("stdout full"), 1),
        (StateError("cannot write the state"), 1),  # NewerStateError's parent: not 2
        (WriteError("disk full"), 1),
        (WriteError("no free file name in _posts", url="https://example.org/a"), 1),
        (LockFileError("/site/.rssarchive/run.lock", "cannot create lock file"), 1),
        (FetchError("https://example.org/feed", "refused"), 1),
        (RssArchiveError("anything else"), 1),
        (BrokenPipeError(), 141),
        (Interrupted(signal.SIGINT), 130),
        (Interrupted(signal.SIGTERM), 143),
    ],
)
def test_each_error_ends_with_its_code(error: BaseException, code: int) -> None:
    assert exit_code(error) == code
