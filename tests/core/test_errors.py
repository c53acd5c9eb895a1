"""The project's exceptions (rssarchive/core/errors.py): they cross the worker-process
boundary pickled, and each must come back as it left; per-item errors name their URL
once."""

from __future__ import annotations

import importlib
import inspect
import pickle
import pkgutil
import typing
from typing import Any

import pytest

import rssarchive
from rssarchive.core.errors import (
    BlockedAddressError,
    ExtractError,
    FetchError,
    LockFileError,
    ParseError,
    RssArchiveError,
    WriteError,
    reason_of,
)


def _package_exceptions() -> list[type[BaseException]]:
    """Every exception class the package defines, in any module (``__main__`` aside: it
    runs the program), found by walking the package rather than listed."""
    found: dict[str, type[BaseException]] = {}
    for info in pkgutil.walk_packages(rssarchive.__path__, f"{rssarchive.__name__}."):
        if info.name.endswith(".__main__"):
            continue
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, BaseException) and cls.__module__.startswith("rssarchive."):
                found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return [found[name] for name in sorted(found)]


PACKAGE_EXCEPTIONS = _package_exceptions()
# Every exception class of the package under the root, wherever it is defined: a new
# one is tested the day it is written.
CLASSES = sorted(
    (cls for cls in PACKAGE_EXCEPTIONS if issubclass(cls, RssArchiveError)),
    key=lambda cls: cls.__name__,
)
# The others: signals that stay inside one module or one process (turned into one of
# the root's errors, or an exit code, before anyone sees them); never pickled. A new
# exception class goes under RssArchiveError, or here with its reason.
INTERNAL = {
    "rssarchive.extract.workers._WorkerDied",  # the pool's own retry of a dead worker
    "rssarchive.net.http._BodyCutShort",  # becomes a FetchError
    "rssarchive.net.http._StreamCutShort",  # becomes a FetchError
    "rssarchive.net.http._Transient",  # becomes a FetchError
    "rssarchive.net.transport.Cancelled",  # becomes a FetchError
    "rssarchive.net.transport.Refused",  # becomes a FetchError
    "rssarchive.run.jobs._FeedGiven",  # carries a parsed feed between two threads
    "rssarchive.run.signals.Interrupted",  # a KeyboardInterrupt: exit 128 + the signal
    "rssarchive.sources.sitemaps._NotXmlSitemap",  # parse the document as a feed
    "rssarchive.store.files._Corrupt",  # a sqlite3.DatabaseError the state reads
}


def _value(name: str, annotation: Any) -> Any:
    """A value of the parameter's type that no default has (so that a lost attribute
    shows)."""
    options = typing.get_args(annotation) or (annotation,)
    if str in options:
        return f"https://x.example/{name}" if name == "url" else f"the {name}, ünïcode"
    if bool in options:
        return True
    if int in options:
        return 418
    if float in options:
        return 12.5
    if object in options:  # NotTheArticleError's article: any value that pickles
        return ("an article", 418)
    raise AssertionError(f"no sample value for {name}: {annotation}")


def populated(cls: type[RssArchiveError]) -> RssArchiveError:
    """An instance with every parameter of its __init__ given a non-default value."""
    if cls.__init__ is Exception.__init__:
        return cls("what went wrong: ünïcode")
    hints = typing.get_type_hints(cls.__init__)
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    for name, param in inspect.signature(cls.__init__).parameters.items():
        if name == "self":
            continue
        value = _value(name, hints[name])
        if param.kind is param.KEYWORD_ONLY:
            kwargs[name] = value
        else:
            args.append(value)
    return cls(*args, **kwargs)


def test_every_class_is_found() -> None:
    names = {cls.__name__ for cls in CLASSES}
    assert {"RssArchiveError", "FetchError", "BlockedAddressError", "ExtractError"} <= names
    assert len(names) >= 12


def test_every_exception_class_of_the_package_is_under_the_root_or_internal() -> None:
    others = {
        f"{cls.__module__}.{cls.__qualname__}"
        for cls in PACKAGE_EXCEPTIONS
        if not issubclass(cls, RssArchiveError)
    }
    assert others == INTERNAL


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__name__)
def test_pickles_to_an_equal_error(cls: type[RssArchiveError]) -> None:
    error = populated(cls)
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        copy = pickle.loads(pickle.dumps(error, protocol=protocol))
        assert copy == error and hash(copy) == hash(error)  # look18 F7
        assert type(copy) is cls
        assert copy.args == error.args
        assert str(copy) == str(error)
        assert vars(copy) == vars(error)
        assert copy.url == error.url
        assert reason_of(copy) == reason_of(error)


def test_the_populated_instances_hold_what_they_were_given() -> None:
    # The test above is only as good as the instances: their attributes are not the
    # defaults.
    fetch = populated(FetchError)
    assert isinstance(fetch, FetchError)
    assert (fetch.status, fetch.retry_after, fetch.permanent) == (418, 12.5, True)
    assert populated(ExtractError).url == "https://x.example/url"


def test_an_extract_error_names_its_url_once() -> None:
    error = ExtractError("no article text found on the page", url="https://x.example/a")
    assert str(error) == "https://x.example/a: no article text found on the page"
    assert reason_of(error) == "no article text found on the page"
    assert str(ExtractError("empty page")) == "empty page"


def test_extract_article_names_the_page_in_its_error() -> None:
    from rssarchive.extract.article import extract_article

    with pytest.raises(ExtractError) as caught:
        extract_article(b"  ", "https://x.example/empty")
    assert caught.value.url == "https://x.example/empty"
    assert str(caught.value) == "https://x.example/empty: empty page"


def test_a_write_error_names_what_it_is_about_once_and_pickles_with_it() -> None:
    # Review 18b, M9: the URL was only inside the message ("no free file name for URL").
    by_url = WriteError("no free file name in _posts", url="https://x.example/a")
    by_path = WriteError("cannot write post (No space left on device)", path="/site/_posts")
    assert str(by_url) == "https://x.example/a: no free file name in _posts"
    assert str(by_path) == "/site/_posts: cannot write post (No space left on device)"
    assert str(WriteError("disk full")) == "disk full"
    # It stops the run: its one line, and each feed's last error, keep what it is about.
    assert reason_of(by_url) == str(by_url)
    for error in (by_url, by_path):
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is WriteError and str(copy) == str(error)
        assert (copy.url, copy.path, copy.reason) == (error.url, error.path, error.reason)


def test_a_lock_file_error_is_its_own_class_naming_its_path_once() -> None:
    # Review 18b, M9: the lock file's failure was the root class itself.
    error = LockFileError("/site/.rssarchive/run.lock", "cannot create lock file (Is a directory)")
    assert type(error) is not RssArchiveError
    assert str(error) == "/site/.rssarchive/run.lock: cannot create lock file (Is a directory)"
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is LockFileError and str(copy) == str(error)
    assert (copy.path, copy.reason) == (error.path, error.reason)


def test_errors_equal_by_type_args_and_attributes_alone() -> None:
    error = FetchError("https://x.example/a", "HTTP 503", status=503)
    assert error == FetchError("https://x.example/a", "HTTP 503", status=503)
    assert error != FetchError("https://x.example/a", "HTTP 503", status=502)
    assert error != BlockedAddressError("https://x.example/a", "HTTP 503", status=503)
    assert ExtractError("none", url="https://x.example/a") != ExtractError("none")
    assert len({error, FetchError("https://x.example/a", "HTTP 503", status=503)}) == 1


@pytest.mark.parametrize("cls", [FetchError, ParseError, ExtractError])
def test_a_url_set_later_is_the_one_said(cls: type[RssArchiveError]) -> None:
    # look18b F11: FetchError wrote its URL into args when made, so a URL set later
    # (as a caller that knows it better does) was not the one str() said.
    exc = cls("https://a.example/x", "timed out") if cls is FetchError else cls("no article")
    exc.url = "https://b.example/y"
    assert str(exc).startswith("https://b.example/y: ")
    assert pickle.loads(pickle.dumps(exc)) == exc
    assert str(pickle.loads(pickle.dumps(exc))) == str(exc)
