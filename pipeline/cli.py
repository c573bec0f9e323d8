"""The `coi` command line: crawl, process, index, run, search, status, bench, demo."""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import asdict
from datetime import date

from .search.facets import FACET_NAMES, InvalidRequest, facet_label, validate_request
from .search.model import SORTS, SearchRequest
from .search.query import QuerySyntaxError
from .settings import Settings
from .cite.commands import register_cite
from .digest.commands import register_digest
from .tagging.commands import register as register_tagging
from .web.commands import register as register_web
from crawlers.bench import register as register_crawl_bench

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad input from the user: one clear line, exit 2."""


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: use YYYY-MM-DD") from None


def _values(option_values: list[str] | None) -> list[str]:
    """Repeated options and comma-separated lists both work: --group druze,alawites --group kurds."""
    return [v.strip() for raw in option_values or [] for v in raw.split(",") if v.strip()]


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except ValueError as error:
        raise UsageError(str(error)) from None


def _progress(args) -> bool:
    return not getattr(args, "quiet", False)


# -- commands -----------------------------------------------------------------------------------------


def cmd_crawl(args) -> int:
    from crawlers.run import crawl

    settings = _settings()
    try:
        stats = crawl(settings, sources=_values(args.source) or None, since=args.since, progress=_progress(args))
    except ValueError as error:
        raise UsageError(str(error)) from None
    print(f"crawl: {json.dumps(stats, default=str)}")
    return EXIT_OK


def cmd_process(args) -> int:
    from .process import process_pending
    from .store import Store

    from .tagging.stage import tag_pending

    settings = _settings()
    with Store(settings.data_dir) as store:
        stats = process_pending(store, settings, retry_failed=args.retry_failed, progress=_progress(args))
        tagged = tag_pending(store, retag=args.retag, retry_failed=args.retry_failed, progress=_progress(args))
    print(f"process: {stats.extracted} extracted, {stats.failed} failed, {stats.copies} near-duplicate copies; "
          f"tag: {tagged.tagged} tagged ({tagged.tags} tags, {tagged.claims} claims), {tagged.failed} failed")
    for error in (stats.errors + tagged.errors)[:10]:
        print(f"  error: {error}")
    return EXIT_OK


def cmd_index(args) -> int:
    from .indexer import run_index
    from .search.backend import open_backend
    from .store import Store

    settings = _settings()
    with Store(settings.data_dir) as store:
        backend = open_backend(settings)
        try:
            stats = run_index(store, backend, rebuild=args.rebuild, progress=_progress(args))
        finally:
            backend.close()
    print(f"index ({settings.search_backend}): {stats.indexed} indexed, {stats.failed} failed, "
          f"{stats.skipped} waiting for extraction")
    for error in stats.errors[:5]:
        print(f"  error: {error}")
    if stats.stopped:
        print(f"stopped early: {stats.stopped}; the rest stays pending for the next `coi index`")
    return EXIT_FAILED if stats.failed else EXIT_OK


def cmd_run(args) -> int:
    cmd_crawl(args)
    args.retry_failed = args.retag = False
    cmd_process(args)
    args.rebuild = False
    return cmd_index(args)


def add_search_filters(parser: argparse.ArgumentParser) -> None:
    """The query and filter options every command that selects documents shares (search, dossier)."""
    parser.add_argument("query", nargs="?", default="", help='e.g. \'"arbitrary detention" Afrin -Aleppo\'')
    for facet in FACET_NAMES:
        flag = facet.replace("_", "-")
        parser.add_argument(f"--{flag}", dest=facet, action="append", metavar="VALUE",
                            help=f"{facet_label(facet)}: any of these values (repeat or comma-separate)")
        parser.add_argument(f"--not-{flag}", dest=f"not_{facet}", action="append", metavar="VALUE",
                            help=f"{facet_label(facet)}: none of these values")
    parser.add_argument("--since", type=_date, help="published on or after YYYY-MM-DD")
    parser.add_argument("--until", type=_date, help="published on or before YYYY-MM-DD")
    parser.add_argument("--same-passage", action="store_true",
                        help="region, group, threat and actor filters must all hold in one passage (claim)")


def build_request(args, **options) -> SearchRequest:
    """The validated request of add_search_filters' options (plus sort, paging ... as keyword arguments)."""
    filters = {facet: _values(getattr(args, facet)) for facet in FACET_NAMES}
    excludes = {facet: _values(getattr(args, f"not_{facet}")) for facet in FACET_NAMES}
    request = SearchRequest(
        query=args.query or "", filters={k: v for k, v in filters.items() if v},
        excludes={k: v for k, v in excludes.items() if v}, since=args.since, until=args.until,
        same_passage=args.same_passage, **options)
    return validate_request(request)


def cmd_search(args) -> int:
    from .search.backend import open_backend
    from .search.render import render_text

    settings = _settings()
    request = build_request(args, sort=args.sort, page=args.page, per_page=args.per_page)
    backend = open_backend(settings)
    try:
        response = backend.search(request)
    finally:
        backend.close()
    if args.format == "json":
        print(json.dumps(asdict(response), ensure_ascii=False, indent=1, default=str))
    else:
        print(render_text(request, response, color=sys.stdout.isatty()))
    return EXIT_OK


def cmd_status(args) -> int:
    from .search.render import terminal_safe
    from .store import Store

    settings = _settings()
    with Store(settings.data_dir) as store:
        counts = store.status_counts()
        errors = store.recent_errors(args.errors)
        total = store.count_documents()
    if args.format == "json":
        print(json.dumps({"documents": total, "stages": counts, "recent_errors": errors}, indent=1))
        return EXIT_OK
    print(f"{total} documents in {settings.data_dir}")
    print(f"{'stage':<10}{'done':>8}{'pending':>9}{'failed':>8}")
    for stage, by_status in counts.items():
        print(f"{stage:<10}{by_status.get('done', 0):>8}{by_status.get('pending', 0):>9}{by_status.get('failed', 0):>8}")
    if errors:
        print("recent errors:")
        for error in errors:
            where = error["url"] or error["document_id"] or ""
            print(f"  {error['at']} {error['stage']}: {terminal_safe(error['message'])} {terminal_safe(where)}")
    return EXIT_OK


def cmd_sources(args) -> int:
    from crawlers.sources import source_infos

    from .store import Store

    settings = _settings()
    with Store(settings.data_dir) as store:
        summary = store.source_summary()
    rows = []
    for info in source_infos():
        stored = summary.get(info.id, {})
        rows.append({**asdict(info), "languages": list(info.languages), "documents": stored.get("documents", 0),
                     "errors": stored.get("errors", 0), "last_crawl": stored.get("last_crawl")})
    if args.format == "json":
        print(json.dumps(rows, indent=1, ensure_ascii=False))
        return EXIT_OK
    for row in rows:
        ground = {True: "does on-the-ground research", False: "no on-the-ground research", None: ""}[row["on_the_ground"]]
        print(f"{row['id']}: {row['name']} ({row['organisation']}; {row['source_type']}; "
              f"{', '.join(row['languages'])}) {ground}")
        print(f"    {row['description']}")
        print(f"    crawled via {row['crawl_method']} from {row['homepage']}")
        run = row["last_crawl"]
        last = (f"last crawl {run['started']} ({run['finish_reason'] or 'unfinished'}): {run['new_documents']} new, "
                f"{run['new_versions']} changed, {run['not_modified']} unchanged (304), {run['errors']} errors"
                if run else "never crawled")
        print(f"    {row['documents']} documents, {row['errors']} errors recorded; {last}")
    return EXIT_OK


def cmd_bench(args) -> int:
    from .bench import run_search_bench

    run_search_bench(sizes=args.docs, queries=args.queries, work_dir=args.work_dir, reference=not args.no_reference)
    return EXIT_OK


def cmd_demo(args) -> int:
    from .demo import run_demo

    return run_demo(args.data_dir, serve=args.serve)


# -- parser -------------------------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one clear line and exit 2, as for every other bad input
        self.exit(EXIT_USAGE, f"coi: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="coi", description="Country-of-origin information pipeline for Syria.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def with_quiet(sub):
        sub.add_argument("--quiet", action="store_true", help="no progress bars")
        return sub

    crawl = with_quiet(commands.add_parser("crawl", help="fetch new and changed reports into the store"))
    crawl.add_argument("--source", action="append", help="source id (repeatable); default: every source")
    crawl.add_argument("--since", type=_date, help="backfill: page back to reports published since YYYY-MM-DD")
    crawl.set_defaults(func=cmd_crawl)

    process = with_quiet(commands.add_parser(
        "process", help="extract text, detect the language and tag every pending document"))
    process.add_argument("--retry-failed", action="store_true", help="also retry documents whose extraction "
                                                                     "or tagging failed")
    process.add_argument("--retag", action="store_true", help="also re-tag documents tagged by another tagger version")
    process.set_defaults(func=cmd_process)

    index = with_quiet(commands.add_parser("index", help="push pending documents to the search backend"))
    index.add_argument("--rebuild", action="store_true", help="rebuild the whole index from the store")
    index.set_defaults(func=cmd_index)

    run = with_quiet(commands.add_parser("run", help="crawl, process and index (the main job)"))
    run.add_argument("--source", action="append", help="source id (repeatable); default: every source")
    run.add_argument("--since", type=_date, help="backfill since YYYY-MM-DD")
    run.set_defaults(func=cmd_run)

    search = commands.add_parser(
        "search", help="full-text search with facets",
        description='Query syntax: words (all must match), "a phrase", OR, NOT or -word, prefix*, (groups).')
    add_search_filters(search)
    search.add_argument("--sort", choices=SORTS, default="relevance")
    search.add_argument("--page", type=int, default=1)
    search.add_argument("--per-page", type=int, default=10)
    search.add_argument("--format", choices=("text", "json"), default="text")
    search.set_defaults(func=cmd_search)

    status = commands.add_parser("status", help="documents per stage and the recent errors")
    status.add_argument("--errors", type=int, default=10, help="how many recent errors to show")
    status.add_argument("--format", choices=("text", "json"), default="text")
    status.set_defaults(func=cmd_status)

    sources = commands.add_parser("sources", help="the sources we crawl, with their last crawl, counts and errors")
    sources.add_argument("--format", choices=("text", "json"), default="text")
    sources.set_defaults(func=cmd_sources)

    bench = commands.add_parser("bench", help="benchmarks")
    bench_kinds = bench.add_subparsers(dest="kind", required=True, parser_class=_Parser)
    bench_search = bench_kinds.add_parser("search", help="faceted search latency on synthetic documents (SQLite)")
    bench_search.add_argument("--docs", type=int, nargs="+", default=[10_000, 100_000])
    bench_search.add_argument("--queries", type=int, default=200)
    bench_search.add_argument("--work-dir", default="bench-data", help="where synthetic indexes are kept")
    bench_search.add_argument("--no-reference", action="store_true", help="skip the plain-SQL reference")
    bench_search.set_defaults(func=cmd_bench)

    register_tagging(commands)
    register_digest(commands)
    register_crawl_bench(commands)
    register_web(commands)
    register_cite(commands)

    demo = commands.add_parser("demo", help="serve the offline mirror, crawl it, process, index, search")
    demo.add_argument("--data-dir", default="data/demo")
    demo.add_argument("--serve", action="store_true", help="then run the web app on the demo store and print its URL")
    demo.set_defaults(func=cmd_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (UsageError, QuerySyntaxError, InvalidRequest) as error:
        print(f"coi: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("coi: interrupted; everything stored so far is kept, run the command again to resume", file=sys.stderr)
        return 130
    except Exception as error:  # an operational failure: one line, not a traceback, unless asked for
        if "COI_DEBUG" in os.environ:
            raise
        print(f"coi: failed: {type(error).__name__}: {error}", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
