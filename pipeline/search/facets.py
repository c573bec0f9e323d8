"""The facets every backend offers (index_config/facets.json) and the checks that turn a user's request into a valid one."""

from __future__ import annotations

import difflib
import re
from dataclasses import replace
from functools import lru_cache

from ..taxonomy import Taxonomy, load_taxonomy
from .config import load_index_config
from .model import MAX_PER_PAGE, PASSAGE_FACETS, SORTS, FacetValue, SearchRequest
from .query import parse_query

_CONFIG = load_index_config("facets")
FACETS: list[dict] = _CONFIG["facets"]
FACET_NAMES: tuple[str, ...] = tuple(f["name"] for f in FACETS)
FACET_SIZE: int = _CONFIG["facet_size"]
TAXONOMY_FACETS = ("governorate", "district", "group", "threat", "actor", "epoch")
MULTI_VALUED = ("governorate", "district", "group", "threat", "actor")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")


class InvalidRequest(ValueError):
    """A search request the user must correct; the message says how."""


@lru_cache(maxsize=None)
def _facet(name: str) -> dict:
    for facet in FACETS:
        if facet["name"] == name:
            return facet
    raise InvalidRequest(f"unknown facet {name!r}; facets are: {', '.join(FACET_NAMES)}")


def facet_label(name: str) -> str:
    return _facet(name)["label"]


def _check_value(name: str, value: str, taxonomy: Taxonomy) -> str:
    facet = _facet(name)
    kind = facet["values"]
    if kind == "open":
        return value
    if kind == "language":
        if not _LANGUAGE.match(value.lower()):
            raise InvalidRequest(f"unknown language {value!r}: use a two-letter code such as en, ar, nl, fr, de")
        return value.lower()
    if name in ("governorate", "district"):
        pcode = taxonomy.resolve_region(value)
        level = "admin1" if name == "governorate" else "admin2"
        if pcode is None or taxonomy.regions[pcode].level != level:
            hint = "a p-code SY01..SY14 or a governorate name" if name == "governorate" else "a district p-code such as SY0203 or a district name"
            raise InvalidRequest(f"unknown {name} {value!r}: use {hint}")
        return pcode
    known = taxonomy.ids(name) if kind == "taxonomy" else kind
    if value in known:
        return value
    close = difflib.get_close_matches(value, known, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else f"; known values: {', '.join(known)}"
    raise InvalidRequest(f"unknown {name} {value!r}{hint}")


def validate_request(request: SearchRequest, taxonomy: Taxonomy | None = None) -> SearchRequest:
    """Check a request and return it with values normalised (region names to p-codes); raises on anything wrong."""
    taxonomy = taxonomy or load_taxonomy()
    parse_query(request.query)  # raises QuerySyntaxError on a malformed query
    checked = {}
    for field_name in ("filters", "excludes"):
        values = {}
        for name, wanted in getattr(request, field_name).items():
            _facet(name)
            if wanted:
                values[name] = sorted({_check_value(name, v, taxonomy) for v in wanted})
        checked[field_name] = values
    if request.since and request.until and request.since > request.until:
        raise InvalidRequest(f"impossible date range: since {request.since} is after until {request.until}")
    if request.sort not in SORTS:
        raise InvalidRequest(f"unknown sort {request.sort!r}: use {' or '.join(SORTS)}")
    if request.page < 1:
        raise InvalidRequest("page numbers start at 1")
    if not 1 <= request.per_page <= MAX_PER_PAGE:
        raise InvalidRequest(f"results per page must be between 1 and {MAX_PER_PAGE}")
    return replace(request, **checked)


def passage_filters(request: SearchRequest) -> dict[str, list[str]]:
    """With "same passage" on: the wanted values per passage facet, which must all hold in one passage."""
    if not request.same_passage:
        return {}
    return {facet: request.filters[facet] for facet in PASSAGE_FACETS if request.filters.get(facet)}


def value_label(facet: str, value: str, taxonomy: Taxonomy) -> str:
    return taxonomy.label(facet, value) if facet in TAXONOMY_FACETS else value


def facet_values(facet: str, request: SearchRequest, counts: dict[str, int], taxonomy: Taxonomy,
                 labels: dict[str, str] | None = None) -> list[FacetValue]:
    """One facet's values as every backend reports them: counted ones plus every selected or excluded value,
    most frequent first, at most FACET_SIZE (selected and excluded values are always kept). Labels come from the
    taxonomy, or for open facets such as source from `labels` (the source's name)."""
    wanted, unwanted = set(request.filters.get(facet, ())), set(request.excludes.get(facet, ()))

    def label_of(value: str) -> str:
        return (labels or {}).get(value) or value_label(facet, value, taxonomy)

    values = [FacetValue(value=value, count=count, label=label_of(value),
                         selected=value in wanted, excluded=value in unwanted)
              for value, count in counts.items() if count or value in wanted or value in unwanted]
    for value in (wanted | unwanted) - set(counts):
        values.append(FacetValue(value=value, count=0, label=label_of(value),
                                 selected=value in wanted, excluded=value in unwanted))
    values.sort(key=lambda v: (-v.count, v.value))
    return values[:FACET_SIZE] + [v for v in values[FACET_SIZE:] if v.selected or v.excluded]
