"""The state database's schema: its tables (SCHEMA), its version, and the steps that
upgrade a database of an older version in place (MIGRATIONS; State._init_schema runs
them, one transaction each)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from rssarchive.core.urls import is_safe_link, normalize_url, without_fragment

# Bumped by every change of SCHEMA, with a step in MIGRATIONS from the version before.
# 1: the first schema, changed three times without a bump (tests/state_schemas/);
# 2: feeds.warning, and every column and table of schema 1's last form;
# 3: aliases (the URL a redirect ended at), articles.not_before (a server's Retry-After),
#    and URL keys without dot-segments or doubled slashes (urls.normalize_url);
# 4: rechecks (re-checks of archived articles, recheck.py).
# 5: reused_guids (a guid seen on different articles identifies none), and URL keys
#    without a final slash, their query parameters sorted (urls.normalize_url).
# 6: feed_guids (what each feed's guid last showed, and the article it is: a guid
#    attached to an article another source archived, and the reference a later move of
#    it is compared with; identity.py).
# 7: rechecks.volatile (what earlier checks' two fetches disagreed on: recheck.py).
# 8: rechecks.candidate (a changed text whose confirming fetch met a wall: recheck.py),
#    recheck_hosts (a host's pause asked by a 429 Retry-After, kept across runs).
# 9: URL keys without the tracking parameters and session ids urls.TRACKING_PARAMS
#    came to know (_hsenc, ocid, jsessionid …): no table changes, the keys do.
# 10: feeds.unchanged and feeds.last_document (304s in a row and the last 200: when a
#    poll goes without validators, decide.FEED_REVALIDATION).
# 11: URL keys without the tracking parameters urls.TRACKING_PARAMS came to know since
#    (cmp, emc; the AT Internet, Matomo, Webtrends ones): no table changes, the keys do.
# 12: URL keys without the New York Times' partner= (urls.TRACKING_PARAMS): no table
#    changes, the keys do.
# 13: URL keys without maca=, Medium's source=rss…, comScore's ns_*, an ASP.NET session
#    segment, a final index.html; with a router path (#/…): no table changes, the keys do.
SCHEMA_VERSION = 13

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS feeds (
    url TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    etag TEXT,
    last_modified TEXT,
    last_success TEXT,
    last_error TEXT,
    last_error_at TEXT,
    failures INTEGER NOT NULL DEFAULT 0,
    next_allowed TEXT,
    gone INTEGER NOT NULL DEFAULT 0,
    posts INTEGER NOT NULL DEFAULT 0,
    moved_to TEXT,
    redirect_to TEXT,
    redirect_count INTEGER NOT NULL DEFAULT 0,
    warning TEXT,
    unchanged INTEGER NOT NULL DEFAULT 0,
    last_document TEXT
);
CREATE TABLE IF NOT EXISTS articles (
    id INTEGER PRIMARY KEY,
    url_key TEXT NOT NULL UNIQUE,
    url TEXT NOT NULL,
    guid_key TEXT,
    feed TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'done', 'failed')),
    filename TEXT,
    entry TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    not_before TEXT
);
CREATE TABLE IF NOT EXISTS aliases (
    url_key TEXT PRIMARY KEY,
    article_id INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS reused_guids (guid_key TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS feed_guids (
    guid_key TEXT NOT NULL,
    feed TEXT NOT NULL,
    article_id INTEGER NOT NULL,
    title TEXT,
    published TEXT,
    text_key TEXT,
    PRIMARY KEY (guid_key, feed)
);
CREATE TABLE IF NOT EXISTS image_retries (
    filename TEXT PRIMARY KEY,
    page_url TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS rechecks (
    article_id INTEGER PRIMARY KEY,
    archived TEXT NOT NULL,
    next_due TEXT,
    checks INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'unchanged',
    reference TEXT,
    from_page INTEGER NOT NULL DEFAULT 0,
    etag TEXT,
    last_modified TEXT,
    last_checked TEXT,
    last_result TEXT,
    edited_at TEXT,
    suspected_at TEXT,
    deleted_at TEXT,
    restored_at TEXT,
    volatile TEXT,
    candidate TEXT
);
CREATE INDEX IF NOT EXISTS rechecks_due ON rechecks (next_due);
CREATE TABLE IF NOT EXISTS recheck_hosts (host TEXT PRIMARY KEY, paused_until TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS articles_guid ON articles (guid_key);
CREATE INDEX IF NOT EXISTS articles_status ON articles (status);
"""


def _add_columns(conn: sqlite3.Connection, table: str, columns: dict[str, str]) -> None:
    have = {str(r[1]) for r in conn.execute(f"PRAGMA table_info({table})")}
    for name, definition in columns.items():
        if name not in have:
            conn.execute(f"ALTER TABLE {table} ADD COLUMN {name} {definition}")


def _to_2(conn: sqlite3.Connection) -> None:
    # Schema 1 was written in three forms (aa5d5f0; a4e09c1 added the feed's redirect
    # columns; 760ef06 added image_retries): bring any of them to its last form, then
    # add what schema 2 adds.
    _add_columns(
        conn,
        "feeds",
        {
            "moved_to": "TEXT",
            "redirect_to": "TEXT",
            "redirect_count": "INTEGER NOT NULL DEFAULT 0",
            "warning": "TEXT",
        },
    )
    conn.execute(
        "CREATE TABLE IF NOT EXISTS image_retries (filename TEXT PRIMARY KEY,"
        " page_url TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0)"
    )


def _to_3(conn: sqlite3.Connection) -> None:
    _add_columns(conn, "articles", {"not_before": "TEXT"})
    conn.execute(
        "CREATE TABLE IF NOT EXISTS aliases (url_key TEXT PRIMARY KEY, article_id INTEGER NOT NULL)"
    )
    # Keys now resolve dot-segments and doubled slashes: an article recorded under the
    # old spelling of a key must be found by the new one, or it is archived again. A
    # key whose new form another row has already keeps its old form (that row answers
    # for the new one).
    _rekey_articles(
        conn,
        "url_key LIKE '%/.%' OR instr(substr(url_key, 9), '//') > 0"
        " OR guid_key LIKE '%/.%' OR instr(substr(guid_key, 9), '//') > 0",
    )


def _rekey_articles(conn: sqlite3.Connection, where: str) -> None:
    """Rewrite the URL and guid keys of the articles matching ``where`` (an SQL condition
    that finds every key the new normalize_url spells otherwise) to their new form. A key
    whose new form another row has already keeps its old form: that row answers for it."""
    taken = {str(r[0]) for r in conn.execute("SELECT url_key FROM articles")}
    for article_id, url_key, guid_key in conn.execute(
        f"SELECT id, url_key, guid_key FROM articles WHERE {where}"
    ).fetchall():
        new_key = normalize_url(url_key)
        if new_key != url_key and new_key not in taken:
            conn.execute("UPDATE articles SET url_key = ? WHERE id = ?", (new_key, article_id))
            taken.add(new_key)
        if guid_key is not None and is_safe_link(guid_key):
            conn.execute(
                "UPDATE articles SET guid_key = ? WHERE id = ?",
                (normalize_url(guid_key), article_id),
            )


def _to_4(conn: sqlite3.Connection) -> None:
    # The table only: the articles archived before it get their schedule from their
    # archive time when re-checks first run (State.unscheduled, State.enroll), so that those past
    # their last age are never fetched again.
    # One statement at a time (not executescript): inside the step's transaction.
    start = SCHEMA.index("CREATE TABLE IF NOT EXISTS rechecks")
    end = SCHEMA.index("CREATE TABLE IF NOT EXISTS recheck_hosts")
    for statement in SCHEMA[start:end].split(";"):
        if statement.strip():
            conn.execute(statement)


def _to_5(conn: sqlite3.Connection) -> None:
    conn.execute("CREATE TABLE IF NOT EXISTS reused_guids (guid_key TEXT PRIMARY KEY)")
    # Keys now drop a final slash and sort their query parameters: an article recorded
    # under the old spelling of its key must be found by the new one, or it is archived
    # again. As in _to_3, a key whose new form another row has already keeps its old
    # form (that row answers for the new one).
    _rekey_articles(
        conn,
        "url_key LIKE '%/' OR url_key LIKE '%?%&%' OR guid_key LIKE '%/' OR guid_key LIKE '%?%&%'",
    )
    _rekey_aliases(conn, "url_key LIKE '%/' OR url_key LIKE '%?%&%'")


def _rekey_aliases(conn: sqlite3.Connection, where: str) -> None:
    """As _rekey_articles, for the aliases' keys (an alias whose new key another alias
    has already is left: that one answers for it)."""
    for (url_key,) in conn.execute(f"SELECT url_key FROM aliases WHERE {where}").fetchall():
        new_key = normalize_url(url_key)
        if new_key != url_key:
            conn.execute(
                "UPDATE OR IGNORE aliases SET url_key = ? WHERE url_key = ?", (new_key, url_key)
            )


def _to_6(conn: sqlite3.Connection) -> None:
    # The table only: an article archived before it is compared with its post, or its
    # entry, as before, until its feed lists its item again (State.see_guid).
    start = SCHEMA.index("CREATE TABLE IF NOT EXISTS feed_guids")
    end = SCHEMA.index("CREATE TABLE IF NOT EXISTS image_retries")
    conn.execute(SCHEMA[start:end].strip().rstrip(";"))


def _to_7(conn: sqlite3.Connection) -> None:
    # Empty for every article: its variants are learnt from its next checks.
    _add_columns(conn, "rechecks", {"volatile": "TEXT"})


def _to_8(conn: sqlite3.Connection) -> None:
    # Empty: no unconfirmed edit is pending, and no host paused.
    _add_columns(conn, "rechecks", {"candidate": "TEXT"})
    start = SCHEMA.index("CREATE TABLE IF NOT EXISTS recheck_hosts")
    end = SCHEMA.index("CREATE INDEX IF NOT EXISTS articles_guid")
    conn.execute(SCHEMA[start:end].strip().rstrip(";"))


def _to_9(conn: sqlite3.Connection) -> None:
    # Keys that hold a query: those whose query named a parameter urls.TRACKING_PARAMS now
    # drops are found by their new keys, or the next run archives their articles again.
    _rekey_articles(
        conn,
        "url_key LIKE '%?%' OR guid_key LIKE '%?%'"
        " OR url_key LIKE '%;jsessionid=%' OR guid_key LIKE '%;jsessionid=%'",
    )
    _rekey_aliases(conn, "url_key LIKE '%?%' OR url_key LIKE '%;jsessionid=%'")


def _to_10(conn: sqlite3.Connection) -> None:
    # Not known: the validators go back as kept, and the policy's day counts from the
    # first 304 after the upgrade (Revalidation.polled).
    _add_columns(
        conn, "feeds", {"unchanged": "INTEGER NOT NULL DEFAULT 0", "last_document": "TEXT"}
    )


def _to_11(conn: sqlite3.Connection) -> None:
    # The same rekeying as schema 9's, for the names added to urls.TRACKING_PARAMS since.
    _to_9(conn)


def _to_12(conn: sqlite3.Connection) -> None:
    # The same rekeying again, for partner= (look 16's open NYT duplicate).
    _to_9(conn)


def _to_13(conn: sqlite3.Connection) -> None:
    # Schema 9's rekeying for the new tracking names, and for keys whose path held an
    # ASP.NET session segment or ended in a directory's index document.
    _to_9(conn)

    def path(col: str) -> str:
        return f"{col} LIKE '%/(%' OR {col} LIKE '%/index.htm%' OR {col} LIKE '%/index.php%'"

    _rekey_articles(conn, f"{path('url_key')} OR {path('guid_key')}")
    _rekey_aliases(conn, path("url_key"))
    # A router path (/#/detail?id=2) was dropped with every fragment: an article whose key
    # is its URL's without it gets the key with it (the URL as listed is kept).
    taken = {str(r[0]) for r in conn.execute("SELECT url_key FROM articles")}
    for article_id, url, url_key in conn.execute(
        "SELECT id, url, url_key FROM articles WHERE url LIKE '%#/_%'"
    ).fetchall():
        new_key = normalize_url(url)
        if new_key not in taken and normalize_url(without_fragment(url)) == url_key:
            conn.execute("UPDATE articles SET url_key = ? WHERE id = ?", (new_key, article_id))
            taken.add(new_key)


# version -> the step that upgrades a database of that version to the next one.
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {
    1: _to_2,
    2: _to_3,
    3: _to_4,
    4: _to_5,
    5: _to_6,
    6: _to_7,
    7: _to_8,
    8: _to_9,
    9: _to_10,
    10: _to_11,
    11: _to_12,
    12: _to_13,
}
