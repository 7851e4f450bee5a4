-- Alerts (issue 9), written only by the `alerts` stage (analysis/alerts.py). An alert is found
-- again on every run that recomputes it; its `key` (kind, narrative, subject, time bucket) makes
-- the second insert a no-op, so alerts are stored once and a webhook hears of each once.
CREATE TABLE alerts (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('spike', 'candidate-growth', 'state-actor', 'coordinated-amplification')),
    narrative_id TEXT REFERENCES narratives(id),
    subject TEXT,                         -- the actor, or the coordinated accounts
    at TEXT NOT NULL,                     -- data time: the spiking bucket, the first document
    score REAL,                           -- spike: Poisson p-value; others: documents
    summary TEXT NOT NULL,
    details TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL
);
CREATE INDEX alerts_at ON alerts(at);

-- Webhook deliveries, one row per (alert, URL): retried on later runs until delivered.
CREATE TABLE alert_deliveries (
    alert_id INTEGER NOT NULL REFERENCES alerts(id),
    url TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('delivered', 'failed')),
    attempts INTEGER NOT NULL,
    last_error TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (alert_id, url)
);
