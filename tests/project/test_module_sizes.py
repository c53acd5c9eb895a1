"""Issue 18: no module of the package is over 500 lines, so that each reads as one thing
(a module that grows past it is split along what it does, as store/state.py and
core/decide/ were)."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "rssarchive"
MOST_LINES = 500


def test_no_module_is_over_500_lines() -> None:
    sizes = {
        str(path.relative_to(PACKAGE)): len(path.read_text(encoding="utf-8").splitlines())
        for path in PACKAGE.rglob("*.py")
    }
    assert len(sizes) > 50  # the package was found
    over = {name: n for name, n in sizes.items() if n > MOST_LINES}
    assert over == {}
