"""Pinpoint citations from the store and `coi cite`: page and paragraph of a quote, refusals instead of wrong
citations (no title, no publisher, a quote that is not in the text), partial and missing dates."""

from __future__ import annotations

import json

import pytest

from cite_corpus import ARABIC, SWEIDA_PAGES, build_store
from pipeline.cite.citation import CitationError, build_citation, parse_date
from pipeline.cli import main
from pipeline.store import Store


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("cite-citation")
    return data_dir, build_store(data_dir)


@pytest.fixture
def store(corpus):
    with Store(corpus[0]) as store:
        yield store


def test_quote_on_one_pdf_page_gives_that_page_and_paragraph(store, corpus):
    c = build_citation(store, corpus[1]["sweida"], quote="Families said the kidnappers called them")
    assert (c.pages, c.paragraphs) == ((2,), (4,))
    assert c.quote == "Families said the kidnappers called them"


def test_quote_across_a_page_break_gives_both_pages(store, corpus):
    quote = SWEIDA_PAGES[0][1][-30:] + " " + SWEIDA_PAGES[1][0][:20]
    c = build_citation(store, corpus[1]["sweida"], quote=quote)
    assert (c.pages, c.paragraphs) == ((1, 2), (2, 3))


def test_quote_matches_across_line_breaks_and_spacing(store, corpus):
    c = build_citation(store, corpus[1]["jableh"], quote="arrested  at least 40\nAlawite men")
    assert c.paragraphs == (3,) and c.quote == "arrested at least 40 Alawite men"


def test_arabic_quote_is_found_and_pinpointed(store, corpus):
    c = build_citation(store, corpus[1]["arabic"], quote=ARABIC[1])
    assert c.paragraphs == (3,) and c.quote == ARABIC[1]


def test_paragraph_is_quoted_whole(store, corpus):
    c = build_citation(store, corpus[1]["sweida"], paragraph=2)
    assert c.quote == SWEIDA_PAGES[0][1] and c.pages == (1,)


@pytest.mark.parametrize("kwargs, message", [
    ({"quote": "words that appear nowhere"}, "not in any stored version"),
    ({"paragraph": 99}, "no paragraph 99"),
    ({"version": 2}, r"has 1 version\(s\), not 2"),
])
def test_refuses_what_it_cannot_cite_correctly(store, corpus, kwargs, message):
    with pytest.raises(CitationError, match=message):
        build_citation(store, corpus[1]["jableh"], **kwargs)


def test_refuses_unknown_document_missing_title_or_publisher(store, corpus):
    with pytest.raises(CitationError, match="no document"):
        build_citation(store, "0" * 20)
    doc_id = corpus[1]["undated"]
    title = store.document(doc_id)["title"]
    store.db.execute("UPDATE documents SET title = NULL WHERE id = ?", (doc_id,))
    try:
        with pytest.raises(CitationError, match="no title"):
            build_citation(store, doc_id)
    finally:
        store.db.execute("UPDATE documents SET title = ? WHERE id = ?", (title, doc_id))
    store.db.execute("UPDATE documents SET source_id = 'unknown' WHERE id = ?", (doc_id,))
    try:
        with pytest.raises(CitationError, match="no known publishing organisation"):
            build_citation(store, doc_id)
    finally:
        store.db.execute("UPDATE documents SET source_id = 'hrw' WHERE id = ?", (doc_id,))


@pytest.mark.parametrize("raw, parts", [
    ("2025-03-20", (2025, 3, 20)), ("2025-03", (2025, 3)), ("2025", (2025,)), ("2025-13-01", (2025,)),
    ("2025-02-40", (2025, 2)), ("", ()), (None, ()), ("March 2025", ()), ("unknown", ()),
])
def test_dates_are_never_guessed(raw, parts):
    assert parse_date(raw) == parts


def test_coi_cite_prints_each_format_and_refuses_with_exit_2(corpus, monkeypatch, capsys):
    data_dir, ids = corpus
    monkeypatch.setenv("COI_DATA_DIR", str(data_dir))
    monkeypatch.setenv("COI_PUBLIC_URL", "https://coi.example.org")
    assert main(["cite", ids["jableh"], "--passage", "3", "--style", "nl"]) == 0
    out = capsys.readouterr().out
    assert "20 maart 2025" in out and "alinea 3" in out and "geraadpleegd op" in out
    assert f"https://coi.example.org/documents/{ids['jableh']}/archive/" in out
    assert main(["cite", ids["jableh"], ids["undated"], "--format", "csl-json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 2
    assert main(["cite", ids["jableh"], "--format", "ris"]) == 0
    assert capsys.readouterr().out.startswith("TY  - RPRT")
    assert main(["cite", ids["jableh"], "--format", "bibtex"]) == 0
    assert capsys.readouterr().out.startswith("@report{coi-")
    assert main(["cite", ids["jableh"], "--quote", "not in this report"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "cannot cite" in captured.err
