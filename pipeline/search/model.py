"""What goes into a search index and what a search asks and answers, the same for every backend."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

SORTS = ("relevance", "date")
MAX_PER_PAGE = 100


@dataclass
class IndexDocument:
    """One document as the index sees it: text, metadata and multi-valued facet values (parents included)."""

    doc_id: str
    title: str
    body: str
    url: str
    source: str
    source_name: str = ""
    source_type: str = ""
    doc_type: str = ""
    language: str = ""
    published: date | None = None
    first_seen: str = ""
    epoch: str = ""
    facets: dict[str, list[str]] = field(default_factory=dict)  # governorate, district, group, threat, actor
    copies: list[dict] = field(default_factory=list)  # the same report elsewhere: doc_id, url, source
    # Claims: passages (sentence or paragraph) with the tags named together in them, for "same passage" search.
    passages: list[dict] = field(default_factory=list)  # text, start, end, page, paragraph, level, PASSAGE_FACETS


PASSAGE_FACETS = ("governorate", "district", "group", "threat", "actor")


@dataclass
class SearchRequest:
    query: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)  # facet -> any of these values
    excludes: dict[str, list[str]] = field(default_factory=dict)  # facet -> none of these values
    since: date | None = None
    until: date | None = None
    # True: the filters on PASSAGE_FACETS must all hold in one passage (claim), not anywhere in the document.
    same_passage: bool = False
    sort: str = "relevance"
    page: int = 1
    per_page: int = 10


@dataclass
class FacetValue:
    value: str
    count: int
    label: str = ""
    selected: bool = False
    excluded: bool = False


@dataclass
class Hit:
    doc_id: str
    title: str
    url: str
    source: str
    source_name: str
    source_type: str
    doc_type: str
    language: str
    published: str | None
    epoch: str
    score: float | None
    snippet: str  # plain text; highlights are (start, end) offsets into it
    highlights: list[tuple[int, int]] = field(default_factory=list)
    title_highlights: list[tuple[int, int]] = field(default_factory=list)
    facets: dict[str, list[str]] = field(default_factory=dict)
    copies: list[dict] = field(default_factory=list)


@dataclass
class SearchResponse:
    total: int
    page: int
    per_page: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))
