-- Analyst decisions on candidate matches (issue 6 item 5): an automatic match is a candidate
-- until an analyst confirms it. Written only by `factwatch review confirm|reject` (and later the
-- dashboard); read by `review list`, cards and `factwatch calibrate`.
-- Append-only: a later decision on the same (claim, fact-check or fact) pair supersedes an
-- earlier one, and the history stays. The pair, not the match row, is the key: the match stage
-- rewrites claim_matches when the fact base changes, and a decision must survive that.
-- rank, probability, stance, evidence and matched_text are the candidate as the analyst saw it,
-- so calibration can refit on the features that were decided on.
CREATE TABLE reviews (
    id INTEGER PRIMARY KEY,
    claim_id INTEGER NOT NULL REFERENCES claims(id),
    target TEXT NOT NULL CHECK (target IN ('fact_check', 'fact')),
    target_id INTEGER NOT NULL,
    decision TEXT NOT NULL CHECK (decision IN ('confirmed', 'rejected')),
    note TEXT,
    reviewer TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    rank INTEGER,
    probability REAL,
    addressed INTEGER,
    stance TEXT,
    evidence TEXT NOT NULL DEFAULT '{}',
    matched_text TEXT
);
CREATE INDEX reviews_pair ON reviews(claim_id, target, target_id, id);
-- The decision in force on each pair: its latest review.
CREATE VIEW review_decisions AS
SELECT r.* FROM reviews r
WHERE r.id = (SELECT MAX(r2.id) FROM reviews r2
              WHERE r2.claim_id = r.claim_id AND r2.target = r.target AND r2.target_id = r.target_id);
