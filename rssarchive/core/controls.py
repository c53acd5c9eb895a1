"""The control-character rules, each defined once: which characters a header or URL, a
post, and any text we parse may not hold, and how a URL is trimmed before it is read.
Pure values (no network, disk or clock); ``urls``, ``sanitize`` and ``config`` import
them from here."""

from __future__ import annotations

import re
from typing import Final

__all__ = [
    "C0_AND_DEL",
    "CONTROL_CHARS",
    "NOT_TEXT",
    "SURROGATE",
    "URL_STRIP",
    "url_trim",
    "without_lone_surrogates",
]

# C0 controls and DEL: not in an HTTP header's value (a line break would end it), and
# not in a URL we write into a post or fetch (a newline could end a front-matter line).
C0_AND_DEL: Final = re.compile(r"[\x00-\x1f\x7f]")

# U+0000-U+001F and U+007F-U+009F: removed from every post (docs/post-format.md).
CONTROL_CHARS: Final = re.compile(r"[\x00-\x1f\x7f-\x9f]")

# What no text of the archive holds, removed from a feed item's or a page's text before
# it is parsed (sanitize.clean_text): C0 controls but tab, LF and CR; DEL and the C1
# controls; Unicode's noncharacters (U+FDD0-U+FDEF and the last two code points of every
# plane); lone surrogates. lxml refuses a string holding one (a ValueError that stopped
# whole runs), libxml2's HTML parser stops at some, and no writer means any of them. A
# post removes every control character anyway (CONTROL_CHARS, post-format.md).
NOT_TEXT: Final = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ud800-\udfff"
    + "".join(
        f"{chr(plane + 0xFFFE)}{chr(plane + 0xFFFF)}" for plane in range(0, 0x110000, 0x10000)
    )
    + "]"
)

# A UTF-16 surrogate: half of a character beyond the BMP, never text on its own.
SURROGATE: Final = re.compile("[\ud800-\udfff]")


def without_lone_surrogates(text: str) -> str:
    """``text`` as valid Unicode (files must be valid UTF-8): a pair of surrogates (text
    decoded with surrogatepass) becomes the one character it spells, a lone surrogate
    U+FFFD, as every HTML parser has it. The one scrub: the sanitizer's clean_text and
    the renderer's post text use it."""
    if not SURROGATE.search(text):
        return text
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


# What the URL standard strips from both ends of a URL before parsing it: the C0
# controls and the space.
URL_STRIP: Final = "".join(map(chr, range(0x21)))
_TAB_OR_NEWLINE: Final = re.compile(r"[\t\n\r]")


def url_trim(value: str) -> str:
    """``value`` as the URL standard (and every browser) reads it before parsing: C0
    controls and spaces stripped from both ends, tabs and line breaks removed anywhere
    (so ``java&#x09;script:`` is ``javascript:``). Other controls inside stay, for the
    caller to refuse."""
    return _TAB_OR_NEWLINE.sub("", value.strip(URL_STRIP))
