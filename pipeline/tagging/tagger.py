"""The tagger: build the pipeline for a language and turn a text (or a stored extraction) into tags with evidence."""

from __future__ import annotations

import bisect
import dataclasses
import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language

from ..store.records import Passage
from ..taxonomy import load_taxonomy
from . import components  # noqa: F401  (registers the factories)
from .gazetteer import Gazetteer, load_gazetteer
from .mentions import Mention
from .sentences import sentence_text

PACKAGE_DIR = Path(__file__).parent
CONFIG_PATH = PACKAGE_DIR / "config.cfg"
CODE_VERSION = "2.38"
SUPPORTED = ("en", "ar", "nl", "fr", "de")
CHUNK_CHARS = 50_000  # passages are tagged in runs of about this size: cheap per doc, bounded memory
_PARAGRAPH_BREAK = re.compile(r"\r?\n[ \t\r]*\n\s*")  # a blank line, also as Windows writes it (CRLF)


def _data_files() -> list[Path]:
    files = [CONFIG_PATH, PACKAGE_DIR.parent / "taxonomy" / "syria_admin.csv",
             PACKAGE_DIR.parent / "taxonomy" / "taxonomy.json"]
    files += sorted((PACKAGE_DIR / "data").rglob("*.*"))
    files += sorted(PACKAGE_DIR.glob("*.py"))
    return files


@lru_cache(maxsize=1)
def tagger_version() -> str:
    """The code version plus a digest of the rules, lexicons and gazetteer: any change to them re-tags."""
    digest = hashlib.sha256()
    for path in _data_files():
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return f"{CODE_VERSION}+{digest.hexdigest()[:12]}"


def pipeline_language(language: str | None) -> str:
    return language if language in SUPPORTED else "xx"


def build_pipeline(language: str, config_path: Path = CONFIG_PATH, overrides: dict | None = None) -> Language:
    """The tagging pipeline for one language, assembled from the config file."""
    transition = load_taxonomy().entries["epoch"]["transition"]["from"]
    config = spacy.util.load_config(config_path, overrides={
        "nlp.lang": pipeline_language(language), "components.coi_dating.turning_point": transition,
        **(overrides or {})})
    nlp = spacy.util.load_model_from_config(config, auto_fill=True, validate=True)
    nlp.max_length = max(nlp.max_length, 4 * CHUNK_CHARS)
    return nlp


@dataclass
class Evidence:
    """One mention in the document's text, ready to store or print."""

    kind: str
    value: str | None
    surface: str
    start: int
    end: int
    sentence: str
    sentence_start: int
    sentence_end: int
    page: int | None
    paragraph: int | None
    passage: int | None
    negated: bool
    epoch: str | None
    dropped: str | None = None
    source: str = "lexicon"  # "model" for a threat the passage classifier added (its surface is the sentence),
    # "inferred" for an actor read from the act it usually does (its surface is the act's words)


@dataclass
class TaggedText:
    """The tagger's reading of one text: its epoch and every mention with evidence."""

    language: str | None
    epoch: str | None
    evidence: list[Evidence] = field(default_factory=list)

    def tags(self, kind: str, include_negated: bool = False) -> list[Evidence]:
        return [e for e in self.evidence if e.kind == kind and e.value and e.dropped is None
                and (include_negated or not e.negated)]

    def values(self, kind: str) -> list[str]:
        return list(dict.fromkeys(e.value for e in self.tags(kind)))


class Tagger:
    """Builds one pipeline per language on first use and keeps it."""

    def __init__(self, config_path: Path = CONFIG_PATH, overrides: dict | None = None):
        self.config_path = config_path
        self.overrides = overrides
        self.version = tagger_version()
        self.gazetteer: Gazetteer = load_gazetteer()
        self._pipelines: dict[str, Language] = {}

    def nlp(self, language: str | None) -> Language:
        key = pipeline_language(language)
        if key not in self._pipelines:
            self._pipelines[key] = build_pipeline(key, self.config_path, self.overrides)
        return self._pipelines[key]

    def tag_text(self, text: str, language: str | None = None, published: str | None = None) -> TaggedText:
        """Tag a plain text; paragraphs are the blocks between blank lines, numbered from 1."""
        return self.tag_passages(text, text_passages(text), language, published)

    def text_doc(self, text: str, language: str | None = None, published: str | None = None):
        """The pipeline's doc of a short plain text (up to CHUNK_CHARS), its paragraphs as passages: what the
        trained steps learn from."""
        passages = [(p.start, p.end) for p in text_passages(text)]
        return run_pipeline(self.nlp(language), text, passages, published)

    def tag_passages(self, text: str, passages: list[Passage], language: str | None = None,
                     published: str | None = None) -> TaggedText:
        """Tag the passages of a stored text; offsets are into text, pages and paragraphs from the passages."""
        nlp = self.nlp(language)
        result = TaggedText(language=language, epoch=load_taxonomy().epoch_for(published))
        document_epochs: list[str] = []
        for chunk in _chunks(_split_long(text, passages)):
            offset = chunk[0].start
            doc = run_pipeline(nlp, text[offset:chunk[-1].end], [(p.start - offset, p.end - offset) for p in chunk],
                               published)
            if doc._.coi_epoch:
                document_epochs.append(doc._.coi_epoch)
            result.evidence.extend(_evidence(text, offset, chunk, doc._.coi_mentions or ()))
        if result.epoch is None and document_epochs:
            result.epoch = max(set(document_epochs), key=document_epochs.count)
        return result


def text_passages(text: str) -> list[Passage]:
    """The paragraphs of a plain text (blocks between blank lines), numbered from 1."""
    passages, start, idx = [], 0, 0
    for match in list(_PARAGRAPH_BREAK.finditer(text)) + [None]:
        end = match.start() if match else len(text)
        if text[start:end].strip():
            passages.append(Passage(idx=idx, paragraph=idx + 1, start=start, end=end))
            idx += 1
        start = match.end() if match else end
    return passages


# A run of this many characters without a space is no word of any lexicon (a hostile "??????...", a base64 blob, a
# long URL). spaCy's tokenizer strips affixes from a token one at a time, each time searching the rest of it: a run
# of 200,000 question marks took minutes. Such runs are read as blanks of the same length, so offsets still hold.
LONG_RUN = 256
_LONG_RUN = re.compile(r"(?<!\S)\S{%d,}" % LONG_RUN)


def tokenizable(text: str) -> str:
    """The text the tokenizer reads: the same, with every run of LONG_RUN or more non-space characters blanked."""
    return _LONG_RUN.sub(lambda match: " " * len(match.group()), text) if len(text) >= LONG_RUN else text


def run_pipeline(nlp: Language, text: str, passages: list[tuple[int, int]], published: str | None):
    """The doc of a text whose passages are the [start, end) character ranges, through every component."""
    doc = nlp.make_doc(tokenizable(text))
    doc._.coi_text = text  # spaCy keeps the text exactly; rebuilding it from tokens is slow
    doc._.coi_passages = passages
    doc._.coi_published = published
    for _, component in nlp.pipeline:
        doc = component(doc)
    return doc


def _evidence(text: str, offset: int, chunk: list[Passage], mentions: list[Mention]) -> list[Evidence]:
    """The mentions of one chunk as evidence. Mentions come in text order, most passages hold many and most
    sentences several, so the previous mention's passage and sentence are tried first."""
    finder = _PassageFinder(chunk)
    sentences: dict[tuple[int, int], tuple[str, int, int]] = {}
    out = []
    passage, span, found = chunk[-1], _NO_SPAN, None
    for mention in mentions:
        start, end = offset + mention.start_char, offset + mention.end_char
        if not (finder.ordered and passage.start <= start < passage.end):
            holding = finder.holding(start)
            if holding is not passage:
                passage, span = holding, _NO_SPAN
        if mention.sentence != span:
            span = mention.sentence
            found = _sentence(text, offset, span, passage, sentences)
        sentence, sentence_start, sentence_end = found
        out.append(Evidence(mention.kind, mention.value, mention.surface, start, end, sentence, sentence_start,
                            sentence_end, passage.page, passage.paragraph, passage.idx, mention.negated,
                            mention.epoch, mention.dropped, _source(mention)))
    return out


def _source(mention: Mention) -> str:
    """"model" for what a passage classifier added, "inferred" for an actor read from the act it usually does (its
    surface is the act's words), "lexicon" for the rest."""
    if mention.flag == "model":
        return "model"
    return "inferred" if mention.kind == "actor" and mention.flag == "likely" else "lexicon"


_NO_SPAN = (-1, -1)  # no sentence looked up yet (a mention without one has None)


def _sentence(text: str, offset: int, span: tuple[int, int] | None, passage: Passage,
              sentences: dict[tuple[int, int], tuple[str, int, int]]) -> tuple[str, int, int]:
    """The text and offsets of a mention's sentence, cut to its passage; `sentences` keeps each one's text."""
    sentence_start, sentence_end = (offset + span[0], offset + span[1]) if span else (passage.start, passage.end)
    clipped = (max(sentence_start, passage.start), min(sentence_end, passage.end))
    found = sentences.get(clipped)
    if found is None:
        found = sentences[clipped] = sentence_text(text, clipped)
    return found


class _PassageFinder:
    """The first passage of a chunk that holds a character (else the chunk's last): a binary search when the
    passages follow each other without overlapping, as extracted passages do, else a scan."""

    def __init__(self, chunk: list[Passage]):
        self.chunk = chunk
        self.starts = [p.start for p in chunk]
        self.ordered = all(a.end <= b.start for a, b in zip(chunk, chunk[1:]))

    def holding(self, char: int) -> Passage:
        chunk = self.chunk
        if not self.ordered:
            return next((p for p in chunk if p.start <= char < p.end), chunk[-1])
        index = bisect.bisect_right(self.starts, char) - 1
        return chunk[index] if index >= 0 and char < chunk[index].end else chunk[-1]


_SENTENCE_ENDS = (". ", "! ", "? ", "؟ ", ".\n", "!\n", "?\n", "؟\n")


def _split_long(text: str, passages: list[Passage]) -> list[Passage]:
    """Passages longer than CHUNK_CHARS (a page of extracted text without a blank line, a hostile megabyte in one
    line) cut into pieces at the last sentence end before the limit, else at a line break or space; each piece
    keeps its passage's number, page and paragraph, so evidence still cites the paragraph."""
    out = []
    for passage in passages:
        start = passage.start
        while passage.end - start > CHUNK_CHARS:
            lowest, limit = start + CHUNK_CHARS // 2, start + CHUNK_CHARS
            cut = max(text.rfind(end, lowest, limit) + len(end) for end in _SENTENCE_ENDS)
            if cut < lowest:
                cut = max(text.rfind("\n", lowest, limit), text.rfind(" ", lowest, limit)) + 1
            cut = cut if cut > lowest else limit
            out.append(dataclasses.replace(passage, start=start, end=cut))
            start = cut
        out.append(passage if start == passage.start else dataclasses.replace(passage, start=start))
    return out


def _chunks(passages: list[Passage]) -> list[list[Passage]]:
    chunks: list[list[Passage]] = []
    current: list[Passage] = []
    for passage in sorted(passages, key=lambda p: p.start):
        if current and passage.end - current[0].start > CHUNK_CHARS:
            chunks.append(current)
            current = []
        current.append(passage)
    if current:
        chunks.append(current)
    return chunks


@lru_cache(maxsize=1)
def default_tagger() -> Tagger:
    return Tagger()
