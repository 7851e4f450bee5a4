"""Which parser an input needs: by its name's extension, then by sniffing its first bytes.

Sniffing wins over the extension where they disagree on the family (a ``.xml`` that is an HTML
page, a ``.json`` that is one-object-a-line), because exports are often misnamed.
"""

from __future__ import annotations

import json
import re
from pathlib import PurePath

from ..errors import InputError
from ._encoding import binary_share, bom_encoding, detect_encoding

FORMATS = ("rss", "html", "jsonl", "csv", "telegram", "x", "ira")

_EXTENSIONS = {
    ".xml": "rss", ".rss": "rss", ".atom": "rss", ".rdf": "rss",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json",
    ".csv": "csv", ".tsv": "csv",
}
_BINARY_LIMIT = 0.05
_FEED_MARKERS = re.compile(r"<(rss|rdf:RDF|feed)[\s>]", re.I)
_HTML_MARKERS = re.compile(r"<(!doctype\s+html|html|head|body)[\s>]", re.I)
_X_KEYS = {"author_id", "public_metrics", "edit_history_tweet_ids", "referenced_tweets", "conversation_id"}
_IRA_AUTHOR = {"external_author_id", "author_id", "author"}


def _head_text(head: bytes) -> str:
    encoding = detect_encoding(head, truncated=True)
    if bom_encoding(head) in ("utf-16", "utf-32"):
        try:
            return head.decode(encoding, errors="replace")
        except UnicodeDecodeError:
            return ""
    return head.decode("utf-8-sig" if encoding == "utf-8-sig" else encoding, errors="replace")


def _sniff_json(text: str) -> str | None:
    """jsonl, x or telegram for text that starts with ``{``."""
    first = text.split("\n", 1)[0].strip()
    obj = None
    try:
        obj = json.loads(first)
    except (ValueError, RecursionError):  # a broken or absurdly nested first line: the parser rejects it
        pass
    if isinstance(obj, dict):
        if "data" in obj and isinstance(obj.get("data"), (list, dict)) or "includes" in obj:
            return "x"
        if _X_KEYS & set(obj):
            return "x"
        if "messages" in obj:
            return "telegram"
        return "jsonl"
    # A pretty-printed document: Telegram's result.json puts name/type/id first.
    if re.search(r'"messages"\s*:\s*\[', text) or (
        re.search(r'"type"\s*:\s*"(public_channel|private_channel|public_supergroup|private_supergroup|'
                  r'personal_chat|private_group|saved_messages|bot_chat)"', text)):
        return "telegram"
    # Several objects, one a line (the first may be longer than the sniffed head).
    lines = [line.strip() for line in text.split("\n")[1:] if line.strip()]
    if lines and all(line.startswith("{") for line in lines[:5]):
        return "x" if any(f'"{k}"' in text for k in _X_KEYS) else "jsonl"
    return None


def _sniff_csv(text: str) -> str | None:
    header = text.lstrip("\ufeff").split("\n", 1)[0].strip().lower()
    if not header or header[0] in "<{[":
        return None
    for delimiter in (",", ";", "\t", "|"):
        if delimiter in header:
            columns = {c.strip().strip('"') for c in header.split(delimiter)}
            if "content" in columns and "publish_date" in columns and columns & _IRA_AUTHOR:
                return "ira"
            return "csv"
    return None


def detect_format(name: str, head: bytes, *, content_type: str | None = None) -> str:
    """The format of an input called ``name`` whose first bytes are ``head``.

    Raises ``InputError`` for empty and binary inputs and ones no parser recognises; the
    message says which ``--format`` to pass.
    """
    if not head.strip(b" \t\r\n\x00\xef\xbb\xbf"):
        raise InputError(f"{name} is empty; nothing to ingest")
    share = binary_share(head)
    if share > _BINARY_LIMIT:
        raise InputError(
            f"{name} does not look like text ({share:.0%} binary bytes); pass --format if it is "
            f"one of {', '.join(FORMATS)}, or decompress it first (.gz is read directly)"
        )
    path = PurePath(name.split("?", 1)[0])
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    by_name = _EXTENSIONS.get(suffixes[-1]) if suffixes else None
    text = _head_text(head)
    start = text.lstrip("\ufeff \t\r\n")
    ctype = (content_type or "").lower()

    if start.startswith("<"):
        if _FEED_MARKERS.search(start[:4096]):
            return "rss"
        if _HTML_MARKERS.search(start[:8192]) or "html" in ctype:
            return "html"
        if by_name in ("rss", "html"):
            return by_name
        if "xml" in ctype:
            return "rss"
        return "html" if start.lower().startswith("<!doctype") else "rss"
    if start.startswith("{"):
        sniffed = _sniff_json(start)
        if sniffed:
            return sniffed
        if by_name == "json":
            return "telegram"
        if by_name == "jsonl":
            return "jsonl"
    if start.startswith("["):
        raise InputError(f"{name} is a JSON array; convert it to one object a line (jq -c '.[]') "
                         "and pass --format jsonl")
    if by_name in ("csv", None) or "csv" in ctype:
        sniffed = _sniff_csv(start)
        if sniffed:
            return sniffed
    if by_name and by_name != "json":
        return by_name
    raise InputError(f"cannot tell the format of {name}; pass --format (one of {', '.join(FORMATS)})")
