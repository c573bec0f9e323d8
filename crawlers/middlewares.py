"""Conditional re-fetching: ask for known documents with their validators, and note the 304s in the store."""

from __future__ import annotations

from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response

from .storage import crawler_store

NOT_MODIFIED = 304


class ConditionalRequestMiddleware:
    """Downloader middleware: If-None-Match / If-Modified-Since from store.validators(url) for known URLs.

    A 304 answer marks the document as checked (store.touch) and reaches the callback with status 304,
    which stores nothing.
    """

    def __init__(self, crawler, store):
        self.crawler = crawler
        self.store = store

    @classmethod
    def from_crawler(cls, crawler) -> "ConditionalRequestMiddleware":
        if not crawler.settings.getbool("COI_CONDITIONAL_REQUESTS", True):
            raise NotConfigured("COI_CONDITIONAL_REQUESTS is off")
        store = crawler_store(crawler)
        if store is None:
            raise NotConfigured("COI_DATA_DIR is not set")
        return cls(crawler, store)

    def process_request(self, request: Request, spider=None) -> None:
        if request.method != "GET" or b"If-None-Match" in request.headers or b"If-Modified-Since" in request.headers:
            return None
        etag, last_modified = self.store.validators(request.url)
        if not etag and not last_modified:
            return None
        if etag:
            request.headers[b"If-None-Match"] = etag
        if last_modified:
            request.headers[b"If-Modified-Since"] = last_modified
        request.meta["coi_conditional"] = True
        allowed = list(request.meta.get("handle_httpstatus_list", []))
        if NOT_MODIFIED not in allowed:
            request.meta["handle_httpstatus_list"] = [*allowed, NOT_MODIFIED]
        return None

    def process_response(self, request: Request, response: Response, spider=None) -> Response:
        if response.status == NOT_MODIFIED and request.meta.get("coi_conditional"):
            url = request.meta.get("redirect_urls", [request.url])[0]
            self.store.touch(url)
            self.crawler.stats.inc_value("coi/not_modified")
        return response
