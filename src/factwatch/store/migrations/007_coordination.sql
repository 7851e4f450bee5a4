-- Coordinated-sharing networks (issue 8), written only by the `coordination` stage
-- (analysis/shares.py over analysis/coordination.py). The stage recomputes a kind's networks
-- when documents or story clusters changed (the edge quantile is over the whole graph, so one
-- new share can move every edge) and replaces them in one transaction with its cursor.
-- A network's id hashes its object kind and sorted accounts, so a rerun on the same data
-- writes the same ids.
CREATE TABLE coordination_networks (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,                   -- url, repost, hashtag, text, media
    accounts INTEGER NOT NULL,
    edges INTEGER NOT NULL,
    objects INTEGER NOT NULL,
    shares INTEGER NOT NULL,              -- co-shares (pairs of shares) inside the network
    first_at TEXT,
    last_at TEXT,
    density REAL NOT NULL,
    median_lag REAL NOT NULL,             -- seconds
    score REAL NOT NULL,
    parameters TEXT NOT NULL DEFAULT '{}',
    top_objects TEXT NOT NULL DEFAULT '[]',
    edge_list TEXT NOT NULL DEFAULT '[]',
    computed_at TEXT NOT NULL
);
CREATE INDEX coordination_networks_kind ON coordination_networks(kind);

CREATE TABLE coordination_members (
    network_id TEXT NOT NULL REFERENCES coordination_networks(id) ON DELETE CASCADE,
    account TEXT NOT NULL,
    shares INTEGER NOT NULL,
    community INTEGER NOT NULL,
    sources TEXT NOT NULL DEFAULT '[]',
    actors TEXT NOT NULL DEFAULT '[]',
    platforms TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (network_id, account)
);
CREATE INDEX coordination_members_account ON coordination_members(account);
