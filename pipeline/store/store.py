"""The store of record: documents, versions, stage states and errors in SQLite (WAL), bodies in the archive."""

from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Iterator

from ..urls import canonical_url, document_id
from .archive import Archive
from .records import Extraction, FetchedReport, IngestResult, Passage, SourceInfo, Tag
from .schema import MIGRATIONS

STAGES = ("fetch", "extract", "tag", "index")
# A new version makes every later stage pending again.
_AFTER_FETCH = ("extract", "tag", "index")
BUSY_TIMEOUT_MS = 120_000


def utcnow() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Store:
    """Open (and create if needed) the store under data_dir."""

    def __init__(self, data_dir: Path | str):
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.archive = Archive(self.data_dir / "archive")
        self.path = self.data_dir / "store.sqlite"
        self.db = sqlite3.connect(self.path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        self.db.row_factory = sqlite3.Row
        self.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        self.db.execute("PRAGMA journal_mode = WAL")
        self.db.execute("PRAGMA synchronous = NORMAL")
        self.db.execute("PRAGMA foreign_keys = ON")
        self._migrate()

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        # IMMEDIATE takes the write lock up front, so a concurrent writer waits (busy_timeout)
        # instead of failing later with "database is locked" when it upgrades a read lock.
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def _migrate(self) -> None:
        with self.transaction() as db:
            applied = db.execute("PRAGMA user_version").fetchone()[0]
            for number, script in enumerate(MIGRATIONS[applied:], start=applied + 1):
                for statement in script.split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(f"PRAGMA user_version = {number}")

    # -- sources -----------------------------------------------------------------------------

    def upsert_source(self, source: SourceInfo) -> None:
        with self.transaction() as db:
            db.execute(
                """INSERT INTO sources (id, name, organisation, source_type, languages, on_the_ground,
                                        crawl_method, homepage, description, updated_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (id) DO UPDATE SET name = excluded.name, organisation = excluded.organisation,
                     source_type = excluded.source_type, languages = excluded.languages,
                     on_the_ground = excluded.on_the_ground, crawl_method = excluded.crawl_method,
                     homepage = excluded.homepage, description = excluded.description,
                     updated_at = excluded.updated_at""",
                (source.id, source.name, source.organisation, source.source_type, json.dumps(list(source.languages)),
                 None if source.on_the_ground is None else int(source.on_the_ground), source.crawl_method,
                 source.homepage, source.description, utcnow()),
            )

    def sources(self) -> dict[str, dict]:
        rows = self.db.execute("SELECT * FROM sources ORDER BY id").fetchall()
        return {row["id"]: {**dict(row), "languages": json.loads(row["languages"])} for row in rows}

    # -- fetching ------------------------------------------------------------------------------

    def ingest(self, report: FetchedReport) -> IngestResult:
        """Archive the body and record it: nothing new for known bytes, a new version for changed bytes."""
        canonical = canonical_url(report.url)
        doc_id = document_id(report.url)
        sha = self.archive.put(report.body)  # before the database, so a recorded version always has its body
        now = utcnow()
        published = report.published.isoformat() if isinstance(report.published, date) else report.published
        with self.transaction() as db:
            row = db.execute("SELECT id FROM documents WHERE id = ?", (doc_id,)).fetchone()
            new_document = row is None
            if new_document:
                db.execute(
                    """INSERT INTO documents (id, canonical_url, url, source_id, title, published, doc_type,
                                              language_declared, first_seen, last_checked, metadata)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    (doc_id, canonical, report.url, report.source_id, report.title, published, report.doc_type,
                     report.language, now, now, json.dumps(report.metadata, ensure_ascii=False, default=str)),
                )
            else:
                # Metadata from the latest fetch wins, but a missing field never erases a known one.
                db.execute(
                    """UPDATE documents SET title = COALESCE(?, title), published = COALESCE(?, published),
                         doc_type = COALESCE(?, doc_type), language_declared = COALESCE(?, language_declared),
                         last_checked = ? WHERE id = ?""",
                    (report.title, published, report.doc_type, report.language, now, doc_id),
                )
            version = db.execute(
                "SELECT id FROM versions WHERE document_id = ? AND sha256 = ?", (doc_id, sha)
            ).fetchone()
            new_version = version is None
            if new_version:
                version_id = db.execute(
                    """INSERT INTO versions (document_id, sha256, size, content_type, retrieved, etag,
                                             last_modified, fetched_url)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                    (doc_id, sha, len(report.body), report.content_type, now, report.etag, report.last_modified,
                     report.fetched_url or report.url),
                ).lastrowid
                db.execute("UPDATE documents SET current_version = ? WHERE id = ?", (version_id, doc_id))
                self._set_stage(db, doc_id, "fetch", "done", None, now)
                for stage in _AFTER_FETCH:
                    self._set_stage(db, doc_id, stage, "pending", None, now)
            else:
                version_id = version["id"]
                current = db.execute("SELECT current_version FROM documents WHERE id = ?", (doc_id,)).fetchone()[0]
                if current != version_id:  # the body went back to an earlier version: that one is current again
                    db.execute("UPDATE documents SET current_version = ? WHERE id = ?", (version_id, doc_id))
                    for stage in _AFTER_FETCH:
                        self._set_stage(db, doc_id, stage, "pending", None, now)
                db.execute(
                    "UPDATE versions SET etag = COALESCE(?, etag), last_modified = COALESCE(?, last_modified) "
                    "WHERE id = ?", (report.etag, report.last_modified, version_id))
            for relation, url in report.links:
                db.execute(
                    "INSERT OR IGNORE INTO links (from_document, relation, to_url, to_document) VALUES (?, ?, ?, ?)",
                    (doc_id, relation, canonical_url(url), document_id(url)),
                )
        return IngestResult(doc_id, version_id, sha, new_document, new_version)

    def touch(self, url: str) -> bool:
        """Record that a known URL was checked and had not changed (HTTP 304); False if unknown."""
        cursor = self.db.execute("UPDATE documents SET last_checked = ? WHERE id = ?", (utcnow(), document_id(url)))
        return cursor.rowcount > 0

    def validators(self, url: str) -> tuple[str | None, str | None]:
        """ETag and Last-Modified of the current version of url, for a conditional request."""
        row = self.db.execute(
            """SELECT v.etag, v.last_modified FROM documents d JOIN versions v ON v.id = d.current_version
               WHERE d.id = ?""", (document_id(url),)).fetchone()
        return (row["etag"], row["last_modified"]) if row else (None, None)

    def knows(self, url: str, before: str | None = None) -> bool:
        """True if url is stored; with before (a UTC timestamp as the store writes them), if first seen before that."""
        if before is None:
            row = self.db.execute("SELECT 1 FROM documents WHERE id = ?", (document_id(url),)).fetchone()
        else:
            row = self.db.execute("SELECT 1 FROM documents WHERE id = ? AND first_seen < ?",
                                  (document_id(url), before)).fetchone()
        return row is not None

    # -- stages and errors -----------------------------------------------------------------------

    @staticmethod
    def _set_stage(db, doc_id: str, stage: str, status: str, error: str | None, now: str) -> None:
        db.execute(
            """INSERT INTO stages (document_id, stage, status, error, attempts, updated_at)
               VALUES (?, ?, ?, ?, ?, ?)
               ON CONFLICT (document_id, stage) DO UPDATE SET status = excluded.status, error = excluded.error,
                 attempts = CASE WHEN excluded.status = 'pending' THEN 0 ELSE stages.attempts + 1 END,
                 updated_at = excluded.updated_at""",
            (doc_id, stage, status, error, 0 if status == "pending" else 1, now),
        )

    def mark(self, doc_id: str, stage: str, status: str, error: str | None = None) -> None:
        """Set a document's state for one stage; a failure is also kept in the error log."""
        if stage not in STAGES:
            raise ValueError(f"unknown stage {stage!r}")
        now = utcnow()
        with self.transaction() as db:
            self._set_stage(db, doc_id, stage, status, error, now)
            if status == "failed":
                row = db.execute("SELECT url, source_id FROM documents WHERE id = ?", (doc_id,)).fetchone()
                db.execute("INSERT INTO errors (at, stage, document_id, url, source_id, message) "
                           "VALUES (?, ?, ?, ?, ?, ?)", (now, stage, doc_id, row["url"] if row else None,
                                                         row["source_id"] if row else None, error or "failed"))

    def record_error(self, stage: str, message: str, url: str | None = None, doc_id: str | None = None,
                     source_id: str | None = None) -> None:
        """Log an error that belongs to no stored document yet (a failed download, a bad listing)."""
        with self.transaction() as db:
            db.execute("INSERT INTO errors (at, stage, document_id, url, source_id, message) VALUES (?, ?, ?, ?, ?, ?)",
                       (utcnow(), stage, doc_id, url, source_id, message))

    # -- crawl runs -------------------------------------------------------------------------------

    def start_crawl_run(self, source_id: str) -> int:
        with self.transaction() as db:
            return db.execute("INSERT INTO crawl_runs (source_id, started) VALUES (?, ?)",
                              (source_id, utcnow())).lastrowid

    def finish_crawl_run(self, run_id: int, counts: dict[str, int], finish_reason: str | None) -> None:
        names = ("new_documents", "new_versions", "unchanged", "not_modified", "errors")
        with self.transaction() as db:
            db.execute(f"UPDATE crawl_runs SET finished = ?, finish_reason = ?, "
                       f"{', '.join(f'{n} = ?' for n in names)} WHERE id = ?",
                       (utcnow(), finish_reason, *[int(counts.get(n, 0)) for n in names], run_id))

    def unfinished_since(self, source_id: str) -> str | None:
        """When the crawls of a source that did not finish (killed, stopped) began: the start of the oldest run
        since its last finished one; None if its last run finished or it was never crawled."""
        last_finished = self.db.execute(
            "SELECT coalesce(max(id), 0) FROM crawl_runs WHERE source_id = ? AND finish_reason = 'finished'",
            (source_id,)).fetchone()[0]
        return self.db.execute("SELECT min(started) FROM crawl_runs WHERE source_id = ? AND id > ?",
                               (source_id, last_finished)).fetchone()[0]

    def source_summary(self) -> dict[str, dict]:
        """Per source: its description, documents stored, errors recorded and its last crawl run."""
        summary = {}
        for source_id, source in self.sources().items():
            documents = self.db.execute("SELECT count(*) FROM documents WHERE source_id = ?", (source_id,)).fetchone()[0]
            errors = self.db.execute("SELECT count(*) FROM errors WHERE source_id = ?", (source_id,)).fetchone()[0]
            run = self.db.execute("SELECT * FROM crawl_runs WHERE source_id = ? ORDER BY id DESC LIMIT 1",
                                  (source_id,)).fetchone()
            summary[source_id] = {**source, "documents": documents, "errors": errors,
                                  "last_crawl": dict(run) if run else None}
        return summary

    def pending(self, stage: str, include_failed: bool = False, limit: int | None = None) -> list[str]:
        statuses = ("pending", "failed") if include_failed else ("pending",)
        marks = ",".join("?" * len(statuses))
        sql = f"SELECT document_id FROM stages WHERE stage = ? AND status IN ({marks}) ORDER BY document_id"
        params: list = [stage, *statuses]
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [row[0] for row in self.db.execute(sql, params)]

    def stage_status(self, doc_id: str) -> dict[str, dict]:
        rows = self.db.execute("SELECT * FROM stages WHERE document_id = ?", (doc_id,)).fetchall()
        return {row["stage"]: dict(row) for row in rows}

    def status_counts(self) -> dict[str, dict[str, int]]:
        counts = {stage: {"pending": 0, "done": 0, "failed": 0} for stage in STAGES}
        for row in self.db.execute("SELECT stage, status, count(*) AS n FROM stages GROUP BY stage, status"):
            counts.setdefault(row["stage"], {})[row["status"]] = row["n"]
        return counts

    def recent_errors(self, limit: int = 10) -> list[dict]:
        rows = self.db.execute("SELECT * FROM errors ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
        return [dict(row) for row in rows]

    def extracted_documents(self) -> list[str]:
        rows = self.db.execute("SELECT document_id FROM stages WHERE stage = 'extract' AND status = 'done' "
                               "ORDER BY document_id")
        return [row[0] for row in rows]

    def count_documents(self) -> int:
        return self.db.execute("SELECT count(*) FROM documents").fetchone()[0]

    # -- reading -----------------------------------------------------------------------------------

    def document(self, doc_id: str) -> dict | None:
        row = self.db.execute(
            """SELECT d.*, v.sha256, v.size, v.content_type, v.retrieved, v.fetched_url
               FROM documents d LEFT JOIN versions v ON v.id = d.current_version WHERE d.id = ?""",
            (doc_id,)).fetchone()
        if row is None:
            return None
        document = dict(row)
        document["metadata"] = json.loads(document["metadata"] or "{}")
        return document

    def versions(self, doc_id: str) -> list[dict]:
        rows = self.db.execute("SELECT * FROM versions WHERE document_id = ? ORDER BY id", (doc_id,))
        return [dict(row) for row in rows]

    def body(self, sha256: str) -> bytes:
        return self.archive.get(sha256)

    def links(self, doc_id: str) -> list[dict]:
        rows = self.db.execute("SELECT relation, to_url, to_document FROM links WHERE from_document = ?", (doc_id,))
        return [dict(row) for row in rows]

    # -- extraction --------------------------------------------------------------------------------

    def save_extraction(self, doc_id: str, version_id: int, extraction: Extraction) -> None:
        """Keep the text and passages of one version and mark extraction done (tagging and indexing pending)."""
        now = utcnow()
        with self.transaction() as db:
            db.execute("DELETE FROM passages WHERE version_id = ?", (version_id,))
            db.execute(
                """INSERT OR REPLACE INTO texts (version_id, text, page_count, ocr_pages, extractor, language,
                                                 language_score, extracted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                (version_id, extraction.text, extraction.page_count, json.dumps(extraction.ocr_pages),
                 extraction.extractor, extraction.language, extraction.language_score, now),
            )
            db.executemany(
                """INSERT INTO passages (version_id, idx, page, paragraph, start, end, kind, ocr)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                [(version_id, p.idx, p.page, p.paragraph, p.start, p.end, p.kind, int(p.ocr))
                 for p in extraction.passages],
            )
            db.execute(
                "UPDATE documents SET language = ?, title = COALESCE(title, ?) WHERE id = ?",
                (extraction.language, extraction.title, doc_id),
            )
            self._set_stage(db, doc_id, "extract", "done", None, now)
            self._set_stage(db, doc_id, "tag", "pending", None, now)  # new text: its tags are stale
            self._set_stage(db, doc_id, "index", "pending", None, now)

    def text(self, version_id: int) -> Extraction | None:
        row = self.db.execute("SELECT * FROM texts WHERE version_id = ?", (version_id,)).fetchone()
        if row is None:
            return None
        passages = [
            Passage(idx=p["idx"], paragraph=p["paragraph"], start=p["start"], end=p["end"], page=p["page"],
                    kind=p["kind"], ocr=bool(p["ocr"]))
            for p in self.db.execute("SELECT * FROM passages WHERE version_id = ? ORDER BY idx", (version_id,))
        ]
        return Extraction(text=row["text"], passages=passages, extractor=row["extractor"],
                          page_count=row["page_count"], ocr_pages=json.loads(row["ocr_pages"]),
                          language=row["language"], language_score=row["language_score"])

    # -- tags ----------------------------------------------------------------------------------------

    def replace_tags(self, doc_id: str, version_id: int | None, tags: list[Tag], tagger_version: str) -> None:
        """Replace a document's tags with a new tagger run's, mark tagging done and indexing pending."""
        with self.transaction() as db:
            self.write_tags(db, doc_id, version_id, tags, tagger_version)

    def write_tags(self, db: sqlite3.Connection, doc_id: str, version_id: int | None, tags: list[Tag],
                   tagger_version: str) -> None:
        """replace_tags inside a transaction the caller holds (the tagging stage writes tags, claims and the run
        of a document in one, so a crash leaves the previous run whole)."""
        now = utcnow()
        db.execute("DELETE FROM tags WHERE document_id = ?", (doc_id,))
        db.executemany(
            """INSERT INTO tags (document_id, version_id, kind, value, surface, start, end, page, paragraph,
                                 sentence, negated, tagger_version, source)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [(doc_id, version_id, t.kind, t.value, t.surface, t.start, t.end, t.page, t.paragraph, t.sentence,
              int(t.negated), t.tagger_version or tagger_version, t.source) for t in tags],
        )
        self._set_stage(db, doc_id, "tag", "done", None, now)
        self._set_stage(db, doc_id, "index", "pending", None, now)

    def tags(self, doc_id: str) -> list[Tag]:
        rows = self.db.execute("SELECT * FROM tags WHERE document_id = ? ORDER BY id", (doc_id,))
        return [Tag(kind=r["kind"], value=r["value"], surface=r["surface"], start=r["start"], end=r["end"],
                    page=r["page"], paragraph=r["paragraph"], sentence=r["sentence"], negated=bool(r["negated"]),
                    tagger_version=r["tagger_version"], source=r["source"]) for r in rows]
