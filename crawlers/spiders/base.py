"""The small base class every source spider shares: source metadata, base URL, store look-ups, errors."""

from __future__ import annotations

from datetime import date
from typing import Any, Callable, Iterator
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from pipeline.store import SourceInfo, Store
from pipeline.urls import document_id

from ..dates import parse_since
from ..items import ReportItem
from ..storage import crawler_store

NOT_MODIFIED = 304


def mirror_base_url(mirror_url: str, source_id: str) -> str:
    """Where a source lives on the offline mirror: <mirror>/<source_id>."""
    return f"{mirror_url.rstrip('/')}/{source_id}"


class SourceSpider(scrapy.Spider):
    """A spider for one source. Subclasses set the metadata below and write the parsing."""

    name: str = ""  # the source id
    source_name: str = ""
    organisation: str = ""
    source_type: str = ""  # ngo, un, government, media, research, aggregator
    languages: tuple[str, ...] = ()
    on_the_ground: bool | None = None
    crawl_method: str = ""
    homepage: str = ""
    description: str = ""

    # Which callback reads a linked document when we revisit it from the store after a 304.
    relation_callbacks: dict[str, str] = {"attachment": "parse_attachment", "translation": "parse_document"}

    def __init__(self, *args: Any, base_url: str | None = None, since: date | str | None = None,
                 store: Store | None = None, resuming_since: str | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.base_url = (base_url or self.homepage).rstrip("/")
        self.since = parse_since(since)
        self.store = store
        # When the crawls of this source that were cut short (killed, stopped) began, if the last one was.
        self.resuming_since = resuming_since
        # Links that leave the site (or the mirror: never the live site from a mirror crawl) are dropped.
        self.allowed_domains = [urlsplit(self.base_url).hostname or ""]

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any) -> "SourceSpider":
        mirror_url = crawler.settings.get("COI_MIRROR_URL")
        if mirror_url:
            kwargs.setdefault("base_url", mirror_base_url(mirror_url, cls.name))
        store = kwargs.setdefault("store", crawler_store(crawler))
        if isinstance(store, Store):  # asked before this crawl records a run of its own
            kwargs.setdefault("resuming_since", store.unfinished_since(cls.name))
        return super().from_crawler(crawler, *args, **kwargs)

    @classmethod
    def source_info(cls) -> SourceInfo:
        return SourceInfo(
            id=cls.name, name=cls.source_name, organisation=cls.organisation, source_type=cls.source_type,
            languages=tuple(cls.languages), on_the_ground=cls.on_the_ground, crawl_method=cls.crawl_method,
            homepage=cls.homepage, description=cls.description,
        )

    # -- starting -------------------------------------------------------------------------------

    def first_requests(self) -> Iterator[scrapy.Request]:
        raise NotImplementedError

    async def start(self):
        if self.resuming_since:
            self.logger.info("resuming: the crawl started at %s did not finish, so listings page on past the "
                             "documents stored since then", self.resuming_since)
        for request in self.first_requests():
            yield request

    def start_requests(self) -> Iterator[scrapy.Request]:  # Scrapy < 2.13
        return self.first_requests()

    # -- URLs ---------------------------------------------------------------------------------------

    def site_url(self, href: str, response: Response | None = None) -> str:
        """An absolute URL on the site being crawled (the mirror, when it is used) for a link found on it.

        Root-relative links and absolute links to the live homepage are resolved against base_url, so a
        site mirrored under /<source_id>/ keeps working; other links against the page they are on.
        """
        href = href.strip()
        if href.startswith("/") and not href.startswith("//"):
            return self.base_url + href
        for live in {self.homepage.rstrip("/"), self.homepage.rstrip("/").replace("https://", "http://")}:
            if live and (href == live or href.startswith(live + "/")):
                return self.base_url + href[len(live):]
        return response.urljoin(href) if response is not None else href

    def knows(self, url: str) -> bool:
        """True if url is stored, so a listing may stop at it.

        After a crawl of this source was cut short, what it stored does not count: the listings page on
        past it (those pages now cost a 304 each) to the documents it had still to fetch.
        """
        if self.store is None:
            return False
        return self.store.knows(url, before=self.resuming_since) if self.resuming_since else self.store.knows(url)

    def request(self, url: str, callback: Callable, **kwargs: Any) -> scrapy.Request:
        """A request whose download failure is recorded in the store."""
        return scrapy.Request(url, callback=callback, errback=self.record_download_error, **kwargs)

    # -- items ----------------------------------------------------------------------------------------

    def item_from_response(self, response: Response, **fields: Any) -> ReportItem:
        """An item carrying the response's body and HTTP metadata; fields add what was parsed."""
        headers = response.headers
        first_url = response.meta.get("redirect_urls", [response.url])[0]
        item = ReportItem(
            source_id=self.name,
            url=first_url,
            fetched_url=response.url,
            body=response.body,
            content_type=_header(headers, b"Content-Type"),
            etag=_header(headers, b"ETag"),
            last_modified=_header(headers, b"Last-Modified"),
            links=[],
            metadata={},
        )
        item.update(fields)
        return item

    def revisit_linked(self, response: Response) -> Iterator[scrapy.Request]:
        """After a 304, check the documents the stored page links to (its PDF, its translations) again.

        The unchanged page has no body to read the links from, but a PDF can change under the same page.
        """
        if self.store is None:
            return
        page_url = response.meta.get("redirect_urls", [response.url])[0]
        page_id = document_id(page_url)
        page = self.store.document(page_id) or {}
        parent = {"url": page_url, "title": page.get("title"), "published": page.get("published"),
                  "doc_type": page.get("doc_type"), "language": page.get("language_declared")}
        for link in self.store.links(page_id):
            callback_name = self.relation_callbacks.get(link["relation"])
            if callback_name:
                yield self.request(link["to_url"], getattr(self, callback_name), meta={"parent": parent})

    # -- errors --------------------------------------------------------------------------------------

    def record_download_error(self, failure: Failure) -> None:
        """Errback: keep a failed download in the store's error log (robots.txt and offsite skips are not errors)."""
        request = getattr(failure, "request", None)
        # Recorded against the URL as linked, the store's key, even when the failure came after redirects.
        url = request.meta.get("redirect_urls", [request.url])[0] if request is not None else None
        stats = self.crawler.stats if getattr(self, "crawler", None) else None
        if failure.check(HttpError):
            message = f"HTTP {failure.value.response.status}"
        elif failure.check(IgnoreRequest):
            if stats:
                stats.inc_value("coi/skipped")
            self.logger.debug("skipped %s: %s", url, failure.getErrorMessage())
            return
        elif failure.check(DownloadCancelledError) and not failure.getErrorMessage().strip():
            message = f"DownloadCancelledError: {self._cancel_reason(request)}"
        else:
            message = f"{failure.type.__name__}: {failure.getErrorMessage()}"
        if stats:
            stats.inc_value("coi/errors")
        self.logger.warning("could not fetch %s: %s", url, message)
        if self.store is not None:
            self.store.record_error("fetch", message, url=url, source_id=self.name)

    def _cancel_reason(self, request) -> str:
        # Scrapy cancels a body that outgrows DOWNLOAD_MAXSIZE without a message (when no Content-Length
        # announced it); the only other cancellation is a crawl being stopped.
        crawler = getattr(self, "crawler", None)
        if crawler is not None and not crawler.crawling:
            return "the crawl was stopped during the download"
        maxsize = (request.meta.get("download_maxsize") if request is not None else None) or (
            crawler.settings.getint("DOWNLOAD_MAXSIZE") if crawler is not None else 0)
        return f"the body went past the size limit of {maxsize:,} bytes (download max size)"


def _header(headers, name: bytes) -> str | None:
    value = headers.get(name)
    return value.decode("latin-1") if value else None
