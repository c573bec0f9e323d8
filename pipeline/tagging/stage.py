"""The tagging stage: tag every stored document that is pending (or tagged by an older tagger) and store the evidence."""

from __future__ import annotations

from dataclasses import dataclass, field

from tqdm import tqdm

from ..store import Store, Tag
from .claims import build_claims, write_claims, write_run
from .tagger import Evidence, Tagger, default_tagger, text_passages


@dataclass
class TagStats:
    tagged: int = 0
    failed: int = 0
    skipped: int = 0  # no extracted text yet: left pending
    tags: int = 0
    claims: int = 0
    errors: list[str] = field(default_factory=list)


def outdated_documents(store: Store, tagger_version: str) -> list[str]:
    """Documents whose tags come from another tagger version (or from before runs were recorded)."""
    rows = store.db.execute(
        """SELECT s.document_id FROM stages s LEFT JOIN tag_runs r ON r.document_id = s.document_id
           WHERE s.stage = 'tag' AND s.status = 'done' AND (r.tagger_version IS NULL OR r.tagger_version != ?)
           ORDER BY s.document_id""", (tagger_version,))
    return [row[0] for row in rows]


def stored_tags(evidence: list[Evidence], tagger_version: str) -> list[Tag]:
    return [Tag(kind=e.kind, value=e.value, surface=e.surface, start=e.start, end=e.end, page=e.page,
                paragraph=e.paragraph, sentence=e.sentence, negated=e.negated, tagger_version=tagger_version,
                source=e.source)
            for e in evidence]


def tag_document(store: Store, doc_id: str, tagger: Tagger) -> tuple[int, int] | None:
    """Tag one stored document: its tags, claims and run; None when it has no extracted text yet."""
    document = store.document(doc_id)
    if document is None or document["current_version"] is None:
        return None
    version_id = document["current_version"]
    extraction = store.text(version_id)
    if extraction is None:
        return None
    passages = extraction.passages or text_passages(extraction.text)  # an extraction stored without passages
    language = document["language"] or extraction.language or document["language_declared"]
    tagged = tagger.tag_passages(extraction.text, passages, language, document["published"])
    evidence = [e for e in tagged.evidence if e.value and e.dropped is None]
    claims = build_claims(tagged, extraction.text, {p.idx: (p.start, p.end) for p in passages})
    # Claims, tags and the run in one transaction: a crash or an outage leaves the previous run whole.
    with store.transaction() as db:
        write_claims(db, doc_id, version_id, claims, tagger.version)
        store.write_tags(db, doc_id, version_id, stored_tags(evidence, tagger.version), tagger.version)
        write_run(db, doc_id, version_id, tagger.version, language, tagged.epoch, evidence, len(claims))
    return len(evidence), len(claims)


def tag_pending(store: Store, retag: bool = False, progress: bool = True, retry_failed: bool = False,
                tagger: Tagger | None = None) -> TagStats:
    """Tag every document whose tag stage is pending (and failed ones with retry_failed); with retag, also every
    document tagged by another tagger version. A failure is recorded on the document and the run goes on."""
    tagger = tagger or default_tagger()
    doc_ids = store.pending("tag", include_failed=retry_failed)
    if retag:
        doc_ids = sorted(set(doc_ids) | set(outdated_documents(store, tagger.version)))
    stats = TagStats()
    for doc_id in tqdm(doc_ids, desc="tag", unit="doc", disable=not progress):
        try:
            counts = tag_document(store, doc_id, tagger)
        except Exception as error:  # one bad document never stops the run: record it and go on
            message = f"{type(error).__name__}: {error}"
            store.mark(doc_id, "tag", "failed", message)
            stats.failed += 1
            stats.errors.append(f"{doc_id}: {message}")
            continue
        if counts is None:
            stats.skipped += 1
        else:
            stats.tagged += 1
            stats.tags += counts[0]
            stats.claims += counts[1]
    return stats
