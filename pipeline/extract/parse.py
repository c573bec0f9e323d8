"""The extraction itself, in the calling process: body, content type, URL and limits in, an Extraction out."""

from __future__ import annotations

import re

from pipeline.store.records import Extraction

from .decode import decode_text
from .errors import ExtractionError
from .html import extract_html
from .limits import ExtractLimits
from .passages import Block, assemble
from .pdf import extract_pdf
from .sniff import HTML, PDF, sniff


def check_size(body: bytes, limits: ExtractLimits) -> None:
    if len(body) > limits.max_body_bytes:
        raise ExtractionError("too_large", f"the body is {len(body):,} bytes, more than the limit of "
                                           f"{limits.max_body_bytes:,}")


def plain_text_blocks(text: str) -> list[Block]:
    return [Block(paragraph) for paragraph in re.split(r"\n\s*\n", text)]


def parse(body: bytes, content_type: str | None, url: str | None, limits: ExtractLimits) -> Extraction:
    """Extract one document without a time limit; extract() runs this in a child process that it can kill."""
    check_size(body, limits)
    kind = sniff(body, content_type, url)
    if kind == PDF:
        pdf = extract_pdf(body, limits)
        extractor = "pdf/pdfium+tesseract" if pdf.ocr_pages else "pdf/pdfium"
        extraction = assemble(pdf.blocks, extractor, title=pdf.title, page_count=pdf.page_count,
                              ocr_pages=pdf.ocr_pages, compatibility=True)
        what = "the PDF has no text layer and no scanned pages to OCR"
    elif kind == HTML:
        blocks, title, extractor = extract_html(body, content_type, url)
        extraction = assemble(blocks, extractor, title=title)
        what = "the page has no main text"
    else:
        extraction = assemble(plain_text_blocks(decode_text(body, content_type)), "text/plain")
        what = "the text is blank"
    if not extraction.passages:
        raise ExtractionError("empty", what)
    return extraction
