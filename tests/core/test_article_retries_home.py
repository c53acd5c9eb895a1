"""The article retry policy has one home, decide/policies.py (review 18 M4): its values
are written there, and nothing else builds one or keeps a copy of them."""

from __future__ import annotations

import ast
from datetime import timedelta
from pathlib import Path

from rssarchive.core.decide import ARTICLE_RETRIES

PACKAGE = Path(__file__).resolve().parents[2] / "rssarchive"


def test_the_values_are_the_deciders() -> None:
    assert ARTICLE_RETRIES.attempts == 5
    assert ARTICLE_RETRIES.waits == (
        timedelta(minutes=15),
        timedelta(hours=1),
        timedelta(hours=6),
        timedelta(hours=24),
    )
    assert ARTICLE_RETRIES.span == timedelta(days=1)


def test_only_the_decider_builds_an_article_retry_policy() -> None:
    builders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name | ast.Attribute)
                and (getattr(node.func, "id", None) or getattr(node.func, "attr", None))
                == "ArticleRetries"
            ):
                builders.append(path.relative_to(PACKAGE).as_posix())
    assert builders == ["core/decide/policies.py"]
    assert not (PACKAGE / "core" / "retries.py").exists()
