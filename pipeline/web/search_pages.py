"""The search page: query box, facets with counts and exclude toggles, governorate → district, results, paging."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from ..search.facets import FACET_NAMES, InvalidRequest
from ..search.model import SORTS, FacetValue, SearchRequest, SearchResponse
from ..search.query import QuerySyntaxError
from .deps import open_store, run_search
from .params import on_page, search_request, search_url

router = APIRouter(include_in_schema=False)
SYNTAX_HELP = [
    ('"enforced disappearance"', "a phrase"),
    ("detention OR arrest", "either word"),
    ("Sweida NOT Damascus", "leave out documents with a word (also -Damascus)"),
    ("displac*", "any word starting with displac"),
    ("(kidnapping OR ransom) Sweida", "group with parentheses"),
]


@dataclass
class FacetEntry:
    """One facet value as the page shows it, with its child values (the districts of a governorate)."""

    facet: str
    value: FacetValue
    children: list["FacetEntry"] = field(default_factory=list)


def facet_tree(response: SearchResponse) -> list[tuple[str, list[FacetEntry]]]:
    """Facets in display order; districts nest under their governorate instead of standing alone."""
    facets = []
    districts = [FacetEntry("district", v) for v in response.facets.get("district", [])]
    for facet in FACET_NAMES:
        if facet == "district":
            continue
        entries = [FacetEntry(facet, v) for v in response.facets.get(facet, [])]
        if facet == "governorate":
            by_code = {e.value.value: e for e in entries}
            for district in districts:
                parent = by_code.get(district.value.value[:4])
                if parent is None:
                    entries.append(district)  # its governorate is not among the counted ones: show it anyway
                else:
                    parent.children.append(district)
        if entries:
            facets.append((facet, entries))
    return facets


def pages_around(request: SearchRequest, response: SearchResponse, width: int = 3) -> list[tuple[int, str]]:
    first, last = max(1, request.page - width), min(response.pages, request.page + width)
    return [(page, search_url(on_page(request, page))) for page in range(first, last + 1)]


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/search", status_code=307)


@router.get("/search")
def search_page(request: Request):
    templates = request.app.state.templates
    context = {"syntax_help": SYNTAX_HELP, "sorts": SORTS, "error": None, "raw_query": request.query_params.get("q", "")}
    try:
        search = search_request(request.query_params)
        response, _ = run_search(request, search)
    except (InvalidRequest, QuerySyntaxError) as error:
        context["error"] = str(error)
        return templates.TemplateResponse(request, "search.html", context, status_code=400)
    context.update(search=search, response=response, facets=facet_tree(response),
                   pages=pages_around(search, response), first=(search.page - 1) * search.per_page,
                   prev_url=search_url(on_page(search, search.page - 1)) if search.page > 1 else None,
                   next_url=search_url(on_page(search, search.page + 1)) if search.page < response.pages else None)
    return templates.TemplateResponse(request, "search.html", context)


@router.get("/sources")
def sources_page(request: Request):
    with open_store(request) as store:
        sources = store.source_summary()
    return request.app.state.templates.TemplateResponse(request, "sources.html", {"sources": sources.values()})
