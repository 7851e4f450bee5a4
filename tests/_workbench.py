"""One real database for the workbench tests (triage, review queue, fact base), built once per
test process with the real importer, store and pipeline (claims, e5 embeddings, matching,
discovery) and copied for each module, so each module may write to its own copy.

Its corpus: a Serbian Cyrillic claim an English fact-check addresses (and a Latin copy of it in a
second source, state-affiliated), a claim the fact base does not address, three planted groups
of paraphrases (candidate narratives, from tests/_discovery_data.py), one hostile sentence, and
two narrative labels given by hand (the classifier's thresholds are not what these tests test).
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from _discovery_data import GROUPS

from factwatch.models import Actor, NewDocument, NewNarrativeAssignment, Narrative, Source
from factwatch.text.script import detect_script, latin_key

DATA = Path(__file__).parent / "data" / "web"
FALSE_CLAIM = "Влада Косова је забранила Српску православну цркву."
LATIN_COPY = "Vlada Kosova je zabranila Srpsku pravoslavnu crkvu."
UNADDRESSED = "Vlada Srbije je usvojila zakon kojim se zabranjuje izvoz litijuma do 2030. godine."
HOSTILE = "Vlada Srbije je 12. marta usvojila zakon <script>alert(1)</script> o budžetu od 2 milijarde evra."
_BUILT: dict[str, Path] = {}


def _doc(source: str, language: str, day: int, title: str, text: str, n: int) -> NewDocument:
    return NewDocument(
        platform="web", source=source, text=text, language=language, script=detect_script(text),
        latin_key=latin_key(f"{title} {text}", language),
        content_hash=hashlib.sha256(f"{source}|{title}|{text}|{n}".encode()).hexdigest(),
        position=f"{n}", title=title, published_at=f"2024-03-{day:02d}T08:00:00Z", url=f"https://example.org/{n}",
    )


def documents() -> list[NewDocument]:
    docs = [
        _doc("informer-example", "sr", 1, "Скандал у Приштини", f"Вечерас је објављена вест. {FALSE_CLAIM}", 1),
        _doc("state-tv", "sr", 2, "Prenos", LATIN_COPY, 2),
        _doc("n1-example", "sr", 3, "Litijum", UNADDRESSED, 3),
        _doc("hostile-feed", "sr", 4, "<b>Vest</b>", f"Uvod. {HOSTILE} Kraj.", 4),
    ]
    n = 10
    for group in GROUPS.values():
        for lang, text in group:
            n += 1
            docs.append(_doc(f"blog-{lang}", lang, 5 + n % 20, "", text, n))
    return docs


def build(tmp: Path) -> Path:
    """The database, built once and copied into ``tmp``; returns the copy's path."""
    if "db" not in _BUILT:
        from factwatch.ingest.facts import import_facts
        from factwatch.pipeline import run_pipeline
        from factwatch.store import open_store

        base = tmp.parent / "workbench-base"
        base.mkdir(exist_ok=True)
        path = base / "factwatch.db"
        with open_store(str(path)) as store:
            import_facts(store, DATA / "facts.yaml")
            store.upsert_actor(Actor(name="State Broadcaster", type="state", country="RS"))
            store.upsert_source(Source(name="state-tv", platform="web", country="RS", language="sr",
                                       actor="State Broadcaster"))
            run_id = store.start_run("ingest", "tests/_workbench.py")
            docs = documents()
            store.insert_documents(docs, run_id=run_id)
            store.finish_run(run_id, status="done", inserted=len(docs), duplicates=0, rejected=0)
            run_pipeline(store)
            store.save_narratives("test", [Narrative(id="test-church", catalogue="test", title="Church banned",
                                                     description="The Serbian church is banned in Kosovo.",
                                                     label="Church banned")])
            ids = [r.id for r in store.list_documents(limit=2, offset=0, source="informer-example")] + \
                  [r.id for r in store.list_documents(limit=2, offset=0, source="state-tv")]
            store.save_narrative_assignments(ids, [
                NewNarrativeAssignment(document_id=i, claim_id=None, narrative_id="test-church", score=0.9 - k / 10,
                                       evidence="church") for k, i in enumerate(ids)], stage="test-labels", cursor="1")
        _BUILT["db"] = path
    target = tmp / "factwatch.db"
    shutil.copy(_BUILT["db"], target)
    return target
