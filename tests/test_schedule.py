"""`coi schedule`: the weekly digest fires at 07:00 Europe/Amsterdam in winter, in summer and across the clock change
(frozen clock), jobs live in the store's SQLite file, a restart keeps them once, SIGTERM stops cleanly."""

import os
import signal
import subprocess
import sys
import threading
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED
from digest_data import build_store

from pipeline.digest import jobs
from pipeline.digest.schedule import DIGEST_JOB, RECHECK_JOB, build_scheduler, install_jobs, list_jobs
from pipeline.digest.subscriptions import add_subscription, check_subscription
from pipeline.settings import Settings
from pipeline.store import Store

ROOT = Path(__file__).parents[1]
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def settings(tmp_path):
    build_store(tmp_path)
    with Store(tmp_path) as store:
        add_subscription(store, check_subscription("everything", "analyst@example.org"))
    settings = Settings(data_dir=tmp_path)
    jobs.configure(settings)
    yield settings
    jobs.configure(None)


def digest_job(scheduler):
    return next(job for job in list_jobs(scheduler) if job.id == DIGEST_JOB)


def start(settings, sources=()):
    """A scheduler started on the store's job table with the jobs installed, as `coi schedule` does."""
    scheduler = build_scheduler(settings)
    runs = []
    done = threading.Event()

    def listen(event):
        runs.append(event)
        done.set()

    scheduler.add_listener(listen, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    scheduler.start(paused=True)
    install_jobs(scheduler, settings, list(sources))
    return scheduler, runs, done


def local(*args) -> datetime:
    return datetime(*args, tzinfo=AMSTERDAM)


def fire_digest(settings):
    """Start the scheduler (the clock is set just before a Monday 07:00) and return the run of the digest job."""
    scheduler, runs, done = start(settings)
    scheduler.resume()
    assert done.wait(90), "the weekly digest did not fire"
    scheduler.shutdown(wait=True)
    [run] = [r for r in runs if r.job_id == DIGEST_JOB]
    assert run.exception is None, run.traceback
    return run


@pytest.mark.parametrize("moment, utc_hour, week", [
    (local(2025, 2, 3, 6, 59, 58), 6, "2025-W05"),  # winter: CET, UTC+1
    (local(2025, 7, 7, 6, 59, 58), 5, "2025-W27"),  # summer: CEST, UTC+2
], ids=["winter", "summer"])
def test_the_weekly_digest_fires_on_monday_at_seven_local_time(settings, moment, utc_hour, week):
    with time_machine.travel(moment, tick=True):
        run = fire_digest(settings)
    assert run.job_id == DIGEST_JOB
    assert run.scheduled_run_time == moment.replace(hour=7, minute=0, second=0)
    assert run.scheduled_run_time.astimezone(timezone.utc).hour == utc_hour
    assert (settings.outbox_dir / week / "everything.eml").exists()


@pytest.mark.parametrize("installed, fires, utc_hour, week", [
    # Scheduled in winter time, fires in summer time: the clocks went forward on Sunday 30 March 2025.
    (local(2025, 3, 24, 7, 0, 30), local(2025, 3, 31, 7, 0), 5, "2025-W13"),
    # Scheduled in summer time, fires in winter time: the clocks went back on Sunday 26 October 2025.
    (local(2025, 10, 20, 7, 0, 30), local(2025, 10, 27, 7, 0), 6, "2025-W43"),
], ids=["spring-forward", "fall-back"])
def test_across_the_clock_change_the_stored_job_still_fires_at_seven(settings, installed, fires, utc_hour, week):
    with time_machine.travel(installed, tick=False):
        scheduler, _, _ = start(settings)
        job = digest_job(scheduler)
        scheduler.shutdown(wait=False)
    assert job.next_run == fires and job.next_run.astimezone(timezone.utc).hour == utc_hour
    # A week later the scheduler starts again (a new process) from the job it stored.
    with time_machine.travel(fires.replace(hour=6, minute=59, second=58), tick=True):
        run = fire_digest(settings)
    assert run.scheduled_run_time == fires
    assert run.scheduled_run_time.astimezone(timezone.utc).hour == utc_hour
    assert (settings.outbox_dir / week / "everything.eml").exists()


def test_a_digest_missed_while_the_scheduler_was_down_runs_once_on_restart(settings):
    with time_machine.travel(local(2025, 2, 3, 6, 0), tick=False):
        scheduler, _, _ = start(settings)
        scheduler.shutdown(wait=False)
    with time_machine.travel(local(2025, 2, 3, 9, 30), tick=True):  # down at 07:00, back at 09:30
        scheduler, runs, done = start(settings)
        scheduler.resume()
        assert done.wait(90)
        job = digest_job(scheduler)
        scheduler.shutdown(wait=True)
    assert len(runs) == 1 and runs[0].scheduled_run_time == local(2025, 2, 3, 7, 0)
    assert job.next_run == local(2025, 2, 10, 7, 0)


def test_a_restart_never_duplicates_a_job_nor_delays_a_crawl(settings):
    with time_machine.travel(local(2025, 2, 4, 12, 0), tick=False):
        scheduler, _, _ = start(settings, ["hrw", "snhr"])
        before = {job.id: job.next_run for job in list_jobs(scheduler)}
        scheduler.shutdown(wait=False)
    assert set(before) == {DIGEST_JOB, RECHECK_JOB, "crawl:hrw", "crawl:snhr"}
    assert before["crawl:hrw"] == local(2025, 2, 5, 3, 0)  # daily by default, sources a quarter of an hour apart
    assert before["crawl:snhr"] == local(2025, 2, 5, 3, 15)
    with time_machine.travel(local(2025, 2, 4, 18, 0), tick=False):
        scheduler, _, _ = start(settings, ["hrw", "snhr"])
        after = {job.id: job.next_run for job in list_jobs(scheduler)}
        scheduler.shutdown(wait=False)
        assert after == before
        # A source of its own interval, and a source that is gone.
        changed = settings.with_changes(crawl_intervals="hrw=6")
        scheduler, _, _ = start(changed, ["hrw"])
        jobs_now = {job.id: job for job in list_jobs(scheduler)}
        count = scheduler._jobstores["default"].engine.connect().exec_driver_sql(
            "SELECT count(*) FROM apscheduler_jobs").scalar()
        scheduler.shutdown(wait=False)
    assert set(jobs_now) == {DIGEST_JOB, RECHECK_JOB, "crawl:hrw"} and count == 3
    assert jobs_now["crawl:hrw"].next_run == local(2025, 2, 4, 21, 0)
    with Store(settings.data_dir) as store:  # the job table is in the store's own SQLite file
        assert store.db.execute("SELECT count(*) FROM apscheduler_jobs").fetchone()[0] == 3


def test_bad_crawl_intervals_are_refused(settings):
    scheduler = build_scheduler(settings.with_changes(crawl_intervals="nosuch=3"))
    scheduler.start(paused=True)
    with pytest.raises(ValueError, match="unknown source 'nosuch'"):
        install_jobs(scheduler, settings.with_changes(crawl_intervals="nosuch=3"), ["hrw"])
    scheduler.shutdown(wait=False)


def _env(settings):
    # The mirror address keeps any crawl that might start on this machine.
    return {**os.environ, "PYTHONPATH": str(ROOT), "COI_DATA_DIR": str(settings.data_dir),
            "COI_MIRROR_URL": "http://127.0.0.1:9"}


def test_coi_schedule_lists_its_jobs_once_and_stops_cleanly_on_sigterm(settings):
    command = [sys.executable, "-m", "pipeline.cli", "schedule"]
    listings = [subprocess.run(command + ["--list"], env=_env(settings), capture_output=True, text=True, timeout=120)
                for _ in range(2)]
    for listing in listings:
        assert listing.returncode == 0, listing.stderr
    lines = listings[0].stdout.splitlines()
    assert listings[1].stdout.splitlines() == lines
    from crawlers.sources import source_ids
    assert sorted(line.split()[0] for line in lines) == sorted([DIGEST_JOB, RECHECK_JOB] +
                                                               [f"crawl:{s}" for s in source_ids()])
    assert any(line.startswith(DIGEST_JOB) and "day_of_week='mon', hour='7', minute='0'" in line for line in lines)
    running = subprocess.Popen(command, env=_env(settings), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        seen = []
        while not any("coi schedule: started with" in line for line in seen):
            seen.append(running.stdout.readline())
            assert seen[-1], "".join(seen)  # an empty read: it exited before starting
        running.send_signal(signal.SIGTERM)
        rest = running.communicate(timeout=60)[0]
    finally:
        if running.poll() is None:
            running.kill()
    assert running.returncode == 0 and "SIGTERM: stopping" in rest and "coi schedule: stopped" in rest, rest


def test_the_crawl_job_crawls_processes_tags_and_indexes_one_source(tmp_path):
    from crawlers.mirror.server import serve_mirror
    from pipeline.search.backend import open_backend

    with serve_mirror(port=0) as base_url:
        settings = Settings(data_dir=tmp_path, mirror_url=base_url)
        jobs.run_update(settings, "stj")
    with Store(tmp_path) as store:
        stored = store.count_documents()
        assert stored > 0 and {row[0] for row in store.db.execute("SELECT DISTINCT source_id FROM documents")} == {"stj"}
        assert store.pending("index") == []
    backend = open_backend(settings)
    try:
        assert 0 < backend.count() <= stored
    finally:
        backend.close()
