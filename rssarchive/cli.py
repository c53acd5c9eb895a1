"""The command line: parse arguments, build the pipeline, print, map errors to exit codes.

Heavy modules (httpx, trafilatura, feedparser) are imported only when a command runs, so
``rssarchive --help`` stays fast.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import os
import signal
import sys
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rssarchive.cli_input import _checked_url, _handed_over, _read_urls
from rssarchive.core.errors import (
    ConfigError,
    LockedError,
    NewerStateError,
    OutputError,
    RssArchiveError,
    UsageError,
)
from rssarchive.run.signals import Interrupted, _stopped_by_signals

if TYPE_CHECKING:
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

# The one table of exit codes: an error ends the command with the code of the first of
# its classes (the most specific first) found here. Ctrl-C and SIGTERM (Interrupted)
# end it with 128 + the signal, as a shell says of a process they killed.
EXIT_CODES: dict[type[BaseException], int] = {
    LockedError: EXIT_LOCKED,
    ConfigError: EXIT_USAGE,
    UsageError: EXIT_USAGE,
    NewerStateError: EXIT_USAGE,
    OutputError: EXIT_FAILED,
    RssArchiveError: EXIT_FAILED,
    BrokenPipeError: EXIT_PIPE_CLOSED,
}


def exit_code(exc: BaseException) -> int:
    """The exit code ``exc`` ends the command with (EXIT_CODES)."""
    if isinstance(exc, Interrupted):
        return 128 + exc.signum
    return next(EXIT_CODES[kind] for kind in type(exc).__mro__ if kind in EXIT_CODES)


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
    except BrokenPipeError as exc:
        _stdout_to_null()
        return exit_code(exc)
    except OutputError as exc:
        _stdout_to_null()
        with contextlib.suppress(OSError):  # stderr may be on the same full disk
            print(f"rssarchive: {exc}", file=sys.stderr, flush=True)
        return exit_code(exc)
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
        return _fail(args, exc, exit_code(exc), written=stopped)
    except OutputError:
        raise  # stdout itself is what failed: main says so on stderr
    except RssArchiveError as exc:
        code = exit_code(exc)
        if code != EXIT_FAILED:  # bad usage or config, a newer state, locked: nothing done
            return _fail(args, exc, code)
        if args.verbose:
            log.exception("rssarchive: %s", exc)
        return _fail(args, exc, code, printed=bool(args.verbose), written=stopped)
    except KeyboardInterrupt:  # before the handlers were in place, or in status
        interrupted = Interrupted(signal.SIGINT)
        return _fail(args, interrupted, exit_code(interrupted), written=stopped)
    from rssarchive.run import printing

    code = EXIT_OK if report.ok else EXIT_FAILED
    with _stdout():
        if args.json:
            printing.print_report(report, io.StringIO(), sys.stderr, quiet=True)
            printing.print_json(printing.report_json(report, code), sys.stdout)
        else:
            printing.print_report(report, sys.stdout, sys.stderr, quiet=args.quiet)
    return code


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
    from rssarchive.run import printing

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
            printing.print_json(data, sys.stdout)
    return code


def _status(args: argparse.Namespace) -> int:
    from rssarchive.config import load_config
    from rssarchive.run import printing
    from rssarchive.store.siteid import check_site
    from rssarchive.store.state import State

    config = load_config(args.config)
    state = State.open(config.state_path, readonly=True)
    try:
        check_site(state, config.site_dir, claim=False)
        data = printing.status_data(config, state)
    finally:
        state.close()
    with _stdout():
        if args.json:
            printing.print_json(data, sys.stdout)
        else:
            printing.print_status(data, sys.stdout)
    return EXIT_OK


def _recheck(args: argparse.Namespace) -> int:
    """Only the re-checks of a run: exit 0 whatever the sites answered (what they
    changed or deleted is the report, not a failure); 1 when a finding could not be
    recorded."""
    from rssarchive.config import load_config
    from rssarchive.run import printing
    from rssarchive.run.rechecker import Rechecker, recovered_warnings
    from rssarchive.run.session import _session

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
            printing.print_json({"exit_code": code, "recheck": report.as_json()}, sys.stdout)
        else:
            printing.print_recheck(report, sys.stdout, sys.stderr, quiet=args.quiet)
    return code


def _dispatch(args: argparse.Namespace, written: list[str]) -> RunReport:
    """Run a run or backfill; ``written`` gets the posts it wrote, even when it stops."""
    from rssarchive.config import load_config
    from rssarchive.run.session import _session

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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
