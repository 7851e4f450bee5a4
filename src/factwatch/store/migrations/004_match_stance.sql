-- What the match stage decides once, so every page and command reads the same answer (issue 6).
-- stance: does the claim's sentence repeat, reject, report or ask about the fact-checked claim
--   (analysis/stance.stance_towards, computed with both languages known).
-- probability: the calibrated P(the fact-check addresses the sentence) of the claim's decision,
--   the number shown beside "candidate fact-check"; the same on every rank of one claim.
-- evidence: JSON of the named decision features of this candidate (analysis/match_features.py),
--   so a page can say why: similarity, entities, numbers, years, predicate agreement.
ALTER TABLE claim_matches ADD COLUMN stance TEXT;
ALTER TABLE claim_matches ADD COLUMN probability REAL;
ALTER TABLE claim_matches ADD COLUMN evidence TEXT NOT NULL DEFAULT '{}';
