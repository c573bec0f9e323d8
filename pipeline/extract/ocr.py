"""Pages that are only pictures: render with pdfium and read with the tesseract binary, one page at a time."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess

from .errors import ExtractionError
from .layout import Line

DPI = 300
_MAX_PIXELS = 60_000_000  # a poster-sized page would otherwise render to gigabytes
_DEBIAN_PACKAGES = "tesseract-ocr tesseract-ocr-eng tesseract-ocr-ara"


def tesseract_binary(command: str) -> str:
    """The tesseract path, or "ocr_unavailable" telling how to install it."""
    found = shutil.which(command)
    if found is None:
        raise ExtractionError("ocr_unavailable", f"a page has no text layer and needs OCR, but {command!r} was not "
                                                 f"found: install tesseract (apt-get install {_DEBIAN_PACKAGES})")
    return found


def render(page) -> bytes:
    """The page as a greyscale PGM image at DPI (less for huge pages)."""
    width, height = page.get_size()
    scale = DPI / 72
    if width * height * scale * scale > _MAX_PIXELS:
        scale = (_MAX_PIXELS / (width * height)) ** 0.5
    image = page.render(scale=scale, grayscale=True).to_pil()
    buffer = io.BytesIO()
    image.save(buffer, format="PPM")  # uncompressed: cheaper to write than PNG, and tesseract reads it
    return buffer.getvalue()


def run_tesseract(image: bytes, languages: str, timeout: float, command: str, page_number: int) -> str:
    """Tesseract's TSV output (words with block, paragraph and line numbers) for one image."""
    binary = tesseract_binary(command)
    # One thread per page: tesseract's OpenMP threads cost more than they save on a single page.
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        result = subprocess.run([binary, "stdin", "stdout", "-l", languages, "--dpi", str(DPI), "tsv"],
                                input=image, capture_output=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        raise ExtractionError("timeout", f"OCR of page {page_number} took longer than {timeout:g} s") from None
    stderr = result.stderr.decode("utf-8", "replace")
    if result.returncode != 0:
        if "Failed loading language" in stderr or "Could not initialize tesseract" in stderr:
            raise ExtractionError("ocr_unavailable", f"tesseract lacks the language data for {languages!r}: install "
                                                     f"the tesseract-ocr-<language> packages ({_DEBIAN_PACKAGES})")
        last = stderr.strip().splitlines()[-1:] or ["no message"]
        raise ExtractionError("ocr_failed", f"tesseract failed on page {page_number}: {last[0]}")
    return result.stdout.decode("utf-8", "replace")


def tsv_paragraphs(tsv: str) -> list[list[Line]]:
    """Tesseract's own paragraphs, each a list of lines with their word boxes merged."""
    lines: dict[tuple[int, int, int], Line] = {}
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        word = (row.get("text") or "").strip()
        if row.get("level") != "5" or not word:
            continue
        key = (int(row["block_num"]), int(row["par_num"]), int(row["line_num"]))
        left, top = float(row["left"]), float(row["top"])
        right, bottom = left + float(row["width"]), top + float(row["height"])
        line = lines.get(key)
        if line is None:
            lines[key] = Line(word, top, bottom, left, right)
        else:
            line.text += " " + word
            line.top, line.bottom = min(line.top, top), max(line.bottom, bottom)
            line.left, line.right = min(line.left, left), max(line.right, right)
    paragraphs: dict[tuple[int, int], list[Line]] = {}
    for (block, paragraph, _line), line in lines.items():
        paragraphs.setdefault((block, paragraph), []).append(line)
    return list(paragraphs.values())


def ocr_page(page, page_number: int, languages: str, timeout: float, command: str) -> list[list[Line]]:
    """The paragraphs tesseract reads on one rendered page."""
    tesseract_binary(command)  # fail before the rendering work when there is no tesseract at all
    return tsv_paragraphs(run_tesseract(render(page), languages, timeout, command, page_number))
