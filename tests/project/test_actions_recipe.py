"""The GitHub Actions recipe (docs/github-actions.yml) commits everything a run writes
that the next run, on a fresh checkout, cannot make again (review of issue 20, H1).

Each CI run starts from the repository: whatever rssarchive wrote into the site and the
recipe did not commit is gone next hour. The kept texts of re-checked articles
(_versions/) are read to write the versions pages, and archived images (assets/images/,
`images: local`) are the only copy of a picture: losing them loses the edit's history or
the image. So a real run here (the CLI against a local news site: archive with local
images, an edit found by a re-check, a deletion confirmed) writes into a copy of
output/, and every file it added or changed must lie under a path the recipe's commit
step adds."""

from __future__ import annotations

import base64
import glob
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml
from pytest_httpserver import HTTPServer
from statekit import cli, write_config
from test_recheck_e2e import NAMES, TEMPLATE, Site
from werkzeug import Request, Response

RECIPE = Path(__file__).resolve().parents[2] / "docs" / "github-actions.yml"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
# Written by every run and meant to stay out of git: the locks.
NOT_COMMITTED = {".rssarchive/run.lock", ".rssarchive/state.sqlite3.lock"}
# The state's crash-safety copy: a second database in every commit; the committed state
# is the one a finished run closed.
NOT_COMMITTED |= {".rssarchive/state.sqlite3.backup"}


class PictureSite(Site):
    """The news site, each article with a picture in its text."""

    def article(self, name: str) -> Callable[[Request], Response]:
        answer = super().article(name)

        def with_picture(request: Request) -> Response:
            response = answer(request)
            if response.status_code == 200 and response.mimetype == "text/html":
                picture = f"<figure><img src='/img/{name}.png' alt='图'></figure>"
                html = response.get_data(as_text=True).replace("<h1>", picture + "<h1>", 1)
                response.set_data(html.replace("</p><p>", f"</p>{picture}<p>", 1))
            return response

        return with_picture


@pytest.fixture
def news() -> Iterator[PictureSite]:
    server = HTTPServer(host="127.0.0.1")
    server.start()
    for name in NAMES:
        server.expect_request(f"/img/{name}.png").respond_with_data(PNG, content_type="image/png")
    try:
        yield PictureSite(server)
    finally:
        server.clear()
        server.stop()


def _committed_paths() -> list[str]:
    """The paths the recipe's commit step adds, relative to the site (output/)."""
    recipe = yaml.safe_load(RECIPE.read_text(encoding="utf-8"))
    (step,) = [s for s in recipe["jobs"]["archive"]["steps"] if s.get("id") == "commit"]
    loop = re.search(r"for path in (.*?); do", step["run"].replace("\\\n", " "), re.S)
    assert loop, step["run"]
    paths = loop.group(1).split()
    assert all(p.startswith("output/") for p in paths), paths
    return [p.removeprefix("output/") for p in paths]


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _archive(tmp_path: Path, news: PictureSite) -> tuple[Path, set[str]]:
    """Real runs into a copy of output/ (in tmp_path, the repository): archive with
    local images, an edit found by a re-check, a deletion confirmed. Returns the site and
    the files (relative to it) the runs added or changed."""
    site = tmp_path / "output"
    shutil.copytree(TEMPLATE, site, ignore=shutil.ignore_patterns("_posts", "_site", ".*"))
    template = _files(site)
    config = write_config(
        tmp_path / "config.yaml",
        [{"name": "News", "url": news.server.url_for("/feed.xml"), "content": "page"}],
        site_dir=site,
        state_path=site / ".rssarchive" / "state.sqlite3",
    )
    config.write_text(config.read_text(encoding="utf-8") + "images: local\n", encoding="utf-8")
    assert cli(config, "run", "--now", "2024-07-24T00:00:00Z").returncode == 0
    news.mode.update(edited="edited", gone="404")
    for now in ("2024-07-24T01:00:00Z", "2024-07-24T06:00:00Z"):
        result = cli(config, "run", "--now", now)
        assert result.returncode == 0, result.stderr
    written = {
        name
        for name, data in _files(site).items()
        if template.get(name) != data and name not in NOT_COMMITTED
    }
    # The run wrote what this test is about: kept texts, pictures, the pages of changes.
    tops = {name.split("/", 1)[0] for name in written}
    assert {"_posts", "_versions", "assets", "versions", "deleted", ".rssarchive"} <= tops
    assert any(name.startswith("assets/images/") for name in written)
    return site, written


def test_the_recipe_commits_everything_a_run_writes(tmp_path: Path, news: PictureSite) -> None:
    _site, written = _archive(tmp_path, news)
    committed = _committed_paths()
    missed = sorted(
        name
        for name in written
        if not any(name == path or name.startswith(path.rstrip("/") + "/") for path in committed)
    )
    assert missed == [], f"written by a run, not committed by the recipe: {missed}"


def _cache_key_patterns() -> list[list[str]]:
    """The hashFiles patterns of the build cache's key and of its restore-keys."""
    recipe = yaml.safe_load(RECIPE.read_text(encoding="utf-8"))
    (step,) = [
        s
        for s in recipe["jobs"]["archive"]["steps"]
        if str(s.get("uses", "")).startswith("actions/cache@")
    ]
    texts = [step["with"]["key"], step["with"]["restore-keys"]]
    return [
        re.findall(r"'([^']+)'", re.search(r"hashFiles\((.*?)\)", text, re.S).group(1))  # type: ignore[union-attr]
        for text in texts
    ]


def _hashed_files(repository: Path, patterns: list[str]) -> set[str]:
    """The files hashFiles(patterns) hashes in `repository`: every file a pattern
    matches (globs from the workspace, `**` any depth, hidden files too) but those a
    `!` pattern matches."""
    matched: set[str] = set()
    excluded: set[str] = set()
    for pattern in patterns:
        into = excluded if pattern.startswith("!") else matched
        for name in glob.glob(
            pattern.lstrip("!"), root_dir=repository, recursive=True, include_hidden=True
        ):
            if (repository / name).is_file():
                into.add(name)
    return matched - excluded


def test_the_build_cache_key_changes_with_the_template_not_with_a_run(
    tmp_path: Path, news: PictureSite
) -> None:
    """The key of the Actions cache (the previous build) must change when what every
    page is made from changes (config, layouts, includes, data, plugins, the pages
    around the posts) and not when a run archives: a run that writes an image
    (`images: local`) or records an edit would otherwise get a new key, restore nothing
    and build every year cold."""
    key, restore = _cache_key_patterns()
    assert key == restore
    _site, written = _archive(tmp_path, news)
    hashed = _hashed_files(tmp_path, key)
    for name in (
        "_config.yml",
        "_layouts/post.html",
        "_includes/labels.html",
        "_data/labels.yml",
        "_plugins/html_posts.rb",
        "index.html",
        "categories/index.html",
        "search/index.html",
    ):
        assert f"output/{name}" in hashed, name
    keyed = sorted(name for name in written if f"output/{name}" in hashed)
    assert keyed == [], f"written by a run, part of the build cache's key: {keyed}"
