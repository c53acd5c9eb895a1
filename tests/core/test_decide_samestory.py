"""decide.one_story (look16f s15): items of one feed document at different links are one
story only with the same title, date to the second and whole text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from rssarchive.core import decide

T = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
LONG = "<p>" + "A whole wire story with many words. " * 40 + "</p>"


def _item(
    link: str,
    title: str = "Quake shakes Taiwan",
    when: datetime | None = T,
    text: str | None = LONG,
    substantial: bool = True,
) -> decide.StoryItem:
    return decide.StoryItem(f"https://s.example{link}", title, when, text, substantial)


@pytest.mark.parametrize(
    ("items", "groups"),
    [
        pytest.param([_item("/world/q"), _item("/asia/q")], [[0, 1]],
                     id="two section links, one story: the first kept"),
        pytest.param([_item("/world/q"), _item("/asia/q"), _item("/top/q")], [[0, 1, 2]],
                     id="three links"),
        pytest.param([_item("/world/q", substantial=False), _item("/asia/q", substantial=False)],
                     [], id="teasers: two short items may share title and date (look16d F10)"),
        pytest.param([_item("/world/q"), _item("/asia/q", when=T + timedelta(seconds=1))], [],
                     id="a second apart: two items"),
        pytest.param([_item("/world/q"), _item("/asia/q", title="Quake shakes Japan")], [],
                     id="another title"),
        pytest.param([_item("/world/q"), _item("/asia/q", text=LONG + "<p>More.</p>")], [],
                     id="another text"),
        pytest.param([_item("/world/q", when=None), _item("/asia/q", when=None)], [],
                     id="undated: nothing to tell it by"),
        pytest.param([_item("/world/q", title=""), _item("/asia/q", title="")], [],
                     id="untitled"),
        pytest.param([_item("/world/q"), _item("/world/q#x")], [],
                     id="one link: not this rule's (decide.collapsed)"),
        pytest.param([_item("/world/q", text=None), _item("/asia/q", text=None)], [],
                     id="no text"),
    ],
)  # fmt: skip
def test_one_story(items: list[decide.StoryItem], groups: list[list[int]]) -> None:
    assert decide.one_story(items) == groups


def test_one_story_said_and_marked() -> None:
    said = decide.one_story_said(["https://s/world/q", "https://s/asia/q"])
    assert said.startswith("2 items (the same title, date and full text) are one story")
    assert said.endswith("archived once, from https://s/world/q")
    assert decide.one_story_mark("https://s/asia/q") == "one story https://s/asia/q"
