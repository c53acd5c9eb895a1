"""Every line of hazards.md has tests, and tests/hazard_index.py says which.

hazards.md is read from ``../shared/design/hazards.md`` beside the repository when that
exists (and must then equal the copy in tests/), else from tests/hazards.md.

A line counts as covered when its entry names at least one ``test_hazard_…`` test, every
test and file it names exists, and none of its tests is marked ``xfail`` (a strict xfail
names a known bug: that part of the line does not hold yet). The README's "Testing"
section states the count; ``python tests/project/test_hazard_index.py`` prints it, and with
``--ids`` the test ids (``pytest $(python tests/project/test_hazard_index.py --ids)`` runs them).
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
REPO = TESTS.parent
if str(TESTS) not in sys.path:  # when run as a script
    sys.path.insert(0, str(TESTS))

from hazard_index import HAZARDS  # noqa: E402

SHARED = REPO.parent / "shared" / "design" / "hazards.md"
LOCAL = TESTS / "hazards.md"
ARROW = " → "


def hazards_path() -> Path:
    return SHARED if SHARED.exists() else LOCAL


def hazard_lines(text: str) -> list[str]:
    """The text of every bullet line (without its "- ")."""
    return [line[2:].strip() for line in text.splitlines() if line.startswith("- ")]


def head(line: str) -> str:
    """A line's input or fault: its text up to the last " → " (an arrow may also occur
    inside the input, as in "http→https" or "(1 MB → 1 GB)")."""
    return line.rsplit(ARROW, 1)[0].strip()


def entry_for(line: str) -> list[str]:
    return [key for key in HAZARDS if head(line).startswith(key)]


@dataclass(frozen=True)
class FunctionRef:
    path: str
    name: str
    xfail_reason: str | None  # set when the test is marked xfail


@cache
def functions_in(path: str) -> dict[str, FunctionRef]:
    """Test functions of a file (``Class::function`` for methods), parsed, not imported."""
    tree = ast.parse((REPO / path).read_text(encoding="utf-8"), filename=path)
    found: dict[str, FunctionRef] = {}

    def visit(nodes: list[ast.stmt], prefix: str) -> None:
        for node in nodes:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                name = prefix + node.name
                found[name] = FunctionRef(path, name, _xfail_reason(node))
            elif isinstance(node, ast.ClassDef):
                visit(node.body, f"{prefix}{node.name}::")

    visit(tree.body, "")
    return found


def _xfail_reason(node: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    for decorator in node.decorator_list:
        call = decorator if isinstance(decorator, ast.Call) else None
        target = call.func if call else decorator
        if ast.unparse(target).endswith("mark.xfail"):
            for keyword in call.keywords if call else []:
                if keyword.arg == "reason" and isinstance(keyword.value, ast.Constant):
                    return str(keyword.value.value)
                if keyword.arg == "reason":
                    try:
                        return str(ast.literal_eval(keyword.value))
                    except ValueError:
                        return ast.unparse(keyword.value)
            return "xfail"
    return None


def resolve(reference: str) -> FunctionRef | Path | None:
    """The test function or file a reference names; None when it does not exist."""
    path, _, name = reference.partition("::")
    if not (REPO / path).is_file():
        return None
    if not name:
        return REPO / path
    return functions_in(path).get(re.sub(r"\[.*\]\Z", "", name))


@dataclass
class Coverage:
    lines: list[str]
    covered: list[str] = field(default_factory=list)
    open: dict[str, list[FunctionRef]] = field(default_factory=dict)  # line -> xfail tests
    missing: dict[str, list[str]] = field(default_factory=dict)  # line -> problems

    def report(self) -> str:
        text = (
            f"hazards: {len(self.covered)} of {len(self.lines)} lines of hazards.md covered "
            f"by passing tests (see tests/hazard_index.py)"
        )
        for line, tests in self.open.items():
            text += f"\n  open: {head(line)}"
            for test in tests:
                text += f"\n    {test.path}::{test.name} (xfail: {test.xfail_reason})"
        for line, problems in self.missing.items():
            text += f"\n  NOT COVERED: {head(line)}: {'; '.join(problems)}"
        return text


def coverage(path: Path | None = None) -> Coverage:
    lines = hazard_lines((path or hazards_path()).read_text(encoding="utf-8"))
    result = Coverage(lines)
    for line in lines:
        keys = entry_for(line)
        if len(keys) != 1:
            result.missing[line] = [f"{len(keys)} entries in tests/hazard_index.py"]
            continue
        problems: list[str] = []
        tests: list[FunctionRef] = []
        for reference in HAZARDS[keys[0]]:
            found = resolve(reference)
            if found is None:
                problems.append(f"{reference} does not exist")
            elif isinstance(found, FunctionRef):
                tests.append(found)
        if not any(test.name.startswith("test_hazard_") for test in tests):
            problems.append("no test_hazard_… test")
        if problems:
            result.missing[line] = problems
        elif xfails := [test for test in tests if test.xfail_reason is not None]:
            result.open[line] = xfails
        else:
            result.covered.append(line)
    return result


def referenced_test_ids() -> list[str]:
    """Every test the index names, as pytest node ids (files: none)."""
    ids: list[str] = []
    for references in HAZARDS.values():
        for reference in references:
            if "::" in reference and reference not in ids:
                ids.append(reference)
    return ids


# -- the tests -----------------------------------------------------------------------------


def test_hazards_md_copy_equals_the_shared_one() -> None:
    if not SHARED.exists():
        pytest.skip(f"no {SHARED} beside the repository; tests/hazards.md is the reference")
    assert LOCAL.read_text(encoding="utf-8") == SHARED.read_text(encoding="utf-8"), (
        f"tests/hazards.md differs from {SHARED}: copy it, then update tests/hazard_index.py"
    )


def test_every_hazard_line_has_a_consequence() -> None:
    lines = hazard_lines(hazards_path().read_text(encoding="utf-8"))
    assert len(lines) >= 25
    for line in lines:
        assert ARROW in line, line


def test_every_hazard_line_has_exactly_one_entry() -> None:
    for line in hazard_lines(hazards_path().read_text(encoding="utf-8")):
        assert len(entry_for(line)) == 1, f"{len(entry_for(line))} entries for: {head(line)}"


def test_every_entry_names_a_hazard_line() -> None:
    heads = [head(line) for line in hazard_lines(hazards_path().read_text(encoding="utf-8"))]
    for key in HAZARDS:
        assert key.strip() == key and key, repr(key)
        matching = [h for h in heads if h.startswith(key)]
        assert len(matching) == 1, f"entry {key!r} matches {len(matching)} lines"


def test_every_referenced_test_and_file_exists() -> None:
    missing = [ref for refs in HAZARDS.values() for ref in refs if resolve(ref) is None]
    assert missing == []


def test_every_referenced_test_is_a_test() -> None:
    for references in HAZARDS.values():
        for reference in references:
            path, _, name = reference.partition("::")
            assert path.startswith("tests/"), reference
            if name:
                assert path.endswith(".py") and Path(path).name.startswith("test_"), reference
                assert name.rsplit("::", 1)[-1].startswith("test_"), reference


def test_every_hazard_line_is_covered_or_open_with_a_known_bug() -> None:
    result = coverage()
    print(result.report())
    assert result.missing == {}, result.report()
    assert len(result.covered) + len(result.open) == len(result.lines)


def test_readme_testing_section_reports_the_count() -> None:
    result = coverage()
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    testing = readme.split("\n## Testing\n", 1)[1].split("\n## ", 1)[0]
    wanted = f"{len(result.covered)} of {len(result.lines)} lines"
    assert wanted in testing, (
        f"README.md, section Testing, must say {wanted!r} of hazards.md are covered:\n"
        + result.report()
    )
    if result.open:
        assert f"{len(result.open)} open" in testing, result.report()


if __name__ == "__main__":
    if sys.argv[1:] == ["--ids"]:
        print("\n".join(referenced_test_ids()))
    else:
        print(coverage().report())
