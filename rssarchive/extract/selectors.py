"""CSS selectors from the config -> XPath, for the simple forms a feed's pages need.

lxml's own CSS support needs the cssselect package, which is not a dependency; and a
small, strict grammar means a selector either does what it says or is refused when the
config is loaded (config.py), naming the key, rather than matching nothing at run time.
"""

from __future__ import annotations

import functools
import re
from typing import Final

__all__ = ["selector_to_xpath"]

# A CSS identifier: CSS allows any non-ASCII character in one.
_IDENT: Final = r"-?[_a-zA-Z\u00a0-\uffff][_a-zA-Z0-9\u00a0-\uffff-]*"


@functools.cache
def _selector_token() -> re.Pattern[str]:
    # Compiled on first use: the non-ASCII ranges cost ~20 ms to compile, which every run
    # would pay at start-up although few configs have selectors.
    return re.compile(
        rf"\s*(?P<comb>>)\s*|(?P<space>\s+)|(?P<tag>{_IDENT}|\*)|#(?P<id>{_IDENT})"
        rf"|\.(?P<cls>{_IDENT})|\[\s*(?P<attr>{_IDENT})\s*"
        rf"(?:=\s*(?:\"(?P<dq>[^\"]*)\"|'(?P<sq>[^']*)'|(?P<bare>{_IDENT}))\s*)?\]"
    )


def selector_to_xpath(selector: str) -> str:
    """XPath for a CSS selector of the simple forms config may use.

    Supported: ``tag``, ``*``, ``#id``, ``.class``, ``[attr]``, ``[attr=value]`` and
    compounds of them (``div#story.main``), joined by descendant (space) or child
    (``>``) combinators, in comma-separated groups. Anything else raises ValueError.
    """
    alternatives = [_one_selector_to_xpath(part.strip()) for part in selector.split(",")]
    return " | ".join(alternatives)


def _one_selector_to_xpath(selector: str) -> str:
    if not selector:
        raise ValueError("empty CSS selector")
    steps: list[list[str]] = []  # [axis, tag, *predicates]
    axis, pos = "//", 0
    while pos < len(selector):
        match = _selector_token().match(selector, pos)
        if match is None or match.end() == pos:
            raise ValueError(f"unsupported CSS selector: {selector!r}")
        pos = match.end()
        if match["comb"] or match["space"]:
            if not steps or axis == "/":
                raise ValueError(f"unsupported CSS selector: {selector!r}")
            axis = "/" if match["comb"] else "//"
            continue
        if axis:
            steps.append([axis, "*"])
            axis = ""
        step = steps[-1]
        if match["tag"]:
            if step[1] != "*" or len(step) > 2:
                raise ValueError(f"unsupported CSS selector: {selector!r}")
            step[1] = match["tag"].lower()
        elif match["id"]:
            step.append(f"[@id={_xpath_literal(match['id'])}]")
        elif match["cls"]:
            cls = _xpath_literal(f" {match['cls']} ")
            step.append(f"[contains(concat(' ', normalize-space(@class), ' '), {cls})]")
        else:
            value = match["dq"] if match["dq"] is not None else match["sq"] or match["bare"]
            test = f"@{match['attr']}"
            step.append(f"[{test}]" if value is None else f"[{test}={_xpath_literal(value)}]")
    if axis:
        raise ValueError(f"unsupported CSS selector: {selector!r}")
    return "".join(step[0] + step[1] + "".join(step[2:]) for step in steps)


def _xpath_literal(value: str) -> str:
    if "'" not in value:
        return f"'{value}'"
    if '"' not in value:
        return f'"{value}"'
    raise ValueError(f"quotes of both kinds in a selector value: {value!r}")
