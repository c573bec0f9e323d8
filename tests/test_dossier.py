"""Evidence dossiers: the front page (question, time, documents, independent sources, epochs), every supporting
passage quoted with its citation, grouped by source and sorted by date, as HTML and as a PDF read back with pypdf."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timezone

import pytest
from pypdf import PdfReader

from cite_corpus import build_store
from pipeline.cite.dossier import build_dossier, dossier_html, dossier_pdf
from pipeline.cli import main
from pipeline.search.facets import validate_request
from pipeline.search.model import SearchRequest
from pipeline.search.sqlite import SQLiteBackend
from pipeline.settings import Settings
from pipeline.store import Store

NOW = datetime(2026, 11, 20, 9, 30, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("dossier")
    return data_dir, build_store(data_dir)


def _dossier(corpus, style="en", **request):
    data_dir, _ = corpus
    settings = Settings().with_changes(data_dir=data_dir, search_backend="sqlite")
    backend = SQLiteBackend(settings.sqlite_index_path)
    try:
        with Store(data_dir) as store:
            return build_dossier(store, backend, validate_request(SearchRequest(**request)), style=style,
                                 public_url="https://coi.example.org", now=NOW)
    finally:
        backend.close()


def _pdf_text(pdf: bytes) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture(scope="module")
def druze(corpus):
    return _dossier(corpus, filters={"group": ["druze"], "threat": ["kidnapping_abduction"]},
                    since=date(2024, 12, 8))


def test_front_page_counts_documents_sources_and_epochs(druze, corpus):
    assert druze.documents == 2 and druze.sources == 2
    assert druze.epochs == ["transition"]
    assert druze.generated == "2026-11-20 09:30 UTC"
    assert ("group", "Druze") in druze.question and ("since", "2024-12-08") in druze.question
    assert [g.name for g in druze.groups] == ["Human Rights Watch", "Syrians for Truth and Justice"]


def test_every_supporting_passage_is_quoted_with_its_citation_in_date_order(druze, corpus):
    hrw = druze.groups[0].evidence
    assert [e.citation.pages for e in hrw] == [(1,), (2,)]  # two passages of the PDF, in text order
    assert all(e.citation.doc_id == corpus[1]["sweida"] for e in hrw)
    assert "Druze students were kidnapped" in hrw[1].citation.quote
    assert hrw[1].text.startswith("Human Rights Watch, “Kidnappings of Druze civilians on the Sweida road”, "
                                  "14 May 2025, p. 2, para. 3,")
    stj = druze.groups[1].evidence
    assert all("published on ReliefWeb" in e.text for e in stj)


def test_html_dossier_shows_question_counts_quotes_and_citations(druze):
    html = dossier_html(druze)
    assert "<script" not in html and "<link" not in html and "<img" not in html  # standalone, nothing to run or load
    assert re.search(r'<dd class="documents">2</dd>', html) and re.search(r'<dd class="sources">2</dd>', html)
    assert "Transition" in html or "transition" in html
    assert "Druze students were kidnapped near a checkpoint" in html
    assert "SHA-256" in html and "accessed" in html
    assert html.index("Human Rights Watch</h2>") < html.index("Syrians for Truth and Justice</h2>")


def test_pdf_dossier_is_rendered_and_reads_back(druze):
    pdf = dossier_pdf(druze)
    assert pdf.startswith(b"%PDF-")
    text = _pdf_text(pdf)
    assert "Evidence dossier" in text and "Independent sources" in text
    assert "Druze students were kidnapped near a checkpoint" in text
    assert "Kidnappings of Druze civilians on the Sweida road" in text
    assert "14 May 2025" in text and "accessed" in text and "SHA-256" in text


def test_dutch_arabic_dossier_in_the_assad_era(corpus):
    dossier = _dossier(corpus, style="nl", filters={"group": ["kurds"], "threat": ["arbitrary_detention"]},
                       until=date(2024, 12, 7))
    assert dossier.documents == 1 and dossier.epochs == ["assad_era"]
    assert dossier.groups[0].evidence[0].citation.paragraphs in ((1,), (2,))
    html = dossier_html(dossier)
    assert "Bewijsdossier" in html and "geraadpleegd op" in html and "2 juni 2023" in html
    text = _pdf_text(dossier_pdf(dossier))
    assert "Bewijsdossier" in text and "2 juni 2023" in text
    assert "حلب" in text  # the Arabic quote survives as text, not as boxes or dropped glyphs


def test_empty_dossier_says_so(corpus):
    dossier = _dossier(corpus, query="earthquake")
    assert dossier.documents == 0
    assert "No supporting passages found." in _pdf_text(dossier_pdf(dossier))


def test_coi_dossier_writes_html_and_pdf(corpus, tmp_path, monkeypatch, capsys):
    data_dir, _ = corpus
    monkeypatch.setenv("COI_DATA_DIR", str(data_dir))
    monkeypatch.setenv("COI_SEARCH_BACKEND", "sqlite")
    pdf_file = tmp_path / "dossier.pdf"
    assert main(["dossier", "--group", "druze", "--threat", "kidnapping_abduction", "--governorate", "Sweida",
                 "--format", "pdf", "--output", str(pdf_file)]) == 0
    assert "written to" in capsys.readouterr().err
    text = _pdf_text(pdf_file.read_bytes())
    assert "Unidentified armed men abducted Druze civilians" in text
    assert main(["dossier", "kidnapped", "--group", "druze"]) == 0
    html = capsys.readouterr().out
    assert "Druze students were kidnapped" in html and "abducted Druze civilians" not in html
    assert main(["dossier", "--format", "pdf"]) == 2


def test_undated_report_claims_no_epoch(corpus):
    dossier = _dossier(corpus, filters={"group": ["kurds"]})
    undated = [e for g in dossier.groups for e in g.evidence if e.citation.doc_id == corpus[1]["undated"]]
    assert undated and all(e.epoch is None and ", n.d.," in e.text for e in undated)
    assert dossier.undated == 1 and dossier.epochs == ["assad_era"]
    assert "1 undated document(s)" in dossier_html(dossier)
    # Undated evidence comes after dated evidence of the same source.
    hrw = next(g for g in dossier.groups if g.name == "Human Rights Watch").evidence
    assert hrw[-1].citation.published == ()
