-- Decision calibrations refitted from analysts' decisions (`factwatch calibrate`, issue 6 item 5).
-- Append-only: the newest row is the one the match stage and `match` use; with none, the shipped
-- analysis/_calibration.json decides. parameters: the decision model (features, mean, scale,
-- weights, bias, platt, threshold) as JSON; metrics: the before/after report it was stored with.
CREATE TABLE calibrations (
    id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    who TEXT NOT NULL,
    n_reviews INTEGER NOT NULL,
    parameters TEXT NOT NULL,
    metrics TEXT NOT NULL DEFAULT '{}'
);
