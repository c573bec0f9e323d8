"""Crawl middlewares: conditional re-fetching, redirects that cannot end, and errors in a spider's own parsing."""

from __future__ import annotations

from urllib.parse import urljoin

from scrapy.exceptions import CloseSpider, IgnoreRequest, NotConfigured
from scrapy.http import Request, Response
from w3lib.url import safe_url_string

from .storage import crawler_store

NOT_MODIFIED = 304
REDIRECT_STATUSES = (301, 302, 303, 307, 308)


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


class RedirectError(Exception):
    """A redirect that cannot end: back to a URL already on its way, or one more than REDIRECT_MAX_TIMES."""


class RedirectGuardMiddleware:
    """Downloader middleware that sees each redirect before Scrapy's RedirectMiddleware (so: order above 600).

    Left to Scrapy, a loop (a -> b -> a) ends in the duplicate filter, which drops the request without a
    word to its errback, and an endless chain ends in an IgnoreRequest that reads like a robots.txt skip.
    Both fail here with a RedirectError instead, which the request's errback records against the URL.
    """

    def __init__(self, max_redirects: int):
        self.max_redirects = max_redirects

    @classmethod
    def from_crawler(cls, crawler) -> "RedirectGuardMiddleware":
        if not crawler.settings.getbool("REDIRECT_ENABLED", True):
            raise NotConfigured("REDIRECT_ENABLED is off")
        return cls(crawler.settings.getint("REDIRECT_MAX_TIMES", 20))

    def process_response(self, request: Request, response: Response, spider=None) -> Response:
        location = response.headers.get(b"Location")
        if (response.status not in REDIRECT_STATUSES or not location or request.meta.get("dont_redirect")
                or request.meta.get("handle_httpstatus_all")
                or response.status in request.meta.get("handle_httpstatus_list", ())):
            return response
        target = urljoin(request.url, safe_url_string(location.decode("latin-1")))
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if target in chain:
            raise RedirectError(f"redirect loop: {' -> '.join([*chain[chain.index(target):], target])}")
        if len(chain) > self.max_redirects:
            raise RedirectError(f"more than {self.max_redirects} redirects (the last to {target})")
        return response


class ParseErrorMiddleware:
    """Spider middleware: an exception in a spider's callback (a page not shaped as expected, JSON that is HTML)
    is recorded in the store against the source and the URL; Scrapy still logs it with its traceback."""

    def __init__(self, crawler, store):
        self.crawler = crawler
        self.store = store

    @classmethod
    def from_crawler(cls, crawler) -> "ParseErrorMiddleware":
        store = crawler_store(crawler)
        if store is None:
            raise NotConfigured("COI_DATA_DIR is not set")
        return cls(crawler, store)

    def process_spider_exception(self, response: Response, exception: Exception, spider=None) -> None:
        if isinstance(exception, (IgnoreRequest, CloseSpider)):  # errbacks record those; CloseSpider is no error
            return None
        spider = spider or self.crawler.spider
        url = response.meta.get("redirect_urls", [response.url])[0]
        self.crawler.stats.inc_value("coi/errors")
        self.store.record_error("fetch", f"could not parse: {type(exception).__name__}: {exception}",
                                url=url, source_id=getattr(spider, "name", None))
        return None
