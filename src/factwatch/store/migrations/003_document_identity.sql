-- Record identity includes the source where an export id is only unique within one source
-- (issue 7 item 1: two outlets' CSV rows "1" and "2" were one pair of documents).
-- id_scope is '' for ids unique on the whole platform (X and IRA tweet ids, Telegram
-- "<channel id>/<message id>") and the source name for every other external id
-- (rows of CSV/JSONL exports, RSS guids, bare Telegram message ids); see docs/data-formats.md.
-- The old key (platform, external_id) was stricter, so no existing rows can collide under the new one.
ALTER TABLE documents ADD COLUMN id_scope TEXT NOT NULL DEFAULT '';
UPDATE documents SET id_scope = source
WHERE external_id IS NOT NULL
  AND platform NOT IN ('x', 'ira')
  AND NOT (platform = 'telegram' AND instr(external_id, '/') > 0);
DROP INDEX documents_external;
CREATE UNIQUE INDEX documents_identity ON documents(platform, id_scope, external_id) WHERE external_id IS NOT NULL;
