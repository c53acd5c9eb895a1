"""docs/post-format.md still describes the seeds: its file names, its layout, its dates.

The spec is what people read; the seeds (tests/golden/seeds/) are what the golden tests
hold the code to. These tests keep the two from drifting apart: every example the spec
gives is checked against the seed files, and the seeds' names against the renderer.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from rssarchive.publish.render import post_filename

ROOT = Path(__file__).resolve().parents[2]
SPEC = (ROOT / "docs" / "post-format.md").read_text(encoding="utf-8")
SEED_DIR = ROOT / "tests" / "golden" / "seeds"
SEEDS = {path.name[:3]: path for path in sorted(SEED_DIR.glob("*.txt"))}

# "- `_posts/<name>.md`  (seed 000)"
_NAMED = re.compile(r"^- `_posts/(?P<name>[^`]+\.md)`\s+\(seed (?P<seed>\d{3})\)$", re.M)
_PLACEHOLDER = re.compile(r"<([A-Za-z][^<>]*)>")
# Placeholders whose form the spec states; any other stands for a non-empty value.
_FORMS = {
    "YYYY-MM-DDTHH:MM:SS.mmmZ": r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z",
    "published time as milliseconds since the epoch, or NaN": r"(?:\d+|NaN)",
}


def _seed_text(seed: str) -> str:
    return SEEDS[seed].read_text(encoding="utf-8")


def _front_matter(text: str) -> dict[str, object]:
    data = yaml.safe_load(text.split("---\n", 2)[1])
    assert isinstance(data, dict)
    return data


def layout_pattern(spec: str) -> re.Pattern[str]:
    """The spec's "Layout, line by line" block as a regex over a whole post file.

    A placeholder written twice (the title, the article URL, the feed name) must stand
    for the same text both times, so its second use is a back-reference.
    """
    section = spec.split("## Layout, line by line", 1)[1]
    block = section.split("```\n", 2)[1]
    groups: dict[str, str] = {}
    parts: list[str] = []
    position = 0
    for match in _PLACEHOLDER.finditer(block):
        parts.append(re.escape(block[position : match.start()]))
        placeholder = match[1]
        if placeholder in groups:
            parts.append(f"(?P={groups[placeholder]})")
        else:
            groups[placeholder] = f"g{len(groups)}"
            form = _FORMS.get(placeholder, r"[^\n]+")
            parts.append(f"(?P<{groups[placeholder]}>{form})")
        position = match.end()
    parts.append(re.escape(block[position:]))
    return re.compile("".join(parts))


def test_the_spec_names_both_seeds() -> None:
    assert sorted(match["seed"] for match in _NAMED.finditer(SPEC)) == sorted(SEEDS)


@pytest.mark.parametrize(("seed", "name"), [(m["seed"], m["name"]) for m in _NAMED.finditer(SPEC)])
def test_the_named_file_is_the_name_the_renderer_gives_the_seed(seed: str, name: str) -> None:
    front = _front_matter(_seed_text(seed))
    title, url = front["title"], front["from"]
    assert isinstance(title, str) and isinstance(url, str)
    # yaml turns the date into a datetime; the file's own text is what the name is made of.
    date_line = re.search(r"^date: (\S+)$", _seed_text(seed), re.M)
    assert date_line is not None
    assert post_filename(date_line[1], title, url) == name
    # The rule as the spec words it ("File name"), for these plain titles.
    assert name == f"{date_line[1][:10]}-{title[:50].replace('/', '--')}.md"


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_every_seed_has_the_layout_line_by_line(seed: str) -> None:
    # fullmatch: the file ends with the block's last newline and holds nothing else.
    assert layout_pattern(SPEC).fullmatch(_seed_text(seed)), seed


def test_the_layout_pattern_rejects_a_changed_post() -> None:
    # The check above can fail: a seed with one line changed does not match.
    pattern = layout_pattern(SPEC)
    text = _seed_text("000")
    assert pattern.fullmatch(text)
    assert not pattern.fullmatch(text.replace("comments: True", "comments: true"))
    assert not pattern.fullmatch(text.rstrip("\n"))
    assert not pattern.fullmatch(text.replace("tags: [ 自由亚洲电台 ]", "tags: [ other ]"))


def test_seed_000_has_the_date_the_spec_quotes_and_no_publication_time() -> None:
    quoted = re.search(r"Seed 000 has `([^`]+)`", SPEC)
    assert quoted is not None
    text = _seed_text("000")
    assert f"\ndate: {quoted[1]}\n" in text
    # "the item carried no date": the comment is the literal NaN.
    assert "\n<!--NaN-->\n" in text


def test_the_spec_cites_only_paths_inside_the_repository() -> None:
    # Its links (not the layout's `[<title>](<article URL>)`) lead to files of the repository.
    targets = re.findall(r"\]\(([^)<]+)\)", SPEC)
    assert targets
    for target in targets:
        assert not target.startswith("/")
        assert (ROOT / "docs" / target).resolve().is_relative_to(ROOT), target
        assert (ROOT / "docs" / target).exists(), target
