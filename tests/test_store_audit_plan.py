"""The audit list looks each decision's claim or document up by id; it never scans those tables.

Issue 10's load benchmark found /api/audit at ~400 ms on 100k documents with no decisions yet:
with empty (unanalysed) log tables SQLite chose to scan documents and probe the narrative reviews.
"""

from __future__ import annotations

from factwatch.models import NewDocument
from factwatch.store import open_store


def test_audit_plan_drives_from_the_decision_logs(tmp_path):
    with open_store(str(tmp_path / "fw.db")) as store:
        docs = [NewDocument(platform="rss", source="s", text=f"vest {i}", language="sr", script="Latn",
                            latin_key=f"vest {i}", content_hash=f"h{i}", position=str(i)) for i in range(2000)]
        store.insert_documents(docs, run_id=store.start_run("ingest", "t"))
        store._conn.execute("ANALYZE")  # statistics for documents, none for the empty logs
        sql: list[str] = []
        store._conn.set_trace_callback(sql.append)
        try:
            entries, total = store.audit_entries()
        finally:
            store._conn.set_trace_callback(None)
        assert (entries, total) == ([], 0)
        plans = [[r[3] for r in store._conn.execute("EXPLAIN QUERY PLAN " + q)] for q in sql if "UNION ALL" in q]
    assert plans
    for plan in plans:
        scans = [step for step in plan if step.startswith("SCAN")]
        assert not [s for s in scans if s in ("SCAN d", "SCAN c")], plan
