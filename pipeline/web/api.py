"""The JSON API under /api, described by the OpenAPI document at /api/openapi.json."""

from __future__ import annotations

import json
from dataclasses import asdict

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ..matrix import build_matrix, cell_trend
from ..search.facets import FACETS
from .deps import NotFound, open_store, run_search
from .document_view import document_view
from .matrix_pages import matrix_request
from .params import search_request, search_url

router = APIRouter(prefix="/api", tags=["api"])


def _parameter(name: str, description: str, schema: dict | None = None, repeat: bool = False) -> dict:
    schema = schema or {"type": "string"}
    if repeat:
        schema = {"type": "array", "items": schema}
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema,
            **({"style": "form", "explode": True} if repeat else {})}


SEARCH_PARAMETERS = [
    _parameter("q", 'query: words (all must occur), "a phrase", OR, NOT word or -word, prefix*, parentheses'),
    *[_parameter(f["name"], f"{f['label']}: any of these values (repeat or comma-separate)", repeat=True)
      for f in FACETS],
    *[_parameter(f"not_{f['name']}", f"{f['label']}: none of these values", repeat=True) for f in FACETS],
    _parameter("since", "published on or after (YYYY-MM-DD)", {"type": "string", "format": "date"}),
    _parameter("until", "published on or before (YYYY-MM-DD)", {"type": "string", "format": "date"}),
    _parameter("same_passage", "1: region, group, threat and actor filters must hold in one passage (claim)",
               {"type": "boolean"}),
    _parameter("sort", "relevance or date", {"type": "string", "enum": ["relevance", "date"]}),
    _parameter("page", "page number, from 1", {"type": "integer", "minimum": 1}),
    _parameter("per_page", "results per page (1-100)", {"type": "integer", "minimum": 1, "maximum": 100}),
]
MATRIX_PARAMETERS = [
    _parameter("group", "population groups: count claims naming any of them", repeat=True),
    _parameter("actor", "actors: count claims naming any of them", repeat=True),
    _parameter("epoch", "periods (assad_era, transition) of the document's publication date", repeat=True),
    _parameter("since", "published on or after (YYYY-MM-DD)", {"type": "string", "format": "date"}),
    _parameter("until", "published on or before (YYYY-MM-DD)", {"type": "string", "format": "date"}),
    _parameter("expand", "governorates whose district rows are included", repeat=True),
]
ERRORS = {400: {"description": "a malformed query or an unknown facet value; {\"error\": message}"}}


@router.get("/search", summary="Faceted full-text search", responses=ERRORS,
            openapi_extra={"parameters": SEARCH_PARAMETERS})
def api_search(request: Request) -> Response:
    """Documents matching the query and filters, with highlighted snippets and disjunctive facet counts."""
    search = search_request(request.query_params)
    response, cached = run_search(request, search)
    result = asdict(response)
    result["pages"] = response.pages
    result["page_url"] = search_url(search)  # the same search on the web page
    # Plain dataclasses of strings and numbers: dumped directly, without FastAPI's slower generic encoder.
    return Response(json.dumps(result, ensure_ascii=False, default=str), media_type="application/json",
                    headers={"x-search-cache": "hit" if cached else "miss"})


@router.get("/documents/{doc_id}", summary="One document with its passages, tags, evidence and versions",
            responses={404: {"description": "no such document"}})
def api_document(request: Request, doc_id: str) -> dict:
    with open_store(request) as store:
        document = document_view(store, doc_id)
    if document is None:
        raise NotFound(f"no document {doc_id!r}")
    document["passages"] = [{"idx": p.idx, "paragraph": p.paragraph, "page": p.page, "kind": p.kind,
                             "anchor": p.anchor, "start": p.start, "end": p.end, "text": p.text,
                             "evidence": p.evidence} for p in document["passages"]]
    document["tags"] = [asdict(t) for t in document["tags"]]
    document["archive"] = [f"/documents/{doc_id}/archive/{v['sha256']}" for v in document["versions"]]
    return document


@router.get("/matrix", summary="Region × threat matrix: distinct documents and sources per cell", responses=ERRORS,
            openapi_extra={"parameters": MATRIX_PARAMETERS})
def api_matrix(request: Request) -> dict:
    with open_store(request) as store:
        return build_matrix(store, matrix_request(request.query_params)).to_json()


@router.get("/matrix/trend", summary="One cell by month of publication", responses=ERRORS,
            openapi_extra={"parameters": MATRIX_PARAMETERS + [
                _parameter("region", "governorate or district p-code"), _parameter("threat", "threat id")]})
def api_trend(request: Request) -> dict:
    params = request.query_params
    with open_store(request) as store:
        months = cell_trend(store, matrix_request(params), params.get("region", ""), params.get("threat", ""))
    return {"region": params.get("region"), "threat": params.get("threat"), "months": months}


@router.get("/sources", summary="The sources we crawl, with their description and counts")
def api_sources(request: Request) -> list[dict]:
    with open_store(request) as store:
        summary = store.source_summary()
    return [{key: value for key, value in source.items() if key != "updated_at"} for source in summary.values()]
