-- Core tables: ingestion runs, rejections, the source registry and documents.
CREATE TABLE runs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    input TEXT NOT NULL,
    status TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    inserted INTEGER NOT NULL DEFAULT 0,
    duplicates INTEGER NOT NULL DEFAULT 0,
    rejected INTEGER NOT NULL DEFAULT 0,
    error TEXT
);

CREATE TABLE rejections (
    id INTEGER PRIMARY KEY,
    run_id TEXT NOT NULL REFERENCES runs(id),
    position TEXT NOT NULL,
    reason TEXT NOT NULL,
    raw TEXT NOT NULL DEFAULT ''
);
CREATE INDEX rejections_run ON rejections(run_id);

CREATE TABLE actors (
    name TEXT PRIMARY KEY,
    type TEXT NOT NULL DEFAULT 'unknown',
    country TEXT,
    notes TEXT
);

CREATE TABLE sources (
    name TEXT PRIMARY KEY,
    platform TEXT NOT NULL,
    url TEXT,
    feed_url TEXT,
    country TEXT,
    language TEXT,
    actor TEXT REFERENCES actors(name),
    profile TEXT,
    notes TEXT
);

CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    platform TEXT NOT NULL,
    source TEXT NOT NULL,
    external_id TEXT,
    url TEXT,
    title TEXT,
    text TEXT NOT NULL,
    author TEXT,
    published_at TEXT,
    language TEXT NOT NULL,
    script TEXT NOT NULL,
    latin_key TEXT NOT NULL,
    content_hash TEXT NOT NULL UNIQUE,
    meta TEXT NOT NULL DEFAULT '{}',
    position TEXT NOT NULL DEFAULT '',
    run_id TEXT NOT NULL,
    ingested_at TEXT NOT NULL
);
-- The three dedupe keys of DESIGN.md: platform + external id, URL, content hash.
-- URL identifies an item only for news (a social post's link may be shared by many posts).
CREATE UNIQUE INDEX documents_external ON documents(platform, external_id) WHERE external_id IS NOT NULL;
CREATE UNIQUE INDEX documents_url ON documents(url) WHERE url IS NOT NULL AND platform IN ('rss', 'web');
CREATE INDEX documents_source ON documents(source);
CREATE INDEX documents_language ON documents(language);
CREATE INDEX documents_published ON documents(published_at);

CREATE VIRTUAL TABLE documents_fts USING fts5(
    title, text, latin_key, content='documents', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER documents_ai AFTER INSERT ON documents BEGIN
    INSERT INTO documents_fts(rowid, title, text, latin_key) VALUES (new.id, new.title, new.text, new.latin_key);
END;
CREATE TRIGGER documents_ad AFTER DELETE ON documents BEGIN
    INSERT INTO documents_fts(documents_fts, rowid, title, text, latin_key)
    VALUES ('delete', old.id, old.title, old.text, old.latin_key);
END;

CREATE TABLE feed_state (
    url TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    failures INTEGER NOT NULL DEFAULT 0,
    next_poll_at TEXT,
    last_status TEXT,
    last_polled_at TEXT
);

-- Cursor of each incremental analysis stage.
CREATE TABLE stage_state (
    stage TEXT PRIMARY KEY,
    cursor TEXT,
    updated_at TEXT NOT NULL
);
