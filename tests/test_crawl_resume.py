"""Kill and resume over real HTTP: `coi crawl` of the mirror killed with SIGKILL mid-run, then started again.

A reference crawl of the same mirror, never interrupted, says what a complete crawl stores. The killed crawl
runs against a slowed-down mirror and is killed once the store holds two thirds of the reference's documents,
so the kill lands mid-run; the second start must then store exactly what the reference stored, and nothing
twice. Every source is crawled, as `coi crawl` does by default.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from crawlers.mirror.server import Mirror
from pipeline.store import FetchedReport, Store

ROOT = Path(__file__).parents[1]
SLOW_ANSWER = 0.05  # seconds per answer while the crawl that gets killed runs
KILL_AT = 2 / 3  # of the reference crawl's documents
COI_CRAWL = [sys.executable, "-m", "pipeline.cli", "crawl", "--quiet"]  # what the `coi crawl` script runs


def environment(mirror_url: str, data_dir: Path) -> dict[str, str]:
    return {**os.environ, "COI_DATA_DIR": str(data_dir), "COI_MIRROR_URL": mirror_url,
            "COI_RELIEFWEB_APPNAME": "coi-tests", "PYTHONPATH": str(ROOT)}


def run_crawl(mirror_url: str, data_dir: Path) -> dict:
    result = subprocess.run(COI_CRAWL, env=environment(mirror_url, data_dir), cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    return json.loads(result.stdout.strip().splitlines()[-1].removeprefix("crawl: "))


def stored_documents(data_dir: Path) -> int:
    """How many documents the store holds, read without taking part in the crawl's writing."""
    path = data_dir / "store.sqlite"
    if not path.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1) as db:
            return db.execute("SELECT count(*) FROM documents").fetchone()[0]
    except sqlite3.Error:  # not created yet, or mid-migration
        return 0


def kill_mid_crawl(mirror_url: str, data_dir: Path, documents: int) -> int:
    """Start a crawl, SIGKILL it once the store holds at least `documents`; how many it holds then."""
    crawl = subprocess.Popen(COI_CRAWL, env=environment(mirror_url, data_dir), cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    try:
        while stored_documents(data_dir) < documents:
            assert crawl.poll() is None, f"the crawl ended before it could be killed: {crawl.stderr.read()[-2000:]}"
            assert time.monotonic() < deadline, "the crawl stored too little in 60 seconds"
            time.sleep(0.01)
    finally:
        crawl.send_signal(signal.SIGKILL)
        crawl.wait()
        crawl.stderr.close()
    assert crawl.returncode == -signal.SIGKILL
    return stored_documents(data_dir)


def current_bodies(store: Store) -> dict[str, str]:
    """{document id: SHA-256 of its current version}."""
    rows = store.db.execute("SELECT d.id, v.sha256 FROM documents d JOIN versions v ON v.id = d.current_version")
    return {row["id"]: row["sha256"] for row in rows}


@pytest.fixture(scope="module")
def resumed(tmp_path_factory):
    reference_dir, data_dir = tmp_path_factory.mktemp("reference"), tmp_path_factory.mktemp("data")
    with Mirror() as mirror:
        reference_stats = run_crawl(mirror.url, reference_dir)
        with Store(reference_dir) as reference:
            expected = current_bodies(reference)
        mirror.httpd.delay = SLOW_ANSWER
        after_kill = kill_mid_crawl(mirror.url, data_dir, round(len(expected) * KILL_AT))
        with Store(data_dir) as store:
            runs_after_kill = [dict(row) for row in store.db.execute("SELECT * FROM crawl_runs")]
        mirror.httpd.delay = 0
        resumed_stats = run_crawl(mirror.url, data_dir)
        mirror.clear_log()
        again_stats = run_crawl(mirror.url, data_dir)
        again_paths = [path for _method, path, _status in mirror.log]
    store = Store(data_dir)
    yield SimpleNamespace(expected=expected, reference_stats=reference_stats, after_kill=after_kill,
                          runs_after_kill=runs_after_kill, stats=resumed_stats, again=again_stats,
                          again_paths=again_paths, store=store)
    store.close()


def test_the_kill_lands_mid_crawl(resumed):
    assert resumed.reference_stats["errors"] == 0
    assert 0 < resumed.after_kill < len(resumed.expected)
    assert any(run["finished"] is None for run in resumed.runs_after_kill)


def test_the_second_start_finishes_every_source(resumed):
    assert {counts["finish_reason"] for counts in resumed.stats["sources"].values()} == {"finished"}
    assert resumed.stats["errors"] == 0


def test_nothing_is_lost(resumed):
    assert current_bodies(resumed.store) == resumed.expected


def test_nothing_is_stored_twice(resumed):
    store, stats = resumed.store, resumed.stats
    assert stats["new_documents"] == len(resumed.expected) - resumed.after_kill and stats["new_versions"] == 0
    assert store.db.execute("SELECT count(*) FROM versions").fetchone()[0] == len(resumed.expected)
    assert store.db.execute("SELECT count(*) FROM documents").fetchone()[0] == len(resumed.expected)


def test_every_archived_body_is_present_and_whole(resumed):
    store = resumed.store
    for (sha,) in store.db.execute("SELECT sha256 FROM versions"):
        assert hashlib.sha256(store.body(sha)).hexdigest() == sha
    assert integrity_problems(store) == []


def integrity_problems(store: Store) -> list[str]:
    """PRAGMA integrity_check's findings, less the false "NULL value in links.to_url" of SQLite 3.40.0 to 3.41.0
    (WITHOUT ROWID tables whose primary key order differs from their column order), checked with a query."""
    problems = []
    for (message,) in store.db.execute("PRAGMA integrity_check(100)"):
        table, _, column = message.removeprefix("NULL value in ").partition(".")
        if message == "ok" or (message.startswith("NULL value in ") and store.db.execute(
                f'SELECT count(*) FROM "{table}" WHERE "{column}" IS NULL').fetchone()[0] == 0):
            continue
        problems.append(message)
    return problems


def test_after_a_finished_crawl_the_next_one_is_incremental_again(resumed):
    assert (resumed.again["new_documents"], resumed.again["new_versions"], resumed.again["errors"]) == (0, 0, 0)
    assert resumed.again["not_modified"] > 0
    # Every source re-checks its known pages with conditional requests: each answers 304 and nothing is fetched.
    assert {source: counts["not_modified"] > 0 for source, counts in resumed.again["sources"].items()} == \
        {source: True for source in resumed.again["sources"]}
    # No unchanged document is downloaded again. ReliefWeb's reports come inside the API's answer to the listing
    # query (one request for the first page), so they are seen again there, not fetched one by one.
    assert {s: c["unchanged"] for s, c in resumed.again["sources"].items() if s != "reliefweb" and c["unchanged"]} == {}
    # Every document on each first listing page is known now, so no listing pages on.
    assert not [path for path in resumed.again_paths if "?page=" in path or "/page/" in path]


def test_a_source_resumes_from_the_oldest_run_since_its_last_finished_one(tmp_path):
    with Store(tmp_path) as store:
        assert store.unfinished_since("hrw") is None
        finished = store.start_crawl_run("hrw")
        store.finish_crawl_run(finished, {}, "finished")
        assert store.unfinished_since("hrw") is None
        killed = store.start_crawl_run("hrw")
        killed_again = store.start_crawl_run("hrw")
        store.finish_crawl_run(store.start_crawl_run("amnesty"), {}, "finished")
        started = {row["id"]: row["started"] for row in store.db.execute("SELECT id, started FROM crawl_runs")}
        assert store.unfinished_since("hrw") == started[killed] and store.unfinished_since("amnesty") is None
        store.finish_crawl_run(killed_again, {}, "shutdown")  # stopped with Ctrl-C: not finished either
        assert store.unfinished_since("hrw") == started[killed]
        store.finish_crawl_run(store.start_crawl_run("hrw"), {}, "finished")
        assert store.unfinished_since("hrw") is None


def test_a_document_stored_by_an_unfinished_crawl_is_not_known_before_it(tmp_path):
    with Store(tmp_path) as store:
        url = "https://www.hrw.org/news/2025/07/24/sweida"
        stored = store.ingest(FetchedReport(source_id="hrw", url=url, body=b"<p>Sweida</p>"))
        first_seen = store.document(stored.document_id)["first_seen"]
        assert store.knows(url) and store.knows(url, before="9999-12-31T00:00:00+00:00")
        assert not store.knows(url, before=first_seen)
        assert not store.knows("https://www.hrw.org/elsewhere", before="9999-12-31T00:00:00+00:00")
