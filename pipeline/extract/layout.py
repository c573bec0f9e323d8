"""Lines with their boxes to paragraphs: vertical gaps, font changes, indents and bullets start a new one."""

from __future__ import annotations

import re
from dataclasses import dataclass
from statistics import median

# y grows downwards here (as in images); PDF coordinates are flipped before they reach this module.


@dataclass
class Line:
    text: str
    top: float
    bottom: float
    left: float
    right: float
    bold: bool = False

    @property
    def height(self) -> float:
        return max(self.bottom - self.top, 0.1)

    @property
    def width(self) -> float:
        return max(self.right - self.left, 0.0)


@dataclass
class Paragraph:
    lines: list[Line]
    kind: str = "p"


_BULLET = re.compile(r"^\s*(?:[•●▪■◦‣∙·*\-–—]|\(?\d{1,2}[.)]|\(?[a-z][.)]|\(?[ivx]{1,4}[.)])\s+\S", re.I)
_SENTENCE_END = re.compile(r"[.!?:;؟۔\"”»)\]]\s*$")
_HYPHENS = "-\u2010\u00ad\x02"
_SOFT_HYPHENS = "\u00ad\x02"
_COMPOUND = re.compile(r"\b\w+-\w+\b")
_PAGE_NUMBER = re.compile(
    r"^\s*[-–—]?\s*(?:(?:page|p\.|seite|pagina|صفحة)?\s*[\d٠-٩]{1,4}(?:\s*(?:of|/|von|van|sur|من)\s*[\d٠-٩]{1,4})?"
    r"|(?=[ivxlc])c{0,3}(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3}))\s*[-–—]?\s*$", re.I)


def is_page_number(text: str) -> bool:
    return bool(_PAGE_NUMBER.match(text))


def compounds(texts: list[str]) -> set[str]:
    """Hyphenated words written mid-line, so a line-end hyphen in one of them is kept rather than joined away."""
    return {match.group(0).lower() for text in texts for match in _COMPOUND.finditer(text)}


def join_lines(texts: list[str], keep_hyphenated: set[str] | None = None) -> str:
    """Lines of one paragraph as one string; "protec-" + "tion" becomes "protection", "ez-" + "Zor" stays "ez-Zor"."""
    joined = ""
    for text in (text.strip() for text in texts):
        if not text:
            continue
        if joined and joined[-1] in _HYPHENS and len(joined) > 1 and joined[-2].isalpha() and text[0].islower():
            head = joined[:-1]
            if joined[-1] in _SOFT_HYPHENS:
                joined = head + text
            else:
                last_word = re.split(r"\s", head)[-1]
                next_word = re.split(r"\s", text)[0]
                keep = keep_hyphenated and f"{last_word}-{next_word}".lower().strip(".,;:") in keep_hyphenated
                joined = (joined if keep else head) + text
        elif joined and joined[-1] in _HYPHENS and len(joined) > 1 and joined[-2].isalpha():
            joined += text  # "Deir ez-" + "Zor": a hyphenated name, the hyphen stays and no space comes in
        elif joined:
            joined = f"{joined.rstrip(_SOFT_HYPHENS)} {text}"
        else:
            joined = text
    return joined.rstrip(_SOFT_HYPHENS)


def _mode(values: list[float]) -> float:
    counts: dict[int, int] = {}
    for value in values:
        counts[round(value)] = counts.get(round(value), 0) + 1
    return float(max(counts, key=lambda key: (counts[key], -key)))


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


@dataclass(frozen=True)
class Measure:
    """A document's usual line advance (in line heights) and full line width, taken over all its pages."""

    spacing: float
    full_width: float


def measure(pages: list[list[Line]]) -> Measure:
    # The lower quartile, not the median: on short pages the gaps between paragraphs are many of the advances.
    ratios = [(cur.bottom - prev.bottom) / prev.height for lines in pages for prev, cur in zip(lines, lines[1:])
              if 0.5 < (cur.bottom - prev.bottom) / prev.height < 3]
    widths = [line.width for lines in pages for line in lines]
    return Measure(_percentile(ratios, 0.25) if ratios else 1.2, _percentile(widths, 0.9) if widths else 0.0)


def group_lines(lines: list[Line], layout: Measure | None = None) -> list[Paragraph]:
    """Paragraphs of one page's lines, in their reading order; layout is measure() of the whole document."""
    lines = [line for line in lines if line.text.strip()]
    if not lines:
        return []
    layout = layout or measure([lines])
    body_height = median(line.height for line in lines)
    pitch = layout.spacing * body_height
    margin = _mode([line.left for line in lines])
    full_width = layout.full_width

    paragraphs = [Paragraph([lines[0]])]
    for prev, cur in zip(lines, lines[1:]):
        advance = cur.bottom - prev.bottom
        indented = cur.left > margin + 0.8 * body_height and prev.left < margin + 0.3 * body_height
        ends_sentence = bool(_SENTENCE_END.search(prev.text))
        new_paragraph = (
            advance < 0.5 * body_height  # same baseline (a table or columns) or back up the page (next column)
            or advance > 1.3 * pitch + 0.1 * body_height  # a blank line's worth of space
            or abs(cur.height - prev.height) > 0.2 * max(cur.height, prev.height)  # another font size
            or cur.bold != prev.bold
            or bool(_BULLET.match(cur.text))
            or (indented and ends_sentence)
            or (ends_sentence and prev.width < 0.75 * full_width)  # a short last line
        )
        if new_paragraph:
            paragraphs.append(Paragraph([cur]))
        else:
            paragraphs[-1].lines.append(cur)

    for paragraph in paragraphs:
        first = paragraph.lines[0]
        short = len(paragraph.lines) <= 3 and sum(len(line.text) for line in paragraph.lines) < 200
        if short and first.height > 1.15 * body_height:
            paragraph.kind = "heading"  # before bullets: "1. Introduction" in a large font is a heading
        elif _BULLET.match(first.text):
            paragraph.kind = "item"
        elif short and all(line.bold for line in paragraph.lines) and not first.text.rstrip().endswith("."):
            paragraph.kind = "heading"
    return paragraphs


def ends_open(text: str) -> bool:
    """True when a paragraph stops mid-sentence, as one cut by a page break does."""
    return bool(text) and not _SENTENCE_END.search(text)
