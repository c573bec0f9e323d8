"""The language of a text as an ISO 639-1 code, by py3langid's bundled model restricted to the languages we meet."""

from __future__ import annotations

import re
from functools import cache

# Languages of Syria, of its neighbours and of the agencies and asylum authorities that write about it. Leaving the
# model's other ~130 languages out stops short paragraphs being called Latin, Occitan or Luxembourgish.
LANGUAGES = ("en", "ar", "nl", "fr", "de", "tr", "ku", "es", "ru", "fa", "it", "pt", "sv", "da", "no", "fi", "el",
             "he", "hy", "uk", "pl", "ps", "ur", "ro", "hu", "cs", "bg", "sr", "hr", "zh")
MIN_LETTERS = 12  # below this a guess is noise
_SAMPLE = 20_000  # characters read from each of the start, middle and end of a long text
_NOISE = re.compile(r"https?://\S+|www\.\S+|\S+@\S+|[\d٠-٩۰-۹]+|[_#*|=<>\[\]{}]+")


@cache
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(LANGUAGES)
    return identifier


def _sample(text: str) -> str:
    if len(text) <= 3 * _SAMPLE:
        return text
    middle = len(text) // 2
    return " ".join((text[:_SAMPLE], text[middle - _SAMPLE // 2:middle + _SAMPLE // 2], text[-_SAMPLE:]))


def detect_language(text: str | None) -> tuple[str | None, float]:
    """(ISO 639-1 code, confidence in [0, 1]); (None, 0.0) when the text has too few letters to tell."""
    cleaned = _NOISE.sub(" ", _sample(text or ""))
    if sum(char.isalpha() for char in cleaned) < MIN_LETTERS:
        return None, 0.0
    code, score = _identifier().classify(cleaned)
    return code, round(min(max(float(score), 0.0), 1.0), 4)
