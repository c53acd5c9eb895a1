"""Ctrl-C and SIGTERM while a command runs: every request cancelled, the run unwound.

Moved out of cli.py (issue 18): the command line enters ``_stopped_by_signals`` around
a command and maps ``Interrupted`` to its exit code (128 + the signal).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator


class Interrupted(KeyboardInterrupt):
    """Ctrl-C (SIGINT) or SIGTERM: the run stops where it is; exit 128 + the signal.

    A KeyboardInterrupt, so that it passes every ``except Exception`` on its way out
    and each ``with``/``finally`` on the way cleans up: the batch of posts already
    placed is recorded, staged temporary files are removed (see session._session).
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    def __str__(self) -> str:
        return "interrupted" if self.signum == signal.SIGINT else "terminated (SIGTERM)"


@contextlib.contextmanager
def _stopped_by_signals() -> Iterator[None]:
    """While a command runs, SIGINT and SIGTERM stop it within moments: every request in
    flight, stalled or not, is cancelled at once (http.cancel_requests), then
    Interrupted is raised in the main thread, which unwinds the run. A second signal
    while that cleanup runs ends the process at once."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers (in-process callers, tests)
        return
    stopping: list[int] = []

    def handler(signum: int, frame: object) -> None:
        http = sys.modules.get("rssarchive.net.http")
        if stopping:
            # os.write, not print: the main thread may be inside a write to stderr.
            os.write(2, f"rssarchive: {Interrupted(signum)} again; stopped at once\n".encode())
            os._exit(128 + signum)
        stopping.append(signum)
        if http is not None:  # not imported yet: no request to cancel
            http.cancel_requests()
        raise Interrupted(signum)

    http = sys.modules.get("rssarchive.net.http")
    if http is not None:
        http.allow_requests()  # a new run in this process (tests): not cancelled
    previous = {
        sig: signal.signal(sig, handler)
        for sig in (signal.SIGINT, signal.SIGTERM)
        # Ignored by whoever started us (a background job of a script ignores SIGINT):
        # it stays ignored.
        if signal.getsignal(sig) is not signal.SIG_IGN
    }
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
