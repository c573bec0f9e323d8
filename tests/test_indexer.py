"""From the store to the index: facets from tags, pending work only, and nothing lost when the backend fails."""

from datetime import date

import pytest

from pipeline.indexer import run_index
from pipeline.search.facets import validate_request
from pipeline.search.model import SearchRequest
from pipeline.search.sqlite import SQLiteBackend
from pipeline.store import Extraction, FetchedReport, Passage, SourceInfo, Store, Tag


def add(store, n, text, published=date(2025, 5, 1), tags=(), extract=True):
    result = store.ingest(FetchedReport(source_id="snhr", url=f"https://snhr.org/r/{n}", body=text.encode(),
                                        title=f"Report {n}", published=published, content_type="text/html"))
    if extract:
        store.save_extraction(result.document_id, result.version_id,
                              Extraction(text=text, passages=[Passage(0, 1, 0, len(text))], extractor="test",
                                         language="en"))
    if tags:
        store.replace_tags(result.document_id, result.version_id, list(tags), "test")
    return result.document_id


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path) as store:
        store.upsert_source(SourceInfo("snhr", "Syrian Network for Human Rights", "SNHR", "ngo", ("en", "ar")))
        yield store


@pytest.fixture
def backend(tmp_path):
    backend = SQLiteBackend(tmp_path / "search.sqlite")
    yield backend
    backend.close()


def search(backend, **kwargs):
    return backend.search(validate_request(SearchRequest(**kwargs)))


def test_tags_become_facets_with_parents_and_negations_dropped(store, backend):
    add(store, 1, "Druze men were abducted in Shahba.", tags=[
        Tag("region", "SY130300", surface="Shahba"), Tag("group", "druze"), Tag("threat", "kidnapping_abduction"),
        Tag("threat", "torture_ill_treatment", negated=True)])
    stats = run_index(store, backend, progress=False)
    assert stats.indexed == 1
    response = search(backend, query="abducted")
    hit = response.hits[0]
    assert hit.facets == {"governorate": ["SY13"], "district": ["SY1303"], "group": ["druze"],
                          "threat": ["kidnapping_abduction"]}
    assert (hit.source_name, hit.source_type, hit.epoch, hit.language) == (
        "Syrian Network for Human Rights", "ngo", "transition", "en")
    assert search(backend, filters={"threat": ["torture_ill_treatment"]}).total == 0


def test_only_pending_documents_are_indexed_and_unextracted_ones_wait(store, backend):
    first = add(store, 1, "first")
    waiting = add(store, 2, "second", extract=False)
    assert run_index(store, backend, progress=False).indexed == 1
    assert store.stage_status(first)["index"]["status"] == "done"
    assert store.stage_status(waiting)["index"]["status"] == "pending"
    again = run_index(store, backend, progress=False)
    assert again.indexed == 0 and again.skipped == 1


class FailingBackend(SQLiteBackend):
    """A backend that goes down after a number of documents, as a remote one can."""

    def __init__(self, path, fail_after):
        super().__init__(path)
        self.fail_after = fail_after

    def index(self, documents):
        documents = list(documents)
        if self.count() + len(documents) > self.fail_after:
            raise ConnectionError("search backend unreachable")
        return super().index(documents)


def test_backend_failure_is_recorded_and_a_rerun_indexes_exactly_what_is_missing(store, tmp_path, monkeypatch):
    monkeypatch.setattr("pipeline.indexer.BATCH", 10)
    ids = [add(store, n, f"report number {n}") for n in range(35)]
    failing = FailingBackend(tmp_path / "search.sqlite", fail_after=20)
    stats = run_index(store, failing, progress=False)
    assert (stats.indexed, stats.failed) == (20, 15)
    failed = [i for i in ids if store.stage_status(i)["index"]["status"] == "failed"]
    assert len(failed) == 15
    assert "search backend unreachable" in store.stage_status(failed[0])["index"]["error"]
    healthy = SQLiteBackend(tmp_path / "search.sqlite")
    again = run_index(store, healthy, progress=False)
    assert again.indexed == 15 and healthy.count() == 35


def test_rebuild_replaces_the_whole_index(store, backend):
    add(store, 1, "one")
    backend.index([])
    from search_contract import doc
    backend.index([doc("stale", "Stale", "not in the store")])
    run_index(store, backend, rebuild=True, progress=False)
    assert backend.count() == 1 and search(backend, query="stale").total == 0
