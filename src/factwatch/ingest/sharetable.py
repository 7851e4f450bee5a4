"""Any CSV as (account, object, time) shares, for ``factwatch coordination --from-csv`` (nothing ingested).

Researchers bring tables, as CooRTweet users do: the columns are named on the command line.
Reuses the ingest CSV reader (encoding detection, delimiter sniffing, oversized and malformed
records as rejections). Rows that cannot be a share are skipped and counted by reason:
an empty account id (it would merge unrelated posts into one account), no object, a missing or
unparsable timestamp (a share outside time cannot be in a window).
"""

from __future__ import annotations

import math
from collections import Counter
from datetime import datetime
from pathlib import Path

import numpy as np

from factwatch.errors import InputError
from factwatch.ingest._csv import open_csv
from factwatch.ingest._io import parse_date
from factwatch.models import RejectedRecord

__all__ = ["read_share_columns", "share_time"]


def share_time(value: str | None) -> float | None:
    """Unix seconds from a number (``1623881091.0``, milliseconds too) or any date ingest reads."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        number = float(text)
    except ValueError:
        iso = parse_date(text)
        return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() if iso else None
    if not math.isfinite(number):
        return None
    return number / 1000 if number > 1e11 else number


def read_share_columns(
    path: str | Path, *, account: str, obj: str, time: str, content: str | None = None,
) -> tuple[list[str], list[str], np.ndarray, list[str] | None, dict[str, int]]:
    """Accounts, objects, unix times (and content ids) of the usable rows, and the skipped counts."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{path}: no such file; pass the CSV table with --from-csv FILE")
    accounts: list[str] = []
    objects: list[str] = []
    times: list[float] = []
    contents: list[str] = []
    skipped: Counter[str] = Counter()
    with p.open("rb") as stream:
        header, rows = open_csv(stream, name=str(path))
        if not header:
            raise InputError(f"{path} is empty; --from-csv takes a CSV table with a header line")
        wanted = {"--account": account, "--object": obj, "--time": time}
        if content:
            wanted["--content"] = content
        missing = [f"{flag} {col!r}" for flag, col in wanted.items() if col not in header]
        if missing:
            raise InputError(f"{path}: the header has no column {', '.join(missing)} "
                             f"(columns: {', '.join(header[:40]) or 'none'}); fix the option")
        for _position, row in rows:
            if isinstance(row, RejectedRecord):
                skipped["unreadable row"] += 1
                continue
            who = (row.get(account) or "").strip()
            what = (row.get(obj) or "").strip()
            if not what:
                skipped["no object"] += 1
                continue
            if not who:
                skipped["empty account"] += 1
                continue
            raw = row.get(time)
            if raw is None or not raw.strip():
                skipped["missing timestamp"] += 1
                continue
            t = share_time(raw)
            if t is None:
                skipped["unparsable timestamp"] += 1
                continue
            accounts.append(who)
            objects.append(what)
            times.append(t)
            if content:
                contents.append((row.get(content) or "").strip())
    return accounts, objects, np.asarray(times, dtype=np.float64), (contents if content else None), dict(skipped)
