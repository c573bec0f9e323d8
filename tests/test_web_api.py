"""The web app without a browser: the JSON API, URL state, error pages, security headers and escaping."""

import re
import time
from urllib.parse import parse_qsl, urlsplit

import pytest
from fastapi.testclient import TestClient

from pipeline.search.model import SearchRequest
from pipeline.settings import Settings
from pipeline.web import create_app
from pipeline.web.app import CONTENT_SECURITY_POLICY
from pipeline.web.params import search_request, search_url, toggled
from web_corpus import HOSTILE_URL, build_corpus


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("web")
    return data_dir, build_corpus(data_dir)


@pytest.fixture(scope="module")
def client(corpus):
    with TestClient(create_app(Settings().with_changes(data_dir=corpus[0], search_backend="sqlite"))) as client:
        yield client


@pytest.fixture(scope="module")
def ids(corpus):
    return corpus[1]


def test_search_api_answers_with_hits_facets_and_the_page_url(client):
    response = client.get("/api/search", params=[("q", "arrested"), ("group", "alawites"), ("sort", "date")])
    assert response.status_code == 200
    data = response.json()
    assert data["total"] == 2
    assert [h["published"] for h in data["hits"]] == ["2025-03-20", "2025-01-05"]
    groups = {f["value"]: f for f in data["facets"]["group"]}
    assert groups["alawites"]["selected"] and groups["kurds"]["count"] == 1  # disjunctive: kurds would add one
    assert data["page_url"] == "/search?q=arrested&group=alawites&sort=date"
    hit = data["hits"][0]
    assert hit["snippet"][slice(*hit["highlights"][0])].lower() == "arrested"


def test_search_api_excludes_and_passes_same_passage_through(client):
    everything = client.get("/api/search", params={"q": "arrested"}).json()["total"]
    excluded = client.get("/api/search", params={"q": "arrested", "not_governorate": "SY02"}).json()
    assert excluded["total"] == everything - 1
    assert all("SY02" not in h["facets"].get("governorate", []) for h in excluded["hits"])
    response = client.get("/api/search", params={"governorate": "SY06", "threat": "arbitrary_detention",
                                                  "same_passage": "1"})
    assert response.status_code == 200 and response.json()["page_url"].endswith("same_passage=1")


@pytest.mark.parametrize("params, message", [
    ({"q": '"unclosed'}, "unbalanced quote"),
    ({"group": "druse"}, "did you mean 'druze'"),
    ({"since": "2025-13-01"}, "is not a date"),
    ({"since": "2025-02-01", "until": "2025-01-01"}, "impossible date range"),
    ({"page": "two"}, "whole number"),
])
def test_bad_searches_answer_400_with_one_message(client, params, message):
    response = client.get("/api/search", params=params)
    assert response.status_code == 400 and message in response.json()["error"]
    page = client.get("/search", params=params)
    assert page.status_code == 400 and message.replace("'", "&#39;") in page.text


def test_the_whole_search_state_round_trips_through_the_url():
    request = search_request({"q": ['"General Security" OR detain*'], "governorate": ["Sweida,SY06"],
                              "not_group": ["kurds"], "since": ["2024-12-08"], "same_passage": ["1"],
                              "sort": ["date"], "page": ["2"]})
    assert request.filters == {"governorate": ["SY06", "SY13"]}  # names become p-codes
    url = search_url(request)
    again = search_request({k: [v for key, v in parse_qsl(urlsplit(url).query) if key == k]
                            for k, _ in parse_qsl(urlsplit(url).query)})
    assert again == request
    assert toggled(request, "group", "kurds").filters["group"] == ["kurds"]  # selecting drops the exclusion
    assert "group" not in toggled(request, "group", "kurds").excludes
    assert toggled(SearchRequest(page=3), "threat", "arbitrary_detention", exclude=True).page == 1


def test_document_api_has_passages_tags_evidence_versions_and_archive(client, ids):
    data = client.get(f"/api/documents/{ids['jableh-raids']}").json()
    assert data["source"]["name"] == "Syrian Network for Human Rights"
    assert data["source"]["description"].startswith("Documents violations")
    anchors = [p["anchor"] for p in data["passages"]]
    assert anchors[:3] == ["p1", "p2", "p3"]
    arrested = next(p for p in data["passages"] if "arrested at least 40" in p["text"])
    assert arrested["evidence"]
    threat = next(t for t in data["tags"] if t["kind"] == "threat" and t["value"] == "arbitrary_detention")
    assert any(e["anchor"] == arrested["anchor"] for e in threat["evidence"])
    assert data["archive"] == [f"/documents/{ids['jableh-raids']}/archive/{data['sha256']}"]
    assert client.get("/api/documents/unknown").status_code == 404
    assert client.get("/api/nothing-here").json() == {"error": "no page at /api/nothing-here"}
    missing = client.get("/nothing-here")
    assert missing.status_code == 404 and "no page at /nothing-here" in missing.text and "<footer" in missing.text


def test_matrix_and_sources_api(client):
    matrix = client.get("/api/matrix", params={"group": "alawites", "expand": "SY06"}).json()
    lattakia = next(r for r in matrix["rows"] if r["region"] == "SY06")
    assert lattakia["cells"]["arbitrary_detention"] == {"documents": 1, "sources": 1}
    assert any(r["region"] == "SY0602" for r in matrix["rows"])
    trend = client.get("/api/matrix/trend", params={"region": "SY06", "threat": "arbitrary_detention"}).json()
    assert trend["months"] == [{"month": "2025-03", "documents": 1, "sources": 1}]
    assert client.get("/api/matrix", params={"group": "nobody"}).status_code == 400
    sources = {s["id"]: s for s in client.get("/api/sources").json()}
    assert sources["snhr"]["documents"] == 2 and sources["hrw"]["on_the_ground"] == 1


def test_openapi_describes_the_api(client):
    spec = client.get("/api/openapi.json").json()
    assert {"/api/search", "/api/documents/{doc_id}", "/api/matrix", "/api/matrix/trend", "/api/sources"} <= set(
        spec["paths"])
    names = {p["name"] for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    assert {"q", "governorate", "not_governorate", "since", "until", "same_passage", "sort", "page"} <= names


def test_every_page_sends_the_content_security_policy(client, ids):
    for path in ("/search", f"/documents/{ids['hostile-text']}", "/matrix", "/api/search", "/sources",
                 "/documents/unknown"):
        response = client.get(path)
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY, path
        assert response.headers["x-content-type-options"] == "nosniff"
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY and "unsafe-inline" not in CONTENT_SECURITY_POLICY


def test_archived_copies_are_attachments_with_an_inert_type_in_a_sandbox(client, ids):
    data = client.get(f"/api/documents/{ids['hostile-text']}").json()
    response = client.get(data["archive"][0])
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["content-disposition"].startswith("attachment;")
    assert response.headers["content-security-policy"].startswith("sandbox")
    assert b"<script>window.__xss = 'live'</script>" in response.content  # the bytes as crawled, not rendered
    assert client.get(f"/documents/{ids['hostile-text']}/archive/{'0' * 64}").status_code == 404


def test_crawled_markup_is_escaped_everywhere(client, ids):
    pages = [client.get(f"/documents/{ids['hostile-text']}").text, client.get(f"/documents/{ids['hostile-title']}").text,
             client.get("/search", params={"q": "hostile OR abducted"}).text, client.get("/sources").text]
    for html in pages:
        assert "<script>window" not in html and "<img src=x" not in html and "<svg onload" not in html
        assert not re.search(r"<[a-z]+[^>]*\son(error|load)=", html)
        assert 'href="javascript:' not in html
    assert "&lt;script&gt;window.__xss = &#39;script&#39;" in pages[0]
    assert HOSTILE_URL.replace("'", "&#39;") in pages[1] and "(not a web link)" in pages[1]


def test_coi_serve_prints_its_url_and_serves(corpus, tmp_path):
    import os
    import subprocess
    import sys

    import httpx

    from pipeline.web.bench import free_port

    port = free_port()
    env = {**os.environ, "COI_DATA_DIR": str(corpus[0]), "COI_SEARCH_BACKEND": "sqlite", "COI_PORT": str(port)}
    server = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "serve", "--log-level", "warning"], env=env,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout.readline().startswith(f"serving the Syria COI web app at http://127.0.0.1:{port}/")
        for _ in range(100):
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/search", params={"q": "Jableh"})
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert response.status_code == 200 and "Arrests of Alawite men" in response.text
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_other_features_plug_in_per_passage_actions_and_document_sections(corpus, ids):
    from jinja2 import ChoiceLoader, DictLoader

    from pipeline.web import registry

    app = create_app(Settings().with_changes(data_dir=corpus[0], search_backend="sqlite"))
    environment = app.state.templates.env
    environment.loader = ChoiceLoader([DictLoader({
        "test_action.html": '<a class="cite" href="/cite/{{ document.id }}#{{ passage.anchor }}">cite ¶{{ passage.paragraph }}</a>',
        "test_section.html": '<section class="diff">{{ document.versions|length }} version(s)</section>',
    }), environment.loader])
    registry.PASSAGE_ACTIONS.append("test_action.html")
    registry.DOCUMENT_SECTIONS.append("test_section.html")
    try:
        with TestClient(app) as client:
            html = client.get(f"/documents/{ids['jableh-raids']}").text
    finally:
        registry.PASSAGE_ACTIONS.remove("test_action.html")
        registry.DOCUMENT_SECTIONS.remove("test_section.html")
    assert f'href="/cite/{ids["jableh-raids"]}#p2">cite ¶2</a>' in html
    assert html.count('class="cite"') == html.count('class="passage')
    assert '<section class="diff">1 version(s)</section>' in html


def test_search_page_pages_through_results(client):
    first = client.get("/search", params={"per_page": 2, "sort": "date"}).text
    assert re.search(r'<a rel="next" href="/search\?sort=date&amp;page=2&amp;per_page=2">', first)
    second = client.get("/search", params={"per_page": 2, "sort": "date", "page": 2}).text
    assert 'rel="prev" href="/search?sort=date&amp;per_page=2"' in second
    assert '<ol class="hits" start="3">' in second


def test_coi_serve_with_two_workers_answers_quickly_and_stops_on_sigterm(corpus):
    import os
    import subprocess
    import sys

    import httpx

    from pipeline.web.bench import free_port

    port = free_port()
    env = {**os.environ, "COI_DATA_DIR": str(corpus[0]), "COI_SEARCH_BACKEND": "sqlite"}
    server = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "serve", "--port", str(port), "--workers", "2",
                               "--log-level", "warning"], env=env, stdout=subprocess.DEVNULL)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
            for _ in range(100):
                try:
                    client.get("/api/sources")
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            started = time.perf_counter()
            for _ in range(20):
                assert client.get("/api/sources").status_code == 200
            # Nagle's algorithm is off: no 40 ms wait for a delayed ACK on every keep-alive response.
            assert (time.perf_counter() - started) / 20 < 0.03
    finally:
        server.terminate()
        assert server.wait(timeout=30) == 0
    with pytest.raises(httpx.TransportError):
        httpx.get(f"http://127.0.0.1:{port}/api/sources", timeout=2)
