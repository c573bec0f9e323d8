"""The Elasticsearch backend: versioned indices behind an alias, bulk loading with retries, the same answers as SQLite.

Index layout and analysis come from index_config/elasticsearch/ (template.json, profiles.json, client.json).
"""

from __future__ import annotations

import os
import time
from datetime import date, datetime, timezone
from typing import Iterable, Iterator

from elasticsearch import ApiError, ConnectionError as ESConnectionError, Elasticsearch, NotFoundError, TransportError

from ..taxonomy import load_taxonomy
from .backend import BackendUnavailable, SearchBackend, SearchBackendError
from .config import load_index_config
from .facets import FACET_NAMES, MULTI_VALUED, facet_values, passage_filters
from .model import PASSAGE_FACETS, Hit, IndexDocument, SearchRequest, SearchResponse
from .query import And, Not, Or, Phrase, QuerySyntaxError, Term, parse_query, split_negative
from .sqlite import HIGHLIGHT_END, HIGHLIGHT_START, _respace, _split_marks, render_fts

CONFIG = load_index_config("elasticsearch/client")
LANGUAGE_FIELDS = ("en", "ar", "nl", "fr", "de")
RETRY_STATUSES = {429, 500, 502, 503, 504}
SOURCE_EXCLUDES = ["body", "passages", "claims"]


def _without_comments(value):
    if isinstance(value, dict):
        return {k: _without_comments(v) for k, v in value.items() if not k.startswith("_comment")}
    if isinstance(value, list):
        return [_without_comments(v) for v in value]
    return value


def index_template(alias: str) -> dict:
    template = _without_comments(load_index_config("elasticsearch/template"))
    template["index_patterns"] = [f"{alias}-*"]
    return template


def connect(settings) -> Elasticsearch:
    """A client for the cluster the settings name (URL, API key or basic auth, CA certificate)."""
    options: dict = {"request_timeout": CONFIG["request_timeout_seconds"], "max_retries": 0}
    if settings.elasticsearch_api_key:
        options["api_key"] = settings.elasticsearch_api_key
    elif settings.elasticsearch_user:
        options["basic_auth"] = (settings.elasticsearch_user, settings.elasticsearch_password)
    if settings.elasticsearch_ca_cert:
        if not os.access(settings.elasticsearch_ca_cert, os.R_OK):
            raise SearchBackendError(f"COI_ELASTICSEARCH_CA_CERT: cannot read {settings.elasticsearch_ca_cert}")
        options["ca_certs"] = settings.elasticsearch_ca_cert
    return Elasticsearch(settings.elasticsearch_url, **options)


def claim_keys(passages: list[dict]) -> list[str]:
    """Each passage as keywords governorate|group|threat|actor ('-' where it names none), for aggregations."""
    keys = set()
    for passage in passages:
        for governorate in passage.get("governorate") or ["-"]:
            for group in passage.get("group") or ["-"]:
                for threat in passage.get("threat") or ["-"]:
                    for actor in passage.get("actor") or ["-"]:
                        keys.add(f"{governorate}|{group}|{threat}|{actor}")
    return sorted(keys)


def _text_query(node) -> dict:
    """The parsed query as Elasticsearch clauses on title and body (analysed like the SQLite index)."""
    if isinstance(node, Term) and node.prefix:
        return {"bool": {"should": [
            {"match_phrase_prefix": {field: {"query": node.text, "max_expansions": CONFIG["prefix_expansions"]}}}
            for field in ("title", "body")], "minimum_should_match": 1}}
    if isinstance(node, (Term, Phrase)):
        return {"multi_match": {"query": node.text, "type": "phrase", "fields": ["title", "body"]}}
    if isinstance(node, Or):
        return {"bool": {"should": [_text_query(child) for child in node.children], "minimum_should_match": 1}}
    if isinstance(node, And):
        positive, negatives = split_negative(node)
        children = positive.children if isinstance(positive, And) else (positive,)
        return {"bool": {"must": [_text_query(child) for child in children],
                         "must_not": [_text_query(n) for n in negatives]}}
    if isinstance(node, Not):
        raise QuerySyntaxError("NOT needs something to exclude from, e.g. 'detention NOT Aleppo'")
    raise TypeError(node)


def _words(node) -> list[str]:
    if isinstance(node, (Term, Phrase)):
        return [node.text]
    if isinstance(node, (And, Or)):
        return [word for child in node.children for word in _words(child)]
    return []


def _facet_filter(facet: str, wanted: list[str] | None, unwanted: list[str] | None) -> dict:
    clause: dict = {}
    if wanted:
        clause["filter"] = [{"terms": {facet: wanted}}]
    if unwanted:
        clause["must_not"] = [{"terms": {facet: unwanted}}]
    return {"bool": clause}


def _in_passage(in_passage: dict[str, list[str]]) -> dict:
    """One nested clause: some passage holds a wanted value of every facet in in_passage."""
    return {"nested": {"path": "passages", "query": {"bool": {"filter": [
        {"terms": {f"passages.{facet}": values}} for facet, values in in_passage.items()]}}}}


class ElasticsearchBackend(SearchBackend):
    name = "elasticsearch"

    def __init__(self, client: Elasticsearch, alias: str = "coi-docs", profile: str = "single_node",
                 sleep=time.sleep):
        self.client = client
        self.alias = alias
        profiles = _without_comments(load_index_config("elasticsearch/profiles"))
        if profile not in profiles:
            raise SearchBackendError(f"unknown Elasticsearch profile {profile!r}: use one of {', '.join(profiles)}")
        self.index_settings = profiles[profile]
        self.taxonomy = load_taxonomy()
        self.failures: dict[str, str] = {}
        self._sleep = sleep
        self._order = 0

    @classmethod
    def from_settings(cls, settings) -> "ElasticsearchBackend":
        return cls(connect(settings), settings.elasticsearch_index, settings.elasticsearch_profile)

    def close(self) -> None:
        self.client.close()

    # -- calls with retries ----------------------------------------------------------------------------

    def _call(self, what: str, function, *args, **kwargs):
        """Run one client call, retrying with back-off on 429, 5xx and lost connections."""
        delay = CONFIG["initial_backoff_seconds"]
        for attempt in range(CONFIG["retries"] + 1):
            try:
                return function(*args, **kwargs)
            except NotFoundError:
                raise
            except ApiError as error:
                if error.meta.status not in RETRY_STATUSES or attempt == CONFIG["retries"]:
                    raise SearchBackendError(f"Elasticsearch refused {what}: {_reason(error)}") from None
            except (ESConnectionError, TransportError) as error:
                if attempt == CONFIG["retries"]:
                    raise BackendUnavailable(
                        f"Elasticsearch at {self._where()} is unreachable ({what}): {error}; "
                        "start it (make es-start) and run the command again") from None
            self._sleep(delay)
            delay = min(delay * 2, CONFIG["max_backoff_seconds"])

    def _where(self) -> str:
        try:
            return ", ".join(str(node.base_url) for node in self.client.transport.node_pool.all())
        except Exception:  # noqa: BLE001 - only for the message
            return "the configured URL"

    # -- indices and the alias --------------------------------------------------------------------------

    def _indices(self) -> list[str]:
        try:
            return sorted(self._call("reading the alias", self.client.indices.get_alias, name=self.alias))
        except NotFoundError:
            return []

    def _create_index(self) -> str:
        self._call("putting the index template", self.client.indices.put_index_template, name=self.alias,
                   **index_template(self.alias))
        name = f"{self.alias}-{datetime.now(timezone.utc):%Y%m%d%H%M%S%f}"
        self._call("creating an index", self.client.indices.create, index=name,
                   settings={"index": self.index_settings})
        return name

    def _ensure_index(self) -> None:
        if not self._indices():
            name = self._create_index()
            self._call("adding the alias", self.client.indices.update_aliases,
                       actions=[{"add": {"index": name, "alias": self.alias}}])

    # -- writing ----------------------------------------------------------------------------------------

    def _source(self, doc: IndexDocument) -> dict:
        self._order += 1
        published = doc.published.isoformat() if isinstance(doc.published, date) else (doc.published or None)
        lead = doc.body[:CONFIG["snippet_chars"]] + ("…" if len(doc.body) > CONFIG["snippet_chars"] else "")
        source = {
            "doc_id": doc.doc_id, "title": doc.title, "body": doc.body, "lead": lead, "url": doc.url,
            "source": doc.source, "source_name": doc.source_name, "source_type": doc.source_type or None,
            "doc_type": doc.doc_type or None, "language": doc.language or None, "epoch": doc.epoch or None,
            "published": published, "first_seen": doc.first_seen or None,
            "indexed_order": time.time_ns() + self._order, "copies": doc.copies,
            "passages": doc.passages, "claims": claim_keys(doc.passages),
        }
        for facet in MULTI_VALUED:
            source[facet] = list(doc.facets.get(facet, []))
        return source

    def _bulk(self, index: str, documents: Iterable[IndexDocument]) -> list[str]:
        done: list[str] = []
        for chunk in _chunks(documents, CONFIG["bulk_chunk_documents"]):
            pending = {doc.doc_id: self._source(doc) for doc in chunk}
            delay = CONFIG["initial_backoff_seconds"]
            for attempt in range(CONFIG["retries"] + 1):
                operations = []
                for doc_id, source in pending.items():
                    operations += [{"index": {"_index": index, "_id": doc_id}}, source]
                response = self._call("bulk indexing", self.client.bulk, operations=operations)
                retry = {}
                for item in response["items"]:
                    result = item["index"]
                    doc_id = result["_id"]
                    if result.get("status", 500) < 300:
                        done.append(doc_id)
                        self.failures.pop(doc_id, None)
                    elif result["status"] in RETRY_STATUSES and attempt < CONFIG["retries"]:
                        retry[doc_id] = pending[doc_id]
                    else:
                        error = result.get("error", {})
                        self.failures[doc_id] = f"Elasticsearch refused the document: {error.get('type')}: {error.get('reason')}"
                if not retry:
                    break
                pending = retry
                self._sleep(delay)
                delay = min(delay * 2, CONFIG["max_backoff_seconds"])
        return done

    def _refresh(self, index: str) -> None:
        self._call("refreshing", self.client.indices.refresh, index=index)

    def index(self, documents: Iterable[IndexDocument]) -> list[str]:
        self.failures = {}
        self._ensure_index()
        done = self._bulk(self.alias, documents)
        self._refresh(self.alias)
        return done

    def rebuild(self, documents: Iterable[IndexDocument]) -> list[str]:
        """Load a new index while searches use the old one, then switch the alias in one step and drop the old."""
        self.failures = {}
        old = self._indices()
        new = self._create_index()
        try:
            done = self._bulk(new, documents)
            self._refresh(new)
        except BaseException:
            self._call("removing the unfinished index", self.client.indices.delete, index=new)
            raise
        actions = [{"remove": {"index": name, "alias": self.alias}} for name in old]
        actions.append({"add": {"index": new, "alias": self.alias}})
        self._call("switching the alias", self.client.indices.update_aliases, actions=actions)
        for name in old:
            self._call("deleting the old index", self.client.indices.delete, index=name)
        return done

    def delete(self, doc_ids: Iterable[str]) -> None:
        operations = [{"delete": {"_index": self.alias, "_id": doc_id}} for doc_id in doc_ids]
        if not operations or not self._indices():
            return
        self._call("deleting documents", self.client.bulk, operations=operations)
        self._refresh(self.alias)

    def clear(self) -> None:
        if self._indices():
            self._call("clearing the index", self.client.delete_by_query, index=self.alias,
                       query={"match_all": {}}, refresh=True, conflicts="proceed")

    def count(self) -> int:
        if not self._indices():
            return 0
        return self._call("counting", self.client.count, index=self.alias)["count"]

    def drop(self) -> None:
        """Delete every index behind the alias and the template (tests, uninstall)."""
        for name in self._indices():
            self._call("deleting an index", self.client.indices.delete, index=name)
        try:
            self.client.indices.delete_index_template(name=self.alias)
        except NotFoundError:
            pass

    # -- searching --------------------------------------------------------------------------------------

    def search(self, request: SearchRequest) -> SearchResponse:
        positive, negatives = split_negative(parse_query(request.query))
        if positive is not None:
            render_fts(positive)  # the same syntax errors as the SQLite backend
        must = [_text_query(positive)] if positive is not None else []
        must_not = [_text_query(n) for n in negatives]
        filters = []
        if request.since or request.until:
            dates = {}
            if request.since:
                dates["gte"] = request.since.isoformat()
            if request.until:
                dates["lte"] = request.until.isoformat()
            filters.append({"range": {"published": dates}})
        should = []
        words = _words(positive) if positive is not None else []
        if words:
            should.append({"multi_match": {"query": " ".join(words), "fields": [
                f"{field}.{lang}" for field in ("title", "body") for lang in LANGUAGE_FIELDS]}})
        query = {"bool": {"must": must or [{"match_all": {}}], "must_not": must_not, "filter": filters,
                          "should": should}}

        in_passage = passage_filters(request)
        facet_filters: dict[str, dict] = {}
        for facet in FACET_NAMES:
            wanted, unwanted = request.filters.get(facet), request.excludes.get(facet)
            if facet in in_passage:
                wanted = None
            if wanted or unwanted:
                facet_filters[facet] = _facet_filter(facet, wanted, unwanted)
        selected = list(facet_filters.values()) + ([_in_passage(in_passage)] if in_passage else [])

        aggs = {facet: self._facet_agg(facet, facet_filters, in_passage) for facet in FACET_NAMES}
        body = {
            "query": query, "post_filter": {"bool": {"filter": selected}}, "aggs": aggs,
            "from": (request.page - 1) * request.per_page, "size": request.per_page, "track_total_hits": True,
            "_source": {"excludes": SOURCE_EXCLUDES},
            "sort": self._sort(request, positive is not None),
        }
        if positive is not None:
            body["highlight"] = {
                "pre_tags": [HIGHLIGHT_START], "post_tags": [HIGHLIGHT_END], "highlight_query": must[0],
                "fields": {"body": {"fragment_size": CONFIG["snippet_chars"], "number_of_fragments": 1,
                                    "no_match_size": CONFIG["snippet_chars"]},
                           "title": {"number_of_fragments": 0}}}
        if not self._indices():
            self._ensure_index()
        try:
            response = self.client.search(index=self.alias, **body)
        except ApiError as error:
            if error.meta.status == 400:
                raise QuerySyntaxError(f"the query could not be run: {_reason(error)}") from None
            raise SearchBackendError(f"Elasticsearch search failed: {_reason(error)}") from None
        except (ESConnectionError, TransportError) as error:
            raise BackendUnavailable(f"Elasticsearch at {self._where()} is unreachable: {error}") from None
        aggregations = response["aggregations"]
        facets = {facet: facet_values(facet, request, self._bucket_counts(facet, aggregations[facet]), self.taxonomy,
                                      _source_names(aggregations["source"]) if facet == "source" else None)
                  for facet in FACET_NAMES}
        hits = [self._hit(hit) for hit in response["hits"]["hits"]]
        return SearchResponse(total=response["hits"]["total"]["value"], page=request.page,
                              per_page=request.per_page, hits=hits, facets=facets)

    @staticmethod
    def _sort(request: SearchRequest, has_query: bool) -> list:
        by_date = [{"published": {"order": "desc", "missing": "_last"}}, {"indexed_order": {"order": "desc"}}]
        if has_query and request.sort == "relevance":
            return ["_score", {"indexed_order": {"order": "asc"}}]
        return by_date

    def _facet_agg(self, facet: str, facet_filters: dict[str, dict], in_passage: dict[str, list[str]]) -> dict:
        """Disjunctive counts: every filter but the facet's own; passage facets count within the passage."""
        others = [f for name, f in facet_filters.items() if name != facet]
        size = CONFIG["facet_size"]
        if in_passage and facet in PASSAGE_FACETS:
            together = {f: v for f, v in in_passage.items() if f != facet}
            terms = {"terms": {"field": f"passages.{facet}", "size": size},
                     "aggs": {"documents": {"reverse_nested": {}}}}
            within = {"bool": {"filter": [{"terms": {f"passages.{f}": v}} for f, v in together.items()]}}
            return {"filter": {"bool": {"filter": others}}, "aggs": {"passages": {
                "nested": {"path": "passages"}, "aggs": {"together": {"filter": within, "aggs": {"values": terms}}}}}}
        if in_passage:
            others = others + [_in_passage(in_passage)]
        terms: dict = {"terms": {"field": facet, "size": size}}
        if facet == "source":  # the source's name as its label
            terms["aggs"] = {"name": {"terms": {"field": "source_name", "size": 1}}}
        return {"filter": {"bool": {"filter": others}}, "aggs": {"values": terms}}

    @staticmethod
    def _bucket_counts(facet: str, aggregation: dict) -> dict[str, int]:
        if "passages" in aggregation:
            buckets = aggregation["passages"]["together"]["values"]["buckets"]
            return {b["key"]: b["documents"]["doc_count"] for b in buckets}
        return {b["key"]: b["doc_count"] for b in aggregation["values"]["buckets"]}

    def _hit(self, hit: dict) -> Hit:
        source = hit["_source"]
        highlight = hit.get("highlight", {})
        snippet, highlights = _split_marks(highlight["body"][0]) if highlight.get("body") else (source["lead"], [])
        title, title_highlights = _split_marks(highlight["title"][0]) if highlight.get("title") else (source["title"], [])
        return Hit(
            doc_id=source["doc_id"], title=title, url=source["url"], source=source["source"],
            source_name=source.get("source_name") or source["source"], source_type=source.get("source_type") or "",
            doc_type=source.get("doc_type") or "", language=source.get("language") or "",
            published=source.get("published"), epoch=source.get("epoch") or "", score=hit.get("_score"),
            snippet=" ".join(snippet.split()), highlights=_respace(snippet, highlights),
            title_highlights=title_highlights,
            facets={facet: source[facet] for facet in MULTI_VALUED if source.get(facet)},
            copies=source.get("copies") or [])


def _source_names(aggregation: dict) -> dict[str, str]:
    return {b["key"]: b["name"]["buckets"][0]["key"] for b in aggregation["values"]["buckets"] if b["name"]["buckets"]}


def _reason(error: ApiError) -> str:
    """Status, type and reason of an Elasticsearch error, with its root cause when there is one."""
    body = error.body if isinstance(error.body, dict) else {}
    detail = body.get("error") if isinstance(body.get("error"), dict) else {}
    reason = detail.get("reason") or error.message
    cause = detail.get("caused_by") or (detail.get("root_cause") or [{}])[0]
    if cause.get("reason") and cause["reason"] != reason:
        reason += f" ({cause['reason']})"
    return f"{error.meta.status} {detail.get('type', error.message)}: {reason}"


def _chunks(documents: Iterable[IndexDocument], size: int) -> Iterator[list[IndexDocument]]:
    chunk: list[IndexDocument] = []
    for document in documents:
        chunk.append(document)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
