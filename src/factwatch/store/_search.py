"""The FTS5 expression behind document search (``documents_fts``, migration 001).

Each query word becomes a group of alternatives over the Latin key column (and the title, so a
word only in a headline is still found): its word forms as whole words, a prefix, and the
Cyrillic spelling of those forms for Cyrillic titles (the Latin key covers the text only). All
groups must match. Every string is quoted, so user input is never read as FTS5 syntax.
"""

from __future__ import annotations

from factwatch.text.search import SearchTerm, search_terms, to_cyrillic


def _quote(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def _alternatives(words: list[str], prefix: str | None) -> str:
    parts = [_quote(w) for w in dict.fromkeys(words) if w]
    if prefix:
        parts.append(_quote(prefix) + " *")
    return " OR ".join(parts)


def _group(term: SearchTerm) -> str:
    latin = _alternatives(list(term.forms), term.prefix)
    cyrillic = _alternatives([to_cyrillic(f) for f in term.forms],
                             to_cyrillic(term.prefix) if term.prefix else None)
    return f"({{title latin_key}} : ({latin}) OR title : ({cyrillic}))"


def document_search_query(text: str) -> str:
    """An FTS5 MATCH expression for ``text``; one that matches nothing when it has no words."""
    terms = search_terms(text)
    if not terms:
        return '""'
    return " AND ".join(_group(t) for t in terms)
