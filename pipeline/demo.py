"""`coi demo`: the whole pipeline offline, from the mirror to search results with facet counts."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from .digest.demo import write_sample_digest
from .indexer import run_index
from .process import process_pending
from .search.facets import validate_request
from .search.model import SearchRequest
from .search.render import render_text
from .search.sqlite import SQLiteBackend
from .settings import Settings
from .store import Store
from .tagging.stage import tag_pending

SAMPLE_SEARCHES = [
    ("Everything, newest first, with every facet", SearchRequest(sort="date", per_page=5)),
    ("Detention, any form of the word", SearchRequest(query="detain* OR detention", per_page=5)),
    ("A phrase, since the fall of the Assad government",
     SearchRequest(query='"General Security" OR kidnapp*', since=date(2024, 12, 8), per_page=5)),
    ("Arabic documents only", SearchRequest(filters={"language": ["ar"]}, per_page=5)),
    ("Reports, excluding news", SearchRequest(query="Sweida OR Afrin OR Jableh", excludes={"doc_type": ["news"]},
                                             per_page=5)),
    ("Tagged by the tagger: Alawites, since the fall of the Assad government",
     SearchRequest(filters={"group": ["alawites"], "epoch": ["transition"]}, per_page=5)),
    ("Tagged: detention in Aleppo governorate, any group but Kurds",
     SearchRequest(filters={"governorate": ["SY02"], "threat": ["arbitrary_detention"]},
                   excludes={"group": ["kurds"]}, per_page=5)),
]


def run_demo(data_dir: str | Path, serve: bool = False) -> int:
    from crawlers.mirror.server import serve_mirror
    from crawlers.run import crawl

    data_dir = Path(data_dir)
    shutil.rmtree(data_dir, ignore_errors=True)  # the demo always starts from an empty store
    with serve_mirror(port=0) as base_url:
        print(f"== serving the offline mirror at {base_url}")
        # The mirror's ReliefWeb API needs an appname like the real one; the demo brings its own.
        settings = Settings.from_env().with_changes(data_dir=data_dir, mirror_url=base_url, search_backend="sqlite",
                                                    reliefweb_appname=Settings.from_env().reliefweb_appname
                                                    or "coi-demo")
        stats = crawl(settings, progress=False)
        print(f"== crawled {stats['new_documents']} documents from {len(stats['sources'])} sources, "
              f"{stats['errors']} errors")
        for source_id, counts in stats["sources"].items():
            print(f"   {source_id:<12} {counts['new_documents']:>4} documents, {counts['errors']} errors, "
                  f"finished: {counts.get('finish_reason')}")
    with Store(settings.data_dir) as store:
        processed = process_pending(store, settings, progress=False)
        print(f"== processed: {processed.extracted} extracted, {processed.failed} failed, "
              f"{processed.copies} near-duplicate copies")
        tagged = tag_pending(store, progress=False)
        print(f"== tagged: {tagged.tagged} documents, {tagged.tags} tags, {tagged.claims} claims, "
              f"{tagged.failed} failed")
        backend = SQLiteBackend(settings.sqlite_index_path)
        indexed = run_index(store, backend, progress=False)
        print(f"== indexed into SQLite FTS5: {indexed.indexed} documents")
        for title, request in SAMPLE_SEARCHES:
            request = validate_request(request)
            print(f"\n== {title}\n$ coi search {describe(request)}")
            print(render_text(request, backend.search(request)))
        eml, listed = write_sample_digest(store, backend, settings)
        print(f"\n== sample digest of {listed} documents written to the outbox: {eml}")
        backend.close()
    if indexed.indexed == 0:
        print("demo failed: nothing was indexed")
        return 1
    print(f"\nThe demo store is in {data_dir}; try: COI_DATA_DIR={data_dir} .venv/bin/coi search 'Sweida'")
    if serve:
        from .web.commands import port_or_free, serve_app

        port = port_or_free(settings.host, settings.port)
        return serve_app(settings, settings.host, port, log_level="warning", heading="== the web app is running at")
    print(f"== web app: COI_DATA_DIR={data_dir} .venv/bin/coi serve, then open "
          f"http://{settings.host}:{settings.port}/ (make demo starts it for you)")
    return 0


def describe(request: SearchRequest) -> str:
    """The coi search command line that makes this request."""
    parts = [f"'{request.query}'"] if request.query else []
    parts += [f"--{facet.replace('_', '-')} {','.join(values)}" for facet, values in request.filters.items()]
    parts += [f"--not-{facet.replace('_', '-')} {','.join(values)}" for facet, values in request.excludes.items()]
    if request.since:
        parts.append(f"--since {request.since}")
    if request.sort != "relevance":
        parts.append(f"--sort {request.sort}")
    return " ".join(parts)
