"""What one digest says: a subscription's documents first seen in an ISO week, grouped by governorate and threat,
with counts per governorate x threat against the week before and the sources new to the subscription."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from zoneinfo import ZoneInfo

from ..search.backend import SearchBackend
from ..search.facets import validate_request
from ..search.model import MAX_PER_PAGE
from ..store import Store
from ..tagging.claims import claims_for
from ..taxonomy import Taxonomy, load_taxonomy
from .subscriptions import Subscription
from .weeks import Week

NO_GOVERNORATE = "no governorate tagged"
NO_THREAT = "no threat tagged"
EVIDENCE_CHARS = 400
SUMMARY_ROWS = 30  # the busiest cells; a broad search can touch a few hundred


@dataclass
class DigestEntry:
    doc_id: str
    title: str
    source: str
    published: str | None
    first_seen: str
    link: str
    governorate: str  # label of the governorate the document is filed under
    threat: str  # label of the threat it is filed under, within that governorate
    evidence: str  # the sentence that best shows it, plain text
    also: list[str] = field(default_factory=list)  # labels of other governorates it names


@dataclass
class SummaryRow:
    governorate: str
    threat: str
    count: int
    previous: int

    @property
    def change(self) -> str:
        delta = self.count - self.previous
        return "new" if self.previous == 0 and self.count else ("=" if delta == 0 else f"{delta:+d}")


@dataclass
class Digest:
    subscription: Subscription
    week: Week
    timezone: str
    entries: list[DigestEntry]
    summary: list[SummaryRow]
    new_sources: list[str]
    previous_total: int

    @property
    def top_summary(self) -> list[SummaryRow]:
        return self.summary[:SUMMARY_ROWS]

    @property
    def empty(self) -> bool:
        return not self.entries

    def groups(self) -> list[tuple[str, list[tuple[str, list[DigestEntry]]]]]:
        """[(governorate, [(threat, entries)])], governorates and threats with most documents first."""
        by_governorate: dict[str, dict[str, list[DigestEntry]]] = {}
        for entry in self.entries:
            by_governorate.setdefault(entry.governorate, {}).setdefault(entry.threat, []).append(entry)

        def weight(label_and_items) -> tuple:
            label, items = label_and_items
            size = len(items) if isinstance(items, list) else sum(len(v) for v in items.values())
            return (label in (NO_GOVERNORATE, NO_THREAT), -size, label)

        return [(governorate, sorted(threats.items(), key=weight))
                for governorate, threats in sorted(by_governorate.items(), key=weight)]


def matching_documents(backend: SearchBackend, subscription: Subscription) -> set[str]:
    """Ids of every indexed document the subscription's saved search finds, whenever it was first seen."""
    request = validate_request(subscription.request(sort="date", per_page=MAX_PER_PAGE))
    found: set[str] = set()
    page = 1
    while True:
        response = backend.search(replace(request, page=page))
        found.update(hit.doc_id for hit in response.hits)
        if page >= response.pages or not response.hits:
            return found
        page += 1


def _first_seen_between(store: Store, start: str, end: str) -> dict[str, dict]:
    rows = store.db.execute(
        """SELECT d.id, d.title, d.url, d.source_id, d.published, d.first_seen, s.name AS source_name
           FROM documents d LEFT JOIN sources s ON s.id = d.source_id
           WHERE d.first_seen >= ? AND d.first_seen < ? ORDER BY d.first_seen, d.id""", (start, end))
    return {row["id"]: dict(row) for row in rows}


def _filing(store: Store, doc_id: str, taxonomy: Taxonomy) -> tuple[str | None, str | None, str, set[tuple], list[str]]:
    """Where a document is filed (governorate, threat), its best evidence sentence, its governorate x threat cells
    and every governorate it names."""
    tags = [tag for tag in store.tags(doc_id) if not tag.negated]
    governorates = Counter(taxonomy.governorate_of(t.value) for t in tags if t.kind == "region")
    governorates.pop(None, None)
    governorate = governorates.most_common(1)[0][0] if governorates else None
    claims = claims_for(store, doc_id)
    local = [c for c in claims if governorate in c.governorates] or claims
    threats = Counter(threat for claim in local for threat in claim.threats)
    threats = threats or Counter(t.value for t in tags if t.kind == "threat")
    threat = threats.most_common(1)[0][0] if threats else None
    cells = {(g, t) for claim in claims for g in claim.governorates for t in claim.threats} or {(governorate, threat)}
    evidence = _evidence(claims, tags, governorate, threat)
    return governorate, threat, evidence, cells, [g for g, _ in governorates.most_common()]


def _evidence(claims, tags, governorate: str | None, threat: str | None) -> str:
    def rank(claim) -> tuple:
        return (not (governorate in claim.governorates and threat in claim.threats), threat not in claim.threats,
                claim.level != "sentence", len(claim.text))

    if claims:
        text = min(claims, key=rank).text
    else:
        sentences = [t.sentence for t in tags if t.sentence and t.kind == "threat"] or \
                    [t.sentence for t in tags if t.sentence]
        text = sentences[0] if sentences else ""
    text = " ".join(text.split())
    return text if len(text) <= EVIDENCE_CHARS else text[:EVIDENCE_CHARS - 1].rstrip() + "…"


def build_digest(store: Store, backend: SearchBackend, subscription: Subscription, week: Week, tz: ZoneInfo,
                 public_url: str, taxonomy: Taxonomy | None = None) -> Digest:
    """The digest of one subscription for one week (documents first seen in it, local time)."""
    taxonomy = taxonomy or load_taxonomy()
    matching = matching_documents(backend, subscription)
    start, end = week.utc_bounds(tz)
    previous_start, _ = week.previous().utc_bounds(tz)
    seen = {doc_id: row for doc_id, row in _first_seen_between(store, previous_start, end).items()
            if doc_id in matching}

    def label(kind: str, value: str | None) -> str:
        if value is None:
            return NO_GOVERNORATE if kind == "governorate" else NO_THREAT
        return taxonomy.label(kind, value)

    entries, counts, previous_counts = [], Counter(), Counter()
    for doc_id, row in seen.items():
        governorate, threat, evidence, cells, named = _filing(store, doc_id, taxonomy)
        this_week = row["first_seen"] >= start
        for cell in cells:
            (counts if this_week else previous_counts)[(label("governorate", cell[0]), label("threat", cell[1]))] += 1
        if not this_week:
            continue
        entries.append(DigestEntry(
            doc_id=doc_id, title=row["title"] or row["url"], source=row["source_name"] or row["source_id"] or "",
            published=row["published"], first_seen=row["first_seen"],
            link=f"{public_url.rstrip('/')}/documents/{doc_id}", governorate=label("governorate", governorate),
            threat=label("threat", threat), evidence=evidence,
            also=[label("governorate", g) for g in named if g != governorate]))
    summary = [SummaryRow(g, t, counts[(g, t)], previous_counts[(g, t)]) for g, t in set(counts) | set(previous_counts)]
    summary.sort(key=lambda r: (-r.count, -r.previous, r.governorate, r.threat))
    return Digest(subscription, week, tz.key, entries, summary, _new_sources(store, matching, start, end),
                  previous_total=len(seen) - len(entries))


def _new_sources(store: Store, matching: set[str], start: str, end: str) -> list[str]:
    """Sources whose first document for this subscription was first seen this week."""
    first: dict[str, tuple[str, str]] = {}
    rows = store.db.execute("SELECT d.id, d.source_id, d.first_seen, s.name FROM documents d "
                            "LEFT JOIN sources s ON s.id = d.source_id WHERE d.first_seen < ?", (end,))
    for row in rows:
        if row["id"] in matching and row["source_id"]:
            known = first.get(row["source_id"])
            if known is None or row["first_seen"] < known[0]:
                first[row["source_id"]] = (row["first_seen"], row["name"] or row["source_id"])
    return sorted(name for seen, name in first.values() if seen >= start)
