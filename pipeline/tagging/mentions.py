"""The matcher component: every region, group, threat and actor term in a doc, and the cue phrases the rules read."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter
from pathlib import Path

import numpy
from spacy.attrs import IDX, IS_SPACE, LENGTH, NORM, ORTH
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from .gazetteer import Gazetteer, load_gazetteer
from .lexicon import SPLIT, Lexicon, load_lexicon, surface_forms
from .normalize import is_arabic, norm

KINDS = ("region", "group", "threat", "actor")
# A discontinuous phrase ("head ... tail") ends within this many tokens of its head, before any of these words.
SPLIT_WINDOW = 14
CLAUSE_BREAKS = {".", ";", ":", "!", "?", ",", "،", "؛", "(", ")", "dat", "omdat", "nadat", "waar", "dass", "weil",
                 "nachdem", "wo", "als", "wenn", "qui", "que", "ou", "lorsque", "quand", "that", "who", "which", "because",
                 "after", "before", "while", "when", "whose", "where",
                 "ransom", "losgeld", "lösegeld", "rancon"}  # a sum demanded as ransom is abduction, not extortion
# Words that may follow a clause-final particle ("tail$"): coordinators and the next clause's verb-second words.
CLAUSE_ENDS = {"en", "und", "et", "of", "oder", "maar", "aber", "sondern", "-", "–", '"', "'"}


def phrase_keys(tokenizer, texts: list[str], attr: int, words: dict[str, tuple[int, ...]]) -> list[tuple[int, ...]]:
    """The ORTH or NORM hashes of each phrase's tokens, the same as tokenizer(text) gives, for PhraseMatcher.add
    (which takes hash sequences as well as Docs). Each space-separated word is tokenised once (words keeps them):
    the Arabic lexicon's million surface forms share some 140,000 words, and a Doc per phrase cost most of the
    pipeline's start-up."""
    spaced = tuple(rule for rule in tokenizer.rules if " " in rule.strip())  # special cases that span a space
    keys = []
    for text in texts:
        if text != " ".join(text.split()) or any(rule in text for rule in spaced):
            keys.append(tuple(token.norm if attr == NORM else token.orth for token in tokenizer(text)))
            continue
        key: tuple[int, ...] = ()
        for word in text.split(" "):
            hashes = words.get(word)
            if hashes is None:
                hashes = words[word] = tuple(token.norm if attr == NORM else token.orth for token in tokenizer(word))
            key += hashes
        keys.append(key)
    return keys


@dataclass(frozen=True)
class Label:
    """What a matched phrase means: kind, value and the rules that still apply to it."""

    kind: str  # region, group, threat, actor, cue
    value: str | None  # id or p-code; "before>after" for date-dependent actors; None for an unresolved area
    flag: str = ""  # generic ("gunmen", "killed"), country ("Turkey"), person (a place name that is also a name),
    # shared (a place name another place bears too, and not the usual one)


@dataclass(slots=True)
class Mention:
    """One tag candidate: a label on a token span, with character offsets into the doc text."""

    kind: str
    value: str | None
    start: int
    end: int
    start_char: int
    end_char: int
    surface: str
    flag: str = ""
    negated: bool = False
    dropped: str | None = None  # why a rule set it aside (kept for explanations, never tagged)
    sentence: tuple[int, int] | None = None
    epoch: str | None = None
    labels: list = field(default_factory=list)


def _ensure_extensions() -> None:
    for name, default in (("coi_published", None), ("coi_mentions", None), ("coi_cues", None),
                          ("coi_sentences", None), ("coi_epoch", None), ("coi_text", None),
                          ("coi_passages", None), ("coi_shields", None), ("coi_passage_scores", None)):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)


def doc_text(doc: Doc) -> str:
    """The doc's text, built once: spaCy's Doc.text joins a new Token object per word on every call."""
    text = doc._.coi_text
    if text is None:
        text = doc._.coi_text = doc.text
    return text


@lru_cache(maxsize=16)
def cached_lexicon(language: str, lexicon_dir: str | None) -> Lexicon:
    return load_lexicon(language, Path(lexicon_dir) if lexicon_dir else None)


def lexicon_language(nlp: Language) -> str:
    return nlp.lang if nlp.lang in ("en", "ar", "nl", "fr", "de") else "en"


class MentionMatcher:
    """Finds lexicon and gazetteer phrases (on normalised tokens, or exactly as written for "!case" terms)."""

    def __init__(self, nlp: Language, name: str, lexicon_dir: str | None, gazetteer: bool, arabic_names: bool | None):
        _ensure_extensions()
        self.name = name
        self.lexicon = cached_lexicon(lexicon_language(nlp), lexicon_dir)
        self.norm_matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        self.orth_matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.labels: dict[int, Label] = {}
        with_arabic = nlp.lang in ("ar", "xx") if arabic_names is None else arabic_names
        exact: dict[Label, set[str]] = {}
        folded: dict[Label, set[str]] = {}
        # head word -> the head's other words -> tail word -> (label, clause-final, the tail's other words), on
        # NORM hashes, so the words around a head are read from one array (see _split_matches). Heads and tails
        # may be several words ("in Begleitung eines männlichen Verwandten ... verlassen", "zog ... zum Wehrdienst").
        self.split: dict[int, dict[tuple[int, ...], dict[int, list[tuple[Label, bool, tuple[int, ...]]]]]] = {}
        strings = nlp.vocab.strings
        for term in self.lexicon.terms:
            value, _, flag = term.value.partition("@")
            label = Label(term.kind, value, flag)
            if SPLIT in term.text:
                head, _, tail = term.text.partition(SPLIT)
                tail = tail.strip()
                final = tail.endswith("$")  # a separable verb's particle ends its clause ("pakte hem op.")
                head_ids = self._norm_ids(nlp, head.strip())
                tail_ids = self._norm_ids(nlp, tail.removesuffix("$").strip())
                if head_ids and tail_ids:
                    self.split.setdefault(head_ids[0], {}).setdefault(head_ids[1:], {}).setdefault(
                        tail_ids[0], []).append((label, final, tail_ids[1:]))
                continue
            target = exact if term.case_sensitive else folded
            target.setdefault(label, set()).update(surface_forms(term.text, plurals=True) if not term.case_sensitive
                                                   else [term.text])
        self.split_heads = numpy.array(sorted(self.split), dtype=numpy.uint64)
        self.break_ids = {strings.add(word) for word in CLAUSE_BREAKS}
        self.end_ids = self.break_ids | {strings.add(word) for word in CLAUSE_ENDS}  # what may follow a clause
        if gazetteer:
            self._add_places(load_gazetteer(), with_arabic, exact, folded)
        for matcher, table, attr in ((self.norm_matcher, folded, NORM), (self.orth_matcher, exact, ORTH)):
            words: dict[str, tuple[int, ...]] = {}
            for label, texts in table.items():
                key = f"{label.kind}|{label.value}|{label.flag}"
                self.labels[nlp.vocab.strings.add(key)] = label
                matcher.add(key, phrase_keys(nlp.tokenizer, sorted(texts), attr, words))

    def _split_matches(self, doc: Doc) -> list[tuple[int, int, "Label"]]:
        """Discontinuous phrases: a head word, then its tail word within the window and the same clause; the
        mention is the tail word ("werden ... opgepakt", "nahm ... fest")."""
        out = []
        # Heads are rare: find them with a binary search of the sorted head hashes over the doc's NORM hashes,
        # and read the words after them from the same array, without a Token object per word.
        norms = doc.to_array(NORM)
        heads = self.split_heads
        at = numpy.searchsorted(heads, norms)
        at[at == len(heads)] = 0  # past the last head: compared with the first, which it is not either
        found = numpy.flatnonzero(heads[at] == norms).tolist()
        if not found:
            return out
        norms = norms.tolist()
        length, breaks, ends = len(norms), self.break_ids, self.end_ids
        for index in found:
            for head_rest, tails in self.split[norms[index]].items():
                after = index + 1 + len(head_rest)
                if head_rest and tuple(norms[index + 1:after]) != head_rest:
                    continue
                for j in range(after, min(length, after + SPLIT_WINDOW)):
                    word = norms[j]
                    if word in tails:
                        labels = []
                        for label, clause_final, tail_rest in tails[word]:
                            end = j + 1 + len(tail_rest)
                            if tail_rest and tuple(norms[j + 1:end]) != tail_rest:
                                continue
                            if not clause_final or end == length or norms[end] in ends:
                                labels.append((j, end, label))
                        if labels:
                            out.extend(labels)
                            break
                    if word in breaks:
                        break
        return out

    @staticmethod
    def _norm_ids(nlp: Language, text: str) -> tuple[int, ...]:
        """The NORM hashes of a phrase's words, tokenised as the docs are."""
        strings = nlp.vocab.strings
        return tuple(strings.add(norm(token.text)) for token in nlp.tokenizer(text) if not token.is_space)

    @staticmethod
    def _add_places(gazetteer: Gazetteer, with_arabic: bool, exact: dict, folded: dict) -> None:
        for name, place in gazetteer.places.items():
            if is_arabic(name) and not with_arabic:
                continue
            values = place.pcodes or place.candidates or (None,)
            for rank, value in enumerate(values):
                # a name several places share: the first listed is the usual one, the others stand in for it
                # where the document names their governorate (coi_context)
                flag = "person" if place.person_risk else "shared" if rank and not place.pcodes else ""
                label = Label("region", value, flag)
                if place.case_sensitive:
                    exact.setdefault(label, set()).update({name, name.upper()})
                else:
                    folded.setdefault(label, set()).update(surface_forms(name))

    def _found(self, doc: Doc) -> list[tuple[int, int, "Label"]]:
        matches = self.norm_matcher(doc)
        if len(self.orth_matcher):
            matches += self.orth_matcher(doc)
        labels = self.labels
        found: list[tuple[int, int, Label]] = [(start, end, labels[key]) for key, start, end in matches]
        if self.split:
            found.extend(self._split_matches(doc))
        return found

    def _found_across_spaces(self, doc: Doc) -> list[tuple[int, int, "Label"]]:
        """The phrases of a doc whose words may be parted by more than one space, a tab, a no-break space or a line
        break, as hand-wrapped or pasted text has them ("Government\nforces", "Deir  ez-Zor"): matched on the words
        alone and mapped back. A blank line (a paragraph break) still parts them."""
        gaps = doc.to_array(IS_SPACE)
        soft = [i for i in numpy.flatnonzero(gaps).tolist() if doc[i].text.count("\n") < 2]
        if not soft:
            return self._found(doc)
        kept = numpy.ones(len(doc), dtype=bool)
        kept[soft] = False
        keep = numpy.flatnonzero(kept)
        words = Doc(doc.vocab, words=[doc[i].text for i in keep.tolist()])
        return [(int(keep[start]), int(keep[end - 1]) + 1, label) for start, end, label in self._found(words)]

    def __call__(self, doc: Doc) -> Doc:
        found = self._found_across_spaces(doc)
        mentions, cues = resolve_overlaps(found)
        result, shields = [], []
        if mentions:
            text = doc_text(doc)
            # Character offsets from one array rather than a Token object per mention end.
            starts, lengths = doc.to_array(IDX).tolist(), doc.to_array(LENGTH).tolist()
        for start, end, label in mentions:
            if label.value == "none":
                # a phrase that only shields the words inside it ("the fall of the former government"); where a
                # threat is shielded ("fears arrest"), the threat classifier adds none either
                if label.kind == "threat":
                    shields.append(starts[start])
                continue
            start_char, end_char = starts[start], starts[end - 1] + lengths[end - 1]
            result.append(Mention(label.kind, label.value, start, end, start_char, end_char,
                                  text[start_char:end_char], label.flag))
        doc._.coi_mentions = result
        doc._.coi_cues = cues
        doc._.coi_shields = shields
        return doc


RIVALS = {"group": "actor", "actor": "group"}
_SPAN = itemgetter(0, 1)  # a phrase's (start, end)


def resolve_overlaps(found: list[tuple[int, int, Label]]) -> tuple[list[tuple[int, int, Label]], list[tuple[int, int, str]]]:
    """Keep the longest phrase of each kind (threats keep nested phrases with another meaning, unless a shield
    covers them); a group phrase drops an actor inside it and an actor phrase a group inside it ("Druze fighters");
    negation cues inside a tag go.

    Every rule compares phrases that share a word, so the phrases are swept in text order and cut into runs that
    overlap: a phrase alone in its run (most of them) is kept as it is, and only the runs are weighed."""
    found.sort(key=_SPAN)  # stable: phrases on the same words keep the matchers' order
    kept: list[tuple[int, int, Label]] = []
    cues: list[tuple[int, int, str]] = []
    index, count = 0, len(found)
    while index < count:
        match = found[index]
        start, end, label = match
        after = index + 1
        while after < count and found[after][0] < end:
            end = max(end, found[after][1])
            after += 1
        if after == index + 1:
            if label.kind == "cue":
                cues.append((start, end, label.value))
            else:
                kept.append(match)
        else:
            _resolve_run(found[index:after], kept, cues)
        index = after
    cues.sort()
    return kept, cues


def _resolve_run(run: list[tuple[int, int, Label]], kept_out: list, cues_out: list) -> None:
    """The rules of resolve_overlaps on one run of overlapping phrases, longest first (a run is a handful of
    phrases: each is checked against those kept so far); kept phrases are added in text order."""
    run.sort(key=_longest_first)  # stable, like the sort by span before it
    kept: list[tuple[int, int, str, str | None, tuple[int, int, Label]]] = []
    for match in run:
        start, end, label = match
        if label.kind != "cue" and not (kept and _set_aside(start, end, label.kind, label.value, kept)):
            kept.append((start, end, label.kind, label.value, match))
    for start, end, label in run:
        # A negation cue inside a tag is part of it ("denied access to aid", "never seen again").
        if label.kind == "cue" and (label.value != "negation" or not any(s < end and start < e
                                                                         for s, e, _, _, _ in kept)):
            cues_out.append((start, end, label.value))
    kept.sort(key=_SPAN)
    kept_out.extend(match for _, _, _, _, match in kept)


def _set_aside(start: int, end: int, kind: str, value: str | None, kept: list) -> bool:
    """Whether a phrase goes for a longer one kept before it: a phrase of the same kind on its words (or on the
    same words with the same meaning), or a rival phrase around it. A threat goes only inside a threat with
    the same meaning or a shield ("taken to hospital"), as a threat may hold another."""
    rival = RIVALS.get(kind)
    for s, e, k, v, _ in kept:
        if k == kind:
            if kind == "threat":
                if s <= start and end <= e and (v == value or v == "none"):
                    return True
            elif s < end and start < e and (s != start or e != end or v == value):
                return True
        elif k == rival and s <= start and end <= e and (s != start or e != end):
            return True
    return False


def _longest_first(match: tuple[int, int, Label]) -> tuple[int, int]:
    return match[0] - match[1], match[0]
