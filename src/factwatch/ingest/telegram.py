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
from typing import IO, Any

import ijson
from ijson.common import ObjectBuilder

from ..errors import InputError
from ..models import ParsedRecord, RejectedRecord
from ._io import as_stream, excerpt, parse_date
from ._json import MAX_DEPTH, NESTING_REASON

Item = ParsedRecord | RejectedRecord

_TOP_LEVEL = ("name", "type", "id", "username")


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
    if not _valid_id(msg_id):
        why = "message without an id" if msg_id is None else f"message id {excerpt(msg_id, 40)!r} is not a number"
        return RejectedRecord("message ?", why, excerpt(json.dumps(message, ensure_ascii=False, default=str)))
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
    # An export names its channel with strings and numbers; anything else is ignored, not trusted.
    channel_id = channel.get("id") if _valid_id(channel.get("id")) else None
    username = channel.get("username")
    username = (username.lstrip("@") or None) if isinstance(username, str) else None
    channel_name = channel.get("name") if isinstance(channel.get("name"), str) and channel["name"].strip() else None
    author = message.get("from") or message.get("author")
    return ParsedRecord(
        text=text,
        platform="telegram",
        position=position,
        external_id=f"{channel_id}/{msg_id}" if channel_id is not None else str(msg_id),
        url=f"https://t.me/{username}/{msg_id}" if username else None,
        author=author if isinstance(author, str) and author else channel_name,
        published_at=published,
        source=source or channel_name or (f"@{username}" if username else None) or "telegram",
        meta=meta,
        # "<channel id>/<message id>" is unique across Telegram; a bare message id only in its channel.
        global_id=channel_id is not None,
    )


def _skip_bom(stream: IO[bytes]) -> IO[bytes]:
    buffered = stream if hasattr(stream, "peek") else io.BufferedReader(stream)  # type: ignore[arg-type]
    if buffered.peek(3)[:3] == codecs.BOM_UTF8:  # type: ignore[union-attr]
        buffered.read(3)
    return buffered


_SCALARS = frozenset({"string", "number", "integer", "double", "boolean", "null"})


def _valid_id(value: Any) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool)) or (isinstance(value, str) and bool(value.strip()))


class _Walk:
    """Where ijson's event stream stands: the top-level key, the ``messages`` array, and the
    message being built (at most ``MAX_DEPTH`` deep; a deeper one is skipped and rejected)."""

    def __init__(self) -> None:
        self.depth = 0
        self.key: str | None = None
        self.in_messages = False
        self.seen_messages = False
        self.message_depth = 0  # > 0 while inside a message
        self.message_id: Any = None
        self._builder: ObjectBuilder | None = None
        self._reason: str | None = None
        self._id_next = False

    def outer_event(self, event: str) -> None:
        """An event outside any message; starts a message at ``messages[i]``."""
        if event in ("start_map", "start_array"):
            self.depth += 1
            if self.depth == 2 and self.key == "messages" and event == "start_array":
                self.in_messages = self.seen_messages = True
            elif self.depth == 3 and self.in_messages:
                self.message_depth, self.message_id, self._id_next = 1, None, False
                self._builder = ObjectBuilder() if event == "start_map" else None
                self._reason = None if event == "start_map" else "a message that is not an object (an array)"
                if self._builder is not None:
                    self._builder.event(event, None)
        elif event in ("end_map", "end_array"):
            self.depth -= 1
            if self.depth < 2:
                self.in_messages = False

    def message_event(self, event: str, value: Any) -> tuple[dict[str, Any], str | None] | None:
        """Feed one event of the current message; returns ``(message, rejection reason)`` at its end."""
        if event in ("start_map", "start_array"):
            self.message_depth += 1
        elif event in ("end_map", "end_array"):
            self.message_depth -= 1
        elif self.message_depth == 1 and event == "map_key":
            self._id_next = value == "id"
        elif self.message_depth == 1 and self._id_next:
            self.message_id, self._id_next = value, False
        if self._builder is not None:
            if self.message_depth > MAX_DEPTH:
                self._builder, self._reason = None, NESTING_REASON
            else:
                self._builder.event(event, value)
        if self.message_depth:
            return None
        self.depth -= 1  # the message's own closing event
        message = self._builder.value if self._builder is not None else {}
        self._builder = None
        return (message if isinstance(message, dict) else {}), self._reason


def iter_telegram(
    data: bytes | IO[bytes], *, name: str, source: str | None = None, mapping: Mapping[str, str] | None = None,
) -> Iterator[Item]:
    """Messages of a Telegram Desktop ``result.json`` channel export as records.

    Broken JSON part-way keeps the messages before it and rejects the rest with the parse
    error; broken JSON before any message fails the whole input. A message nested deeper than
    ``MAX_DEPTH`` is rejected alone.
    """
    stream = _skip_bom(as_stream(data))
    channel: dict[str, Any] = {}
    walk = _Walk()
    last_id: Any = None
    try:
        # basic_parse, not parse: parse builds a path string per event, quadratic in the nesting depth.
        # use_float: the C backend crashes the interpreter on an integer over 4,300 digits when it
        # builds Python ints for every size; with floats it refuses numbers beyond 64 bits, which
        # Telegram (64-bit ids and counts) never writes.
        for event, value in ijson.basic_parse(stream, use_float=True):
            if walk.message_depth:
                done = walk.message_event(event, value)
                if done is None:
                    continue
                message, reason = done
                if reason is not None:
                    position = f"message {walk.message_id}" if _valid_id(walk.message_id) else "message ?"
                    yield RejectedRecord(position, f"{position}: {reason}")
                    continue
                last_id = message.get("id", last_id) if _valid_id(message.get("id")) else last_id
                record = _message_record(message, channel=channel, source=source)
                if record is not None:
                    yield record
                continue
            if walk.depth == 0 and event == "start_array":
                raise InputError(f"{name}: a JSON array, not a Telegram export (an object with 'messages'); "
                                 "pass --format jsonl or x for other JSON")
            key = walk.key
            walk.outer_event(event)
            if walk.depth == 1 and key in _TOP_LEVEL and event in _SCALARS:
                channel[key] = value
            elif walk.in_messages and walk.depth == 2 and event in _SCALARS:
                yield RejectedRecord("message ?", f"a message that is not an object ({event})", excerpt(value))
            elif event == "map_key" and walk.depth == 1:
                walk.key = value
    except ijson.JSONError as exc:
        detail = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        if "overflow" in detail:
            detail = f"a number too large for a Telegram export ({detail})"
        if not walk.seen_messages:
            raise InputError(f"{name}: not valid JSON ({detail}); a Telegram export is Telegram Desktop's "
                             "result.json (Export chat history, format JSON)") from None
        after = f"after message {last_id}" if last_id is not None else "in the first message"
        yield RejectedRecord(f"{after}", f"invalid JSON {after}: {detail}; the rest of the file was skipped "
                             "(a truncated export? export it again)")
        return
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not UTF-8 ({exc.reason}); Telegram exports are UTF-8, re-export the chat") from None
    if not walk.seen_messages:
        raise InputError(f"{name}: no 'messages' list, so not a Telegram channel export; "
                         "export with Telegram Desktop (format JSON) or pass --format")
