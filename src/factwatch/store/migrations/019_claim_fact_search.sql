-- Word-form search of claims and of the fact base (issue 10), as documents are searched (014,
-- store/_search.py): each query word's Latin key with its case endings or its stem as a prefix,
-- so `vize` finds "vizama" and "визама" and `Kosov` finds "Kosovu".
--
-- claims_fts indexes the claims' own Latin key (one script for all), kept by triggers; the
-- 'rebuild' fills it for the claims already stored.
CREATE VIRTUAL TABLE claims_fts USING fts5(
    latin_key, content='claims', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
INSERT INTO claims_fts(claims_fts) VALUES ('rebuild');
CREATE TRIGGER claims_fts_ai AFTER INSERT ON claims BEGIN
    INSERT INTO claims_fts(rowid, latin_key) VALUES (new.id, new.latin_key);
END;
CREATE TRIGGER claims_fts_ad AFTER DELETE ON claims BEGIN
    INSERT INTO claims_fts(claims_fts, rowid, latin_key) VALUES ('delete', old.id, old.latin_key);
END;
CREATE TRIGGER claims_fts_au AFTER UPDATE OF latin_key ON claims BEGIN
    INSERT INTO claims_fts(claims_fts, rowid, latin_key) VALUES ('delete', old.id, old.latin_key);
    INSERT INTO claims_fts(rowid, latin_key) VALUES (new.id, new.latin_key);
END;

-- The fact base has no Latin key column: its key (claim, headline, rebuttal, publisher and their
-- translations; a fact's statement, source and translations) is transliterated in Python, which
-- SQL cannot do. So these two tables hold their own copy of it, rowid = the row's id, written by
-- the store wherever a fact-check or fact is inserted or edited (store/_search.py
-- index_fact_base); rows stored before this migration are indexed when a writable store next
-- opens the file. A deleted row leaves its index by trigger.
CREATE VIRTUAL TABLE fact_checks_fts USING fts5(latin_key, tokenize='unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE facts_fts USING fts5(latin_key, tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER fact_checks_fts_ad AFTER DELETE ON fact_checks BEGIN
    DELETE FROM fact_checks_fts WHERE rowid = old.id;
END;
CREATE TRIGGER facts_fts_ad AFTER DELETE ON facts BEGIN
    DELETE FROM facts_fts WHERE rowid = old.id;
END;
