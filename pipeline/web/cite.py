"""Citations, citation exports and evidence dossiers in the web app and the JSON API."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response

from ..cite.citation import CitationError, build_citation
from ..cite.dossier import build_dossier, dossier_html, dossier_pdf
from ..cite.formats import FORMATS, STYLES, render
from .deps import NotFound, open_store, settings_of
from .params import search_request

router = APIRouter()
MEDIA_TYPES = {"text": "text/plain; charset=utf-8", "ris": "application/x-research-info-systems",
               "bibtex": "application/x-bibtex; charset=utf-8", "csl-json": "application/vnd.citationstyles.csl+json"}
EXTENSIONS = {"text": "txt", "ris": "ris", "bibtex": "bib", "csl-json": "json"}
MAX_EXPORT = 500
# A dossier page is standalone: its own inline styles, no scripts, nothing loaded.
DOSSIER_CSP = ("default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; "
               "frame-ancestors 'none'")


def _choice(name: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise CitationError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")
    return value


def _export(citations, fmt: str, style: str, filename: str, download: bool) -> Response:
    headers = {"content-disposition": f'attachment; filename="{filename}.{EXTENSIONS[fmt]}"'} if download else {}
    return Response(render(citations, fmt, style), media_type=MEDIA_TYPES[fmt], headers=headers)


def _refusal(request: Request, error: CitationError) -> Response:
    message = f"cannot cite: {error}"
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": message}, status_code=422)
    return PlainTextResponse(message, status_code=422)


def _cite(request: Request, doc_id: str, paragraph: int | None, quote: str | None, version: int | None):
    with open_store(request) as store:
        if store.document(doc_id) is None:
            raise NotFound(f"no document {doc_id!r}")
        return build_citation(store, doc_id, paragraph=paragraph, quote=quote or None, version=version,
                              public_url=settings_of(request).public_url)


@router.get("/documents/{doc_id}/cite", include_in_schema=False)
def cite_page(request: Request, doc_id: str, passage: int | None = None, quote: str | None = None,
              version: int | None = None, style: str = "en", format: str = "text"):  # noqa: A002 - URL parameter
    """The citation as plain text (what the copy button copies), or as a RIS, BibTeX or CSL-JSON download."""
    try:
        citation = _cite(request, doc_id, passage, quote, version)
        return _export([citation], _choice("format", format, FORMATS), _choice("style", style, STYLES),
                       citation.key, download=format != "text")
    except CitationError as error:
        return _refusal(request, error)


@router.get("/api/documents/{doc_id}/citation", tags=["api"], summary="A pinpoint citation of a document or passage",
            responses={404: {"description": "no such document"},
                       422: {"description": "no correct citation is possible (e.g. the quote is not in the text)"}})
def api_citation(request: Request, doc_id: str, passage: int | None = Query(None, description="paragraph number (¶)"),
                 quote: str | None = Query(None, description="exact words to quote"),
                 version: int | None = Query(None, description="version number, 1 = first retrieved"),
                 style: str = Query("en", description="en or nl")):
    """The citation's fields (title, authors, dates, pinpoint, version, SHA-256, archived copy) and its text."""
    try:
        citation = _cite(request, doc_id, passage, quote, version)
        return {"citation": citation.to_json(), "text": render([citation], "text", _choice("style", style, STYLES))}
    except CitationError as error:
        return _refusal(request, error)


@router.get("/api/citations", tags=["api"], summary="Export a selection of citations as RIS, BibTeX or CSL-JSON",
            responses={422: {"description": "an item cannot be cited correctly"}})
def api_citations(request: Request,
                  item: list[str] = Query([], description="DOC_ID (the document) or DOC_ID@N (its paragraph N)"),
                  format: str = Query("ris", description="ris, bibtex, csl-json or text"),  # noqa: A002
                  style: str = Query("en", description="en or nl (text only)")):
    """One file with the citations of every selected document or passage, in the order given."""
    try:
        _choice("format", format, FORMATS)
        _choice("style", style, STYLES)
        if not item:
            raise CitationError("select at least one document or passage")
        if len(item) > MAX_EXPORT:
            raise CitationError(f"at most {MAX_EXPORT} citations at once")
        citations = []
        for selected in dict.fromkeys(item):
            doc_id, _, paragraph = selected.partition("@")
            if paragraph and not paragraph.isdigit():
                raise CitationError(f"{selected!r}: a paragraph is a number")
            citations.append(_cite(request, doc_id, int(paragraph) if paragraph else None, None, None))
        return _export(citations, format, style, "citations", download=True)
    except CitationError as error:
        return _refusal(request, error)


@router.get("/dossier", include_in_schema=False)
def dossier(request: Request, format: str = "html", style: str = "en"):  # noqa: A002 - URL parameter
    """The evidence dossier of the search in the query string (the search page's parameters), as HTML or PDF."""
    if format not in ("html", "pdf") or style not in STYLES:
        return PlainTextResponse("format must be html or pdf and style en or nl", status_code=400)
    search = search_request(request.query_params)
    with open_store(request) as store, request.app.state.backends.backend() as backend:
        built = build_dossier(store, backend, search, style=style, public_url=settings_of(request).public_url)
    if format == "pdf":
        return Response(dossier_pdf(built), media_type="application/pdf",
                        headers={"content-disposition": 'attachment; filename="dossier.pdf"'})
    return HTMLResponse(dossier_html(built), headers={"content-security-policy": DOSSIER_CSP})
