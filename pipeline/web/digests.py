"""The digest pages: /digests (sent digests, subscriptions), one digest's text and HTML, and subscriptions managed
from the web and the JSON API behind the access token COI_DIGEST_TOKEN."""

from __future__ import annotations

import hmac
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from ..digest.send import sent_digest, sent_digests
from ..digest.subscriptions import (SUBSCRIPTION_FACETS, SubscriptionError, add_subscription, check_subscription,
                                    list_subscriptions, remove_subscription)
from .deps import NotFound, open_store, settings_of

router = APIRouter()
# The stored HTML part is our own escaped rendering; it is still shown in a sandbox with nothing allowed but its
# inline styles, so that a mistake in a template could not run anything in the app's origin.
DIGEST_HTML_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
MAX_FORM_BYTES = 16_384


class Forbidden(PermissionError):
    pass


def _token_ok(request: Request, given: str | None) -> bool:
    expected = settings_of(request).digest_token
    if not expected:
        raise Forbidden("managing subscriptions from the web is off: set COI_DIGEST_TOKEN on the server")
    header = request.headers.get("authorization", "")
    given = given or (header[7:] if header.lower().startswith("bearer ") else "")
    return hmac.compare_digest(given.encode(), expected.encode())


async def _form(request: Request) -> dict[str, list[str]]:
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise SubscriptionError("the form is too large")
    values: dict[str, list[str]] = {}
    for key, value in parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True):
        values.setdefault(key, []).append(value)
    return values


def _filters(values: dict[str, list[str]]) -> dict[str, list[str]]:
    return {facet: [v.strip() for raw in values.get(facet, []) for v in raw.split(",") if v.strip()]
            for facet in SUBSCRIPTION_FACETS}


def _page(request: Request, status: int = 200, **context) -> HTMLResponse:
    with open_store(request) as store:
        digests = sent_digests(store)
        subscriptions = list_subscriptions(store)
    return request.app.state.templates.TemplateResponse(
        request, "digests.html", {"digests": digests, "subscriptions": subscriptions, "facets": SUBSCRIPTION_FACETS,
                                  "managed": bool(settings_of(request).digest_token), **context},
        status_code=status)


@router.get("/digests", include_in_schema=False)
def digests_page(request: Request) -> HTMLResponse:
    return _page(request)


@router.post("/digests/subscriptions", include_in_schema=False)
async def subscribe_form(request: Request) -> Response:
    values = await _form(request)
    first = {key: (items[0] if items else "") for key, items in values.items()}
    try:
        if not _token_ok(request, first.get("token")):
            return _page(request, 403, error="wrong access token", form=first)
        subscription = check_subscription(first.get("name", ""), first.get("email", ""), first.get("q", ""),
                                          _filters(values))
        with open_store(request) as store:
            add_subscription(store, subscription)
    except Forbidden as error:
        return _page(request, 403, error=str(error), form=first)
    except SubscriptionError as error:
        return _page(request, 400, error=str(error), form=first)
    return RedirectResponse("/digests?subscribed=" + subscription.name, status_code=303)


@router.post("/digests/subscriptions/{name}/delete", include_in_schema=False)
async def unsubscribe_form(request: Request, name: str) -> Response:
    values = await _form(request)
    try:
        if not _token_ok(request, (values.get("token") or [""])[0]):
            return _page(request, 403, error="wrong access token")
    except Forbidden as error:
        return _page(request, 403, error=str(error))
    with open_store(request) as store:
        if not remove_subscription(store, name):
            raise NotFound(f"no subscription called {name!r}")
    return RedirectResponse("/digests", status_code=303)


def _digest(request: Request, subscription_id: int, week: str) -> dict:
    with open_store(request) as store:
        digest = sent_digest(store, subscription_id, week)
    if digest is None or digest["status"] not in ("sent", "sending"):
        raise NotFound(f"no digest of subscription {subscription_id} for {week}")
    return digest


@router.get("/digests/{subscription_id}/{week}", include_in_schema=False)
def digest_page(request: Request, subscription_id: int, week: str) -> HTMLResponse:
    return request.app.state.templates.TemplateResponse(request, "digest_view.html",
                                                        {"digest": _digest(request, subscription_id, week)})


@router.get("/digests/{subscription_id}/{week}/html", include_in_schema=False)
def digest_html(request: Request, subscription_id: int, week: str) -> HTMLResponse:
    return HTMLResponse(_digest(request, subscription_id, week)["html_body"] or "",
                        headers={"content-security-policy": DIGEST_HTML_POLICY})


# -- JSON API -----------------------------------------------------------------------------------------------


def _api_guard(request: Request) -> JSONResponse | None:
    try:
        if _token_ok(request, None):
            return None
    except Forbidden as error:
        return JSONResponse({"error": str(error)}, status_code=403)
    return JSONResponse({"error": "wrong or missing access token (Authorization: Bearer TOKEN)"}, status_code=401)


def _subscription_json(subscription) -> dict:
    return {"name": subscription.name, "email": subscription.email, "query": subscription.query,
            "filters": subscription.filters, "created_at": subscription.created_at}


@router.get("/api/subscriptions", summary="Subscriptions (saved searches with their e-mail address); needs the token")
def api_subscriptions(request: Request) -> Response:
    refused = _api_guard(request)
    if refused:
        return refused
    with open_store(request) as store:
        return JSONResponse([_subscription_json(s) for s in list_subscriptions(store)])


@router.post("/api/subscriptions", summary="Subscribe: {name, email, query, governorate, district, group, threat, "
                                           "actor}; needs the token", status_code=201)
async def api_subscribe(request: Request) -> Response:
    refused = _api_guard(request)
    if refused:
        return refused
    try:
        data = await request.json()
        if not isinstance(data, dict):
            raise SubscriptionError("send a JSON object")
        filters = {facet: data.get(facet) or [] for facet in SUBSCRIPTION_FACETS}
        if not all(isinstance(v, list) and all(isinstance(x, str) for x in v) for v in filters.values()):
            raise SubscriptionError("filters must be lists of strings")
        subscription = check_subscription(str(data.get("name", "")), str(data.get("email", "")),
                                          str(data.get("query", "")), filters)
        with open_store(request) as store:
            subscription = add_subscription(store, subscription)
    except ValueError as error:  # SubscriptionError and malformed JSON
        return JSONResponse({"error": str(error)}, status_code=400)
    return JSONResponse(_subscription_json(subscription), status_code=201)


@router.delete("/api/subscriptions/{name}", summary="Unsubscribe; needs the token")
def api_unsubscribe(request: Request, name: str) -> Response:
    refused = _api_guard(request)
    if refused:
        return refused
    with open_store(request) as store:
        if not remove_subscription(store, name):
            return JSONResponse({"error": f"no subscription called {name!r}"}, status_code=404)
    return Response(status_code=204)


@router.get("/api/digests", summary="Digests sent, newest week first (without addresses and bodies)")
def api_digests(request: Request) -> list[dict]:
    with open_store(request) as store:
        rows = sent_digests(store)
    return [{key: row[key] for key in ("subscription_id", "week", "subscription_name", "status", "subject",
                                        "documents", "finished_at")} for row in rows]
