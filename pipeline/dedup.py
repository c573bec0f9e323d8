"""Near-duplicates: the same report on its publisher's site, on ReliefWeb and on a mirror becomes one document.

MinHash over word 5-grams estimates the Jaccard similarity of two texts; LSH banding finds candidate pairs
without comparing every pair. A pair is a duplicate when the texts are nearly the same, or fairly similar with
other evidence (a matching title, or one links to the other as its original). Texts of very different length
(a press release and the full report it announces) never are, nor are texts in different languages.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from .store import Store
from .store.store import utcnow

NUM_PERM = 128
BANDS, ROWS = 32, 4  # candidate pairs from an estimated Jaccard of about (1/32) ** (1/4) = 0.42
SHINGLE_WORDS = 5
MIN_WORDS = 40  # shorter texts say too little to be judged copies of each other
NEAR_IDENTICAL = 0.8
SIMILAR_WITH_EVIDENCE = 0.5
MIN_LENGTH_RATIO = 0.6
SIMILAR_TITLE = 0.85
_PRIME = (1 << 61) - 1
_rng = np.random.default_rng(20241208)
_A = _rng.integers(1, 1 << 32, NUM_PERM, dtype=np.uint64)
_B = _rng.integers(0, 1 << 32, NUM_PERM, dtype=np.uint64)
_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def minhash(tokens: list[str]) -> np.ndarray:
    """The MinHash signature (NUM_PERM uint32 values) of a text's word shingles."""
    grams = {" ".join(tokens[i:i + SHINGLE_WORDS]) for i in range(max(1, len(tokens) - SHINGLE_WORDS + 1))}
    hashes = np.fromiter((int.from_bytes(hashlib.blake2b(g.encode(), digest_size=4).digest(), "little")
                          for g in grams), dtype=np.uint64, count=len(grams))
    # (a * x + b) mod p stays below 2**64 because a and x are 32-bit values.
    permuted = (np.outer(_A, hashes) + _B[:, None]) % _PRIME & np.uint64(0xFFFFFFFF)
    return permuted.min(axis=1).astype(np.uint32)


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.count_nonzero(a == b)) / NUM_PERM


def _bands(signature: np.ndarray) -> list[tuple[int, bytes]]:
    return [(band, signature[band * ROWS:(band + 1) * ROWS].tobytes()) for band in range(BANDS)]


def _title_key(title: str | None) -> str:
    return " ".join(words(title or ""))


@dataclass
class Entry:
    document_id: str
    signature: np.ndarray
    words: int
    language: str | None


@dataclass
class Decision:
    document_id: str
    canonical_id: str
    similarity: float
    evidence: dict


class Deduplicator:
    """Keeps every current version's signature in memory and files each new document with its copies."""

    def __init__(self, store: Store):
        self.store = store
        self.entries: dict[str, Entry] = {}
        self.buckets: dict[tuple[int, bytes], set[str]] = defaultdict(set)
        rows = store.db.execute(
            """SELECT s.document_id, s.minhash, s.words, s.language FROM signatures s
               JOIN documents d ON d.id = s.document_id AND d.current_version = s.version_id""")
        for doc_id, blob, count, language in rows:
            self._remember(Entry(doc_id, np.frombuffer(blob, dtype=np.uint32), count, language))

    def _remember(self, entry: Entry) -> None:
        previous = self.entries.get(entry.document_id)
        if previous is not None:
            for key in _bands(previous.signature):
                self.buckets[key].discard(entry.document_id)
        self.entries[entry.document_id] = entry
        for key in _bands(entry.signature):
            self.buckets[key].add(entry.document_id)

    def add(self, doc_id: str) -> Decision | None:
        """Sign a freshly extracted document and decide whether it copies another; None if it is unique."""
        document = self.store.document(doc_id)
        extraction = self.store.text(document["current_version"]) if document else None
        if extraction is None:
            return None
        tokens = words(extraction.text)
        entry = Entry(doc_id, minhash(tokens), len(tokens), document["language"])
        with self.store.transaction() as db:
            db.execute("INSERT OR REPLACE INTO signatures (version_id, document_id, minhash, words, language) "
                       "VALUES (?, ?, ?, ?, ?)", (document["current_version"], doc_id, entry.signature.tobytes(),
                                                  entry.words, entry.language))
        self._remember(entry)
        if entry.words < MIN_WORDS:
            return None
        candidates = set().union(*(self.buckets[key] for key in _bands(entry.signature))) - {doc_id}
        best: tuple[float, str, dict] | None = None
        for other in candidates:
            evidence = self.compare(entry, document, self.entries[other])
            if evidence and (best is None or evidence["jaccard"] > best[0]):
                best = (evidence["jaccard"], other, evidence)
        if best is None:
            return None
        return self._file(doc_id, best[1], best[0], best[2])

    def compare(self, entry: Entry, document: dict, other: Entry) -> dict | None:
        """The evidence that two documents are copies, or None if they are not."""
        if other.words < MIN_WORDS or (entry.language and other.language and entry.language != other.language):
            return None
        length_ratio = min(entry.words, other.words) / max(entry.words, other.words)
        if length_ratio < MIN_LENGTH_RATIO:
            return None
        similarity = jaccard(entry.signature, other.signature)
        other_doc = self.store.document(other.document_id) or {}
        title_similarity = difflib.SequenceMatcher(
            None, _title_key(document.get("title")), _title_key(other_doc.get("title"))).ratio()
        linked = self.store.db.execute(
            "SELECT 1 FROM links WHERE (from_document = ? AND to_document = ?) OR (from_document = ? AND to_document = ?)",
            (entry.document_id, other.document_id, other.document_id, entry.document_id)).fetchone() is not None
        if similarity >= NEAR_IDENTICAL or (
                similarity >= SIMILAR_WITH_EVIDENCE and (title_similarity >= SIMILAR_TITLE or linked)):
            return {"jaccard": round(similarity, 3), "length_ratio": round(length_ratio, 3),
                    "title_similarity": round(title_similarity, 3), "linked": linked}
        return None

    def _file(self, doc_id: str, other: str, similarity: float, evidence: dict) -> Decision:
        """Join doc_id to other's group of copies and pick the group's canonical document again."""
        canonical_of = dict(self.store.db.execute("SELECT document_id, canonical_id FROM duplicates"))
        root = canonical_of.get(other, other)
        members = {root, doc_id, *[d for d, c in canonical_of.items() if c == root]}
        canonical = min(members, key=self._preference)
        now = utcnow()
        with self.store.transaction() as db:
            for member in members:
                if member == canonical:
                    db.execute("DELETE FROM duplicates WHERE document_id = ?", (member,))
                    continue
                if member == doc_id or canonical_of.get(member) != canonical:
                    pair = similarity if member == doc_id else jaccard(self.entries[member].signature,
                                                                       self.entries[canonical].signature)
                    db.execute("INSERT OR REPLACE INTO duplicates (document_id, canonical_id, similarity, evidence, "
                               "decided_at) VALUES (?, ?, ?, ?, ?)",
                               (member, canonical, pair, json.dumps({**evidence, "matched": other}), now))
        for member in members:  # the index must drop copies and list them under the canonical document
            self.store.mark(member, "index", "pending")
        return Decision(doc_id, canonical, similarity, evidence)

    def _preference(self, doc_id: str) -> tuple:
        # The publisher's own copy before an aggregator's, then the earliest, then a stable tie-break.
        row = self.store.db.execute(
            """SELECT s.source_type, d.published, d.first_seen FROM documents d
               LEFT JOIN sources s ON s.id = d.source_id WHERE d.id = ?""", (doc_id,)).fetchone()
        source_type, published, first_seen = row if row else (None, None, None)
        return (source_type == "aggregator", published or "9999", first_seen or "9999", doc_id)


def copies_of(store: Store, doc_id: str) -> list[dict]:
    """The other copies of a canonical document: id, URL and source of each."""
    rows = store.db.execute(
        """SELECT d.id, d.url, d.source_id FROM duplicates x JOIN documents d ON d.id = x.document_id
           WHERE x.canonical_id = ? ORDER BY d.id""", (doc_id,))
    return [{"doc_id": r[0], "url": r[1], "source": r[2]} for r in rows]


def canonical_of(store: Store, doc_id: str) -> str | None:
    """The canonical document that doc_id is a copy of, or None if doc_id is canonical itself."""
    row = store.db.execute("SELECT canonical_id FROM duplicates WHERE document_id = ?", (doc_id,)).fetchone()
    return row[0] if row else None
