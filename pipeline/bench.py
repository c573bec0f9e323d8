"""`coi bench search`: latency of faceted, highlighted searches on synthetic documents, ours next to plain SQL."""

from __future__ import annotations

import random
import statistics
import time
from datetime import date, timedelta
from pathlib import Path

from .search.facets import FACET_NAMES, validate_request
from .search.model import IndexDocument, SearchRequest
from .search.sqlite import SQLiteBackend, render_fts
from .search.query import parse_query, split_negative
from .taxonomy import load_taxonomy

GENERATOR_VERSION = 2
WORDS_PER_DOC = 300
SOURCES = [("hrw", "ngo"), ("amnesty", "ngo"), ("snhr", "ngo"), ("stj", "ngo"), ("coi", "un"), ("euaa", "un"),
           ("unhcr", "un"), ("usdos", "government"), ("reliefweb", "aggregator"), ("enab", "media")]
TOPIC_WORDS = ("detention arrest detained checkpoint raid prison torture disappearance abducted kidnapping ransom "
               "killing executed massacre shelling airstrike displacement returnees camp property seizure looting "
               "extortion conscription militia security forces factions clashes curfew siege journalists activists "
               "women children documents court sentence sectarian revenge minority village district governorate "
               "Alawite Druze Kurdish Christian Bedouin Sweida Afrin Latakia Homs Aleppo Damascus Idlib Raqqa Daraa "
               "Jableh Jaramana Hasakah").split()
FILLER = ("the of and in to a was were by on for with that from as at their his her they had been reported said "
          "according witnesses local residents sources month year week several many after before during since "
          "families people men area town city road house members group authorities government report").split()
QUERIES = ["detention", "kidnapping ransom", '"security forces"', "torture OR disappearance", "displac*",
           "Sweida -Damascus", "Alawite killing", "checkpoint extortion", '"property seizure" Afrin', "returnees camp"]


def _vocabulary(rng: random.Random) -> tuple[list[str], list[float]]:
    # Zipf-like weights: a few very common words, a long tail, like real report text.
    words = FILLER + TOPIC_WORDS + [f"w{n}" for n in range(5000)]
    weights = [1.0 / (rank + 1) ** 1.05 for rank in range(len(words))]
    return words, weights


def synthetic_documents(count: int, seed: int = 7):
    """Yield `count` reproducible synthetic documents with realistic facet spreads."""
    rng = random.Random(seed)
    taxonomy = load_taxonomy()
    words, weights = _vocabulary(rng)
    governorates = taxonomy.ids("governorate")
    districts = {g: [d for d in taxonomy.ids("district") if d.startswith(g)] for g in governorates}
    groups, threats, actors = taxonomy.ids("group"), taxonomy.ids("threat"), taxonomy.ids("actor")
    start = date(2011, 3, 15)
    span = (date(2026, 11, 1) - start).days
    for n in range(count):
        body_words = rng.choices(words, weights, k=WORDS_PER_DOC)
        sentences = [" ".join(body_words[i:i + 15]).capitalize() + "." for i in range(0, WORDS_PER_DOC, 15)]
        chosen = rng.sample(governorates, rng.choice((1, 1, 2, 3)))
        published = start + timedelta(days=rng.randrange(span))
        source, source_type = rng.choice(SOURCES)
        yield IndexDocument(
            doc_id=f"syn-{n}", title=" ".join(rng.choices(words, weights, k=8)).capitalize(),
            body=" ".join(sentences), url=f"https://example.org/{n}", source=source, source_name=source.upper(),
            source_type=source_type, doc_type=rng.choice(("report", "news", "report", "statement")),
            language=rng.choices(("en", "ar", "fr", "de", "nl"), (70, 20, 4, 3, 3))[0], published=published,
            first_seen=published.isoformat(), epoch=taxonomy.epoch_for(published) or "",
            facets={
                "governorate": chosen,
                "district": [rng.choice(districts[g]) for g in chosen if districts[g]],
                "group": rng.sample(groups, rng.choice((1, 1, 2, 3))),
                "threat": rng.sample(threats, rng.choice((1, 2, 2, 3))),
                "actor": rng.sample(actors, rng.choice((0, 1, 1, 2))),
            })


def build_index(path: Path, count: int) -> SQLiteBackend:
    """Open the synthetic index at path, building it first if it is missing or incomplete."""
    backend = SQLiteBackend(path)
    if backend.count() != count:
        backend.clear()
        started = time.perf_counter()
        backend.index(synthetic_documents(count))
        backend.optimize()
        print(f"  built {count} documents in {time.perf_counter() - started:.0f} s")
    return backend


def bench_query(rng: random.Random) -> str:
    """A query of one of the shapes researchers type, over the topic words: most are different from each other,
    so caches of text matches rarely help (the first ten shapes are QUERIES, typed again and again)."""
    a, b = rng.sample(TOPIC_WORDS, 2)
    return rng.choices([rng.choice(QUERIES), a, f"{a} {b}", f"{a} OR {b}", f'"{a} {b}"', f"{a[:5]}*", f"{a} -{b}"],
                       (15, 25, 20, 15, 10, 8, 7))[0]


def bench_requests(count: int, seed: int = 11) -> list[SearchRequest]:
    """A reproducible mix of searches: query words, one or two facet filters, sometimes an exclusion and dates."""
    rng = random.Random(seed)
    taxonomy = load_taxonomy()
    requests = []
    for _ in range(count):
        filters = {"governorate": [rng.choice(taxonomy.ids("governorate"))]}
        if rng.random() < 0.6:
            filters["group"] = rng.sample(taxonomy.ids("group"), rng.choice((1, 2)))
        excludes = {"threat": [rng.choice(taxonomy.ids("threat"))]} if rng.random() < 0.3 else {}
        since = date(2024, 12, 8) if rng.random() < 0.3 else None
        requests.append(validate_request(SearchRequest(
            query=bench_query(rng), filters=filters, excludes=excludes, since=since,
            sort=rng.choice(("relevance", "relevance", "date")))))
    return requests


def reference_search(backend: SQLiteBackend, request: SearchRequest) -> None:
    """The same work done the plain-SQL way (temporary tables and GROUP BY per facet), for comparison."""
    db = backend.db
    positive, _ = split_negative(parse_query(request.query))
    db.execute("DROP TABLE IF EXISTS temp.matched")
    db.execute("CREATE TEMP TABLE matched (doc INTEGER PRIMARY KEY)")
    db.execute("INSERT INTO matched SELECT rowid FROM docs_fts WHERE docs_fts MATCH ?", (render_fts(positive),))
    clauses, params = [], []
    for facet in FACET_NAMES:
        if request.filters.get(facet):
            marks = ",".join("?" * len(request.filters[facet]))
            clauses.append(f"doc IN (SELECT doc FROM doc_facets WHERE facet = ? AND value IN ({marks}))")
            params += [facet, *request.filters[facet]]
        if request.excludes.get(facet):
            marks = ",".join("?" * len(request.excludes[facet]))
            clauses.append(f"doc NOT IN (SELECT doc FROM doc_facets WHERE facet = ? AND value IN ({marks}))")
            params += [facet, *request.excludes[facet]]
    where = " AND ".join(clauses) or "1"
    for facet in FACET_NAMES:
        db.execute(f"""SELECT value, count(*) FROM doc_facets WHERE facet = ? AND doc IN
                       (SELECT doc FROM matched WHERE {where}) GROUP BY value""", (facet, *params)).fetchall()
    rowids = [r[0] for r in db.execute(
        f"SELECT rowid FROM docs_fts WHERE docs_fts MATCH ? AND rowid IN (SELECT doc FROM matched WHERE {where}) "
        "ORDER BY rank LIMIT 10", (render_fts(positive), *params))]
    marks = ",".join("?" * len(rowids))
    db.execute(f"SELECT snippet(docs_fts, 1, '[', ']', '…', 40) FROM docs_fts WHERE docs_fts MATCH ? "
               f"AND rowid IN ({marks})", (render_fts(positive), *rowids)).fetchall()


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered), p95


def run_search_bench(sizes: list[int], queries: int, work_dir: str, reference: bool = True) -> dict:
    results = {}
    for size in sizes:
        print(f"{size} synthetic documents ({WORDS_PER_DOC} words each):")
        backend = build_index(Path(work_dir) / f"bench-v{GENERATOR_VERSION}-{size}.sqlite", size)
        requests = bench_requests(queries)
        started = time.perf_counter()
        backend.search(requests[0])  # loads the facet bitsets once per index generation
        print(f"  first search (loads facet bitsets): {1000 * (time.perf_counter() - started):.0f} ms")
        timings, totals = [], []
        for request in requests:
            started = time.perf_counter()
            response = backend.search(request)
            timings.append(1000 * (time.perf_counter() - started))
            totals.append(response.total)
        p50, p95 = _percentiles(timings)
        row = {"p50_ms": round(p50, 1), "p95_ms": round(p95, 1), "max_ms": round(max(timings), 1),
               "median_hits": statistics.median(totals)}
        print(f"  ours (FTS5 + facet bitsets): p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {max(timings):.1f} ms "
              f"over {len(requests)} searches (median {row['median_hits']:.0f} hits)")
        if reference:
            sample = requests[: max(10, len(requests) // 5)]
            ref = []
            for request in sample:
                started = time.perf_counter()
                reference_search(backend, request)
                ref.append(1000 * (time.perf_counter() - started))
            ref50, ref95 = _percentiles(ref)
            row.update(reference_p50_ms=round(ref50, 1), reference_p95_ms=round(ref95, 1))
            print(f"  reference (plain SQL GROUP BY): p50 {ref50:.1f} ms, p95 {ref95:.1f} ms over {len(sample)} searches")
        results[size] = row
        backend.close()
    return results
