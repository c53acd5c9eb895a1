"""The command line: parse arguments, build the pipeline, print, map errors to exit codes.

Heavy modules (httpx, trafilatura, feedparser) are imported only when a command runs, so
``rssarchive --help`` stays fast.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import io
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rssarchive.core.errors import (
    ConfigError,
    LockedError,
    NewerStateError,
    OutputError,
    RssArchiveError,
    UsageError,
)
from rssarchive.run import output

if TYPE_CHECKING:
    from rssarchive.core.models import Config
    from rssarchive.publish.archive import Archive
    from rssarchive.publish.postsinuse import PostsInUse
    from rssarchive.run.pipeline import Pipeline
    from rssarchive.run.report import RunReport

EXIT_OK = 0
EXIT_FAILED = 1  # some feed or article failed; the rest was archived
EXIT_USAGE = 2  # bad usage or config, or a state database from a newer rssarchive
EXIT_LOCKED = 75  # EX_TEMPFAIL: another run holds the lock; try again later

log = logging.getLogger("rssarchive")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rssarchive",
        description="Archive news feeds as Jekyll posts.",
        epilog="Exit codes: 0 all done, 1 some feed or article failed, 2 bad usage or "
        "config, 75 another run holds the lock, 130 Ctrl-C, 141 stdout closed (| head), "
        "143 SIGTERM.",
    )
    parser.add_argument(
        "--config",
        type=Path,
        default=Path("config.yaml"),
        help="config file (default: ./config.yaml)",
    )
    parser.add_argument(
        "-v", "--verbose", action="count", default=0, help="say more; -v also shows tracebacks"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    run = sub.add_parser("run", help="poll every configured feed and archive new items")
    run.add_argument(
        "--now",
        default=None,
        help="fix the clock (ISO 8601, e.g. 2024-07-24T01:45:53.725Z)",
    )
    run.add_argument(
        "--dry-run", action="store_true", help="write nothing; say what would be written"
    )

    back = sub.add_parser("backfill", help="archive the given article URLs")
    back.add_argument("urls", nargs="*", metavar="URL", help="article URLs")
    back.add_argument(
        "--feed",
        default=None,
        help="feed whose name/author/tags apply (default: same host, else first)",
    )
    back.add_argument(
        "--from-file",
        type=Path,
        default=None,
        help="read more URLs from FILE, one per line ('-' for stdin)",
    )
    back.add_argument(
        "--sitemap",
        action="append",
        default=[],
        metavar="URL",
        help="archive the articles of this sitemap or sitemap index (repeatable)",
    )
    back.add_argument(
        "--since",
        type=_parse_since,
        default=None,
        help="with --sitemap: only entries from DATE on (e.g. 2024-07)",
    )
    back.add_argument(
        "--until",
        type=_parse_until,
        default=None,
        help="with --sitemap: only entries up to DATE, that whole day or month included",
    )
    back.add_argument(
        "--archives",
        action="store_true",
        help="also archive the feeds' RFC 5005 archive pages (prev-archive links)",
    )
    back.add_argument("--now", default=None, help=argparse.SUPPRESS)

    recheck = sub.add_parser(
        "recheck", help="check archived articles again for edits and deletions (when due)"
    )
    recheck.add_argument("--now", default=None, help="fix the clock (ISO 8601)")

    status = sub.add_parser("status", help="show each feed's health and the archive's size")
    for command in (run, back, recheck, status):
        command.add_argument(
            "--json", action="store_true", help="print a JSON document instead of text"
        )
    return parser


# The clock --now may set: no earlier than the earliest date believed (pagedates), so
# that a post's file name is a real day; well before year 9999, so that the ages added
# to it (re-checks, retries) stay dates.
EARLIEST_NOW = datetime(1990, 1, 1, tzinfo=UTC)
LATEST_NOW = datetime(9000, 1, 1, tzinfo=UTC)


def _parse_now(text: str) -> datetime:
    """--now, checked after argparse (a UsageError: one line, and with --json a JSON
    document, as for every other usage error the commands find)."""
    from rssarchive.core.dates import parse_iso

    moment = parse_iso(text)
    if moment is None:
        raise UsageError(f"--now: not an ISO 8601 time: {text!r}")
    if not EARLIEST_NOW <= moment < LATEST_NOW:
        raise UsageError(f"--now: must be from 1990 to 8999: {text!r}")
    return moment


def _parse_since(text: str) -> datetime:
    return _w3c_date(text, end_of_period=False)


def _parse_until(text: str) -> datetime:
    return _w3c_date(text, end_of_period=True)


def _w3c_date(text: str, *, end_of_period: bool) -> datetime:
    from rssarchive.core.dates import parse_w3c_datetime

    moment = parse_w3c_datetime(text, end_of_period=end_of_period)
    if moment is None:
        raise argparse.ArgumentTypeError(f"not a date (YYYY, YYYY-MM, YYYY-MM-DD …): {text!r}")
    return moment


# What a program killed by SIGPIPE exits with in a shell (128 + 13): ``rssarchive status
# --json | head -1`` ends as ``yes | head -1`` does, quietly, its reader having gone.
EXIT_PIPE_CLOSED = 128 + signal.SIGPIPE


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; the one place where what is printed and how it ends meet.

    A closed stdout (its reader exited: ``| head``) ends the command quietly with
    EXIT_PIPE_CLOSED; a stdout that cannot be written (``>> log`` on a full disk) is one
    line on stderr naming the cause, exit 1. Never a traceback.
    """
    _stderr_if_closed()
    try:
        code = _main(argv)
        with _stdout():  # found here, not by the interpreter's last flush at exit
            sys.stdout.flush()
    except BrokenPipeError:
        _stdout_to_null()
        return EXIT_PIPE_CLOSED
    except OutputError as exc:
        _stdout_to_null()
        with contextlib.suppress(OSError):  # stderr may be on the same full disk
            print(f"rssarchive: {exc}", file=sys.stderr, flush=True)
        return EXIT_FAILED
    return code


def _stderr_if_closed() -> None:
    """Started with standard error closed (``2>&-``), Python's sys.stderr is None: what
    would be said there goes to /dev/null instead, and the run goes on. Descriptor 2
    is opened too, so that no file the run opens (the state database) gets it and
    receives what a library writes to standard error."""
    if sys.stderr is not None:
        return
    null = os.open(os.devnull, os.O_WRONLY)
    if null != 2:
        os.dup2(null, 2)
        os.close(null)
    sys.stderr = open(2, "w", encoding="utf-8", errors="backslashreplace", closefd=False)  # noqa: SIM115


@contextlib.contextmanager
def _stdout() -> Iterator[None]:
    """Writes to stdout inside: an OSError other than a closed pipe is an OutputError."""
    try:
        yield
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise OutputError(f"cannot write to standard output ({exc.strerror or exc})") from exc


def _stdout_to_null() -> None:
    """Point stdout at /dev/null: what is left in its buffer goes nowhere when Python
    exits, instead of raising again there ("Exception ignored ... BrokenPipeError")."""
    with contextlib.suppress(OSError, ValueError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    # Default: warnings and the report; -v: each retry and skipped item; -vv: debug.
    level = {0: logging.WARNING, 1: logging.INFO}.get(args.verbose, logging.DEBUG)
    if args.quiet:
        level = logging.ERROR
    logging.basicConfig(level=level, format="%(message)s", stream=sys.stderr)
    if args.verbose >= 2:
        # The extractors' own logs (quiet by default, see trafilatura_adapter.quiet_extractor_logs).
        from rssarchive.extract.trafilatura_adapter import EXTRACTOR_LOGGERS

        for name in EXTRACTOR_LOGGERS:
            logging.getLogger(name).setLevel(logging.DEBUG)
    # The posts a run or backfill wrote before it stopped (Ctrl-C, a full disk).
    written: list[str] = []
    stopped = written if args.command in ("run", "backfill") else None
    try:
        if getattr(args, "now", None) is not None:
            args.now = _parse_now(args.now)
        if args.command == "status":
            return _status(args)
        if args.command == "recheck":
            with _stopped_by_signals():
                return _recheck(args)
        with _stopped_by_signals():
            report = _dispatch(args, written)
    except Interrupted as exc:
        return _fail(args, exc, 128 + exc.signum, written=stopped)
    except LockedError as exc:
        return _fail(args, exc, EXIT_LOCKED)
    except (ConfigError, UsageError, NewerStateError) as exc:
        return _fail(args, exc, EXIT_USAGE)
    except OutputError:
        raise  # stdout itself is what failed: main says so on stderr
    except RssArchiveError as exc:
        if args.verbose:
            log.exception("rssarchive: %s", exc)
        return _fail(args, exc, EXIT_FAILED, printed=bool(args.verbose), written=stopped)
    except KeyboardInterrupt:  # before the handlers were in place, or in status
        return _fail(args, Interrupted(signal.SIGINT), 128 + signal.SIGINT, written=stopped)
    code = EXIT_OK if report.ok else EXIT_FAILED
    with _stdout():
        if args.json:
            output.print_report(report, io.StringIO(), sys.stderr, quiet=True)
            output.print_json(output.report_json(report, code), sys.stdout)
        else:
            output.print_report(report, sys.stdout, sys.stderr, quiet=args.quiet)
    return code


class Interrupted(KeyboardInterrupt):
    """Ctrl-C (SIGINT) or SIGTERM: the run stops where it is; exit 128 + the signal.

    A KeyboardInterrupt, so that it passes every ``except Exception`` on its way out
    and each ``with``/``finally`` on the way cleans up: the batch of posts already
    placed is recorded, staged temporary files are removed (see _session).
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


def _fail(
    args: argparse.Namespace,
    exc: BaseException,
    code: int,
    *,
    printed: bool = False,
    written: list[str] | None = None,
) -> int:
    """One line on stderr (unless -v already logged it); a JSON document with --json.
    ``written``: the posts a stopped run wrote before it stopped, named as its `new:`
    lines (JSON ``new`` and ``new_posts``): no later run reports them as new."""
    if not printed:
        print(f"rssarchive: {exc}", file=sys.stderr)
    json_output = getattr(args, "json", False)
    if written and not json_output and not getattr(args, "quiet", False):
        with _stdout():
            for name in written:
                print(f"new: {name}", file=sys.stdout)
    if json_output:
        data: dict[str, object] = {"exit_code": code, "error": str(exc)}
        if written is not None:
            data.update(new_posts=len(written), new=written)
        with _stdout():
            output.print_json(data, sys.stdout)
    return code


def _status(args: argparse.Namespace) -> int:
    from rssarchive.config import load_config
    from rssarchive.store.siteid import check_site
    from rssarchive.store.state import State

    config = load_config(args.config)
    state = State.open(config.state_path, readonly=True)
    try:
        check_site(state, config.site_dir, claim=False)
        data = output.status_data(config, state)
    finally:
        state.close()
    with _stdout():
        if args.json:
            output.print_json(data, sys.stdout)
        else:
            output.print_status(data, sys.stdout)
    return EXIT_OK


def _recheck(args: argparse.Namespace) -> int:
    """Only the re-checks of a run: exit 0 whatever the sites answered (what they
    changed or deleted is the report, not a failure); 1 when a finding could not be
    recorded."""
    from rssarchive.config import load_config
    from rssarchive.run.rechecker import Rechecker, recovered_warnings

    config = load_config(args.config)
    with _session(config, args.now, dry_run=False, show_progress=False) as pipeline:
        report = Rechecker(config, pipeline.client, pipeline.state, pipeline.clock).run()
        # Said as `run` says it (review 19b, M3): a restored database is no silent event.
        report.warnings[:0] = recovered_warnings(pipeline.state, pipeline.archive.posts_dir)
        pipeline.state.keep_copy()
    # What the sites answered is the report; a finding that could not be recorded (a
    # version that could not be written) is this command failing, as a state that
    # cannot be written is (README, `recheck`).
    code = EXIT_FAILED if report.failed else EXIT_OK
    with _stdout():
        if args.json:
            output.print_json({"exit_code": code, "recheck": report.as_json()}, sys.stdout)
        else:
            output.print_recheck(report, sys.stdout, sys.stderr, quiet=args.quiet)
    return code


def _dispatch(args: argparse.Namespace, written: list[str]) -> RunReport:
    """Run a run or backfill; ``written`` gets the posts it wrote, even when it stops."""
    from rssarchive.config import load_config

    config = load_config(args.config)
    show = not (args.quiet or args.json)
    if args.command == "run":
        with _session(config, args.now, dry_run=args.dry_run, show_progress=show) as pipeline:
            try:
                return pipeline.run()
            finally:
                written.extend(pipeline.written)
    urls = [_checked_url(url, "URL") for url in args.urls]
    for root in args.sitemap:
        _checked_url(root, "--sitemap")
    if args.from_file is not None:
        listed = _read_urls(args.from_file)
        if not listed and not (urls or args.sitemap or args.archives):
            raise UsageError(f"--from-file {args.from_file}: no URLs in it")
        urls.extend(listed)
    if not (urls or args.sitemap or args.archives):
        raise UsageError("backfill: give URLs, --from-file FILE, --sitemap URL or --archives")
    with _session(config, args.now, dry_run=False, show_progress=show) as pipeline:
        try:
            return pipeline.backfill(
                _handed_over(urls),
                args.feed,
                sitemaps=args.sitemap,
                since=args.since,
                until=args.until,
                archives=args.archives,
            )
        finally:
            written.extend(pipeline.written)


def _handed_over(items: list[str]) -> Iterator[str]:
    """Each item of ``items``, let go of as it is taken: a list of 100,000 URLs is not
    held through the run once each is recorded in the state database."""
    items.reverse()
    while items:
        yield items.pop()


def _checked_url(text: str, what: str) -> str:
    """``text`` when it is an absolute http(s) URL; a UsageError (exit 2, before any
    request) when it is not."""
    from rssarchive.core.urls import http_url_problem

    url = text.strip()
    if http_url_problem(url, typed=True) is not None:
        raise UsageError(f"{what} {text!r}: not an absolute http(s) URL")
    return url


def _read_urls(path: Path) -> list[str]:
    """The URLs listed in ``path``: one a line; blank lines, whole-line and inline
    ``#`` comments and surrounding whitespace ignored. A line that is not a URL is a
    UsageError naming its line number."""
    try:
        text = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"--from-file {path}: cannot read ({exc})") from exc
    text = text.removeprefix("\ufeff")  # a UTF-8 BOM, as Windows editors write
    urls: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = _without_comment(line).strip()
        if not line:
            continue
        urls.append(_checked_url(line, f"--from-file {path}, line {number}:"))
    return urls


def _without_comment(line: str) -> str:
    # A comment starts at a "#" that begins the line or follows a space or tab: a "#"
    # inside a URL is its fragment (https://example.org/a#b), never after a space.
    if line.lstrip().startswith("#"):
        return ""
    cut = min((i for i in (line.find(" #"), line.find("\t#")) if i >= 0), default=-1)
    return line if cut < 0 else line[:cut]


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
    from rssarchive.publish.archive import Archive
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
            except LockedError:
                raise
            except RssArchiveError as exc:  # the site is read-only, or its disk is gone
                _record_site_failure(config, exc, clock())
                raise
            # From here on a run that stops on an error records it beside the site's
            # lock too (store/runfailure.py): the state may be what cannot be written.
            stack.enter_context(_failure_recorded(config, clock))
            stack.enter_context(_lock(state_lock_path(config)))
        archive = Archive(config.site_dir)
        posts = PostsInUse(archive.posts_dir)
        if not dry_run:
            # Held while the run may stage posts: another site sharing this _posts
            # leaves its staged files alone (publish/postsinuse.py).
            stack.enter_context(posts)
            # First, before the state is opened: a run that stops on opening it (a
            # full disk, a corrupt copy) still frees what a killed run had staged.
            _remove_temp_files(config, archive, posts)
        state = State.open(config.state_path, readonly=dry_run)
        stack.callback(state.close)
        check_site(state, config.site_dir, claim=not dry_run)
        if not dry_run:
            posts.hold()
        client = stack.enter_context(HttpClient(config.network))
        progress = output.ProgressBar()
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
    except (LockedError, NewerStateError):
        raise
    except RssArchiveError as exc:
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


def _remove_temp_files(config: Config, archive: Archive, posts: PostsInUse) -> None:
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
    if any(feed.images == "local" for feed in config.feeds):
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
        raise RssArchiveError(f"{lock_path}: cannot create lock file ({exc.strerror})") from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise LockedError(f"another rssarchive run holds {lock_path}; nothing done") from exc
        yield
    finally:
        os.close(fd)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
