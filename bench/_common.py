"""Shared plumbing of the benchmarks: where the data is, where figures go."""

from __future__ import annotations

import json
import os
import platform
import re
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FACTWATCH_SHARED_DATA") or REPO.parent / "shared" / "data")
RESULTS = REPO / "bench" / "results"
TMP = REPO / "bench" / "tmp"
DOC = REPO / "docs" / "benchmarks.md"


def require_shared() -> Path:
    if not SHARED.is_dir():
        print(f"skipped: {SHARED} is absent (benchmarks run on ../shared/data, which a fresh clone lacks)")
        sys.exit(0)
    return SHARED


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def write_results(name: str, data: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    data = {"benchmark": name, "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "machine": machine(), **data}
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def update_doc_section(name: str, markdown: str) -> None:
    """Replace the section between <!-- bench:NAME --> markers in docs/benchmarks.md (append if absent)."""
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    block = f"{start}\n{markdown.strip()}\n{end}"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    text = pattern.sub(lambda _m: block, text) if pattern.search(text) else text.rstrip() + "\n\n" + block + "\n"
    DOC.write_text(text, encoding="utf-8")


def md_table(headers: list[str], rows: list[list[Any]]) -> str:
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)
