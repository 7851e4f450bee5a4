-- Fact base, check-worthy claims, embeddings and claim -> fact-check matches (issue 3).

-- Debunks: one row per (url, claim) as published by a fact-checker, EUvsDisinfo or the profile.
CREATE TABLE fact_checks (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,             -- sha1 of url + normalised claim: reimports add nothing
    external_id TEXT,                     -- id in the source (profile id, MultiClaim fact_check_id, case no.)
    claim TEXT NOT NULL,
    verdict TEXT,
    rating_value TEXT,
    rebuttal TEXT,
    headline TEXT,
    url TEXT,
    publisher TEXT,
    language TEXT,
    date TEXT,
    claim_author TEXT,
    appearance TEXT,                      -- where the claim was seen (URL), from itemReviewed
    fact_ids TEXT NOT NULL DEFAULT '[]',  -- JSON list of facts.external_id that refute it
    translations TEXT NOT NULL DEFAULT '{}',  -- JSON {lang: {"claim": .., "rebuttal": ..}}
    format TEXT NOT NULL,
    run_id TEXT,
    imported_at TEXT NOT NULL
);
CREATE INDEX fact_checks_external ON fact_checks(external_id);

-- Official statements and facts: evidence without a claim.
CREATE TABLE facts (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    external_id TEXT,
    statement TEXT NOT NULL,
    source TEXT,
    url TEXT,
    date TEXT,
    language TEXT,
    topics TEXT NOT NULL DEFAULT '[]',
    translations TEXT NOT NULL DEFAULT '{}',  -- JSON {lang: text}
    run_id TEXT,
    imported_at TEXT NOT NULL
);
CREATE INDEX facts_external ON facts(external_id);

-- A memo of e5 vectors by text hash, shared by the embedding stages and `factwatch match`:
-- a text is embedded once however often it is copied. Not a stage output; deleting rows
-- loses only time.
CREATE TABLE embedding_cache (
    text_hash TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('query', 'passage')),
    dim INTEGER NOT NULL,
    vector BLOB NOT NULL,                 -- float32 little-endian, L2-normalised
    created_at TEXT NOT NULL,
    PRIMARY KEY (text_hash, kind)
) WITHOUT ROWID;

-- Check-worthy sentences of documents (stage "claims").
CREATE TABLE claims (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL,
    language TEXT NOT NULL,
    latin_key TEXT NOT NULL,
    score REAL NOT NULL,
    features TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL,
    UNIQUE (document_id, start)
);
CREATE INDEX claims_latin_key ON claims(latin_key);

-- Which claims have a query vector in embedding_cache (stage "embed_claims").
CREATE TABLE vectors (
    claim_id INTEGER PRIMARY KEY REFERENCES claims(id),
    text_hash TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'query'
);

-- The passages the matcher searches: fact-check claims, their translations and headlines, and
-- facts (stage "embed_facts"). The id is the key in the usearch index file beside the database.
CREATE TABLE fact_vectors (
    id INTEGER PRIMARY KEY,
    target TEXT NOT NULL CHECK (target IN ('fact_check', 'fact')),
    target_id INTEGER NOT NULL,
    field TEXT NOT NULL,                  -- claim, headline, translation, statement
    language TEXT,
    text TEXT NOT NULL,
    latin_key TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    UNIQUE (target, target_id, field, text_hash)
);
CREATE INDEX fact_vectors_target ON fact_vectors(target, target_id);

-- Top-k fact-checks for each claim (stage "match").
CREATE TABLE claim_matches (
    claim_id INTEGER NOT NULL REFERENCES claims(id),
    rank INTEGER NOT NULL,
    target TEXT NOT NULL DEFAULT 'fact_check',
    fact_check_id INTEGER,
    fact_id INTEGER,
    score REAL NOT NULL,
    addressed INTEGER NOT NULL,           -- the claim-level decision, same on every rank
    matched_text TEXT,
    PRIMARY KEY (claim_id, rank)
);
CREATE INDEX claim_matches_fact_check ON claim_matches(fact_check_id);
