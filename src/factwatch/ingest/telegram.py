"""Telegram Desktop channel exports (``result.json``), streamed with ijson.

A busy channel's export runs to gigabytes, so messages are built one at a time from ijson
events instead of loading the document. Telegram Desktop writes ``name``, ``type`` and ``id``
before ``messages``, which is what lets the channel name reach every message.
"""

from __future__ import annotations

import codecs
import io
import json
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import IO, Any

import ijson
from ijson.common import ObjectBuilder

from ..errors import InputError
from ..models import ParsedRecord, RejectedRecord
from ._io import as_stream, excerpt, parse_date

Item = ParsedRecord | RejectedRecord

_TOP_LEVEL = ("name", "type", "id", "username")


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def flatten_text(text: Any) -> tuple[str, list[dict[str, Any]]]:
    """Telegram's ``text``: a string, or a list of strings and ``{type, text, href?}`` entities."""
    if isinstance(text, str):
        return text, []
    if not isinstance(text, list):
        return "", []
    parts: list[str] = []
    entities: list[dict[str, Any]] = []
    for part in text:
        if isinstance(part, str):
            parts.append(part)
        elif isinstance(part, dict):
            value = part.get("text")
            parts.append(value if isinstance(value, str) else "")
            entities.append(part)
    return "".join(parts), entities


def _message_record(message: dict[str, Any], *, channel: dict[str, Any], source: str | None) -> Item | None:
    msg_id = message.get("id")
    position = f"message {msg_id}"
    if message.get("type") == "service":
        return None  # joins, pins, title changes: not content, and not a rejection either
    if message.get("type") not in (None, "message"):
        return RejectedRecord(position, f"{position}: unknown message type {message.get('type')!r}",
                              excerpt(json.dumps(message, ensure_ascii=False, default=str)))
    text, entities = flatten_text(message.get("text"))
    if not entities and isinstance(message.get("text_entities"), list):
        entities = [e for e in message["text_entities"] if isinstance(e, dict)]
    if msg_id is None:
        return RejectedRecord("message ?", "message without an id", excerpt(json.dumps(message, ensure_ascii=False, default=str)))
    if not text.strip():
        what = message.get("media_type") or ("photo" if message.get("photo") else "file" if message.get("file") else None)
        reason = f"{position}: no text ({what} only)" if what else f"{position}: no text"
        return RejectedRecord(position, reason, excerpt(json.dumps(message, ensure_ascii=False, default=str)))
    links: list[str] = []
    hashtags: list[str] = []
    mentions: list[str] = []
    for entity in entities:
        kind = entity.get("type")
        if kind == "link" and isinstance(entity.get("text"), str):
            links.append(entity["text"])
        elif kind == "text_link" and isinstance(entity.get("href"), str):
            links.append(entity["href"])
        elif kind == "hashtag" and isinstance(entity.get("text"), str):
            hashtags.append(entity["text"])
        elif kind == "mention" and isinstance(entity.get("text"), str):
            mentions.append(entity["text"])
    meta: dict[str, Any] = {}
    for key in ("views", "forwards", "forwarded_from", "reply_to_message_id", "media_type", "via_bot"):
        if message.get(key) not in (None, ""):
            meta[key] = message[key]
    if message.get("edited") or message.get("edited_unixtime"):
        meta["edited"] = parse_date(message.get("edited_unixtime")) or parse_date(message.get("edited"))
    if isinstance(message.get("reactions"), list):
        meta["reactions"] = sum(r.get("count", 0) for r in message["reactions"]
                                if isinstance(r, dict) and isinstance(r.get("count"), int))
    if links:
        meta["links"] = links
    if hashtags:
        meta["hashtags"] = hashtags
    if mentions:
        meta["mentions"] = mentions
    # date_unixtime (newer exports) is UTC; "date" is the exporting computer's local time.
    published = parse_date(message.get("date_unixtime")) or parse_date(message.get("date"))
    channel_id = channel.get("id")
    username = channel.get("username")
    if isinstance(username, str):
        username = username.lstrip("@") or None
    else:
        username = None
    author = message.get("from") or message.get("author")
    return ParsedRecord(
        text=text,
        platform="telegram",
        position=position,
        external_id=f"{channel_id}/{msg_id}" if channel_id is not None else str(msg_id),
        url=f"https://t.me/{username}/{msg_id}" if username else None,
        author=author if isinstance(author, str) and author else channel.get("name"),
        published_at=published,
        source=source or channel.get("name") or (f"@{username}" if username else None) or "telegram",
        meta=meta,
    )


def _skip_bom(stream: IO[bytes]) -> IO[bytes]:
    buffered = stream if hasattr(stream, "peek") else io.BufferedReader(stream)  # type: ignore[arg-type]
    if buffered.peek(3)[:3] == codecs.BOM_UTF8:  # type: ignore[union-attr]
        buffered.read(3)
    return buffered


def iter_telegram(
    data: bytes | IO[bytes], *, name: str, source: str | None = None, mapping: Mapping[str, str] | None = None,
) -> Iterator[Item]:
    """Messages of a Telegram Desktop ``result.json`` channel export as records.

    Broken JSON part-way keeps the messages before it and rejects the rest with the parse
    error; broken JSON before any message fails the whole input.
    """
    stream = _skip_bom(as_stream(data))
    channel: dict[str, Any] = {}
    builder: ObjectBuilder | None = None
    seen_messages = False
    last_id: Any = None
    try:
        for prefix, event, value in ijson.parse(stream):
            if builder is not None:
                builder.event(event, value)
                if prefix == "messages.item" and event == "end_map":
                    message = _plain(builder.value)
                    builder = None
                    if isinstance(message, dict):
                        last_id = message.get("id", last_id)
                        record = _message_record(message, channel=channel, source=source)
                        if record is not None:
                            yield record
                continue
            if prefix == "messages.item" and event == "start_map":
                builder = ObjectBuilder()
                builder.event(event, value)
                seen_messages = True
            elif prefix == "messages" and event == "start_array":
                seen_messages = True
            elif prefix == "messages.item":
                yield RejectedRecord("message ?", f"a message that is not an object ({event})", excerpt(value))
            elif prefix in _TOP_LEVEL and event in ("string", "number"):
                channel[prefix] = _plain(value)
            elif prefix == "" and event == "start_array":
                raise InputError(f"{name}: a JSON array, not a Telegram export (an object with 'messages'); "
                                 "pass --format jsonl or x for other JSON")
    except ijson.JSONError as exc:
        if not seen_messages:
            raise InputError(f"{name}: not valid JSON ({exc}); a Telegram export is Telegram Desktop's "
                             "result.json (Export chat history, format JSON)") from None
        after = f"after message {last_id}" if last_id is not None else "in the first message"
        yield RejectedRecord(f"{after}", f"invalid JSON {after}: {exc}; the rest of the file was skipped "
                             "(a truncated export? export it again)")
        return
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not UTF-8 ({exc.reason}); Telegram exports are UTF-8, re-export the chat") from None
    if not seen_messages:
        raise InputError(f"{name}: no 'messages' list, so not a Telegram channel export; "
                         "export with Telegram Desktop (format JSON) or pass --format")
