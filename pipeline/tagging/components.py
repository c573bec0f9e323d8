"""The tagger's spaCy pieces, registered as factories with typed configuration (see config.cfg)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Callable, Optional

from pydantic import PositiveInt
from spacy.attrs import NORM
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex, registry

from ..taxonomy import iso_day, load_taxonomy
from .mentions import MentionMatcher, cached_lexicon, lexicon_language
from .normalize import norm
from .rules import apply_context, apply_dating, apply_implications, apply_negation, assign_sentences
from .tag_verifier import MODEL_PATH as VERIFIER_PATH
from .tag_verifier import KINDS as VERIFIER_KINDS
from .tag_verifier import Verifier, load_verifier, verify
from .passage_model import MODEL_PATHS, PassageModel, add_model_tags, load_model

# Hyphens and apostrophes inside words are split off in every language, so "Aleppo-based", "ar-Raqqa" and
# "Aleppo's" meet the lexicon as separate tokens whatever the language's own tokenizer does with them.
_HYPHEN_INFIX = r"(?<=[\w'’])[-‐‑–](?=[\w])"
_POSSESSIVE_SUFFIXES = (r"(?<=\w)['’][sS]$", r"(?<=\w)['’]$")
# Footnote numbers that PDF text leaves glued to a word ("were detained.23", "besieged Madaya,14", "tortured.[12]",
# "said.”4", "detained23") are split off, so the word before them still meets the lexicon. A number after a digit
# ("1,400", "10.30") is left whole.
_FOOTNOTE_SUFFIXES = (r"(?<=[^\W\d_][.,;:!?])\[?\d{1,3}\]?", r"(?<=[.,;:!?][\"'”’»)\]])\[?\d{1,3}\]?",
                      r"(?<=[a-zà-ÿ]{3})\d{1,3}")
# A full stop after a combining mark (an Arabic word ending in a vowel sign or tanween: "قسرياً.", "ركاماً.") is split
# off as it is after a letter; the languages' own rules split it only after two letters, so a vocalised word kept
# its stop ("حَلَب.", "اعتُقِل.": a mark, then a letter).
_MARKS = r"\u0300-\u036f\u064b-\u065f\u0670"
_MARK_SUFFIXES = (rf"(?<=[{_MARKS}])\.", rf"(?<=[{_MARKS}][^\W\d_])\.")
# A full stop after a closing quote or bracket is split off (then the quote itself): Arabic's own rules left
# «الأمن العام». and (الأمن العام). whole, so the last word of every quotation or bracket before a stop was lost.
_CLOSING_STOP_SUFFIXES = (r"(?<=[»\"”’')\]])\.",)


@registry.tokenizers("coi.tokenizer.v1")
def create_tokenizer(split_hyphens: bool = True, split_possessives: bool = True,
                     split_footnotes: bool = True) -> Callable[[Language], Tokenizer]:
    """The language's own tokenizer, with hyphens between letters, possessive 's and glued footnote numbers split
    off."""

    def make_tokenizer(nlp: Language) -> Tokenizer:
        defaults = nlp.Defaults
        infixes = list(defaults.infixes or []) + ([_HYPHEN_INFIX] if split_hyphens else [])
        suffixes = list(defaults.suffixes or []) + (list(_POSSESSIVE_SUFFIXES) if split_possessives else []) \
            + (list(_FOOTNOTE_SUFFIXES) if split_footnotes else []) + list(_MARK_SUFFIXES) \
            + list(_CLOSING_STOP_SUFFIXES)
        prefixes = defaults.prefixes or []
        return Tokenizer(
            nlp.vocab,
            rules=defaults.tokenizer_exceptions,
            prefix_search=compile_prefix_regex(prefixes).search if prefixes else None,
            suffix_search=compile_suffix_regex(suffixes).search if suffixes else None,
            infix_finditer=compile_infix_regex(infixes).finditer if infixes else None,
            token_match=defaults.token_match,
            url_match=defaults.url_match,
        )

    return make_tokenizer


@Language.factory("coi_normalizer", default_config={"fold_arabic": True})
def create_normalizer(nlp: Language, name: str, fold_arabic: bool) -> Callable[[Doc], Doc]:
    """Sets every word type's NORM once (case, accents, apostrophes, Arabic spelling variants); the matchers
    compare NORMs, so this costs nothing per token."""
    getter = norm if fold_arabic else (lambda text: text.casefold())
    nlp.vocab.lex_attr_getters[NORM] = getter
    for lexeme in nlp.vocab:
        lexeme.norm_ = getter(lexeme.orth_)

    def normalizer(doc: Doc) -> Doc:
        return doc

    return normalizer


@Language.factory("coi_mentions", default_config={"lexicon_dir": None, "gazetteer": True, "arabic_names": None})
def create_mentions(nlp: Language, name: str, lexicon_dir: Optional[str], gazetteer: bool,
                    arabic_names: Optional[bool]) -> MentionMatcher:
    """Region, group, threat and actor phrases from the lexicons and the gazetteer."""
    return MentionMatcher(nlp, name, lexicon_dir, gazetteer, arabic_names)


class ContextRules:
    def __init__(self, nlp: Language, lexicon_dir: Optional[str], metonymy: bool, person_names: bool,
                 affiliation: bool, deaths_by_attack: bool, abduction_by_armed_men: bool, members: dict[str, str],
                 likely_members: dict[str, str], areas: dict[str, dict[str, str]] | None = None):
        self.words = cached_lexicon(lexicon_language(nlp), lexicon_dir).words
        self.options = dict(metonymy=metonymy, person_names=person_names, affiliation=affiliation,
                            deaths_by_attack=deaths_by_attack, abduction_by_armed_men=abduction_by_armed_men,
                            members=members, likely_members=likely_members,
                            areas={actor: {pcode: iso_day(day) for pcode, day in held.items()}
                                   for actor, held in (areas or {}).items()})

    def __call__(self, doc: Doc) -> Doc:
        if doc._.coi_mentions:
            assign_sentences(doc)
            apply_context(doc, self.words, **self.options)
        return doc


@Language.factory("coi_context", default_config={"lexicon_dir": None, "metonymy": True, "person_names": True,
                                                 "affiliation": True, "deaths_by_attack": True,
                                                 "abduction_by_armed_men": True, "members": {},
                                                 "likely_members": {}, "areas": {}})
def create_context(nlp: Language, name: str, lexicon_dir: Optional[str], metonymy: bool, person_names: bool,
                   affiliation: bool, deaths_by_attack: bool, abduction_by_armed_men: bool,
                   members: dict[str, str], likely_members: dict[str, str],
                   areas: dict[str, dict[str, str]]) -> ContextRules:
    """Sentences for the evidence, then the disambiguation rules: "Aleppo-based", "the Damascus government",
    place names that are people's names, "gunmen affiliated with ...", deaths counted under an attack, and
    hospitals, schools or markets named where nothing happens to them, and people taken by unnamed gunmen.
    `members` (actor id -> group id) makes an actor named as someone's former employer a group: "former members
    of the security branches", "accused of collaborating with the SDF"; `likely_members` makes the members of an
    armed group named as such ("two Asayish members") its affiliates too, for the verifier to read. `areas` (actor
    id -> {p-code: the first day it held the place, YYYY-MM-DD}) gives the area an armed group holds: a common noun
    for it ("a local faction", flag "area") and the military police there are that group's."""
    entries = load_taxonomy().entries
    unknown = [f"{k} -> {v}" for pairs in (members, likely_members) for k, v in pairs.items()
               if k not in entries["actor"] or v not in entries["group"]]
    unknown += [f"areas: {k}" for k in areas if k not in entries["actor"]]
    unknown += [f"areas: {k} -> {p}: {d}" for k, held in areas.items() for p, d in held.items() if iso_day(str(d)) is None]
    if unknown:
        raise ValueError(f"coi_context: unknown actor or group id or a bad date: {', '.join(unknown)}")
    return ContextRules(nlp, lexicon_dir, metonymy, person_names, affiliation, deaths_by_attack,
                        abduction_by_armed_men, dict(members), dict(likely_members),
                        {k: dict(v) for k, v in areas.items()})


class NegationRule:
    def __init__(self, nlp: Language, lexicon_dir: Optional[str], max_gap: int):
        lexicon = cached_lexicon(lexicon_language(nlp), lexicon_dir)
        self.bridge = lexicon.word_set("words:negation_bridge") | {",", "،"}
        self.never = {v.replace(" ", "_") for v in lexicon.word_set("words:never_negated")}
        self.max_gap = max_gap
        self.telling = (lexicon.word_set("words:telling_verbs"), lexicon.word_set("words:presupposing_determiners"))
        self.denials = lexicon.word_set("words:denial_verbs")

    def __call__(self, doc: Doc) -> Doc:
        if doc._.coi_mentions:
            apply_negation(doc, self.bridge, self.max_gap, self.never, self.telling, self.denials)
        return doc


@Language.factory("coi_negation", default_config={"lexicon_dir": None, "max_gap": 6})
def create_negation(nlp: Language, name: str, lexicon_dir: Optional[str], max_gap: PositiveInt) -> NegationRule:
    """Acts under a negation ("no reports of arrests", "denied torturing") are marked negated."""
    if max_gap < 1:
        raise ValueError(f"coi_negation: max_gap must be at least 1, not {max_gap}")
    return NegationRule(nlp, lexicon_dir, max_gap)


class ImpliedGroups:
    def __init__(self, implied: dict[str, str], on_return: set[str], words: dict[str, set[str]],
                 likely: dict[str, str] | None = None, likely_actors: dict[str, str] | None = None):
        self.implied = implied
        self.on_return = on_return
        self.words = words
        self.likely = likely or {}
        self.likely_actors = likely_actors or {}

    def __call__(self, doc: Doc) -> Doc:
        if doc._.coi_mentions and (self.implied or self.on_return or self.likely or self.likely_actors):
            apply_implications(doc, self.implied, self.on_return, self.words, self.likely, self.likely_actors)
        return doc


@Language.factory("coi_implied", default_config={"groups": {}, "likely_groups": {}, "likely_actors": {},
                                                 "on_return": [], "lexicon_dir": None})
def create_implied(nlp: Language, name: str, groups: dict[str, str], likely_groups: dict[str, str],
                   likely_actors: dict[str, str], on_return: list[str], lexicon_dir: Optional[str]) -> ImpliedGroups:
    """Groups an act implies (threat id -> group id), tagged on the act's words when the act is not negated: the
    `groups` an act names by definition (they stand or fall with the act), and the `likely_groups` it usually names
    (the verifier reads those in their passage), and the `likely_actors` it usually has where its passage names
    none (threat id -> actor id, or a dated pair "before>after" as the lexicons write it). And the acts
    (`on_return`) that are ill-treatment on return when done to people named as having come back from abroad
    ([words:return_stems]) in a sentence naming the border or the country ([words:abroad_stems])."""
    entries = load_taxonomy().entries
    unknown = [f"{k} -> {v}" for pairs in (groups, likely_groups) for k, v in pairs.items()
               if k not in entries["threat"] or v not in entries["group"]]
    unknown += [f"{k} -> {v}" for k, v in likely_actors.items()
                if k not in entries["threat"] or not set(v.split(">")) <= set(entries["actor"])]
    unknown += [act for act in on_return if act not in entries["threat"]]
    if unknown:
        raise ValueError(f"coi_implied: unknown threat or group id in {', '.join(unknown)}")
    words = cached_lexicon(lexicon_language(nlp), lexicon_dir).words if on_return else {}
    return ImpliedGroups(dict(groups), set(on_return), words, dict(likely_groups), dict(likely_actors))


class PassageModelStep:
    def __init__(self, model: PassageModel | None, threshold: float, kind: str, min_words: int):
        self.model = model
        self.threshold = threshold
        self.kind = kind
        self.min_words = min_words

    def __call__(self, doc: Doc) -> Doc:
        if self.model is not None and self.threshold < 1.0:  # 1.0 turns the step off
            add_model_tags(doc, self.model, self.threshold, self.kind, self.min_words)
        return doc


def _passage_model(kind: str, name: str, threshold: float, model_path: Optional[str],
                   min_words: int) -> PassageModelStep:
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"{name}: threshold must be in (0, 1], not {threshold}")
    path = Path(model_path) if model_path else MODEL_PATHS[kind]
    if model_path and not path.exists():
        raise ValueError(f"{name}: no model file at {path}")
    return PassageModelStep(load_model(path), threshold, kind, min_words)


@Language.factory("coi_threat_model", default_config={"threshold": 0.8, "model_path": None, "min_words": 4})
def create_threat_model(nlp: Language, name: str, threshold: float, model_path: Optional[str],
                        min_words: PositiveInt) -> PassageModelStep:
    """Threats a passage classifier trained on the gold sets finds and the rules did not (passage_model.py), with
    the best-scoring sentence as evidence; a passage of fewer than min_words words (a heading, a place name) is
    not read. With threshold 1.0, or without its data file (`coi train-threat-model` writes it), the step adds
    nothing."""
    return _passage_model("threat", name, threshold, model_path, min_words)


@Language.factory("coi_group_model", default_config={"threshold": 0.8, "model_path": None, "min_words": 4})
def create_group_model(nlp: Language, name: str, threshold: float, model_path: Optional[str],
                       min_words: PositiveInt) -> PassageModelStep:
    """Groups a passage classifier trained on the gold sets finds and the rules did not (passage_model.py), with
    the best-scoring sentence as evidence; the verifier reads them in their passage like any other tag. A passage
    of fewer than min_words words is not read ("Homs" alone names no one). With threshold 1.0, or without its data
    file (`coi train-group-model` writes it), the step adds nothing."""
    return _passage_model("group", name, threshold, model_path, min_words)


class DatingRule:
    def __init__(self, turning_point: date, before: str, after: str):
        self.turning_point = turning_point
        self.epochs = (before, after)

    def __call__(self, doc: Doc) -> Doc:
        apply_dating(doc, self.turning_point, self.epochs)
        return doc


@Language.factory("coi_dating", default_config={"turning_point": "2024-12-08", "before": "assad_era",
                                                "after": "transition"})
def create_dating(nlp: Language, name: str, turning_point: str, before: str, after: str) -> DatingRule:
    """Date-dependent actors and epochs: the sentence's own dates or era phrases first, then the document's date."""
    try:
        day = date.fromisoformat(turning_point)
    except ValueError:
        raise ValueError(f"coi_dating: turning_point must be a date as YYYY-MM-DD, not {turning_point!r}") from None
    return DatingRule(day, before, after)


class VerifierStep:
    def __init__(self, verifier: Verifier | None, threshold: float, thresholds: dict[str, float]):
        self.verifier = verifier
        self.threshold = threshold
        self.thresholds = thresholds

    def __call__(self, doc: Doc) -> Doc:
        if self.verifier and self.threshold > 0.0 and doc._.coi_mentions:  # 0.0 turns the step off
            verify(doc, self.verifier, self.threshold, self.thresholds)
        return doc


@Language.factory("coi_verifier", default_config={"threshold": 0.5, "thresholds": {}, "model_path": None})
def create_verifier(nlp: Language, name: str, threshold: float, thresholds: dict[str, float],
                    model_path: Optional[str]) -> VerifierStep:
    """A second reading of each tag in its passage (tag_verifier.py): a value the verifier gives less than the
    threshold there is set aside (`thresholds` may give a facet, region, group, threat or actor, its own). With
    threshold 0.0, or without its data file (`coi train-verifier` writes it), the step keeps every tag."""
    unknown = sorted(set(thresholds) - set(VERIFIER_KINDS))
    if unknown:
        raise ValueError(f"coi_verifier: thresholds for unknown facets {', '.join(unknown)} (not one of "
                         f"{', '.join(VERIFIER_KINDS)})")
    for value in (threshold, *thresholds.values()):
        if not 0.0 <= value < 1.0:
            raise ValueError(f"coi_verifier: threshold must be in [0, 1), not {value}")
    path = Path(model_path) if model_path else VERIFIER_PATH
    if model_path and not path.exists():
        raise ValueError(f"coi_verifier: no model file at {path}")
    return VerifierStep(load_verifier(path), threshold, dict(thresholds))
