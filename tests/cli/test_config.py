"""Config validation: one YAML file per bad case in tests/configs/, its expected message
on its first line (``# expect: …``); plus the defaults of a good config."""

from __future__ import annotations

from pathlib import Path

import pytest

from rssarchive.config import load_config
from rssarchive.core.errors import ConfigError

CASES = sorted((Path(__file__).parent.parent / "configs").glob("*.yaml"))


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_bad_config_names_the_key(path: Path) -> None:
    expected = path.read_text(encoding="utf-8").splitlines()[0].removeprefix("# expect: ")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert expected in message
    assert str(path) in message
    assert "\n" not in message


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.yaml")


def test_defaults_and_relative_paths(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "c.yaml"
    path.parent.mkdir()
    path.write_text("feeds:\n  - {name: 甲, url: 'https://example.org/feed'}\n", encoding="utf-8")
    config = load_config(path)
    assert config.site_dir == (tmp_path / "sub" / "output").resolve()
    assert config.state_path == config.site_dir / ".rssarchive" / "state.sqlite3"
    (feed,) = config.feeds
    assert (feed.author, feed.tags, feed.categories, feed.content) == (
        "甲",
        ("甲",),
        ("甲",),
        "auto",
    )
    assert config.network.allow_private_addresses is False


def test_full_config(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(
        "site_dir: /srv/site\nstate_path: st/db.sqlite3\n"
        "network: {timeout: 5, user_agent: x/1, allow_private_addresses: ['127.0.0.0/8']}\n"
        "feeds:\n  - name: a\n    url: https://example.org/a\n    content: feed\n"
        "    author: Someone\n    tags: [t1, t2]\n    categories: c\n"
        "    selectors: {body: '#story', image: '.lead img'}\n",
        encoding="utf-8",
    )
    config = load_config(path)
    assert config.site_dir == Path("/srv/site")
    assert config.state_path == (tmp_path / "st" / "db.sqlite3").resolve()
    assert config.network.timeout == 5.0
    assert config.network.allow_private_addresses == ("127.0.0.0/8",)
    (feed,) = config.feeds
    assert feed.tags == ("t1", "t2")
    assert feed.categories == ("c",)
    assert feed.selectors.body == "#story"
    assert feed.selectors.image == ".lead img"


def test_shipped_config_is_valid() -> None:
    config = load_config(Path(__file__).parents[2] / "config.yaml")
    assert config.feeds
    assert config.network.allow_private_addresses is False


def test_recheck_ages_default_global_and_per_feed(tmp_path: Path) -> None:
    from datetime import timedelta

    from rssarchive.core.recheck_schedule import AGES

    path = tmp_path / "c.yaml"
    path.write_text(
        "recheck: [30m, 2d]\nrecheck_budget: {articles: 5, seconds: 9.5}\nfeeds:\n"
        "  - {name: A, url: 'https://example.org/a'}\n"
        "  - {name: B, url: 'https://example.org/b', recheck: false}\n"
        "  - {name: C, url: 'https://example.org/c', recheck: [1w]}\n",
        encoding="utf-8",
    )
    config = load_config(path)
    assert [f.recheck for f in config.feeds] == [
        (timedelta(minutes=30), timedelta(days=2)),
        (),
        (timedelta(days=7),),
    ]
    assert (config.recheck_articles, config.recheck_seconds) == (5, 9.5)
    path.write_text("feeds:\n  - {name: A, url: 'https://example.org/a'}\n", encoding="utf-8")
    config = load_config(path)
    assert config.feeds[0].recheck == AGES == config.recheck
    assert (config.recheck_articles, config.recheck_seconds) == (200, 120.0)
