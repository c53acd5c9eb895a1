"""An article's statuses are named once (look18 F4): store/articles.py's queries write
them by name (pending and failed the decider's ARTICLE_STANDING's), never as literals,
and they are the schema's CHECK."""

from __future__ import annotations

import re
from pathlib import Path

from rssarchive.core.decide import ARTICLE_STANDING
from rssarchive.store import articles, schema


def test_the_statuses_are_the_deciders_and_the_schemas() -> None:
    assert (
        ARTICLE_STANDING.pending,
        ARTICLE_STANDING.failed,
    ) == (articles.PENDING, articles.FAILED)
    check = re.search(r"status IN \(([^)]*)\)", Path(schema.__file__).read_text(encoding="utf-8"))
    assert check is not None
    assert set(re.findall(r"'(\w+)'", check.group(1))) == {
        articles.PENDING,
        articles.FAILED,
        articles.DONE,
    }


def test_articles_writes_no_status_literally() -> None:
    text = Path(articles.__file__).read_text(encoding="utf-8")
    assert not re.findall(r"""['"](?:pending|done|failed)['"]""", text.replace('"done"', "", 1))
