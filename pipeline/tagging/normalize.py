"""Token normalisation shared by the lexicons and the text: case, accents, apostrophes and Arabic spelling variants."""

from __future__ import annotations

import re
import unicodedata

# Arabic letters that writers use interchangeably (ta marbuta/ha, alif maqsura/ya) and the kashida, which only
# stretches a word; hamza carriers and diacritics are removed by the NFKD step below.
_FOLD = str.maketrans({
    "ة": "ه", "ى": "ي", "ک": "ك", "ی": "ي", "ٱ": "ا", "ـ": None,
    "'": None, "’": None, "‘": None, "`": None, "ʿ": None, "ʾ": None, "´": None,
    "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-",
    # invisible characters that copying from PDFs and web pages leaves inside words: soft hyphen, zero-width space,
    # (non-)joiner, word joiner, byte-order mark ("arres\u00adted", "Al\u200beppo", a BOM before the first word)
    "\u00ad": None, "\u200b": None, "\u200c": None, "\u200d": None, "\u2060": None, "\ufeff": None,
})
ARABIC = re.compile(r"[\u0600-\u06FF]")


def norm(text: str) -> str:
    """The matching form of one token: casefolded, without accents, diacritics, hamza seats or apostrophes."""
    folded = text.casefold()
    if folded.endswith(("اً", "ًا")) and len(folded) > 3:
        folded = folded[:-2]  # the indefinite accusative (tanwin) of a noun: طبيباً is طبيب
    if not folded.isascii():
        folded = "".join(c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c))
    folded = folded.translate(_FOLD)
    return folded or text.casefold()


def is_arabic(text: str) -> bool:
    return ARABIC.search(text) is not None
