"""Shared fixtures: a site directory with a config that reaches local test servers."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from rssarchive.cli import main


class Site:
    """A temporary archive: its config file and a helper to run the real CLI on it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.config = root / "config.yaml"
        self.posts = root / "site" / "_posts"

    def write_config(self, feeds: list[dict[str, object]], **network: object) -> Path:
        data = {
            "site_dir": "site",
            "state_path": "state/state.sqlite3",
            "network": {
                "allow_private_addresses": True,
                "timeout": 5,
                "per_host_delay": 0,
                **network,
            },
            "feeds": feeds,
        }
        self.config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        return self.config

    def cli(self, *args: str) -> int:
        return main(["--config", str(self.config), *args])

    def post_names(self) -> list[str]:
        if not self.posts.exists():
            return []
        return sorted(p.name for p in self.posts.iterdir())


@pytest.fixture
def site(tmp_path: Path) -> Site:
    return Site(tmp_path)
