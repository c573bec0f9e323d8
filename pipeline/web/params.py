"""A search's whole state as URL query parameters, both ways, so every search can be shared and bookmarked.

Parameters: q, one per facet (e.g. governorate=SY13, repeated or comma-separated: any of these), not_<facet>
(none of these), since, until (YYYY-MM-DD), same_passage=1, sort (relevance or date), page, per_page.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Sequence
from urllib.parse import urlencode

from ..search.facets import FACET_NAMES, InvalidRequest, validate_request
from ..search.model import SearchRequest

DEFAULT_PER_PAGE = 10
_TRUE = ("1", "true", "on", "yes")


def _values(raw: Sequence[str]) -> list[str]:
    return [v.strip() for item in raw for v in item.split(",") if v.strip()]


def _date(name: str, raw: str | None) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise InvalidRequest(f"{name} {raw!r} is not a date: use YYYY-MM-DD") from None


def _number(name: str, raw: str | None, default: int) -> int:
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError:
        raise InvalidRequest(f"{name} must be a whole number, not {raw!r}") from None


def search_request(params) -> SearchRequest:
    """The validated search a URL's query parameters ask for (a Starlette QueryParams or a dict of lists).
    Raises InvalidRequest or QuerySyntaxError with a message for the user."""
    get_list = params.getlist if hasattr(params, "getlist") else (lambda key: list(params.get(key, [])))

    def first(key: str) -> str | None:
        values = get_list(key)
        return values[0] if values else None

    filters = {facet: _values(get_list(facet)) for facet in FACET_NAMES}
    excludes = {facet: _values(get_list(f"not_{facet}")) for facet in FACET_NAMES}
    request = SearchRequest(
        query=(first("q") or "").strip(),
        filters={k: v for k, v in filters.items() if v},
        excludes={k: v for k, v in excludes.items() if v},
        since=_date("since", first("since")),
        until=_date("until", first("until")),
        same_passage=(first("same_passage") or "").lower() in _TRUE,
        sort=first("sort") or "relevance",
        page=_number("page", first("page"), 1),
        per_page=_number("per_page", first("per_page"), DEFAULT_PER_PAGE),
    )
    return validate_request(request)


def query_pairs(request: SearchRequest) -> list[tuple[str, str]]:
    """The query parameters of a request; defaults are left out so URLs stay short."""
    pairs: list[tuple[str, str]] = [("q", request.query)] if request.query else []
    for facet in FACET_NAMES:
        pairs += [(facet, value) for value in request.filters.get(facet, [])]
        pairs += [(f"not_{facet}", value) for value in request.excludes.get(facet, [])]
    if request.since:
        pairs.append(("since", request.since.isoformat()))
    if request.until:
        pairs.append(("until", request.until.isoformat()))
    if request.same_passage:
        pairs.append(("same_passage", "1"))
    if request.sort != "relevance":
        pairs.append(("sort", request.sort))
    if request.page != 1:
        pairs.append(("page", str(request.page)))
    if request.per_page != DEFAULT_PER_PAGE:
        pairs.append(("per_page", str(request.per_page)))
    return pairs


def search_url(request: SearchRequest, path: str = "/search") -> str:
    pairs = query_pairs(request)
    return f"{path}?{urlencode(pairs)}" if pairs else path


def toggled(request: SearchRequest, facet: str, value: str, exclude: bool = False) -> SearchRequest:
    """The request with a facet value switched: selected <-> not selected (or excluded <-> not excluded);
    selecting a value drops its exclusion and the other way round. Back to page 1."""
    filters = {k: list(v) for k, v in request.filters.items()}
    excludes = {k: list(v) for k, v in request.excludes.items()}
    target, other = (excludes, filters) if exclude else (filters, excludes)
    values = target.setdefault(facet, [])
    if value in values:
        values.remove(value)
    else:
        values.append(value)
        if value in other.get(facet, []):
            other[facet].remove(value)
    return replace(request, filters={k: v for k, v in filters.items() if v},
                   excludes={k: v for k, v in excludes.items() if v}, page=1)


def on_page(request: SearchRequest, page: int) -> SearchRequest:
    return replace(request, page=page)
