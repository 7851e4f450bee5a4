-- Failed logins (issue 10), so the login throttle holds across `serve --workers N` (each worker a
-- process) and across a restart: every worker counts into and reads from this one table. One row
-- per failure and key; `key` is 'name:' + the casefolded login name or 'addr:' + the client
-- address. `failed_at` is Unix seconds on the wall clock (monotonic clocks differ between
-- processes). Rows older than the window are pruned as new failures are written; a successful
-- login deletes its name's rows.
CREATE TABLE login_failures (
    key TEXT NOT NULL,
    failed_at REAL NOT NULL
);
CREATE INDEX login_failures_key ON login_failures(key, failed_at);
CREATE INDEX login_failures_at ON login_failures(failed_at);
