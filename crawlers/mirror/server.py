"""The offline mirror: serves our hand-written copies of source sites on 127.0.0.1, each under /<source_id>/."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator
from urllib.parse import parse_qs, unquote, urlsplit

from . import api, traps
from .pdfgen import text_pdf

SITES_DIR = Path(__file__).parent / "sites"
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".pdf": "application/pdf",
    ".css": "text/css; charset=utf-8",
    ".png": "image/png",
    ".jpg": "image/jpeg",
}
PDF_SOURCE_SUFFIX = ".pdf.json"
_SITE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_PAGE_NUMBER = re.compile(r"^[1-9][0-9]{0,3}$")

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Hit:
    """One request the mirror answered."""

    method: str
    path: str  # path and query as requested
    status: int
    user_agent: str = ""


@dataclass(frozen=True)
class Resource:
    body: bytes
    content_type: str
    mtime: float

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:20] + '"'

    @property
    def last_modified(self) -> str:
        return formatdate(int(self.mtime), usegmt=True)


def pdf_from_description(path: Path) -> bytes:
    """Render a *.pdf.json page description ({"title": ..., "pages": [[paragraph, ...], ...]}) as a PDF."""
    description = json.loads(path.read_text(encoding="utf-8"))
    return text_pdf(description["pages"], title=description.get("title"))


def combined_robots_txt(root: Path) -> str:
    """One robots.txt for the whole mirror: each site's rules, with its paths moved under /<site_id>."""
    lines = ["# Offline mirror: the rules of each site, under its path prefix.", "User-agent: *"]
    for site in sorted(p for p in root.iterdir() if p.is_dir() and _SITE_ID.match(p.name)):
        robots = site / "robots.txt"
        if not robots.is_file():
            continue
        lines.append(f"# {site.name}")
        for raw in robots.read_text(encoding="utf-8").splitlines():
            field, _, value = raw.partition(":")
            field, value = field.strip().lower(), value.strip()
            # Only rules for every agent are kept: the mirror has a single group.
            if field in ("allow", "disallow") and value.startswith("/"):
                lines.append(f"{field.capitalize()}: /{site.name}{value}")
    return "\n".join(lines) + "\n"


class SiteTree:
    """Maps request paths to files under root/<site_id>/, refusing anything outside the tree."""

    def __init__(self, root: Path):
        self.root = Path(root).resolve()

    def sites(self) -> list[str]:
        return sorted(p.name for p in self.root.iterdir() if p.is_dir() and _SITE_ID.match(p.name))

    def resolve(self, raw_path: str, query: str = "") -> Resource | None:
        """The resource for a request path and query, or None (unknown path, traversal, hidden file)."""
        path = unquote(raw_path)
        if "\x00" in path or "\\" in path:
            return None
        segments = [s for s in path.split("/") if s]
        if any(s in (".", "..") or s.startswith(".") for s in segments):
            return None
        if segments and segments[-1].endswith(".json"):  # PDF descriptions are sources, not content
            return None
        if segments == ["robots.txt"]:
            return Resource(combined_robots_txt(self.root).encode(), CONTENT_TYPES[".txt"], 0.0)
        if not segments or not _SITE_ID.match(segments[0]):
            return None
        site_root = self.root / segments[0]
        if not site_root.is_dir():
            return None
        pages = parse_qs(query).get("page", [])
        page = pages[0] if pages and _PAGE_NUMBER.match(pages[0]) else None
        for candidate in self._candidates(site_root, segments[1:], page):
            resource = self._load(site_root, candidate)
            if resource is not None:
                return resource
        return None

    @staticmethod
    def _candidates(site_root: Path, rest: list[str], page: str | None) -> Iterator[Path]:
        # Listing pages beyond the first (?page=N, as Drupal numbers them) are saved beside the first one.
        base = site_root.joinpath(*rest)
        if page is not None:
            yield base / f"index.page-{page}.html"
            if rest:
                yield base.with_name(f"{base.name}.page-{page}.html")
            return
        if rest and rest[-1].endswith(".pdf"):
            yield base.with_name(base.name[: -len(".pdf")] + PDF_SOURCE_SUFFIX)
        if rest:
            yield base
        yield base / "index.html"
        if rest:
            yield base.with_name(base.name + ".html")

    @staticmethod
    def _load(site_root: Path, candidate: Path) -> Resource | None:
        try:
            real = candidate.resolve()
        except OSError:
            return None
        if not real.is_relative_to(site_root.resolve()) or not real.is_file():
            return None
        mtime = real.stat().st_mtime
        if real.name.endswith(PDF_SOURCE_SUFFIX):
            return Resource(pdf_from_description(real), CONTENT_TYPES[".pdf"], mtime)
        content_type = CONTENT_TYPES.get(real.suffix.lower())
        if content_type is None:
            return None
        return Resource(real.read_bytes(), content_type, mtime)


def not_modified(resource: Resource, if_none_match: str | None, if_modified_since: str | None) -> bool:
    """RFC 9110 section 13.1: If-None-Match wins; If-Modified-Since counts only without it."""
    if if_none_match is not None:
        tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
        return "*" in tags or resource.etag in tags
    if if_modified_since:
        try:
            since = parsedate_to_datetime(if_modified_since).timestamp()
        except (TypeError, ValueError):
            return False
        return int(resource.mtime) <= since
    return False


class MirrorRequestHandler(BaseHTTPRequestHandler):
    server: "MirrorHTTPServer"
    protocol_version = "HTTP/1.1"
    server_version = "coi-mirror/0.1"

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def do_POST(self) -> None:
        if self.server.traps and traps.handles(urlsplit(self.path).path):
            self._read_request_body()
            self._answer_trap(send_body=True)
            return
        if api.handles(urlsplit(self.path).path):
            self._answer_api(send_body=True)
            return
        self._read_request_body()
        self._send(HTTPStatus.METHOD_NOT_ALLOWED, b"", {"Allow": "GET, HEAD"}, send_body=False)

    # -- API stand-ins (crawlers/mirror/api.py): JSON answers computed per request, no ETag -------------

    def _read_request_body(self) -> bytes:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = 0
        if length > api.MAX_REQUEST_BYTES:  # left unread, the rest would be taken for the next request
            self.close_connection = True
        return self.rfile.read(min(length, api.MAX_REQUEST_BYTES + 1)) if length > 0 else b""

    def _answer_api(self, send_body: bool) -> None:
        parts = urlsplit(self.path)
        try:
            reply = api.answer(self.server.tree.root, self.command, parts.path, parts.query, self._read_request_body())
        except (OSError, ValueError, KeyError, TypeError):  # e.g. a malformed record in the site tree
            logger.exception("cannot answer %s", self.path)
            self._send(HTTPStatus.INTERNAL_SERVER_ERROR, b"", {}, send_body)
            return
        self._send(HTTPStatus(reply.status), reply.body, {"Content-Type": reply.content_type}, send_body)

    def _answer_trap(self, send_body: bool) -> None:
        parts = urlsplit(self.path)
        trap = traps.answer(parts.path, parts.query)
        if trap.delay:
            time.sleep(trap.delay)
        self._send(HTTPStatus(trap.status), trap.body, trap.headers, send_body, announce_length=trap.announce_length)

    def _answer(self, send_body: bool) -> None:
        parts = urlsplit(self.path)
        if self.server.traps and traps.handles(parts.path):
            self._answer_trap(send_body)
            return
        if api.handles(parts.path):
            self._answer_api(send_body)
            return
        if parts.path == "/" and not parts.query:
            resource: Resource | None = Resource(self._index_page(), CONTENT_TYPES[".html"], 0.0)
        else:
            try:
                resource = self.server.tree.resolve(parts.path, parts.query)
            except (OSError, ValueError, KeyError, TypeError):  # e.g. a malformed *.pdf.json in a site tree
                logger.exception("cannot serve %s", self.path)
                self._send(HTTPStatus.INTERNAL_SERVER_ERROR, b"", {}, send_body)
                return
        if resource is None:
            body = b"<!DOCTYPE html><html><head><title>Not found</title></head><body><h1>Not found</h1></body></html>"
            self._send(HTTPStatus.NOT_FOUND, body, {"Content-Type": CONTENT_TYPES[".html"]}, send_body)
            return
        headers = {"Content-Type": resource.content_type, "ETag": resource.etag,
                   "Last-Modified": resource.last_modified, "Cache-Control": "no-cache"}
        if not_modified(resource, self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")):
            self._send(HTTPStatus.NOT_MODIFIED, b"", headers, send_body=False)
            return
        self._send(HTTPStatus.OK, resource.body, headers, send_body)

    def _index_page(self) -> bytes:
        items = "".join(f'<li><a href="/{site}/">{site}</a></li>' for site in self.server.tree.sites())
        return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Offline mirror</title>"
                f"</head><body><h1>Offline mirror</h1><ul>{items}</ul></body></html>").encode()

    def _send(self, status: HTTPStatus, body: bytes, headers: dict[str, str], send_body: bool,
              announce_length: bool = True) -> None:
        if self.server.delay:
            time.sleep(self.server.delay)
        # Logged before answering, so a client that has its answer always finds its request in the log.
        self.server.record(Hit(self.command, self.path, int(status), self.headers.get("User-Agent", "")))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if not announce_length:  # the body ends when the connection does
            self.send_header("Connection", "close")
            self.close_connection = True
        elif status != HTTPStatus.NOT_MODIFIED:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body and body:
            self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the name BaseHTTPRequestHandler uses
        logger.debug("%s %s", self.address_string(), format % args)


class MirrorHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], tree: SiteTree, traps: bool = False, delay: float = 0.0):
        super().__init__(address, MirrorRequestHandler)
        self.tree = tree
        self.traps = traps
        self.delay = delay
        self.hits: list[Hit] = []
        self._lock = threading.Lock()

    def handle_error(self, request, client_address) -> None:
        # A client that gives up mid-body (a crawler refusing a body over its size limit) is not our error.
        if isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            logger.debug("%s closed the connection", client_address)
            return
        super().handle_error(request, client_address)

    def record(self, hit: Hit) -> None:
        with self._lock:
            self.hits.append(hit)
        logger.info("%s %s %d", hit.method, hit.path, hit.status)


class Mirror:
    """A running mirror: use as a context manager; .url is the base URL, .log what was requested.

    root is the directory holding one folder per source id (the packaged sites/ by default); tests pass
    a temporary copy so they can change a page between two crawls. traps=True also serves the failing
    endpoints of traps.py under /traps/; delay (seconds) slows every answer down, as a distant site would.
    """

    def __init__(self, root: Path | str | None = None, host: str = "127.0.0.1", port: int = 0,
                 traps: bool = False, delay: float = 0.0):
        self.root = Path(root) if root is not None else SITES_DIR
        self.httpd = MirrorHTTPServer((host, port), SiteTree(self.root), traps=traps, delay=delay)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def hits(self) -> list[Hit]:
        with self.httpd._lock:
            return list(self.httpd.hits)

    @property
    def log(self) -> list[tuple[str, str, int]]:
        """(method, path, status) of every request answered so far, oldest first."""
        return [(hit.method, hit.path, hit.status) for hit in self.hits]

    def clear_log(self) -> None:
        with self.httpd._lock:
            self.httpd.hits.clear()

    def start(self) -> "Mirror":
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="coi-mirror", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self.httpd.shutdown()
            self._thread.join()
            self._thread = None
        self.httpd.server_close()

    def __enter__(self) -> "Mirror":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


@contextmanager
def serve_mirror(port: int = 0, root: Path | str | None = None, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve the mirror in a background thread for the duration of the block; yields its base URL.

    port 0 picks a free port. Use Mirror directly when you also need the request log.
    """
    with Mirror(root=root, host=host, port=port) as mirror:
        yield mirror.url
