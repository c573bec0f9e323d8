"""Blocks of text found by an extractor, cleaned and laid end to end into an Extraction with offsets."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from pipeline.store.records import Extraction, Passage

SEPARATOR = "\n\n"

# Invisible characters that would split words for search and citation: controls, soft hyphens,
# zero-width spaces, byte-order marks and bidi controls. ZWNJ and ZWJ stay: Persian and Kurdish spelling needs them.
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069"
                        "\ufeff\ufffe\uffff]")


@dataclass
class Block:
    """One paragraph, heading, list item or table row as an extractor found it."""

    text: str
    kind: str = "p"  # p, heading, item, cell (a table row, its cells separated by " | ")
    page: int | None = None
    ocr: bool = False
    continues: bool = False  # the rest of the previous block's paragraph, cut by a page break


def clean(text: str, compatibility: bool = False) -> str:
    """Normalise Unicode and whitespace; compatibility folds PDF ligatures and Arabic presentation forms."""
    text = unicodedata.normalize("NFKC" if compatibility else "NFC", text)
    text = _INVISIBLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def assemble(blocks: list[Block], extractor: str, *, title: str | None = None, page_count: int | None = None,
             ocr_pages: list[int] | None = None, compatibility: bool = False) -> Extraction:
    """Join cleaned blocks with blank lines; each non-empty block becomes one Passage pointing into the text."""
    parts: list[str] = []
    passages: list[Passage] = []
    offset, paragraph = 0, 0
    for block in blocks:
        text = clean(block.text, compatibility)
        if not text:
            continue
        if parts:
            offset += len(SEPARATOR)
        if not (block.continues and passages):
            paragraph += 1
        passages.append(Passage(idx=len(passages), paragraph=paragraph, start=offset, end=offset + len(text),
                                page=block.page, kind=block.kind, ocr=block.ocr))
        parts.append(text)
        offset += len(text)
    return Extraction(text=SEPARATOR.join(parts), passages=passages, extractor=extractor, page_count=page_count,
                      ocr_pages=sorted(ocr_pages or []), title=_one_line(title))


def _one_line(title: str | None) -> str | None:
    title = " ".join(clean(title or "").split())[:500]
    return title or None
