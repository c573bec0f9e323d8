"""What request handlers share: the settings, a pool of search backends and a store opened per request."""

from __future__ import annotations

import queue
import threading
from contextlib import contextmanager
from typing import Callable, Iterator

from fastapi import Request

from ..search.backend import SearchBackend, open_backend
from ..search.model import SearchRequest, SearchResponse
from ..settings import Settings
from ..store import Store


class NotFound(LookupError):
    """No such document, version or page: a 404 with this message."""


class BackendPool:
    """At most `size` open backends, each used by one request at a time (handlers run in a thread pool)."""

    def __init__(self, factory: Callable[[], SearchBackend], size: int):
        self._factory = factory
        self._size = size
        self._idle: queue.LifoQueue[SearchBackend] = queue.LifoQueue()
        self._slots = threading.Semaphore(size)
        self._all: list[SearchBackend] = []
        self._lock = threading.Lock()

    @contextmanager
    def backend(self) -> Iterator[SearchBackend]:
        with self._slots:
            try:
                backend = self._idle.get_nowait()
            except queue.Empty:
                backend = self._factory()
                with self._lock:
                    self._all.append(backend)
            try:
                yield backend
            finally:
                self._idle.put(backend)

    def warm(self, search) -> None:
        """Open every backend now and run `search` on each, so no user waits for an index to load."""
        opened = [self._factory() for _ in range(self._size)]
        with self._lock:
            self._all.extend(opened)
        for backend in opened:
            search(backend)
            self._idle.put(backend)

    def close(self) -> None:
        with self._lock:
            for backend in self._all:
                backend.close()
            self._all.clear()


def settings_of(request: Request) -> Settings:
    return request.app.state.settings


def pool_for(settings: Settings, size: int) -> BackendPool:
    return BackendPool(lambda: open_backend(settings), size)


def run_search(request: Request, search: SearchRequest) -> tuple[SearchResponse, bool]:
    """Answer a validated search with a pooled backend, or from the cache; True when it came from the cache."""
    def on_backend(wanted: SearchRequest) -> SearchResponse:
        with request.app.state.backends.backend() as backend:
            return backend.search(wanted)

    return request.app.state.search_cache.get_or_search(search, on_backend)


@contextmanager
def open_store(request: Request) -> Iterator[Store]:
    """The store of record, opened for this request in the handler's own thread (SQLite connections are not shared)."""
    with Store(settings_of(request).data_dir) as store:
        yield store
