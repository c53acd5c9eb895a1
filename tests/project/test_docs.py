"""The README documents every command, option, config key and make target."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from rssarchive import config
from rssarchive.cli import build_parser

ROOT = Path(__file__).parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _options(parser: argparse.ArgumentParser) -> list[str]:
    return [
        max(action.option_strings, key=len)
        for action in parser._actions
        if action.option_strings
        and action.help != argparse.SUPPRESS
        and "--help" not in action.option_strings
    ]


COMMANDS = _subparsers(build_parser())


def test_readme_starts_with_the_two_commands() -> None:
    first_block = README.split("```", 2)[1]
    assert "make run" in first_block and "make test" in first_block


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_has_a_section(command: str) -> None:
    assert f"### `{command}`" in README
    for option in _options(COMMANDS[command]):
        assert option in README, f"{command} {option} is not in the README"


def test_global_options_documented() -> None:
    for option in _options(build_parser()):
        assert option in README


KEYS = (
    sorted(config.TOP_KEYS)
    + [f"feeds[].{k}" for k in sorted(config.FEED_KEYS)]
    + [f"network.{k}" for k in sorted(config.NETWORK_KEYS)]
)


@pytest.mark.parametrize("key", KEYS)
def test_every_config_key_documented(key: str) -> None:
    assert f"| `{key}` |" in README


def test_every_make_target_documented() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = re.findall(r"^(install|run|test|backfill|demo|bench|status):", makefile, re.M)
    for target in targets:
        assert f"make {target}" in README


def test_exit_codes_documented() -> None:
    for code in ("| 0 |", "| 1 |", "| 2 |", "| 75 |"):
        assert code in README


def test_changes_mentions_every_command() -> None:
    changes = (ROOT / "CHANGES.md").read_text(encoding="utf-8")
    for command in COMMANDS:
        assert command in changes
