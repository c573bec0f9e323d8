"""Near-duplicates: one canonical document per report, its copies listed; look-alikes stay apart."""

from datetime import date
from pathlib import Path

import pytest

from pipeline.dedup import Deduplicator, canonical_of, copies_of
from pipeline.indexer import run_index
from pipeline.search.facets import validate_request
from pipeline.search.model import SearchRequest
from pipeline.search.sqlite import SQLiteBackend
from pipeline.store import Extraction, FetchedReport, Passage, SourceInfo, Store

TEXTS = Path(__file__).parent / "fixtures" / "dedup"
REPORT = (TEXTS / "coast_report.txt").read_text()
PARAGRAPHS = REPORT.strip().split("\n\n")


def add(store, url, source, title, text, language="en", published=date(2025, 3, 14), links=()):
    result = store.ingest(FetchedReport(source_id=source, url=url, body=text.encode(), title=title,
                                        published=published, content_type="text/html", links=list(links)))
    store.save_extraction(result.document_id, result.version_id,
                          Extraction(text=text, passages=[Passage(0, 1, 0, len(text))], extractor="test",
                                     language=language))
    return result.document_id


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path) as store:
        store.upsert_source(SourceInfo("hrw", "Human Rights Watch", "HRW", "ngo"))
        store.upsert_source(SourceInfo("reliefweb", "ReliefWeb", "OCHA", "aggregator"))
        store.upsert_source(SourceInfo("syriamirror", "A news mirror", "-", "media"))
        store.upsert_source(SourceInfo("snhr", "Syrian Network for Human Rights", "SNHR", "ngo"))
        yield store


def test_the_same_report_on_three_sites_is_one_document(store, tmp_path):
    dedup = Deduplicator(store)
    # ReliefWeb's copy is found first; the publisher's own copy arrives later and becomes canonical.
    relief = add(store, "https://reliefweb.int/report/syrian-arab-republic/coastal-killings", "reliefweb",
                 "Syria: Coastal Killings of Alawite Civilians",
                 "Originally published by Human Rights Watch.\n\n" + REPORT + "\n\nDownload the full report (PDF, 2 MB)",
                 links=[("original", "https://www.hrw.org/report/2025/03/14/coastal-killings")])
    assert dedup.add(relief) is None
    original = add(store, "https://www.hrw.org/report/2025/03/14/coastal-killings", "hrw",
                   "Syria: Coastal Killings of Alawite Civilians", REPORT)
    decision = dedup.add(original)
    assert decision is not None and decision.canonical_id == original
    mirror = add(store, "https://syria-news.example/2025/03/15/alawite-killings", "syriamirror",
                 "Rights group: Alawite civilians killed on the coast", "\n\n".join(PARAGRAPHS[:-1]),
                 published=date(2025, 3, 15))
    assert dedup.add(mirror).canonical_id == original
    assert canonical_of(store, relief) == original and canonical_of(store, mirror) == original
    assert canonical_of(store, original) is None
    assert {c["source"] for c in copies_of(store, original)} == {"reliefweb", "syriamirror"}

    backend = SQLiteBackend(tmp_path / "search.sqlite")
    run_index(store, backend, progress=False)
    response = backend.search(validate_request(SearchRequest(query="Jableh")))
    assert response.total == 1
    hit = response.hits[0]
    assert hit.doc_id == original and {c["source"] for c in hit.copies} == {"reliefweb", "syriamirror"}
    assert {v.value: v.count for v in response.facets["source"]} == {"hrw": 1}


def test_signatures_survive_a_new_run(store):
    original = add(store, "https://www.hrw.org/report/x", "hrw", "Coastal killings", REPORT)
    Deduplicator(store).add(original)
    copy = add(store, "https://reliefweb.int/report/x", "reliefweb", "Coastal killings", REPORT)
    assert Deduplicator(store).add(copy).canonical_id == original  # a fresh run remembers earlier documents


def test_press_release_is_not_a_duplicate_of_the_full_report(store):
    dedup = Deduplicator(store)
    report = add(store, "https://www.hrw.org/report/2025/03/14/coastal-killings", "hrw",
                 "Syria: Coastal Killings of Alawite Civilians", REPORT)
    release = add(store, "https://www.hrw.org/news/2025/03/14/syria-coastal-killings", "hrw",
                  "Syria: Coastal Killings of Alawite Civilians", (TEXTS / "coast_press_release.txt").read_text())
    dedup.add(report)
    assert dedup.add(release) is None
    assert canonical_of(store, release) is None


def test_monthly_reports_from_the_same_template_are_not_duplicates(store):
    dedup = Deduplicator(store)
    march = add(store, "https://snhr.org/blog/2025/04/02/march", "snhr",
                "Monthly report on arbitrary arrests in Syria in March 2025", (TEXTS / "snhr_march.txt").read_text())
    april = add(store, "https://snhr.org/blog/2025/05/02/april", "snhr",
                "Monthly report on arbitrary arrests in Syria in April 2025", (TEXTS / "snhr_april.txt").read_text())
    dedup.add(march)
    assert dedup.add(april) is None


def test_a_translation_is_not_a_duplicate(store):
    dedup = Deduplicator(store)
    english = add(store, "https://www.hrw.org/report/x", "hrw", "Coastal killings", REPORT)
    dedup.add(english)
    # Same words would make them identical; the language alone keeps a translation apart.
    arabic = add(store, "https://www.hrw.org/ar/report/x", "hrw", "Coastal killings", REPORT, language="ar")
    assert dedup.add(arabic) is None


def test_short_texts_are_not_judged(store):
    dedup = Deduplicator(store)
    first = add(store, "https://example.org/a", "hrw", "Statement", "Syria: release the detained activists now.")
    second = add(store, "https://example.org/b", "reliefweb", "Statement", "Syria: release the detained activists now.")
    dedup.add(first)
    assert dedup.add(second) is None
