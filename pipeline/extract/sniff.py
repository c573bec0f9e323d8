"""What a body is: the bytes decide first, the content type and URL suffix second."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from .errors import ExtractionError

PDF, HTML, TEXT = "pdf", "html", "text"

# Signatures of formats we do not read, so they are refused by name instead of parsed as a broken page.
_SIGNATURES = [
    (b"\x89PNG\r\n\x1a\n", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive (DOCX, XLSX, ODT or similar)"), (b"\xd0\xcf\x11\xe0", "an old Office document"),
    (b"{\\rtf", "an RTF document"), (b"\x1f\x8b", "a gzip archive"), (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"), (b"ID3", "an MP3 file"), (b"OggS", "an Ogg file"),
    (b"RIFF", "a RIFF media file"), (b"II*\x00", "a TIFF image"), (b"MM\x00*", "a TIFF image"),
]
_PDF_TYPES = {"application/pdf", "application/x-pdf", "application/acrobat", "applications/vnd.pdf", "text/pdf"}
_HTML_TYPES = {"text/html", "application/xhtml+xml"}
_TEXT_TYPES = {"text/plain"}
_UNSUPPORTED_SUFFIXES = {".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".odt", ".ods", ".rtf", ".zip", ".rar",
                         ".7z", ".gz", ".png", ".jpg", ".jpeg", ".gif", ".tif", ".tiff", ".mp3", ".mp4", ".epub"}
_HTML_START = re.compile(
    rb"^\s*(?:<!doctype\s+html|<html|<head|<body|<!--|<meta|<title|<\?xml[^>]*>\s*<(?:!doctype|html))", re.I)
_HTML_TAG = re.compile(rb"<(?:html|body|p|div|h[1-6]|article|table|br)\b", re.I)


def media_type(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def url_suffix(url: str | None) -> str:
    path = urlsplit(url or "").path.lower()
    name = path.rsplit("/", 1)[-1]
    return "." + name.rsplit(".", 1)[-1] if "." in name else ""


def looks_like_html(body: bytes) -> bool:
    head = body[:4096].lstrip(b"\xef\xbb\xbf")
    return bool(_HTML_START.match(head) or _HTML_TAG.search(head))


def sniff(body: bytes, content_type: str | None, url: str | None) -> str:
    """PDF, HTML or TEXT; raises "empty", "not_a_pdf" or "unsupported_type" for anything else."""
    if not body.strip():
        raise ExtractionError("empty", "the body is empty")
    if b"%PDF-" in body[:1024]:  # readers accept the header anywhere in the first kilobyte
        return PDF
    mtype, suffix = media_type(content_type), url_suffix(url)
    if mtype in _PDF_TYPES or suffix == ".pdf":
        found = "an HTML page" if looks_like_html(body) else "no PDF header"
        claim = f"content type {mtype}" if mtype in _PDF_TYPES else "a .pdf URL"
        raise ExtractionError("not_a_pdf", f"the body claims to be a PDF ({claim}) but is {found}")
    for signature, name in _SIGNATURES:
        if body.startswith(signature):
            raise ExtractionError("unsupported_type", f"the body is {name}, which we do not extract")
    if mtype in _HTML_TYPES or looks_like_html(body):
        return HTML
    if mtype in _TEXT_TYPES or suffix == ".txt":
        return TEXT
    if suffix in _UNSUPPORTED_SUFFIXES or (mtype and not mtype.startswith("text/") and mtype not in
                                           ("application/octet-stream", "binary/octet-stream")):
        raise ExtractionError("unsupported_type", f"{mtype or suffix} is not a type we extract (HTML, PDF, text)")
    return HTML  # an untyped body that may still be a page: the HTML path decides (or calls it undecodable)
