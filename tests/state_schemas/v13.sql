-- schema 13 as the code writes it; made by build.py
BEGIN TRANSACTION;
CREATE TABLE aliases (
    url_key TEXT PRIMARY KEY,
    article_id INTEGER NOT NULL
);
CREATE TABLE articles (
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
INSERT INTO "articles" VALUES(1,'@KEYBASE@/news/1.html?edition=1','@BASE@/news/1.html?edition=1','tag:news,1','News','done','2024-07-01-story-1.md',NULL,0,NULL,'2024-07-20T08:00:00.000+00:00','2024-07-20T08:00:00.000+00:00',NULL);
INSERT INTO "articles" VALUES(2,'@KEYBASE@/news/2.html','@BASE@/news/2.html','tag:news,2','News','done','2024-07-02-story-2.md',NULL,0,NULL,'2024-07-20T08:00:00.000+00:00','2024-07-20T08:00:00.000+00:00',NULL);
INSERT INTO "articles" VALUES(3,'@KEYBASE@/news/3.html','@BASE@/news/3.html','tag:news,3','News','pending',NULL,'{"title": "Story 3", "link": "@BASE@/news/3.html", "guid": "tag:news,3", "published": "2024-07-03T09:00:00+00:00", "author": "Desk", "content": "<p>Story 3: the whole text of the article as the feed gives it.</p>", "image": null}',1,'timed out','2024-07-20T08:00:00.000+00:00','2024-07-20T08:00:00.000+00:00',NULL);
INSERT INTO "articles" VALUES(4,'@KEYBASE@/news/5.html','@BASE@/news/5.html','tag:news,5','News','failed',NULL,'{"title": "Story 5", "link": "@BASE@/news/5.html", "guid": "tag:news,5", "published": "2024-07-05T09:00:00+00:00", "author": "Desk", "content": "<p>Story 5: the whole text of the article as the feed gives it.</p>", "image": null}',5,'HTTP 404','2024-07-20T08:00:00.000+00:00','2024-07-20T08:00:00.000+00:00',NULL);
CREATE TABLE feed_guids (
    guid_key TEXT NOT NULL,
    feed TEXT NOT NULL,
    article_id INTEGER NOT NULL,
    title TEXT,
    published TEXT,
    text_key TEXT,
    PRIMARY KEY (guid_key, feed)
);
INSERT INTO "feed_guids" VALUES('tag:news,1','News',1,'Story 1','2024-07-01T09:00:00+00:00','e09e8c8f63885a7d3cbab5536bc141f8');
CREATE TABLE feeds (
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
INSERT INTO "feeds" VALUES('@BASE@/feed.xml','News','W/"old"','Sat, 20 Jul 2024 08:00:00 GMT','2024-07-20T08:00:00.000+00:00',NULL,NULL,0,NULL,0,2,NULL,NULL,0,NULL,0,NULL);
CREATE TABLE image_retries (
    filename TEXT PRIMARY KEY,
    page_url TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0
);
INSERT INTO "image_retries" VALUES('2024-07-02-story-2.md','@BASE@/news/2.html',1);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO "meta" VALUES('schema','13');
CREATE TABLE recheck_hosts (host TEXT PRIMARY KEY, paused_until TEXT NOT NULL);
CREATE TABLE rechecks (
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
INSERT INTO "rechecks" VALUES(1,'2024-07-20T08:00:00.000+00:00','2024-07-23T08:00:00.000+00:00',2,'edited','Story 1, corrected.',1,'W/"p1"',NULL,'2024-07-20T14:00:00.000+00:00','edited','2024-07-20T14:00:00.000+00:00',NULL,NULL,NULL,NULL,NULL);
INSERT INTO "rechecks" VALUES(2,'2024-07-20T08:00:00.000+00:00','2024-07-20T09:00:00.000+00:00',0,'unchanged',NULL,0,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
CREATE TABLE reused_guids (guid_key TEXT PRIMARY KEY);
CREATE INDEX rechecks_due ON rechecks (next_due);
CREATE INDEX articles_guid ON articles (guid_key);
CREATE INDEX articles_status ON articles (status);
COMMIT;
