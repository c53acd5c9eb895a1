"""A writing command's session: the site's and the state's locks, the pipeline built
under them, and what a run that stops leaves behind (its staged files removed, its
failure recorded for status).

Moved out of cli.py (issue 18): ``run``, ``backfill`` and ``recheck`` each enter
``_session``; the command line only maps what it raises to an exit code.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rssarchive.core import decide
from rssarchive.core.errors import ConfigError, LockedError, LockFileError, RssArchiveError
from rssarchive.run import printing

if TYPE_CHECKING:
    from rssarchive.core.models import Config
    from rssarchive.publish.posts import Posts
    from rssarchive.publish.postsinuse import PostsInUse
    from rssarchive.run.pipeline import Pipeline


# glibc's mallopt parameter for the number of malloc arenas (malloc.h).
_M_ARENA_MAX = -8
MALLOC_ARENAS = 2


def fewer_malloc_arenas() -> bool:
    """Cap glibc's malloc arenas before the fetch threads start; False where it does not
    apply (another C library, or no mallopt).

    glibc gives a thread that finds the heap busy an arena of its own, up to 8 per core,
    and each arena keeps room for the largest pages it ever held: over a 10,000-page
    backfill the parent grew from 49 to 73 MB that way, and to 62 MB with two arenas, at
    no measurable cost in time (the threads take turns on the GIL anyway).
    """
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(_M_ARENA_MAX, MALLOC_ARENAS))


@contextlib.contextmanager
def _session(
    config: Config, now: datetime | None, *, dry_run: bool, show_progress: bool
) -> Iterator[Pipeline]:
    from rssarchive.net.http import HttpClient
    from rssarchive.publish.posts import Posts
    from rssarchive.publish.postsinuse import PostsInUse
    from rssarchive.run.pipeline import Pipeline
    from rssarchive.store.siteid import check_site
    from rssarchive.store.state import State

    def clock() -> datetime:
        return now if now is not None else datetime.now(UTC)

    fewer_malloc_arenas()
    with contextlib.ExitStack() as stack:
        if not dry_run:
            # One run per site, whatever its state path (two configs may share a
            # site_dir), and one per state database, whatever its site.
            try:
                stack.enter_context(_lock(site_lock_path(config.site_dir)))
            except RssArchiveError as exc:  # the site is read-only, or its disk is gone
                if decide.records_run_failure(exc):  # not another run's lock
                    _record_site_failure(config, exc, clock())
                raise
            # From here on a run that stops on an error records it beside the site's
            # lock too (store/runfailure.py): the state may be what cannot be written.
            stack.enter_context(_failure_recorded(config, clock))
            stack.enter_context(_lock(state_lock_path(config)))
        archive = Posts(config.site_dir)
        posts = PostsInUse(archive.posts_dir)
        if not dry_run:
            # Held while the run may stage posts: another site sharing this _posts
            # leaves its staged files alone (publish/postsinuse.py).
            stack.enter_context(posts)
            # First, before the state is opened: a run that stops on opening it (a
            # full disk, a corrupt copy) still frees what a killed run had staged.
            _remove_temp_files(config, archive, posts)
        state = State.open(config.state_path, readonly=dry_run)
        try:
            check_site(state, config.site_dir, claim=not dry_run)
        except ConfigError:
            if state.restored_from is None or dry_run:
                state.close()
                raise
            # Restored from another site's copy (a .backup copied here by hand): that
            # is no state of this site; rebuilt from its posts instead (look16c F9).
            state = state.without_foreign_copy()
        stack.callback(state.close)
        if state.foreign_copy is not None:
            check_site(state, config.site_dir, claim=True)  # a new database: this site's
        if not dry_run:
            posts.hold()
        client = stack.enter_context(HttpClient(config.network))
        progress = printing.ProgressBar()
        stack.callback(progress.finish)
        try:
            yield Pipeline(
                config=config,
                client=client,
                state=state,
                archive=archive,
                clock=clock,
                dry_run=dry_run,
                progress=progress if show_progress else None,
            )
        except BaseException:
            if not dry_run:
                _remove_temp_files(config, archive, posts)
            raise


@contextlib.contextmanager
def _failure_recorded(config: Config, clock: Callable[[], datetime]) -> Iterator[None]:
    """A run (under the site's lock) that stops on an error leaves a record of it that
    status reads, even when its state database cannot be opened or written; one that
    ends without one clears it. Ctrl-C, SIGTERM and a newer schema are no failure of
    the archive (nothing is recorded, nothing cleared)."""
    from rssarchive.store.runfailure import clear_failure, record_failure

    try:
        yield
    except RssArchiveError as exc:
        if decide.records_run_failure(exc):
            record_failure(config.site_dir, str(exc), clock())
        raise
    clear_failure(config.site_dir)


def _record_site_failure(config: Config, exc: RssArchiveError, now: datetime) -> None:
    """A run that cannot even take the site's lock still fails every feed, so that
    status says FAILING and why (the state may well be writable, elsewhere). Only under
    the state's own lock, taken after the site's as every run does; when another run
    holds it, or the state cannot be opened, nothing is recorded (the error is still
    printed)."""
    from rssarchive.run.pipeline import record_run_failure
    from rssarchive.store.state import State

    with contextlib.suppress(RssArchiveError), _lock(state_lock_path(config)):
        state = State.open(config.state_path)
        try:
            record_run_failure(state, config.feeds, str(exc), now)
        finally:
            state.close()


def state_lock_path(config: Config) -> Path:
    return config.state_path.with_name(config.state_path.name + ".lock")


def _remove_temp_files(config: Config, archive: Posts, posts: PostsInUse) -> None:
    """The files a run staged and will never place: a killed run's (removed when the
    next run takes the site lock), or this run's after it stopped on an error (a full
    disk …), Ctrl-C or SIGTERM. Left there, they would hold space on a disk that may be
    full already. Only under the site lock, so every temporary file in the site is
    this run's or a dead run's: its threads have all ended (the pipeline waits for
    them), and no other run can be staging -- in this site: a _posts shared with another
    site (a symlink) is swept only when no other live run uses it (PostsInUse)."""
    posts.sweep(archive.remove_stray_temp_files)
    from rssarchive.publish.versions import Versions

    Versions(config.site_dir).remove_temp_files()  # the versions and pages of changes
    if any(decide.images_local(feed.images) for feed in config.feeds):
        from rssarchive.publish.images import ImageStore

        ImageStore(config.site_dir).remove_temp_files()


# The site's lock, in the dot-directory Jekyll never publishes (where the state lives by
# default). Held by every run that writes, so that only one run at a time stages,
# places and cleans up files in the site: removing stray temporary files at the start
# of a run (archive.remove_stray_temp_files) is safe only because no other run can own
# any of them.
SITE_LOCK = ".rssarchive/run.lock"


def site_lock_path(site_dir: Path) -> Path:
    return site_dir / SITE_LOCK


@contextlib.contextmanager
def _lock(lock_path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``lock_path`` for the whole run."""
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        reason = f"cannot create lock file ({exc.strerror})"
        raise LockFileError(str(lock_path), reason) from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise LockedError(f"another rssarchive run holds {lock_path}; nothing done") from exc
        yield
    finally:
        os.close(fd)
