"""The one home of the CJK character ranges: which characters are Han, and which belong
to a script written without spaces between words (Han, kana, hangul, their punctuation
and full-width forms). Pure; tested in tests/core/test_scripts.py.

The ranges are regular-expression class bodies (``HAN``, ``WIDE``), to put inside
``[...]`` with other characters; ``HAN_CHAR`` and ``WIDE_CHAR`` match one character.
Both reach past the Basic Multilingual Plane: a Han character of the extensions B to H
(``𠵱``, ``𨋢``, common in Cantonese writing) is one too.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["HAN", "HAN_CHAR", "WIDE", "WIDE_CHAR", "has_han"]

# Han: CJK Unified Ideographs and extension A, the compatibility ideographs, and the
# supplementary ideographic planes (extensions B to H and their compatibility supplement).
HAN: Final = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
# Written without spaces: CJK radicals to unified ideographs (CJK punctuation, kana,
# bopomofo, hangul jamo, extension A on the way), hangul syllables, the compatibility
# ideographs, half-width and full-width forms, and the supplementary ideographic planes.
WIDE: Final = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\U00020000-\U0003ffff"

HAN_CHAR: Final = re.compile(f"[{HAN}]")
WIDE_CHAR: Final = re.compile(f"[{WIDE}]")


def has_han(text: str) -> bool:
    """Whether ``text`` holds a Han character."""
    return HAN_CHAR.search(text) is not None
