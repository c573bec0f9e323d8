"""US State Department: the Syria chapter of each year's Country Reports on Human Rights Practices, and its PDF."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from scrapy.http import Response

from ..dates import parse_date
from ..items import ReportItem
from .listed import ListedDocumentsSpider, text_of, unique_links
from .hrw import Listing, ListingEntry

COUNTRY = "Syria"
COUNTRY_SLUG = "syria"
# A year's collection: /reports/2024-country-reports-on-human-rights-practices/ (the year is the year covered).
COLLECTION = re.compile(r"/reports/(\d{4})-country-reports-on-human-rights-practices/?$")
CHAPTER = re.compile(r"/reports/(\d{4})-country-reports-on-human-rights-practices/[a-z-]+/?$")
YEAR_IN_PDF = re.compile(r"[_-]SYRIA-(\d{4})-HUMAN-RIGHTS-REPORT\.pdf$", re.I)
TITLE_SUFFIX = " - United States Department of State"


class StateDepartmentHumanRightsReportSpider(ListedDocumentsSpider):
    name = "usdos"
    source_name = "US State Department: Country Reports on Human Rights Practices"
    organisation = "United States Department of State, Bureau of Democracy, Human Rights, and Labor"
    source_type = "government"
    languages = ("en",)
    on_the_ground = False
    crawl_method = ("Index of the annual Country Reports on Human Rights Practices (newest first, /page/N/); for "
                    "each year the Syria chapter at <collection>/syria/ and its PDF")
    homepage = "https://www.state.gov"
    description = ("Annual report to the US Congress on human rights in every country, one chapter per country and "
                   "calendar year, released the following spring (the 2024 report in August 2025, in a shortened "
                   "format). With no embassy operating in Damascus from 2012, the Syria chapter relies on UN, NGO "
                   "(SNHR, STJ and others) and media sources; it reflects the US government's assessment.")

    listing_paths = ("/reports-bureau-of-democracy-human-rights-and-labor/country-reports-on-human-rights-practices/",)

    def read_listing(self, response: Response) -> Listing:
        """The Syria chapter of every annual report the index page lists, newest first, and the next page's URL.

        The index links each year's collection; every collection names its country chapters
        <collection>/<country>/, so the chapter URL is known without fetching the collection.
        """
        entries = []
        for result in response.css("ul.collection-results li.collection-result"):
            href = result.css("a.collection-result__link::attr(href)").get()
            collection = self.site_url(href, response) if href else ""
            year = COLLECTION.search(urlsplit(collection).path)
            if not year:
                continue  # another kind of report listed alongside
            entries.append(ListingEntry(
                url=collection.rstrip("/") + f"/{COUNTRY_SLUG}/",
                title=f"{text_of(result.css('a.collection-result__link'))}: {COUNTRY}",
                published=parse_date(text_of(result.css(".collection-result__date"))),
                doc_type="annual_report",
            ))
        next_href = (response.css("link[rel=next]::attr(href)").get()
                     or response.css(".pagination a.next::attr(href)").get())
        return Listing(entries, self.site_url(next_href, response) if next_href else None)

    def read_document(self, response: Response) -> ReportItem:
        """The item for one year's Syria chapter, with its PDF as a link."""
        url = self.page_url(response)
        collection = text_of(response.css(".report__collection"))
        country = text_of(response.css("article.report h1")) or COUNTRY
        hrefs = response.css("article.report .report__download a::attr(href)").getall()
        links = [("attachment", self.site_url(href, response))
                 for href in hrefs if urlsplit(href).path.lower().endswith(".pdf")]
        year = CHAPTER.search(urlsplit(url).path)
        return self.item_from_response(
            response,
            title=f"{collection}: {country}" if collection else self._title(response),
            published=parse_date(response.css('meta[property="article:published_time"]::attr(content)').get()),
            doc_type="annual_report",
            language=self.page_language(response),
            links=unique_links(links, url),
            metadata={key: value for key, value in (
                ("report_year", year.group(1) if year else None),
                ("bureau", text_of(response.css("article.report .report__meta")) or None),
                ("canonical", response.css('link[rel="canonical"]::attr(href)').get()),
            ) if value},
        )

    def attachment_metadata(self, url: str) -> dict:
        """The PDF's name gives the year the report covers: 528267_SYRIA-2023-HUMAN-RIGHTS-REPORT.pdf."""
        match = YEAR_IN_PDF.search(urlsplit(url).path)
        return {"report_year": match.group(1)} if match else {}

    @staticmethod
    def _title(response: Response) -> str | None:
        title = (response.css('meta[property="og:title"]::attr(content)').get()
                 or response.css("title::text").get() or "").removesuffix(TITLE_SUFFIX)
        return " ".join(title.split()) or None
