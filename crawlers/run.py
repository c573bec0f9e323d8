"""Run the crawl in this process: fetch new and changed documents of the chosen sources into the store."""

from __future__ import annotations

from contextlib import nullcontext
from datetime import date

from pipeline.settings import Settings

from .progress import logging_above_progress_bar
from .settings import scrapy_settings
from .sources import spider_class, spider_classes

COUNTS = ("new_documents", "new_versions", "unchanged", "not_modified", "errors")


def crawl(settings: Settings, sources: list[str] | None = None, since: date | None = None,
          progress: bool = True, log_level: str = "WARNING") -> dict:
    """Crawl the given source ids (all when None) and return what happened.

    since backfills: each listing is paged back to that date instead of stopping at the first page of
    known documents. Returns {"new_documents", "new_versions", "unchanged", "not_modified", "errors",
    "sources": {source_id: {the same counts, "finish_reason"}}}. Twisted's reactor cannot be restarted,
    so call this at most once per process. Unknown source ids raise ValueError before anything runs.
    """
    from scrapy.crawler import CrawlerProcess

    chosen = list(spider_classes()) if sources is None else list(dict.fromkeys(sources))
    classes = [spider_class(source_id) for source_id in chosen]
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    process = CrawlerProcess(scrapy_settings(settings, progress=progress, log_level=log_level))
    crawlers = []
    for cls in classes:
        crawler = process.create_crawler(cls)
        process.crawl(crawler, since=since)
        crawlers.append(crawler)
    # Log lines (warnings about failed downloads) are printed above the progress bar, not through it.
    with logging_above_progress_bar() if progress else nullcontext():
        process.start()
    return summarise({crawler.spidercls.name: crawler.stats.get_stats() for crawler in crawlers})


def summarise(stats_by_source: dict[str, dict]) -> dict:
    """Our counters out of each source's Scrapy stats, with totals over all sources."""
    per_source = {}
    for source_id, stats in stats_by_source.items():
        counts = {name: int(stats.get(f"coi/{name}", 0)) for name in COUNTS}
        counts["finish_reason"] = stats.get("finish_reason")
        per_source[source_id] = counts
    totals = {name: sum(counts[name] for counts in per_source.values()) for name in COUNTS}
    return {**totals, "sources": per_source}
