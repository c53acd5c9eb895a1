"""Re-checks end to end, review 19s: a local site archived by the real CLI (or a state
database of an older schema with its posts), changed under it, re-checked with --now.

- M6: an article deleted and brought back with its text changed is restored AND edited:
  both counted by `recheck --json` and `status --json`, both in the changes feed, its
  new text a version;
- H2: an article archived before re-checks existed (no reference text kept) is compared
  with its post's text at its first check: an edit made before that check is recorded,
  not taken as the article as archived;
- M3: such an article is first checked at the age it has reached, not the one after.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from pytest_httpserver import HTTPServer
from statekit import cli, json_of, rows, rss, run_json, write_config
from werkzeug import Request, Response

T0 = "2024-07-24T00:00:00Z"
T1 = "2024-07-24T01:00:00Z"  # 1 h: the first age
T2 = "2024-07-24T06:00:00Z"  # 6 h: a suspicion confirmed
T3 = "2024-07-25T00:00:00Z"  # 1 d
PARAGRAPHS = [
    "The city council approved the budget on Tuesday by forty votes to ten, after a long"
    " debate that ran late into the night.",
    "The mayor said she would sign the budget this week, and that the new buses would be"
    " ordered before the end of the year.",
    "Opposition members said the plan left the northern districts without the services"
    " they had been promised for years.",
]
EDITED = [PARAGRAPHS[0].replace("forty", "fifty"), *PARAGRAPHS[1:]]
TITLE = "Council approves budget"


def _page(paragraphs: list[str]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{TITLE}</title></head>"
        f"<body><article><h1>{TITLE}</h1>{body}</article></body></html>"
    )


class Site:
    """One article, served as ``mode`` says: "archived", "edited" or "404" (``log``: its
    requests' modes); any other page under /news/ as archived."""

    def __init__(self, server: HTTPServer, path: str = "/n/a.html") -> None:
        self.server = server
        self.path = path
        self.mode = "archived"
        self.log: list[str] = []
        server.expect_request(re.compile(".*")).respond_with_handler(self.answer)

    def url(self, path: str) -> str:
        return self.server.url_for("/").rstrip("/") + path

    def answer(self, request: Request) -> Response:
        if request.path == "/feed.xml":
            items = [{"title": TITLE, "link": self.url(self.path), "guid": self.path}]
            return Response(rss(items), content_type="application/rss+xml")
        if request.path == "/":
            # The front page answers: a 404 of the article is confirmed (issue 19, F10).
            return Response("<html><body><p>Front page</p></body></html>", content_type="text/html")
        if request.path != self.path:
            # The site's other articles (an older state's), as archived.
            if not request.path.startswith("/news/"):
                return Response("not found", status=404)
            return Response(_page(PARAGRAPHS), content_type="text/html; charset=utf-8")
        self.log.append(self.mode)
        if self.mode == "404":
            return Response("gone", status=404)
        text = PARAGRAPHS if self.mode == "archived" else EDITED
        return Response(_page(text), content_type="text/html; charset=utf-8")


def _config(tmp_path: Path, site: Site) -> tuple[Path, Path]:
    state = tmp_path / "site" / ".rssarchive" / "state.sqlite3"
    config = write_config(
        tmp_path / "config.yaml",
        [{"name": "News", "url": site.url("/feed.xml"), "content": "page"}],
        site_dir=tmp_path / "site",
        state_path=state,
    )
    return config, state


def test_an_article_back_with_its_text_changed_is_restored_and_edited(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    site = Site(httpserver)
    config, state = _config(tmp_path, site)
    run_json(config, "run", "--now", T0)
    site.mode = "404"
    assert run_json(config, "recheck", "--now", T1)["recheck"]["suspected"] == 1
    assert run_json(config, "recheck", "--now", T2)["recheck"]["deleted"] == 1
    site.mode = "edited"
    back = run_json(config, "recheck", "--now", T3)["recheck"]
    assert (back["restored"], back["edited"]) == (1, 1), back
    assert sorted(c["event"] for c in back["changes"]) == ["edited", "restored"]
    [(status, edited_at)] = rows(state, "SELECT status, edited_at FROM rechecks")
    assert status == "restored" and edited_at is not None
    shown = json_of(cli(config, "status", "--json"))["rechecks"]
    assert (shown["restored"], shown["edited"], shown["deleted"]) == (1, 1, 0)
    kept = sorted((tmp_path / "site" / "_versions").glob("*/*.txt"))
    assert [p.name for p in kept] == ["2024-07-24T000000Z.txt", "2024-07-25T000000Z.txt"]
    assert "fifty votes" in kept[1].read_text(encoding="utf-8")
    feed = (tmp_path / "site" / "changes.xml").read_text(encoding="utf-8")
    terms = re.findall(r'<category term="(\w+)"/>', feed)
    assert sorted(terms) == ["deleted", "edited", "restored"], feed
    changes = json.loads((tmp_path / "site" / "_data" / "changes.json").read_text())
    [entry] = changes.values()
    assert {"edited", "restored"} <= set(entry)


# -- articles archived before re-checks existed (a schema 3 database and its posts) ------

SCHEMA_3 = Path(__file__).resolve().parents[1] / "state_schemas" / "v3.sql"


def _upgraded(tmp_path: Path, server: HTTPServer, story2: str) -> tuple[Path, Path, Site]:
    """A schema 3 state (before re-checks) with its two archived posts: story 1's post
    cannot be read (not UTF-8); story 2's holds the article as archived, and its page
    now serves ``story2`` ("archived" or "edited")."""
    from test_state_schemas import _load, _post

    site = Site(server, "/news/2.html")
    site.mode = story2
    base = server.url_for("/").rstrip("/")
    config, state = _config(tmp_path, site)
    _load(SCHEMA_3, state, base)
    posts = tmp_path / "site" / "_posts"
    posts.mkdir(parents=True)
    (posts / "2024-07-01-story-1.md").write_bytes(b"---\ntitle: \xff\xfe\n---\n")
    body = "\n".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    (posts / "2024-07-02-story-2.md").write_text(
        _post("2024-07-02-story-2.md", "Story 2", f"{base}/news/2.html", body)
    )
    return config, state, site


def _checks(state: Path) -> dict[int, tuple[str, int, str | None]]:
    found = rows(state, "SELECT article_id, status, checks, next_due FROM rechecks")
    return {ident: (status, checks, due) for ident, status, checks, due in found}


def test_an_edit_before_the_first_check_of_an_upgraded_article_is_recorded(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    """Story 2, archived (2024-07-02 09:00) by a version without re-checks, edited
    since: its first check (at 6 h) compares the page with its post, an edit, whose
    first version is the post's text. Story 1's post cannot be read: its page is taken
    as the article, and the report says so."""
    config, state, _ = _upgraded(tmp_path, httpserver, "edited")
    report = run_json(config, "recheck", "--now", "2024-07-02T15:00:00Z")["recheck"]
    assert _checks(state)[2][:2] == ("edited", 1), report
    assert report["edited"] == 1
    kept = sorted((tmp_path / "site" / "_versions" / "2024-07-02-story-2").glob("*.txt"))
    assert [p.name for p in kept] == ["2024-07-02T090000Z.txt", "2024-07-02T150000Z.txt"]
    assert "forty votes" in kept[0].read_text() and "fifty votes" in kept[1].read_text()
    said = [w for w in report["warnings"] if "2024-07-01-story-1.md cannot be read" in w]
    assert len(said) == 1, report["warnings"]


def test_an_unchanged_upgraded_article_is_no_edit(tmp_path: Path, httpserver: HTTPServer) -> None:
    config, state, _ = _upgraded(tmp_path, httpserver, "archived")
    report = run_json(config, "recheck", "--now", "2024-07-02T15:00:00Z")["recheck"]
    assert _checks(state)[2][:2] == ("unchanged", 1)
    assert (report["edited"], report["unchanged"]) == (0, 2)
    assert not (tmp_path / "site" / "_versions" / "2024-07-02-story-2").exists()


def test_an_upgraded_article_is_checked_at_the_age_it_reached(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    """Upgraded at 10:30, 1 h 30 after story 2 was archived: checked now, for its 1 h
    age, and next at 6 h (its first check was at 6 h: the 1 h age skipped)."""
    config, state, site = _upgraded(tmp_path, httpserver, "archived")
    report = run_json(config, "recheck", "--now", "2024-07-02T10:30:00Z")["recheck"]
    assert site.log == ["archived"], report
    assert _checks(state)[2] == ("unchanged", 1, "2024-07-02T15:00:00.000+00:00")
