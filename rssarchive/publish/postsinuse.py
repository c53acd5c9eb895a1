"""Which runs use a ``_posts`` directory: its sweep of temporary files spares live runs'.

The site's lock makes one run at a time stage posts in a site. But two sites may share
one ``_posts`` (a symlink: an English and a Chinese config publishing into one Jekyll
tree); their site locks differ, so both run, and one run's sweep of a killed run's
temporary files (``Posts.remove_stray_temp_files``) would delete the other's staged
posts. So every writing run holds a shared ``flock`` on the ``_posts`` directory itself
(its inode: whatever path leads to it) while it may stage there, and sweeps only when
it can take that lock exclusively, that is when no other live run holds it. A killed
run's lock went with its process; its files go at the first sweep that finds the
directory unused (with one site, every run's).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Callable
from pathlib import Path
from types import TracebackType


class PostsInUse:
    """This run's hold on ``posts_dir`` (a context manager; see the module doc)."""

    def __init__(self, posts_dir: Path) -> None:
        self.posts_dir = posts_dir
        self._fd: int | None = None

    def __enter__(self) -> PostsInUse:
        return self

    def hold(self) -> None:
        """Hold the directory (shared) if not yet: made first when a new site has none,
        so that the hold covers the first post it stages. Called once the run is sure
        to be this site's (a refused run creates nothing)."""
        if self._fd is not None:
            return
        with contextlib.suppress(OSError):  # read-only: the run says why when it stages
            self.posts_dir.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(self.posts_dir, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            return
        self._fd = fd
        fcntl.flock(fd, fcntl.LOCK_SH)

    def sweep(self, remove: Callable[[], object]) -> bool:
        """Call ``remove`` (the sweep) only when no other live run holds the directory,
        then hold it (shared) again. True when it was called."""
        self._release()
        try:
            fd = os.open(self.posts_dir, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            remove()  # no directory yet (hold makes it), or none we may open
            return True
        self._fd = fd
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            alone = False
        else:
            alone = True
            remove()
        # Shared from now on: the others' sweeps wait for this run to end. (Only a
        # sweep holds it exclusively, for a moment, so this waits no longer.)
        fcntl.flock(fd, fcntl.LOCK_SH)
        return alone

    def _release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._release()
