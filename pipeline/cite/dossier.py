"""Evidence dossiers: every passage that supports one claim (a search), quoted with its citation, by source and date."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from ..search.backend import SearchBackend
from ..search.facets import value_label
from ..search.model import PASSAGE_FACETS, SearchRequest
from ..store import Store
from ..tagging.claims import Claim, claims_for
from ..taxonomy import load_taxonomy
from .citation import Citation, CitationError, build_citation
from .formats import as_text, date_text, isolate, source_line

TEMPLATES = Path(__file__).parent / "templates"
MAX_DOCUMENTS = 500
_WORD = re.compile(r"\w+", re.UNICODE)
_QUERY_WORDS = {"or", "and", "not"}


@dataclass
class Evidence:
    citation: Citation
    text: str  # the citation's style, one block
    epoch: str | None


@dataclass
class SourceGroup:
    name: str
    description: str
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class Dossier:
    question: list[tuple[str, str]]  # (what, value) pairs: the query and each filter, in words
    generated: str
    documents: int
    sources: int
    epochs: list[str]
    groups: list[SourceGroup]
    style: str
    undated: int  # documents without a publication date (no epoch is claimed for them)
    skipped: list[str] = field(default_factory=list)  # documents that could not be cited correctly, with why

    @property
    def passages(self) -> int:
        return sum(len(g.evidence) for g in self.groups)


def _matches(claim: Claim, filters: dict[str, list[str]]) -> bool:
    have = {"governorate": claim.governorates, "district": claim.districts, "group": claim.groups,
            "threat": claim.threats, "actor": claim.actors}
    return all(set(wanted) & set(have[facet]) for facet, wanted in filters.items())


def _query_words(query: str) -> set[str]:
    return {w.lower().rstrip("*") for w in _WORD.findall(query) if w.lower() not in _QUERY_WORDS}


def supporting_claims(store: Store, doc_id: str, request: SearchRequest) -> list[Claim]:
    """The passages of a document that support the question: claims holding every region, group, threat and actor
    filter (sentences first; paragraphs when no sentence holds them all), narrowed to those naming a query word."""
    filters = {f: request.filters[f] for f in PASSAGE_FACETS if request.filters.get(f)}
    words = _query_words(request.query)
    for level in ("sentence", "paragraph"):
        claims = [c for c in claims_for(store, doc_id, level=level) if _matches(c, filters)]
        if words:
            named = [c for c in claims if words & {w.lower() for w in _WORD.findall(c.text)}]
            claims = named or ([] if not filters else claims)
        if claims:
            return claims
    return []


def matching_documents(backend: SearchBackend, request: SearchRequest) -> list[str]:
    """Every document the search finds (passage filters within one passage), oldest first, at most MAX_DOCUMENTS."""
    wanted = replace(request, same_passage=any(request.filters.get(f) for f in PASSAGE_FACETS), sort="date",
                     page=1, per_page=100)
    found: list[str] = []
    while len(found) < MAX_DOCUMENTS:
        response = backend.search(wanted)
        found += [hit.doc_id for hit in response.hits]
        if wanted.page >= response.pages or not response.hits:
            break
        wanted = replace(wanted, page=wanted.page + 1)
    return list(dict.fromkeys(found))[:MAX_DOCUMENTS]


def _full_date(parts: tuple[int, ...]) -> str | None:
    return "{:04d}-{:02d}-{:02d}".format(*parts) if len(parts) == 3 else None


def describe_question(request: SearchRequest) -> list[tuple[str, str]]:
    taxonomy = load_taxonomy()
    question = [("query", request.query)] if request.query else []
    for facet, values in sorted(request.filters.items()):
        question.append((facet, ", ".join(value_label(facet, v, taxonomy) for v in values)))
    for facet, values in sorted(request.excludes.items()):
        question.append((f"not {facet}", ", ".join(value_label(facet, v, taxonomy) for v in values)))
    if request.since:
        question.append(("since", request.since.isoformat()))
    if request.until:
        question.append(("until", request.until.isoformat()))
    return question


def build_dossier(store: Store, backend: SearchBackend, request: SearchRequest, *, style: str = "en",
                  public_url: str = "", now: datetime | None = None) -> Dossier:
    """Gather and cite every supporting passage of the documents the search finds."""
    taxonomy = load_taxonomy()
    groups: dict[str, SourceGroup] = {}
    skipped, epochs, documents, undated = [], set(), set(), set()
    for doc_id in matching_documents(backend, request):
        for claim in supporting_claims(store, doc_id, request):
            try:
                citation = build_citation(store, doc_id, quote=claim.text, public_url=public_url)
            except CitationError as error:
                skipped.append(f"{doc_id}: {error}")
                break
            # An undated report's epoch would be the tagger's guess: say "undated" rather than a wrong period.
            epoch = (claim.epoch or taxonomy.epoch_for(_full_date(citation.published))) if citation.published else None
            if not citation.published:
                undated.add(doc_id)
            group = groups.setdefault(" / ".join(citation.authors),
                                      SourceGroup(" / ".join(citation.authors), source_line(citation, style)))
            group.evidence.append(Evidence(citation, as_text(citation, style, quote=False), epoch))
            documents.add(doc_id)
            if epoch:
                epochs.add(epoch)
    for group in groups.values():
        # By publication date, undated last; within a document in text order.
        group.evidence.sort(key=lambda e: (not e.citation.published, e.citation.published, e.citation.doc_id,
                                           e.citation.paragraphs))
    ordered = sorted(groups.values(), key=lambda g: g.name.lower())
    return Dossier(describe_question(request), (now or datetime.now(timezone.utc)).strftime("%Y-%m-%d %H:%M UTC"),
                   len(documents), len(groups), sorted(epochs), ordered, style, len(undated), skipped)


def _environment() -> Environment:
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"], default=True),
                              trim_blocks=True, lstrip_blocks=True)
    environment.filters.update(date_text=date_text, isolate=isolate)
    environment.globals["epoch_label"] = lambda epoch: load_taxonomy().label("epoch", epoch)
    return environment


def dossier_html(dossier: Dossier) -> str:
    """A standalone HTML page (no scripts, no external resources) with the front page and the evidence."""
    return _environment().get_template("dossier.html").render(dossier=dossier)


def _refuse_fetch(url: str, timeout: int = 10, ssl_context=None):
    raise ValueError(f"the dossier loads nothing from outside: {url}")


def dossier_pdf(dossier: Dossier) -> bytes:
    """The dossier as PDF, laid out by WeasyPrint from the same HTML; it fetches no URL (crawled text is hostile)."""
    from weasyprint import HTML

    return HTML(string=dossier_html(dossier), url_fetcher=_refuse_fetch).write_pdf()
