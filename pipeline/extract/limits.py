"""The limits one extraction runs under, taken from the pipeline settings."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ExtractLimits:
    """Size, page and time limits for one document, and how to OCR pages that are only pictures."""

    max_body_bytes: int = 50 * 1024 * 1024
    max_pages: int = 1500
    timeout: float = 300.0  # seconds for the whole document, OCR included
    ocr_languages: str = "eng+ara"
    ocr_timeout: float = 120.0  # seconds for one page
    tesseract: str = "tesseract"  # the binary, looked up on PATH unless a path is given

    @classmethod
    def from_settings(cls, settings) -> ExtractLimits:
        return cls(
            max_body_bytes=settings.max_body_bytes,
            max_pages=settings.max_pdf_pages,
            timeout=float(settings.extract_timeout),
            ocr_languages=settings.ocr_languages,
            ocr_timeout=float(settings.ocr_timeout),
        )
