-- Accounts (issue 10): users with a role, login sessions, API tokens, and the response cards an
-- analyst made public. Written only by the accounts service (factwatch/accounts.py) and the
-- publish route; read by the web app's auth dependencies and the public pages.
-- Secrets are never stored in clear: passwords as argon2id hashes, session ids and API tokens as
-- SHA-256 of 256-bit random values (a fast hash is enough for a value nobody can guess).
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    role TEXT NOT NULL CHECK (role IN ('viewer', 'analyst', 'admin')),
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
);
-- expires_at is absolute (ISO 8601 UTC): a stolen cookie is worth at most one working day.
CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    label TEXT,
    created_at TEXT NOT NULL
);
-- A published card is a snapshot of what the analyst saw and approved: later match runs do not
-- change a public text silently. published_by is a name, not a key, so the record outlives the user.
CREATE TABLE published_cards (
    claim_id INTEGER PRIMARY KEY REFERENCES claims(id),
    language TEXT NOT NULL,
    card TEXT NOT NULL,
    claim_review TEXT NOT NULL,
    published_by TEXT NOT NULL,
    published_at TEXT NOT NULL
);
CREATE INDEX published_cards_when ON published_cards(published_at);
