"""The JSON a user reads from `coi tag-text`: regions with their parents, groups, threats, actors, claims, evidence."""

from __future__ import annotations

from dataclasses import asdict

from ..taxonomy import load_taxonomy
from .claims import build_claims
from .gazetteer import level_of, load_gazetteer
from .tagger import TaggedText


def tagged_json(doc_id: str, text: str, tagged: TaggedText, tagger_version: str) -> dict:
    taxonomy, gazetteer = load_taxonomy(), load_gazetteer()
    asserted = [e for e in tagged.evidence if e.value and e.dropped is None and not e.negated]
    regions: dict[str, dict] = {}
    facets: dict[str, dict[str, dict]] = {"group": {}, "threat": {}, "actor": {}}
    for evidence in asserted:
        if evidence.kind == "region":
            unit = gazetteer.unit(evidence.value)
            entry = regions.setdefault(evidence.value, {
                "pcode": evidence.value, "level": level_of(evidence.value), "name": unit.name_en if unit else None,
                "parents": unit.parents() if unit else [], "surfaces": [], "count": 0})
        else:
            entry = facets[evidence.kind].setdefault(evidence.value, {
                "id": evidence.value, "label": taxonomy.label(evidence.kind, evidence.value), "surfaces": [],
                "count": 0})
        entry["count"] += 1
        if evidence.surface not in entry["surfaces"]:
            entry["surfaces"].append(evidence.surface)
    evidence_json = []
    for evidence in tagged.evidence:
        if evidence.dropped is not None:
            continue
        item = asdict(evidence)
        item.pop("dropped")
        item.pop("passage")
        if evidence.kind == "region" and evidence.value is None:
            item["unresolved"] = True
        evidence_json.append(item)
    return {
        "id": doc_id,
        "language": tagged.language,
        "epoch": tagged.epoch,
        "regions": list(regions.values()),
        "groups": list(facets["group"].values()),
        "threats": list(facets["threat"].values()),
        "actors": list(facets["actor"].values()),
        "negated": sorted({f"{e.kind}:{e.value}" for e in tagged.evidence if e.negated and e.dropped is None}),
        "claims": [claim.to_json() for claim in build_claims(tagged, text)],
        "evidence": evidence_json,
        "tagger_version": tagger_version,
    }
