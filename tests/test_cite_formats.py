"""Citation exports read back by real consumers: CSL-JSON against the CSL schema and through citeproc-py, BibTeX
through bibtexparser, RIS through rispy; text in the Dutch and English styles."""

from __future__ import annotations

import json
from pathlib import Path

import bibtexparser
import jsonschema
import pytest
import rispy
from citeproc import Citation as CslCitation
from citeproc import CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON

from cite_corpus import ARABIC_TITLE, build_store
from pipeline.cite.citation import build_citation
from pipeline.cite.formats import FIRST_STRONG_ISOLATE, POP_DIRECTIONAL_ISOLATE, as_text, render
from pipeline.store import Store

SCHEMA = Path(__file__).parent.parent / "pipeline" / "cite" / "data" / "csl-data.json"
PUBLIC = "https://coi.example.org"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("cite-formats")
    ids = build_store(data_dir)
    with Store(data_dir) as store:
        citations = {
            "sweida": build_citation(store, ids["sweida"], quote="Druze students were kidnapped", public_url=PUBLIC),
            "arabic": build_citation(store, ids["arabic"], paragraph=2, public_url=PUBLIC),
            "undated": build_citation(store, ids["undated"], paragraph=2, public_url=PUBLIC),
            "republished": build_citation(store, ids["republished"], public_url=PUBLIC),
            "jableh": build_citation(store, ids["jableh"], paragraph=3, public_url=PUBLIC),
        }
    return citations


def test_english_text_has_every_element_a_judge_checks(corpus):
    c = corpus["sweida"]
    text = as_text(c, "en")
    first = text.splitlines()[0]
    assert first.startswith("Human Rights Watch, “Kidnappings of Druze civilians on the Sweida road”, 14 May 2025, "
                            "p. 2, para. 3, https://hrw.example.org/reports/sweida-road.pdf, accessed ")
    assert f"SHA-256 {c.sha256}" in text
    assert f"{PUBLIC}/documents/{c.doc_id}/archive/{c.sha256}" in text
    assert "Version 1 of 1" in text
    assert "Source: Human Rights Watch (NGO; does on-the-ground research; International NGO" in text
    assert "Quote: “Druze students were kidnapped”" in text


def test_dutch_text_uses_dutch_months_and_geraadpleegd_op(corpus):
    text = as_text(corpus["jableh"], "nl")
    assert "20 maart 2025" in text
    assert "alinea 3" in text
    assert "geraadpleegd op" in text and "accessed" not in text
    assert "Versie 1 van 1" in text
    assert text.splitlines()[-1].startswith("Citaat: ‘On 9 March 2025 General Security forces arrested")


def test_undated_report_says_no_date_never_a_guess(corpus):
    c = corpus["undated"]
    assert c.published == ()
    assert ", n.d., para. 2," in as_text(c, "en")
    assert ", z.d., alinea 2," in as_text(c, "nl")
    assert "PY  -" not in render([c], "ris") and "DA  -" not in render([c], "ris")
    assert "issued" not in json.loads(render([c], "csl-json"))[0]


def test_arabic_title_is_kept_whole_and_isolated_from_the_latin_text(corpus):
    text = as_text(corpus["arabic"], "en")
    assert f"“{FIRST_STRONG_ISOLATE}{ARABIC_TITLE}{POP_DIRECTIONAL_ISOLATE}”, 2 June 2023, para. 2," in text


def test_aggregator_report_is_cited_to_its_original_publisher(corpus):
    c = corpus["republished"]
    assert c.authors == ("Syrians for Truth and Justice",)
    assert as_text(c, "en").startswith("Syrians for Truth and Justice, “Abductions of Druze women near Sweida”, "
                                       "published on ReliefWeb, 1 July 2025,")


def test_csl_json_is_valid_against_the_csl_schema(corpus):
    items = json.loads(render(list(corpus.values()), "csl-json"))
    jsonschema.validate(items, json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert len(items) == 5 and len({item["id"] for item in items}) == 5


@pytest.mark.filterwarnings("ignore:The following arguments for Reference are unsupported")
def test_csl_json_renders_with_citeproc_and_a_standard_style(corpus):
    items = json.loads(render(list(corpus.values()), "csl-json"))
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
    for item in items:
        bibliography.register(CslCitation([CitationItem(item["id"])]))
    rendered = {str(entry) for entry in bibliography.bibliography()}
    assert any("Kidnappings of Druze civilians on the Sweida road" in r and "2025" in r for r in rendered)
    assert any(ARABIC_TITLE in r and "2023" in r for r in rendered)
    assert any("Seizure of Kurdish homes in Afrin" in r and "(no date)" in r for r in rendered)
    assert any(r.startswith("Syrians for Truth and Justice") for r in rendered)


def test_bibtex_parses_back_with_every_field(corpus):
    library = bibtexparser.parse_string(render(list(corpus.values()), "bibtex"))
    assert not library.failed_blocks
    entries = {entry.key: entry for entry in library.entries}
    sweida = entries[corpus["sweida"].key]
    assert sweida.entry_type == "report"
    assert sweida["title"] == "{Kidnappings of Druze civilians on the Sweida road}"
    assert sweida["author"] == "{Human Rights Watch}"
    assert sweida["date"] == "2025-05-14" and sweida["year"] == "2025"
    assert sweida["pages"] == "2"
    assert corpus["sweida"].sha256 in sweida["note"]
    assert entries[corpus["arabic"].key]["title"] == "{" + ARABIC_TITLE + "}"
    assert entries[corpus["arabic"].key]["langid"] == "arabic"
    undated = entries[corpus["undated"].key]
    assert "year" not in undated.fields_dict and "date" not in undated.fields_dict
    assert undated["urldate"] == "-".join(f"{p:02d}" for p in corpus["undated"].retrieved)


def test_bibtex_escapes_characters_latex_would_misread(corpus):
    from dataclasses import replace

    odd = replace(corpus["jableh"], title="Detention & torture: 100% of cases_at {Branch} #215")
    library = bibtexparser.parse_string(render([odd], "bibtex"))
    assert library.entries[0]["title"] == r"{Detention \& torture: 100\% of cases\_at \{Branch\} \#215}"


def test_ris_reads_back_with_rispy(corpus):
    text = render(list(corpus.values()), "ris")
    assert text.count("\nER  - \n") == 5 and text.startswith("TY  - RPRT\n")
    records = rispy.loads(text)
    assert len(records) == 5
    by_id = {record["id"]: record for record in records}
    sweida = by_id[corpus["sweida"].key]
    assert sweida["type_of_reference"] == "RPRT"
    assert sweida["title"] == "Kidnappings of Druze civilians on the Sweida road"
    assert sweida["authors"] == ["Human Rights Watch"]
    assert sweida["year"] == "2025" and sweida["date"] == "2025/05/14"
    assert sweida["start_page"] == "2"
    assert sweida["urls"] == ["https://hrw.example.org/reports/sweida-road.pdf"]
    assert corpus["sweida"].sha256 in sweida["notes"][0]
    assert by_id[corpus["arabic"].key]["title"] == ARABIC_TITLE
    assert "year" not in by_id[corpus["undated"].key]
