"""SQLite methods for the fact base, claims, vectors and matches (issue: counter with facts)."""

from __future__ import annotations


class FactsMixin:
    """Mixed into SQLiteStore; uses its ``_tx`` and ``_query`` helpers."""
