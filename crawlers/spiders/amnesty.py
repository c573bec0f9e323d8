"""Amnesty International: the Syria country listing, its research documents (index-numbered, with PDFs) and news."""

from __future__ import annotations

import re
from datetime import date
from typing import Iterator
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response

from ..dates import parse_date
from ..items import ReportItem
from .base import NOT_MODIFIED, SourceSpider
from .hrw import Listing, ListingEntry

# Research documents carry an index number: region and country (MDE 24 is Syria), a serial and the year.
INDEX_NUMBER = re.compile(r"\b([A-Z]{3})\s?(\d{2})/(\d{3,4})/(\d{4})\b")
INDEX_IN_PATH = re.compile(r"/documents/([a-z]{3})(\d{2})/(\d{3,4})/(\d{4})/", re.I)
INDEX_IN_PDF = re.compile(r"/([A-Z]{3})(\d{2})(\d{3,4})(\d{4})[A-Z]+\.pdf$", re.I)
DOC_TYPES_BY_LABEL = {"news": "news", "press release": "news", "research": "report", "report": "report",
                      "briefing": "report", "public statement": "statement", "urgent action": "urgent_action",
                      "أخبار": "news", "بحث": "report", "تقرير": "report", "بيان عام": "statement"}
TITLE_SUFFIX = " - Amnesty International"


def text_of(selector) -> str:
    """The visible text of a selection, with its whitespace collapsed."""
    return " ".join(" ".join(selector.xpath(".//text()").getall()).split())


def unique_links(links: list[tuple[str, str]], own_url: str) -> list[tuple[str, str]]:
    """Links in page order, each once, never to the page itself."""
    return [link for link in dict.fromkeys(links) if link[1].rstrip("/") != own_url.rstrip("/")]


class ListedDocumentsSpider(SourceSpider):
    """A site whose listing pages (newest first, paged) lead to document pages with PDFs and translations.

    Subclasses set listing_paths and write read_listing and read_document. The HRW spider follows the
    same flow in its own class; the base class could offer it to all three.
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


class AmnestySpider(ListedDocumentsSpider):
    name = "amnesty"
    source_name = "Amnesty International"
    organisation = "Amnesty International"
    source_type = "ngo"
    languages = ("en", "ar")
    on_the_ground = True
    crawl_method = ("Syria country listing (newest first, /page/N/), each research document page (with its index "
                    "number, PDF and Arabic version) and news page")
    homepage = "https://www.amnesty.org"
    description = ("International human rights NGO. Its researchers interview survivors, witnesses and relatives, "
                   "inside Syria where access allows and among refugees abroad, and analyse satellite imagery, "
                   "video and weapons remnants. Research documents carry an index number (MDE 24/... for Syria) "
                   "and a PDF, many also in Arabic; news items and public statements summarise them.")

    listing_paths = ("/en/location/middle-east-and-north-africa/middle-east/syria/",)

    # -- reading pages ------------------------------------------------------------------------------

    def read_listing(self, response: Response) -> Listing:
        """The documents a listing page shows, newest first, and the next page's URL."""
        entries = []
        for post in response.css("article.post"):
            href = post.css(".post-title a::attr(href)").get()
            if not href:
                continue
            url = self.site_url(href, response)
            label = text_of(post.css(".post-category")).lower()
            entries.append(ListingEntry(
                url=url,
                title=text_of(post.css(".post-title")),
                published=parse_date(post.css("time::attr(datetime)").get()) or parse_date(
                    text_of(post.css(".post-byline"))),
                doc_type=DOC_TYPES_BY_LABEL.get(label) or self.doc_type_for(url),
            ))
        next_href = response.css(".post-pagination a.next::attr(href), link[rel=next]::attr(href)").get()
        return Listing(entries, self.site_url(next_href, response) if next_href else None)

    def read_document(self, response: Response) -> ReportItem:
        """The item for a research document or news page, with its PDFs and translations as links."""
        language = self.page_language(response)
        url = self.page_url(response)
        label = text_of(response.css("main .article-header .post-category")).lower()
        index_number = self.index_number(response, url)
        links = [("attachment", self.site_url(href, response))
                 for href in response.css("main a::attr(href)").getall()
                 if urlsplit(href).path.lower().endswith(".pdf")]
        links += self.translation_links(response, language)
        return self.item_from_response(
            response,
            title=self._title(response),
            published=self._published(response),
            doc_type=DOC_TYPES_BY_LABEL.get(label) or self.doc_type_for(url),
            language=language,
            links=unique_links(links, url),
            metadata={key: value for key, value in (
                ("index_number", index_number),
                ("canonical", response.css('link[rel="canonical"]::attr(href)').get()),
            ) if value},
        )

    def attachment_metadata(self, url: str) -> dict:
        match = INDEX_IN_PDF.search(urlsplit(url).path)
        return {"index_number": _index_number(*match.groups())} if match else {}

    @staticmethod
    def index_number(response: Response, url: str) -> str | None:
        """The document's index number as Amnesty prints it ("MDE 24/9412/2025"): from the page, else its URL."""
        for term in response.css(".document-metadata dt"):
            if "index" in text_of(term).lower() or "رقم" in text_of(term):
                match = INDEX_NUMBER.search(text_of(term.xpath("following-sibling::dd[1]")))
                if match:
                    return _index_number(*match.groups())
        match = INDEX_IN_PATH.search(urlsplit(url).path)
        return _index_number(*match.groups()) if match else None

    def doc_type_for(self, url: str) -> str | None:
        """What a URL's path announces: /en/documents/... is research, /en/latest/news/... news."""
        path = urlsplit(url).path
        if "/documents/" in path:
            return "report"
        if "/latest/news/" in path or "/latest/press-release/" in path:
            return "news"
        return None

    @staticmethod
    def _title(response: Response) -> str | None:
        title = (text_of(response.css("main h1.article-title"))
                 or response.css('meta[property="og:title"]::attr(content)').get()
                 or (response.css("title::text").get() or "").removesuffix(TITLE_SUFFIX))
        return " ".join(title.split()) or None

    @staticmethod
    def _published(response: Response) -> date | None:
        candidates = [response.css('meta[property="article:published_time"]::attr(content)').get(),
                      response.css("main .article-meta time::attr(datetime)").get()]
        for term in response.css(".document-metadata dt"):
            if "date" in text_of(term).lower():
                candidates.append(text_of(term.xpath("following-sibling::dd[1]")))
        for candidate in candidates:
            published = parse_date(candidate)
            if published:
                return published
        return None


def _index_number(region: str, country: str, serial: str, year: str) -> str:
    return f"{region.upper()} {country}/{serial}/{year}"
