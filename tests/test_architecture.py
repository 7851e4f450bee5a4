"""Rules of DESIGN.md and STYLE.md that code review would otherwise have to catch."""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "factwatch"
SQL = re.compile(r"\b(SELECT\s+.+\s+FROM|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+TABLE)\b", re.I)


def _modules():
    return [p for p in SRC.rglob("*.py") if "__pycache__" not in p.parts]


def test_only_the_store_speaks_sql():
    offenders = [
        str(p.relative_to(SRC)) for p in _modules()
        if "store" not in p.relative_to(SRC).parts[:1] and SQL.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_store_is_opened_only_at_the_edges():
    # web/server.py checks the database once in the parent before forking --workers (each child then opens
    # its own through create_app), so a bad --db is reported once; it is an edge like cli.py.
    allowed = {"cli.py", "web/app.py", "web/server.py", "store/__init__.py"}
    offenders = [
        str(p.relative_to(SRC)) for p in _modules()
        if "open_store(" in p.read_text(encoding="utf-8") and str(p.relative_to(SRC)) not in allowed
    ]
    assert offenders == []


def test_text_package_does_no_io():
    for p in (SRC / "text").glob("*.py"):
        source = p.read_text(encoding="utf-8")
        for forbidden in ("open(", "sqlite3", "httpx", "requests"):
            assert forbidden not in source, f"{p.name} uses {forbidden}"


def test_every_table_has_one_writer_and_reads_come_from_earlier_stages():
    from factwatch.pipeline import _stages

    written_by: dict[str, str] = {}
    # written by ingest, `facts import` and `narratives import`
    available = {"documents", "fact_checks", "facts", "narratives", "narrative_documents"}
    for stage in _stages():
        for table in stage.reads:
            assert table in available, f"{stage.name} reads {table} before any stage writes it"
        for table in stage.writes:
            assert table not in written_by, f"{table} written by {written_by.get(table)} and {stage.name}"
            written_by[table] = stage.name
            available.add(table)
