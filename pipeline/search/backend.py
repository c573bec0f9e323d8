"""The interface every search backend implements (SQLite FTS5 embedded, Elasticsearch for teams)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Iterable

from .model import IndexDocument, SearchRequest, SearchResponse


class SearchBackendError(RuntimeError):
    """The backend failed (unreachable, broken index); the message says what to do."""


class BackendUnavailable(SearchBackendError):
    """The backend cannot be reached at all (a node is down): stop and leave the rest pending for the next run."""


class SearchBackend(ABC):
    name: str = ""
    # Documents the last index() call could not index, with the reason (doc_id -> message).
    failures: dict[str, str] = {}

    @abstractmethod
    def index(self, documents: Iterable[IndexDocument]) -> list[str]:
        """Add or replace documents (by doc_id); returns the ids that were indexed."""

    @abstractmethod
    def delete(self, doc_ids: Iterable[str]) -> None:
        """Remove documents; unknown ids are ignored."""

    @abstractmethod
    def search(self, request: SearchRequest) -> SearchResponse:
        """Run a validated request (see facets.validate_request)."""

    @abstractmethod
    def count(self) -> int:
        """How many documents the index holds."""

    @abstractmethod
    def clear(self) -> None:
        """Remove every document (the start of a rebuild)."""

    def rebuild(self, documents: Iterable[IndexDocument]) -> list[str]:
        """Replace the whole index with these documents; searches see the old index until it is done."""
        self.clear()
        return self.index(documents)

    def close(self) -> None:
        pass


def open_backend(settings) -> SearchBackend:
    """The backend the settings name, ready to use."""
    if settings.search_backend == "sqlite":
        from .sqlite import SQLiteBackend

        return SQLiteBackend(settings.sqlite_index_path)
    if settings.search_backend == "elasticsearch":
        if not settings.elasticsearch_url:
            raise SearchBackendError("COI_SEARCH_BACKEND is elasticsearch but COI_ELASTICSEARCH_URL is not set")
        from .elastic import ElasticsearchBackend

        return ElasticsearchBackend.from_settings(settings)
    raise SearchBackendError(f"the {settings.search_backend} search backend is not available in this version")
