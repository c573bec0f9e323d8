"""A small per-process cache of search responses: the same search within a short time is answered from memory.

Searches are CPU-bound; researchers page back and forth, toggle a facet and untoggle it, and share links, so the
same request recurs. Entries live at most `seconds` (newly indexed documents show up after that) and the least
recently used go first.
"""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from dataclasses import asdict
from typing import Callable

from ..search.model import SearchRequest, SearchResponse


class SearchCache:
    def __init__(self, seconds: float, entries: int = 512):
        self.seconds = seconds
        self.entries = entries
        self._items: OrderedDict[str, tuple[float, SearchResponse]] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_search(self, request: SearchRequest, search: Callable[[SearchRequest], SearchResponse]
                      ) -> tuple[SearchResponse, bool]:
        """The response to a validated request and whether it came from the cache."""
        if self.seconds <= 0:
            return search(request), False
        key = json.dumps(asdict(request), sort_keys=True, default=str)
        now = time.monotonic()
        with self._lock:
            found = self._items.get(key)
            if found and now - found[0] < self.seconds:
                self._items.move_to_end(key)
                return found[1], True
        response = search(request)
        with self._lock:
            self._items[key] = (now, response)
            self._items.move_to_end(key)
            while len(self._items) > self.entries:
                self._items.popitem(last=False)
        return response, False
