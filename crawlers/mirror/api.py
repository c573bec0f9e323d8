"""The mirror's stand-in for the ReliefWeb API v2: /reliefweb/v2/reports answered from saved records, GET or POST.

Each report is one JSON file, sites/reliefweb/v2/reports/<id>.json, holding {"id": ..., "fields": {...}} with
every field the live API would return. A request is answered as the live API answers it: the filter applied
(field/value, value lists, {"from", "to"} ranges, negate, and nested conditions with AND/OR), the sort, then
offset and limit, and only the fields asked for. Requests without an appname get the 403 the live API has
given since November 2025. While sites/reliefweb/v2/rate-limited.html exists, every request gets that page
instead of JSON, as a client being rate limited by a proxy would; tests create it to check that crawls survive.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import parse_qs, unquote, urlencode

API_PREFIX = "/reliefweb/v2/"
LIVE_API = "https://api.reliefweb.int/v2"
RESOURCES = ("reports",)
MAX_LIMIT = 1000
DEFAULT_LIMIT = 10
DEFAULT_FIELDS = ("title",)
RATE_LIMIT_PAGE = "rate-limited.html"
MAX_REQUEST_BYTES = 64 * 1024
JSON_TYPE = "application/json"
HTML_TYPE = "text/html; charset=utf-8"


@dataclass(frozen=True)
class ApiAnswer:
    status: int
    body: bytes
    content_type: str = JSON_TYPE


class BadQuery(ValueError):
    """A request the live API would refuse with 400."""


def handles(path: str) -> bool:
    """True for the request paths this module answers (everything under /reliefweb/v2/)."""
    return unquote(path).startswith(API_PREFIX)


def answer(sites_root: Path, method: str, path: str, query: str, body: bytes = b"") -> ApiAnswer:
    """The API's answer to one request: method GET, HEAD or POST (a JSON body), path and query as sent."""
    api_dir = Path(sites_root) / "reliefweb" / "v2"
    rate_limit_page = api_dir / RATE_LIMIT_PAGE
    if rate_limit_page.is_file():
        return ApiAnswer(200, rate_limit_page.read_bytes(), HTML_TYPE)
    resource = unquote(path)[len(API_PREFIX):].strip("/")
    if resource not in RESOURCES:
        return _error(404, "NotFoundHttpException", f"Unknown resource {resource!r}.")
    params = parse_qs(query, keep_blank_values=True)
    appname = (params.get("appname") or [""])[0].strip()
    if not appname:
        return _error(403, "AccessDeniedHttpException",
                      "An approved appname is required: see https://apidoc.reliefweb.int/parameters#appname")
    try:
        request = _post_payload(body) if method == "POST" else _get_payload(params)
        limit, offset = _paging(request)
        records = list(_records(api_dir / resource))
        if request.get("filter"):
            records = [r for r in records if _matches(r["fields"], request["filter"])]
        records = _sorted(records, request.get("sort") or [])
        include = (request.get("fields") or {}).get("include") or list(DEFAULT_FIELDS)
    except BadQuery as problem:
        return _error(400, "BadRequestHttpException", str(problem))
    page = records[offset:offset + limit]
    self_href = f"{LIVE_API}/{resource}?{urlencode({'appname': appname, 'offset': offset, 'limit': limit})}"
    links: dict[str, Any] = {"self": {"href": self_href}}
    if offset + len(page) < len(records):
        links["next"] = {"href": f"{LIVE_API}/{resource}?"
                                 f"{urlencode({'appname': appname, 'offset': offset + limit, 'limit': limit})}"}
    payload = {
        "time": 7,
        "href": self_href,
        "links": links,
        "took": 3,
        "totalCount": len(records),
        "count": len(page),
        "data": [{"id": str(r["id"]), "score": 1, "fields": _project(r["fields"], include),
                  "href": f"{LIVE_API}/{resource}/{r['id']}"} for r in page],
    }
    return ApiAnswer(200, json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8"))


def _error(status: int, kind: str, message: str) -> ApiAnswer:
    return ApiAnswer(status, json.dumps({"status": status, "error": {"type": kind, "message": message}}).encode())


def _post_payload(body: bytes) -> dict:
    if len(body) > MAX_REQUEST_BYTES:
        raise BadQuery("The request body is too large.")
    try:
        payload = json.loads(body or b"{}")
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BadQuery("The request body is not valid JSON.") from None
    if not isinstance(payload, dict):
        raise BadQuery("The request body must be a JSON object.")
    return payload


def _get_payload(params: dict[str, list[str]]) -> dict:
    """The same query as a POST body, from GET parameters: filter[field], filter[value], sort[], fields[include][]."""
    payload: dict[str, Any] = {}
    for name in ("limit", "offset"):
        if name in params:
            payload[name] = params[name][0]
    if "filter[field]" in params:
        condition: dict[str, Any] = {"field": params["filter[field]"][0]}
        if "filter[value]" in params:
            condition["value"] = params["filter[value]"][0]
        payload["filter"] = condition
    if "sort[]" in params:
        payload["sort"] = params["sort[]"]
    if "fields[include][]" in params:
        payload["fields"] = {"include": params["fields[include][]"]}
    return payload


def _paging(request: dict) -> tuple[int, int]:
    try:
        limit = int(request.get("limit", DEFAULT_LIMIT))
        offset = int(request.get("offset", 0))
    except (TypeError, ValueError):
        raise BadQuery("limit and offset must be whole numbers.") from None
    if not 0 <= limit <= MAX_LIMIT:
        raise BadQuery(f"limit must be between 0 and {MAX_LIMIT}.")
    if offset < 0:
        raise BadQuery("offset must not be negative.")
    return limit, offset


def _records(resource_dir: Path) -> Iterator[dict]:
    for path in sorted(resource_dir.glob("*.json")):
        yield json.loads(path.read_text(encoding="utf-8"))


def _values(fields: Any, dotted: str) -> list:
    """Every value at a dotted path, looking into lists on the way (source.name of every source)."""
    current = [fields]
    for key in dotted.split("."):
        found = []
        for value in current:
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, dict) and key in item:
                    found.append(item[key])
        current = found
    flat: list = []
    for value in current:
        flat.extend(value if isinstance(value, list) else [value])
    return flat


def _matches(fields: dict, condition: Any) -> bool:
    if not isinstance(condition, dict):
        raise BadQuery("A filter must be an object.")
    if "conditions" in condition:
        operator = str(condition.get("operator", "AND")).upper()
        if operator not in ("AND", "OR"):
            raise BadQuery(f"Unknown filter operator {operator!r}.")
        results = [_matches(fields, sub) for sub in condition["conditions"]]
        matched = all(results) if operator == "AND" else any(results)
    elif "field" in condition:
        values = _values(fields, condition["field"])
        wanted = condition.get("value")
        if wanted is None:
            matched = bool(values)
        elif isinstance(wanted, dict):
            low, high = wanted.get("from"), wanted.get("to")
            matched = any((low is None or str(v) >= str(low)) and (high is None or str(v) <= str(high)) for v in values)
        else:
            choices = {str(w).casefold() for w in (wanted if isinstance(wanted, list) else [wanted])}
            matched = any(str(v).casefold() in choices for v in values)
    else:
        raise BadQuery("A filter needs a field or conditions.")
    return not matched if condition.get("negate") else matched


def _sorted(records: list[dict], sort: list[str]) -> list[dict]:
    ordered = sorted(records, key=lambda r: int(r["id"]), reverse=True)
    for spec in reversed(sort):
        field, _, direction = str(spec).partition(":")
        if direction not in ("", "asc", "desc"):
            raise BadQuery(f"Unknown sort direction in {spec!r}.")
        ordered.sort(key=lambda r: [str(v) for v in _values(r["fields"], field)], reverse=direction == "desc")
    return ordered


def _project(fields: Any, include: list[str]) -> dict:
    """Only the included fields: "date.created" keeps date.created, "file.url" the url of every file."""
    projected: dict = {}
    for dotted in include:
        head, _, rest = str(dotted).partition(".")
        if not isinstance(fields, dict) or head not in fields:
            continue
        value = fields[head]
        if not rest:
            projected[head] = value
        elif isinstance(value, list):
            previous = projected.get(head) or [{} for _ in value]
            projected[head] = [{**before, **_project(item, [rest])} for before, item in zip(previous, value)]
        elif isinstance(value, dict):
            projected[head] = {**projected.get(head, {}), **_project(value, [rest])}
    return projected
