-- Narrative thresholds refitted from analysts' confirm/reject decisions (`factwatch narratives
-- calibrate`, issue 9; analysis/narrative_recalibrate.py writes it, nothing else does).
-- Append-only like `calibrations`: per catalogue, the newest row is the one the `narratives`
-- stage and `narratives classify` use; with none, the shipped _narrative_calibration.json decides.
-- parameters: {"documents": {narrative id: threshold}, "claims": {...}, "prior_reviews": k, ...};
-- a narrative absent from it keeps the shipped threshold. metrics: the before/after report.
CREATE TABLE narrative_calibrations (
    id INTEGER PRIMARY KEY,
    catalogue TEXT NOT NULL,
    created_at TEXT NOT NULL,
    who TEXT NOT NULL,
    n_reviews INTEGER NOT NULL,
    parameters TEXT NOT NULL,
    metrics TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX narrative_calibrations_catalogue ON narrative_calibrations(catalogue, id);
