"""The item pipeline that puts every fetched document into the store of record and counts what was new."""

from __future__ import annotations

import sqlite3

from scrapy import signals
from scrapy.exceptions import DropItem, NotConfigured

from pipeline.extract.errors import ExtractionError
from pipeline.extract.sniff import sniff
from pipeline.urls import InvalidURL

from .items import ReportItem, fetched_report
from .storage import crawler_store

OUTCOMES = ("new_documents", "new_versions", "unchanged")


class StorePipeline:
    """store.ingest for each ReportItem; the source's description is upserted once per spider.

    A body that claims to be a PDF but is not one (a cookie wall or an error page at the PDF's URL) is
    not stored: it is recorded as an error against the URL, which the next crawl asks for again.

    Counts go to the crawl stats as coi/new_documents, coi/new_versions and coi/unchanged; with
    COI_PROGRESS on, a tqdm bar shows them as the crawl runs.
    """

    def __init__(self, crawler, store, progress: bool):
        self.crawler = crawler
        self.store = store
        self.progress = progress
        self.bar = None
        self.run_id: int | None = None

    @classmethod
    def from_crawler(cls, crawler) -> "StorePipeline":
        store = crawler_store(crawler)
        if store is None:
            raise NotConfigured("COI_DATA_DIR is not set")
        pipeline = cls(crawler, store, crawler.settings.getbool("COI_PROGRESS"))
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self, spider=None) -> None:
        spider = spider or self.crawler.spider
        if hasattr(spider, "source_info"):
            self.store.upsert_source(spider.source_info())
        self.run_id = self.store.start_crawl_run(spider.name)
        if self.progress:
            from tqdm import tqdm

            self.bar = tqdm(desc=f"crawl {spider.name}", unit=" docs", dynamic_ncols=True)

    def close_spider(self, spider=None) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def spider_closed(self, spider, reason: str) -> None:
        """Record the run against its source: when, why it ended, and what it stored."""
        if self.run_id is not None:
            stats = self.crawler.stats
            counts = {name: stats.get_value(f"coi/{name}", 0) for name in (*OUTCOMES, "not_modified", "errors")}
            self.store.finish_crawl_run(self.run_id, counts, reason)

    def process_item(self, item, spider=None):
        if not isinstance(item, ReportItem):
            return item
        stats = self.crawler.stats
        problem = not_a_pdf(item)
        if problem:
            stats.inc_value("coi/errors")
            self.store.record_error("fetch", problem, url=item.get("url"), source_id=item.get("source_id"))
            raise DropItem(f"{item.get('url')}: {problem}")
        try:
            result = self.store.ingest(fetched_report(item))
        except (sqlite3.Error, OSError, InvalidURL, KeyError, TypeError) as error:
            stats.inc_value("coi/errors")
            self.store.record_error("fetch", f"could not store: {type(error).__name__}: {error}",
                                    url=item.get("url"), source_id=item.get("source_id"))
            raise DropItem(f"could not store {item.get('url')}: {error}") from error
        outcome = "new_documents" if result.new_document else "new_versions" if result.new_version else "unchanged"
        stats.inc_value(f"coi/{outcome}")
        if self.bar is not None:
            self.bar.set_postfix({name.replace("_", " "): stats.get_value(f"coi/{name}", 0) for name in OUTCOMES},
                                 refresh=False)
            self.bar.update(1)
        return item


def not_a_pdf(item: ReportItem) -> str | None:
    """What is wrong with a body that claims to be a PDF (by its content type or URL) and is not one, or None."""
    try:
        sniff(item.get("body") or b"", item.get("content_type"), item.get("url"))
    except ExtractionError as error:
        if error.kind == "not_a_pdf":
            return f"not a PDF: {error}"
    return None
