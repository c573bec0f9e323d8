"""The functions `coi schedule` runs: a crawl of one source followed by processing and indexing, and the weekly
digest. Plain functions, safe to run again (APScheduler only triggers them). The job store keeps only their names
and the source id: the settings (SMTP password included) are handed over by `configure` when the scheduler starts,
so no secret is written into the database."""

from __future__ import annotations

import logging
import multiprocessing
from datetime import datetime

log = logging.getLogger(__name__)
_children: set = set()
_settings = None


def configure(settings) -> None:
    """The settings the scheduled jobs of this process run with."""
    global _settings
    _settings = settings


def _configured():
    if _settings is None:
        raise RuntimeError("the scheduled jobs have no settings: call pipeline.digest.jobs.configure first")
    return _settings


def update_source(source_id: str) -> None:
    """The scheduled crawl of one source."""
    run_update(_configured(), source_id)


def weekly_digest() -> list:
    """The scheduled Monday digest: first bring the index up to date (documents found late on Sunday are still being
    processed), then send."""
    settings = _configured()
    _in_child(_process_and_index, (settings,), "coi-process")
    return send_last_week(settings)


def weekly_recheck() -> None:
    """The scheduled re-check of stored documents (`coi recheck`): edits become versions, 404/410 withdrawals."""
    _in_child(_recheck, (_configured(),), "coi-recheck")


def _recheck(settings) -> None:
    from ..cite.recheck import RecheckOptions, recheck
    from ..store import Store

    options = RecheckOptions(user_agent=settings.user_agent, max_body_bytes=settings.max_body_bytes)
    with Store(settings.data_dir) as store:
        stats = recheck(store, options)
    log.info("recheck: %s checked, %s new versions, %s withdrawn", stats.checked, stats.new_versions, stats.withdrawn)


def run_update(settings, source_id: str) -> None:
    """Crawl one source, then extract, tag and index whatever is pending: what `coi run --source ID` does. The crawl
    runs in a child process because Scrapy's reactor cannot be started twice in one process."""
    _in_child(_update_source, (settings, source_id), f"coi-crawl-{source_id}")


def _in_child(target, args: tuple, name: str) -> None:
    child = multiprocessing.get_context("spawn").Process(target=target, args=args, name=name)
    child.start()
    _children.add(child)
    try:
        child.join()
    finally:
        _children.discard(child)
    if child.exitcode != 0:
        raise RuntimeError(f"{name} ended with exit code {child.exitcode}; what it stored is kept and the next run "
                           f"resumes")


def _update_source(settings, source_id: str) -> None:
    from crawlers.run import crawl

    stats = crawl(settings, sources=[source_id], progress=False)
    log.info("%s: %s new documents", source_id, stats["new_documents"])
    _process_and_index(settings)


def _process_and_index(settings) -> None:
    from ..store import Store
    from ..update import process_tag_index

    with Store(settings.data_dir) as store:
        stats = process_tag_index(store, settings)
    log.info("%s extracted, %s tagged, %s indexed", stats.processed.extracted, stats.tagged.tagged,
             stats.indexed.indexed)


def stop_children() -> None:
    """Ask running crawls to stop (they resume where they stopped on the next run)."""
    for child in list(_children):
        if child.is_alive():
            child.terminate()


def send_last_week(settings, now: datetime | None = None) -> list:
    """Send every subscription the digest of the last complete week (local time); returns the SendResults."""
    from ..search.backend import open_backend
    from ..store import Store
    from .send import DigestConfig, send_digests
    from .weeks import last_complete_week

    config = DigestConfig.from_settings(settings)
    week = last_complete_week(now or datetime.now(config.timezone), config.timezone)
    with Store(settings.data_dir) as store:
        backend = open_backend(settings)
        try:
            results = send_digests(store, backend, config, week)
        finally:
            backend.close()
    for result in results:
        log.info("digest %s %s to %s: %s %s", result.subscription, result.week, result.email, result.status,
                 result.detail)
    return results
