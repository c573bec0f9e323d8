"""Version history of documents: withdrawal and restoration events, and what changed since a date."""

from __future__ import annotations

import difflib
from dataclasses import asdict, dataclass

from ..store import Store
from ..store.store import utcnow


@dataclass
class Change:
    """A document that was edited (a new version) or withdrawn (or restored) on or after a date."""

    doc_id: str
    title: str
    url: str
    source_id: str
    kind: str  # edited, withdrawn, restored
    at: str  # when we noticed: the new version's retrieval time, or the event's
    versions: int
    detail: str = ""
    sha256: str = ""
    previous_sha256: str = ""

    def to_json(self) -> dict:
        return asdict(self)


def events(store: Store, doc_id: str) -> list[dict]:
    rows = store.db.execute("SELECT * FROM document_events WHERE document_id = ? ORDER BY id", (doc_id,))
    return [dict(row) for row in rows]


def withdrawal(store: Store, doc_id: str) -> str | None:
    """The date (YYYY-MM-DD) the report was found withdrawn, if its latest event says it is; else None."""
    row = store.db.execute("SELECT kind, at FROM document_events WHERE document_id = ? ORDER BY id DESC LIMIT 1",
                           (doc_id,)).fetchone()
    return row["at"][:10] if row and row["kind"] == "withdrawn" else None


def record_withdrawn(store: Store, doc_id: str, http_status: int | None, detail: str = "") -> bool:
    """Record that the source no longer serves the report; False (nothing recorded) if already withdrawn."""
    with store.transaction() as db:
        last = db.execute("SELECT kind FROM document_events WHERE document_id = ? ORDER BY id DESC LIMIT 1",
                          (doc_id,)).fetchone()
        if last and last["kind"] == "withdrawn":
            return False
        db.execute("INSERT INTO document_events (document_id, kind, at, http_status, detail) VALUES (?, ?, ?, ?, ?)",
                   (doc_id, "withdrawn", utcnow(), http_status, detail))
        db.execute("UPDATE documents SET last_checked = ? WHERE id = ?", (utcnow(), doc_id))
    return True


def record_served(store: Store, doc_id: str, http_status: int) -> bool:
    """Record that a withdrawn report is served again; False if it was not withdrawn."""
    with store.transaction() as db:
        last = db.execute("SELECT kind FROM document_events WHERE document_id = ? ORDER BY id DESC LIMIT 1",
                          (doc_id,)).fetchone()
        if not last or last["kind"] != "withdrawn":
            return False
        db.execute("INSERT INTO document_events (document_id, kind, at, http_status) VALUES (?, ?, ?, ?)",
                   (doc_id, "restored", utcnow(), http_status))
    return True


def history(store: Store, doc_id: str) -> list[dict]:
    """Versions (number, sha256, retrieved, size, content type, current) and events, in time order."""
    document = store.document(doc_id)
    if document is None:
        return []
    entries = [{"kind": "version", "version": n, "at": v["retrieved"], "sha256": v["sha256"], "size": v["size"],
                "content_type": v["content_type"], "current": v["id"] == document["current_version"]}
               for n, v in enumerate(store.versions(doc_id), start=1)]
    entries += [{"kind": e["kind"], "at": e["at"], "http_status": e["http_status"], "detail": e["detail"] or ""}
                for e in events(store, doc_id)]
    return sorted(entries, key=lambda e: e["at"])


def changes_since(store: Store, since: str) -> list[Change]:
    """Documents edited (a version after the first retrieved on or after since) or withdrawn or restored then,
    newest first. since is a date (YYYY-MM-DD) or a UTC timestamp as the store writes them."""
    found: list[Change] = []
    rows = store.db.execute(
        """SELECT v.document_id, v.sha256, v.retrieved, d.title, d.url, d.source_id,
                  (SELECT count(*) FROM versions a WHERE a.document_id = v.document_id) AS versions,
                  (SELECT p.sha256 FROM versions p WHERE p.document_id = v.document_id AND p.id < v.id
                   ORDER BY p.id DESC LIMIT 1) AS previous
           FROM versions v JOIN documents d ON d.id = v.document_id
           WHERE v.retrieved >= ? AND EXISTS (SELECT 1 FROM versions e WHERE e.document_id = v.document_id
                                              AND e.id < v.id)""", (since,))
    for row in rows:
        found.append(Change(row["document_id"], row["title"] or row["url"], row["url"], row["source_id"] or "",
                            "edited", row["retrieved"], row["versions"], sha256=row["sha256"],
                            previous_sha256=row["previous"]))
    rows = store.db.execute(
        """SELECT e.*, d.title, d.url, d.source_id,
                  (SELECT count(*) FROM versions a WHERE a.document_id = e.document_id) AS versions
           FROM document_events e JOIN documents d ON d.id = e.document_id WHERE e.at >= ?""", (since,))
    for row in rows:
        detail = f"HTTP {row['http_status']}" if row["http_status"] else (row["detail"] or "")
        found.append(Change(row["document_id"], row["title"] or row["url"], row["url"], row["source_id"] or "",
                            row["kind"], row["at"], row["versions"], detail=detail))
    return sorted(found, key=lambda c: c.at, reverse=True)


MAX_DIFF_LINES = 400


def version_diffs(store: Store, doc_id: str) -> list[dict]:
    """For each version after the first: {old, new, lines (the text diff, at most MAX_DIFF_LINES), missing (the number
    of a version whose text was never extracted, else None)}."""
    versions = store.versions(doc_id)
    diffs = []
    for new in range(2, len(versions) + 1):
        missing = next((n for n in (new - 1, new) if store.text(versions[n - 1]["id"]) is None), None)
        lines = [] if missing else text_diff(store, doc_id, new - 1, new)[:MAX_DIFF_LINES]
        diffs.append({"old": new - 1, "new": new, "lines": lines, "missing": missing})
    return diffs


def text_diff(store: Store, doc_id: str, old: int, new: int, context: int = 2) -> list[str]:
    """Unified diff, paragraph by paragraph, between the extracted texts of versions old and new (1-based);
    empty when either has no extracted text."""
    versions = store.versions(doc_id)
    if not (1 <= old <= len(versions) and 1 <= new <= len(versions)):
        return []
    texts = [store.text(versions[n - 1]["id"]) for n in (old, new)]
    if any(t is None for t in texts):
        return []
    paragraphs = [[t.passage_text(p) for p in t.passages] for t in texts]
    return list(difflib.unified_diff(paragraphs[0], paragraphs[1], f"version {old}", f"version {new}",
                                     n=context, lineterm=""))
