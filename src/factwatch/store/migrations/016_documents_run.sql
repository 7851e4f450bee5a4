-- The documents one ingestion run stored: POST /api/documents answers with the new document's id,
-- and a run's documents are looked up without scanning the table.
CREATE INDEX IF NOT EXISTS documents_run ON documents(run_id);

-- The documents list filtered by language or source, newest first, is read in index order and stops
-- after a page (250 ms -> 0.1 ms for one language among 100k documents: it sorted every match).
CREATE INDEX IF NOT EXISTS documents_language_published ON documents(language, published_at);
CREATE INDEX IF NOT EXISTS documents_source_published ON documents(source, published_at);
