"""CSV cells and the claims table: shared by the web's ``/PAGE.csv`` exports and ``factwatch export csv``.

Cells that a spreadsheet would run as a formula (starting with = + - @, tab or CR) get a leading
apostrophe (OWASP "CSV injection"); nested values are written as JSON.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from factwatch.store import Store

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PAGE_SIZE = 500  # rows read from the store at a time


def csv_cell(value: Any) -> str:
    """One cell: text as is (formula starts defused), None empty, containers as JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list, tuple)):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    elif not isinstance(value, str):
        return str(value)
    return "'" + value if value.startswith(_FORMULA_START) else value


def csv_lines(rows: list[list[Any]], *, header: bool = False) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([csv_cell(str(v) if header else v) for v in row])
    return out.getvalue()


# The columns of /api/claims rows (TriageRow.as_dict), for the header of an empty export;
# tests/test_export_cli.py checks that a non-empty export has exactly these.
CLAIM_COLUMNS = (
    "id", "document_id", "start", "end", "text", "language", "latin_key", "score", "source", "title",
    "published_at", "document_url", "addressed", "match_score", "match_target", "match_fact_check_id",
    "match_fact_id", "match_claim", "match_verdict", "match_publisher", "match_url", "stance", "probability",
    "candidate", "review", "status", "assignee", "spread",
)


def claim_pages(store: Store, *, page_size: int = PAGE_SIZE) -> Iterator[list[dict[str, Any]]]:
    """The claims as ``/claims.csv`` lists them with no filter, a page of rows at a time: the list's
    default (check-worthy, or addressed or decided on), newest first, each with its best candidate,
    p, stance and review."""
    from factwatch.web._filters import ClaimFilter  # the web list's defaults, so both exports agree

    query = ClaimFilter().triage_query()
    offset = 0
    while True:
        page = store.triage_claims(query, limit=page_size, offset=offset)
        if page.rows:
            yield [r.as_dict() for r in page.rows]
        offset += len(page.rows)
        if not page.rows or offset >= page.total:
            return


def claim_rows(store: Store) -> Iterator[dict[str, Any]]:
    for page in claim_pages(store):
        yield from page


def claims_csv_chunks(store: Store, *, page_size: int = PAGE_SIZE) -> Iterator[str]:
    """The claims table as CSV text, streamed: a BOM (Excel reads it as UTF-8) and the header, then
    one chunk per page of rows, so memory holds one page however many claims there are."""
    yield "\ufeff" + csv_lines([list(CLAIM_COLUMNS)], header=True)
    for page in claim_pages(store, page_size=page_size):
        yield csv_lines([[row.get(c) for c in CLAIM_COLUMNS] for row in page])


def claims_csv(store: Store) -> str:
    """The whole claims table as one string (small stores and tests; the CLI streams the chunks)."""
    return "".join(claims_csv_chunks(store))
