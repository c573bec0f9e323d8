"""The region × threat matrix: distinct documents and sources with a claim in each cell, from the store's claims."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from .store import Store
from .taxonomy import Taxonomy, load_taxonomy


class InvalidMatrixRequest(ValueError):
    """A matrix request the user must correct; the message says how."""


@dataclass
class MatrixRequest:
    """Which claims count: any of these groups / actors / epochs, published in [since, until]; one governorate
    expanded to its districts."""

    groups: list[str] = field(default_factory=list)
    actors: list[str] = field(default_factory=list)
    epochs: list[str] = field(default_factory=list)
    since: date | None = None
    until: date | None = None
    expand: list[str] = field(default_factory=list)  # governorates whose district rows are shown


@dataclass
class Cell:
    documents: int = 0
    sources: int = 0


@dataclass
class Row:
    region: str  # a governorate or district p-code
    label: str
    level: str  # governorate or district
    cells: dict[str, Cell]  # threat -> cell
    documents: int = 0  # distinct documents with a claim in this region and any threat
    sources: int = 0
    expanded: bool = False


@dataclass
class Matrix:
    request: MatrixRequest
    threats: list[tuple[str, str]]  # (id, label), in taxonomy order
    rows: list[Row]
    max_documents: int

    def to_json(self) -> dict:
        return {
            "filters": {"group": self.request.groups, "actor": self.request.actors, "epoch": self.request.epochs,
                        "since": _iso(self.request.since), "until": _iso(self.request.until),
                        "expand": self.request.expand},
            "threats": [{"id": t, "label": label} for t, label in self.threats],
            "rows": [{"region": r.region, "label": r.label, "level": r.level, "documents": r.documents,
                      "sources": r.sources,
                      "cells": {t: {"documents": c.documents, "sources": c.sources} for t, c in r.cells.items()}}
                     for r in self.rows],
            "max_documents": self.max_documents,
        }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def validate_matrix_request(request: MatrixRequest, taxonomy: Taxonomy | None = None) -> MatrixRequest:
    """Check the ids and dates of a request; region names become p-codes. Raises InvalidMatrixRequest."""
    taxonomy = taxonomy or load_taxonomy()
    for kind, values in (("group", request.groups), ("actor", request.actors), ("epoch", request.epochs)):
        unknown = [v for v in values if v not in taxonomy.ids(kind)]
        if unknown:
            raise InvalidMatrixRequest(f"unknown {kind} {unknown[0]!r}; known values: {', '.join(taxonomy.ids(kind))}")
    expand = []
    for value in request.expand:
        pcode = taxonomy.resolve_region(value)
        if pcode is None or taxonomy.regions[pcode].level != "admin1":
            raise InvalidMatrixRequest(f"unknown governorate {value!r}: use a p-code SY01..SY14 or a governorate name")
        expand.append(pcode)
    if request.since and request.until and request.since > request.until:
        raise InvalidMatrixRequest(f"impossible date range: since {request.since} is after until {request.until}")
    return MatrixRequest(sorted(set(request.groups)), sorted(set(request.actors)), sorted(set(request.epochs)),
                         request.since, request.until, sorted(set(expand)))


def _where(request: MatrixRequest, taxonomy: Taxonomy) -> tuple[str, list]:
    """SQL conditions on claims c and documents d for the request's filters; copies of a report count once."""
    clauses = ["c.document_id NOT IN (SELECT document_id FROM duplicates)"]
    params: list = []
    for kind, values in (("group", request.groups), ("actor", request.actors)):
        if values:
            marks = ",".join("?" * len(values))
            clauses.append(f"EXISTS (SELECT 1 FROM claim_values f WHERE f.claim_id = c.id AND f.kind = ? "
                           f"AND f.value IN ({marks}))")
            params += [kind, *values]
    if request.epochs:
        # The document's epoch, as the search facet has it, so a cell's count and its search agree.
        ranges = []
        for epoch in request.epochs:
            entry = taxonomy.entries["epoch"][epoch]
            ranges.append("(d.published >= ? AND substr(d.published, 1, 10) <= ?)")
            params += [entry["from"] or "0000", entry["to"] or "9999"]
        clauses.append("(" + " OR ".join(ranges) + ")")
    if request.since:
        clauses.append("substr(d.published, 1, 10) >= ?")
        params.append(request.since.isoformat())
    if request.until:
        clauses.append("substr(d.published, 1, 10) <= ?")
        params.append(request.until.isoformat())
    return " AND ".join(clauses), params


_CELLS = """
    SELECT r.value AS region, t.value AS threat, count(DISTINCT c.document_id) AS documents,
           count(DISTINCT d.source_id) AS sources
    FROM claims c JOIN documents d ON d.id = c.document_id
    JOIN claim_values r ON r.claim_id = c.id AND r.kind = ?
    JOIN claim_values t ON t.claim_id = c.id AND t.kind = 'threat'
    WHERE {where} GROUP BY r.value, t.value
"""
_TOTALS = """
    SELECT r.value AS region, count(DISTINCT c.document_id) AS documents, count(DISTINCT d.source_id) AS sources
    FROM claims c JOIN documents d ON d.id = c.document_id
    JOIN claim_values r ON r.claim_id = c.id AND r.kind = ?
    WHERE {where} AND EXISTS (SELECT 1 FROM claim_values t WHERE t.claim_id = c.id AND t.kind = 'threat')
    GROUP BY r.value
"""


def build_matrix(store: Store, request: MatrixRequest, taxonomy: Taxonomy | None = None) -> Matrix:
    """Every governorate (and the districts of expanded ones) × every threat, counted from the store's claims."""
    taxonomy = taxonomy or load_taxonomy()
    where, params = _where(request, taxonomy)
    counts: dict[tuple[str, str], Cell] = {}
    totals: dict[str, Cell] = {}
    levels = ["governorate"] + (["district"] if request.expand else [])
    for level in levels:
        for row in store.db.execute(_CELLS.format(where=where), (level, *params)):
            counts[(row["region"], row["threat"])] = Cell(row["documents"], row["sources"])
        for row in store.db.execute(_TOTALS.format(where=where), (level, *params)):
            totals[row["region"]] = Cell(row["documents"], row["sources"])
    threats = [(t, taxonomy.label("threat", t)) for t in taxonomy.ids("threat")]
    rows = []
    for governorate in sorted(taxonomy.ids("governorate")):
        rows.append(_row(governorate, "governorate", threats, counts, totals, taxonomy,
                         expanded=governorate in request.expand))
        if governorate in request.expand:
            for district in sorted(d for d in taxonomy.ids("district") if d.startswith(governorate)):
                rows.append(_row(district, "district", threats, counts, totals, taxonomy))
    most = max((c.documents for c in counts.values()), default=0)
    return Matrix(request, threats, rows, most)


def _row(region, level, threats, counts, totals, taxonomy, expanded=False) -> Row:
    total = totals.get(region, Cell())
    return Row(region, taxonomy.label(level, region), level,
               {t: counts.get((region, t), Cell()) for t, _ in threats}, total.documents, total.sources, expanded)


def validate_cell(region: str, threat: str, taxonomy: Taxonomy | None = None) -> tuple[str, str]:
    """A cell's region as (p-code, governorate or district); raises InvalidMatrixRequest for unknown ids."""
    taxonomy = taxonomy or load_taxonomy()
    pcode = taxonomy.resolve_region(region) if region else None
    if pcode is None or taxonomy.regions[pcode].level not in ("admin1", "admin2"):
        raise InvalidMatrixRequest(f"unknown region {region!r}: use a governorate or district p-code or name")
    if threat not in taxonomy.ids("threat"):
        raise InvalidMatrixRequest(f"unknown threat {threat!r}; known threats: {', '.join(taxonomy.ids('threat'))}")
    return pcode, "governorate" if taxonomy.regions[pcode].level == "admin1" else "district"


def cell_trend(store: Store, request: MatrixRequest, region: str, threat: str,
               taxonomy: Taxonomy | None = None) -> list[dict]:
    """One cell by month of publication: [{"month": "2025-03", "documents": n, "sources": m}, ...], every month
    from the first to the last one with a claim (months without one count 0). Undated documents are left out."""
    taxonomy = taxonomy or load_taxonomy()
    pcode, kind = validate_cell(region, threat, taxonomy)
    where, params = _where(request, taxonomy)
    rows = store.db.execute(
        f"""SELECT substr(d.published, 1, 7) AS month, count(DISTINCT c.document_id) AS documents,
                   count(DISTINCT d.source_id) AS sources
            FROM claims c JOIN documents d ON d.id = c.document_id
            JOIN claim_values r ON r.claim_id = c.id AND r.kind = ? AND r.value = ?
            JOIN claim_values t ON t.claim_id = c.id AND t.kind = 'threat' AND t.value = ?
            WHERE {where} AND d.published IS NOT NULL GROUP BY month ORDER BY month""",
        (kind, pcode, threat, *params)).fetchall()
    found = {row["month"]: (row["documents"], row["sources"]) for row in rows}
    if not found:
        return []
    months = []
    year, month = map(int, min(found).split("-"))
    last = max(found)
    while True:
        key = f"{year:04d}-{month:02d}"
        documents, sources = found.get(key, (0, 0))
        months.append({"month": key, "documents": documents, "sources": sources})
        if key >= last:
            return months
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def matrix_csv(matrix: Matrix) -> str:
    """The matrix as CSV: one line per region, a documents and a sources column per threat."""
    out = io.StringIO()
    writer = csv.writer(out)
    header = ["pcode", "region", "level", "documents", "sources"]
    for threat, _ in matrix.threats:
        header += [f"{threat}:documents", f"{threat}:sources"]
    writer.writerow(header)
    for row in matrix.rows:
        line = [row.region, row.label, row.level, row.documents, row.sources]
        for threat, _ in matrix.threats:
            line += [row.cells[threat].documents, row.cells[threat].sources]
        writer.writerow(line)
    return out.getvalue()


def heat_level(documents: int, most: int, steps: int = 6) -> int:
    """A heatmap step from 0 (no document) to steps-1 (the fullest cell)."""
    if documents <= 0 or most <= 0:
        return 0
    return 1 + min(steps - 2, (documents * (steps - 1) - 1) // most)
