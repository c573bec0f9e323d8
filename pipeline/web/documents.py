"""The document page and the archived copies of its versions (served as attachments, never rendered)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from .deps import NotFound, open_store
from .document_view import document_view

router = APIRouter(include_in_schema=False)
# Types a browser shows without running anything in them; everything else is sent as opaque bytes.
INERT_TYPES = {"application/pdf": "pdf", "text/plain": "txt"}
ARCHIVE_CSP = "sandbox; default-src 'none'"


@router.get("/documents/{doc_id}")
def document_page(request: Request, doc_id: str):
    with open_store(request) as store:
        document = document_view(store, doc_id)
    if document is None:
        raise NotFound(f"no document {doc_id!r}")
    return request.app.state.templates.TemplateResponse(request, "document.html", {"document": document})


@router.get("/documents/{doc_id}/archive/{sha256}")
def archived_copy(request: Request, doc_id: str, sha256: str) -> Response:
    """One archived version's bytes as a download: a crawled HTML page never runs in our origin."""
    with open_store(request) as store:
        version = next((v for v in store.versions(doc_id) if v["sha256"] == sha256), None)
        if version is None:
            raise NotFound(f"document {doc_id!r} has no archived version {sha256!r}")
        body = store.body(sha256)
    content_type = (version["content_type"] or "").split(";")[0].strip().lower()
    extension = INERT_TYPES.get(content_type, "bin" if not content_type.startswith("text/html") else "html.txt")
    media_type = content_type if content_type in INERT_TYPES else "application/octet-stream"
    return Response(body, media_type=media_type, headers={
        "content-disposition": f'attachment; filename="{doc_id}-{sha256[:12]}.{extension}"',
        "content-security-policy": ARCHIVE_CSP,
        "x-content-type-options": "nosniff",
        "cache-control": "private, max-age=86400",
    })
