"""A pinpoint citation of one stored document version (and optionally one passage or quote) read from the store."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from ..store import Store
from .versions import withdrawal

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


class CitationError(ValueError):
    """The store cannot support a correct citation (unknown document, quote not in the text, no title...)."""


@dataclass(frozen=True)
class Citation:
    """Everything a citation states, in plain fields; formats.py turns it into text, RIS, BibTeX or CSL-JSON."""

    doc_id: str
    title: str
    authors: tuple[str, ...]  # the organisations that published the report (corporate authors)
    publisher: str  # the organisation of the source we crawled it from (ReliefWeb for a report it re-publishes)
    source_name: str
    source_description: str  # the first sentence of the source's description
    source_type: str  # ngo, un, government, media, research, aggregator
    on_the_ground: bool | None  # whether the source does on-the-ground research
    url: str
    published: tuple[int, ...]  # (year,), (year, month) or (year, month, day); () when the source gives no date
    retrieved: tuple[int, int, int]  # date consulted: when the cited version was retrieved
    version: int  # 1-based number of the cited version among the document's versions
    versions: int
    current: bool  # the cited version is the one the source serves now
    sha256: str
    archive_url: str
    language: str = ""
    doc_type: str = ""
    paragraphs: tuple[int, ...] = ()
    pages: tuple[int, ...] = ()
    quote: str = ""
    withdrawn: str = ""  # date (YYYY-MM-DD) on which the source was found to have withdrawn the report

    @property
    def key(self) -> str:
        """A stable citation key: document id and version."""
        return f"coi-{self.doc_id}-v{self.version}"

    def to_json(self) -> dict:
        return asdict(self)


def parse_date(value: str | None) -> tuple[int, ...]:
    """(year[, month[, day]]) from an ISO date or a prefix of one; () for anything else, so nothing is guessed."""
    match = _PARTIAL_DATE.match((value or "").strip())
    if not match:
        return ()
    parts = [int(p) for p in match.groups() if p is not None]
    if len(parts) > 1 and not 1 <= parts[1] <= 12:
        return (parts[0],)
    if len(parts) > 2 and not 1 <= parts[2] <= 31:
        return tuple(parts[:2])
    return tuple(parts)


def _first_sentence(description: str | None) -> str:
    return " ".join((description or "").split()).split(". ")[0].rstrip(".")


def _authors(metadata: dict, organisation: str) -> tuple[str, ...]:
    """The original publishers an aggregator names (ReliefWeb's "source" list), else the crawled organisation."""
    named = [" ".join(str(s.get("name") or "").split()) for s in metadata.get("source") or [] if isinstance(s, dict)]
    return tuple(n for n in named if n) or (organisation,)


def archive_path(doc_id: str, sha256: str) -> str:
    return f"/documents/{doc_id}/archive/{sha256}"


def _find_quote(text: str, quote: str) -> tuple[int, int] | None:
    """Offsets of quote in text: exact, else with any run of whitespace matching any other."""
    at = text.find(quote)
    if at >= 0:
        return at, at + len(quote)
    words = quote.split()
    if not words:
        return None
    match = re.search(r"\s+".join(re.escape(w) for w in words), text)
    return (match.start(), match.end()) if match else None


def build_citation(store: Store, doc_id: str, *, paragraph: int | None = None, quote: str | None = None,
                   version: int | None = None, public_url: str = "") -> Citation:
    """The citation of doc_id: of its current version, or version N (1-based); pinpointed to a paragraph number (¶)
    or to the paragraphs and pages a quote spans. A quote not in the current version is looked up in older ones, and
    the citation then names the older version it quotes. Raises CitationError when no correct citation can be made."""
    document = store.document(doc_id)
    if document is None:
        raise CitationError(f"no document {doc_id!r}")
    versions = store.versions(doc_id)
    if not versions:
        raise CitationError(f"document {doc_id} has no archived version")
    if not (document["title"] or "").strip():
        raise CitationError(f"document {doc_id} has no title: cite it by hand from the archived copy")
    source = store.sources().get(document["source_id"] or "")
    organisation = (source or {}).get("organisation") or (source or {}).get("name")
    if not organisation:
        raise CitationError(f"document {doc_id} has no known publishing organisation")
    numbered = {v["id"]: n for n, v in enumerate(versions, start=1)}
    if version is not None:
        if not 1 <= version <= len(versions):
            raise CitationError(f"document {doc_id} has {len(versions)} version(s), not {version}")
        candidates = [versions[version - 1]]
    else:
        current = next(v for v in versions if v["id"] == document["current_version"])
        candidates = [current] + [v for v in reversed(versions) if v["id"] != current["id"]] if quote else [current]
    cited, paragraphs, pages, quoted = candidates[0], (), (), ""
    if quote is not None or paragraph is not None:
        cited, paragraphs, pages, quoted = _pinpoint(store, doc_id, candidates, paragraph, quote)
    retrieved = parse_date(cited["retrieved"])
    return Citation(
        doc_id=doc_id, title=" ".join(document["title"].split()),
        authors=_authors(document["metadata"] or {}, organisation), publisher=organisation,
        source_name=source.get("name") or organisation,
        source_description=_first_sentence(source.get("description")), source_type=source.get("source_type") or "",
        on_the_ground=None if source.get("on_the_ground") is None else bool(source["on_the_ground"]),
        url=document["url"], published=parse_date(document["published"]),
        retrieved=retrieved, version=numbered[cited["id"]], versions=len(versions),
        current=cited["id"] == document["current_version"], sha256=cited["sha256"],
        archive_url=public_url.rstrip("/") + archive_path(doc_id, cited["sha256"]),
        language=document["language"] or document["language_declared"] or "", doc_type=document["doc_type"] or "",
        paragraphs=paragraphs, pages=pages, quote=quoted, withdrawn=withdrawal(store, doc_id) or "")


def _pinpoint(store: Store, doc_id: str, candidates: list[dict], paragraph: int | None, quote: str | None):
    for version in candidates:
        extraction = store.text(version["id"])
        if extraction is None:
            continue
        if paragraph is not None:
            parts = [p for p in extraction.passages if p.paragraph == paragraph]
            if not parts:
                raise CitationError(f"document {doc_id} has no paragraph {paragraph}")
            start, end = parts[0].start, parts[-1].end
        else:
            found = _find_quote(extraction.text, quote)
            if found is None:
                continue
            start, end = found
            parts = [p for p in extraction.passages if p.start < end and p.end > start]
        pages = tuple(sorted({p.page for p in parts if p.page is not None}))
        paragraphs = tuple(sorted({p.paragraph for p in parts}))
        return version, paragraphs, pages, extraction.text[start:end]
    if paragraph is not None:
        raise CitationError(f"document {doc_id} has no extracted text yet: run `coi process`")
    raise CitationError(f"the quote is not in any stored version of document {doc_id}")
