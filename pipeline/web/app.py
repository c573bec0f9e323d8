"""create_app(settings): the ASGI app with its routers, templates, security headers and error pages."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..matrix import InvalidMatrixRequest
from ..search.backend import SearchBackendError
from ..search.facets import InvalidRequest
from ..search.model import SearchRequest
from ..search.query import QuerySyntaxError
from ..settings import Settings
from . import registry
from .cache import SearchCache
from .deps import NotFound, pool_for
from .filters import register_filters

HERE = Path(__file__).parent
# Crawled text is hostile: no inline script or style anywhere, nothing loaded from elsewhere, no framing.
CONTENT_SECURITY_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
                           "frame-ancestors 'none'; object-src 'none'")
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


class SecurityHeaders:
    """Pure ASGI middleware: every response gets the CSP (unless a route set a stricter one) and the headers above."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", CONTENT_SECURITY_POLICY.encode()))
                headers += [(name, value) for name, value in SECURITY_HEADERS if name not in names]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def templates() -> Jinja2Templates:
    environment = Environment(loader=FileSystemLoader(HERE / "templates"),
                              autoescape=select_autoescape(["html", "xml", "svg"], default=True),
                              trim_blocks=True, lstrip_blocks=True)
    register_filters(environment)
    environment.globals.update(nav=registry.NAV, passage_actions=registry.PASSAGE_ACTIONS,
                               document_sections=registry.DOCUMENT_SECTIONS)
    return Jinja2Templates(env=environment)


def create_app(settings: Settings, search_connections: int = 2) -> FastAPI:
    """The web app and JSON API over the store and search backend that settings name."""
    app = FastAPI(title="Syria COI", version="0.1.0", docs_url=None, redoc_url=None,
                  openapi_url="/api/openapi.json",
                  description="Country-of-origin information on Syria: faceted search over reports, each document "
                              "with its evidence passages, and the region × group × threat matrix.")
    app.state.settings = settings
    app.state.backends = pool_for(settings, search_connections)
    app.state.search_cache = SearchCache(settings.search_cache_seconds)
    app.state.templates = templates()
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for router in registry.routers():
        app.include_router(router)
    _error_pages(app)
    app.add_middleware(SecurityHeaders)
    if settings.search_backend == "sqlite":
        # Load the facet bitsets before the first request rather than during it (seconds on a large index).
        app.router.add_event_handler("startup", lambda: app.state.backends.warm(
            lambda backend: backend.search(SearchRequest(per_page=1))))
    app.router.add_event_handler("shutdown", app.state.backends.close)
    return app


def app_from_env() -> FastAPI:
    """The app for `uvicorn --factory pipeline.web.app:app_from_env` (and `coi serve --workers N`)."""
    return create_app(Settings.from_env())


def _error_pages(app: FastAPI) -> None:
    def respond(request: Request, status: int, message: str, headers: dict | None = None):
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": message}, status_code=status, headers=headers)
        return app.state.templates.TemplateResponse(request, "error.html", {"message": message, "status": status},
                                                    status_code=status, headers=headers)

    @app.exception_handler(InvalidRequest)
    @app.exception_handler(QuerySyntaxError)
    @app.exception_handler(InvalidMatrixRequest)
    async def bad_request(request: Request, error: Exception):
        return respond(request, 400, str(error))

    @app.exception_handler(SearchBackendError)
    async def backend_down(request: Request, error: Exception):
        return respond(request, 503, f"search is unavailable: {error}")

    @app.exception_handler(NotFound)
    async def not_found(request: Request, error: NotFound):
        return respond(request, 404, str(error.args[0]) if error.args else "not found")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException):
        if error.status_code == 404:
            return respond(request, 404, f"no page at {request.url.path}")
        return respond(request, error.status_code, str(error.detail), getattr(error, "headers", None))
