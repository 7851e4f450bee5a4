-- The analysts' workbench (issue 10): claim status and assignee, edited reply drafts, where a
-- reply was posted, decisions on candidate narratives, and edits of the fact base.
-- Written only by the workflow service (respond/workflow.py) through the web forms, their /api
-- forms and the CLI; read by the claims, review-queue and audit pages.
-- Every table is append-only, like reviews (005): the row in force is the latest one, and the
-- history is the audit trail.

-- A claim's status (new, in_review, responded) and who is assigned; no row means "new".
CREATE TABLE claim_workflow (
    id INTEGER PRIMARY KEY,
    claim_id INTEGER NOT NULL REFERENCES claims(id),
    status TEXT NOT NULL CHECK (status IN ('new', 'in_review', 'responded')),
    assignee TEXT,
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    note TEXT
);
CREATE INDEX claim_workflow_claim ON claim_workflow(claim_id, id);
CREATE VIEW claim_states AS
SELECT w.* FROM claim_workflow w
WHERE w.id = (SELECT MAX(w2.id) FROM claim_workflow w2 WHERE w2.claim_id = w.claim_id);

-- An analyst's edit of a claim's short or long draft reply (the generated one stays in the card).
CREATE TABLE reply_drafts (
    id INTEGER PRIMARY KEY,
    claim_id INTEGER NOT NULL REFERENCES claims(id),
    kind TEXT NOT NULL CHECK (kind IN ('short', 'long')),
    text TEXT NOT NULL,
    edited_by TEXT NOT NULL,
    edited_at TEXT NOT NULL
);
CREATE INDEX reply_drafts_claim ON reply_drafts(claim_id, kind, id);

-- Where a reply to a claim was posted: the URL, when it went out, who posted it.
CREATE TABLE reply_posts (
    id INTEGER PRIMARY KEY,
    claim_id INTEGER NOT NULL REFERENCES claims(id),
    url TEXT NOT NULL,
    posted_at TEXT NOT NULL,
    posted_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    note TEXT
);
CREATE INDEX reply_posts_claim ON reply_posts(claim_id, id);

-- Decisions on candidate narratives (discovery_clusters): confirmed ones were promoted to the
-- `discovered` catalogue (narrative_id), rejected ones leave the review queue.
CREATE TABLE candidate_reviews (
    id INTEGER PRIMARY KEY,
    cluster_id INTEGER NOT NULL REFERENCES discovery_clusters(id),
    decision TEXT NOT NULL CHECK (decision IN ('confirmed', 'rejected')),
    narrative_id TEXT,
    note TEXT,
    reviewer TEXT NOT NULL,
    decided_at TEXT NOT NULL
);
CREATE INDEX candidate_reviews_cluster ON candidate_reviews(cluster_id, id);

-- Fact-checks and facts added or edited by hand: who, when, from which claim, and the row as it
-- was before an edit (JSON), so an edit can be seen and undone.
CREATE TABLE fact_edits (
    id INTEGER PRIMARY KEY,
    target TEXT NOT NULL CHECK (target IN ('fact_check', 'fact')),
    target_id INTEGER NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('created', 'edited')),
    from_claim_id INTEGER REFERENCES claims(id),
    before TEXT,
    editor TEXT NOT NULL,
    edited_at TEXT NOT NULL
);
CREATE INDEX fact_edits_target ON fact_edits(target, target_id, id);
