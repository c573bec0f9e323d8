"""UNHCR: its own Syria documents on Refworld (positions on returns, international protection considerations,
country reports), each document page, its PDF and its Arabic version."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

from scrapy.http import Response

from ..dates import parse_date
from ..items import ReportItem
from .listed import ListedDocumentsSpider, text_of, unique_links
from .hrw import Listing, ListingEntry

# Refworld paths: /<category>/<type>/<publisher>/<year>/<language>/<id>, e.g. /policy/countrypos/unhcr/2025/en/150420.
REFWORLD_PATH = re.compile(r"/(?P<category>[a-z]+)/(?P<type>[a-z]+)/(?P<publisher>[a-z0-9]+)/(?P<year>\d{4})/"
                           r"(?P<language>[a-z]{2})/(?P<id>\d+)/?$")
DOC_TYPES_BY_PATH = {"countrypos": "guidance", "themguide": "guidance", "legalguide": "guidance",
                     "countryrep": "report", "themreport": "report", "annualreport": "annual_report",
                     "pressrelease": "news", "statement": "statement"}
DOC_TYPES_BY_LABEL = {"country positions": "guidance", "thematic guidelines": "guidance", "country reports": "report",
                      "thematic reports": "report", "annual reports": "annual_report", "press releases": "news"}
TITLE_SUFFIX = " | Refworld"


class UNHCRSpider(ListedDocumentsSpider):
    name = "unhcr"
    source_name = "UNHCR (Refworld)"
    organisation = "UN High Commissioner for Refugees (UNHCR)"
    source_type = "un"
    languages = ("en", "ar")
    on_the_ground = True
    crawl_method = ("Refworld's Syria country page filtered to UNHCR as publisher (newest first, &page=N), each "
                    "document page, its PDF and its Arabic version")
    homepage = "https://www.refworld.org"
    description = ("The UN refugee agency, with offices inside Syria and in neighbouring countries, where its staff "
                   "monitor returns and interview refugees and returnees. Its positions on returns and its "
                   "International Protection Considerations for Syria set out risk profiles and are cited by "
                   "asylum authorities and courts; they are published on Refworld, UNHCR's document database, "
                   "with a PDF and often an Arabic version. Other publishers' documents on Refworld are crawled "
                   "from their own sites.")

    listing_paths = ("/country/syr?publisher=unhcr",)

    def read_listing(self, response: Response) -> Listing:
        """The documents a country page shows, newest first, and the next page's URL."""
        entries = []
        for teaser in response.css(".view-content .views-row article.rw-teaser"):
            href = teaser.css(".rw-teaser__title a::attr(href)").get()
            if not href:
                continue
            url = self.site_url(href, response)
            label = text_of(teaser.css(".rw-teaser__type")).lower()
            entries.append(ListingEntry(
                url=url,
                title=text_of(teaser.css(".rw-teaser__title")),
                published=parse_date(teaser.css(".rw-teaser__meta time::attr(datetime)").get())
                or parse_date(text_of(teaser.css(".rw-teaser__meta time"))),
                doc_type=DOC_TYPES_BY_LABEL.get(label) or _doc_type_in_path(url),
            ))
        next_href = response.css(".pager__item--next a::attr(href), a[rel=next]::attr(href)").get()
        return Listing(entries, self.site_url(next_href, response) if next_href else None)

    def read_document(self, response: Response) -> ReportItem:
        """The item for a Refworld document page, with its PDF and other language versions as links."""
        url = self.page_url(response)
        language = self._language(response, url)
        links = [("attachment", self.site_url(href, response))
                 for href in response.css(".rw-document__attachments a::attr(href)").getall()
                 if urlsplit(href).path.lower().endswith(".pdf")]
        for translation in response.css(".rw-document__translations a[hreflang], link[rel=alternate][hreflang]"):
            hreflang = (translation.attrib.get("hreflang") or "").split("-")[0].lower()
            href = translation.attrib.get("href")
            if href and hreflang and hreflang not in (language, "x"):
                links.append(("translation", self.site_url(href, response)))
        label = self._field(response, "document type")
        path = REFWORLD_PATH.search(urlsplit(url).path)
        return self.item_from_response(
            response,
            title=self._title(response),
            published=self._published(response),
            doc_type=DOC_TYPES_BY_LABEL.get((label or "").lower()) or _doc_type_in_path(url),
            language=language,
            links=unique_links(links, url),
            metadata={key: value for key, value in (
                ("publisher", self._field(response, "publisher")),
                ("document_type", label),
                ("refworld_id", self._field(response, "refworld id") or (path.group("id") if path else None)),
                ("canonical", response.css('link[rel="canonical"]::attr(href)').get()),
            ) if value},
        )

    @staticmethod
    def _language(response: Response, url: str) -> str | None:
        # Refworld's interface is English around documents in any language: the document's own language is
        # in its URL and on the article, not on <html>.
        path = REFWORLD_PATH.search(urlsplit(url).path)
        if path:
            return path.group("language")
        declared = response.css("article.rw-document::attr(lang)").get() or response.xpath("/html/@lang").get() or ""
        return declared.split("-")[0].lower() or None

    @staticmethod
    def _field(response: Response, name: str) -> str | None:
        for term in response.css(".rw-metadata dt"):
            if text_of(term).lower() == name:
                return text_of(term.xpath("following-sibling::dd[1]")) or None
        return None

    @staticmethod
    def _title(response: Response) -> str | None:
        title = (text_of(response.css("main h1.rw-document__title"))
                 or response.css('meta[property="og:title"]::attr(content)').get()
                 or (response.css("title::text").get() or "").removesuffix(TITLE_SUFFIX))
        return " ".join(title.split()) or None

    @staticmethod
    def _published(response: Response) -> date | None:
        for term in response.css(".rw-metadata dt"):
            if "date" in text_of(term).lower():
                definition = term.xpath("following-sibling::dd[1]")
                return parse_date(definition.css("time::attr(datetime)").get()) or parse_date(text_of(definition))
        return None


def _doc_type_in_path(url: str) -> str | None:
    match = REFWORLD_PATH.search(urlsplit(url).path)
    return DOC_TYPES_BY_PATH.get(match.group("type")) if match else None
