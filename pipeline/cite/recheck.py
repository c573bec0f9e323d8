"""Re-check stored documents at their sources, politely: robots.txt (and its Crawl-delay), one request at a time
with a pause per host, conditional requests. 304 or the same bytes: unchanged; new bytes: a new version; 404 or
410: withdrawn; anything else: an error recorded against the document, never a withdrawal."""

from __future__ import annotations

import http.client
import time
import urllib.error
import urllib.request
import urllib.robotparser
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ..store import FetchedReport, Store
from .versions import record_served, record_withdrawn

GONE = (404, 410)


@dataclass
class RecheckStats:
    checked: int = 0
    not_modified: int = 0
    unchanged: int = 0
    new_versions: int = 0
    withdrawn: int = 0
    restored: int = 0
    skipped_robots: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RecheckOptions:
    user_agent: str
    delay: float = 1.0  # seconds between two requests to one host
    timeout: float = 30.0
    max_body_bytes: int = 50 * 1024 * 1024


class _NoRedirectErrors(urllib.request.HTTPErrorProcessor):
    """Let 304 through as a response instead of an exception."""

    def http_response(self, request, response):
        if response.status == 304:
            return response
        return super().http_response(request, response)

    https_response = http_response


def documents_to_check(store: Store, sources: list[str] | None = None, limit: int | None = None) -> list[dict]:
    """Stored documents, least recently checked first."""
    sql = "SELECT id, url, source_id, title FROM documents"
    params: list = []
    if sources:
        sql += f" WHERE source_id IN ({','.join('?' * len(sources))})"
        params += sources
    sql += " ORDER BY last_checked, id"
    if limit:
        sql += " LIMIT ?"
        params.append(limit)
    return [dict(row) for row in store.db.execute(sql, params)]


def recheck(store: Store, options: RecheckOptions, sources: list[str] | None = None, limit: int | None = None,
            sleep=time.sleep, clock=time.monotonic) -> RecheckStats:
    """Fetch every chosen document's URL again and record what the source says now."""
    stats = RecheckStats()
    opener = urllib.request.build_opener(_NoRedirectErrors())
    robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}
    last_request: dict[str, float] = {}
    for document in documents_to_check(store, sources, limit):
        url = document["url"]
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            continue
        host = parts.netloc

        def polite_wait() -> None:
            rules = robots.get(host)
            delay = max(options.delay, float((rules.crawl_delay(options.user_agent) if rules else None) or 0))
            waited = clock() - last_request.get(host, float("-inf"))
            if waited < delay:
                sleep(delay - waited)
            last_request[host] = clock()

        if host not in robots:
            polite_wait()
            robots[host] = _robots(f"{parts.scheme}://{host}/robots.txt", options)
        if robots[host] is not None and not robots[host].can_fetch(options.user_agent, url):
            stats.skipped_robots += 1
            continue
        polite_wait()
        stats.checked += 1
        try:
            _check(store, opener, document, options, stats)
        except (OSError, ValueError, http.client.HTTPException) as error:
            message = f"recheck failed: {error}"
            stats.errors.append(f"{url}: {message}")
            store.record_error("fetch", message, url=url, doc_id=document["id"], source_id=document["source_id"])
    return stats


def _robots(url: str, options: RecheckOptions) -> urllib.robotparser.RobotFileParser | None:
    parser = urllib.robotparser.RobotFileParser(url)
    try:
        request = urllib.request.Request(url, headers={"User-Agent": options.user_agent})
        with urllib.request.urlopen(request, timeout=options.timeout) as response:
            parser.parse(response.read(512 * 1024).decode("utf-8", "replace").splitlines())
    except urllib.error.HTTPError as error:
        if error.code in (401, 403):
            parser.disallow_all = True
        else:
            parser.allow_all = True
    except OSError:
        return None  # robots.txt unreachable: the documents themselves will fail and be recorded
    return parser


def _check(store: Store, opener, document: dict, options: RecheckOptions, stats: RecheckStats) -> None:
    etag, last_modified = store.validators(document["url"])
    headers = {"User-Agent": options.user_agent}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    request = urllib.request.Request(document["url"], headers=headers)
    try:
        response = opener.open(request, timeout=options.timeout)
    except urllib.error.HTTPError as error:
        if error.code in GONE:
            if record_withdrawn(store, document["id"], error.code):
                stats.withdrawn += 1
            return
        raise OSError(f"HTTP {error.code}") from None
    with response:
        if record_served(store, document["id"], response.status):
            stats.restored += 1
        if response.status == 304:
            store.touch(document["url"])
            stats.not_modified += 1
            return
        body = response.read(options.max_body_bytes + 1)
        if len(body) > options.max_body_bytes:
            raise ValueError(f"body larger than {options.max_body_bytes} bytes")
        result = store.ingest(FetchedReport(
            source_id=document["source_id"], url=document["url"], body=body,
            content_type=response.headers.get("Content-Type"), etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"), fetched_url=response.geturl()))
    if result.new_version:
        stats.new_versions += 1
    else:
        stats.unchanged += 1
