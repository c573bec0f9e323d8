"""Amnesty International: the Syria country listing, its research documents (index-numbered, with PDFs) and news."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

from scrapy.http import Response

from ..dates import parse_date
from ..items import ReportItem
from .listed import ListedDocumentsSpider, Listing, ListingEntry, text_of, unique_links

# Research documents carry an index number: region and country (MDE 24 is Syria), a serial and the year.
INDEX_NUMBER = re.compile(r"\b([A-Z]{3})\s?(\d{2})/(\d{3,4})/(\d{4})\b")
INDEX_IN_PATH = re.compile(r"/documents/([a-z]{3})(\d{2})/(\d{3,4})/(\d{4})/", re.I)
INDEX_IN_PDF = re.compile(r"/([A-Z]{3})(\d{2})(\d{3,4})(\d{4})[A-Z]+\.pdf$", re.I)
DOC_TYPES_BY_LABEL = {"news": "news", "press release": "news", "research": "report", "report": "report",
                      "briefing": "report", "public statement": "statement", "urgent action": "urgent_action",
                      "أخبار": "news", "بحث": "report", "تقرير": "report", "بيان عام": "statement"}
TITLE_SUFFIX = " - Amnesty International"


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
