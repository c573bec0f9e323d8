"""Cheap sentence boundaries from the text alone (punctuation and line breaks), computed only for docs with tags."""

from __future__ import annotations

import bisect
import re

# A sentence ends at . ! ? ؟ (and closing quotes or brackets) before whitespace and a capital, digit, quote or
# Arabic letter; a line break always ends one. The pattern is "[.!?؟…]+...|\n+\s*" with the first character of
# both branches taken out front: starting with one character class, the regex engine skips to the candidates
# instead of trying each branch at every character. A run of marks ("...", "?!") is read once, from its first mark
# and without backtracking, so a hostile run of thousands costs no more than its length. A footnote number glued to
# the end of a sentence ("were detained.23 Their families") stays with the sentence it closes; after a digit ("at
# 10.30 Government") it is none.
_END = re.compile(r"[.!?؟…\n](?<![.!?؟…][.!?؟…])(?:(?<=[.!?؟…])[.!?؟…]*+[\"'”’»)\]]*+"
                  r"(?:(?<=[^\W\d_][.!?؟…])\[?\d{1,3}\]?|(?<=[.!?؟…][\"'”’»)\]])\[?\d{1,3}\]?)?"
                  r"\s+(?=[\"“‘«(\[]*[A-Z0-9ÀÂÄÇÉÈÊËÎÏÔÖÙÛÜ\u0600-\u06FF])"
                  r"|(?<=\n)\n*\s*)")
_ABBREVIATION = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|St|No|Nr|Gen|Col|Lt|Capt|Maj|Brig|Sgt|Prof|approx|e\.g|i\.e|etc|cf|vol|para|paras|art|Art|"
    r"pp?|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|U\.N|U\.S|U\.K|bzw|z\.B|vgl|ca|Nr|resp|blz|o\.a|d\.w\.z|"
    r"Mme|Mlle|M)|\b[A-Z])\.$")
# A German date writes the day as an ordinal ("am 6. Dezember 2024"): that full stop ends no sentence.
_ORDINAL_DAY = re.compile(r"(?<!\d)\d{1,2}\.$")
_GERMAN_MONTH = re.compile(r"(?:Januar|Jänner|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|"
                           r"Dezember)\b")


def sentence_starts(text: str) -> list[int]:
    """Character offsets where sentences start (the first is 0)."""
    starts = [0]
    for match in _END.finditer(text):
        end = match.start()
        # Only a full stop can end an abbreviation.
        if text[end] == "." and (_ABBREVIATION.search(text, max(0, end - 12), end + 1) or (
                _ORDINAL_DAY.search(text, max(0, end - 3), end + 1) and _GERMAN_MONTH.match(text, match.end()))):
            continue
        starts.append(match.end())
    return starts


def sentence_span(starts: list[int], text_length: int, char: int) -> tuple[int, int]:
    """[start, end) of the sentence holding the character at char, trailing whitespace excluded."""
    index = bisect.bisect_right(starts, char) - 1
    start = starts[index]
    end = starts[index + 1] if index + 1 < len(starts) else text_length
    return start, end


def sentence_text(text: str, span: tuple[int, int]) -> tuple[str, int, int]:
    """The sentence text without surrounding whitespace, and its exact offsets."""
    start, end = span
    raw = text[start:end]
    stripped = raw.strip()
    offset = start + (len(raw) - len(raw.lstrip()))
    return stripped, offset, offset + len(stripped)
