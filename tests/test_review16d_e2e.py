"""Issue 16, an outside review's findings (review16d): a full disk anywhere loses nothing
and is said; the sweep of staged files spares a live run's; a damaged copy of the state is
noticed; the item cap and unrecorded posts are said on every run and by status. The real
CLI against a real local HTTP server; small file systems are tmpfs mounts (root)."""

from __future__ import annotations

from pathlib import Path

from statekit import fill, rows, tmpfs
from test_state_faults import FeedServer, check_complete, make_archive, server  # noqa: F401

ENOSPC = "No space left on device"

# -- H6: images kept back by a full disk are not given up ---------------------------------


def test_images_held_back_by_a_full_disk_are_never_given_up_and_stored_with_room(
    tmp_path: Path,
    server: FeedServer,  # noqa: F811 (the fixture imported above)
) -> None:
    # The images' directory is a small disk that stays full for more runs than an
    # image is retried: the disk, not the images, is at fault, so each run says so and
    # the first run with room stores them all and rewrites the posts.
    disk = tmp_path / "disk"
    with tmpfs(disk, "1m"):
        site = tmp_path / "site"
        (site / "assets").mkdir(parents=True)
        (site / "assets" / "images").symlink_to(disk, target_is_directory=True)
        archive = make_archive(tmp_path, server, site, tmp_path / "state" / "s.sqlite3")
        server.items = [0, 1]
        filler = fill(disk, 0)
        first = archive.run()
        assert first.returncode == 0, first.stderr
        assert f"image kept remote (could not store the image ({ENOSPC}))" in first.stderr
        for _ in range(6):  # IMAGE_RETRIES is 5
            done = archive.run()
            assert done.returncode == 0, done.stderr
            assert "no more retries" not in done.stderr
            held = [line for line in done.stderr.splitlines() if "still remote" in line]
            assert len(held) == 2 and all(ENOSPC in line for line in held), done.stderr
        assert rows(archive.state, "SELECT attempts FROM image_retries") == [(0,), (0,)]
        filler.unlink()
        done = archive.run()
        assert done.returncode == 0 and "still remote" not in done.stderr, done.stderr
        check_complete(archive, server)
