"""PDF extraction: paragraphs per page with offsets, OCR of scans, refused PDFs and the time limit."""

from __future__ import annotations

import ctypes
import io
import os
import shutil
import subprocess
import time

import pytest

from crawlers.mirror.pdfgen import scanned_pdf, text_pdf
from pipeline.extract import ExtractionError, ExtractLimits, extract
from pipeline.extract.isolation import run_isolated
from pipeline.extract.layout import Line, group_lines, join_lines
from pipeline.extract.passages import clean

LIMITS = ExtractLimits(timeout=60)
URL = "https://levant-rights.example/files/briefing.pdf"

LONG_PARAGRAPH = (
    "Between January and March the Observatory documented repeated shelling of residential areas in the southern "
    "countryside of Idlib, including strikes on a market, two schools and a water station. Residents told our "
    "researchers that warnings were rarely given and that many families had already been displaced more than once "
    "since the start of the conflict."
)
PAGES = [
    ["Shelling in southern Idlib", LONG_PARAGRAPH, "Humanitarian organisations suspended some activities."],
    ["Access to services", "Clinics in Maarrat al-Numan and Ariha reported shortages of medicines and fuel, and "
     "several were forced to close for days at a time."],
    ["Recommendations", "All parties must stop attacks on civilian objects and allow humanitarian access."],
]
SCAN_LINES = ["Armed groups detained civilians in Idlib", "during the reporting period, according",
              "to local monitors.", "", "A second paragraph mentions Raqqa and", "the displacement of families."]


def kind_of(call) -> str:
    with pytest.raises(ExtractionError) as caught:
        call()
    assert str(caught.value), "every refusal needs a message for people"
    return caught.value.kind


def require_tesseract() -> None:
    """OCR tests run wherever tesseract is; on CI its absence is a failure, not a skip."""
    found = shutil.which("tesseract")
    languages = subprocess.run([found, "--list-langs"], capture_output=True, text=True).stdout if found else ""
    if found is None or not {"eng", "ara"} <= set(languages.split()):
        message = "tesseract with eng and ara data is needed: apt-get install tesseract-ocr tesseract-ocr-ara"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def three_pages():
    return extract(text_pdf(PAGES, title="Briefing: southern Idlib"), "application/pdf", URL, LIMITS)


def texts(extraction) -> list[str]:
    return [extraction.passage_text(passage) for passage in extraction.passages]


def test_paragraphs_are_paragraphs_not_lines(three_pages):
    # pdfgen wraps LONG_PARAGRAPH over four lines; it must come back as one passage.
    assert texts(three_pages) == [paragraph for page in PAGES for paragraph in page]
    assert three_pages.extractor == "pdf/pdfium"
    assert three_pages.page_count == 3 and three_pages.ocr_pages == []
    assert three_pages.title == "Briefing: southern Idlib"


def test_page_numbers_paragraph_numbers_and_offsets(three_pages):
    assert [passage.page for passage in three_pages.passages] == [1, 1, 1, 2, 2, 3, 3]
    assert [passage.paragraph for passage in three_pages.passages] == [1, 2, 3, 4, 5, 6, 7]
    assert [passage.idx for passage in three_pages.passages] == list(range(7))
    assert three_pages.text == "\n\n".join(texts(three_pages))
    for passage in three_pages.passages:
        assert three_pages.text[passage.start:passage.end] == three_pages.passage_text(passage)
        assert passage.ocr is False


def test_a_paragraph_cut_by_a_page_break_keeps_its_number():
    pages = [["Intro paragraph.", "Detainees at the facility near the airport were held for weeks and their families"],
             ["were never told where they were held.", "Another paragraph."]]
    extraction = extract(text_pdf(pages), "application/pdf", URL, LIMITS)
    assert [(p.page, p.paragraph) for p in extraction.passages] == [(1, 1), (1, 2), (2, 2), (2, 3)]


def test_running_headers_and_page_numbers_are_dropped():
    findings = [f"The situation in {city} deteriorated during the period covered by this briefing."
                for city in ("Homs", "Hama", "Latakia", "Tartus")]
    pages = [["Levant Rights Observatory - Briefing 2024", finding, f"Page {n} of 4"]
             for n, finding in enumerate(findings, 1)]
    extraction = extract(text_pdf(pages), "application/pdf", URL, LIMITS)
    assert texts(extraction) == findings
    assert [p.page for p in extraction.passages] == [1, 2, 3, 4]


def test_line_end_hyphens_are_joined_sensibly():
    assert join_lines(["the protec-", "tion of civilians"]) == "the protection of civilians"
    assert join_lines(["the city of Deir ez-", "Zor"]) == "the city of Deir ez-Zor"
    assert join_lines(["a self-", "defence group"], {"self-defence"}) == "a self-defence group"
    assert join_lines(["soft\u00ad", "hyphen"]) == "softhyphen"


def test_ligatures_and_arabic_presentation_forms_are_folded():
    assert clean("\ufb01eld", compatibility=True) == "field"
    assert clean("\ufee3\ufeae\ufea3\ufe92\ufe8e", compatibility=True) == "مرحبا"


def test_encrypted_pdf_is_refused():
    from pypdf import PdfReader, PdfWriter  # test dependency

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(text_pdf(PAGES))))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    assert kind_of(lambda: extract(buffer.getvalue(), "application/pdf", URL, LIMITS)) == "encrypted"


def test_truncated_pdf_is_corrupt():
    body = text_pdf(PAGES)
    assert kind_of(lambda: extract(body[: len(body) // 2], "application/pdf", URL, LIMITS)) == "corrupt_pdf"
    assert kind_of(lambda: extract(body[:-30], "application/pdf", URL, LIMITS)) == "corrupt_pdf"
    assert kind_of(lambda: extract(b"%PDF-1.7\nnot really\n%%EOF\n", None, URL, LIMITS)) == "corrupt_pdf"


def test_a_body_that_only_claims_to_be_a_pdf():
    page = b"<!DOCTYPE html><html><body><h1>File not found</h1><p>Sorry.</p></body></html>"
    assert kind_of(lambda: extract(page, "application/pdf", "https://example.org/download?id=4", LIMITS)) == "not_a_pdf"
    assert kind_of(lambda: extract(page, "text/html", URL, LIMITS)) == "not_a_pdf"
    assert kind_of(lambda: extract(b"\x00\x01garbage", "application/octet-stream", URL, LIMITS)) == "not_a_pdf"


def test_too_many_pages():
    limits = ExtractLimits(max_pages=2, timeout=60)
    assert kind_of(lambda: extract(text_pdf(PAGES), "application/pdf", URL, limits)) == "too_many_pages"


def test_too_large():
    limits = ExtractLimits(max_body_bytes=500, timeout=60)
    assert kind_of(lambda: extract(text_pdf(PAGES), "application/pdf", URL, limits)) == "too_large"


def test_a_hanging_parser_is_stopped_on_time_and_the_next_document_still_works():
    started = time.monotonic()
    assert kind_of(lambda: run_isolated(time.sleep, (60,), 0.5)) == "timeout"
    assert time.monotonic() - started < 5
    assert extract(text_pdf(PAGES), "application/pdf", URL, LIMITS).page_count == 3


def test_a_crashing_parser_is_reported_not_fatal():
    assert kind_of(lambda: run_isolated(ctypes.string_at, (0,), 30)) == "crashed"  # reads address 0: SIGSEGV
    assert kind_of(lambda: run_isolated(int, ("not a number",), 30)) == "parser_error"
    assert extract(text_pdf(PAGES), "application/pdf", URL, LIMITS).page_count == 3


def test_missing_tesseract_is_an_error_not_a_silent_skip():
    limits = ExtractLimits(timeout=60, tesseract="/nonexistent/tesseract")
    with pytest.raises(ExtractionError) as caught:
        extract(scanned_pdf(SCAN_LINES), "application/pdf", URL, limits)
    assert caught.value.kind == "ocr_unavailable"
    assert "tesseract-ocr" in str(caught.value)


@pytest.mark.ocr
def test_scanned_page_is_read_by_ocr():
    require_tesseract()
    extraction = extract(scanned_pdf(SCAN_LINES), "application/pdf", URL, LIMITS)
    assert extraction.extractor == "pdf/pdfium+tesseract"
    assert extraction.ocr_pages == [1] and extraction.page_count == 1
    assert texts(extraction) == [
        "Armed groups detained civilians in Idlib during the reporting period, according to local monitors.",
        "A second paragraph mentions Raqqa and the displacement of families.",
    ]
    assert all(passage.ocr and passage.page == 1 for passage in extraction.passages)


@pytest.mark.ocr
def test_only_pages_without_text_are_ocred():
    require_tesseract()
    from pypdf import PdfReader, PdfWriter  # test dependency

    writer = PdfWriter()
    for body in (text_pdf([PAGES[0]]), scanned_pdf(SCAN_LINES)):
        for page in PdfReader(io.BytesIO(body)).pages:
            writer.add_page(page)
    buffer = io.BytesIO()
    writer.write(buffer)
    extraction = extract(buffer.getvalue(), "application/pdf", URL, LIMITS)
    assert extraction.ocr_pages == [2]
    assert [(p.page, p.ocr) for p in extraction.passages] == [(1, False)] * 3 + [(2, True)] * 2
    for passage in extraction.passages:
        assert extraction.text[passage.start:passage.end] == extraction.passage_text(passage)


@pytest.mark.ocr
def test_the_time_limit_covers_ocr():
    require_tesseract()
    limits = ExtractLimits(timeout=0.3)
    assert kind_of(lambda: extract(scanned_pdf(SCAN_LINES), "application/pdf", URL, limits)) == "timeout"


def _lines(rows):
    """Synthetic lines: (text, baseline, size, left, right); y grows downwards."""
    return [Line(text, baseline - size, baseline, left, right) for text, baseline, size, left, right in rows]


def test_layout_finds_headings_items_and_indented_paragraphs():
    lines = _lines([
        ("1. Detention", 60, 16, 56, 200),
        ("Detainees were held at the airport facility for weeks and their families were", 90, 11, 56, 530),
        ("never informed of where they were.", 104, 11, 56, 300),
        ("Lawyers who asked about them were threatened and one was detained himself for", 118, 11, 72, 530),
        ("several days.", 132, 11, 56, 130),
        ("• Denial of visits", 146, 11, 56, 200),
        ("• Payments demanded", 160, 11, 56, 220),
        ("for release", 174, 11, 66, 140),
    ])
    paragraphs = group_lines(lines)
    assert [(p.kind, len(p.lines)) for p in paragraphs] == [("heading", 1), ("p", 2), ("p", 2), ("item", 1),
                                                            ("item", 2)]
