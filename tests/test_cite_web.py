"""Citing in the web app and API: cite actions on the document page, citation downloads read back by their
consumers, exports of a selection, the version history with a text diff, the dossier from a search, and the archived
copy served with exactly the SHA-256 the citation states."""

from __future__ import annotations

import hashlib
import io
import os
import re
from datetime import datetime, timezone
from urllib.parse import urlsplit

import bibtexparser
import pytest
import rispy
from fastapi.testclient import TestClient
from pypdf import PdfReader

from cite_corpus import JABLEH, build_store, page
from pipeline.cite.versions import record_withdrawn
from pipeline.process import process_pending
from pipeline.settings import Settings
from pipeline.store import FetchedReport, Store
from pipeline.web import create_app

PUBLIC = "https://coi.example.org"
EDITED_JABLEH = [JABLEH[0], JABLEH[1].replace("at least 40", "at least 45"), JABLEH[2]]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("cite-web")
    ids = build_store(data_dir)
    settings = Settings().with_changes(data_dir=data_dir, search_backend="sqlite", public_url=PUBLIC)
    with Store(data_dir) as store:
        # The source edits one report and withdraws another.
        store.ingest(FetchedReport("snhr", "https://snhr.example.org/reports/jableh-detentions",
                                   page("Arrests of Alawite men in Jableh", EDITED_JABLEH),
                                   content_type="text/html; charset=utf-8"))
        process_pending(store, settings, progress=False)
        record_withdrawn(store, ids["undated"], 410)
    return settings, ids


@pytest.fixture(scope="module")
def client(corpus):
    with TestClient(create_app(corpus[0])) as client:
        yield client


def test_document_page_has_cite_actions_export_form_and_version_history(client, corpus):
    _, ids = corpus
    html = client.get(f"/documents/{ids['jableh']}").text
    assert f'href="/documents/{ids["jableh"]}/cite?passage=3"' in html
    assert f'value="{ids["jableh"]}@3" form="cite-export"' in html
    assert 'id="cite-export"' in html and 'action="/api/citations"' in html
    assert '<script src="/static/cite.js" defer></script>' in html
    assert "Version history" in html and "version 1" in html and "version 2 (current)" in html
    assert '<span class="removed">-On 9 March 2025 General Security forces arrested at least 40' in html
    assert '<span class="added">+On 9 March 2025 General Security forces arrested at least 45' in html
    withdrawn = client.get(f"/documents/{ids['undated']}").text
    assert "Withdrawn by the source" in withdrawn and "(HTTP 410)" in withdrawn


def test_static_copy_script_is_served(client):
    response = client.get("/static/cite.js")
    assert response.status_code == 200 and "navigator.clipboard.writeText" in response.text


def test_cite_passage_as_text_and_as_downloads(client, corpus):
    _, ids = corpus
    text = client.get(f"/documents/{ids['sweida']}/cite", params={"passage": 3, "style": "nl"})
    assert text.status_code == 200 and text.headers["content-type"].startswith("text/plain")
    assert "14 mei 2025, p. 2, alinea 3" in text.text and "geraadpleegd op" in text.text
    ris = client.get(f"/documents/{ids['sweida']}/cite", params={"passage": 3, "format": "ris"})
    assert ris.headers["content-type"] == "application/x-research-info-systems"
    assert "attachment" in ris.headers["content-disposition"]
    assert rispy.loads(ris.text)[0]["start_page"] == "2"
    bib = client.get(f"/documents/{ids['sweida']}/cite", params={"format": "bibtex"})
    assert bibtexparser.parse_string(bib.text).entries[0]["year"] == "2025"
    csl = client.get(f"/documents/{ids['sweida']}/cite", params={"format": "csl-json"})
    assert csl.json()[0]["issued"] == {"date-parts": [[2025, 5, 14]]}


def test_api_citation_and_refusals(client, corpus):
    _, ids = corpus
    data = client.get(f"/api/documents/{ids['jableh']}/citation", params={"quote": "at least 40 Alawite men"}).json()
    assert data["citation"]["version"] == 1 and data["citation"]["versions"] == 2
    assert data["citation"]["current"] is False
    assert "Version 1 of 2 (since replaced by a later version)" in data["text"]
    missing = client.get(f"/api/documents/{ids['jableh']}/citation", params={"quote": "at least 50 Alawite men"})
    assert missing.status_code == 422 and "not in any stored version" in missing.json()["error"]
    assert client.get("/api/documents/00000000000000000000/citation").status_code == 404
    assert client.get(f"/documents/{ids['jableh']}/cite", params={"format": "docx"}).status_code == 422


def test_export_a_selection(client, corpus):
    _, ids = corpus
    response = client.get("/api/citations", params=[("item", f"{ids['jableh']}@3"), ("item", ids["arabic"]),
                                                    ("item", ids["undated"]), ("format", "bibtex")])
    assert response.status_code == 200 and 'filename="citations.bib"' in response.headers["content-disposition"]
    entries = bibtexparser.parse_string(response.text).entries
    assert len(entries) == 3
    assert "withdrawn by the source" in entries[2]["note"]
    ris = client.get("/api/citations", params=[("item", ids["sweida"]), ("item", ids["jableh"]), ("format", "ris")])
    assert [r["title"] for r in rispy.loads(ris.text)] == ["Kidnappings of Druze civilians on the Sweida road",
                                                         "Arrests of Alawite men in Jableh"]
    assert client.get("/api/citations", params={"format": "ris"}).status_code == 422
    assert client.get("/api/citations", params=[("item", f"{ids['jableh']}@x")]).status_code == 422


def test_archived_copy_has_exactly_the_cited_sha256(client, corpus):
    _, ids = corpus
    for version in (1, 2):
        answer = client.get(f"/api/documents/{ids['jableh']}/citation", params={"version": version})
        citation = answer.json()["citation"]
        assert citation["archive_url"].startswith(PUBLIC + "/documents/")
        served = client.get(urlsplit(citation["archive_url"]).path)
        assert served.status_code == 200
        assert hashlib.sha256(served.content).hexdigest() == citation["sha256"]
    pdf = client.get(f"/api/documents/{ids['sweida']}/citation").json()["citation"]
    served = client.get(urlsplit(pdf["archive_url"]).path)
    assert served.headers["content-type"] == "application/pdf"
    assert hashlib.sha256(served.content).hexdigest() == pdf["sha256"]


def test_archive_is_append_only_and_a_tampered_copy_is_never_served(client, corpus):
    settings, ids = corpus
    with Store(settings.data_dir) as store:
        versions = store.versions(ids["jableh"])
        path = store.archive.path_for(versions[0]["sha256"])
        assert not os.stat(path).st_mode & 0o222  # read-only on disk
        before = path.stat().st_mtime_ns
        assert store.archive.put(store.body(versions[0]["sha256"])) == versions[0]["sha256"]
        assert path.stat().st_mtime_ns == before  # storing the same bytes again writes nothing
        original = path.read_bytes()
    try:
        os.chmod(path, 0o644)
        path.write_bytes(original.replace(b"Jableh", b"Homs"))
        with TestClient(create_app(settings), raise_server_exceptions=False) as plain:
            refused = plain.get(f"/documents/{ids['jableh']}/archive/{versions[0]['sha256']}")
        assert refused.status_code == 500 and b"Homs" not in refused.content
    finally:
        path.write_bytes(original)
        os.chmod(path, 0o444)


def test_api_document_lists_history_and_diffs(client, corpus):
    _, ids = corpus
    data = client.get(f"/api/documents/{ids['jableh']}").json()
    assert [e["kind"] for e in data["history"]] == ["version", "version"]
    assert data["diffs"][0]["old"] == 1 and any(line.startswith("+") for line in data["diffs"][0]["lines"])
    gone = client.get(f"/api/documents/{ids['undated']}").json()
    assert gone["withdrawn"] == datetime.now(timezone.utc).date().isoformat()


def test_dossier_from_a_search(client):
    search = client.get("/search", params=[("group", "druze"), ("threat", "kidnapping_abduction")]).text
    assert 'href="/dossier?group=druze&amp;threat=kidnapping_abduction"' in search
    html = client.get("/dossier", params=[("group", "druze"), ("threat", "kidnapping_abduction")])
    assert html.status_code == 200 and "script-src" not in html.headers["content-security-policy"]
    assert "Evidence dossier" in html.text and "Druze students were kidnapped" in html.text
    pdf = client.get("/dossier", params=[("group", "druze"), ("threat", "kidnapping_abduction"), ("format", "pdf"),
                                         ("style", "nl")])
    assert pdf.headers["content-type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Bewijsdossier" in text and "Kidnappings of Druze civilians" in text


def test_search_page_exports_the_citations_of_its_results(client, corpus):
    _, ids = corpus
    html = client.get("/search", params=[("group", "druze"), ("sort", "date")]).text
    link = re.search(r'href="(/api/citations\?item=[^"]+&amp;format=ris)"', html).group(1).replace("&amp;", "&")
    records = rispy.loads(client.get(link).text)
    assert {r["id"] for r in records} == {f"coi-{ids['sweida']}-v1", f"coi-{ids['republished']}-v1"}
