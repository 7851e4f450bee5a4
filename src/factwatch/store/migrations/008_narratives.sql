-- Narratives (issue 9). `narratives` is written only by `factwatch narratives import` (the
-- catalogue service in analysis/narratives.py); `narrative_assignments` only by the
-- `narratives` stage; `narrative_reviews` only by `factwatch narratives review`.
-- A narrative keeps its row when a later import drops it (status 'retired'), so assignments,
-- reviews and later trend counts never point at a vanished id.
CREATE TABLE narratives (
    id TEXT PRIMARY KEY,
    catalogue TEXT NOT NULL,
    position INTEGER NOT NULL,            -- order within its catalogue file
    label TEXT NOT NULL,                  -- SemEval label string, else the title
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    parent TEXT,
    status TEXT NOT NULL CHECK (status IN ('active', 'candidate', 'retired')),
    domain TEXT,
    examples TEXT NOT NULL DEFAULT '[]',  -- JSON [{"language", "text"}]
    keywords TEXT NOT NULL DEFAULT '[]',
    facts TEXT NOT NULL DEFAULT '[]',     -- fact / fact-check external ids (profiles/*/facts.yaml)
    disarm TEXT NOT NULL DEFAULT '[]',    -- DISARM technique ids
    imported_at TEXT NOT NULL
);
CREATE INDEX narratives_catalogue ON narratives(catalogue, position);

-- Labelled documents of a catalogue (the SemEval-2025 folder's annotated articles), kept as their
-- mean e5 sentence vector: the classifier's nearest-neighbour vote. Only the vector and the
-- labels are stored, not the third-party text.
CREATE TABLE narrative_documents (
    id INTEGER PRIMARY KEY,
    catalogue TEXT NOT NULL,
    external_id TEXT NOT NULL,
    labels TEXT NOT NULL,                 -- JSON list of narrative ids
    vector BLOB NOT NULL,                 -- float32 little-endian, 384-d, L2-normalised
    UNIQUE (catalogue, external_id)
);

-- One row per (document, claim or NULL for the whole document, narrative). The stage rewrites a
-- document's rows in one transaction with its cursor, so a crash loses or duplicates nothing.
-- Discovery, who-pushes-what and trends read this table joined to documents (source, actor,
-- published_at, language), so it carries no copies of those columns.
CREATE TABLE narrative_assignments (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    claim_id INTEGER REFERENCES claims(id),
    narrative_id TEXT NOT NULL REFERENCES narratives(id),
    score REAL NOT NULL,
    evidence TEXT NOT NULL,
    classified_at TEXT NOT NULL
);
CREATE UNIQUE INDEX narrative_assignments_key ON narrative_assignments(document_id, COALESCE(claim_id, 0), narrative_id);
CREATE INDEX narrative_assignments_narrative ON narrative_assignments(narrative_id, document_id);

-- Analysts' confirm/reject, append-only as `reviews`: a later decision on the same
-- (document, claim, narrative) supersedes an earlier one and the history stays. Keyed on the
-- triple, not the assignment row, so a decision survives reclassification after a catalogue change.
CREATE TABLE narrative_reviews (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    claim_id INTEGER REFERENCES claims(id),
    narrative_id TEXT NOT NULL REFERENCES narratives(id),
    decision TEXT NOT NULL CHECK (decision IN ('confirmed', 'rejected')),
    reviewer TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    note TEXT,
    score REAL                            -- the classifier's score when decided (threshold learning)
);
CREATE INDEX narrative_reviews_key ON narrative_reviews(document_id, narrative_id, id);
CREATE VIEW narrative_decisions AS
SELECT r.* FROM narrative_reviews r
WHERE r.id = (SELECT MAX(r2.id) FROM narrative_reviews r2
              WHERE r2.document_id = r.document_id AND r2.narrative_id = r.narrative_id
                AND COALESCE(r2.claim_id, 0) = COALESCE(r.claim_id, 0));
