"""The one home of the CJK character ranges: which characters are Han, and which belong
to a script written without spaces between words (Han, kana, hangul, their punctuation
and full-width forms). Pure; tested in tests/core/test_scripts.py.

The ranges are regular-expression class bodies (``HAN``, ``WIDE``), to put inside
``[...]`` with other characters; ``han_char()`` and ``wide_char()`` match one character
(compiled at first use: a class reaching past the BMP takes milliseconds to compile,
and a run that meets no text needs neither).
Both reach past the Basic Multilingual Plane: a Han character of the extensions B to H
(``𠵱``, ``𨋢``, common in Cantonese writing) is one too.
"""

from __future__ import annotations

import functools
import re
from typing import Final

__all__ = ["HAN", "WIDE", "han_char", "has_han", "wide_char"]

# Han: CJK Unified Ideographs and extension A, the compatibility ideographs, and the
# supplementary ideographic planes (extensions B to H and their compatibility supplement).
HAN: Final = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
# Written without spaces: CJK radicals to unified ideographs (CJK punctuation, kana,
# bopomofo, hangul jamo, extension A on the way), hangul syllables, the compatibility
# ideographs, half-width and full-width forms, and the supplementary ideographic planes.
WIDE: Final = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\U00020000-\U0003ffff"


@functools.cache
def han_char() -> re.Pattern[str]:
    """One Han character."""
    return re.compile(f"[{HAN}]")


@functools.cache
def wide_char() -> re.Pattern[str]:
    """One character of a script written without spaces."""
    return re.compile(f"[{WIDE}]")


def has_han(text: str) -> bool:
    """Whether ``text`` holds a Han character."""
    return han_char().search(text) is not None
