-- Workbench pages (issue 10, engineer C): the overview's documents-per-day charts read a date range
-- grouped by language and source, answered from this index alone (no table lookups on 100k rows);
-- the coordination network page finds a network's accounts' posts by author.
CREATE INDEX IF NOT EXISTS documents_published_language_source ON documents(published_at, language, source);
CREATE INDEX IF NOT EXISTS documents_author ON documents(author);
