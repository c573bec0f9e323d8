"""`coi` with COI_ELASTICSEARCH_URL set: process, rebuild the index on the real node, search with same passage."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from datetime import date
from pathlib import Path

import pytest

from es_node import ES_URL, es_client  # noqa: F401 - fixture
from pipeline.search.elastic import ElasticsearchBackend
from pipeline.store import FetchedReport, SourceInfo, Store

pytestmark = pytest.mark.elasticsearch
ROOT = Path(__file__).parents[1]

PAGES = {
    "afrin": ("Afrin: seizures and arrests",
              "<p>Armed factions seized the homes of Kurdish families in Afrin in March.</p>"
              "<p>In a separate incident, men who complained were subjected to arbitrary detention in Jandairis.</p>"),
    "afrin-together": ("Kurds detained in Afrin",
                       "<p>Kurdish civilians were arbitrarily detained by armed factions in Afrin.</p>"),
    "sweida": ("Sweida road", "<p>Druze travellers were kidnapped on the road to Sweida.</p>"),
}


@pytest.fixture
def data_dir(tmp_path, es_client):  # noqa: F811 - fixture
    with Store(tmp_path) as store:
        store.upsert_source(SourceInfo("stj", "Syrians for Truth and Justice", "STJ", "ngo", ("en",)))
        for slug, (title, body) in PAGES.items():
            html = f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{body}" \
                   "</article></body></html>"
            store.ingest(FetchedReport(source_id="stj", url=f"https://stj-sy.org/en/{slug}/", body=html.encode(),
                                       title=title, published=date(2025, 3, 20), content_type="text/html"))
    return tmp_path


def coi(data_dir, alias, *args):
    env = {**os.environ, "COI_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT), "COI_ELASTICSEARCH_URL": ES_URL,
           "COI_ELASTICSEARCH_INDEX": alias}
    env.pop("COI_SEARCH_BACKEND", None)
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], env=env, capture_output=True, text=True,
                          timeout=300)


def test_process_index_and_search_through_elasticsearch(data_dir, es_client):  # noqa: F811 - fixture
    alias = f"coitest-cli-{uuid.uuid4().hex[:8]}"
    try:
        assert coi(data_dir, alias, "process", "--quiet").returncode == 0
        indexed = coi(data_dir, alias, "index", "--rebuild", "--quiet")
        assert indexed.returncode == 0, indexed.stderr
        assert "index (elasticsearch): 3 indexed, 0 failed" in indexed.stdout
        assert es_client.count(index=alias)["count"] == 3

        def ids(*args):
            result = coi(data_dir, alias, "search", "--format", "json", *args)
            assert result.returncode == 0, result.stderr
            return {hit["title"] for hit in json.loads(result.stdout)["hits"]}

        anywhere = ids("--group", "kurds", "--threat", "arbitrary_detention")
        assert anywhere == {"Afrin: seizures and arrests", "Kurds detained in Afrin"}
        assert ids("--group", "kurds", "--threat", "arbitrary_detention", "--same-passage") == {"Kurds detained in Afrin"}
        assert ids("kidnapped", "--governorate", "As-Sweida") == {"Sweida road"}

        again = coi(data_dir, alias, "index", "--quiet")
        assert "0 indexed, 0 failed" in again.stdout  # nothing pending: nothing sent twice
        bad = coi(data_dir, alias, "search", '"unclosed')
        assert bad.returncode == 2 and "Traceback" not in bad.stderr
    finally:
        ElasticsearchBackend(es_client, alias).drop()
