"""Ingestion: feeds, web pages and social-media exports into the store.

``ingest_path`` (service.py) is the entry point for files, directories, ``.gz`` files and
URLs: inputs.py opens them and picks the parser, loader.py (``DocumentLoader``) stores the
records under a run; ``poll_feeds``/``watch`` (watch.py) poll the registry's feeds through the
same loader. One module per format: feeds.py (RSS/Atom), web.py (HTML articles and safe
fetching), tables.py (CSV and JSONL with a column map), ira.py (the IRA tweets layout), x.py
(X API v2), telegram.py (Telegram Desktop exports); facts.py imports the fact base, one module
per fact format (claimreview.py, factcsv.py, euvsdisinfo.py, multiclaim.py, factyaml.py).
Names are loaded on first use so that ``import factwatch.ingest.registry`` does not pull in
feedparser, trafilatura and httpx.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "ingest_path": "service", "iter_input": "inputs", "content_hash": "loader", "DocumentLoader": "loader",
    "poll_feeds": "watch",
    "import_facts": "facts", "parse_facts": "facts",
    "FetchSettings": "web", "FetchResult": "web", "fetch_url": "web",
    "detect_format": "detect", "FORMATS": "detect",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'factwatch.ingest' has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{module}"), name)
