"""The fact base: import debunks and facts, and embed them for matching (stage ``embed_facts``).

``import_facts`` reads schema.org ClaimReview (JSON-LD objects, arrays, ``@graph``, JSON lines,
or HTML pages that embed them), a plain CSV, the EUvsDisinfo case layout, MultiClaim /
SemEval-2025 Task 7 files and the profile YAML (``facts:`` and ``claim_reviews:``). Bad records
are rejected with a reason and the rest goes in; reimporting a file adds nothing.
"""

from __future__ import annotations

import ast
import csv
import hashlib
import html
import io
import json
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from factwatch.models import NewFact, NewFactCheck, NewFactPassage
from factwatch.analysis._text import latin_key, text_hash
from factwatch.errors import InputError
from factwatch.models import RejectedRecord
from factwatch.store import Store

__all__ = ["FORMATS", "FactImportStats", "FactEmbedStats", "import_facts", "parse_facts", "embed_fact_base"]

FORMATS = ("auto", "claimreview", "csv", "euvsdisinfo", "multiclaim", "yaml")
MAX_FIELD_CHARS = 20_000  # a rebuttal longer than this is an article, not a rebuttal: clip it
_REASONS_SHOWN = 20

# csv's default field limit (128 KiB) is below some EUvsDisinfo disproofs with pasted sources.
csv.field_size_limit(16 * 1024 * 1024)


@dataclass(frozen=True, slots=True)
class FactImportStats:
    inserted: int
    duplicates: int
    rejected: int
    run_id: str
    format: str
    fact_checks: int = 0  # of ``inserted``
    facts: int = 0  # of ``inserted``
    reasons: tuple[str, ...] = field(default_factory=tuple)  # the first rejections, "position: reason"

    def as_dict(self) -> dict[str, Any]:
        return {
            "inserted": self.inserted,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "run_id": self.run_id,
            "format": self.format,
            "fact_checks": self.fact_checks,
            "facts": self.facts,
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True, slots=True)
class FactEmbedStats:
    fact_checks: int
    facts: int
    passages: int
    embedded: int
    cached: int
    index_size: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


Parsed = NewFactCheck | NewFact | RejectedRecord


# -- helpers ------------------------------------------------------------------------------------

_TAG_RE = re.compile(r"<[^>]*>")
_DROP_RE = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_BLOCK_RE = re.compile(r"<\s*(br|/p|/div|/li|/h\d)\b[^>]*>", re.IGNORECASE)


def strip_html(value: str) -> str:
    """Text of an HTML fragment: scripts dropped, tags removed, entities decoded, spaces collapsed."""
    s = _DROP_RE.sub(" ", value)
    s = _BLOCK_RE.sub("\n", s)
    s = html.unescape(_TAG_RE.sub(" ", s))
    lines = (" ".join(line.split()) for line in s.splitlines())
    return "\n".join(line for line in lines if line).strip()


def _text(value: Any, name: str) -> str | None:
    """A text field: None when absent or empty; InputError-free ValueError when of the wrong type."""
    if value is None:
        return None
    if isinstance(value, bool):
        # YAML 1.1 reads an unquoted verdict "False" as a boolean.
        value = str(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise ValueError(f"{name} must be text, got {type(value).__name__}")
    value = strip_html(value) if "<" in value else " ".join(value.split())
    return value[:MAX_FIELD_CHARS] or None


def _url(value: Any, name: str = "url") -> str | None:
    value = _text(value, name)
    if value is None:
        return None
    if not re.match(r"^https?://\S+$", value, re.IGNORECASE):
        raise ValueError(f"{name} {value[:80]!r} is not an http(s) URL")
    return value


def _key(*parts: str | None) -> str:
    return hashlib.sha1("\n".join(p or "" for p in parts).encode("utf-8")).hexdigest()


def _claim_key(url: str | None, claim: str, language: str | None) -> str:
    return _key(url, latin_key(claim, language or "und"))


def _name(value: Any) -> str | None:
    """schema.org Person/Organization (object, list of them, or plain text) -> a display name."""
    if isinstance(value, list):
        names = [n for n in (_name(v) for v in value) if n]
        return ", ".join(names) or None
    if isinstance(value, dict):
        value = value.get("name") or value.get("alternateName") or value.get("url")
    return _text(value, "name") if isinstance(value, str) else None


_LANG3 = {
    "eng": "en", "srp": "sr", "hrv": "hr", "bos": "bs", "sqi": "sq", "alb": "sq", "mkd": "mk", "mac": "mk",
    "rus": "ru", "bul": "bg", "ukr": "uk", "spa": "es", "por": "pt", "fra": "fr", "fre": "fr", "deu": "de",
    "ger": "de", "ita": "it", "pol": "pl", "ces": "cs", "slk": "sk", "slv": "sl", "ron": "ro", "hun": "hu",
    "tur": "tr", "ell": "el", "ara": "ar", "hin": "hi", "kor": "ko", "tha": "th", "msa": "ms", "zho": "zh",
    "jpn": "ja", "nld": "nl", "cnr": "cnr",
}
_LANG_NAMES = {
    "english": "en", "serbian": "sr", "croatian": "hr", "bosnian": "bs", "albanian": "sq", "macedonian": "mk",
    "russian": "ru", "bulgarian": "bg", "ukrainian": "uk", "montenegrin": "cnr", "german": "de", "french": "fr",
    "spanish": "es", "italian": "it", "polish": "pl", "czech": "cs", "slovak": "sk", "hungarian": "hu",
    "romanian": "ro", "greek": "el", "slovenian": "sl",
}


def _language(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("alternateName") or value.get("name")
    if isinstance(value, list):
        value = value[0] if value else None
    if not isinstance(value, str) or not value.strip():
        return None
    v = value.strip().lower()
    if v in _LANG_NAMES:
        return _LANG_NAMES[v]
    v = v.replace("_", "-").split("-")[0]
    return _LANG3.get(v, v if 2 <= len(v) <= 3 and v.isalpha() else None)


def _date(value: Any) -> str | None:
    """ISO date from ISO strings, MM/DD/YY (EUvsDisinfo) or unix seconds (MultiClaim)."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.fromtimestamp(float(value), tz=timezone.utc).strftime("%Y-%m-%d")
    if not isinstance(value, str):
        raise ValueError(f"date must be text, got {type(value).__name__}")
    v = value.strip()
    m = re.match(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})$", v)
    if m:
        month, day, year = int(m[1]), int(m[2]), int(m[3])
        year += 2000 if year < 100 else 0
        return f"{year:04d}-{month:02d}-{day:02d}"
    if re.match(r"^\d{4}-\d{2}-\d{2}", v):
        return v[:10] if len(v) <= 10 or v[10] not in "T " else v[:19].replace(" ", "T")
    raise ValueError(f"date {v[:40]!r} is not ISO 8601 (YYYY-MM-DD) or MM/DD/YY")


def _first(value: Any) -> Any:
    return (value[0] if value else None) if isinstance(value, list) else value


# -- ClaimReview ----------------------------------------------------------------------------------

def _walk_claimreviews(node: Any) -> Iterator[Any]:
    if isinstance(node, list):
        for item in node:
            yield from _walk_claimreviews(item)
    elif isinstance(node, dict):
        types = node.get("@type")
        types = types if isinstance(types, list) else [types]
        if "ClaimReview" in types:
            yield node
        elif "@graph" in node:
            yield from _walk_claimreviews(node["@graph"])
        else:
            for key in ("mainEntity", "review", "itemListElement", "item"):
                if key in node:
                    yield from _walk_claimreviews(node[key])


def parse_claimreview(obj: Any, position: str) -> Parsed:
    if not isinstance(obj, dict):
        return RejectedRecord(position, f"ClaimReview must be a JSON object, got {type(obj).__name__}",
                              json.dumps(obj, ensure_ascii=False)[:500])
    raw = json.dumps(obj, ensure_ascii=False)[:2000]
    try:
        claim = _text(obj.get("claimReviewed"), "claimReviewed")
        if not claim:
            raise ValueError("claimReviewed is missing or empty; a ClaimReview without the claim cannot be matched")
        rating = _first(obj.get("reviewRating"))
        if rating is not None and not isinstance(rating, dict):
            raise ValueError(f"reviewRating must be an object, got {type(rating).__name__}")
        rating = rating or {}
        verdict = _text(rating.get("alternateName") or rating.get("name"), "reviewRating.alternateName")
        rating_value = _text(rating.get("ratingValue"), "reviewRating.ratingValue")
        item = _first(obj.get("itemReviewed"))
        item = item if isinstance(item, dict) else {}
        appearance = _first(item.get("appearance") or item.get("firstAppearance"))
        if isinstance(appearance, dict):
            appearance = appearance.get("url")
        appearance = appearance if isinstance(appearance, str) and appearance.startswith(("http://", "https://")) else None
        language = _language(obj.get("inLanguage"))
        url = _url(obj.get("url"))
        return NewFactCheck(
            key=_claim_key(url, claim, language),
            claim=claim,
            format="claimreview",
            external_id=_text(obj.get("@id"), "@id") if isinstance(obj.get("@id"), str) else None,
            verdict=verdict,
            rating_value=rating_value,
            rebuttal=_text(obj.get("reviewBody") or obj.get("description"), "reviewBody"),
            headline=_text(obj.get("headline") or obj.get("name"), "headline"),
            url=url,
            publisher=_name(obj.get("author")) or _name(obj.get("publisher")),
            language=language,
            date=_date(obj.get("datePublished")),
            claim_author=_name(item.get("author")),
            appearance=appearance,
        )
    except ValueError as exc:
        return RejectedRecord(position, str(exc), raw)


_LDJSON_RE = re.compile(r"<script[^>]+application/ld\+json[^>]*>(.*?)</script>", re.IGNORECASE | re.DOTALL)


def _parse_claimreview_text(text: str, name: str) -> Iterator[Parsed]:
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith("<"):
        blocks = _LDJSON_RE.findall(stripped)
        if not blocks:
            raise InputError(f"{name}: an HTML page without <script type=\"application/ld+json\">; no ClaimReview to import.")
        docs = []
        for i, block in enumerate(blocks):
            try:
                docs.append((f"script {i + 1}", json.loads(block)))
            except json.JSONDecodeError as exc:
                yield RejectedRecord(f"script {i + 1}", f"invalid JSON-LD: {exc}", block[:500])
    else:
        try:
            docs = [("document", json.loads(stripped))]
        except json.JSONDecodeError:
            # JSON lines: one ClaimReview (or graph) per line.
            docs = []
            for n, line in enumerate(stripped.splitlines(), 1):
                if not line.strip():
                    continue
                try:
                    docs.append((f"line {n}", json.loads(line)))
                except json.JSONDecodeError as exc:
                    if n == 1 and not docs:
                        raise InputError(f"{name} is not JSON, JSON lines or HTML with JSON-LD ({exc}); "
                                         "pass --format to say what it is.") from None
                    yield RejectedRecord(f"line {n}", f"invalid JSON: {exc}", line[:500])
    found = 0
    for where, doc in docs:
        reviews = list(_walk_claimreviews(doc))
        if not reviews and isinstance(doc, dict) and "claimReviewed" in doc:
            reviews = [doc]  # "@type" missing but plainly a ClaimReview
        for i, obj in enumerate(reviews):
            found += 1
            yield parse_claimreview(obj, f"{where} item {i + 1}" if len(reviews) > 1 else where)
        if not reviews:
            yield RejectedRecord(where, "no object with @type ClaimReview", json.dumps(doc, ensure_ascii=False)[:500])


# -- CSV layouts --------------------------------------------------------------------------------

def _csv_rows(text: str) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames:
        raise InputError("The CSV file has no header row; the first line must name the columns.")
    for n, row in enumerate(reader, 2):
        yield n, {(k or "").strip().lower(): (v or "") for k, v in row.items() if isinstance(v, str)}


def _parse_csv(text: str) -> Iterator[Parsed]:
    for n, row in _csv_rows(text):
        position = f"row {n}"
        try:
            claim = _text(row.get("claim") or row.get("claimreviewed") or row.get("claim_reviewed"), "claim")
            if not claim:
                raise ValueError("the claim column is empty")
            language = _language(row.get("language"))
            url = _url(row.get("url"))
            yield NewFactCheck(
                key=_claim_key(url, claim, language), claim=claim, format="csv",
                external_id=_text(row.get("id"), "id"), verdict=_text(row.get("verdict") or row.get("rating"), "verdict"),
                rebuttal=_text(row.get("rebuttal") or row.get("review"), "rebuttal"), url=url,
                publisher=_text(row.get("publisher"), "publisher"), language=language, date=_date(row.get("date")),
                headline=_text(row.get("title") or row.get("headline"), "title"),
            )
        except ValueError as exc:
            yield RejectedRecord(position, str(exc), json.dumps(row, ensure_ascii=False)[:500])


def _parse_euvsdisinfo(text: str) -> Iterator[Parsed]:
    for n, row in _csv_rows(text):
        position = f"row {n}"
        try:
            claim = _text(row.get("summary"), "summary")
            if not claim:
                raise ValueError("summary (the claim) is empty")
            title = _text(row.get("title"), "title")
            date = _date(row.get("date"))
            source = row.get("source", "").strip()
            yield NewFactCheck(
                key=_key("euvsdisinfo", title, latin_key(claim, "en")), claim=claim, format="euvsdisinfo",
                external_id=_text(row.get("issue"), "issue"), verdict="disinformation",
                rebuttal=_text(row.get("disproof"), "disproof"), headline=title, url=None,
                publisher="EUvsDisinfo", language="en", date=date,
                claim_author=_text(row.get("outlet"), "outlet"),
                appearance=source.split()[0] if source.startswith(("http://", "https://")) else None,
            )
        except ValueError as exc:
            yield RejectedRecord(position, str(exc), json.dumps(row, ensure_ascii=False)[:500])


def _literal(value: str, name: str) -> Any:
    """MultiClaim stores Python-literal tuples; literal_eval never runs code."""
    if not value.strip():
        return None
    try:
        return ast.literal_eval(value)
    except (ValueError, SyntaxError, MemoryError, RecursionError) as exc:
        raise ValueError(f"{name} is not a Python literal ({type(exc).__name__})") from None


def _multiclaim_text(value: Any, name: str) -> tuple[str | None, str | None, str | None]:
    """('original', 'english', [('lang', p)]) -> (original, english, iso language)."""
    if value is None:
        return None, None, None
    if not (isinstance(value, tuple) and len(value) >= 2 and all(isinstance(v, str) for v in value[:2])):
        raise ValueError(f"{name} must be a tuple ('original', 'english', [(lang, prob)])")
    langs = value[2] if len(value) > 2 and isinstance(value[2], list) else []
    lang = None
    if langs and isinstance(langs[0], tuple) and langs[0] and isinstance(langs[0][0], str):
        lang = _language(langs[0][0])
    return _text(value[0], name), _text(value[1], name), lang


def _parse_multiclaim(text: str) -> Iterator[Parsed]:
    for n, row in _csv_rows(text):
        position = f"row {n}"
        try:
            if "fact_check_id" not in row:
                raise ValueError("no fact_check_id column: is this trial_posts.csv? import trial_fact_checks.csv")
            original, english, lang = _multiclaim_text(_literal(row.get("claim", ""), "claim"), "claim")
            if not original:
                raise ValueError("claim is empty")
            title, title_en, _ = _multiclaim_text(_literal(row.get("title", ""), "title"), "title")
            instances = _literal(row.get("instances", ""), "instances") or []
            url = date = None
            if isinstance(instances, list) and instances and isinstance(instances[0], tuple) and len(instances[0]) >= 2:
                date = _date(instances[0][0]) if isinstance(instances[0][0], (int, float)) else None
                url = _url(instances[0][1]) if isinstance(instances[0][1], str) else None
            translations = {}
            if english and lang != "en" and english != original:
                translations["en"] = {"claim": english}
            yield NewFactCheck(
                key=_claim_key(url, original, lang), claim=original, format="multiclaim",
                external_id=_text(row.get("fact_check_id"), "fact_check_id"), headline=title, url=url,
                language=lang, date=date, translations=translations,
                publisher=_publisher_from_url(url),
            )
        except ValueError as exc:
            yield RejectedRecord(position, str(exc), json.dumps(row, ensure_ascii=False)[:500])


def _publisher_from_url(url: str | None) -> str | None:
    m = re.match(r"^https?://(?:www\.)?([^/:]+)", url or "")
    return m[1] if m else None


# -- profile YAML -------------------------------------------------------------------------------

def _parse_yaml(text: str, name: str) -> Iterator[Parsed]:
    import yaml

    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InputError(f"{name} is not valid YAML: {exc}") from None
    if not isinstance(doc, dict) or not ({"facts", "claim_reviews"} & set(doc)):
        raise InputError(f"{name}: expected a mapping with 'facts:' and/or 'claim_reviews:' lists (profile facts.yaml).")
    for section in ("facts", "claim_reviews"):
        if doc.get(section) is not None and not isinstance(doc[section], list):
            raise InputError(f"{name}: expected a mapping with '{section}:' as a list of items, "
                             f"got {type(doc[section]).__name__}.")
    for i, item in enumerate(doc.get("facts") or [], 1):
        position = f"facts[{i}]"
        try:
            if not isinstance(item, dict):
                raise ValueError(f"a fact must be a mapping, got {type(item).__name__}")
            statement = _text(item.get("statement"), "statement")
            if not statement:
                raise ValueError("statement is missing")
            ext = _text(item.get("id"), "id")
            translations = item.get("translations") or {}
            if not isinstance(translations, dict):
                raise ValueError("translations must map language to text")
            topics = item.get("topics") or []
            if isinstance(topics, str):
                topics = [topics]
            yield NewFact(
                key=_key("fact", ext, latin_key(statement)), statement=statement, external_id=ext,
                source=_text(item.get("source"), "source"), url=_url(item.get("url")),
                date=_date(str(item["date"]) if item.get("date") is not None else None),
                language=_language(item.get("language")) or "en", topics=tuple(str(t) for t in topics),
                translations={str(k): t for k, v in translations.items() if (t := _text(v, f"translations.{k}"))},
            )
        except ValueError as exc:
            yield RejectedRecord(position, str(exc), json.dumps(item, ensure_ascii=False, default=str)[:500])
    for i, item in enumerate(doc.get("claim_reviews") or [], 1):
        position = f"claim_reviews[{i}]"
        try:
            if not isinstance(item, dict):
                raise ValueError(f"a claim review must be a mapping, got {type(item).__name__}")
            claim = _text(item.get("claim"), "claim")
            if not claim:
                raise ValueError("claim is missing")
            language = _language(item.get("language")) or "en"
            url = _url(item.get("url"))
            translations: dict[str, dict[str, str]] = {}
            raw_tr = item.get("translations") or {}
            if not isinstance(raw_tr, dict):
                raise ValueError("translations must map language to {claim, rebuttal}")
            for lang, tr in raw_tr.items():
                if isinstance(tr, str):
                    tr = {"claim": tr}
                if not isinstance(tr, dict):
                    raise ValueError(f"translations.{lang} must be a mapping with claim and rebuttal")
                entry = {k: t for k in ("claim", "rebuttal") if (t := _text(tr.get(k), f"translations.{lang}.{k}"))}
                if entry:
                    translations[str(lang)] = entry
            fact_ids = item.get("facts") or []
            if isinstance(fact_ids, str):
                fact_ids = [fact_ids]
            ext = _text(item.get("id"), "id")
            yield NewFactCheck(
                key=_claim_key(url or ext, claim, language), claim=claim, format="yaml", external_id=ext,
                verdict=_text(item.get("verdict"), "verdict"), rebuttal=_text(item.get("rebuttal"), "rebuttal"),
                url=url, publisher=_text(item.get("publisher"), "publisher"), language=language,
                date=_date(str(item["date"]) if item.get("date") is not None else None),
                fact_ids=tuple(str(f) for f in fact_ids), translations=translations,
                headline=_text(item.get("title"), "title"),
            )
        except ValueError as exc:
            yield RejectedRecord(position, str(exc), json.dumps(item, ensure_ascii=False, default=str)[:500])


# -- entry points -------------------------------------------------------------------------------

def _read(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"No such file: {path}. Check the path.") from None
    except OSError as exc:
        raise InputError(f"Cannot read {path}: {exc.strerror}.") from None
    if not data.strip():
        raise InputError(f"{path} is empty; nothing to import.")
    for encoding in ("utf-8-sig", "cp1250", "cp1251"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(f"{path} is neither UTF-8 nor Windows-1250/1251 text.")  # pragma: no cover


def detect_format(path: Path, text: str) -> str:
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return "yaml"
    if suffix in (".json", ".jsonld", ".jsonl", ".html", ".htm"):
        return "claimreview"
    if suffix in (".csv", ".tsv", ".txt"):
        header = {h.strip().lower() for h in next(csv.reader(io.StringIO(text)), [])}
        if {"summary", "disproof"} <= header:
            return "euvsdisinfo"
        if {"fact_check_id", "claim"} <= header:
            return "multiclaim"
        if "claim" in header or "claimreviewed" in header:
            return "csv"
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped[:1] in "{[<":
        return "claimreview"
    if re.match(r"^(facts|claim_reviews)\s*:", stripped, re.MULTILINE):
        return "yaml"
    raise InputError(
        f"Cannot tell the format of {path.name}; pass --format one of {', '.join(FORMATS[1:])}."
    )


def parse_facts(path: str | Path, *, fmt: str = "auto") -> tuple[str, list[Parsed]]:
    """Parse a file into fact-checks, facts and rejections without touching a store."""
    if fmt not in FORMATS:
        raise InputError(f"Unknown fact format {fmt!r}; use one of {', '.join(FORMATS)}.")
    path = Path(path)
    if path.is_dir():
        # A MultiClaim / SemEval Task 7 folder: its fact-checks are the fact base.
        candidates = sorted(path.glob("*fact_checks*.csv"))
        if not candidates:
            raise InputError(f"{path} is a folder without a *fact_checks*.csv; pass the file to import.")
        path, fmt = candidates[0], "multiclaim" if fmt == "auto" else fmt
    text = _read(path)
    if fmt == "auto":
        fmt = detect_format(path, text)
    if fmt == "claimreview":
        records = list(_parse_claimreview_text(text, path.name))
    elif fmt == "csv":
        records = list(_parse_csv(text))
    elif fmt == "euvsdisinfo":
        records = list(_parse_euvsdisinfo(text))
    elif fmt == "multiclaim":
        records = list(_parse_multiclaim(text))
    else:
        records = list(_parse_yaml(text, path.name))
    return fmt, records


def import_facts(store: Store, path: str | Path, *, fmt: str = "auto") -> FactImportStats:
    """Import a file of fact-checks and facts; idempotent (keys are url + Latin key of the claim)."""
    fmt, records = parse_facts(path, fmt=fmt)
    run_id = store.start_run("facts", str(path))
    checks = [r for r in records if isinstance(r, NewFactCheck)]
    facts = [r for r in records if isinstance(r, NewFact)]
    rejected = [r for r in records if isinstance(r, RejectedRecord)]
    try:
        ins_c, dup_c = store.insert_fact_checks(checks, run_id=run_id)
        ins_f, dup_f = store.insert_facts(facts, run_id=run_id)
        store.add_rejections(rejected, run_id=run_id)
    except BaseException as exc:
        store.finish_run(run_id, status="failed", inserted=0, duplicates=0, rejected=len(rejected), error=str(exc))
        raise
    store.finish_run(run_id, status="done", inserted=ins_c + ins_f, duplicates=dup_c + dup_f, rejected=len(rejected))
    return FactImportStats(
        inserted=ins_c + ins_f, duplicates=dup_c + dup_f, rejected=len(rejected), run_id=run_id, format=fmt,
        fact_checks=ins_c, facts=ins_f,
        reasons=tuple(f"{r.position}: {r.reason}" for r in rejected[:_REASONS_SHOWN]),
    )


# -- the embed_facts stage ------------------------------------------------------------------------

PASSAGE_FIELDS = ("claim", "headline", "translation", "statement")


def _passage(target: str, target_id: int, fld: str, language: str | None, text: str) -> NewFactPassage:
    from factwatch.analysis.embed import clip

    text = clip(text)
    return NewFactPassage(target, target_id, fld, language, text, latin_key(text, language or "und"), text_hash(text))


def embed_fact_base(
    store: Store, *, fields: tuple[str, ...] | list[str] = PASSAGE_FIELDS, batch_size: int = 32, limit: int = 2000,
) -> FactEmbedStats:
    """Embed each new fact-check's claim (plus headline and translations) and each new fact.

    ``fields`` picks the searchable texts; the claim itself is always one (a fact-check with
    no passage would be picked up again on every run).
    """
    from factwatch.analysis import _retrieval
    from factwatch.analysis.embed import embed_texts

    counts: dict[str, int] = {}
    n_checks = n_facts = n_passages = 0
    while True:
        checks = store.fact_checks_without_passages(limit=limit)
        facts = store.facts_without_passages(limit=limit)
        if not checks and not facts:
            break
        rows: list[NewFactPassage] = []
        for fc in checks:
            rows.append(_passage("fact_check", fc.id, "claim", fc.language, fc.claim))
            if "headline" in fields and fc.headline and latin_key(fc.headline) != latin_key(fc.claim):
                rows.append(_passage("fact_check", fc.id, "headline", fc.language, fc.headline))
            if "translation" in fields:
                for lang, tr in sorted(fc.translations.items()):
                    if tr.get("claim"):
                        rows.append(_passage("fact_check", fc.id, "translation", lang, tr["claim"]))
        for f in facts:
            rows.append(_passage("fact", f.id, "statement", f.language, f.statement))
            if "translation" in fields:
                for lang, t in sorted(f.translations.items()):
                    rows.append(_passage("fact", f.id, "translation", lang, t))
        # Vectors first, then the passage rows: a crash in between leaves only cache entries.
        embed_texts(store, [r.text for r in rows], kind="passage", batch_size=batch_size, stats=counts)
        n_passages += store.insert_fact_passages(rows)
        n_checks += len(checks)
        n_facts += len(facts)
    index_size = _retrieval.refresh_index(store)
    return FactEmbedStats(
        fact_checks=n_checks, facts=n_facts, passages=n_passages, embedded=counts.get("embedded", 0),
        cached=counts.get("cached", 0), index_size=index_size,
    )
