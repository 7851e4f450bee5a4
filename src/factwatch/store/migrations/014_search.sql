-- Saved searches (issue 10): a list page's filters kept under a name. A saved search of the
-- documents list can become an alert: the `alerts` stage then raises one alert for the documents
-- that match it and arrived after `alert_after` (the largest document id when it was switched on),
-- so switching one on does not alert on the whole archive. Search itself needs no new index: it
-- queries documents_fts (001) over the Latin key with word forms and prefixes (store/_search.py).
CREATE TABLE saved_searches (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    path TEXT NOT NULL,                    -- the list page, e.g. /documents, /claims
    query TEXT NOT NULL DEFAULT '',        -- its filters as a URL query string, e.g. q=vize&language=sr
    owner TEXT,                            -- the user who saved it
    alert INTEGER NOT NULL DEFAULT 0 CHECK (alert IN (0, 1)),
    alert_after INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX saved_searches_owner ON saved_searches(owner);

-- A new alert kind needs a new CHECK: SQLite cannot alter one, so both alert tables are rebuilt.
-- alert_deliveries is copied to a table that references the new alerts table, the old tables
-- are dropped (children first, so no foreign key is broken), and the renames make the
-- references read `alerts` again.
CREATE TABLE alerts_014 (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('spike', 'candidate-growth', 'state-actor', 'coordinated-amplification',
                                       'saved-search')),
    narrative_id TEXT REFERENCES narratives(id),
    subject TEXT,
    at TEXT NOT NULL,
    score REAL,
    summary TEXT NOT NULL,
    details TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL
);
INSERT INTO alerts_014 SELECT id, key, kind, narrative_id, subject, at, score, summary, details, created_at FROM alerts;
CREATE TABLE alert_deliveries_014 (
    alert_id INTEGER NOT NULL REFERENCES alerts_014(id),
    url TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('delivered', 'failed')),
    attempts INTEGER NOT NULL,
    last_error TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (alert_id, url)
);
INSERT INTO alert_deliveries_014 SELECT alert_id, url, status, attempts, last_error, updated_at FROM alert_deliveries;
DROP TABLE alert_deliveries;
DROP TABLE alerts;
ALTER TABLE alerts_014 RENAME TO alerts;
ALTER TABLE alert_deliveries_014 RENAME TO alert_deliveries;
CREATE INDEX alerts_at ON alerts(at);
