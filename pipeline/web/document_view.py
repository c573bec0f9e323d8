"""A stored document as its page shows it: metadata, source, passages with evidence marked, tags, versions."""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup, escape

from ..cite.versions import history, version_diffs, withdrawal
from ..dedup import canonical_of, copies_of
from ..store import Store
from ..tagging.claims import claims_for
from ..taxonomy import load_taxonomy

KIND_FACET = {"region": "governorate", "group": "group", "threat": "threat", "actor": "actor"}


@dataclass
class PassageView:
    idx: int
    paragraph: int
    page: int | None
    kind: str
    anchor: str  # the id on the page: p12 for paragraph 12 (its first passage when a page break cuts it)
    start: int
    end: int
    text: str
    html: Markup  # the text, escaped, with evidence sentences and mentions marked
    evidence: bool = False


@dataclass
class TagView:
    kind: str
    value: str
    label: str
    evidence: list[dict] = field(default_factory=list)  # sentence, surface, anchor, page, paragraph


# How the evidence of a tag that no phrase of the text names is shown: a threat the passage classifier read, an
# actor inferred from the act it usually does (the words shown are the act's, not the actor's).
_SHOWN_SOURCES = {"model": "read by the threat classifier", "inferred": "inferred from the act: {}"}

def _anchors(passages) -> dict[int, str]:
    anchors, seen = {}, set()
    for passage in passages:
        anchor = f"p{passage.paragraph}"
        if anchor in seen:
            anchor = f"p{passage.paragraph}-{passage.idx}"
        seen.add(anchor)
        anchors[passage.idx] = anchor
    return anchors


def marked_text(text: str, offset: int, sentences: list[tuple[int, int, str]], mentions: list[tuple[int, int, str, str]]) -> Markup:
    """Escape a passage's text and mark evidence: <mark> for a claim's sentence, <span class=mention> for a tag's
    words. Offsets are into the document's text; the passage starts at offset."""
    points = {0, len(text)}
    for start, end, *_ in sentences + mentions:
        points.update((max(0, min(len(text), start - offset)), max(0, min(len(text), end - offset))))
    cuts = sorted(points)
    out = []
    for left, right in zip(cuts, cuts[1:]):
        piece = escape(text[left:right])
        at = left + offset
        mention = next((m for m in mentions if m[0] <= at < m[1]), None)
        if mention:
            piece = Markup('<span class="mention mention-{}" title="{}">{}</span>').format(mention[2], mention[3], piece)
        sentence = next((s for s in sentences if s[0] <= at < s[1]), None)
        if sentence:
            piece = Markup('<mark class="evidence" title="{}">{}</mark>').format(sentence[2], piece)
        out.append(piece)
    return Markup("").join(out)


def document_view(store: Store, doc_id: str) -> dict | None:
    """Everything the document page and /api/documents/{id} show, or None for an unknown id."""
    document = store.document(doc_id)
    if document is None:
        return None
    taxonomy = load_taxonomy()
    source = store.sources().get(document["source_id"] or "", {})
    extraction = store.text(document["current_version"]) if document["current_version"] else None
    text = extraction.text if extraction else ""
    passages = extraction.passages if extraction else []
    anchors = _anchors(passages)
    claims = claims_for(store, doc_id, level="sentence")
    tags = [t for t in store.tags(doc_id) if not t.negated and t.value]

    def passage_of(offset: int | None):
        return next((p for p in passages if offset is not None and p.start <= offset < p.end), None)

    sentences = [(c.start, c.end, "claim: " + ", ".join(
        taxonomy.label(kind, v) for kind, values in (("group", c.groups), ("threat", c.threats), ("actor", c.actors),
                                                     ("governorate", c.governorates)) for v in values))
                 for c in claims]
    mentions = [(t.start, t.end, t.kind, f"{t.kind}: {_label(taxonomy, t.kind, t.value)}")
                for t in tags if t.start is not None and t.end is not None]
    views = []
    for passage in passages:
        inside = [s for s in sentences if s[0] < passage.end and s[1] > passage.start]
        views.append(PassageView(
            passage.idx, passage.paragraph, passage.page, passage.kind, anchors[passage.idx], passage.start,
            passage.end, text[passage.start:passage.end],
            marked_text(text[passage.start:passage.end], passage.start, inside,
                        [m for m in mentions if m[0] < passage.end and m[1] > passage.start]),
            evidence=bool(inside)))
    tag_views: dict[tuple[str, str], TagView] = {}
    for tag in tags:
        label = _label(taxonomy, tag.kind, tag.value)
        if tag.kind == "region":  # a governorate and its chief district often share a name
            label = f"{label} ({tag.value})"
        view = tag_views.setdefault((tag.kind, tag.value), TagView(tag.kind, tag.value, label))
        passage = passage_of(tag.start)
        surface = _SHOWN_SOURCES.get(tag.source, "{}").format(tag.surface or "")
        view.evidence.append({"sentence": tag.sentence or "", "surface": surface, "page": tag.page,
                              "paragraph": tag.paragraph, "anchor": anchors.get(passage.idx) if passage else None})
    return {
        "id": doc_id,
        "title": document["title"] or document["url"],
        "url": document["url"],
        "canonical_url": document["canonical_url"],
        "published": document["published"],
        "first_seen": document["first_seen"],
        "retrieved": document["retrieved"],
        "doc_type": document["doc_type"],
        "language": document["language"] or document["language_declared"],
        "epoch": taxonomy.epoch_for(document["published"]),
        "sha256": document["sha256"],
        "content_type": document["content_type"],
        "source": source or {"id": document["source_id"], "name": document["source_id"]},
        "passages": views,
        "tags": sorted(tag_views.values(), key=lambda v: (v.kind, v.label)),
        "claims": [c.to_json() for c in claims_for(store, doc_id)],
        "versions": store.versions(doc_id),
        "history": history(store, doc_id),  # versions and withdrawals, with dates
        "diffs": version_diffs(store, doc_id),
        "withdrawn": withdrawal(store, doc_id),
        "copies": copies_of(store, doc_id),
        "copy_of": canonical_of(store, doc_id),
        "links": store.links(doc_id),
    }


def _label(taxonomy, kind: str, value: str) -> str:
    return taxonomy.label(KIND_FACET.get(kind, kind), value)  # a region of any level is looked up by its p-code
