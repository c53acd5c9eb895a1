"""Write one SQL dump per schema the code has ever written (run from the repository).

    python tests/state_schemas/build.py

For each commit that changed ``SCHEMA`` in rssarchive/state.py (rssarchive/store/state.py
since the stage layout, rssarchive/store/schema.py since state.py was split), the schema
is taken from
that commit as it was (``git show``) and filled with the same realistic rows, as that
version of the code wrote them: a feed with validators, two articles done, one pending
with its entry, one failed, and (where the table exists) a pending image retry. URLs are
written with placeholders that tests/store/test_state_schemas.py replaces with its server's:
``@BASE@`` for the URLs as given, ``@KEYBASE@`` for their normalized keys.

A new schema version adds its commit to COMMITS and a dump made the same way.
"""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Every commit whose SCHEMA differs from the one before (the three forms of schema 1
# all said 1); None: the schema as it is in the working tree.
COMMITS: dict[str, str | None] = {
    "v1-aa5d5f0": "aa5d5f0",  # the first: no redirect columns, no image_retries
    "v1-a4e09c1": "a4e09c1",  # feeds.moved_to, redirect_to, redirect_count
    "v1-760ef06": "760ef06",  # image_retries
    "v2": "a22fee2",  # feeds.warning; a version bump from now on
    "v3": "3acb685",  # aliases, articles.not_before, keys without dot-segments or "//"
    "v4": "6a7534d",  # rechecks: the re-check schedule and verdicts of archived articles
    "v5": "7dcbd5d",  # reused_guids; keys without a final slash, query parameters sorted
    "v6": "c8733a4",  # feed_guids: what each feed's guid last showed, and its article
    "v7": "834ca5e",  # rechecks.volatile: what earlier checks' two fetches disagreed on
    # rechecks.candidate (a changed text whose confirming fetch met a wall), recheck_hosts
    # (a host's pause asked by a 429 Retry-After, kept across runs)
    "v8": "0e2023a",
    "v9": "5d9cc8d",  # no table changed: keys without the tracking parameters added then
    "v10": "51f8af6",  # feeds.unchanged, last_document: when a poll goes without validators
    "v11": "1a13aa6",  # no table changed: keys without the tracking parameters added then
    "v12": "8fa356c",  # no table changed: keys without partner= (the New York Times')
    "v13": None,  # no table changed: keys without maca=, ns_*, ASP.NET sessions, index.html
}
# Where SCHEMA was, by commit: state.py at the top, then the stage layout's store/.
PLACES = ("rssarchive/state.py", "rssarchive/store/state.py", "rssarchive/store/schema.py")
NOW = "2024-07-20T08:00:00.000+00:00"


def schema_at(commit: str | None) -> tuple[str, str]:
    if commit is None:
        source = (HERE.parent.parent / "rssarchive" / "store" / "schema.py").read_text(
            encoding="utf-8"
        )
    else:
        source = ""
        for place in PLACES:
            shown = subprocess.run(
                ["git", "show", f"{commit}:{place}"],
                capture_output=True,
                text=True,
                cwd=HERE,
            )
            if shown.returncode == 0 and 'SCHEMA = """' in shown.stdout:
                source = shown.stdout
                break
    schema = re.search(r'SCHEMA = """(.*?)"""', source, re.S)
    version = re.search(r"SCHEMA_VERSION = (\d+)", source)
    assert schema and version
    return schema[1], version[1]


def entry(n: int, link: str) -> str:
    return json.dumps(
        {
            "title": f"Story {n}",
            "link": link,
            "guid": f"tag:news,{n}",
            "published": f"2024-07-0{n}T09:00:00+00:00",
            "author": "Desk",
            "content": f"<p>Story {n}: the whole text of the article as the feed gives it.</p>",
            "image": None,
        }
    )


def build(name: str, commit: str | None) -> None:
    schema, version = schema_at(commit)
    conn = sqlite3.connect(":memory:")
    conn.executescript(schema)
    conn.execute("INSERT INTO meta (key, value) VALUES ('schema', ?)", (version,))
    columns = {str(r[1]) for r in conn.execute("PRAGMA table_info(feeds)")}
    feed = {
        "url": "@BASE@/feed.xml",
        "name": "News",
        "etag": 'W/"old"',
        "last_modified": "Sat, 20 Jul 2024 08:00:00 GMT",
        "last_success": NOW,
        "failures": 0,
        "gone": 0,
        "posts": 2,
    }
    if "redirect_count" in columns:
        feed.update(moved_to=None, redirect_to=None, redirect_count=0)
    if "warning" in columns:
        feed.update(warning=None)
    conn.execute(
        f"INSERT INTO feeds ({', '.join(feed)}) VALUES ({', '.join('?' * len(feed))})",
        list(feed.values()),
    )
    rows = [
        # (n, link as archived, status, filename, entry, attempts, last_error)
        (1, "@BASE@/news/1.html?edition=1", "done", "2024-07-01-story-1.md", None, 0, None),
        (2, "@BASE@/news/2.html", "done", "2024-07-02-story-2.md", None, 0, None),
        (3, "@BASE@/news/3.html", "pending", None, "entry", 1, "timed out"),
        (5, "@BASE@/news/5.html", "failed", None, "entry", 5, "HTTP 404"),
    ]
    for n, link, status, filename, has_entry, attempts, error in rows:
        conn.execute(
            "INSERT INTO articles (url_key, url, guid_key, feed, status, filename, entry,"
            " attempts, last_error, created, updated) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                link.replace("@BASE@", "@KEYBASE@"),
                link,
                f"tag:news,{n}",
                "News",
                status,
                filename,
                entry(n, link) if has_entry else None,
                attempts,
                error,
                NOW,
                NOW,
            ),
        )
    tables = {str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master")}
    if "image_retries" in tables:
        conn.execute(
            "INSERT INTO image_retries VALUES ('2024-07-02-story-2.md', '@BASE@/news/2.html', 1)"
        )
    if "rechecks" in tables:
        # Story 1 was checked twice and found edited; story 2 is due at its first age.
        conn.execute(
            "INSERT INTO rechecks (article_id, archived, next_due, checks, status, reference,"
            " from_page, etag, last_checked, last_result, edited_at) VALUES"
            " (1, ?, '2024-07-23T08:00:00.000+00:00', 2, 'edited', 'Story 1, corrected.', 1,"
            " 'W/\"p1\"', '2024-07-20T14:00:00.000+00:00', 'edited', ?)",
            (NOW, "2024-07-20T14:00:00.000+00:00"),
        )
        conn.execute(
            "INSERT INTO rechecks (article_id, archived, next_due) VALUES (2, ?, ?)",
            (NOW, "2024-07-20T09:00:00.000+00:00"),
        )
    if "feed_guids" in tables:
        # Story 1 as its feed last showed it (identity.text_key of its text).
        conn.execute(
            "INSERT INTO feed_guids VALUES ('tag:news,1', 'News', 1, 'Story 1',"
            " '2024-07-01T09:00:00+00:00', 'e09e8c8f63885a7d3cbab5536bc141f8')"
        )
    conn.commit()
    text = "\n".join(conn.iterdump()) + "\n"
    made = f"schema of {commit}" if commit else f"schema {version} as the code writes it"
    (HERE / f"{name}.sql").write_text(f"-- {made}; made by build.py\n{text}")


if __name__ == "__main__":
    for name, commit in COMMITS.items():
        build(name, commit)
