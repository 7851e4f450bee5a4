"""Narrative catalogues: the profile's YAML and the SemEval-2025 Task 10 taxonomy (issue 9).

A catalogue is refused as a whole when it is malformed (a missing field, a duplicate id, an
unknown parent, a cycle of parents), with the line of the offending narrative and the reason:
a narrative that silently disappears from a catalogue would silently stop being detected. An
empty catalogue, or one whose examples are in one language, is valid.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml

from factwatch.errors import InputError
from factwatch.models import NARRATIVE_STATUSES, Narrative, NarrativeExample

__all__ = ["load_catalogue", "load_named_catalogue", "parse_catalogue_yaml", "parse_semeval_taxonomy",
           "read_semeval_documents", "dump_catalogue_yaml", "check_catalogue"]

FORMATS = ("auto", "yaml", "semeval2025")
_REQUIRED = ("id", "title", "description")
_KNOWN = {"id", "title", "description", "label", "parent", "status", "examples", "keywords", "facts", "disarm", "domain"}
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:\-]{0,127}$")
# DISARM v1.6 technique ids: T0022, T0022.001 (../shared/data/disarm/red_framework_ids.csv).
_DISARM = re.compile(r"^T\d{4}(\.\d{3})?$")
_SEMEVAL_FILES = {
    "URW": "Narrative_Description_War_in_Ukraine-sentences.tsv",
    "CC": "Narrative_Description_ClimateChange-sentences.tsv",
}
_SEMEVAL_LABELS = "subtask2_all_fine-grained_narratives.csv"


def load_catalogue(path: str | Path, *, fmt: str = "auto") -> list[Narrative]:
    """Read a catalogue file (YAML) or the SemEval-2025 folder; raises InputError naming the line."""
    return load_named_catalogue(path, fmt=fmt)[1]


def load_named_catalogue(path: str | Path, *, fmt: str = "auto") -> tuple[str, list[Narrative]]:
    """The catalogue's name and its narratives. The name is the file's ``catalogue:`` key, else
    taken from the file name; returned apart so an empty catalogue (``narratives: []``) still
    names the catalogue it empties."""
    p = Path(path)
    if fmt not in FORMATS:
        raise InputError(f"--format is one of {', '.join(FORMATS)}, not {fmt!r}.")
    if not p.exists():
        raise InputError(f"{p}: no such file or folder. Pass a narratives.yaml or the SemEval folder (../shared/data/narratives).")
    if fmt == "auto":
        fmt = "semeval2025" if p.is_dir() else "yaml"
    if fmt == "semeval2025":
        return "semeval2025", parse_semeval_taxonomy(p)
    if p.is_dir():
        raise InputError(f"{p} is a folder; pass a YAML file, or --format semeval2025 for the SemEval-2025 folder.")
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{p}: not UTF-8 text (byte {exc.start}); save the catalogue as UTF-8.") from None
    if not text.strip():
        # An empty catalogue would retire every narrative of the catalogue the file name names.
        raise InputError(f"{p} is empty; nothing to import (a catalogue is `narratives:` and one entry per narrative).")
    return _parse_yaml(text, name=p.stem if p.stem != "narratives" else p.parent.name, where=str(p))


# -- YAML -------------------------------------------------------------------------------------


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def parse_catalogue_yaml(text: str, *, name: str = "catalogue", where: str = "<catalogue>") -> list[Narrative]:
    """Parse and check a YAML catalogue (``narratives:`` list, or a bare list)."""
    return _parse_yaml(text, name=name, where=where)[1]


def _parse_yaml(text: str, *, name: str, where: str) -> tuple[str, list[Narrative]]:
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"line {mark.line + 1}: " if mark is not None else ""
        raise InputError(f"{where}: {line}not valid YAML ({getattr(exc, 'problem', None) or exc}).") from None
    finally:
        loader.dispose()
    if root is None:
        return name, []
    items: yaml.Node | None = root
    catalogue = name
    if isinstance(root, yaml.MappingNode):
        items = None
        for key, value in root.value:
            if key.value in ("catalogue", "profile") and isinstance(value, yaml.ScalarNode):
                catalogue = str(value.value)
            elif key.value == "narratives":
                items = value
        if items is None:
            raise InputError(f"{where}: line {_line(root)}: no 'narratives:' list; a catalogue is `narratives:` "
                             "followed by one entry per narrative (see docs/narratives.md).")
    if isinstance(items, yaml.ScalarNode) and items.value in ("", "~", "null"):
        return catalogue, []
    if not isinstance(items, yaml.SequenceNode):
        raise InputError(f"{where}: line {_line(items)}: 'narratives' must be a list of narratives.")
    out: list[Narrative] = []
    lines: dict[str, int] = {}
    for node in items.value:
        n = _narrative(node, catalogue=catalogue, where=where)
        if n.id in lines:
            raise InputError(f"{where}: line {_line(node)}: duplicate id {n.id!r} (first at line {lines[n.id]}).")
        lines[n.id] = _line(node)
        out.append(n)
    check_catalogue(out, lines=lines, where=where)
    return catalogue, out


def _narrative(node: yaml.Node, *, catalogue: str, where: str) -> Narrative:
    at = f"{where}: line {_line(node)}"
    if not isinstance(node, yaml.MappingNode):
        raise InputError(f"{at}: a narrative is a mapping with id, title and description.")
    fields: dict[str, Any] = {}
    for key, value in node.value:
        k = str(key.value)
        if k in fields:
            raise InputError(f"{where}: line {_line(key)}: field {k!r} given twice.")
        if k not in _KNOWN:
            raise InputError(f"{where}: line {_line(key)}: unknown field {k!r}; fields are {', '.join(sorted(_KNOWN))}.")
        try:
            fields[k] = yaml.SafeLoader("").construct_object(value, deep=True)
        except yaml.YAMLError as exc:
            raise InputError(f"{where}: line {_line(value)}: {exc}") from None
    ident = fields.get("id")
    label = f"narrative {ident!r}" if ident else "narrative"
    for req in _REQUIRED:
        v = fields.get(req)
        if not isinstance(v, (str, int)) or not str(v).strip():
            raise InputError(f"{at}: {label} has no {req!r} (required: {', '.join(_REQUIRED)}).")
    ident = str(ident).strip()
    if not _ID.match(ident):
        raise InputError(f"{at}: id {ident!r} must be letters, digits, '.', ':', '_' or '-' (at most 128).")
    status = str(fields.get("status") or "active")
    if status not in NARRATIVE_STATUSES:
        raise InputError(f"{at}: {label} has status {status!r}; it is one of {', '.join(NARRATIVE_STATUSES)}.")
    disarm = _strings(fields.get("disarm"), at=at, what="disarm")
    for t in disarm:
        if not _DISARM.match(t):
            raise InputError(f"{at}: {label}: DISARM technique id {t!r} is not of the form T0022 or T0022.001.")
    parent = fields.get("parent")
    return Narrative(
        id=ident, catalogue=catalogue, title=str(fields["title"]).strip(),
        description=" ".join(str(fields["description"]).split()),
        label=str(fields.get("label") or fields["title"]).strip(),
        parent=str(parent).strip() if parent not in (None, "") else None, status=status,
        examples=_examples(fields.get("examples"), at=at),
        keywords=_keywords(fields.get("keywords"), at=at),
        facts=_strings(fields.get("facts"), at=at, what="facts"),
        disarm=disarm, domain=str(fields["domain"]) if fields.get("domain") else None,
    )


def _strings(value: Any, *, at: str, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, (str, int)):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
        raise InputError(f"{at}: {what!r} must be a list of strings.")
    return tuple(str(v).strip() for v in value if str(v).strip())


def _keywords(value: Any, *, at: str) -> tuple[str, ...]:
    # Keywords may be grouped by language ({sr: [...], sq: [...]}); matching ignores the grouping.
    if isinstance(value, dict):
        found: list[str] = []
        for lang, words in value.items():
            found.extend(_strings(words, at=at, what=f"keywords.{lang}"))
        return tuple(dict.fromkeys(found))
    return tuple(dict.fromkeys(_strings(value, at=at, what="keywords")))


def _examples(value: Any, *, at: str) -> tuple[NarrativeExample, ...]:
    if value is None:
        return ()
    out: list[NarrativeExample] = []
    if isinstance(value, dict):
        for lang, texts in value.items():
            out.extend(NarrativeExample(str(lang), t) for t in _strings(texts, at=at, what=f"examples.{lang}"))
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and isinstance(item.get("text"), str):
                out.append(NarrativeExample(str(item.get("language") or "und"), item["text"].strip()))
            elif isinstance(item, str):
                out.append(NarrativeExample("und", item.strip()))
            else:
                raise InputError(f"{at}: an example is a string or {{language, text}}; got {item!r}.")
    else:
        raise InputError(f"{at}: 'examples' is a mapping of language to statements, or a list.")
    return tuple(e for e in out if e.text)


def check_catalogue(narratives: Sequence[Narrative], *, lines: dict[str, int] | None = None,
                    where: str = "<catalogue>") -> None:
    """Refuse unknown parents and cycles of parents (a narrative its own ancestor)."""
    lines = lines or {}
    by_id = {n.id: n for n in narratives}

    def at(i: str) -> str:
        return f"{where}: line {lines[i]}" if i in lines else f"{where}: narrative {i!r}"

    for n in narratives:
        if n.parent is not None and n.parent not in by_id:
            raise InputError(f"{at(n.id)}: parent {n.parent!r} of {n.id!r} is not in the catalogue.")
    for n in narratives:
        seen = [n.id]
        cur = n.parent
        while cur is not None:
            if cur in seen:
                raise InputError(f"{at(n.id)}: parents form a cycle: {' -> '.join([*seen, cur])}.")
            seen.append(cur)
            cur = by_id[cur].parent


def dump_catalogue_yaml(narratives: Iterable[Narrative], *, catalogue: str | None = None) -> str:
    """The YAML that ``parse_catalogue_yaml`` reads back to the same narratives."""
    items: list[dict[str, Any]] = []
    name = catalogue
    for n in narratives:
        name = name or n.catalogue
        d: dict[str, Any] = {"id": n.id, "title": n.title, "description": n.description}
        if n.label != n.title:
            d["label"] = n.label
        for k in ("parent", "domain"):
            if getattr(n, k):
                d[k] = getattr(n, k)
        d["status"] = n.status
        if n.examples:
            grouped: dict[str, list[str]] = {}
            for e in n.examples:
                grouped.setdefault(e.language, []).append(e.text)
            d["examples"] = grouped
        for k in ("keywords", "facts", "disarm"):
            if getattr(n, k):
                d[k] = list(getattr(n, k))
        items.append(d)
    return yaml.safe_dump({"catalogue": name or "catalogue", "narratives": items}, allow_unicode=True,
                          sort_keys=False, width=100)


# -- SemEval-2025 Task 10 --------------------------------------------------------------------


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


def parse_semeval_taxonomy(folder: Path) -> list[Narrative]:
    """The Ukraine-war (URW) and climate (CC) taxonomies: coarse narratives with their label strings
    (``URW: Discrediting Ukraine``), sub-narratives (``URW: Discrediting Ukraine: ...``) and the
    task's description sentences as English examples. "Other" labels are not narratives: a scorer
    writes them where nothing was found."""
    labels_file = folder / _SEMEVAL_LABELS
    missing = [f for f in (*_SEMEVAL_FILES.values(), _SEMEVAL_LABELS) if not (folder / f).is_file()]
    if missing:
        raise InputError(f"{folder}: not the SemEval-2025 Task 10 folder; missing {', '.join(missing)}.")
    coarse: dict[str, dict[str, Any]] = {}
    subs: dict[str, dict[str, Any]] = {}
    with labels_file.open(encoding="utf-8", newline="") as fh:
        for lineno, row in enumerate(csv.reader(fh), start=1):
            if lineno == 1 or not row or row[0].strip() in ("", "Other"):
                continue
            parts = [p.strip() for p in row[0].split(":")]
            if len(parts) < 3 or parts[0] not in _SEMEVAL_FILES:
                raise InputError(f"{labels_file}: line {lineno}: {row[0]!r} is not DOMAIN: narrative: sub-narrative.")
            domain, name, sub = parts[0], parts[1], ":".join(parts[2:]).strip()
            key = f"{domain}: {name}"
            coarse.setdefault(key, {"domain": domain, "name": name, "subs": []})
            if sub != "Other":
                subs[f"{key}: {sub}"] = {"coarse": key, "name": sub, "examples": []}
                coarse[key]["subs"].append(sub)
    for domain, file in _SEMEVAL_FILES.items():
        path = folder / file
        with path.open(encoding="utf-8", newline="") as fh:
            for lineno, row in enumerate(csv.reader(fh, delimiter="\t"), start=1):
                if lineno == 1 or len(row) < 3 or not row[2].strip():
                    continue
                key = f"{domain}: {row[0].strip()}"
                if key not in coarse:
                    raise InputError(f"{path}: line {lineno}: narrative {row[0].strip()!r} is not in {_SEMEVAL_LABELS}.")
                target = subs.get(f"{key}: {row[1].strip()}", coarse[key])
                target.setdefault("examples", []).append(row[2].strip())
    out: list[Narrative] = []
    for key, c in coarse.items():
        cid = f"{c['domain']}.{_slug(c['name'])}"
        desc = c["name"] + (": " + "; ".join(c["subs"]) + "." if c["subs"] else ".")
        out.append(Narrative(
            id=cid, catalogue="semeval2025", title=c["name"], description=desc, label=key, domain=c["domain"],
            examples=tuple(NarrativeExample("en", t) for t in c.get("examples", []))))
        for skey, s in subs.items():
            if s["coarse"] == key:
                out.append(Narrative(
                    id=f"{cid}.{_slug(s['name'])}", catalogue="semeval2025", title=s["name"],
                    description=s["name"] + ".", label=skey, parent=cid, domain=c["domain"],
                    examples=tuple(NarrativeExample("en", t) for t in s["examples"])))
    check_catalogue(out, where=str(folder))
    return out


_SEMEVAL_DOCS = (("fauklue_annotations_en.csv", "file", "top", "mid"),
                 ("semeval2025_en_extra_dev.csv", "filename", "narratives", "subnarratives"))


def read_semeval_documents(folder: Path) -> list[tuple[str, list[str], list[str], str]]:
    """The folder's labelled articles: (file name, coarse labels, fine labels, text), in file order.
    Labels are the task's strings ("Other", "URW: ...", "URW: ...: Other")."""
    # The articles are long quoted fields; the csv module's default 128 KiB field limit is too small.
    csv.field_size_limit(16 * 1024 * 1024)
    out: list[tuple[str, list[str], list[str], str]] = []
    for name, fcol, ccol, scol in _SEMEVAL_DOCS:
        path = folder / name
        if not path.is_file():
            continue
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                coarse = [x.strip() for x in (row.get(ccol) or "").split(";") if x.strip()]
                fine = [x.strip() for x in (row.get(scol) or "").split(";") if x.strip()]
                if row.get(fcol) and row.get("text"):
                    out.append((row[fcol], list(dict.fromkeys(coarse)), list(dict.fromkeys(fine)), row["text"]))
    return out
