"""The store of record as seen from a running crawl: one Store per crawler, opened from COI_DATA_DIR."""

from __future__ import annotations

from weakref import WeakKeyDictionary

from scrapy import signals
from scrapy.crawler import Crawler

from pipeline.store import Store

_stores: WeakKeyDictionary[Crawler, Store] = WeakKeyDictionary()


def crawler_store(crawler: Crawler) -> Store | None:
    """The crawler's store (shared by its spider, middleware and pipeline); None if COI_DATA_DIR is unset."""
    if crawler in _stores:
        return _stores[crawler]
    data_dir = crawler.settings.get("COI_DATA_DIR")
    if not data_dir:
        return None
    store = Store(data_dir)
    _stores[crawler] = store

    def close() -> None:
        _stores.pop(crawler, None)
        store.close()

    # engine_stopped comes after every pipeline and spider has finished with the store.
    crawler.signals.connect(close, signal=signals.engine_stopped, weak=False)
    return store
