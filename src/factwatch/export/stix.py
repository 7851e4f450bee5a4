"""The store as a STIX 2.1 bundle, for threat-intelligence platforms (OpenCTI, MISP) that read DISARM.

Mapping (docs/data-formats.md, "Exports"):

- the producer: an ``identity`` (organisation, named as the ClaimReview author), ``created_by_ref`` of
  every object factwatch writes;
- a state or state-affiliated actor of the source registry: an ``identity`` (``government`` for a
  state, ``organization`` otherwise) ``located-at`` a ``location`` of its country. Not a
  threat-actor: the registry records who owns an outlet, not that it is hostile;
- a catalogued narrative: a ``campaign`` that ``uses`` the ``attack-pattern`` of each DISARM
  technique it is tagged with. Attack-patterns are copied from DISARM's own bundle (its ids,
  names, external_references and markings), so they merge with DISARM loaded on its own; without
  the bundle they are written with the DISARM external id only;
- an actor whose sources carried a narrative: the campaign ``related-to`` the actor's identity
  (factwatch observes carriers; it does not attribute campaigns);
- a coordination network: a ``grouping`` (context suspicious-activity) of its accounts as
  ``user-account`` observables, ``related-to`` the campaigns its accounts' documents carry.

Ids are UUIDv5 of what each object is (an actor's name, a narrative's id), and timestamps come from
the store, so two exports of the same store are byte-identical.
"""

from __future__ import annotations

import json
import re
import uuid
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from factwatch.models import Actor, Narrative, StoredNetwork
from factwatch.store import Store

STATE_TYPES = ("state", "state-affiliated")
# The namespace of factwatch's STIX ids, and STIX's own for cyber observables (STIX 2.1 §2.9).
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/factwatch/stix")
SCO_NAMESPACE = uuid.UUID("00abedb4-aa42-466c-9c01-fed23315a9b7")
EPOCH = "1970-01-01T00:00:00.000Z"
_TECHNIQUE = re.compile(r"^T\d{4}(\.\d{3})?$")
_DISARM_COPIED = ("type", "spec_version", "id", "created", "modified", "created_by_ref", "name", "description",
                  "kill_chain_phases", "external_references", "object_marking_refs")


def stix_id(kind: str, key: str) -> str:
    return f"{kind}--{uuid.uuid5(NAMESPACE, f'{kind}|{key}')}"


def _timestamp(value: str | None) -> str | None:
    """A store time (ISO, Z or naive UTC) as a STIX timestamp with milliseconds."""
    if not value:
        return None
    text = value.replace("+00:00", "").rstrip("Z")
    if "T" not in text:
        text += "T00:00:00"
    head, _, frac = text.partition(".")
    return f"{head}.{(frac + '000')[:3]}Z"


class DisarmCatalogue:
    """DISARM's STIX bundle, by technique id (T0022, T0022.001)."""

    def __init__(self, objects: Iterable[dict[str, Any]]) -> None:
        self.by_id = {o["id"]: o for o in objects}
        self.techniques: dict[str, dict[str, Any]] = {}
        for o in self.by_id.values():
            if o.get("type") != "attack-pattern" or o.get("revoked"):
                continue
            # DISARM's generator names the source "mitre-attack" (it reuses ATT&CK's tooling); the
            # external id (T0022.001) and the URL into DISARMframeworks are what identify it.
            for ref in o.get("external_references", []):
                if _TECHNIQUE.match(str(ref.get("external_id", ""))):
                    self.techniques[ref["external_id"]] = o

    @classmethod
    def load(cls, path: Path | None) -> DisarmCatalogue:
        if path is None:
            return cls([])
        bundle = json.loads(path.read_text(encoding="utf-8"))
        return cls(bundle.get("objects", []))

    def attack_pattern(self, technique: str, producer: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """The technique's attack-pattern and the objects it refers to (DISARM's identity, markings)."""
        found = self.techniques.get(technique)
        if found is None:
            return {"type": "attack-pattern", "spec_version": "2.1", "id": stix_id("attack-pattern", technique),
                    "created": EPOCH, "modified": EPOCH, "created_by_ref": producer, "name": technique,
                    "external_references": [{"source_name": "DISARM", "external_id": technique}]}, []
        pattern = {k: found[k] for k in _DISARM_COPIED if k in found}
        refs = [found.get("created_by_ref"), *found.get("object_marking_refs", [])]
        return pattern, [self.by_id[r] for r in refs if r in self.by_id]


class _Bundle:
    def __init__(self, producer: str, as_of: str) -> None:
        self.producer, self.as_of = producer, as_of
        self.objects: dict[str, dict[str, Any]] = {}

    def add(self, obj: dict[str, Any]) -> str:
        self.objects.setdefault(obj["id"], obj)
        return str(obj["id"])

    def sdo(self, kind: str, key: str, **props: Any) -> str:
        created = props.pop("created", None) or self.as_of
        obj = {"type": kind, "spec_version": "2.1", "id": stix_id(kind, key), "created": created,
               "modified": created, "created_by_ref": self.producer}
        return self.add({**obj, **{k: v for k, v in props.items() if v not in (None, "", [], {})}})

    def relate(self, source: str, kind: str, target: str, description: str | None = None) -> str:
        return self.sdo("relationship", f"{source}|{kind}|{target}", relationship_type=kind, source_ref=source,
                        target_ref=target, description=description)


def _as_of(store: Store) -> str:
    """When the store last changed, as far as what is exported shows: its runs and networks."""
    times = [r.finished_at or r.started_at for r in store.list_runs(limit=1)]
    times += [n.computed_at for n in store.list_coordination_networks(limit=1)]
    stamps = [t for t in (_timestamp(x) for x in times) if t]
    return max(stamps) if stamps else EPOCH


def _actor(b: _Bundle, actor: Actor) -> str:
    ident = b.sdo("identity", f"actor|{actor.name}", name=actor.name,
                  identity_class="government" if actor.type == "state" else "organization",
                  description=actor.notes, x_factwatch_actor_type=actor.type)
    if actor.country:
        place = b.sdo("location", f"country|{actor.country}", name=actor.country, country=actor.country)
        b.relate(ident, "located-at", place)
    return ident


def _narrative(b: _Bundle, n: Narrative, disarm: DisarmCatalogue, documents: int) -> str:
    campaign = b.sdo("campaign", f"narrative|{n.catalogue}|{n.id}", name=n.title, description=n.description,
                     aliases=[n.label] if n.label != n.title else None, x_factwatch_narrative=n.id,
                     x_factwatch_catalogue=n.catalogue, x_factwatch_parent=n.parent, x_factwatch_documents=documents,
                     x_factwatch_status=n.status)  # candidate and retired narratives too, marked
    for technique in n.disarm:
        pattern, refs = disarm.attack_pattern(technique, b.producer)
        for ref in refs:
            b.add(ref)
        b.relate(campaign, "uses", b.add(pattern))
    return campaign


def _network(b: _Bundle, net: StoredNetwork, actors: dict[str, str]) -> str:
    accounts = []
    for name in net.accounts:
        # STIX 2.1 §2.9: an observable's id is UUIDv5 of its id-contributing properties (JCS JSON).
        key = json.dumps({"account_login": name}, ensure_ascii=False, separators=(",", ":"))
        accounts.append(b.add({"type": "user-account", "spec_version": "2.1",
                               "id": f"user-account--{uuid.uuid5(SCO_NAMESPACE, key)}", "account_login": name}))
    group = b.sdo("grouping", f"network|{net.id}", created=_timestamp(net.computed_at), context="suspicious-activity",
                  name=f"Coordinated {net.kind} sharing: {len(net.accounts)} accounts",
                  description=(f"{net.shares} shares of {net.objects} {net.kind} objects by {len(net.accounts)} "
                               f"accounts, {_timestamp(net.first_at)} to {_timestamp(net.last_at)}"),
                  object_refs=accounts, x_factwatch_network=net.id, x_factwatch_score=net.score)
    owners = sorted({a for d in net.account_details for a in d.actors if a in actors})
    for owner in owners:
        b.relate(group, "related-to", actors[owner], "accounts of the network post in this actor's sources")
    return group


def stix_bundle(store: Store, *, producer: str, disarm: DisarmCatalogue) -> dict[str, Any]:
    """The bundle (see the module docstring); its objects sorted by id."""
    b = _Bundle(stix_id("identity", f"producer|{producer}"), _as_of(store))
    b.add({"type": "identity", "spec_version": "2.1", "id": b.producer, "created": EPOCH, "modified": EPOCH,
           "name": producer, "identity_class": "organization"})
    actors = {a.name: _actor(b, a) for a in sorted(store.list_actors(), key=lambda a: a.name) if a.type in STATE_TYPES}
    counts = store.narrative_document_counts()
    campaigns = {n.id: _narrative(b, n, disarm, counts.get(n.id, 0))
                 for n in sorted(store.list_narratives(), key=lambda n: (n.catalogue, n.id))}
    for narrative, actor, _type, _country, first, _doc, documents in store.state_actor_narratives():
        if narrative in campaigns and actor in actors:
            b.relate(campaigns[narrative], "related-to", actors[actor],
                     f"carried by {documents} documents of the actor's sources, first {first}")
    groups: dict[str, str] = {}
    total = store.count_coordination_networks()
    for offset in range(0, total, 500):
        for net in store.list_coordination_networks(limit=500, offset=offset):
            groups[net.id] = _network(b, net, actors)
    carried: Counter[tuple[str, str]] = Counter()
    for network, _kind, narrative, _account, _doc, _at in store.network_narrative_documents():
        carried[(network, narrative)] += 1
    for (network, narrative), documents in sorted(carried.items()):
        if network in groups and narrative in campaigns:
            b.relate(groups[network], "related-to", campaigns[narrative],
                     f"{documents} documents of its accounts carry this narrative")
    objects = [b.objects[k] for k in sorted(b.objects)]
    return {"type": "bundle", "id": stix_id("bundle", f"{producer}|{b.as_of}|{len(objects)}"), "objects": objects}
