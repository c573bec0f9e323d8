"""Elasticsearch goes down in the middle of `coi index`: nothing is lost, and the next run indexes exactly what is
missing. Runs its own second node (deploy/elasticsearch/run.sh on another port) so it can stop it."""

from __future__ import annotations

import os
import subprocess
from datetime import date
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from pipeline import indexer
from pipeline.indexer import run_index
from pipeline.search.elastic import ElasticsearchBackend
from pipeline.store import Extraction, FetchedReport, Passage, SourceInfo, Store

pytestmark = [pytest.mark.elasticsearch, pytest.mark.slow]

RUN = Path(__file__).resolve().parents[1] / "deploy" / "elasticsearch" / "run.sh"
PORT = 9250


def node(command: str) -> None:
    env = {**os.environ, "COI_ES_PORT": str(PORT), "COI_ES_RUN_DIR": f"/var/tmp/coi-elasticsearch-{PORT}-outage",
           "COI_ES_HEAP": "384m"}
    result = subprocess.run(["bash", str(RUN), command], env=env, capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        message = f"run.sh {command} failed: {result.stderr[-2000:]}"
        if os.environ.get("CI") == "true" or command != "start":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture
def second_node():
    node("start")
    yield Elasticsearch(f"http://127.0.0.1:{PORT}", request_timeout=30, max_retries=0)
    node("wipe")


def fill(store: Store, count: int) -> None:
    store.upsert_source(SourceInfo("snhr", "Syrian Network for Human Rights", "SNHR", "ngo", ("en",)))
    for n in range(count):
        text = f"Report {n}: arbitrary detention of returnees in Homs, case {n}."
        result = store.ingest(FetchedReport(source_id="snhr", url=f"https://snhr.org/r/{n}", body=text.encode(),
                                            title=f"Report {n}", published=date(2025, 1, 1 + n % 28),
                                            content_type="text/html"))
        store.save_extraction(result.document_id, result.version_id,
                              Extraction(text=text, passages=[Passage(0, 1, 0, len(text))], extractor="test",
                                         language="en"))


class StopsTheNode(ElasticsearchBackend):
    """Stops the node for real after a number of successful batches, as an outage would."""

    def __init__(self, *args, after: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.batches, self.after = 0, after

    def index(self, documents):
        done = super().index(documents)
        self.batches += 1
        if self.batches == self.after:
            node("stop")
        return done


def test_an_outage_mid_run_loses_nothing_and_the_rerun_indexes_only_what_is_missing(second_node, tmp_path,
                                                                                     monkeypatch):
    monkeypatch.setattr(indexer, "BATCH", 50)
    with Store(tmp_path) as store:
        fill(store, 400)
        backend = StopsTheNode(second_node, "coitest-outage", after=3, sleep=lambda seconds: None)
        first = run_index(store, backend, progress=False)
        assert first.indexed == 150
        assert first.stopped and "unreachable" in first.stopped
        assert first.failed == 50  # the batch in flight is recorded as failed, with its error ...
        failed = store.db.execute("SELECT count(*), min(error) FROM stages WHERE stage = 'index' AND status = 'failed'"
                                  ).fetchone()
        assert failed[0] == 50 and "unreachable" in failed[1]
        assert len(store.pending("index")) == 200  # ... and the rest was never tried: still pending

        node("start")
        client = Elasticsearch(f"http://127.0.0.1:{PORT}", request_timeout=30, max_retries=0)
        backend = ElasticsearchBackend(client, "coitest-outage")
        try:
            assert backend.count() == 150  # what was acknowledged survived the stop
            second = run_index(store, backend, progress=False)
            assert (second.indexed, second.failed, second.stopped) == (250, 0, "")
            assert backend.count() == 400
            ids = {hit["_id"] for hit in client.search(index="coitest-outage", size=1000, _source=False)["hits"]["hits"]}
            assert len(ids) == 400  # stable ids: each document once
            assert store.pending("index", include_failed=True) == []
        finally:
            backend.drop()
