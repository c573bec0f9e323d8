"""The processing stage: extract text and passages, detect the language, for every document that needs it."""

from __future__ import annotations

from dataclasses import dataclass, field

from tqdm import tqdm

from .dedup import Deduplicator
from .extract import ExtractionError, ExtractLimits, extract
from .language import detect_language
from .settings import Settings
from .store import Store


@dataclass
class ProcessStats:
    extracted: int = 0
    failed: int = 0
    copies: int = 0
    errors: list[str] = field(default_factory=list)


def extract_one(store: Store, doc_id: str, limits: ExtractLimits) -> str | None:
    """Extract one stored document; returns None on success or the error recorded in the store."""
    document = store.document(doc_id)
    if document is None or document["current_version"] is None:
        return None
    try:
        body = store.body(document["sha256"])
        extraction = extract(body, document["content_type"], document["url"], limits)
    except ExtractionError as error:
        message = f"{error.kind}: {error}"
    except FileNotFoundError:
        message = f"archive: the body {document['sha256']} is missing from the archive"
    except Exception as error:  # a bug or a parser we did not foresee: record it, never stop the run
        message = f"unexpected: {type(error).__name__}: {error}"
    else:
        language, score = detect_language(extraction.text)
        extraction.language = language or document["language_declared"]
        extraction.language_score = score
        store.save_extraction(doc_id, document["current_version"], extraction)
        return None
    store.mark(doc_id, "extract", "failed", message)
    return message


def process_pending(store: Store, settings: Settings, retry_failed: bool = False, progress: bool = True) -> ProcessStats:
    """Extract every document whose extraction is pending (and, with retry_failed, those that failed before),
    then file it with its near-duplicates."""
    limits = ExtractLimits.from_settings(settings)
    stats = ProcessStats()
    doc_ids = store.pending("extract", include_failed=retry_failed)
    deduplicator = Deduplicator(store) if doc_ids else None
    for doc_id in tqdm(doc_ids, desc="extract", unit="doc", disable=not progress):
        error = extract_one(store, doc_id, limits)
        if error is None:
            stats.extracted += 1
            if deduplicator.add(doc_id) is not None:
                stats.copies += 1
        else:
            stats.failed += 1
            stats.errors.append(f"{doc_id}: {error}")
    return stats
