"""The web app on the Elasticsearch backend: the same pages and API answers as on SQLite."""

import pytest
from fastapi.testclient import TestClient

from es_node import ES_URL, es_backend_factory, es_client  # noqa: F401 - fixtures
from pipeline.indexer import run_index
from pipeline.settings import Settings
from pipeline.store import Store
from pipeline.web import create_app
from web_corpus import build_corpus

pytestmark = pytest.mark.elasticsearch


def test_search_document_and_matrix_cell_on_elasticsearch(tmp_path, es_backend_factory):
    ids = build_corpus(tmp_path)
    backend = es_backend_factory()
    with Store(tmp_path) as store:
        assert run_index(store, backend, rebuild=True, progress=False).indexed == len(ids)
    settings = Settings().with_changes(data_dir=tmp_path, search_backend="elasticsearch", elasticsearch_url=ES_URL,
                                       elasticsearch_index=backend.alias)
    with TestClient(create_app(settings)) as client:
        data = client.get("/api/search", params=[("q", "arrested"), ("group", "alawites"), ("sort", "date")]).json()
        assert [h["published"] for h in data["hits"]] == ["2025-03-20", "2025-01-05"]
        cell = client.get("/api/matrix").json()
        lattakia = next(r for r in cell["rows"] if r["region"] == "SY06")["cells"]["arbitrary_detention"]
        same = client.get("/api/search", params={"governorate": "SY06", "threat": "arbitrary_detention",
                                                 "same_passage": "1"}).json()
        assert same["total"] == lattakia["documents"] == 1
        page = client.get("/search", params={"q": "hostile OR abducted"})
        assert page.status_code == 200 and "&lt;script&gt;window.__xss" in page.text
        assert "<script>window" not in page.text
        assert client.get(f"/documents/{ids['jableh-raids']}").status_code == 200
