"""The store of record: archive layout, idempotent ingest, versions, stage states, concurrency, crashes."""

import hashlib
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from pipeline.store import Extraction, FetchedReport, Passage, Store, Tag

URL = "https://www.hrw.org/report/2025/03/12/coast"


def report(body: bytes, url: str = URL, **fields) -> FetchedReport:
    return FetchedReport(source_id="hrw", url=url, body=body, title=fields.pop("title", "Coast"),
                         published=fields.pop("published", date(2025, 3, 12)), content_type="text/html", **fields)


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path) as store:
        yield store


def test_body_is_archived_under_its_hash(store, tmp_path):
    result = store.ingest(report(b"<p>first</p>"))
    digest = hashlib.sha256(b"<p>first</p>").hexdigest()
    assert result.sha256 == digest
    path = tmp_path / "archive" / digest[:2] / digest[2:4] / digest
    assert path.read_bytes() == b"<p>first</p>"
    assert store.body(digest) == b"<p>first</p>"


def test_store_uses_wal(store):
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_same_bytes_twice_creates_nothing_new(store, tmp_path):
    first = store.ingest(report(b"<p>same</p>"))
    again = store.ingest(report(b"<p>same</p>", url=URL + "/?utm_source=newsletter#x"))
    assert first.new_document and first.new_version
    assert not again.new_document and not again.new_version
    assert again.document_id == first.document_id and again.version_id == first.version_id
    assert store.count_documents() == 1 and len(store.versions(first.document_id)) == 1
    assert len(list((tmp_path / "archive").rglob("*"))) == 3  # two folders and one file


def test_changed_bytes_create_a_new_version_and_reset_later_stages(store):
    first = store.ingest(report(b"<p>v1</p>"))
    store.save_extraction(first.document_id, first.version_id,
                          Extraction(text="v1", passages=[Passage(0, 1, 0, 2)], extractor="test"))
    store.mark(first.document_id, "index", "done")
    second = store.ingest(report(b"<p>v2</p>"))
    assert second.new_version and not second.new_document
    assert [v["sha256"] for v in store.versions(first.document_id)] == [first.sha256, second.sha256]
    assert store.document(first.document_id)["current_version"] == second.version_id
    states = {stage: s["status"] for stage, s in store.stage_status(first.document_id).items()}
    assert states == {"fetch": "done", "extract": "pending", "tag": "pending", "index": "pending"}
    # The old version's text is kept with it: history is never overwritten.
    assert store.text(first.version_id).text == "v1"


def test_a_body_that_goes_back_to_an_earlier_version_makes_it_current_again(store):
    first = store.ingest(report(b"<p>v1</p>"))
    store.ingest(report(b"<p>v2</p>"))
    back = store.ingest(report(b"<p>v1</p>"))
    assert back.version_id == first.version_id and not back.new_version
    assert store.document(first.document_id)["current_version"] == first.version_id
    assert store.stage_status(first.document_id)["extract"]["status"] == "pending"


def test_metadata_is_kept_and_not_erased_by_a_poorer_fetch(store):
    result = store.ingest(report(b"a", title="Full title", metadata={"index_number": "MDE 24/0001/2025"}))
    store.ingest(FetchedReport(source_id="hrw", url=URL, body=b"a"))
    document = store.document(result.document_id)
    assert document["title"] == "Full title" and document["published"] == "2025-03-12"
    assert document["metadata"] == {"index_number": "MDE 24/0001/2025"}
    assert document["first_seen"] <= document["last_checked"]


def test_links_between_documents(store):
    result = store.ingest(report(b"a", links=[("attachment", "https://www.hrw.org/sites/default/files/r.pdf"),
                                              ("translation", "https://www.hrw.org/ar/report/2025/03/12/1")]))
    links = {link["relation"]: link["to_url"] for link in store.links(result.document_id)}
    assert links == {"attachment": "https://www.hrw.org/sites/default/files/r.pdf",
                     "translation": "https://www.hrw.org/ar/report/2025/03/12/1"}


def test_validators_for_conditional_requests(store):
    store.ingest(report(b"a", etag='"abc"', last_modified="Wed, 12 Mar 2025 10:00:00 GMT"))
    assert store.validators(URL + "/") == ('"abc"', "Wed, 12 Mar 2025 10:00:00 GMT")
    assert store.validators("https://example.org/unknown") == (None, None)
    assert store.touch(URL) and not store.touch("https://example.org/unknown")


def test_failed_stage_keeps_its_error_and_is_retried_on_request(store):
    result = store.ingest(report(b"%PDF-broken", url="https://example.org/r.pdf"))
    store.mark(result.document_id, "extract", "failed", "corrupt_pdf: the PDF is truncated")
    status = store.stage_status(result.document_id)["extract"]
    assert status["status"] == "failed" and "truncated" in status["error"]
    assert store.pending("extract") == []
    assert store.pending("extract", include_failed=True) == [result.document_id]
    assert store.recent_errors()[0]["message"] == "corrupt_pdf: the PDF is truncated"
    assert store.status_counts()["extract"] == {"pending": 0, "done": 0, "failed": 1}


def test_passages_round_trip_with_pages(store):
    result = store.ingest(report(b"%PDF-", url="https://example.org/r.pdf"))
    text = "Title\n\nFirst paragraph.\n\nSecond page."
    passages = [Passage(0, 1, 0, 5, page=1, kind="heading"), Passage(1, 2, 7, 23, page=1),
                Passage(2, 3, 25, 37, page=2, ocr=True)]
    store.save_extraction(result.document_id, result.version_id,
                          Extraction(text=text, passages=passages, extractor="test", page_count=2, ocr_pages=[2],
                                     language="en"))
    loaded = store.text(result.version_id)
    assert loaded.passages == passages and loaded.ocr_pages == [2]
    assert [loaded.passage_text(p) for p in loaded.passages] == ["Title", "First paragraph.", "Second page."]
    assert store.document(result.document_id)["language"] == "en"


def test_tags_replace_previous_run(store):
    result = store.ingest(report(b"x"))
    store.replace_tags(result.document_id, result.version_id, [Tag("group", "druze")], "t1")
    store.replace_tags(result.document_id, result.version_id, [Tag("region", "SY13", negated=True)], "t2")
    tags = store.tags(result.document_id)
    assert [(t.kind, t.value, t.negated, t.tagger_version) for t in tags] == [("region", "SY13", True, "t2")]
    assert store.stage_status(result.document_id)["index"]["status"] == "pending"


WRITER = """
import sys, time
from pipeline.store import Store, FetchedReport, Extraction, Passage
store = Store(sys.argv[1])
role, count = sys.argv[2], int(sys.argv[3])
if role == "crawl":
    for n in range(count):
        store.ingest(FetchedReport(source_id="s", url=f"https://example.org/{n}", body=f"body {n}".encode() * 50))
else:
    done = 0
    deadline = time.time() + 60
    while done < count and time.time() < deadline:
        for doc_id in store.pending("extract"):
            doc = store.document(doc_id)
            store.save_extraction(doc_id, doc["current_version"], Extraction("t", [Passage(0, 1, 0, 1)], "test"))
            done += 1
print("ok", role)
"""


def test_crawl_and_processing_at_the_same_time_do_not_lock(tmp_path):
    Store(tmp_path).close()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])}
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), role, "300"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for role in ("crawl", "process", "crawl")]
    outputs = [p.communicate(timeout=120) for p in procs]
    for proc, (out, err) in zip(procs, outputs):
        assert proc.returncode == 0, err
        assert "database is locked" not in err
    with Store(tmp_path) as store:
        assert store.count_documents() == 300
        assert store.status_counts()["extract"]["done"] + store.status_counts()["extract"]["pending"] == 300


CRASHER = """
import sys
from pipeline.store import Store, FetchedReport
store = Store(sys.argv[1])
for n in range(100000):
    store.ingest(FetchedReport(source_id="s", url=f"https://example.org/{n}", body=f"report {n}".encode() * 200))
    if n == 20:
        print("started", flush=True)
"""


def test_a_crash_mid_run_loses_nothing_and_the_run_resumes(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])}
    proc = subprocess.Popen([sys.executable, "-c", CRASHER, str(tmp_path)], env=env, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "started"
    time.sleep(0.3)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with Store(tmp_path) as store:
        stored = store.count_documents()
        assert stored > 20
        # Every recorded version has its whole body in the archive.
        for (sha,) in store.db.execute("SELECT sha256 FROM versions"):
            assert hashlib.sha256(store.body(sha)).hexdigest() == sha
        assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # Running again stores what is missing and nothing twice.
        for n in range(stored + 50):
            store.ingest(FetchedReport(source_id="s", url=f"https://example.org/{n}", body=f"report {n}".encode() * 200))
        assert store.count_documents() == stored + 50
        assert store.db.execute("SELECT count(*) FROM versions").fetchone()[0] == stored + 50
