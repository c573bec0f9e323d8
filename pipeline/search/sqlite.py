"""The embedded search backend: SQLite FTS5 for text and ranking, in-memory bitsets for filters and facet counts."""

from __future__ import annotations

import json
import sqlite3
from collections import OrderedDict, defaultdict
from datetime import date
from functools import reduce
from pathlib import Path
from typing import Iterable

import numpy as np
from ..taxonomy import load_taxonomy
from . import bitset
from .backend import SearchBackend, SearchBackendError
from .config import load_index_config
from .facets import FACET_NAMES, MULTI_VALUED, facet_values, passage_filters
from .model import PASSAGE_FACETS, FacetValue, Hit, IndexDocument, SearchRequest, SearchResponse
from .query import And, Not, Or, Phrase, QuerySyntaxError, Term, parse_query, split_negative

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs (
    rowid INTEGER PRIMARY KEY,
    doc_id TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    url TEXT NOT NULL,
    source TEXT NOT NULL,
    source_name TEXT,
    source_type TEXT,
    doc_type TEXT,
    language TEXT,
    published TEXT,
    first_seen TEXT,
    epoch TEXT,
    facets TEXT NOT NULL DEFAULT '{}',
    copies TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX IF NOT EXISTS docs_published ON docs (published);
CREATE VIRTUAL TABLE IF NOT EXISTS docs_fts USING fts5 (title, body, tokenize = '{tokenize}');
CREATE TABLE IF NOT EXISTS doc_facets (
    facet TEXT NOT NULL, value TEXT NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY (facet, value, doc)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS doc_facets_doc ON doc_facets (doc);
CREATE TABLE IF NOT EXISTS doc_passages (
    facet TEXT NOT NULL, value TEXT NOT NULL, doc INTEGER NOT NULL, passage INTEGER NOT NULL,
    PRIMARY KEY (facet, value, doc, passage)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS doc_passages_doc ON doc_passages (doc);
"""
TABLES = ("docs_fts", "doc_facets", "doc_passages", "docs")
SINGLE_VALUED = ("source", "source_type", "doc_type", "language", "epoch")
HIGHLIGHT_START, HIGHLIGHT_END = "\x02", "\x03"
CONFIG = load_index_config("sqlite")
SNIPPET_TOKENS = int(CONFIG["snippet_tokens"])
PLAIN_SNIPPET_CHARS = int(CONFIG["plain_snippet_chars"])
BATCH = int(CONFIG["batch_size"])
CACHE_ENTRIES = int(CONFIG["cache_entries"])


def _fts_string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def render_fts(node) -> str:
    """Render a parsed query as an FTS5 expression; every word is quoted, so no user text is FTS5 syntax."""
    if isinstance(node, Term):
        return _fts_string(node.text) + ("*" if node.prefix else "")
    if isinstance(node, Phrase):
        return _fts_string(node.text)
    if isinstance(node, Or):
        if any(isinstance(child, Not) for child in node.children):
            raise QuerySyntaxError("NOT cannot stand alone inside OR: write e.g. 'detention NOT Aleppo'")
        return "(" + " OR ".join(render_fts(child) for child in node.children) + ")"
    if isinstance(node, And):
        positive, negatives = split_negative(node)
        if positive is None:
            raise QuerySyntaxError("a group with only NOT terms excludes from nothing: add a word to search for")
        text = render_fts(positive) if not isinstance(positive, And) else \
            "(" + " AND ".join(render_fts(child) for child in positive.children) + ")"
        if negatives:
            text = f"({text} NOT {render_fts(negatives[0] if len(negatives) == 1 else Or(tuple(negatives)))})"
        return text
    if isinstance(node, Not):
        raise QuerySyntaxError("NOT needs something to exclude from, e.g. 'detention NOT Aleppo'")
    raise TypeError(node)


def _split_marks(marked: str) -> tuple[str, list[tuple[int, int]]]:
    """Turn text with highlight sentinels into plain text and (start, end) highlight offsets."""
    plain, spans, start = [], [], None
    length = 0
    for char in marked:
        if char == HIGHLIGHT_START:
            start = length
        elif char == HIGHLIGHT_END:
            if start is not None:
                spans.append((start, length))
            start = None
        else:
            plain.append(char)
            length += 1
    return "".join(plain), spans


class _FacetBits:
    """Bitsets of every facet value plus the date order, loaded once per index generation."""

    def __init__(self, db: sqlite3.Connection, generation: str):
        self.generation = generation
        self.size = db.execute("SELECT coalesce(max(rowid), 0) FROM docs").fetchone()[0] + 1
        rows_by_value: dict[tuple[str, str], list[int]] = defaultdict(list)
        for facet, value, doc in db.execute("SELECT facet, value, doc FROM doc_facets"):
            rows_by_value[(facet, value)].append(doc)
        self.values: dict[str, dict[str, int]] = defaultdict(dict)
        for (facet, value), rowids in rows_by_value.items():
            self.values[facet][value] = bitset.from_rowids(rowids, self.size)
        self.source_names = dict(db.execute("SELECT source, max(source_name) FROM docs GROUP BY source"))
        all_rowids = [row[0] for row in db.execute("SELECT rowid FROM docs")]
        self.all = bitset.from_rowids(all_rowids, self.size)
        self.by_date = np.fromiter((row[0] for row in db.execute(
            "SELECT rowid FROM docs ORDER BY published IS NULL, published DESC, rowid DESC")), dtype=np.int64)
        # Results of text matches and date ranges in this generation: users refine one query facet by facet.
        self.cache: OrderedDict[tuple, int] = OrderedDict()

    def cached(self, key: tuple, compute) -> int:
        if key in self.cache:
            self.cache.move_to_end(key)
            return self.cache[key]
        value = self.cache[key] = compute()
        if len(self.cache) > CACHE_ENTRIES:
            self.cache.popitem(last=False)
        return value

    def any_of(self, facet: str, values: list[str]) -> int:
        known = self.values.get(facet, {})
        return reduce(lambda acc, v: acc | known.get(v, 0), values, 0)


class SQLiteBackend(SearchBackend):
    name = "sqlite"

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, isolation_level=None, timeout=120, check_same_thread=False)
        self.db.execute("PRAGMA busy_timeout = 120000")
        self.db.execute("PRAGMA journal_mode = WAL")
        self.db.execute("PRAGMA synchronous = NORMAL")
        self.db.executescript(SCHEMA.replace("{tokenize}", CONFIG["tokenize"].replace("'", "")))
        self._bits: _FacetBits | None = None
        self.taxonomy = load_taxonomy()

    def close(self) -> None:
        self.db.close()

    # -- writing -----------------------------------------------------------------------------------

    def _bump_generation(self) -> None:
        self.db.execute(
            "INSERT INTO meta (key, value) VALUES ('generation', '1') "
            "ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1")

    def index(self, documents: Iterable[IndexDocument]) -> list[str]:
        done: list[str] = []
        batch: list[IndexDocument] = []
        for document in documents:
            batch.append(document)
            if len(batch) >= BATCH:
                done += self._index_batch(batch)
                batch = []
        if batch:
            done += self._index_batch(batch)
        return done

    def rebuild(self, documents: Iterable[IndexDocument]) -> list[str]:
        # One transaction: readers (WAL) keep seeing the old index until the new one is committed whole.
        self.db.execute("BEGIN IMMEDIATE")
        try:
            for table in TABLES:
                self.db.execute(f"DELETE FROM {table}")
            done = self._write(documents)
            self._bump_generation()
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return done

    def _index_batch(self, documents: list[IndexDocument]) -> list[str]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self._write(documents)
            self._bump_generation()
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return [doc.doc_id for doc in documents]

    def _write(self, documents: Iterable[IndexDocument]) -> list[str]:
        done = []
        for doc in documents:
            self._remove(doc.doc_id)
            published = doc.published.isoformat() if isinstance(doc.published, date) else doc.published
            rowid = self.db.execute(
                """INSERT INTO docs (doc_id, title, url, source, source_name, source_type, doc_type, language,
                                     published, first_seen, epoch, facets, copies)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (doc.doc_id, doc.title, doc.url, doc.source, doc.source_name, doc.source_type, doc.doc_type,
                 doc.language, published, doc.first_seen, doc.epoch, json.dumps(doc.facets), json.dumps(doc.copies)),
            ).lastrowid
            self.db.execute("INSERT INTO docs_fts (rowid, title, body) VALUES (?, ?, ?)", (rowid, doc.title, doc.body))
            values = {(facet, getattr(doc, facet)) for facet in SINGLE_VALUED if getattr(doc, facet)}
            values |= {(facet, v) for facet in MULTI_VALUED for v in doc.facets.get(facet, ())}
            self.db.executemany("INSERT INTO doc_facets (facet, value, doc) VALUES (?, ?, ?)",
                                [(facet, value, rowid) for facet, value in values])
            self.db.executemany("INSERT OR IGNORE INTO doc_passages (facet, value, doc, passage) VALUES (?, ?, ?, ?)",
                                [(facet, value, rowid, number) for number, passage in enumerate(doc.passages)
                                 for facet in PASSAGE_FACETS for value in passage.get(facet, ())])
            done.append(doc.doc_id)
        return done

    def _remove(self, doc_id: str) -> None:
        row = self.db.execute("SELECT rowid FROM docs WHERE doc_id = ?", (doc_id,)).fetchone()
        if row:
            self.db.execute("DELETE FROM docs_fts WHERE rowid = ?", (row[0],))
            self.db.execute("DELETE FROM doc_facets WHERE doc = ?", (row[0],))
            self.db.execute("DELETE FROM doc_passages WHERE doc = ?", (row[0],))
            self.db.execute("DELETE FROM docs WHERE rowid = ?", (row[0],))

    def delete(self, doc_ids: Iterable[str]) -> None:
        self.db.execute("BEGIN IMMEDIATE")
        for doc_id in doc_ids:
            self._remove(doc_id)
        self._bump_generation()
        self.db.execute("COMMIT")

    def clear(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")
        for table in TABLES:
            self.db.execute(f"DELETE FROM {table}")
        self._bump_generation()
        self.db.execute("COMMIT")

    def count(self) -> int:
        return self.db.execute("SELECT count(*) FROM docs").fetchone()[0]

    def optimize(self) -> None:
        """Merge the FTS5 index segments (after a large load) for faster queries."""
        self.db.execute("INSERT INTO docs_fts (docs_fts) VALUES ('optimize')")

    # -- searching -----------------------------------------------------------------------------------

    def _facet_bits(self) -> _FacetBits:
        row = self.db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        generation = row[0] if row else "0"
        if self._bits is None or self._bits.generation != generation:
            self._bits = _FacetBits(self.db, generation)
        return self._bits

    def _match(self, expression: str, bits: _FacetBits) -> int:
        """The documents matching an FTS5 expression, as a bitset (cached for this index generation)."""
        def run() -> int:
            try:
                # One comma-separated string parsed by numpy: a Python object per matching row cost twice as much.
                joined = self.db.execute("SELECT group_concat(rowid) FROM docs_fts WHERE docs_fts MATCH ?",
                                         (expression,)).fetchone()[0]
                rowids = np.fromstring(joined, dtype=np.int64, sep=",") if joined else np.zeros(0, dtype=np.int64)
                return bitset.from_rowids(rowids, bits.size)
            except sqlite3.OperationalError as error:
                raise QuerySyntaxError(f"the query could not be run: {error}") from None

        return bits.cached(("match", expression), run)

    def _ranked_page(self, expression: str, within: list[int] | None, offset: int, limit: int) -> list[tuple[int, float]]:
        # bm25() in our own ORDER BY, not FTS5's "ORDER BY rank": FTS5 would rank every match before the rowid
        # filter applies; the unary + keeps FTS5 from turning the IN list into one lookup per rowid.
        sql = "SELECT rowid, bm25(docs_fts) AS score FROM docs_fts WHERE docs_fts MATCH ?"
        params: list = [expression]
        if within is not None:
            sql += " AND +rowid IN (SELECT value FROM json_each(?))"
            params.append(json.dumps(within))
        sql += " ORDER BY score, rowid LIMIT ? OFFSET ?"
        return self.db.execute(sql, (*params, limit, offset)).fetchall()

    def search(self, request: SearchRequest) -> SearchResponse:
        try:
            return self._search(request)
        except sqlite3.DatabaseError as error:
            if isinstance(error, sqlite3.OperationalError) and "fts5" in str(error):
                raise QuerySyntaxError(f"the query could not be run: {error}") from None
            raise SearchBackendError(f"the SQLite index at {self.path} failed: {error}") from None

    def _search(self, request: SearchRequest) -> SearchResponse:
        bits = self._facet_bits()
        positive, negatives = split_negative(parse_query(request.query))
        positive_fts = render_fts(positive) if positive is not None else None
        matched = bits.all
        if positive_fts:
            matched = self._match(positive_fts, bits)
        text_matched = matched
        if negatives:
            excluded = render_fts(negatives[0] if len(negatives) == 1 else Or(tuple(negatives)))
            matched &= ~self._match(excluded, bits)
        if request.since or request.until:
            matched &= bits.cached(("dates", request.since, request.until), lambda: self._date_bits(request, bits.size))

        in_passage = passage_filters(request)
        facet_filters: dict[str, int] = {}
        for facet in FACET_NAMES:
            wanted, unwanted = request.filters.get(facet), request.excludes.get(facet)
            if facet in in_passage:
                wanted = None  # checked passage by passage below
            if wanted or unwanted:
                allowed = bits.any_of(facet, wanted) if wanted else bits.all
                facet_filters[facet] = allowed & ~bits.any_of(facet, unwanted or [])
        selected = reduce(lambda acc, b: acc & b, facet_filters.values(), matched)
        if in_passage:
            selected &= self._passage_bits(in_passage, bits.size)

        facets = {}
        for facet in FACET_NAMES:
            # Disjunctive: a facet's own selection does not narrow its own counts, so users can widen it.
            base = selected
            if facet in facet_filters or facet in in_passage:
                base = reduce(lambda acc, b: acc & b, (b for f, b in facet_filters.items() if f != facet), matched)
            values = bits.values.get(facet, {})
            if in_passage and facet in PASSAGE_FACETS:
                # Count a value where it shares a passage with the other same-passage filters.
                values = self._passage_values(facet, {f: v for f, v in in_passage.items() if f != facet}, bits.size)
            elif in_passage:
                base &= self._passage_bits(in_passage, bits.size)
            facets[facet] = self._facet_counts(facet, request, base, values,
                                               bits.source_names if facet == "source" else None)
        total = selected.bit_count()
        offset = (request.page - 1) * request.per_page
        scores: dict[int, float] = {}
        if positive_fts and request.sort == "relevance":
            narrowed = text_matched.bit_count() != total
            within = bitset.to_array(selected).tolist() if narrowed else None
            ranked = self._ranked_page(positive_fts, within, offset, request.per_page) if total > offset else []
            page_rowids = [rowid for rowid, _ in ranked]
            scores = dict(ranked)
        else:
            in_order = bits.by_date[bitset.to_flags(selected, bits.size)[bits.by_date]]
            page_rowids = in_order[offset:offset + request.per_page].tolist()
        hits = self._hits(page_rowids, positive_fts, scores)
        return SearchResponse(total=total, page=request.page, per_page=request.per_page, hits=hits, facets=facets)

    def _passage_bits(self, in_passage: dict[str, list[str]], size: int) -> int:
        """Documents with one passage that holds a wanted value of every facet in in_passage."""
        clauses, params = self._passage_clauses(in_passage)
        rows = self.db.execute(
            f"SELECT doc FROM doc_passages WHERE {clauses} "
            "GROUP BY doc, passage HAVING count(DISTINCT facet) = ?", (*params, len(in_passage)))
        return bitset.from_rowids((row[0] for row in rows), size)

    def _passage_values(self, facet: str, others: dict[str, list[str]], size: int) -> dict[str, int]:
        """Per value of facet: the documents with a passage holding that value and the others' wanted values."""
        if others:
            clauses, params = self._passage_clauses(others)
            sql = (f"WITH ok AS (SELECT doc, passage FROM doc_passages WHERE {clauses} GROUP BY doc, passage "
                   "HAVING count(DISTINCT facet) = ?) "
                   "SELECT p.value, p.doc FROM doc_passages p JOIN ok USING (doc, passage) WHERE p.facet = ?")
            rows = self.db.execute(sql, (*params, len(others), facet))
        else:
            rows = self.db.execute("SELECT value, doc FROM doc_passages WHERE facet = ?", (facet,))
        docs: dict[str, list[int]] = defaultdict(list)
        for value, doc in rows:
            docs[value].append(doc)
        return {value: bitset.from_rowids(rowids, size) for value, rowids in docs.items()}

    @staticmethod
    def _passage_clauses(in_passage: dict[str, list[str]]) -> tuple[str, list[str]]:
        clauses, params = [], []
        for facet, values in in_passage.items():
            clauses.append(f"(facet = ? AND value IN ({','.join('?' * len(values))}))")
            params += [facet, *values]
        return " OR ".join(clauses), params

    def _date_bits(self, request: SearchRequest, size: int) -> int:
        clauses, params = ["published IS NOT NULL"], []
        if request.since:
            clauses.append("published >= ?")
            params.append(request.since.isoformat())
        if request.until:
            clauses.append("substr(published, 1, 10) <= ?")
            params.append(request.until.isoformat())
        rows = self.db.execute(f"SELECT rowid FROM docs WHERE {' AND '.join(clauses)}", params)
        return bitset.from_rowids((row[0] for row in rows), size)

    def _facet_counts(self, facet: str, request: SearchRequest, base: int, values: dict[str, int],
                      labels: dict[str, str] | None) -> list[FacetValue]:
        counts = {value: (base & value_bits).bit_count() for value, value_bits in values.items()}
        return facet_values(facet, request, counts, self.taxonomy, labels)

    def _hits(self, rowids: list[int], positive_fts: str | None, scores: dict[int, float]) -> list[Hit]:
        if not rowids:
            return []
        marks = ",".join("?" * len(rowids))
        docs = {row["rowid"]: row for row in self._rows(f"SELECT rowid, * FROM docs WHERE rowid IN ({marks})", rowids)}
        if positive_fts:
            # One lookup per hit: FTS5 cannot use "rowid IN (...)" and would walk every match of the query.
            sql = (f"SELECT snippet(docs_fts, 1, ?, ?, '…', {SNIPPET_TOKENS}), highlight(docs_fts, 0, ?, ?) "
                   "FROM docs_fts WHERE docs_fts MATCH ? AND rowid = ?")
            snippets = {}
            for rowid in rowids:
                row = self.db.execute(sql, (HIGHLIGHT_START, HIGHLIGHT_END, HIGHLIGHT_START, HIGHLIGHT_END,
                                            positive_fts, rowid)).fetchone()
                if row:
                    snippets[rowid] = (row[0], row[1])
        else:
            snippets = {
                row[0]: (row[1] + ("…" if row[2] > PLAIN_SNIPPET_CHARS else ""), row[3]) for row in self.db.execute(
                    f"SELECT rowid, substr(body, 1, {PLAIN_SNIPPET_CHARS}), length(body), title FROM docs_fts "
                    f"WHERE rowid IN ({marks})", rowids)
            }
        hits = []
        for rowid in rowids:
            row = docs[rowid]
            snippet, highlights = _split_marks(snippets.get(rowid, ("", ""))[0])
            title, title_highlights = _split_marks(snippets.get(rowid, ("", row["title"]))[1] or row["title"])
            hits.append(Hit(
                doc_id=row["doc_id"], title=title, url=row["url"], source=row["source"],
                source_name=row["source_name"] or row["source"], source_type=row["source_type"] or "",
                doc_type=row["doc_type"] or "", language=row["language"] or "", published=row["published"],
                epoch=row["epoch"] or "", score=-scores[rowid] if rowid in scores else None,
                snippet=" ".join(snippet.split()), highlights=_respace(snippet, highlights),
                title_highlights=title_highlights, facets=json.loads(row["facets"]), copies=json.loads(row["copies"])))
        return hits

    def _rows(self, sql: str, params) -> list[sqlite3.Row]:
        cursor = self.db.execute(sql, params)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]


def _respace(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Map highlight offsets in text onto the same text with its whitespace runs collapsed to one space."""
    mapping, out = [], 0
    previous_space = True  # leading whitespace is dropped
    for char in text:
        mapping.append(out)
        if char.isspace():
            if not previous_space:
                out += 1
            previous_space = True
        else:
            out += 1
            previous_space = False
    mapping.append(out)
    return [(mapping[start], mapping[end]) for start, end in spans]
