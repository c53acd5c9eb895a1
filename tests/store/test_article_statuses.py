"""An article's statuses are named once (look18 F4, look18b F3): the decider's
ARTICLE_STANDING names pending, failed and done; the state's queries and the run write
them by that name, never as literals, and they are the schema's CHECK."""

from __future__ import annotations

import re
from pathlib import Path

from rssarchive.core.decide import ARTICLE_STANDING
from rssarchive.store import articles, schema


def test_the_statuses_are_the_deciders_and_the_schemas() -> None:
    assert (
        ARTICLE_STANDING.pending,
        ARTICLE_STANDING.failed,
        ARTICLE_STANDING.done,
    ) == (articles.PENDING, articles.FAILED, articles.DONE)
    check = re.search(r"status IN \(([^)]*)\)", Path(schema.__file__).read_text(encoding="utf-8"))
    assert check is not None
    assert set(re.findall(r"'(\w+)'", check.group(1))) == {
        articles.PENDING,
        articles.FAILED,
        articles.DONE,
    }


# Where an article's "done" was once written out (look18b F3).
_NAMED = [
    "store/articles.py",
    "store/guids.py",
    "store/rechecks.py",
    "core/decide/entries.py",
    "run/recording.py",
    "run/printing.py",
    "publish/missingposts.py",
]


def test_no_status_is_written_literally() -> None:
    package = Path(articles.__file__).parents[1]
    for name in _NAMED:
        text = (package / name).read_text(encoding="utf-8")
        assert not re.findall(r"""['"]done['"]""", text), name
    text = Path(articles.__file__).read_text(encoding="utf-8")
    assert not re.findall(r"""['"](?:pending|done|failed)['"]""", text)
