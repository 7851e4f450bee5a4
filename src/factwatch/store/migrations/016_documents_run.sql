-- The documents one ingestion run stored: POST /api/documents answers with the new document's id,
-- and a run's documents are looked up without scanning the table.
CREATE INDEX IF NOT EXISTS documents_run ON documents(run_id);
