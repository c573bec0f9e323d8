"""Fixtures for tests against the real Elasticsearch node that `make es-start` runs (.ci/run starts it).

Under CI=true a missing node fails the tests; elsewhere they skip with the command that starts one.
"""

from __future__ import annotations

import os
import uuid

import pytest
from elasticsearch import Elasticsearch

from pipeline.search.elastic import ElasticsearchBackend

ES_URL = os.environ.get("COI_TEST_ELASTICSEARCH_URL", "http://127.0.0.1:9200")


def node_or_skip(url: str = ES_URL) -> Elasticsearch:
    client = Elasticsearch(url, request_timeout=30, max_retries=0)
    try:
        client.cluster.health(wait_for_status="yellow", timeout="10s")
    except Exception as error:  # noqa: BLE001 - any failure means no usable node
        message = f"no Elasticsearch node at {url} ({type(error).__name__}); start one with `make es-start`"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return client


@pytest.fixture(scope="session")
def es_client():
    client = node_or_skip()
    yield client
    client.close()


@pytest.fixture
def es_backend_factory(es_client):
    """Backends on fresh aliases of their own (coitest-<random>), dropped after the test."""
    made: list[ElasticsearchBackend] = []

    def make(alias: str | None = None, **options) -> ElasticsearchBackend:
        backend = ElasticsearchBackend(es_client, alias or f"coitest-{uuid.uuid4().hex[:10]}", **options)
        made.append(backend)
        return backend

    yield make
    for backend in made:
        backend.drop()
