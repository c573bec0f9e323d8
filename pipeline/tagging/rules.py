"""The rules that read a mention in its context: sentences, metonymy, person names, affiliation, negation, dates."""

from __future__ import annotations

from bisect import bisect_right
from datetime import date

from spacy.attrs import NORM
from spacy.strings import get_string_id
from spacy.tokens import Doc

from .dates import dated_spans, parse_iso, sides
from .lexicon import norm_phrase
from .mentions import CLAUSE_BREAKS, Mention, doc_text
from .sentences import sentence_span, sentence_starts

PUNCT_HYPHENS = {"-", "‐", "‑", "–"}
_WEEKDAYS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
# Where the scope of a denial ends: a contrast or a new clause ("denied that X, but Y happened").
SCOPE_ENDS = {";", ":", "saying", "adding", "insisting", "but", "though", "although", "however", "whereas", "while", "yet", "maar", "hoewel", "terwijl",
              "aber", "jedoch", "während", "obwohl", "mais", "cependant", "tandis", "bien", "tout", "لكن", "غير", "بينما", "إلا",
              "حين", "فيما", "لكنها", "لكنه", "لكنهم", "ولكن", "ولكنها", "ولكنه"}
# في حين, فيما: "whereas"; لكنها, لكنه...: "but she/he/they" (the pronoun is written on the word; the scope check
# compares normalised words, so a shadda needs no spelling of its own)
DISJUNCTIONS = {"or", "nor", "ou", "ni", "oder", "noch", "of", "أو", "او"}
CLAUSE_JOINS = {"and", "but", "en", "maar", "und", "aber", "et", "mais", "و", "لكن"}
COORDINATORS = {"or", "and", "nor", ",", "،", "و", "أو", "او", "of", "en", "noch", "ou", "et", "ni", "oder", "und", "noch"}
# An object pronoun right before a subject pronoun starts a new clause without a comma: "when they did not find him
# they beat his father" does not deny the beating.
_OBJECT_PRONOUNS = {"him", "them", "me", "us"}
_SUBJECT_PRONOUNS = {"he", "she", "they", "we", "i"}


def assign_sentences(doc: Doc) -> None:
    """Give every mention the [start, end) character span of its sentence."""
    mentions = doc._.coi_mentions or []
    if not mentions:
        doc._.coi_sentences = []
        return
    text = doc_text(doc)
    starts = sentence_starts(text)
    doc._.coi_sentences = starts
    length = len(text)
    for mention in mentions:
        mention.sentence = sentence_span(starts, length, mention.start_char)


def _norm_hashes(doc: Doc) -> list[int]:
    """The doc's token NORM hashes, read once per doc: the rules look at the words around mentions many times."""
    norms = doc.user_data.get("coi_norms")
    if norms is None:
        norms = doc.user_data["coi_norms"] = doc.to_array(NORM).tolist()
    return norms


def _any_word(doc: Doc, words: set[str]) -> bool:
    """Whether any of the (normalised) words is in the doc, read from its NORM hashes without Token objects."""
    return bool(words) and not {get_string_id(word) for word in words}.isdisjoint(_norm_hashes(doc))


def _norm(doc: Doc, index: int) -> str:
    """The NORM of the token at index ("" outside the doc), without a Token object per call: the doc's norms are
    read as strings once, the first time a rule asks."""
    words = doc.user_data.get("coi_norm_words")
    if words is None:
        strings = doc.vocab.strings
        words = doc.user_data["coi_norm_words"] = [strings[norm] for norm in _norm_hashes(doc)]
    return words[index] if 0 <= index < len(words) else ""


def apply_context(doc: Doc, words: dict[str, set[str]], metonymy: bool, person_names: bool,
                  affiliation: bool, deaths_by_attack: bool, abduction_by_armed_men: bool = True,
                  members: dict[str, str] | None = None, likely_members: dict[str, str] | None = None,
                  areas: dict[str, dict[str, date]] | None = None) -> None:
    """Set aside mentions whose context says they are something else."""
    mentions = doc._.coi_mentions or []
    if members:
        _members_named(doc, mentions, members, words)
    if likely_members:
        _members_likely(doc, mentions, likely_members, words)
    metonymy_after = words.get("words:metonymy_after", set())
    capital_after = words.get("words:capital_metonymy_after", set())
    capital_before = words.get("words:capital_metonymy_before", set())
    capital_verbs = words.get("words:capital_metonymy_verbs", set())
    # the verb before the capital: "ورفضت دمشق القانون" (Arabic), "kündigte Damaskus an" (German after an adverb)
    capital_verbs_first = words.get("words:capital_metonymy_verbs_first", set())
    before_words = words.get("words:person_before", set()) | words.get("words:given_names", set())
    after_words = words.get("words:person_after", set())
    given_names = words.get("words:given_names", set())
    affiliation_after = words.get("words:affiliation_after", set())
    locative_before = words.get("words:locative_before", set())
    # a country named right after "deported from" or before "abgeschoben" expelled people: it is not a place there
    expelled_before = tuple(words.get("words:expelled_before", ()))  # "deported from Turkey"
    expelled_after = tuple(words.get("words:expelled_after", ()))  # "aus der Türkei (nach Idlib) abgeschoben"
    person_nouns = words.get("words:person_nouns", set())
    attack_sentences = {m.sentence for m in mentions if m.kind == "threat" and m.value in (
        "indiscriminate_attack", "armed_clashes", "torture_ill_treatment", "humanitarian_access_denial")} \
        if deaths_by_attack else set()
    # deaths told in the sentence after a strike or fighting ("Airstrikes hit the market. Twelve were killed.")
    attack_ends = {m.sentence[1] for m in mentions if m.kind == "threat"
                   and m.value in ("indiscriminate_attack", "armed_clashes")} if deaths_by_attack else set()
    # ... unless the sentence tells of a killing done by hand ("dragged from their homes and killed")
    deliberate = _cue_sentences(doc, "deliberate") if attack_sentences else set()
    harm_sentences = _harm_sentences(doc, mentions) if any(m.flag == "object" for m in mentions) else set()
    child_sentences = {m.sentence for m in mentions if m.kind == "group" and m.value == "children"} \
        if any(m.flag == "recruit" for m in mentions) else set()
    document_nouns = words.get("words:document_nouns", set())
    # A protest named where nothing happens to anyone ("protests took place in Sweida") names no one at risk.
    gathering_nouns = words.get("words:gathering_nouns", set())
    acted = {m.sentence for m in mentions if m.kind == "threat"}
    for mention in mentions:
        if mention.kind == "group" and mention.sentence not in acted and norm_phrase(mention.surface) in gathering_nouns:
            mention.dropped = "a protest, no harm told"
    # A document named ("his identity card", "the civil registry") is not a harm unless the sentence says one.
    documents = [(m, norm_phrase(m.surface) in document_nouns) for m in mentions
                 if m.kind == "threat" and m.value == "discrimination_documentation"]
    harmed_documents = {m.sentence for m, named_only in documents if not named_only}
    for mention, named_only in documents:
        if named_only and mention.sentence not in harmed_documents:
            mention.dropped = "a document named, no harm"
    direction_before = words.get("words:direction_before", set())
    # "سجن صيدنايا شمال دمشق": Arabic names the direction with no "of"; after another place it is a reference point
    direction_bare = words.get("words:direction_bare", set())
    gate_before = words.get("words:gate_before", set())  # "à l'entrée sud de Damas" is at Damascus's gate
    road_after = words.get("words:road_after", set())
    seat_before = words.get("words:seat_before", set())
    origin_before = words.get("words:origin_before", set())
    origin_before = origin_before if _any_word(doc, origin_before) else set()  # most docs name no origin
    now_elsewhere = words.get("words:now_elsewhere", set())  # "a man from Homs, now living in Lebanon"
    people_from = words.get("words:people_from", set())  # "a lawyer from Douma", "een student uit Hama"
    # The words of the acts the passage names: a phrase of origin ends at the first ("a native of Daraa was arrested
    # in Damascus": Damascus is where it happened). Whole sentences read by the passage models are not words of it.
    acts = {i for m in mentions if m.kind == "threat" and m.end - m.start <= 6 for i in range(m.start, m.end)} \
        if origin_before else set()
    speech_verbs = words.get("words:speech_verbs", set())
    verbs_first = words.get("words:speech_verbs_first", set())
    destination_before = words.get("words:destination_before", set())
    # The ends of a named road only step aside for a place the sentence names besides them ("near Ghabagheb"); on
    # their own they are the best answer to where it happened.
    road_ends = {id(m) for m in mentions if m.kind == "region" and road_after and _is_road_end(doc, m, road_after)}
    placed_elsewhere = {m.sentence for m in mentions if m.kind == "region" and id(m) not in road_ends}
    for mention in mentions:
        if mention.kind == "region":
            if metonymy and (_is_metonymy(doc, mention, metonymy_after, capital_after, capital_before, capital_verbs,
                                          capital_verbs_first)
                             or _capital_as_a_party(doc, mention, mentions)):
                mention.dropped = "metonymy"
            elif mention.sentence in placed_elsewhere and _is_road_end(doc, mention, road_after):
                mention.dropped = "a road named"  # "on the Damascus–Daraa highway near Ghabagheb"
            elif mention.value and mention.value.startswith("SY01") and (
                    (_norm(doc, mention.start - 1) in _OF and _norm(doc, mention.start - 2) in direction_before
                     and _norm(doc, mention.start - 3) not in gate_before)
                    or (_norm(doc, mention.start - 1) in _NEAR and mention.value == "SY01")
                    or (mention.value == "SY01" and _norm(doc, mention.start - 1) in direction_bare
                        and _placed_before(mention, mentions))):
                # The Damascus governorate is the city alone: "near Kisweh, south of Damascus" is Rural Damascus.
                # Near one of its quarters is still in the city ("shells landed near Bab Touma square").
                mention.dropped = "a reference point"
            elif _is_origin(doc, mention, origin_before, now_elsewhere, people_from, acts) \
                    or _person_from(doc, mention, mentions, people_from):
                mention.dropped = "a place of origin"  # "originaire de Deraa", "المنحدر من بصر الحرير"
            elif _is_seat(doc, mention, seat_before):
                mention.dropped = "an organisation's seat"  # "a network based in Idlib", "die in Aleppo ansässige"
            elif destination_before and _norm(doc, mention.start - 1) in _DESTINATION_PREPOSITIONS \
                    and _norm(doc, mention.start - 2) in destination_before:
                mention.dropped = "a destination"  # "arrested at a checkpoint as he was travelling to Damascus"
            elif person_names and _is_person(doc, mention, before_words, after_words, given_names, locative_before,
                                             person_nouns):
                mention.dropped = "person name"
        elif mention.flag == "country":
            index = _list_start(doc, mention.start, locative_before)
            previous = _norm(doc, index - 1)
            expelled = _expelled(doc, mention, index, expelled_before, expelled_after)
            # "air strikes attributed to Israel": the country as the one who acted
            attributed = previous in ("to", "on") and _norm(doc, index - 2) in _ATTRIBUTED
            if previous in locative_before and not expelled and not attributed:
                mention.dropped = "a country as a place"
        elif mention.kind == "actor" and (speech_verbs or verbs_first) \
                and _is_speaker(doc, mention, speech_verbs, verbs_first) \
                and (any(other.kind == "actor" and other.value != mention.value for other in mentions
                         if other.sentence == mention.sentence)
                     or not any(other.kind == "threat" for other in mentions if other.sentence == mention.sentence)):
            mention.dropped = "a source"  # "the Interior Ministry blamed an ISIS cell", "أعلنت وزارة الداخلية"
        elif mention.flag == "generic" and mention.kind == "actor" and affiliation:
            following = _norm(doc, mention.end)
            if (following in affiliation_after or (following in PUNCT_HYPHENS and _norm(doc, mention.end + 1)
                                                    in affiliation_after)
                    or (following == "," and _norm(doc, mention.end + 1) in _PARTITIVES)) \
                    and _affiliation_named(doc, mentions, mention):
                mention.dropped = "affiliation named"
        elif mention.flag == "generic" and mention.kind == "threat" and mention.sentence not in deliberate \
                and (mention.sentence in attack_sentences or mention.sentence[0] in attack_ends):
            mention.dropped = "death in an attack or fighting"
        elif mention.flag == "object" and mention.sentence not in harm_sentences:
            mention.dropped = "nothing happens to the place named"
        elif mention.flag == "recruit" and mention.sentence not in child_sentences:
            mention.dropped = "recruitment, but no child named"  # "recruited", "enlisted": of children only
    _shared_names(mentions)
    if abduction_by_armed_men:
        _abductions_by_armed_men(mentions)
    _part_of_another_act(mentions)
    if areas:
        _actors_of_their_area(doc, mentions, areas)
    _state_forces_of_others(doc, mentions)
    _security_of_hts(doc, mentions, words.get("words:generic_security", set()))


def _shared_names(mentions: list[Mention]) -> None:
    """A place name two places bear ("Midan", a quarter of Damascus and one of Aleppo) is the usual one, unless the
    document names the other's governorate and not the usual one's ("the Midan and Suleimaniye quarters of Aleppo")."""
    places = [m for m in mentions if m.kind == "region" and m.dropped is None and m.value]
    spans = {(m.start, m.end) for m in places if m.flag == "shared"}
    if not spans:
        return
    named = {m.value[:4] for m in places if (m.start, m.end) not in spans}
    for span in spans:
        here = [m for m in places if (m.start, m.end) == span]
        usual = [m for m in here if m.flag != "shared"]
        others = [m for m in here if m.flag == "shared" and m.value[:4] in named]
        keep = others[:1] if others and not any(m.value[:4] in named for m in usual) else usual or here[:1]
        for mention in here:
            if mention not in keep:
                mention.dropped = "another place of that name"


# "gunmen from neighbouring villages", "armed men who accused them of ...": the words after name no affiliation.
_UNNAMED_ORIGINS = {"neighbouring", "neighboring", "nearby", "surrounding", "outside", "rival", "other"}
_BELONGING = {"belong", "belonged", "belonging", "affiliated", "linked", "loyal", "members", "member", "part",
              "identified", "wearing", "wore", "uniforms", "insignia", "integrated"}


# "gunmen, some of them members of factions affiliated with the Ministry of Defence"
_PARTITIVES = {"some", "many", "most", "all", "several", "reportedly", "apparently", "believed", "including"}


def _affiliation_named(doc: Doc, mentions: list[Mention], mention: Mention, window: int = 8) -> bool:
    """The words after a generic actor name whom it belongs to ("gunmen affiliated with the Fourth Division",
    "gunmen from the Fourth Division"). After "who", "from nearby ..." or ", some of them" that takes a word of
    belonging or another actor within a few words: "armed men who said they belonged to it", not "gunmen who accused them of ..." or
    "gunmen from neighbouring towns attacked"."""
    following = _norm(doc, mention.end)
    if following == "from" and _norm(doc, mention.end + 1) not in _UNNAMED_ORIGINS \
            or following not in ("from", "who", ","):
        return True
    stop = next((i for i in range(mention.end, mention.end + window) if _norm(doc, i) in (";", ":")),
                mention.end + window)  # the clause ends: "gunmen from nearby towns attacked; Druze fighters ..."
    return any(_norm(doc, i) in _BELONGING for i in range(mention.end + 1, stop)) or any(
        other.kind == "actor" and other.flag != "generic" and other.sentence == mention.sentence
        and mention.end <= other.start < stop for other in mentions)


# The military police of the areas the Syrian National Army holds is its own ("detained by the military police").
_MILITARY_POLICE = ("military police", "militaire politie", "militärpolizei", "police militaire",
                    "شرطة العسكرية")  # "الشرطة العسكرية", "للشرطة العسكرية"
_FOREIGN_STATES = {"turkey", "russia", "israel"}


def _state_forces_of_others(doc: Doc, mentions: list[Mention]) -> None:
    """Words that name the Syrian state's forces ("the defence ministry", "military police", "security forces")
    belong to someone else right after a foreign state ("Turkey's defence ministry") or right before another party
    they belong to ("Sicherheitskräfte der HTS", "عناصر أمنية تابعة لهيئة تحرير الشام"); the military police in
    a passage that names the Syrian National Army, or else the SDF, is theirs (both have one); and a name both the
    SDF and, after the fall, the state give their forces ("قوى الأمن الداخلي", [actor:sdf_aanes>...]) is the SDF's
    in a passage that names the SDF."""
    actors = [m for m in mentions if m.kind == "actor" and m.dropped is None]
    passage_of = _passage_numbers(doc)
    for mention in actors:
        if not (mention.value and ">" in mention.value):
            continue
        before = mention.start - 1 if _norm(doc, mention.start - 1) in ("s", "'s") else mention.start
        if any(other.end == before and other.value in _FOREIGN_STATES for other in actors):
            mention.dropped = "another state's forces"
        elif any(other.value not in _STATE and other.value not in _FOREIGN_STATES and ">" not in other.value
                 and 1 <= other.start - mention.end <= 3
                 and all(_norm(doc, i) in _OWNER_WORDS for i in range(mention.end, other.start)) for other in actors):
            mention.dropped = "another party's forces"
        elif any(police in mention.surface.lower() for police in _MILITARY_POLICE):
            named = {other.value for other in actors if passage_of(other) == passage_of(mention)}
            owner = next((party for party in ("sna_factions", "sdf_aanes") if party in named), None)
            if owner:
                mention.value = owner
        elif mention.value.startswith("sdf_aanes>") and any(
                other.value == "sdf_aanes" and passage_of(other) == passage_of(mention) for other in actors):
            mention.value = "sdf_aanes"  # "قوى الأمن الداخلي" in a passage that names the SDF: the Asayish


# HTS, which reports name beside "security men" that are its General Security Service in Idlib (the state's after
# the fall: the value is dated like HTS's own). (The SDF's Asayish and the Islamic State's security office were tried
# too: the gold sets lost 17 state forces for 3 found, "security forces" beside an ISIL cell or the SDF being mostly
# the state's.)
_HTS = {"hts", "hts>transitional_authorities"}


def _security_of_hts(doc: Doc, mentions: list[Mention], generic: set[str]) -> None:
    """Security men named by their trade alone (every word in [words:generic_security]: "security men",
    "Sicherheitskräfte", "services de sécurité") after their passage has named HTS, in a passage that names no state
    force otherwise, are HTS's: "HTS's General Security raided the homes ... the protest was dispersed by security
    men". Named before HTS they are the state's: "security officers searched phones in Damascus ... In Idlib, HTS
    ..."."""
    if not generic:
        return
    actors = [m for m in mentions if m.kind == "actor" and m.dropped is None and m.value]
    state = [m for m in actors if m.value in _STATE or m.value.startswith("former_government_forces>")]
    trade_only = [m for m in state if all(_norm(doc, i) in generic for i in range(m.start, m.end))]
    if not trade_only:
        return
    passage_of = _passage_numbers(doc)
    hts_from: dict[int, int] = {}  # passage -> the token where HTS is first named in it
    stated = {passage_of(m) for m in state if m not in trade_only}
    for m in actors:
        if m.value in _HTS:
            hts_from.setdefault(passage_of(m), m.start)
    for mention in trade_only:
        here = passage_of(mention)
        if here not in stated and hts_from.get(here, len(doc)) < mention.start:
            mention.value = "hts>transitional_authorities"


def _actors_of_their_area(doc: Doc, mentions: list[Mention], areas: dict[str, dict[str, date]]) -> None:
    """An armed group named only by a common noun ("a local faction", "الفصائل", flag "area") is the one that holds
    the area, in a passage that names a place of its area (`areas`: actor id -> {p-code: the first day it held it})
    in a document dated from that day; elsewhere the noun names no one. So is the military police there when the
    passage names no party it could belong to ("detained by the military police in Afrin")."""
    nouns = [m for m in mentions if m.kind == "actor" and m.dropped is None and m.value and (
        m.flag == "area" or ((">" in m.value or m.value in _STATE)
                             and any(police in m.surface.lower() for police in _MILITARY_POLICE)))]
    if not nouns:
        return
    published = parse_iso(doc._.coi_published)
    passage_of = _passage_numbers(doc)
    places = [m for m in mentions if m.kind == "region" and m.dropped is None and m.value] if published else []
    held = {actor: {passage_of(m) for m in places if m.value in since and published >= since[m.value]}
            for actor, since in areas.items()}
    for mention in nouns:
        if mention.flag == "area":
            if passage_of(mention) not in held.get(mention.value, set()):
                mention.dropped = "no place of theirs named"
        else:
            mention.value = next((actor for actor, passages in held.items() if passage_of(mention) in passages),
                                 mention.value)


# Words between a force and the party it belongs to ("security forces of HTS", "der HTS", "تابعة ل")
_OWNER_WORDS = {"of", "the", "der", "des", "de", "du", "d'", "la", "van", "تابعه", "التابعه", "تابعين", "التابعين",
                "ل"}  # (NORM: Arabic folded)
_STATE = {"former_government_forces", "transitional_authorities"}


# An act read out of part of a phrase that names another act is that phrase: "sexually abused in detention" is not
# also "abused in detention", "sent to the front lines" is conscription, not fighting, "attacking an SDF checkpoint"
# is fighting, not a checkpoint, aid convoys "held for days" are aid held back, not people detained, and "no access
# to lawyers" is an unfair trial, not aid denied.
_PART_OF = {"torture_ill_treatment": ("sexual_gender_based_violence",),
            "armed_clashes": ("forced_conscription", "child_recruitment"), "movement_restriction": ("armed_clashes",),
            "arbitrary_detention": ("humanitarian_access_denial",),
            "humanitarian_access_denial": ("unfair_trial_death_penalty",), "forced_conscription": ("sectarian_violence",)}


_WHOLES = {whole for wholes in _PART_OF.values() for whole in wholes}


def _part_of_another_act(mentions: list[Mention]) -> None:
    """Set aside an act that overlaps a phrase naming another act (_PART_OF); a phrase the lexicon gives both ids
    keeps both."""
    spans: dict[str, list[tuple[int, int]]] = {}  # the spans of the acts that may hold another, by id
    for other in mentions:
        if other.kind == "threat" and other.value in _WHOLES and other.dropped is None:
            spans.setdefault(other.value, []).append((other.start, other.end))
    if not spans:
        return
    for mention in mentions:
        wholes = _PART_OF.get(mention.value) if mention.kind == "threat" and mention.dropped is None else None
        if wholes and any(start < mention.end and mention.start < end and (start, end) != (mention.start, mention.end)
                          for whole in wholes for start, end in spans.get(whole, ())):
            mention.dropped = "part of a phrase naming another act"


# Articles between a preposition and the actor it names ("former members of the Fourth Division").
_ARTICLES = {"the", "a", "an", "l", "la", "le", "les", "het", "een", "der", "die", "den", "das", "des"}


def _members_named(doc: Doc, mentions: list[Mention], members: dict[str, str], words: dict[str, set[str]]) -> None:
    """An actor named as the employer of the people concerned is their group: "former members of the security
    branches", "an ex-officer in the Fourth Division", "accused of collaborating with the SDF", "عناصر سابقين في
    قوات النظام". The words are data: [words:former], [words:member_nouns], [words:service_verbs] and
    [words:member_prepositions]; a date-dependent actor named with "former" is its earlier self ("former members of
    the army"), and is left alone after a verb of service, as its side is not known yet ("contacts with the
    Damascus government")."""
    former, nouns = words.get("words:former", set()), words.get("words:member_nouns", set())
    verbs, prepositions = words.get("words:service_verbs", set()), words.get("words:member_prepositions", set())
    suspected = words.get("words:suspected", set())
    for mention in mentions:
        if mention.kind != "actor" or mention.value is None:
            continue
        earlier = mention.value.partition(">")[0]  # a date-dependent actor's side before the turning point
        if earlier not in members:
            continue
        # "a former Air Force Intelligence officer": the actor's own member, named with "former"; "alleged ISIL
        # cells", "mutmaßliche IS-Anhänger": people suspected of belonging to it
        if (_norm(doc, mention.end - 1) in nouns and _norm(doc, mention.start - 1) in former) \
                or _norm(doc, mention.start - 1) in suspected:
            mention.kind, mention.value = "group", members[earlier]
            continue
        index = mention.start - 1
        # "an officer in the former army", "ضباط في النظام البائد"
        named_former = any(_norm(doc, i) in former for i in range(mention.start, mention.end))
        while _norm(doc, index) in _ARTICLES or _norm(doc, index) in former:  # "links to the former administration"
            named_former = named_former or _norm(doc, index) in former
            index -= 1
        if _norm(doc, index) not in prepositions:
            continue
        # nearest first, read as the word lists are ("sous-officier" as "sous officier")
        before = [_norm(doc, i).replace("-", " ") for i in range(index - 1, index - 7, -1)]
        if (before[0] in nouns and (named_former or former.intersection(before[1:]))) \
                or (before[0] in former and before[1] in nouns):
            mention.kind, mention.value = "group", members[earlier]
        elif before[0] in verbs and mention.value in members:  # a date-dependent actor is not known yet here
            mention.kind, mention.value = "group", members[mention.value]


def _read_from(mention: Mention, kind: str, value: str, flag: str) -> Mention:
    """A tag a rule reads from another mention, on that mention's words (its evidence) and sentence."""
    return Mention(kind, value, mention.start, mention.end, mention.start_char, mention.end_char, mention.surface,
                   flag, sentence=mention.sentence)


_VERB_FINAL = {"de", "nl"}


def _members_likely(doc: Doc, mentions: list[Mention], likely: dict[str, str], words: dict[str, set[str]]) -> None:
    """Members of an armed group, named as such ("two Asayish members", "SDF fighters", "members of the Asayish",
    "عناصر من قسد"), are its affiliates: the people concerned when they are killed, captured or detained, the actor
    when they act. Such a mention adds the group (flag "likely") beside the actor for the verifier to read in its
    passage, which tells the two apart; the actor stays as it is."""
    nouns, prepositions = words.get("words:member_nouns", set()), words.get("words:member_prepositions", set())
    # The members act when the act follows their name at once ("SDF fighters detained 14 men"); not in German or
    # Dutch, where the participle of a passive ends the clause ("Angehörige der Asayish festgenommen").
    acts = {m.start for m in mentions if m.kind == "threat" and m.dropped is None} \
        if doc.lang_ not in _VERB_FINAL else set()
    added = []
    for mention in mentions:
        if mention.kind != "actor" or mention.value not in likely or mention.dropped is not None:
            continue
        if mention.end in acts:
            continue
        after = mention.end + (_norm(doc, mention.end) == "-")  # "SDF-Kämpfer"
        index = mention.start - 1
        while _norm(doc, index) in _ARTICLES:
            index -= 1
        if _norm(doc, mention.end - 1) in nouns or _norm(doc, after) in nouns or _norm(doc, index) in nouns \
                or (_norm(doc, index) in prepositions and _norm(doc, index - 1) in nouns):
            added.append(_read_from(mention, "group", likely[mention.value], "likely"))
    if added:
        mentions.extend(added)
        mentions.sort(key=lambda m: (m.start, m.end))


# "south of Damascus", "südwestlich von Damaskus", "ten zuiden van Damascus", "au sud de Damas"
_OF = {"of", "von", "van", "de"}
# "Ost-Ghouta bei Damaskus": a place near the capital is not in it.
_NEAR = {"near", "bei", "nahe", "nabij", "nearby"}
# "einem aus Idlib stammenden Wehrdienstentzieher": the origin word after the place.
_FROM = {"aus", "uit", "from", "de", "d", "من"}
_CONJUNCTIONS = COORDINATORS - {",", "،"}
# Prepositions between a word of [words:destination_before] and the place: "travelling to", "en route vers".
_DESTINATION_PREPOSITIONS = {"to", "towards", "for", "vers", "à", "a", "naar", "nach", "الى", "إلى"}

# Words between a speaker and its verb: "the ministry has said", "the Asayish on Monday said".
_BEFORE_SPEECH = {"has", "have", "had", "later", "also", "then", "itself", "in", "a", "statement", "on", "heeft", "hat",
                  "ont"} | _WEEKDAYS
# The speaker tells its own act: "the Israeli army said it had struck ...".
_SELF_REPORT = {"it", "its", "they", "we", "he", "she"}


def _is_speaker(doc: Doc, mention: Mention, speech_verbs: set[str], verbs_first: set[str]) -> bool:
    """An actor named as the subject of a verb of saying ("the Interior Ministry blamed", "the Autonomous
    Administration said"), or in the Arabic verb-first order ("أعلنت وزارة الداخلية"). It is set aside only where the
    sentence names another actor, whose act it reports; "the SDF said it had arrested ..." keeps the SDF."""
    if _norm(doc, mention.start - 1) in verbs_first:
        return True  # Arabic and German verb first: "أعلنت وزارة الداخلية", "erklärte das Innenministerium"
    index = mention.end
    for _ in range(3):
        if _norm(doc, index) not in _BEFORE_SPEECH:
            break
        index += 1
    return _norm(doc, index) in speech_verbs and _norm(doc, index + 1 + (_norm(doc, index + 1) == "that")) \
        not in _SELF_REPORT


def _is_origin(doc: Doc, mention: Mention, origin_before: set[str], now_elsewhere: set[str],
               people: frozenset[str] | set[str] = frozenset(), acts: set[int] = frozenset()) -> bool:
    """A place named as where someone comes from: after an origin word ("originaire de Deraa", "a native of Daraa"),
    before one in German order ("aus Idlib stammend"), or with where they live now ("a man from Homs, now living in
    Lebanon")."""
    after_from = _norm(doc, mention.start - 1) in _FROM
    if origin_before and (_after_origin(doc, mention.start, origin_before, people=people, acts=acts)
                          or (after_from and _norm(doc, mention.end) in origin_before)):
        return True
    # "from Homs, now ...", "from Homs now living ...", not "de Palmyre, et impose désormais ..."
    return after_from and any(_norm(doc, i) in now_elsewhere for i in range(mention.end, mention.end + 4)
                              if not any(_norm(doc, j) in _CONJUNCTIONS for j in range(mention.end, i)))


def _person_from(doc: Doc, mention: Mention, mentions: list[Mention], people_from: set[str]) -> bool:
    """A place named as where a person comes from ("a lawyer from Douma", "ein Fotograf aus Jableh", "een student
    uit Hama"), when the passage names another governorate for what happened to them; named alone, it is where it
    happened ("a woman from Qamishli was detained at a checkpoint")."""
    return _norm(doc, mention.start - 1) in _FROM and _norm(doc, mention.start - 2) in people_from and any(
        other.kind == "region" and other.dropped is None and other.value and mention.value
        and other.value[:4] != mention.value[:4] for other in mentions)


def _after_origin(doc: Doc, start: int, origin_before: set[str], reach: int = 8,
                  people: frozenset[str] | set[str] = frozenset(), acts: set[int] = frozenset()) -> bool:
    """Whether a place is named in the phrase that says where someone comes from ("originaire de Deraa", "المنحدر من
    بلدة بصر الحرير في ريف درعا"), up to the end of the clause or the person it describes ("een uit Homs afkomstige
    student bij een checkpoint in Jaramana": Jaramana is where it happened), or to an act ("a native of Daraa was
    arrested in Damascus": Damascus is where it happened)."""
    for index in range(start - 1, max(start - reach, 0) - 1, -1):
        word = _norm(doc, index)
        if word in CLAUSE_BREAKS or word in people or index in acts:
            return False
        if word in origin_before:
            return True
    return False


def _is_seat(doc: Doc, mention: Mention, seat_words: set[str]) -> bool:
    """A place named as an organisation's seat: "based in Idlib", "basé à Idleb", "مقرها في إدلب", and in Dutch and
    German word order "het in Damascus gevestigde", "die in Aleppo ansässige"."""
    previous = _norm(doc, mention.start - 1)
    if previous in seat_words:
        return True
    return previous in _SEAT_PREPOSITIONS and (_norm(doc, mention.start - 2) in seat_words
                                               or _norm(doc, mention.end) in seat_words)


# Prepositions between a word of [words:seat_before] and the place: "based in", "basé à", "mit Sitz in", "مقرها في".
_SEAT_PREPOSITIONS = {"in", "at", "a", "à", "au", "en", "dans", "im", "te", "فى", "في"}


def _placed_before(mention: Mention, mentions: list[Mention]) -> bool:
    """Whether its sentence names another place before it ("مخيم اليرموك جنوب دمشق", "الكسوة جنوب دمشق")."""
    return any(other.kind == "region" and other.sentence == mention.sentence and other.end <= mention.start
               and other.value != mention.value for other in mentions)


def _is_road_end(doc: Doc, mention: Mention, road_after: set[str]) -> bool:
    """A place named as one end of a road ("the Damascus–Daraa highway", "the Sweida-Damascus road")."""
    if _norm(doc, mention.end) in PUNCT_HYPHENS:
        return any(_norm(doc, i) in road_after for i in range(mention.end + 2, mention.end + 5)) \
            or _norm(doc, mention.start - 1) in road_after  # "طريق دمشق–السويداء", "route Damas-Soueïda"
    if _norm(doc, mention.start - 1) in PUNCT_HYPHENS:
        return any(_norm(doc, i) in road_after for i in range(mention.end, mention.end + 2)) \
            or any(_norm(doc, i) in road_after for i in range(mention.start - 4, mention.start - 2))
    return False


# Those who claim no power to arrest: whom they take is abducted (ISIL's captives included).
ABDUCTORS = frozenset({"unidentified_armed_men", "bedouin_tribal_groups", "isil"})


def _abductions_by_armed_men(mentions: list[Mention]) -> None:
    """Men taken by unnamed gunmen, tribal fighters or ISIL, with no authority or other armed group named in the
    sentence, are abducted, not arrested ("armed men took him from his shop"): an arrest is made by someone who
    claims the power to."""
    actors: dict[tuple[int, int] | None, set[str]] = {}
    for mention in mentions:
        if mention.kind == "actor" and mention.dropped is None:
            actors.setdefault(mention.sentence, set()).add(mention.value)
    for mention in mentions:
        if mention.kind == "threat" and mention.value == "arbitrary_detention" and mention.dropped is None:
            named = actors.get(mention.sentence)
            if named and named <= ABDUCTORS:
                mention.value = "kidnapping_abduction"


# Threats that, in the same sentence, make a named hospital, school or market the object of an attack.
HARMS = {"indiscriminate_attack", "armed_clashes", "unlawful_killing", "extortion_looting",
         "property_seizure_destruction", "sectarian_violence"}


def _harm_sentences(doc: Doc, mentions: list[Mention]) -> set[tuple[int, int]]:
    """Sentences that report harm: an attack-type threat, or an attack phrase ("was hit", "stormed")."""
    return {m.sentence for m in mentions if m.kind == "threat" and m.value in HARMS} | _cue_sentences(doc, "attack")


def _cue_sentences(doc: Doc, name: str) -> set[tuple[int, int]]:
    """The sentences in which a cue phrase of that name occurs."""
    last = doc[-1]  # len(doc.text) without building the text
    starts, length = doc._.coi_sentences or [0], last.idx + len(last.text_with_ws)
    return {sentence_span(starts, length, doc[start].idx) for start, _, cue in doc._.coi_cues or () if cue == name}


def _expelled(doc: Doc, mention: Mention, index: int, before: tuple[str, ...], after: tuple[str, ...]) -> bool:
    """Whether the country named from index on is the one that expelled people: a word beginning with one of
    `before` right before its preposition ("deported from Turkey", not "deported to Turkey"), or one of `after` within
    three words after it in its sentence ("aus der Türkei nach Idlib abgeschoben")."""
    if before and _norm(doc, index - 2).startswith(before) and _norm(doc, index - 1) not in _DESTINATION_PREPOSITIONS:
        return True
    end = min(mention.end + 3, len(doc))
    return bool(after) and any(doc[at].idx < mention.sentence[1] and _norm(doc, at).startswith(after)
                               for at in range(mention.end, end))


def _list_start(doc: Doc, start: int, stops: set[str], longest: int = 8) -> int:
    """The first token of a list of names that ends at start ("in Syria, Lebanon and Turkey" -> "Syria")."""
    index = start
    while start - index < longest and index > 0:
        previous = doc[index - 1]
        if previous.norm_ in stops:
            break
        if previous.norm_ in COORDINATORS or previous.text[:1].isupper():
            index -= 1
        else:
            break
    while index < start and doc[index].norm_ in COORDINATORS:
        index += 1  # the list starts at a name, not at a comma
    return index


# Words before the capital that leave it the subject of a clause ("with Damascus insisting", "Damascus and Ankara
# agreed"), as opposed to a place ("a lawyer in Damascus said").
_AUXILIARIES = {"has", "have", "had", "is", "was", "will", "would", "also", "reportedly", "heeft", "hebben", "hat", "haben",
                "a", "ont", "est", "sont", "ist"}
_ATTRIBUTED = {"attributed", "attributable", "ascribed", "blamed"}
_ADVERBS = {"meanwhile", "once", "again", "repeatedly", "officially", "publicly", "since", "already", "now", "still",
            "consistently", "categorically", "flatly", "firmly", "strongly", "also", "previously", "always", "long"}
_RELATIVES = {"which", "who", "qui", "die", "dat", "welche", "der"}
_CLAUSE_OPENERS = {"", ".", ",", ";", ":", "and", "with", "while", "but", "that", "as", "after", "when", "both"}


def _is_metonymy(doc: Doc, mention: Mention, after: set[str], capital_after: set[str],
                 capital_before: set[str], capital_verbs: set[str] = frozenset(),
                 capital_verbs_first: set[str] = frozenset()) -> bool:
    following = _norm(doc, mention.end)
    if following in PUNCT_HYPHENS and _norm(doc, mention.end + 1) in after:
        return True  # "Aleppo-based", "Damascus-appointed"
    if mention.value and mention.value.startswith("SY01"):
        if following in capital_after:
            return True  # "the Damascus government"
        if capital_verbs and _norm(doc, mention.start - 1) in _CLAUSE_OPENERS:
            verb = mention.end
            if following == "on" and _norm(doc, verb + 1) in _WEEKDAYS:
                verb += 2  # "Damascus on Monday denied"
            verb += _norm(doc, verb) in ("s", "se", "sich", "zich")  # "Damas s'est bornée à dénoncer"
            verb += _norm(doc, verb) in _AUXILIARIES  # "Damascus has said"
            verb += _norm(doc, verb) in _ADVERBS  # "Damascus has meanwhile kept urging"
            verb += _norm(doc, verb) in _ADVERBS  # "Damascus once again dismissed"
            if _norm(doc, verb) in capital_verbs:
                return True  # "Damascus insisted that ..."
            if following == "," and _norm(doc, mention.end + 1) in _RELATIVES \
                    and _norm(doc, mention.end + 2) in capital_verbs:
                return True  # "Damas, qui dément toute implication"
            if following == "and" and mention.end + 2 < len(doc) and doc[mention.end + 1].text[:1].isupper():
                verb = mention.end + 2 + (_norm(doc, mention.end + 2) in _AUXILIARIES)
                if _norm(doc, verb) in capital_verbs:
                    return True  # "Damascus and Ankara agreed", "Damascus and Moscow have blocked"
        previous = _norm(doc, mention.start - 1)
        if previous in capital_verbs_first:
            return True  # "ورفضت دمشق القانون", "Am Montag erklärte Damaskus"
        if previous == "by" and capital_verbs and _norm(doc, mention.start - 2) in capital_verbs:
            return True  # "documents not recognised by Damascus"
        if previous in capital_before or (previous in {"de", "in", "van", "von", "of", "à", "a", "with"}
                                         and _norm(doc, mention.start - 2) in capital_before):
            return True  # "حكومة دمشق", "de regering in Damascus"
    return False


_BETWEEN = {"between", "entre", "tussen", "zwischen", "بين"}
_AND = {"and", "et", "en", "und", "و"}


def _capital_as_a_party(doc: Doc, mention: Mention, mentions: list[Mention]) -> bool:
    """The capital as one of two parties: "the agreement between Damascus and the SDF", "tensions between the SDF
    and Damascus", "l'accord entre Damas et les Forces démocratiques syriennes"."""
    if not (mention.value and mention.value.startswith("SY01")):
        return False
    actors = [m for m in mentions if m.kind == "actor"]
    if _norm(doc, mention.start - 1) in _BETWEEN and _norm(doc, mention.end) in _AND:
        return any(mention.end < m.start <= mention.end + 3 for m in actors)
    if _norm(doc, mention.start - 1) in _AND:
        return any(m.end == mention.start - 1 and _norm(doc, m.start - 1 - (_norm(doc, m.start - 1) in _ARTICLES))
                   in _BETWEEN for m in actors)
    return False


def _is_person(doc: Doc, mention: Mention, before: set[str], after: set[str], given_names: set[str],
               locative: set[str] = frozenset(), nouns: set[str] = frozenset()) -> bool:
    index = mention.start - 1
    previous = _norm(doc, index)
    if previous in before and (not doc[index].text[:1].islower() or mention.flag == "person"):
        return True  # "Dr Jasim", "Ahmed Afrin", "named Afrin"
    if not mention.flag == "person" or previous in locative:
        return False  # "families in Afrin said" speaks of the place
    following = _norm(doc, mention.end)
    if following in given_names or following in after:
        return True  # "Afrin Mohammed", "Jasim said"
    if following in {"al", "el"} and _norm(doc, mention.end + 1) in PUNCT_HYPHENS:
        return True  # "Jasim al-Hariri"
    if following not in (",", "(") or mention.end + 1 >= len(doc):
        return False  # "Jasim, 34,", "Dara (34)"
    after_comma = mention.end + 1 + (_norm(doc, mention.end + 1) in _INDEFINITE)  # "Nawa, a 26-year-old"
    if after_comma < len(doc) and doc[after_comma].like_num:
        return True  # "Jasim, 34,"
    # "Dara, a Kurdish student": an apposition that names a person
    return after_comma > mention.end + 1 and any(_norm(doc, i) in nouns for i in range(after_comma, after_comma + 3))


_INDEFINITE = {"a", "an", "un", "une", "een", "ein", "eine"}


def apply_negation(doc: Doc, bridge: set[str], max_gap: int, never: set[str] = frozenset(),
                   telling: tuple[set[str], set[str]] = (frozenset(), frozenset()),
                   denials: set[str] = frozenset()) -> None:
    """Mark a threat negated when a negation cue precedes it with only bridge words (or other tags) between, or when
    a negation that follows an act comes right after it ("forced evictions ... were not reported"). An act that
    was not told of ("she did not report the rape to police", "the family never reported his arrest": a verb of
    telling, then the act named as known) happened; so did an act whose denial is itself denied ("the authorities
    did not deny that he was arrested", "nobody denied that")."""
    cues = [c for c in (doc._.coi_cues or []) if c[2] == "negation"]
    after_cues = [c for c in (doc._.coi_cues or []) if c[2] == "negation_after"]
    scope_cues = [c for c in (doc._.coi_cues or []) if c[2] == "negation_scope"]
    if not cues and not after_cues and not scope_cues:
        return
    if denials and cues:
        denied_denials = {end for start, end, _ in cues if _norm(doc, end) in denials}
        cues = [c for c in cues if c[0] not in denied_denials]
        scope_cues = [c for c in scope_cues if c[0] not in denied_denials]
    if telling[0] and cues:
        cues = [c for c in cues if not _told_as_known(doc, c, telling)]
    mentions = [m for m in doc._.coi_mentions if m.dropped is None]
    covered: set[int] = set()
    for m in mentions:
        # Other tags and the places an attack may hit bridge ("denied that government forces tortured", "rejected
        # claims that the bakery had been shelled"); an act bridges only when a coordination follows it ("no
        # reports of arrests or torture").
        if m.kind != "threat" or m.flag == "object" or _norm(doc, m.end) in COORDINATORS:
            covered.update(range(m.start, m.end + (m.flag == "object" and _norm(doc, m.end) in COORDINATORS)))
    for mention in mentions:
        if mention.kind != "threat" or mention.value in never:
            continue  # "no passport", "no access to food" name the harm itself
        mention.negated = _negated_before(doc, mention, cues, covered, bridge, max_gap) \
            or _negated_in_scope(doc, mention, scope_cues, bridge) or _negated_after(doc, mention, after_cues, max_gap)
    # The actor of a sentence whose every act is denied did nothing there ("The SDF denied that its fighters had
    # recruited pupils", "قوات النظام لم تقصف"); it stays where another sentence gives it an act, and where a later
    # sentence of the paragraph, naming no one, tells one of the denied acts as fact ("The ministry rejected claims
    # that the men had been beaten in custody ... The men were arrested on Monday during raids").
    acts: dict[tuple[int, int], list[bool]] = {}
    for mention in mentions:
        if mention.kind == "threat":
            acts.setdefault(mention.sentence, []).append(mention.negated)
    told_after: set[tuple[int, int]] | None = None  # read only when an actor has nothing but denied acts
    denials = {start for start, _, name in cues if name == "negation"}
    denied_after = {end for _, end, _ in scope_cues}
    for mention in mentions:
        if mention.kind != "actor":
            continue
        if mention.start in denied_after:
            mention.dropped = "a denial"  # "نفت وزارة الداخلية ثبوت أي حالة", "denied that government forces ..."
        elif mention.sentence in acts:
            if all(acts[mention.sentence]):
                if told_after is None:
                    told_after = _acts_told_after_a_denial(doc, mentions)
                if mention.sentence not in told_after:
                    mention.dropped = "only denied acts"
        elif mention.end in denials or (mention.end + 1 in denials and _norm(doc, mention.end) in _AUXILIARIES):
            mention.dropped = "a denial"  # "The government denied any involvement and blamed ..."


def _acts_told_after_a_denial(doc: Doc, mentions: list[Mention]) -> set[tuple[int, int]]:
    """The sentences whose denied acts a later sentence of the same paragraph tells as fact, naming no actor."""
    denied: dict[tuple[int, int], set[str]] = {}
    told: dict[tuple[int, int], set[str]] = {}
    named = {m.sentence for m in mentions if m.kind == "actor"}
    for m in mentions:
        if m.kind == "threat" and m.sentence:
            (denied if m.negated else told).setdefault(m.sentence, set()).add(m.value)
    text = doc_text(doc)
    found = set()
    for sentence, values in denied.items():
        for later in sorted(s for s in told if s[0] >= sentence[1] and s not in named):
            if "\n" in text[sentence[1]:later[0]]:
                break
            if values & told[later]:
                found.add(sentence)
                break
    return found


def _told_as_known(doc: Doc, cue: tuple[int, int, str], telling: tuple[set[str], set[str]]) -> bool:
    """A negation of a verb of telling whose object is named as known: "did not report the rape", "never reported
    his arrest" (but "did not report any arrests" denies them)."""
    verbs, determiners = telling
    _, end, _ = cue
    at = end + (_norm(doc, end) in ("ever", "even"))
    return _norm(doc, at) in verbs and _norm(doc, at + 1) in determiners


def _negated_before(doc: Doc, mention: Mention, cues: list, covered: set[int], bridge: set[str], max_gap: int) -> bool:
    """A negation cue shortly before the act, with only bridge words, other tags or a disjunction between: "no
    reports of arrests or ill-treatment" (a negation spans a disjunction)."""
    for cue_start, cue_end, _ in cues:
        if cue_end > mention.start or mention.start - cue_end > max_gap or doc[cue_start].idx < mention.sentence[0]:
            continue
        if all(i in covered or doc[i].norm_ in bridge or doc[i].norm_ in DISJUNCTIONS
               for i in range(cue_end, mention.start)) and not any(
                doc[i].norm_ in _OBJECT_PRONOUNS and doc[i + 1].norm_ in _SUBJECT_PRONOUNS
                for i in range(cue_end, mention.start - 1)):
            return True
    return False


# A comma and a coordinator start a new clause that a denial before it does not reach ("a sheikh who denied any link
# to it, and the events were accompanied by sectarian incitement"; Arabic writes the coordinator on the verb: "،
# ورافقت"), unless a complementiser continues what is denied (", and that ...").
_COMMAS = {",", "،"}
_COMPLEMENTISERS = {"that", "dat", "dass", "que", "qu'", "ان", "بان"}


def _new_clause(doc: Doc, i: int) -> bool:
    if doc[i].norm_ not in _COMMAS or i + 1 >= len(doc):
        return False
    word = doc[i + 1].norm_
    if word in CLAUSE_JOINS:
        return i + 2 < len(doc) and doc[i + 2].norm_ not in _COMPLEMENTISERS
    return len(word) > 3 and word.startswith("و") and not word.startswith(("وان", "وبان"))


def _negated_in_scope(doc: Doc, mention: Mention, scope_cues: list, bridge: set[str]) -> bool:
    """"denied that ...", "not aware of any case in which ...": every act up to the end of the sentence or a contrast
    ("..., though she cautioned that ...") is what is denied; "denied that detainees were tortured" denies the
    torture, not that there are detainees (words of the bridge list are not denied)."""
    if all(doc[i].norm_ in bridge for i in range(mention.start, mention.end)):
        return False
    return any(cue_end <= mention.start and doc[cue_start].idx >= mention.sentence[0]
               and not any(doc[i].norm_ in SCOPE_ENDS or _new_clause(doc, i) for i in range(cue_end, mention.start))
               for cue_start, cue_end, _ in scope_cues)


def _negated_after(doc: Doc, mention: Mention, after_cues: list, max_gap: int) -> bool:
    """A denial after the act whose subject it is, with no clause break between ("Arrests of returnees at the
    crossing were not documented", but not "He was arrested, which was not reported")."""
    return any(mention.end <= cue_start <= mention.end + 2 * max_gap and doc[cue_start].idx < mention.sentence[1]
               and not any(doc[i].norm_ in CLAUSE_BREAKS or doc[i].norm_ in CLAUSE_JOINS
                           for i in range(mention.end, cue_start))
               for cue_start, _, _ in after_cues)


def apply_implications(doc: Doc, implied_groups: dict[str, str], on_return: set[str] = frozenset(),
                       words: dict[str, set[str]] | None = None, likely_groups: dict[str, str] | None = None,
                       likely_actors: dict[str, str] | None = None) -> None:
    """A group the act itself names: people ill-treated on return are returnees, recruited children are children
    (config.cfg lists the pairs; flag "implied"), and a group it usually names: the displaced (flag "likely", for the
    verifier to read in its passage). The group's evidence is the act's own words; a negated act implies nothing.
    Before that, an act of `on_return` done to people named as having come back from abroad, in a sentence that
    names the border or the country they came from, is ill-treatment on return ("refugees who returned from
    Lebanon were arrested at the border"). And the actor an act usually has, in a passage that names none
    (`likely_actors`: men taken off a bus at a checkpoint and sent to a training camp were conscripted by the state;
    flag "likely", for the verifier to read; a dated actor is resolved by coi_dating, as "government forces" is)."""
    mentions = doc._.coi_mentions or []
    added = _harms_on_return(doc, mentions, on_return, words or {}) if on_return else []
    live = [m for m in mentions + added if m.kind == "threat" and not m.negated and m.dropped is None]
    for pairs, flag in ((implied_groups, "implied"), (likely_groups or {}, "likely")):
        added += [_read_from(m, "group", pairs[m.value], flag) for m in live if m.value in pairs]
    if likely_actors:
        added += _likely_actors(doc, mentions, live, likely_actors)
    if added:
        mentions.extend(added)
        mentions.sort(key=lambda m: (m.start, m.end))


def _likely_actors(doc: Doc, mentions: list[Mention], acts: list[Mention], likely: dict[str, str]) -> list[Mention]:
    """The usual actor of each act of `likely` in a passage that names no actor (not even a dropped or negated one:
    "the SDF denied conscripting minors" names who would have done it)."""
    passage_of = _passage_numbers(doc)
    named = {passage_of(m) for m in mentions if m.kind == "actor"}
    return [_read_from(m, "actor", likely[m.value], "likely") for m in acts
            if m.value in likely and passage_of(m) not in named]


def _passage_numbers(doc: Doc):
    """A function giving the number of the passage (doc._.coi_passages, else the whole doc) a mention starts in."""
    starts = [start for start, _ in doc._.coi_passages or [(0, 0)]]
    return lambda mention: bisect_right(starts, mention.start_char)


_RETURN_NAMING = {("group", "returnees_idps"), ("threat", "forced_displacement")}


def _harms_on_return(doc: Doc, mentions: list[Mention], on_return: set[str],
                     words: dict[str, set[str]]) -> list[Mention]:
    returning = tuple(words.get("words:return_stems", ()))
    abroad = tuple(words.get("words:abroad_stems", ()))
    if not returning or not abroad:
        return []
    # People named as having come back: a returnee group, or a deportation ("2,700 people have been deported"),
    # whose own words say so; an expulsion ([words:outward_stems]) is as often out of Syria as into it.
    outward = tuple(words.get("words:outward_stems", ()))  # str.startswith(()) is False
    named = {m.sentence for m in mentions if (m.kind, m.value) in _RETURN_NAMING and m.sentence
             and not m.negated and m.dropped is None
             and any(w.startswith(returning) and not (m.kind == "threat" and w.startswith(outward))
                     for w in norm_phrase(m.surface).split())}
    if not named:
        return []
    text = doc_text(doc)
    # The sentence that names them and the one after it ("... deported dozens of refugees. He was arrested as soon
    # as he was handed over at the border."), when either of the two names the border or the country.
    named_ends = {end for _, end in named}
    after = {m.sentence for m in mentions if m.sentence and m.sentence[0] in named_ends}
    told = {s for s in named | after if any(w.startswith(abroad) for w in norm_phrase(text[s[0]:s[1]]).split())}
    told_ends = {end for _, end in named & told}
    qualifying = (named & told) | {s for s in after if s in told or s[0] in told_ends}
    return [_read_from(m, "threat", "returnee_ill_treatment", "implied")
            for m in mentions if m.kind == "threat" and m.value in on_return and m.sentence in qualifying
            and not m.negated and m.dropped is None]


def sentence_sides(doc: Doc, turning_point: date, published: date | None = None) -> dict[tuple[int, int], str]:
    """The side of the turning point each tagged sentence speaks of, where the sentence says so itself."""
    found: dict[tuple[int, int], set[str]] = {}
    era = {"era_before": "before", "era_after": "after"}
    text = doc_text(doc)
    for cue_start, _, name in doc._.coi_cues or []:
        if name in era:
            span = sentence_span(doc._.coi_sentences or [0], len(text), doc[cue_start].idx)
            found.setdefault(span, set()).add(era[name])
    for span in {m.sentence for m in doc._.coi_mentions or []}:
        if span not in found:
            found[span] = sides(text[span[0]:span[1]], turning_point, published)
    # A sentence that gives no date of its own continues the dated one before it in the same paragraph ("On 5
    # December 2024 government forces arrested ... Fighting continued until the army withdrew").
    previous: tuple[tuple[int, int], set[str]] | None = None
    for span in sorted(found):
        if not found[span] and previous is not None and "\n" not in _space_before(text, span[0], previous[0][0]):
            found[span] = previous[1]
        if len(found[span]) == 1:
            previous = (span, found[span])
        elif found[span]:
            previous = None
    return {span: next(iter(s)) for span, s in found.items() if len(s) == 1}


def _nearest_side(text: str, spans: list[tuple[int, int, str]], mention: Mention) -> str | None:
    """In a sentence with dates of both sides, the side of the last date before the mention in its clause (no comma,
    semicolon or colon between them: "whom the security services took in 2013", "the 2013 offensive by government
    forces", but not "a sect that broke away in the 1920s, said fighters attached to the Defence Ministry"); None
    where there is no such date."""
    if len({side for _, _, side in spans}) < 2:
        return None
    before = [span for span in spans if span[1] <= mention.start_char]
    if not before:
        return None
    start, end, side = max(before, key=lambda span: span[1])
    return None if any(mark in text[end:mention.start_char] for mark in _CLAUSE_MARKS) else side


_CLAUSE_MARKS = (",", ";", ":", "،", "؛")


def _space_before(text: str, start: int, limit: int) -> str:
    """The white space between a sentence and the text before it (a line break there ends a paragraph)."""
    index = start
    while index > limit and text[index - 1].isspace():
        index -= 1
    return text[index:start]


def apply_dating(doc: Doc, turning_point: date, epochs: tuple[str, str]) -> None:
    """Resolve date-dependent actors ("government forces") and give every mention its epoch."""
    mentions = doc._.coi_mentions or []
    if not mentions:
        return
    published = parse_iso(doc._.coi_published)
    by_sentence = sentence_sides(doc, turning_point, published)
    if published is not None:
        document_side = "before" if published < turning_point else "after"
    else:
        counts = list(by_sentence.values())
        document_side = "after" if counts.count("after") > counts.count("before") else "before"
    # Without a publication date the text's own dates tell its epoch, either way; with none, it is unknown (its
    # undated mentions are still read as before the turning point: "government forces" as the former government).
    dated = published is not None or bool(by_sentence)
    doc._.coi_epoch = (epochs[0] if document_side == "before" else epochs[1]) if dated else None
    text, mixed = doc_text(doc), {}
    for mention in mentions:
        side = by_sentence.get(mention.sentence, document_side)
        if mention.value and ">" in mention.value and mention.sentence and mention.sentence not in by_sentence:
            # A sentence with dates on both sides: a date-dependent actor is read by the date before it in its
            # clause ("she went to Damascus in February to look for her father, whom in 2013 the security services
            # took away")
            if mention.sentence not in mixed:
                begin, end = mention.sentence
                mixed[mention.sentence] = [(begin + s, begin + e, side_)
                                           for s, e, side_ in dated_spans(text[begin:end], turning_point, published)]
            side = _nearest_side(text, mixed[mention.sentence], mention) or side
        # no date anywhere: the epoch is unknown, though "government forces" is still read as the former government
        mention.epoch = (epochs[0] if side == "before" else epochs[1]) if dated else None
        if mention.value and ">" in mention.value:
            before, after = mention.value.split(">", 1)
            mention.value = before if side == "before" else after
