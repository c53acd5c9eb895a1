"""Schema migrations: a state database of every schema the code has ever written
(tests/state_schemas/*.sql, made from the history by build.py) is upgraded in place, and
then a real run and status work and archive nothing twice; a newer schema is refused by
every command with exit 2 and one line, and left as it was."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from statekit import GIF, cli, json_of, rows, rss, sources, write_config
from werkzeug import Request, Response

from rssarchive.core.urls import normalize_url
from rssarchive.store.schema import SCHEMA_VERSION

SCHEMAS = sorted((Path(__file__).parent.parent / "state_schemas").glob("*.sql"))


def _post(name: str, title: str, url: str, body: str) -> str:
    return (
        f"---\nlayout: post\ntitle: {title}\ndate: {name[:10]} 09:00:00 +0000\n"
        f"from: {url}\n---\n\n<div>\n{body}\n</div>\n"
    )


def _load(dump: Path, state: Path, base: str) -> None:
    keybase = normalize_url(f"{base}/x")[: -len("/x")]
    text = dump.read_text(encoding="utf-8")
    text = text.replace("@KEYBASE@", keybase).replace("@BASE@", base)
    state.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(state) as conn:
        conn.executescript(text)
    conn.close()


def _item(base: str, n: int, link: str | None = None) -> dict[str, str]:
    return {
        "title": f"Story {n}",
        "link": link or f"{base}/news/{n}.html",
        "guid": f"tag:news,{n}",
        "pubDate": f"Tue, 0{n} Jul 2024 09:00:00 GMT",
        "content": f"<p>Story {n}: the whole text of the article as the feed gives it.</p>",
    }


def test_every_schema_ever_written_is_in_the_test_data() -> None:
    # build.py lists one dump per schema; a new SCHEMA_VERSION needs its own.
    stems = {
        "v1-aa5d5f0",
        "v1-a4e09c1",
        "v1-760ef06",
        "v2",
        "v3",
        "v4",
        "v5",
        "v6",
        "v7",
        "v8",
        "v9",
        "v10",
        "v11",
        "v12",
        "v13",
    }
    assert {p.stem for p in SCHEMAS} >= stems
    assert SCHEMA_VERSION == 13, "a new schema version: add its dump (build.py) and a step"


@pytest.mark.parametrize("dump", SCHEMAS, ids=[p.stem for p in SCHEMAS])
def test_old_schema_upgrades_in_place_and_archives_nothing_twice(
    tmp_path: Path, httpserver: HTTPServer, dump: Path
) -> None:
    base = httpserver.url_for("/").rstrip("/")
    state, site = tmp_path / "state" / "state.sqlite3", tmp_path / "site"
    _load(dump, state, base)
    has_retries = bool(rows(state, "SELECT name FROM sqlite_master WHERE name='image_retries'"))
    posts = site / "_posts"
    posts.mkdir(parents=True)
    remote = f'<p>Story 2</p><img src="{base}/img/2.gif">'
    (posts / "2024-07-01-story-1.md").write_text(
        _post("2024-07-01-story-1.md", "Story 1", f"{base}/news/1.html?edition=1", "<p>1</p>")
    )
    (posts / "2024-07-02-story-2.md").write_text(
        _post("2024-07-02-story-2.md", "Story 2", f"{base}/news/2.html", remote)
    )
    seen_etags: list[str | None] = []

    def feed(request: Request) -> Response:
        seen_etags.append(request.headers.get("If-None-Match"))
        if request.headers.get("If-None-Match") == 'W/"new"':
            return Response(status=304, headers={"ETag": 'W/"new"'})
        # Story 1's link changed since it was archived; its guid did not.
        items = [
            _item(base, 4),
            _item(base, 3),
            _item(base, 2),
            _item(base, 1, f"{base}/news/1.html?edition=2"),
        ]
        return Response(
            rss(items), headers={"ETag": 'W/"new"', "Content-Type": "application/rss+xml"}
        )

    httpserver.expect_request("/feed.xml").respond_with_handler(feed)
    httpserver.expect_request("/img/2.gif").respond_with_data(GIF, content_type="image/gif")
    # The articles' pages, for the re-checks: as the validators last seen said.
    httpserver.expect_request("/news/1.html").respond_with_data("", status=304)
    httpserver.expect_request("/news/2.html").respond_with_data("", status=304)
    config = write_config(
        tmp_path / "config.yaml",
        [{"name": "News", "url": f"{base}/feed.xml", "content": "feed", "images": "local"}],
        site_dir=site,
        state_path=state,
    )

    # status reads the old schema as it is (before: "no such column"), and writes nothing.
    before = state.read_bytes()
    status = cli(config, "status")
    assert status.returncode == 0, status.stderr
    # Its pending article failed an attempt already: the feed is failing (M9).
    assert "News: FAILING (1 articles failing)" in status.stdout, status.stdout
    assert "1 pending, 1 failed" in status.stdout
    assert state.read_bytes() == before
    dry = cli(config, "run", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    # Story 4 is new, story 3 pending: a real run writes both.
    assert dry.stdout.count("would write: ") == 2, dry.stdout
    assert state.read_bytes() == before
    assert seen_etags == ['W/"old"']  # the dry run read the validators too

    seen_etags.clear()
    done = cli(config, "run", "--now", "2024-07-24T01:45:53Z")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "no such column" not in done.stderr
    assert rows(state, "SELECT value FROM meta WHERE key = 'schema'") == [(str(SCHEMA_VERSION),)]
    assert seen_etags == ['W/"old"'], "the feed's validators did not survive the upgrade"
    # Schema 10's: the feed's document came (a 200): no 304 in a row, and when.
    assert rows(state, "SELECT unchanged, last_document FROM feeds") == [
        (0, "2024-07-24T01:45:53+00:00")
    ]
    # Schema 4's (and later) re-check records survive; older ones get schedules from the
    # earlier of their archive time (2024-07-20) and their post's date (2024-07-01 and
    # -02, 09:00): the next age after 2024-07-24 is then 30 days.
    checks = rows(state, "SELECT article_id, status, etag, next_due FROM rechecks ORDER BY 1")
    if dump.stem in ("v4", "v5", "v6", "v7", "v8", "v9", "v10", "v11", "v12", "v13"):
        assert checks[0] == (1, "edited", 'W/"p1"', "2024-07-27T08:00:00.000+00:00")
    else:
        assert checks[:2] == [
            (1, "unchanged", None, "2024-07-31T09:00:00.000+00:00"),
            (2, "unchanged", None, "2024-08-01T09:00:00.000+00:00"),
        ]
    # Schema 8's: an unconfirmed edit's text per article, a host's pause across runs.
    columns = {r[1] for r in rows(state, "PRAGMA table_info(rechecks)")}
    assert {"volatile", "candidate"} <= columns
    assert rows(state, "SELECT * FROM recheck_hosts") == []
    expected = ["1.html?edition=1", "2.html", "3.html", "4.html"]
    assert sorted(sources(posts)) == [f"{base}/news/{tail}" for tail in expected], (
        "an article was archived twice, or a pending or new one not at all"
    )
    story2 = (posts / "2024-07-02-story-2.md").read_text()
    if has_retries:  # the pending image retry was carried through the upgrade
        assert '<img src="/assets/images/' in story2, story2
        assert rows(state, "SELECT * FROM image_retries") == []
    else:
        assert remote in story2

    status = cli(config, "status", "--json")
    assert status.returncode == 0, status.stderr
    (news,) = json_of(status)["feeds"]
    assert (news["posts"], news["pending"], news["ok"], news["warning"]) == (4, 0, True, None)
    assert [a["url"] for a in json_of(status)["failed_articles"]] == [f"{base}/news/5.html"]
    again = cli(config, "run")
    assert again.returncode == 0, again.stderr
    assert "new posts: 0" in again.stdout
    assert len(sources(posts)) == 4


def test_feed_warning_is_kept_and_shown_by_status(tmp_path: Path) -> None:
    # The column another part of the code fills (items cut by a cap); status shows it.
    from rssarchive.store.state import FeedState, State

    state_path = tmp_path / "state" / "state.sqlite3"
    state = State.open(state_path)
    state.save_feed(
        FeedState(url="http://127.0.0.1:9/feed.xml", name="News", warning="items cut: 10")
    )
    state.close()
    config = write_config(
        tmp_path / "config.yaml",
        [{"name": "News", "url": "http://127.0.0.1:9/feed.xml"}],
        site_dir=tmp_path / "site",
        state_path=state_path,
    )
    text = cli(config, "status")
    assert "  warning:      items cut: 10\n" in text.stdout
    assert json_of(cli(config, "status", "--json"))["feeds"][0]["warning"] == "items cut: 10"


COMMANDS = [
    ("run",),
    ("run", "--dry-run"),
    ("run", "--json"),
    ("backfill", "http://127.0.0.1:9/a.html"),
    ("status",),
    ("status", "--json"),
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_newer_schema_is_refused_by_every_command(tmp_path: Path, command: tuple[str]) -> None:
    state = tmp_path / "state" / "state.sqlite3"
    _load(SCHEMAS[-1], state, "http://127.0.0.1:9")
    with sqlite3.connect(state) as conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'schema'", (str(SCHEMA_VERSION + 1),))
    conn.close()
    before = state.read_bytes()
    config = write_config(
        tmp_path / "config.yaml",
        [{"name": "News", "url": "http://127.0.0.1:9/feed.xml"}],
        site_dir=tmp_path / "site",
        state_path=state,
    )
    done = cli(config, *command)
    assert done.returncode == 2, done.stderr
    line = (
        f"rssarchive: {state}: state database is from a newer rssarchive "
        f"(schema {SCHEMA_VERSION + 1} > {SCHEMA_VERSION}); upgrade rssarchive to use it\n"
    )
    assert done.stderr == line
    if "--json" in command:
        assert json_of(done) == {"exit_code": 2, "error": line[len("rssarchive: ") : -1]}
    else:
        assert done.stdout == ""
    assert state.read_bytes() == before
    assert not list(state.parent.glob("*.corrupt"))
    # Nothing in the site but the run's lock, taken before the state is opened.
    site = tmp_path / "site"
    assert [p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()] in (
        [],
        [".rssarchive/run.lock"],
    )


def test_schema_3_keys_are_rekeyed_to_the_newest_schemas(tmp_path: Path) -> None:
    # Keys written before they dropped a final slash and sorted their query: the
    # articles must be found by their new keys, or the next run archives them again.
    from rssarchive.store.state import State

    base = "http://news.example"
    state = tmp_path / "state.sqlite3"
    _load(Path(__file__).parent.parent / "state_schemas" / "v3.sql", state, base)
    keybase = normalize_url(f"{base}/x")[: -len("/x")]
    with sqlite3.connect(state) as conn:
        for n, tail in ((6, "/news/6/"), (7, "/news/7.html?b=2&a=1"), (8, "/news/8.html")):
            conn.execute(
                "INSERT INTO articles (id, url_key, url, guid_key, feed, status, filename,"
                " created, updated) VALUES (?, ?, ?, ?, 'News', 'done', ?, '', '')",
                (n, keybase + tail, base + tail, f"{keybase}/guid/{n}/", f"{n}.md"),
            )
        # A key whose new form another row has: it keeps its old form.
        conn.execute(
            "INSERT INTO articles (id, url_key, url, feed, status, created, updated)"
            " VALUES (9, ?, ?, 'News', 'done', '', '')",
            (keybase + "/news/8.html/", base + "/news/8.html/"),
        )
        conn.execute("INSERT INTO aliases VALUES (?, 6)", (keybase + "/moved/6/",))
    conn.close()
    opened = State.open(state)
    try:
        for n, url in (
            (6, f"{base}/news/6"),
            (7, f"{base}/news/7.html?a=1&b=2"),
            (8, f"{base}/news/8.html/"),
            (6, f"{base}/moved/6"),
        ):
            assert opened.lookup(normalize_url(url)) == (n, "done"), url
        assert [o.id for o in opened.guid_owners(normalize_url(f"{base}/guid/7"))] == [7]
    finally:
        opened.close()
    assert rows(state, "SELECT value FROM meta WHERE key = 'schema'") == [(str(SCHEMA_VERSION),)]
    assert rows(state, "SELECT url_key FROM articles WHERE id = 9") == [
        (keybase + "/news/8.html/",)
    ]


def test_schema_8_keys_lose_the_tracking_parameters_known_since(tmp_path: Path) -> None:
    # Keys written while _hsenc, ocid, jsessionid … were still taken for real
    # parameters: the articles must be found by their new keys (the same link with
    # another value of them), or the next run archives them again (look16 F6).
    from rssarchive.store.state import State

    base = "http://news.example"
    state = tmp_path / "state.sqlite3"
    _load(Path(__file__).parent.parent / "state_schemas" / "v8.sql", state, base)
    keybase = normalize_url(f"{base}/x")[: -len("/x")]
    with sqlite3.connect(state) as conn:
        for n, query in ((6, "?_hsenc=p2A&id=6"), (7, "?ocid=rss"), (8, ";jsessionid=AB12")):
            conn.execute(
                "INSERT INTO articles (id, url_key, url, guid_key, feed, status, filename,"
                " created, updated) VALUES (?, ?, ?, ?, 'News', 'done', ?, '', '')",
                (
                    n,
                    f"{keybase}/news/{n}.html{query}",
                    f"{base}/news/{n}.html{query}",
                    f"{keybase}/guid/{n}{query}",
                    f"{n}.md",
                ),
            )
        conn.execute("INSERT INTO aliases VALUES (?, 7)", (keybase + "/moved/7?cmpid=x",))
        # Kept as it was: a parameter that is no tracker.
        conn.execute(
            "INSERT INTO articles (id, url_key, url, feed, status, created, updated)"
            " VALUES (9, ?, ?, 'News', 'done', '', '')",
            (keybase + "/news/9.html?ref=home", base + "/news/9.html?ref=home"),
        )
    conn.close()
    opened = State.open(state)
    try:
        for n, url in (
            (6, f"{base}/news/6.html?id=6&_hsenc=other"),
            (7, f"{base}/news/7.html?ocid=newsletter"),
            (8, f"{base}/news/8.html;jsessionid=CD34"),
            (8, f"{base}/news/8.html"),
            (7, f"{base}/moved/7"),
            (9, f"{base}/news/9.html?ref=home"),
        ):
            assert opened.lookup(normalize_url(url)) == (n, "done"), url
        assert [o.id for o in opened.guid_owners(normalize_url(f"{base}/guid/7"))] == [7]
    finally:
        opened.close()
    assert rows(state, "SELECT value FROM meta WHERE key = 'schema'") == [(str(SCHEMA_VERSION),)]


def test_schema_10_keys_lose_the_campaign_codes_known_since(tmp_path: Path) -> None:
    # Keys written while the Guardian's CMP= and the New York Times' emc= were still
    # taken for real parameters: found by their new keys after the upgrade, or the
    # next run archives them again (look16c F3b).
    from rssarchive.store.state import State

    base = "http://news.example"
    state = tmp_path / "state.sqlite3"
    _load(Path(__file__).parent.parent / "state_schemas" / "v10.sql", state, base)
    keybase = normalize_url(f"{base}/x")[: -len("/x")]
    with sqlite3.connect(state) as conn:
        conn.execute(
            "INSERT INTO articles (id, url_key, url, feed, status, filename, created, updated)"
            " VALUES (6, ?, ?, 'News', 'done', '6.md', '', '')",
            (keybase + "/news/6.html?CMP=share_btn_link", base + "/news/6.html?CMP=share_btn_link"),
        )
        conn.execute("INSERT INTO aliases VALUES (?, 6)", (keybase + "/a/6?emc=rss&partner=rss",))
    conn.close()
    opened = State.open(state)
    try:
        for url in (f"{base}/news/6.html?CMP=Share_iOSApp_Other", f"{base}/a/6?partner=rss"):
            assert opened.lookup(normalize_url(url)) == (6, "done"), url
    finally:
        opened.close()
    assert rows(state, "SELECT value FROM meta WHERE key = 'schema'") == [(str(SCHEMA_VERSION),)]


def test_schema_11_keys_lose_partner(tmp_path: Path) -> None:
    # Keys written while the New York Times' partner= was taken for a real parameter
    # (emc= dropped, partner=rss kept): found by their new keys after the upgrade, or
    # the next run archives them again.
    from rssarchive.store.state import State

    base = "http://news.example"
    state = tmp_path / "state.sqlite3"
    _load(Path(__file__).parent.parent / "state_schemas" / "v11.sql", state, base)
    keybase = normalize_url(f"{base}/x")[: -len("/x")]
    with sqlite3.connect(state) as conn:
        conn.execute(
            "INSERT INTO articles (id, url_key, url, feed, status, filename, created, updated)"
            " VALUES (6, ?, ?, 'News', 'done', '6.md', '', '')",
            (keybase + "/news/6.html?partner=rss", base + "/news/6.html?emc=rss&partner=rss"),
        )
        conn.execute("INSERT INTO aliases VALUES (?, 6)", (keybase + "/a/6?id=2&partner=rss",))
    conn.close()
    opened = State.open(state)
    try:
        for url in (f"{base}/news/6.html", f"{base}/a/6?id=2"):
            assert opened.lookup(normalize_url(url)) == (6, "done"), url
    finally:
        opened.close()
    assert rows(state, "SELECT value FROM meta WHERE key = 'schema'") == [(str(SCHEMA_VERSION),)]


def test_schema_12_keys_lose_feed_tags_path_sessions_and_index_documents(tmp_path: Path) -> None:
    # Keys written before maca=, Medium's source=rss…, an ASP.NET session segment and a
    # final index.html were dropped, and before a router path was kept: found by their
    # new keys after the upgrade, or the next run archives them again.
    from rssarchive.store.state import State

    base = "http://news.example"
    state = tmp_path / "state.sqlite3"
    _load(Path(__file__).parent.parent / "state_schemas" / "v12.sql", state, base)
    keybase = normalize_url(f"{base}/x")[: -len("/x")]
    old = {
        6: (keybase + "/news/6.html?maca=en-rss-en-all", base + "/news/6.html?maca=en-rss-en-all"),
        7: (keybase + "/(S(abc123))/news/7.aspx", base + "/(S(abc123))/news/7.aspx"),
        8: (keybase + "/posts/8/index.html", base + "/posts/8/index.html"),
        9: (keybase + "/spa", base + "/spa#/detail?id=9"),
    }
    with sqlite3.connect(state) as conn:
        for n, (key, url) in old.items():
            conn.execute(
                "INSERT INTO articles (id, url_key, url, feed, status, filename, created,"
                " updated) VALUES (?, ?, ?, 'News', 'done', ?, '', '')",
                (n, key, url, f"{n}.md"),
            )
        conn.execute("INSERT INTO aliases VALUES (?, 6)", (keybase + "/a/6?source=rss-----j",))
    conn.close()
    opened = State.open(state)
    try:
        for n, url in (
            (6, f"{base}/news/6.html"),
            (6, f"{base}/a/6"),
            (7, f"{base}/(S(zzz999))/news/7.aspx"),
            (8, f"{base}/posts/8/"),
            (9, f"{base}/spa#/detail?id=9"),
        ):
            assert opened.lookup(normalize_url(url)) == (n, "done"), url
        assert opened.lookup(normalize_url(f"{base}/spa#/detail?id=10")) is None
    finally:
        opened.close()
    assert rows(state, "SELECT value FROM meta WHERE key = 'schema'") == [(str(SCHEMA_VERSION),)]
