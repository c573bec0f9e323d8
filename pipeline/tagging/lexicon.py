"""Read the per-language lexicon files: terms for groups, threats and actors, cue phrases and context word lists."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path

from .normalize import is_arabic, norm

DATA_DIR = Path(__file__).parent / "data"
LEXICON_DIR = DATA_DIR / "lexicons"
LANGUAGES = ("en", "ar", "nl", "fr", "de")
FACETS = ("group", "threat", "actor")
# Sections whose terms are phrases for the matcher; every other section is a list of single words.
PHRASE_SECTIONS = (*FACETS, "cue")

# Arabic attaches conjunctions and prepositions to the next word (و، ف، ب، ل، ك), and ل + ال is written لل.
ARABIC_PREFIXES = ("", "و", "ف", "ب", "ل", "ك", "وب", "ول", "فب", "فل", "وك", "بال")
_BRACES = re.compile(r"\{([^{}]*)\}")
# German adjectives take -e, -en, -er, -es or -em by case and gender ("sexuelle Gewalt", "Opfer sexueller Gewalt").
GERMAN_ADJECTIVE_ENDINGS = ("e", "en", "er", "es", "em")
# A phrase "head ... tail" is discontinuous: the tail word within a short window after the head word, in the same
# clause (Dutch and German separable verbs "pakte hem op", "nahm ihn fest"; auxiliary + participle "werden ...
# meegenomen"). The mention is the tail word, so a negation right before it still applies.
SPLIT = " ... "
# Arabic verbs: a [verb:threat:id] section lists the past tense (third person masculine singular, undotted); the
# code writes the other persons of the past (active and passive look alike without diacritics) and the present.
ARABIC_PAST_SUFFIXES = ("", "ت", "وا", "ا", "تا")
ARABIC_PRESENT_PREFIXES = ("ي", "ت")
ARABIC_PRESENT_SUFFIXES = ("", "ون", "ان", "ن")


class LexiconError(ValueError):
    """A lexicon or gazetteer file that cannot be read: the message names the file and line."""


@dataclass(frozen=True)
class Term:
    """One phrase the matcher looks for, and what it means."""

    text: str
    kind: str  # group, threat, actor, cue
    value: str  # an id; for date-dependent actors "before>after"; for cues the cue name
    case_sensitive: bool = False


@dataclass
class Lexicon:
    terms: list[Term] = field(default_factory=list)
    words: dict[str, set[str]] = field(default_factory=dict)  # section name -> normalised words

    def extend(self, other: "Lexicon") -> None:
        self.terms.extend(other.terms)
        for name, words in other.words.items():
            self.words.setdefault(name, set()).update(words)

    def word_set(self, name: str) -> set[str]:
        return self.words.get(name, set())


def norm_phrase(text: str) -> str:
    """A phrase's matching form: each word normalised, hyphens read as spaces."""
    return " ".join(norm(text).replace("-", " ").split())


def expand_braces(pattern: str) -> list[str]:
    """'detain{,s,ed}' -> ['detain', 'detains', 'detained']; several groups multiply."""
    parts = _BRACES.split(pattern)
    literals, choices = parts[0::2], [p.split(",") for p in parts[1::2]]
    out = []
    for combo in itertools.product(*choices):
        text = literals[0] + "".join(c + lit for c, lit in zip(combo, literals[1:]))
        out.append(" ".join(text.split()))
    return out


def arabic_forms(term: str) -> list[str]:
    """A term with the prefixes Arabic attaches to its first word (ل + ال becomes لل)."""
    first, _, rest = term.partition(" ")
    forms = []
    for prefix in ARABIC_PREFIXES:
        if prefix.endswith("ل") and first.startswith("ال"):
            word = prefix + first[1:]  # لل / ولل / فلل
        elif prefix == "بال" and first.startswith("ال"):
            continue
        else:
            word = prefix + first
        forms.append(f"{word} {rest}".strip())
    return forms


def arabic_endings(term: str) -> list[str]:
    """The last word bare, with the accusative alif written without its tanwin, and with a pronoun suffix
    (ta marbuta is written ت before it, and the silent alif of a plural verb is dropped: قتلوا -> قتلوه)."""
    head, _, last = term.rpartition(" ")
    stem = last[:-1] + "ت" if last.endswith("ة") else last[:-1] if last.endswith("وا") else last
    # Normalised, ة is ه: "his" (ـه) on a participle or a nisba adjective would read its feminine (مسلحه = مسلحة,
    # حقوقيه = حقوقية), which is a common word of its own, while "his armed" is not; those take ـها and ـهم only.
    feminine_clash = not last.endswith("ة") and (last.endswith("ي") or last.startswith("م"))
    suffixes = ("ها", "هم") if feminine_clash else ("ه", "ها", "هم")
    endings = [last] + ([last + "ا"] if last[-1] not in "اةىيء" else []) + [stem + s for s in suffixes]
    return [f"{head} {ending}".strip() for ending in endings]


def arabic_verb_forms(past: str) -> list[str]:
    """An Arabic verb's past tense (اعتقل) -> its persons of the past (اعتقلت، اعتقلوا) and of the present (يعتقل،
    تعتقل، يعتقلون): the present drops the alif of derived forms (اعتقل -> يعتقل, أعدم -> يعدم); a verb whose past
    ends in a weak letter is listed as written, with its past forms only. Only the first word is conjugated."""
    first, _, rest = past.partition(" ")
    forms = [first + s for s in ARABIC_PAST_SUFFIXES] if first[-1] not in "اىي" else [first]
    if first[-1] not in "اىيو":
        stem = first[1:] if first[0] in "اأإآ" else first
        forms += [p + stem + s for p in ARABIC_PRESENT_PREFIXES for s in ARABIC_PRESENT_SUFFIXES]
    return [f"{form} {rest}".strip() for form in dict.fromkeys(forms)]


def german_adjective_forms(term: str) -> list[str]:
    """A German phrase that opens with an inflected adjective (lower case, ending in -e) in every case ending:
    'sexuelle Gewalt' -> 'sexuellen Gewalt', 'sexueller Gewalt', ...; nouns are capitalised, so they stay as written."""
    first, _, rest = term.partition(" ")
    if not rest or not first.endswith("e") or len(first) < 4 or not first[:1].islower():
        return [term]
    return [f"{first[:-1]}{ending} {rest}" for ending in GERMAN_ADJECTIVE_ENDINGS]


def arabic_plural_cases(term: str) -> list[str]:
    """The sound masculine plural in both cases: a word ending in ين also as ون and the other way round
    (المتخلفين عن الخدمة / المتخلفون عن الخدمة, عناصر سابقين / عناصر سابقون); at most two such words per term."""
    words = term.split()
    options = [[w, w[:-2] + ("ون" if w.endswith("ين") else "ين")] if len(w) > 4 and w.endswith(("ين", "ون")) else [w]
               for w in words]
    if sum(len(o) > 1 for o in options) > 2:
        return [term]
    return [" ".join(combo) for combo in itertools.product(*options)]


def surface_forms(term: str, plurals: bool = False) -> list[str]:
    """The spellings one listed term is matched in: hyphens optional, Arabic prefixes attached (and for lexicon
    terms, plurals=True, the other case of a sound masculine plural)."""
    forms = [term]
    if "-" in term:
        forms.append(" ".join(term.replace("-", " ").split()))
    if plurals and is_arabic(term):
        forms = [f for form in forms for f in arabic_plural_cases(form)]
    if is_arabic(term):
        forms = [f for form in forms for ending in arabic_endings(form) for f in arabic_forms(ending)]
    return list(dict.fromkeys(forms))


def parse_lexicon(path: Path, german: bool = False) -> Lexicon:
    """One lexicon file; german=True also lists the other case endings of a phrase's opening adjective."""
    lexicon = Lexicon()
    section: tuple[str, str] | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.split("#", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
        if not line:
            continue
        if line.startswith("["):
            if not line.endswith("]") or ":" not in line:
                raise LexiconError(f"{path.name}:{number}: a section is [kind:value], not {line!r}")
            kind, value = (p.strip() for p in line[1:-1].split(":", 1))
            section = (kind, value)
            continue
        if section is None:
            raise LexiconError(f"{path.name}:{number}: a term before any [kind:value] section")
        kind, value = section
        if kind == "verb":  # [verb:threat:id]: Arabic past tenses, conjugated
            kind, value = (p.strip() for p in value.split(":", 1))
            for item in (i.strip() for i in line.split("|")):
                for text in (t for i in expand_braces(item) if i for t in arabic_verb_forms(i)):
                    lexicon.terms.append(Term(text, kind, value))
            continue
        for item in (i.strip() for i in line.split("|")):
            if not item:
                continue
            case_sensitive = item.endswith("!case")
            item = item.removesuffix("!case").strip()
            if "{" in item and "}" not in item:
                raise LexiconError(f"{path.name}:{number}: unclosed brace in {item!r}")
            for text in expand_braces(item):
                if kind in PHRASE_SECTIONS and german and SPLIT not in text:
                    lexicon.terms.extend(Term(form, kind, value, case_sensitive) for form in german_adjective_forms(text))
                elif kind in PHRASE_SECTIONS:
                    lexicon.terms.append(Term(text, kind, value, case_sensitive))
                else:
                    lexicon.words.setdefault(f"{kind}:{value}", set()).add(norm_phrase(text))
    return lexicon


def load_lexicon(language: str, lexicon_dir: Path | None = None) -> Lexicon:
    """The lexicon for one language: the language's own file plus the shared names (acronyms, organisations)."""
    directory = lexicon_dir or LEXICON_DIR
    lexicon = parse_lexicon(directory / "common.txt")
    own = directory / f"{language}.txt"
    lexicon.extend(parse_lexicon(own if own.exists() else directory / "en.txt", german=language == "de" and own.exists()))
    return lexicon
