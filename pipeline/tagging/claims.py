"""Claims: the regions, groups, threats and actors named together in one sentence or paragraph, stored per document."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field

from ..store import Store
from ..store.store import utcnow
from .tagger import Evidence, TaggedText

KINDS = ("region", "group", "threat", "actor")


@dataclass
class Claim:
    """What one passage says: where, to whom, what and by whom, with its text and epoch."""

    level: str  # sentence or paragraph
    start: int
    end: int
    text: str
    page: int | None
    paragraph: int | None
    epoch: str | None
    regions: list[str] = field(default_factory=list)
    governorates: list[str] = field(default_factory=list)
    districts: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    threats: list[str] = field(default_factory=list)
    actors: list[str] = field(default_factory=list)

    def values(self) -> list[tuple[str, str]]:
        pairs = [("region", v) for v in self.regions] + [("governorate", v) for v in self.governorates]
        pairs += [("district", v) for v in self.districts] + [("group", v) for v in self.groups]
        return pairs + [("threat", v) for v in self.threats] + [("actor", v) for v in self.actors]

    def to_json(self) -> dict:
        return asdict(self)


def _claim(level: str, mentions: list[Evidence], text: str, start: int, end: int, fallback_epoch: str | None) -> Claim | None:
    asserted = [m for m in mentions if m.value and m.dropped is None and not m.negated]
    kinds = {m.kind for m in asserted}
    if len(kinds) < 2 or not kinds & {"threat", "group"}:
        return None  # a claim says something about someone or something happening somewhere
    epochs = Counter(m.epoch for m in asserted if m.epoch)
    claim = Claim(level, start, end, text[start:end].strip(), asserted[0].page, asserted[0].paragraph,
                  epochs.most_common(1)[0][0] if epochs else fallback_epoch)
    for mention in asserted:
        target = {"region": claim.regions, "group": claim.groups, "threat": claim.threats, "actor": claim.actors}
        if mention.value not in target[mention.kind]:
            target[mention.kind].append(mention.value)
    for pcode in claim.regions:
        if pcode[:4] not in claim.governorates:
            claim.governorates.append(pcode[:4])
        if len(pcode) >= 6 and pcode[:6] not in claim.districts:
            claim.districts.append(pcode[:6])
    return claim


def build_claims(tagged: TaggedText, text: str, passages: dict[int | None, tuple[int, int]] | None = None) -> list[Claim]:
    """Sentence claims, then a paragraph claim for each paragraph whose asserted mentions span more than one
    sentence. A paragraph is read whole even where a page break cuts it into passages; mentions of different
    epochs ("in 2023 ... in 2025 ...") make separate paragraph claims, so no claim joins the two periods."""
    by_sentence: dict[tuple, list[Evidence]] = {}
    by_paragraph: dict[object, list[Evidence]] = {}
    for evidence in tagged.evidence:
        by_sentence.setdefault((evidence.passage, evidence.sentence_start, evidence.sentence_end), []).append(evidence)
        if evidence.value and evidence.dropped is None and not evidence.negated:
            paragraph = evidence.paragraph if evidence.paragraph is not None else ("passage", evidence.passage)
            by_paragraph.setdefault((paragraph, evidence.epoch), []).append(evidence)
    claims: list[Claim] = []
    for (_, start, end), mentions in by_sentence.items():
        claim = _claim("sentence", mentions, text, start, end, tagged.epoch)
        if claim:
            claims.append(claim)
    for (_, epoch), mentions in by_paragraph.items():
        if len({m.sentence_start for m in mentions}) < 2:
            continue  # one sentence: its sentence claim says it
        ranges = [(passages or {}).get(m.passage) for m in mentions]
        if all(ranges):
            start, end = min(r[0] for r in ranges), max(r[1] for r in ranges)
        else:
            start, end = min(m.sentence_start for m in mentions), max(m.sentence_end for m in mentions)
        claim = _claim("paragraph", mentions, text, start, end, epoch or tagged.epoch)
        if claim:
            claims.append(claim)
    claims.sort(key=lambda c: (c.start, c.level != "paragraph"))
    return claims


def save_claims(store: Store, doc_id: str, version_id: int | None, claims: list[Claim], tagger_version: str) -> None:
    """Replace a document's claims."""
    with store.transaction() as db:
        write_claims(db, doc_id, version_id, claims, tagger_version)


def write_claims(db, doc_id: str, version_id: int | None, claims: list[Claim], tagger_version: str) -> None:
    """save_claims inside a transaction the caller holds."""
    delete_claims(db, doc_id)
    for claim in claims:
        claim_id = db.execute(
            """INSERT INTO claims (document_id, version_id, level, page, paragraph, start, end, text, epoch,
                                   tagger_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (doc_id, version_id, claim.level, claim.page, claim.paragraph, claim.start, claim.end, claim.text,
             claim.epoch, tagger_version)).lastrowid
        db.executemany("INSERT OR IGNORE INTO claim_values (claim_id, kind, value) VALUES (?, ?, ?)",
                       [(claim_id, kind, value) for kind, value in claim.values()])


def delete_claims(db, doc_id: str) -> None:
    db.execute("DELETE FROM claim_values WHERE claim_id IN (SELECT id FROM claims WHERE document_id = ?)", (doc_id,))
    db.execute("DELETE FROM claims WHERE document_id = ?", (doc_id,))


def claims_for(store: Store, doc_id: str, level: str | None = None) -> list[Claim]:
    """A document's stored claims (optionally of one level), in text order."""
    sql = "SELECT * FROM claims WHERE document_id = ?" + (" AND level = ?" if level else "") + " ORDER BY start, id"
    rows = store.db.execute(sql, (doc_id, level) if level else (doc_id,)).fetchall()
    claims = []
    for row in rows:
        claim = Claim(row["level"], row["start"], row["end"], row["text"], row["page"], row["paragraph"], row["epoch"])
        lists = {"region": claim.regions, "governorate": claim.governorates, "district": claim.districts,
                 "group": claim.groups, "threat": claim.threats, "actor": claim.actors}
        for value in store.db.execute("SELECT kind, value FROM claim_values WHERE claim_id = ?", (row["id"],)):
            lists[value["kind"]].append(value["value"])
        claims.append(claim)
    return claims


def record_run(store: Store, doc_id: str, version_id: int | None, tagger_version: str, language: str | None,
               epoch: str | None, evidence: list[Evidence], claims: int) -> None:
    """Keep the tagger version, language and epoch of a document's run, and each tag's sentence offsets and epoch."""
    with store.transaction() as db:
        write_run(db, doc_id, version_id, tagger_version, language, epoch, evidence, claims)


def write_run(db, doc_id: str, version_id: int | None, tagger_version: str, language: str | None,
              epoch: str | None, evidence: list[Evidence], claims: int) -> None:
    """record_run inside a transaction the caller holds."""
    ids = [row[0] for row in db.execute("SELECT id FROM tags WHERE document_id = ? ORDER BY id", (doc_id,))]
    db.executemany("UPDATE tags SET level = ?, sentence_start = ?, sentence_end = ?, epoch = ? WHERE id = ?",
                   [(_level(e), e.sentence_start, e.sentence_end, e.epoch, tag_id)
                    for tag_id, e in zip(ids, evidence)])
    db.execute(
        """INSERT INTO tag_runs (document_id, version_id, tagger_version, language, epoch, tags, claims, tagged_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (document_id) DO UPDATE SET version_id = excluded.version_id,
             tagger_version = excluded.tagger_version, language = excluded.language, epoch = excluded.epoch,
             tags = excluded.tags, claims = excluded.claims, tagged_at = excluded.tagged_at""",
        (doc_id, version_id, tagger_version, language, epoch, len(evidence), claims, utcnow()))


def _level(evidence: Evidence) -> str | None:
    if evidence.kind != "region" or not evidence.value:
        return None
    return {4: "admin1", 6: "admin2"}.get(len(evidence.value), "admin3")


def run_summary(store: Store, doc_id: str) -> dict | None:
    row = store.db.execute("SELECT * FROM tag_runs WHERE document_id = ?", (doc_id,)).fetchone()
    return dict(row) if row else None

