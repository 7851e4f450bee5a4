"""Generated documents for the web load benchmark: the demo's own sources, languages and sentences.

Each generated document takes one demo source (its platform, language and script) and
recombines 2-5 sentences that documents in the same language and script carry, so the FTS index,
the language and source filters and the page sizes look like the demo's, at 100k rows. Dates
spread over the 180 days before the newest demo document. The Latin key is computed as ingestion
computes it (text/script.latin_key); language detection is skipped (the template's language is
kept), which is what makes 100k documents take seconds rather than minutes.
"""

from __future__ import annotations

import hashlib
import random
import re
import sqlite3
from collections import defaultdict
from datetime import datetime, timedelta, timezone

from factwatch.models import NewDocument
from factwatch.store import Store
from factwatch.text.script import latin_key

_SENTENCE = re.compile(r"(?<=[.!?…])\s+")
_SOCIAL = {"telegram", "x", "ira", "jsonl", "csv"}
BATCH = 5000


def _templates(db_path: str) -> tuple[list[tuple[str, str, str, str, list[str]]], dict[tuple[str, str], list[str]], datetime]:
    """(platform, source, language, script, authors) per demo source, sentences per (language, script), newest date."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        rows = conn.execute("SELECT platform, source, language, script, author, text, published_at FROM documents").fetchall()
    finally:
        conn.close()
    if not rows:
        raise SystemExit(f"{db_path} has no documents; build it with `factwatch --db {db_path} demo --no-serve`")
    sources: dict[tuple[str, str, str, str], set[str]] = defaultdict(set)
    sentences: dict[tuple[str, str], list[str]] = defaultdict(list)
    newest = ""
    for platform, source, language, script, author, text, published in rows:
        sources[(platform, source, language, script)].add(author or "")
        sentences[(language, script)].extend(s for s in _SENTENCE.split(text) if len(s) > 20)
        newest = max(newest, published or "")
    end = datetime.fromisoformat(newest.replace("Z", "+00:00")) if newest else datetime.now(timezone.utc)
    if end.tzinfo is None:
        end = end.replace(tzinfo=timezone.utc)
    templates = [(p, s, lang, scr, sorted(a)) for (p, s, lang, scr), a in sorted(sources.items())
                 if sentences.get((lang, scr))]
    return templates, sentences, end


def generate_documents(store: Store, demo_db: str, count: int, *, seed: int = 20261129) -> int:
    """Insert ``count`` generated documents into ``store`` under one run; the number inserted."""
    templates, sentences, end = _templates(demo_db)
    rng = random.Random(seed)
    keys: dict[tuple[str, str, int], str] = {}

    def key(language: str, script: str, k: int) -> str:
        # The key of a text is the keys of its sentences joined by a space (latin_key maps every
        # run of non-word characters to one space), so each sentence is transliterated once.
        if (language, script, k) not in keys:
            keys[(language, script, k)] = latin_key(sentences[(language, script)][k], language)
        return keys[(language, script, k)]

    run_id = store.start_run("ingest", f"bench: {count} generated documents")
    inserted = 0
    batch: list[NewDocument] = []
    for i in range(count):
        platform, source, language, script, authors = rng.choice(templates)
        pool = sentences[(language, script)]
        picked = [rng.randrange(len(pool)) for _ in range(rng.randint(2, 5))]
        text = " ".join(pool[k] for k in picked)
        title = " ".join(text.split()[:9]) if platform not in _SOCIAL else None
        published = (end - timedelta(seconds=rng.randrange(180 * 86400))).isoformat(timespec="seconds")
        social = platform in _SOCIAL
        batch.append(NewDocument(
            platform=platform, source=source, text=text, language=language, script=script,
            latin_key=" ".join(key(language, script, k) for k in picked),
            content_hash=hashlib.sha256(f"bench-web-load:{seed}:{i}".encode()).hexdigest(),
            position=f"generated:{i}",
            external_id=f"gen-{seed}-{i}" if social else None,
            url=None if social else f"https://{re.sub(r'[^a-z0-9]+', '-', source.lower()).strip('-')}.example/gen/{i}",
            title=title, author=rng.choice(authors) or None, published_at=published,
            meta={"generated": True},
        ))
        if len(batch) >= BATCH:
            inserted += store.insert_documents(batch, run_id=run_id)[0]
            batch = []
    if batch:
        inserted += store.insert_documents(batch, run_id=run_id)[0]
    store.finish_run(run_id, status="done", inserted=inserted, duplicates=count - inserted, rejected=0)
    return inserted
