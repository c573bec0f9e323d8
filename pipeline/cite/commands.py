"""The lawyer's commands: `coi cite`, `coi dossier`, `coi changes` and `coi recheck`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ..search.model import SearchRequest
from ..settings import Settings

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _refuse(message: str) -> int:
    print(f"coi: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def cmd_cite(args) -> int:
    from ..store import Store
    from .citation import CitationError, build_citation
    from .formats import render

    settings = Settings.from_env()
    citations = []
    with Store(settings.data_dir) as store:
        for doc_id in args.doc_id:
            try:
                citations.append(build_citation(store, doc_id, paragraph=args.passage, quote=args.quote,
                                                version=args.version, public_url=settings.public_url))
            except CitationError as error:
                return _refuse(f"cannot cite: {error}")
    sys.stdout.write(render(citations, args.format, args.style))
    return EXIT_OK


def dossier_request(args) -> SearchRequest:
    from ..cli import build_request

    return build_request(args)


def cmd_dossier(args) -> int:
    from ..search.backend import open_backend
    from ..store import Store
    from .dossier import build_dossier, dossier_html, dossier_pdf

    settings = Settings.from_env()
    request = dossier_request(args)
    backend = open_backend(settings)
    try:
        with Store(settings.data_dir) as store:
            dossier = build_dossier(store, backend, request, style=args.style, public_url=settings.public_url)
    finally:
        backend.close()
    if args.format == "pdf":
        if not args.output:
            return _refuse("a PDF dossier needs --output FILE")
        Path(args.output).write_bytes(dossier_pdf(dossier))
    elif args.output:
        Path(args.output).write_text(dossier_html(dossier), encoding="utf-8")
    else:
        sys.stdout.write(dossier_html(dossier))
    if args.output:
        print(f"dossier: {dossier.passages} passages from {dossier.documents} documents and {dossier.sources} "
              f"sources written to {args.output}", file=sys.stderr)
    return EXIT_OK


def cmd_changes(args) -> int:
    from ..store import Store
    from .versions import changes_since

    settings = Settings.from_env()
    with Store(settings.data_dir) as store:
        changes = changes_since(store, args.since.isoformat())
    if args.format == "json":
        print(json.dumps([c.to_json() for c in changes], ensure_ascii=False, indent=1))
        return EXIT_OK
    if not changes:
        print(f"no edited or withdrawn documents since {args.since}")
    for change in changes:
        detail = f" ({change.detail})" if change.detail else ""
        print(f"{change.at[:10]}  {change.kind:<9} {change.doc_id}  {change.source_id}: {change.title}{detail}")
        print(f"    {change.url}  ({change.versions} version{'s' if change.versions != 1 else ''})")
    return EXIT_OK


def cmd_recheck(args) -> int:
    from ..cli import _values
    from ..store import Store
    from .recheck import RecheckOptions, recheck

    settings = Settings.from_env()
    options = RecheckOptions(user_agent=settings.user_agent, delay=args.delay, max_body_bytes=settings.max_body_bytes)
    with Store(settings.data_dir) as store:
        stats = recheck(store, options, sources=_values(args.source) or None, limit=args.limit)
    print(f"recheck: {stats.checked} checked, {stats.not_modified} not modified, {stats.unchanged} unchanged, "
          f"{stats.new_versions} new versions, {stats.withdrawn} withdrawn, {stats.restored} restored, "
          f"{stats.skipped_robots} disallowed by robots.txt, {len(stats.errors)} errors")
    for error in stats.errors[:10]:
        print(f"  error: {error}")
    return EXIT_OK


def register_cite(commands) -> None:
    """Add cite, dossier, changes and recheck to the `coi` subcommands."""
    from ..cli import _date, add_search_filters  # the CLI's own options and parsing, so every command reads them alike
    from .formats import FORMATS, STYLES

    cite = commands.add_parser("cite", help="a pinpoint citation of a document (text, RIS, BibTeX, CSL-JSON)")
    cite.add_argument("doc_id", nargs="+", help="document id (as in coi search --format json or the web page)")
    pin = cite.add_mutually_exclusive_group()
    pin.add_argument("--passage", type=int, metavar="N", help="paragraph number N (the ¶ number on the document page)")
    pin.add_argument("--quote", help="the exact words quoted; found in the current version, else in an older one")
    cite.add_argument("--version", type=int, metavar="N", help="cite version N (1 = first retrieved); default: current")
    cite.add_argument("--style", choices=STYLES, default="en", help="nl: Dutch month names, 'geraadpleegd op'")
    cite.add_argument("--format", choices=FORMATS, default="text")
    cite.set_defaults(func=cmd_cite)

    dossier = commands.add_parser("dossier", help="every passage supporting a claim, quoted and cited (HTML or PDF)")
    add_search_filters(dossier)
    dossier.add_argument("--style", choices=STYLES, default="en")
    dossier.add_argument("--format", choices=("html", "pdf"), default="html")
    dossier.add_argument("--output", "-o", help="file to write (required for pdf); default: HTML to stdout")
    dossier.set_defaults(func=cmd_dossier)

    changes = commands.add_parser("changes", help="documents edited or withdrawn by their source since a date")
    changes.add_argument("--since", type=_date, required=True, help="YYYY-MM-DD")
    changes.add_argument("--format", choices=("text", "json"), default="text")
    changes.set_defaults(func=cmd_changes)

    recheck = commands.add_parser("recheck", help="re-fetch stored documents: new versions, withdrawn reports")
    recheck.add_argument("--source", action="append", help="source id (repeatable); default: every source")
    recheck.add_argument("--limit", type=int, help="check at most N documents, least recently checked first")
    recheck.add_argument("--delay", type=float, default=1.0, help="seconds between requests to one site")
    recheck.set_defaults(func=cmd_recheck)
