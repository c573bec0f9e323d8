"""`coi schedule`: APScheduler 3 with its jobs kept in the store's SQLite file: a crawl per source at its own
interval (each followed by processing and indexing) and the weekly digest on Monday at 07:00 local time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import create_engine

from .weeks import zone

JOB_TABLE = "apscheduler_jobs"
DIGEST_JOB = "digest:weekly"
RECHECK_JOB = "recheck:weekly"  # re-fetch stored documents: edits become versions, 404/410 withdrawals
CRAWL_PREFIX = "crawl:"
CRAWL_GRACE = timedelta(hours=6)
# The job sends the last complete week's digests that are not sent yet, so a scheduler that was down on Monday
# morning still sends them when it starts again, on any day of that week.
DIGEST_GRACE = timedelta(days=6)
# Interval crawls count from a fixed moment, so a restart does not push the next crawl back; sources start
# CRAWL_STAGGER apart, and crawls run one at a time in their own executor, so the digest never waits for them.
CRAWL_ANCHOR = datetime(2025, 1, 1, 3, 0)
CRAWL_STAGGER = timedelta(minutes=15)
CRAWL_EXECUTOR = "crawls"


@dataclass
class JobInfo:
    id: str
    name: str
    trigger: str
    next_run: datetime | None


def crawl_intervals(settings, source_ids: list[str]) -> dict[str, int]:
    """Hours between crawls of each source: COI_CRAWL_INTERVAL_HOURS, or the source's entry in COI_CRAWL_INTERVALS."""
    hours = {source_id: settings.crawl_interval_hours for source_id in source_ids}
    for item in filter(None, (part.strip() for part in settings.crawl_intervals.split(","))):
        source_id, _, value = item.partition("=")
        source_id = source_id.strip()
        if source_id not in hours:
            raise ValueError(f"COI_CRAWL_INTERVALS names an unknown source {source_id!r}; known: {', '.join(source_ids)}")
        try:
            hours[source_id] = int(value)
        except ValueError:
            raise ValueError(f"COI_CRAWL_INTERVALS: {item!r} must be SOURCE=HOURS, e.g. snhr=12") from None
    for source_id, value in hours.items():
        if value < 1:
            raise ValueError(f"the crawl interval of {source_id} must be at least one hour, not {value}")
    return hours


def build_scheduler(settings) -> BackgroundScheduler:
    """A scheduler (not started) whose jobs live in the store's SQLite file, in the digest's time zone."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = create_engine(f"sqlite:///{settings.store_path}", connect_args={"timeout": 120})
    return BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=engine, tablename=JOB_TABLE)},
        executors={"default": ThreadPoolExecutor(2), CRAWL_EXECUTOR: ThreadPoolExecutor(1)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": int(CRAWL_GRACE.total_seconds())},
        timezone=zone(settings.digest_timezone))


def digest_trigger(settings) -> CronTrigger:
    return CronTrigger(day_of_week="mon", hour=7, minute=0, timezone=zone(settings.digest_timezone))


def recheck_trigger(settings) -> CronTrigger:
    return CronTrigger(day_of_week="sun", hour=2, minute=0, timezone=zone(settings.digest_timezone))


def crawl_trigger(settings, hours: int, position: int = 0) -> IntervalTrigger:
    """Every `hours` from the anchor, shifted by the source's position in the list of sources."""
    tz = zone(settings.digest_timezone)
    offset = (CRAWL_STAGGER * position) % timedelta(hours=hours)
    return IntervalTrigger(hours=hours, start_date=(CRAWL_ANCHOR + offset).replace(tzinfo=tz), timezone=tz)


def install_jobs(scheduler: BackgroundScheduler, settings, source_ids: list[str]) -> None:
    """Put every job in the (started, possibly paused) scheduler's store, once: a job that is there already keeps its
    next run time unless its trigger changed, and jobs of sources that are gone are removed."""
    wanted = {DIGEST_JOB: ("pipeline.digest.jobs:weekly_digest", digest_trigger(settings), (),
                           "weekly digest of every subscription", DIGEST_GRACE, "default"),
              RECHECK_JOB: ("pipeline.digest.jobs:weekly_recheck", recheck_trigger(settings), (),
                            "re-check stored documents for edits and withdrawals", CRAWL_GRACE, CRAWL_EXECUTOR)}
    for position, (source_id, hours) in enumerate(sorted(crawl_intervals(settings, source_ids).items())):
        wanted[CRAWL_PREFIX + source_id] = ("pipeline.digest.jobs:update_source",
                                            crawl_trigger(settings, hours, position), (source_id,),
                                            f"crawl {source_id}, then process and index", CRAWL_GRACE, CRAWL_EXECUTOR)
    for job in scheduler.get_jobs():
        if job.id not in wanted:
            scheduler.remove_job(job.id)
    for job_id, (func, trigger, args, name, grace, executor) in wanted.items():
        existing = scheduler.get_job(job_id)
        if existing is None:
            scheduler.add_job(func, trigger, args=args, id=job_id, name=name, replace_existing=True,
                              misfire_grace_time=int(grace.total_seconds()), executor=executor)
            continue
        if repr(existing.trigger) != repr(trigger):
            scheduler.reschedule_job(job_id, trigger=trigger)
        if (tuple(existing.args), existing.name, existing.func_ref, existing.executor,
                existing.misfire_grace_time) != (args, name, func, executor, int(grace.total_seconds())):
            scheduler.modify_job(job_id, func=func, args=args, name=name, executor=executor,
                                 misfire_grace_time=int(grace.total_seconds()))


def list_jobs(scheduler: BackgroundScheduler) -> list[JobInfo]:
    return [JobInfo(job.id, job.name, str(job.trigger), job.next_run_time)
            for job in sorted(scheduler.get_jobs(), key=lambda j: j.id)]
