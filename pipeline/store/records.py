"""Plain records that go into and come out of the store."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class SourceInfo:
    """A publishing organisation we crawl, with the description researchers read."""

    id: str
    name: str
    organisation: str
    source_type: str  # ngo, un, government, media, research, aggregator
    languages: tuple[str, ...] = ()
    on_the_ground: bool | None = None
    crawl_method: str = ""
    homepage: str = ""
    description: str = ""


@dataclass
class FetchedReport:
    """One fetched body with the metadata a spider could read about it."""

    source_id: str
    url: str
    body: bytes
    title: str | None = None
    published: date | None = None
    doc_type: str | None = None
    language: str | None = None  # as declared by the site
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    fetched_url: str | None = None  # after redirects
    links: list[tuple[str, str]] = field(default_factory=list)  # (relation, url): attachment, translation, original
    metadata: dict = field(default_factory=dict)


@dataclass(frozen=True)
class IngestResult:
    document_id: str
    version_id: int
    sha256: str
    new_document: bool
    new_version: bool


@dataclass(frozen=True)
class Passage:
    """A paragraph of a document's text: [start, end) are character offsets into the full text."""

    idx: int
    paragraph: int
    start: int
    end: int
    page: int | None = None
    kind: str = "p"  # p, heading, item, cell
    ocr: bool = False


@dataclass
class Extraction:
    """The text of one version, split into passages, as produced by an extractor."""

    text: str
    passages: list[Passage]
    extractor: str
    page_count: int | None = None
    ocr_pages: list[int] = field(default_factory=list)
    title: str | None = None
    language: str | None = None
    language_score: float | None = None

    def passage_text(self, passage: Passage) -> str:
        return self.text[passage.start:passage.end]


@dataclass(frozen=True)
class Tag:
    """A region, group, threat or actor found in a document, with its evidence."""

    kind: str
    value: str
    surface: str | None = None
    start: int | None = None
    end: int | None = None
    page: int | None = None
    paragraph: int | None = None
    sentence: str | None = None
    negated: bool = False
    tagger_version: str | None = None
    source: str = "lexicon"  # or "model": a passage classifier, whose evidence is the whole sentence; or "inferred":
    # an actor read from the act it usually does, whose evidence is the act's words
