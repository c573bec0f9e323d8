"""The crawl shared by sources whose listing pages (newest first, paged) lead to document pages with PDFs and
translations: stop at known documents, backfill with since, follow attachments and other-language versions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterator

import scrapy
from scrapy.http import Response

from ..dates import parse_date
from ..items import ReportItem
from .base import NOT_MODIFIED, SourceSpider


@dataclass(frozen=True)
class ListingEntry:
    url: str
    title: str
    published: date | None
    doc_type: str | None


@dataclass(frozen=True)
class Listing:
    entries: list[ListingEntry]
    next_page: str | None


def text_of(selector) -> str:
    """The visible text of a selection, with its whitespace collapsed."""
    return " ".join(" ".join(selector.xpath(".//text()").getall()).split())


def unique_links(links: list[tuple[str, str]], own_url: str) -> list[tuple[str, str]]:
    """Links in page order, each once, never to the page itself."""
    return [link for link in dict.fromkeys(links) if link[1].rstrip("/") != own_url.rstrip("/")]


class ListedDocumentsSpider(SourceSpider):
    """A site whose listing pages (newest first, paged) lead to document pages with PDFs and translations.

    Subclasses set listing_paths and write read_listing and read_document.
    """

    listing_paths: tuple[str, ...] = ()

    def first_requests(self) -> Iterator[scrapy.Request]:
        for path in self.listing_paths:
            yield self.request(self.site_url(path), self.parse)

    def parse(self, response: Response):
        """A listing page: request every document on it; page on while it has news (or, with since, until older)."""
        listing = self.read_listing(response)
        has_unknown = reached_older = False
        for entry in listing.entries:
            if self.since and entry.published and entry.published < self.since:
                reached_older = True
                continue
            has_unknown = has_unknown or not self.knows(entry.url)
            yield self.request(entry.url, self.parse_document, meta={"listing_entry": entry})
        go_on = not reached_older if self.since else has_unknown
        if listing.next_page and go_on:
            yield self.request(listing.next_page, self.parse)

    def parse_document(self, response: Response):
        """A document page (in any language): the page itself, then its PDFs and translations."""
        if response.status == NOT_MODIFIED:
            yield from self.revisit_linked(response)
            return
        item = self.read_document(response)
        entry = response.meta.get("listing_entry")
        if entry is not None:
            item["published"] = item.get("published") or entry.published
            item["doc_type"] = item.get("doc_type") or entry.doc_type
        yield item
        parent = {key: item.get(key) for key in ("url", "title", "published", "doc_type", "language")}
        for relation, url in item["links"]:
            callback = self.parse_attachment if relation == "attachment" else self.parse_document
            yield self.request(url, callback, meta={"parent": parent})

    def parse_attachment(self, response: Response):
        """A PDF linked from a page: its own document, described by the page that links it."""
        if response.status == NOT_MODIFIED:
            return
        parent = response.meta.get("parent") or {}
        published = parent.get("published")
        yield self.item_from_response(
            response,
            title=parent.get("title"),
            published=parse_date(published) if isinstance(published, str) else published,
            doc_type=parent.get("doc_type"),
            language=parent.get("language"),
            metadata={"landing_page": parent.get("url"), **self.attachment_metadata(response.url)},
        )

    def attachment_metadata(self, url: str) -> dict:
        """What a PDF's own URL says about it (a report code, an index number)."""
        return {}

    def read_listing(self, response: Response) -> Listing:
        raise NotImplementedError

    def read_document(self, response: Response) -> ReportItem:
        raise NotImplementedError

    # -- helpers for reading pages ----------------------------------------------------------------

    @staticmethod
    def page_language(response: Response) -> str | None:
        return (response.xpath("/html/@lang").get() or "").split("-")[0].lower() or None

    @staticmethod
    def page_url(response: Response) -> str:
        return response.meta.get("redirect_urls", [response.url])[0]

    def translation_links(self, response: Response, language: str | None) -> list[tuple[str, str]]:
        """("translation", url) for every other-language version the page names with hreflang."""
        links = []
        for alternate in response.css("link[rel=alternate][hreflang]") + response.css("body a[hreflang]"):
            hreflang = (alternate.attrib.get("hreflang") or "").split("-")[0].lower()
            href = alternate.attrib.get("href")
            if href and hreflang and hreflang not in (language, "x"):
                links.append(("translation", self.site_url(href, response)))
        return links
