"""Decision calibrations refitted from analysts' decisions (table ``calibrations``, migration 011).

Written only by ``analysis/recalibrate.py`` (`factwatch calibrate`); the newest row is read by
the match stage and ``match_text`` through ``matching.store_calibration``.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from factwatch.store._clock import utcnow

__all__ = ["CalibrationsMixin", "StoredCalibration"]


@dataclass(frozen=True, slots=True)
class StoredCalibration:
    id: int
    created_at: str
    who: str
    n_reviews: int
    parameters: dict[str, Any]
    metrics: dict[str, Any]


def _row(row: sqlite3.Row) -> StoredCalibration:
    d = dict(row)
    return StoredCalibration(id=d["id"], created_at=d["created_at"], who=d["who"], n_reviews=d["n_reviews"],
                             parameters=json.loads(d["parameters"]), metrics=json.loads(d["metrics"] or "{}"))


class CalibrationsMixin:
    """Mixed into SQLiteStore; uses its ``_tx`` and ``_query`` helpers."""

    _query: Any
    _tx: Any

    def add_calibration(
        self, *, who: str, n_reviews: int, parameters: dict[str, Any], metrics: dict[str, Any],
    ) -> StoredCalibration:
        with self._tx() as c:
            cur = c.execute(
                "INSERT INTO calibrations(created_at, who, n_reviews, parameters, metrics) VALUES (?, ?, ?, ?, ?)",
                (utcnow(), who, n_reviews, json.dumps(parameters), json.dumps(metrics)))
            new_id = cur.lastrowid
        return _row(self._query("SELECT * FROM calibrations WHERE id = ?", (new_id,))[0])

    def latest_calibration(self) -> StoredCalibration | None:
        """The newest stored calibration, or None (also on a read-only database older than 011)."""
        try:
            rows = self._query("SELECT * FROM calibrations ORDER BY id DESC LIMIT 1")
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                return None
            raise
        return _row(rows[0]) if rows else None

    def count_calibrations(self) -> int:
        try:
            return int(self._query("SELECT COUNT(*) FROM calibrations")[0][0])
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                return 0
            raise
