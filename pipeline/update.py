"""Bring everything stored up to date: extract, tag and index whatever is pending (what `coi run` does after a crawl)."""

from __future__ import annotations

from dataclasses import dataclass

from .indexer import IndexStats, run_index
from .process import process_pending
from .search.backend import open_backend
from .store import Store
from .tagging.stage import tag_pending


@dataclass
class UpdateStats:
    processed: object
    tagged: object
    indexed: IndexStats


def process_tag_index(store: Store, settings, progress: bool = False) -> UpdateStats:
    processed = process_pending(store, settings, progress=progress)
    tagged = tag_pending(store, progress=progress)
    backend = open_backend(settings)
    try:
        indexed = run_index(store, backend, progress=progress)
    finally:
        backend.close()
    return UpdateStats(processed, tagged, indexed)
