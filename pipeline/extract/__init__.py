"""Text and passages from a crawled body (HTML, PDF, scanned PDF), parsed in a child process under a time limit."""

from __future__ import annotations

from pipeline.store.records import Extraction

from .errors import ExtractionError
from .isolation import run_isolated
from .limits import ExtractLimits
from .parse import check_size, parse

__all__ = ["ExtractLimits", "ExtractionError", "extract", "parse"]


def extract(body: bytes, content_type: str | None, url: str, limits: ExtractLimits) -> Extraction:
    """The Extraction of one body; raises ExtractionError (with .kind) when it cannot be had within the limits."""
    check_size(body, limits)  # before copying a huge body to the child
    return run_isolated(parse, (body, content_type, url, limits), limits.timeout)
