"""look16c F9: another site's ``.backup`` put beside a state database (a careless copy)
must not become this site's state when the database is lost. It used to be restored,
after which every command refused the site ("this state database belongs to the site
…; give each site its own state_path") until both files were deleted by hand.

Now the restored copy is checked against the site before it is used: another site's
is set aside (``*.foreign``), the state is rebuilt from this site's posts, and the run
says so; nothing is archived twice, and the next runs and ``status`` work."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from statekit import json_of, sources
from test_state_faults import FeedServer, _corrupt, make_archive
from test_state_faults import server as server  # the fixture, under its own name


@pytest.mark.parametrize("loss", ["deleted", "corrupt"])
def test_another_sites_copy_is_not_restored_over_a_lost_state(
    tmp_path: Path, server: FeedServer, loss: str
) -> None:
    for root in ("a", "b"):
        (tmp_path / root).mkdir()
    mine = make_archive(tmp_path / "a", server, tmp_path / "a" / "site", tmp_path / "a" / "s.db")
    other = make_archive(tmp_path / "b", server, tmp_path / "b" / "site", tmp_path / "b" / "s.db")
    server.items = [0, 1]
    assert mine.run().returncode == 0
    assert other.run().returncode == 0
    copy = mine.state.with_name(mine.state.name + ".backup")
    shutil.copyfile(other.state.with_name(other.state.name + ".backup"), copy)
    if loss == "deleted":
        mine.state.unlink()
    else:
        _corrupt(mine.state)

    server.items = [0, 1, 2]
    done = mine.run("--json")
    assert done.returncode == 0, done.stderr
    report = json_of(done)
    (warning,) = [w for w in report["warnings"] if "another site" in w]
    assert f"its copy {copy} belongs to another site" in warning
    assert "rebuilt from 2 posts" in warning
    assert report["new_posts"] == 1, "an article was archived again, or the new one lost"
    assert sorted(sources(mine.posts)) == [
        f"{server.base}/news/{n}.html?edition=1" for n in (0, 1, 2)
    ]
    assert mine.state.with_name(mine.state.name + ".foreign").exists()
    status = mine.cli("status")
    assert status.returncode == 0, status.stderr
    again = mine.run("--json")
    assert again.returncode == 0, again.stderr
    assert json_of(again)["new_posts"] == 0
