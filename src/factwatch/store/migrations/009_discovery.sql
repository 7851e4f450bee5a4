-- Discovery of new narratives (issue 9): check-worthy claims that match no catalogued narrative,
-- clustered online by the `discovery` stage. A cluster keeps the float32 SUM of its members' e5
-- vectors, so a new claim joins in O(1) and the centroid is sum/|sum|; nothing is forgotten.
-- Rows are written only by the stage (and `narratives promote`, which sets status 'promoted').
CREATE TABLE discovery_clusters (
    id INTEGER PRIMARY KEY,
    status TEXT NOT NULL CHECK (status IN ('open', 'merged', 'promoted')),
    merged_into INTEGER REFERENCES discovery_clusters(id),   -- set when status = 'merged'
    size INTEGER NOT NULL,
    vector_sum BLOB NOT NULL,             -- float32 little-endian, 384-d, sum of member vectors
    label TEXT NOT NULL DEFAULT '{}',     -- JSON {"terms": [...], "representatives": [claim ids]}
    labelled_size INTEGER NOT NULL DEFAULT 0,  -- size when the label was computed (stale if != size)
    narrative_id TEXT REFERENCES narratives(id),               -- set when promoted
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX discovery_clusters_status ON discovery_clusters(status, size);

-- One row per clustered claim; a merge moves the rows of the absorbed cluster.
CREATE TABLE discovery_members (
    claim_id INTEGER PRIMARY KEY REFERENCES claims(id),
    cluster_id INTEGER NOT NULL REFERENCES discovery_clusters(id),
    similarity REAL NOT NULL,             -- cosine to the centroid it joined (1.0 for a founder)
    joined_at TEXT NOT NULL
);
CREATE INDEX discovery_members_cluster ON discovery_members(cluster_id);
