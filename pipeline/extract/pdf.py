"""PDFs to blocks of text with pypdfium2: paragraphs per page from the text layer, OCR for pages without one."""

from __future__ import annotations

import ctypes
import re
from collections import Counter
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from .errors import ExtractionError
from .layout import (Line, Paragraph, compounds, ends_open, group_lines, is_page_number, join_lines,
                     measure)
from .limits import ExtractLimits
from .ocr import ocr_page
from .passages import Block

_EOF_WINDOW = 64 * 1024  # a complete PDF ends with %%EOF; some servers append a little junk after it
_MIN_TEXT_CHARS = 16  # fewer visible characters than this on a page with images: it is a scan
_SURROGATES = re.compile("[\ud800-\udfff]")
# What word processors put in the Title field when nobody filled it in.
_PLACEHOLDER_TITLE = re.compile(r"^(?:microsoft (?:word|powerpoint) - |untitled\b|title\s*$)|\.(?:docx?|pdf|indd|qxp)$", re.I)


@dataclass
class PdfText:
    blocks: list[Block]
    title: str | None
    page_count: int
    ocr_pages: list[int]


def open_pdf(body: bytes) -> pdfium.PdfDocument:
    """A loaded document, or "corrupt_pdf" / "encrypted" saying why not."""
    if b"%%EOF" not in body[-_EOF_WINDOW:]:
        raise ExtractionError("corrupt_pdf", "the PDF is truncated: it does not end with %%EOF")
    try:
        return pdfium.PdfDocument(body)
    except pdfium.PdfiumError as error:
        if error.err_code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            raise ExtractionError("encrypted", "the PDF is encrypted with a password (or a security handler "
                                               "pdfium does not support)") from None
        raise ExtractionError("corrupt_pdf", f"the PDF cannot be read: {error}") from None


def _page_text(textpage, count: int) -> str:
    text = textpage.get_text_range(0, count)
    if len(text) != count:
        # Characters outside the BMP take two UTF-16 units, so rebuild the text one character per index.
        text = "".join(chr(min(pdfium_c.FPDFText_GetUnicode(textpage.raw, i), 0x10FFFF)) for i in range(count))
    return _SURROGATES.sub("\ufffd", text)


def _origin_y(textpage, index: int, default: float) -> float:
    x, y = ctypes.c_double(), ctypes.c_double()
    if pdfium_c.FPDFText_GetCharOrigin(textpage.raw, index, ctypes.byref(x), ctypes.byref(y)):
        return y.value
    return default


def text_lines(textpage, page_height: float) -> list[Line]:
    """The text layer's lines, as pdfium breaks them, with the box of their first and last characters."""
    count = textpage.count_chars()
    if count <= 0:
        return []
    text = _page_text(textpage, count)
    lines = []
    for match in re.finditer(r"[^\r\n]+", text):
        line = match.group(0)
        if not line.strip():
            continue
        start = match.start() + len(line) - len(line.lstrip())
        last = match.start() + len(line.rstrip()) - 1
        # Measure a letter or digit: a bullet or dash often comes from a symbol font with other metrics.
        measured = next((i for i in range(start, last + 1) if text[i].isalnum()), start)
        _left, bottom, _right, top = textpage.get_charbox(measured, loose=True)
        size = pdfium_c.FPDFText_GetFontSize(textpage.raw, measured)
        if not 0.5 < size / max(top - bottom, 0.1) < 2:
            size = top - bottom  # a size in unscaled text space: the glyph box is the better measure
        # The baseline, not the glyph box: boxes of different fonts on one line differ by their descent.
        baseline = _origin_y(textpage, measured, bottom)
        left, right = textpage.get_charbox(start, loose=True)[0], textpage.get_charbox(last, loose=True)[2]
        bold = pdfium_c.FPDFText_GetFontWeight(textpage.raw, measured) >= 600
        lines.append(Line(line.strip(), page_height - baseline - size, page_height - baseline, min(left, right),
                          max(left, right), bold))
    return lines


def _has_images(page) -> bool:
    return any(True for _ in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=3))


def _repeated_furniture(pages: list[list[Line]]) -> set[str]:
    """Running headers and footers: first or last lines that recur (digits aside) on most pages."""
    if len(pages) < 4:
        return set()
    seen = Counter()
    for lines in pages:
        edges = {_shape(line.text) for line in lines[:2] + lines[-2:]}
        seen.update(edges)
    return {shape for shape, count in seen.items() if count > len(pages) / 2}


def _shape(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


def _title(document) -> str | None:
    try:
        title = document.get_metadata_value("Title")
    except (pdfium.PdfiumError, KeyError):
        return None
    title = title.strip()
    if not title or _PLACEHOLDER_TITLE.search(title):
        return None
    return title


def extract_pdf(body: bytes, limits: ExtractLimits) -> PdfText:
    """Blocks for every page of a PDF, 1-based page numbers, OCR where a page is only a picture."""
    document = open_pdf(body)
    try:
        page_count = len(document)
        if page_count > limits.max_pages:
            raise ExtractionError("too_many_pages", f"the PDF has {page_count} pages, more than the limit of "
                                                    f"{limits.max_pages}")
        if page_count == 0:
            raise ExtractionError("corrupt_pdf", "the PDF has no pages")
        pages: list[list[Line] | list[Paragraph]] = []
        ocr_pages: list[int] = []
        for index in range(page_count):
            try:
                page = document[index]
            except pdfium.PdfiumError as error:
                raise ExtractionError("corrupt_pdf", f"page {index + 1} of the PDF cannot be read: {error}") from None
            try:
                textpage = page.get_textpage()
                lines = text_lines(textpage, page.get_height())
                textpage.close()
                if sum(len(line.text) for line in lines) < _MIN_TEXT_CHARS and _has_images(page):
                    ocr_pages.append(index + 1)
                    pages.append([Paragraph(lines) for lines in ocr_page(page, index + 1, limits.ocr_languages,
                                                                         limits.ocr_timeout, limits.tesseract)])
                else:
                    pages.append(lines)
            finally:
                page.close()
        title = _title(document)
    finally:
        document.close()
    return PdfText(_blocks(pages, ocr_pages), title, page_count, ocr_pages)


def _blocks(pages: list, ocr_pages: list[int]) -> list[Block]:
    ocr_pages = set(ocr_pages)
    text_pages = [lines for number, lines in enumerate(pages, 1) if number not in ocr_pages]
    furniture = _repeated_furniture(text_pages)
    keep_hyphenated = compounds([line.text for lines in text_pages for line in lines])
    layout = measure(text_pages)
    blocks: list[Block] = []
    for number, content in enumerate(pages, 1):
        ocr = number in ocr_pages
        if ocr:
            paragraphs = content
        else:
            edges = set(range(min(2, len(content)))) | set(range(max(0, len(content) - 2), len(content)))
            paragraphs = group_lines([line for i, line in enumerate(content)
                                      if i not in edges or _shape(line.text) not in furniture], layout)
        first_on_page = True
        for paragraph in paragraphs:
            text = join_lines([line.text for line in paragraph.lines], keep_hyphenated)
            if not text or is_page_number(text):
                continue
            # A paragraph cut by the page break keeps its paragraph number on the next page.
            continues = (first_on_page and bool(blocks) and blocks[-1].page == number - 1 and blocks[-1].kind == "p"
                         and paragraph.kind == "p" and ends_open(blocks[-1].text) and text[0].islower())
            blocks.append(Block(text, paragraph.kind, number, ocr, continues))
            first_on_page = False
    return blocks
