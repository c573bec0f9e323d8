"""The matrix pages: the heatmap, its CSV and SVG exports, and one cell's trend by month."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ..matrix import InvalidMatrixRequest, MatrixRequest, build_matrix, cell_trend, heat_level, matrix_csv, \
    validate_cell, validate_matrix_request
from ..matrix_svg import HEAT_COLOURS, matrix_svg
from ..taxonomy import load_taxonomy
from .deps import open_store

router = APIRouter(include_in_schema=False)


def _values(params, key: str) -> list[str]:
    return [v.strip() for raw in params.getlist(key) for v in raw.split(",") if v.strip()]


def _date(params, key: str) -> date | None:
    raw = (params.get(key) or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidMatrixRequest(f"{key} {raw!r} is not a date: use YYYY-MM-DD") from None


def matrix_request(params) -> MatrixRequest:
    """The validated matrix request of a URL's query parameters: group, actor, epoch, since, until, expand."""
    return validate_matrix_request(MatrixRequest(
        groups=_values(params, "group"), actors=_values(params, "actor"), epochs=_values(params, "epoch"),
        since=_date(params, "since"), until=_date(params, "until"), expand=_values(params, "expand")))


def filter_pairs(request: MatrixRequest, expand: list[str] | None = None) -> list[tuple[str, str]]:
    pairs = [("group", v) for v in request.groups] + [("actor", v) for v in request.actors]
    pairs += [("epoch", v) for v in request.epochs]
    pairs += [(k, d.isoformat()) for k, d in (("since", request.since), ("until", request.until)) if d]
    pairs += [("expand", v) for v in (request.expand if expand is None else expand)]
    return pairs


def cell_search_url(request: MatrixRequest, region: str, level: str, threat: str) -> str:
    """The search behind one cell: the same region, threat and filters, named together in one passage."""
    pairs = [(level, region), ("threat", threat)] + filter_pairs(request, expand=[])
    return "/search?" + urlencode(pairs + [("same_passage", "1"), ("sort", "date")])


def trend_url(request: MatrixRequest, region: str, threat: str) -> str:
    return "/matrix/trend?" + urlencode([("region", region), ("threat", threat)] + filter_pairs(request, expand=[]))


def _matrix_url(pairs: list[tuple[str, str]], path: str = "/matrix") -> str:
    return f"{path}?{urlencode(pairs)}" if pairs else path


def toggle_expand_url(request: MatrixRequest, governorate: str) -> str:
    expand = [g for g in request.expand if g != governorate] if governorate in request.expand \
        else request.expand + [governorate]
    return _matrix_url(filter_pairs(request, expand=expand)) + f"#row-{governorate}"


@router.get("/matrix")
def matrix_page(request: Request):
    wanted = matrix_request(request.query_params)
    with open_store(request) as store:
        matrix = build_matrix(store, wanted)
    taxonomy = load_taxonomy()
    exports = urlencode(filter_pairs(wanted))
    return request.app.state.templates.TemplateResponse(request, "matrix.html", {
        "matrix": matrix, "wanted": wanted, "taxonomy": taxonomy, "heat_level": heat_level,
        "heat_steps": len(HEAT_COLOURS), "cell_search_url": cell_search_url, "trend_url": trend_url,
        "toggle_expand_url": toggle_expand_url, "exports": exports,
        "choices": {kind: [(v, taxonomy.label(kind, v)) for v in taxonomy.ids(kind)]
                    for kind in ("group", "actor", "epoch")}})


@router.get("/matrix.csv")
def matrix_csv_export(request: Request) -> Response:
    with open_store(request) as store:
        matrix = build_matrix(store, matrix_request(request.query_params))
    return Response(matrix_csv(matrix), media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": 'attachment; filename="coi-matrix.csv"'})


@router.get("/matrix.svg")
def matrix_svg_export(request: Request) -> Response:
    with open_store(request) as store:
        matrix = build_matrix(store, matrix_request(request.query_params))
    return Response(matrix_svg(matrix), media_type="image/svg+xml",
                    headers={"content-disposition": 'attachment; filename="coi-matrix.svg"'})


@router.get("/matrix/trend")
def trend_page(request: Request):
    wanted = matrix_request(request.query_params)
    region, threat = request.query_params.get("region", ""), request.query_params.get("threat", "")
    with open_store(request) as store:
        months = cell_trend(store, wanted, region, threat)
    taxonomy = load_taxonomy()
    pcode, level = validate_cell(region, threat, taxonomy)
    return request.app.state.templates.TemplateResponse(request, "trend.html", {
        "months": months, "most": max((m["documents"] for m in months), default=0),
        "region": pcode, "region_label": taxonomy.label(level, pcode), "threat": threat,
        "threat_label": taxonomy.label("threat", threat), "wanted": wanted,
        "search_url": cell_search_url(wanted, pcode, level, threat),
        "back_url": _matrix_url(filter_pairs(wanted))})
