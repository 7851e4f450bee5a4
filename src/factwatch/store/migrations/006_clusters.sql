-- Near-duplicate story clusters (issue 8), written only by the `dedup` stage (analysis/dedup.py).
-- A cluster's id is the id of the document that founded it (the first one the stage saw), so a
-- rerun after a crash writes the same ids and INSERT OR IGNORE turns the repeat into no-ops.
-- Every document with enough text is in exactly one cluster (a singleton until a copy arrives);
-- lists show clusters of size >= 2.
CREATE TABLE clusters (
    id INTEGER PRIMARY KEY REFERENCES documents(id),
    size INTEGER NOT NULL DEFAULT 1,
    indexed INTEGER NOT NULL DEFAULT 1,   -- members in the LSH index (bounded: see dedup.MAX_INDEXED)
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX clusters_size ON clusters(size);

-- One row per clustered document. parent_id is the member it was confirmed against (NULL for the
-- founder), similarity the rapidfuzz ratio to it, diff the word changes from the parent's Latin key.
CREATE TABLE cluster_members (
    document_id INTEGER PRIMARY KEY REFERENCES documents(id),
    cluster_id INTEGER NOT NULL REFERENCES clusters(id),
    parent_id INTEGER REFERENCES documents(id),
    similarity REAL NOT NULL,
    exact INTEGER NOT NULL,               -- same Latin key as the parent (a copy, whatever the script)
    diff TEXT NOT NULL DEFAULT '[]',
    joined_at TEXT NOT NULL
);
CREATE INDEX cluster_members_cluster ON cluster_members(cluster_id);

-- The persistent index: a MinHash signature per document, so the LSH is rebuilt after a restart
-- from these rows instead of re-shingling every text. status: 'indexed' (in the LSH), 'copy'
-- (joined a cluster, not indexed), 'short' or 'empty' (not clustered; see analysis/_shingles.py).
CREATE TABLE dedup_signatures (
    document_id INTEGER PRIMARY KEY REFERENCES documents(id),
    scheme TEXT NOT NULL,
    key_hash TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('indexed', 'copy', 'short', 'empty')),
    signature BLOB
);
CREATE INDEX dedup_signatures_key ON dedup_signatures(key_hash);
CREATE INDEX dedup_signatures_status ON dedup_signatures(status);
