"""The web app's commands: `coi serve`, `coi matrix` (table, CSV, JSON, SVG, one cell's trend) and `coi bench serve`."""

from __future__ import annotations

import argparse
import json
import socket
import sys
from datetime import date
from pathlib import Path

EXIT_OK, EXIT_USAGE = 0, 2


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: use YYYY-MM-DD") from None


def _values(raw: list[str] | None) -> list[str]:
    return [v.strip() for item in raw or [] for v in item.split(",") if v.strip()]


def serve_app(settings, host: str, port: int, workers: int = 1, log_level: str = "info", access_log: bool = False,
              heading: str = "serving the Syria COI web app at") -> int:
    """Run the web app until Ctrl-C; first print its URL."""
    import uvicorn

    from . import create_app

    print(f"{heading} http://{host}:{port}/ (search backend: {settings.search_backend}, data: {settings.data_dir}); "
          "Ctrl-C stops it", flush=True)
    if workers > 1:  # separate processes, each with its own app: searches are CPU-bound Python
        from .workers import serve_workers

        serve_workers(settings, host, port, workers, log_level, access_log)
    else:
        uvicorn.run(create_app(settings), host=host, port=port, log_level=log_level, access_log=access_log)
    return EXIT_OK


def port_or_free(host: str, port: int) -> int:
    """port if nothing listens on it yet, else a free one (so the demo never fails at its last step)."""
    with socket.socket() as probe:
        try:
            probe.bind((host, port))
        except OSError:
            probe.bind((host, 0))
        return probe.getsockname()[1]


def cmd_serve(args) -> int:
    from ..settings import Settings

    settings = Settings.from_env()
    return serve_app(settings, args.host or settings.host, args.port or settings.port, args.workers, args.log_level,
                     args.access_log)


def cmd_matrix(args) -> int:
    from ..matrix import InvalidMatrixRequest, MatrixRequest, build_matrix, cell_trend, matrix_csv, \
        validate_cell, validate_matrix_request
    from ..matrix_svg import matrix_svg
    from ..settings import Settings
    from ..store import Store

    try:
        request = validate_matrix_request(MatrixRequest(
            groups=_values(args.group), actors=_values(args.actor), epochs=_values(args.epoch), since=args.since,
            until=args.until, expand=_values(args.expand)))
        if args.trend:
            region, _, threat = args.trend.partition(":")
            validate_cell(region, threat)
    except InvalidMatrixRequest as error:
        print(f"coi: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    with Store(Settings.from_env().data_dir) as store:
        if args.trend:
            months = cell_trend(store, request, region, threat)
            output = json.dumps(months, indent=1) if args.format == "json" else "\n".join(
                f"{m['month']}  {m['documents']:>4} documents  {m['sources']:>3} sources" for m in months)
        else:
            matrix = build_matrix(store, request)
            output = {"csv": matrix_csv, "svg": matrix_svg, "text": _matrix_text,
                      "json": lambda m: json.dumps(m.to_json(), indent=1, ensure_ascii=False)}[args.format](matrix)
    if args.output:
        Path(args.output).write_text(output if output.endswith("\n") else output + "\n", encoding="utf-8")
        print(f"wrote {args.output}")
    else:
        sys.stdout.write(output if output.endswith("\n") else output + "\n")
    return EXIT_OK


def _matrix_text(matrix) -> str:
    """Rows with at least one document: each non-empty cell as threat=documents/sources."""
    lines = [f"documents/sources per region and threat (largest cell: {matrix.max_documents} documents)"]
    for row in matrix.rows:
        if not row.documents:
            continue
        cells = [f"{threat}={cell.documents}/{cell.sources}" for threat, cell in row.cells.items() if cell.documents]
        indent = "    " if row.level == "district" else ""
        lines.append(f"{indent}{row.region} {row.label}: {row.documents} documents, {row.sources} sources")
        lines.append(f"{indent}    " + ", ".join(cells))
    return "\n".join(lines)


def cmd_bench_serve(args) -> int:
    from .bench import run_serve_bench

    result = run_serve_bench(docs=args.docs, clients=args.clients, seconds=args.seconds, work_dir=args.work_dir,
                             workers=args.workers, cache_seconds=args.cache_seconds, distinct=args.distinct)
    return EXIT_OK if result["errors"] == 0 else 1


def register(commands) -> None:
    """Add serve, matrix and `bench serve` to the coi command line (commands: the top-level subparsers)."""
    serve = commands.add_parser("serve", help="run the web app and JSON API (OpenAPI at /api/openapi.json)")
    serve.add_argument("--host", help="listen address (default COI_HOST, 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default COI_PORT, 8000)")
    serve.add_argument("--log-level", default="info", choices=("critical", "error", "warning", "info", "debug"))
    serve.add_argument("--access-log", action="store_true", help="log every request")
    serve.add_argument("--workers", type=int, default=1, help="server processes (one per core is a good start)")
    serve.set_defaults(func=cmd_serve)

    matrix = commands.add_parser("matrix", help="region × threat matrix of distinct documents and sources")
    matrix.add_argument("--group", action="append", help="count claims naming any of these groups")
    matrix.add_argument("--actor", action="append", help="count claims naming any of these actors")
    matrix.add_argument("--epoch", action="append", help="assad_era, transition (by publication date)")
    matrix.add_argument("--since", type=_date)
    matrix.add_argument("--until", type=_date)
    matrix.add_argument("--expand", action="append", help="governorates to break down by district")
    matrix.add_argument("--trend", metavar="REGION:THREAT", help="one cell by month, e.g. SY13:kidnapping_abduction")
    matrix.add_argument("--format", choices=("text", "csv", "json", "svg"), default="text")
    matrix.add_argument("--output", "-o", help="write to this file instead of standard output")
    matrix.set_defaults(func=cmd_matrix)

    bench = commands.choices.get("bench")
    kinds = next((a for a in getattr(bench, "_actions", []) if isinstance(a, argparse._SubParsersAction)), None)
    if kinds is not None and "serve" not in kinds.choices:
        bench_serve = kinds.add_parser("serve", help="concurrent clients against /api/search on synthetic documents")
        bench_serve.add_argument("--docs", type=int, default=100_000)
        bench_serve.add_argument("--clients", type=int, default=20)
        bench_serve.add_argument("--seconds", type=float, default=30)
        bench_serve.add_argument("--work-dir", default="bench-data", help="where the synthetic index is kept")
        bench_serve.add_argument("--workers", type=int, default=2, help="coi serve worker processes")
        bench_serve.add_argument("--cache-seconds", type=int, default=60, help="COI_SEARCH_CACHE_SECONDS (0: off)")
        bench_serve.add_argument("--distinct", type=int, default=500, help="how many different searches are sent")
        bench_serve.set_defaults(func=cmd_bench_serve)
