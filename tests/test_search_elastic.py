"""The Elasticsearch backend against a real node (make es-start): the shared contract, parity with SQLite,
atomic rebuilds, bulk indexing that survives errors and a node that goes down."""

from __future__ import annotations

import uuid

import pytest

from es_node import es_backend_factory, es_client  # noqa: F401 - fixtures
from search_contract import CORPUS, SearchContract

pytestmark = pytest.mark.elasticsearch


class TestElasticsearchBackend(SearchContract):
    @pytest.fixture
    def backend(self, es_backend_factory):
        return es_backend_factory()


# -- parity: the same questions get the same documents and the same counts from both backends ----------

PARITY_REQUESTS = [
    {},
    {"query": "detention"},
    {"query": "detention OR detained OR detainees", "sort": "date"},
    {"query": '"arbitrary detention"'},
    {"query": "tortur*"},
    {"query": "Sweida -ransom"},
    {"query": "السويداء"},
    {"query": "Kurds OR Alawites", "filters": {"group": ["kurds"]}},
    {"filters": {"governorate": ["SY03"]}, "excludes": {"threat": ["armed_clashes"]}},
    {"filters": {"group": ["druze", "alawites"], "source_type": ["ngo"]}},
    {"excludes": {"group": ["druze"], "language": ["ar"]}},
    {"since": "2024-12-08"},
    {"since": "2023-01-01", "until": "2024-12-07", "filters": {"epoch": ["assad_era"]}},
    {"filters": {"group": ["kurds"], "threat": ["arbitrary_detention"]}, "same_passage": True},
    {"filters": {"threat": ["arbitrary_detention"]}, "same_passage": True},
    {"filters": {"threat": ["arbitrary_detention"], "group": ["women_girls", "alawites"]}, "same_passage": True,
     "excludes": {"source": ["stj"]}},
]


@pytest.fixture
def both(es_backend_factory, tmp_path):
    from pipeline.search.sqlite import SQLiteBackend

    sqlite, elastic = SQLiteBackend(tmp_path / "search.sqlite"), es_backend_factory()
    for backend in (sqlite, elastic):
        backend.index(CORPUS)
    yield sqlite, elastic
    sqlite.close()


@pytest.mark.parametrize("wanted", PARITY_REQUESTS, ids=lambda r: repr(r)[:60])
def test_both_backends_find_the_same_documents_and_counts(both, wanted):
    from datetime import date

    from pipeline.search.facets import validate_request
    from pipeline.search.model import SearchRequest

    fields = {k: (date.fromisoformat(v) if k in ("since", "until") else v) for k, v in wanted.items()}
    request = validate_request(SearchRequest(per_page=100, **fields))
    sqlite, elastic = (backend.search(request) for backend in both)
    assert sqlite.total == elastic.total
    assert {h.doc_id for h in sqlite.hits} == {h.doc_id for h in elastic.hits}
    if request.sort == "date" or not request.query:
        assert [h.doc_id for h in sqlite.hits] == [h.doc_id for h in elastic.hits]
    for facet in sqlite.facets:
        assert [(v.value, v.count, v.selected, v.excluded) for v in sqlite.facets[facet]] == \
               [(v.value, v.count, v.selected, v.excluded) for v in elastic.facets[facet]], facet


# -- rebuilds, bulk errors and retries ----------------------------------------------------------------

def test_searches_keep_answering_during_a_rebuild(es_backend_factory):
    import threading
    import time

    from search_contract import doc

    backend = es_backend_factory()
    backend.index(CORPUS)
    old_indices = backend._indices()
    release = threading.Event()

    def slow_documents():
        for n in range(300):
            if n == 150:
                release.wait(60)  # hold the rebuild half-way while we search
            yield doc(f"new-{n}", f"New report {n}", "Arbitrary detention continued in Homs.", published=None)

    rebuild = threading.Thread(target=backend.rebuild, args=(slow_documents(),))
    rebuild.start()
    answers = []
    deadline = time.time() + 5
    while time.time() < deadline or not answers:
        answers.append(backend.search(_request()).total)
        time.sleep(0.1)
    release.set()
    rebuild.join(120)
    assert not rebuild.is_alive()
    assert set(answers) == {len(CORPUS)}  # the old index answered, whole, all through the rebuild
    assert backend.search(_request()).total == 300 == backend.count()
    assert backend.search(_request(query="Sednaya")).total == 0
    indices = backend._indices()
    assert len(indices) == 1 and indices[0] not in old_indices
    assert not backend.client.indices.exists(index=old_indices[0])  # the old index is gone


def _request(**fields):
    from pipeline.search.facets import validate_request
    from pipeline.search.model import SearchRequest

    return validate_request(SearchRequest(**fields))


def test_a_refused_document_is_reported_and_the_rest_indexed(es_backend_factory):
    from search_contract import doc

    backend = es_backend_factory()
    bad = doc("bad-date", "A report with an impossible date", "text", published=None)
    bad.published = "the day after the fall"
    done = backend.index([CORPUS[0], bad, CORPUS[1]])
    assert done == [CORPUS[0].doc_id, CORPUS[1].doc_id]
    assert "bad-date" in backend.failures and "published" in backend.failures["bad-date"]
    assert backend.count() == 2


def test_bulk_retries_with_back_off_on_429_and_5xx(es_client):
    from flaky_proxy import FlakyProxy

    from elasticsearch import Elasticsearch
    from pipeline.search.elastic import ElasticsearchBackend

    waits = []
    with FlakyProxy(_url(es_client), "_bulk", [429, 503, 502]) as proxy:
        client = Elasticsearch(proxy.url, request_timeout=30, max_retries=0)
        backend = ElasticsearchBackend(client, "coitest-flaky", sleep=waits.append)
        try:
            assert backend.index(CORPUS) == [d.doc_id for d in CORPUS]
            assert proxy.injected == [429, 503, 502]
            assert waits == [1, 2, 4]  # doubling back-off
            assert backend.count() == len(CORPUS)
        finally:
            backend.drop()


def test_a_node_that_stays_down_is_reported_as_unreachable(tmp_path):
    from elasticsearch import Elasticsearch

    from pipeline.search.backend import BackendUnavailable
    from pipeline.search.elastic import ElasticsearchBackend

    waits = []
    backend = ElasticsearchBackend(Elasticsearch("http://127.0.0.1:9", max_retries=0), "coitest-down",
                                   sleep=waits.append)
    with pytest.raises(BackendUnavailable, match="unreachable.*make es-start"):
        backend.index(CORPUS)
    assert len(waits) == 5


def _url(client) -> str:
    return str(client.transport.node_pool.all()[0].base_url)


def test_client_and_server_share_a_major_version(es_client):
    import elasticsearch

    # (the integ-test distribution has no GET / endpoint, so ask the nodes API)
    server = next(iter(es_client.nodes.info()["nodes"].values()))["version"]
    assert server.split(".")[0] == str(elasticsearch.__version__[0]) == "9"


@pytest.mark.parametrize("field, text, tokens", [
    ("body", "Detentions TORTURED in Ḥamā", ["detent", "tortur", "in", "hama"]),  # like SQLite's porter unicode61
    ("body.en", "the detainees were tortured", ["detaine", "were", "tortur"]),
    ("body.ar", "والمعتقلين في السجون", ["معتقل", "سج"]),
    ("body.nl", "arrestaties van Koerden", ["arrestaties", "koerd"]),
    ("body.fr", "les détentions arbitraires", ["detention", "arbitrair"]),
    ("body.de", "willkürliche Festnahmen", ["willkurlich", "festnahm"]),
    ("passages.text", "Kurdish homes", ["kurdish", "home"]),
])
def test_text_fields_are_analysed_per_language(es_backend_factory, field, text, tokens):
    backend = es_backend_factory()
    backend.index(CORPUS[:1])
    index = backend._indices()[0]
    analysed = backend.client.indices.analyze(index=index, field=field, text=text)
    assert [t["token"] for t in analysed["tokens"]] == tokens


@pytest.mark.parametrize("variables, scheme", [
    ({"COI_ELASTICSEARCH_API_KEY": "aWQ6a2V5"}, "ApiKey aWQ6a2V5"),
    ({"COI_ELASTICSEARCH_USER": "coi", "COI_ELASTICSEARCH_PASSWORD": "s3cret"}, "Basic Y29pOnMzY3JldA=="),
])
def test_credentials_from_the_environment_reach_every_request(variables, scheme, es_client):
    """A real cluster's credentials go into the Authorization header (the test node, security off, ignores them)."""
    from pipeline.search.elastic import connect
    from pipeline.settings import Settings

    settings = Settings.from_env({"COI_ELASTICSEARCH_URL": _url(es_client), **variables})
    assert settings.search_backend == "elasticsearch"
    client = connect(settings)
    sent = []
    original = client.transport.perform_request

    def spy(method, target, **kwargs):
        sent.append(kwargs.get("headers", {}).get("authorization"))
        return original(method, target, **kwargs)

    client.transport.perform_request = spy
    assert client.cluster.health()["status"] in ("green", "yellow")
    assert sent == [scheme]


def test_an_unreadable_ca_certificate_is_refused_clearly(tmp_path):
    from pipeline.search.elastic import connect
    from pipeline.settings import Settings

    settings = Settings.from_env({"COI_ELASTICSEARCH_URL": "https://127.0.0.1:9", "COI_ELASTICSEARCH_CA_CERT":
                                  str(tmp_path / "missing-ca.pem")})
    from pipeline.search.backend import SearchBackendError

    with pytest.raises(SearchBackendError, match="cannot read .*missing-ca.pem"):
        connect(settings)
