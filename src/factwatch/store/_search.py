"""The FTS5 expressions behind search: documents (``documents_fts``, migration 001), and claims and
the fact base (``claims_fts``, ``fact_checks_fts``, ``facts_fts``, migration 019), with the writes
that keep the fact base's index current.

Each query word becomes a group of alternatives over the Latin key column (and the title, so a
word only in a headline is still found): its word forms as whole words, a prefix, and the
Cyrillic spelling of those forms for Cyrillic titles (the Latin key covers the text only). All
groups must match. Every string is quoted, so user input is never read as FTS5 syntax.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from factwatch.text.script import latin_key
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


def key_search_query(text: str) -> str:
    """An FTS5 MATCH expression for ``text`` over an index of one Latin-key column (claims, the
    fact base): each word's forms and prefix, all words required; matches nothing without words.
    Cyrillic needs no alternatives there: the key is Latin for both scripts."""
    terms = search_terms(text)
    if not terms:
        return '""'
    return " AND ".join(f"({_alternatives(list(t.forms), t.prefix)})" for t in terms)


# -- the fact base's index ---------------------------------------------------------------------

def _strings(value: Any) -> Iterable[str]:
    """Every string in a decoded JSON value (the translations of a row)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _row_key(row: sqlite3.Row, fields: Sequence[str]) -> str:
    try:
        translations = json.loads(row["translations"] or "{}")
    except ValueError:
        translations = {}
    texts = [row[f] for f in fields if row[f]] + list(_strings(translations))
    return latin_key(" ".join(texts), row["language"] or "sr")


# table -> (its index, the fields its search key is made of)
_FACT_BASE = {
    "fact_checks": ("fact_checks_fts", ("claim", "headline", "rebuttal", "publisher")),
    "facts": ("facts_fts", ("statement", "source")),
}


def index_fact_base(c: sqlite3.Connection, table: str, ids: Sequence[int] = ()) -> int:
    """(Re)index the rows ``ids`` of ``table`` (fact_checks or facts) and every row not indexed
    yet, in the caller's transaction; returns how many rows were written."""
    index, fields = _FACT_BASE[table]
    for i in range(0, len(ids), 500):
        part = list(ids[i:i + 500])
        c.execute(f"DELETE FROM {index} WHERE rowid IN ({','.join('?' * len(part))})", part)
    rows = c.execute(f"SELECT id, language, translations, {', '.join(fields)} FROM {table}"
                     f" WHERE id NOT IN (SELECT rowid FROM {index})").fetchall()
    c.executemany(f"INSERT INTO {index}(rowid, latin_key) VALUES (?, ?)", [(r["id"], _row_key(r, fields)) for r in rows])
    return len(rows)


def fact_base_match(table: str) -> str:
    """The SQL condition (one parameter: ``key_search_query``'s expression) that a row of ``table``
    matches a search."""
    index = _FACT_BASE[table][0]
    return f"{table}.id IN (SELECT rowid FROM {index} WHERE {index} MATCH ?)"
