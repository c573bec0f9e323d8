"""Push documents from the store to the search backend: whatever is pending, or everything on a rebuild."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

from tqdm import tqdm

from .dedup import canonical_of, copies_of
from .search.backend import BackendUnavailable, SearchBackend
from .search.model import IndexDocument
from .store import Store
from .tagging.claims import claims_for
from .taxonomy import Taxonomy, load_taxonomy

BATCH = 200


@dataclass
class IndexStats:
    indexed: int = 0
    failed: int = 0
    skipped: int = 0
    copies: int = 0  # copies of another document: kept out of the index, listed under their canonical one
    errors: list[str] = field(default_factory=list)
    stopped: str = ""  # why the run stopped early (backend unreachable); the rest stays pending


def index_document(store: Store, doc_id: str, sources: dict[str, dict], taxonomy: Taxonomy) -> IndexDocument | None:
    """The index's view of one stored document, or None when it has no extracted text yet."""
    document = store.document(doc_id)
    if document is None or document["current_version"] is None:
        return None
    extraction = store.text(document["current_version"])
    if extraction is None:
        return None
    facets: dict[str, set[str]] = {"governorate": set(), "district": set(), "group": set(), "threat": set(),
                                   "actor": set()}
    for tag in store.tags(doc_id):
        if tag.negated:
            continue
        if tag.kind == "region":
            # A tag on a lower level implies its parents.
            for facet, parent in (("governorate", taxonomy.governorate_of(tag.value)),
                                  ("district", taxonomy.district_of(tag.value))):
                if parent:
                    facets[facet].add(parent)
        else:
            facets[tag.kind].add(tag.value)
    source = sources.get(document["source_id"] or "", {})
    return IndexDocument(
        doc_id=doc_id,
        title=document["title"] or document["url"],
        body=extraction.text,
        url=document["url"],
        source=document["source_id"] or "",
        source_name=source.get("name") or document["source_id"] or "",
        source_type=source.get("source_type") or "",
        doc_type=document["doc_type"] or "",
        language=document["language"] or document["language_declared"] or "",
        published=document["published"],
        first_seen=document["first_seen"],
        epoch=taxonomy.epoch_for(document["published"]) or "",
        facets={name: sorted(values) for name, values in facets.items() if values},
        copies=copies_of(store, doc_id),
        passages=[_passage(claim) for claim in claims_for(store, doc_id)],
    )


def _passage(claim) -> dict:
    return {"text": claim.text, "start": claim.start, "end": claim.end, "page": claim.page,
            "paragraph": claim.paragraph, "level": claim.level, "governorate": claim.governorates,
            "district": claim.districts, "group": claim.groups, "threat": claim.threats, "actor": claim.actors}


def _batches(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def run_index(store: Store, backend: SearchBackend, rebuild: bool = False, progress: bool = True) -> IndexStats:
    """Index every pending document (or, with rebuild, everything extracted) and record each one's state."""
    taxonomy = load_taxonomy()
    sources = store.sources()
    stats = IndexStats()
    if rebuild:
        doc_ids = [i for i in store.extracted_documents() if canonical_of(store, i) is None]
        documents = [d for d in (index_document(store, i, sources, taxonomy) for i in doc_ids) if d]
        done = set(backend.rebuild(documents))
        for document in documents:
            if document.doc_id in done:
                store.mark(document.doc_id, "index", "done")
            else:
                _failed(store, stats, document.doc_id, backend.failures.get(document.doc_id, "not indexed"))
        stats.indexed = len(done)
        return stats
    doc_ids = store.pending("index", include_failed=True)
    with tqdm(total=len(doc_ids), desc="index", unit="doc", disable=not progress) as bar:
        for batch in _batches(doc_ids, BATCH):
            documents, copies = [], []
            for doc_id in batch:
                if canonical_of(store, doc_id) is not None:
                    copies.append(doc_id)
                    continue
                document = index_document(store, doc_id, sources, taxonomy)
                if document is None:
                    stats.skipped += 1  # not extracted yet (or extraction failed): it stays pending
                else:
                    documents.append(document)
            try:
                done = set(backend.index(documents))
                for document in documents:
                    if document.doc_id in done:
                        store.mark(document.doc_id, "index", "done")
                        stats.indexed += 1
                    else:  # the backend refused this one document: record why, keep going
                        _failed(store, stats, document.doc_id, backend.failures.get(document.doc_id, "not indexed"))
                if copies:
                    backend.delete(copies)
                    for doc_id in copies:
                        store.mark(doc_id, "index", "done")
                    stats.copies += len(copies)
            except Exception as error:  # the backend is down or refused the batch: record, keep the rest pending
                message = f"{type(error).__name__}: {error}"
                for doc_id in [d.doc_id for d in documents] + copies:
                    store.mark(doc_id, "index", "failed", message)
                stats.failed += len(documents) + len(copies)
                stats.errors.append(message)
                if isinstance(error, BackendUnavailable):
                    stats.stopped = str(error)
                    break
            bar.update(len(batch))
    return stats


def _failed(store: Store, stats: IndexStats, doc_id: str, message: str) -> None:
    store.mark(doc_id, "index", "failed", message)
    store.record_error("index", message, doc_id=doc_id)
    stats.failed += 1
    stats.errors.append(f"{doc_id}: {message}")
