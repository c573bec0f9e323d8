"""Syrian Network for Human Rights: the monthly reports listing, each summary page, its PDF and Arabic version."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

from scrapy.http import Response

from ..dates import parse_date
from ..items import ReportItem
from .listed import ListedDocumentsSpider, text_of, unique_links
from .hrw import Listing, ListingEntry

DOC_TYPES_BY_CATEGORY = {"monthly reports": "report", "reports": "report", "special reports": "report",
                         "annual reports": "report", "statements": "statement", "news": "news",
                         "التقارير الشهرية": "report", "تقارير": "report", "بيانات": "statement"}
DATE_IN_PATH = re.compile(r"/(\d{4})/(\d{2})/(\d{2})/")
REPORT_CODE_IN_PDF = re.compile(r"/([A-Z]\d{6}[A-Z]?)\.pdf$", re.I)
TITLE_SUFFIXES = (" - Syrian Network for Human Rights", " - الشبكة السورية لحقوق الإنسان")


class SyrianNetworkForHumanRightsSpider(ListedDocumentsSpider):
    name = "snhr"
    source_name = "Syrian Network for Human Rights"
    organisation = "Syrian Network for Human Rights"
    source_type = "ngo"
    languages = ("en", "ar")
    on_the_ground = True
    crawl_method = ("Monthly reports category listing (newest first, /page/N/), each report's summary page, "
                    "its full-report PDF and its Arabic version")
    homepage = "https://snhr.org"
    description = ("Syrian human rights NGO founded in 2011, now based in The Hague, with a network of field "
                   "researchers and contacts across Syria. Keeps a database of victims and publishes monthly "
                   "counts of civilian deaths, arbitrary arrests, enforced disappearances and torture by each "
                   "party to the conflict, with a full PDF report and an Arabic version. Its figures are widely "
                   "cited by UN bodies; its attributions reflect its own methodology.")

    listing_paths = ("/blog/category/reports/monthly-reports/",)

    def read_listing(self, response: Response) -> Listing:
        """The reports a category page shows, newest first, and the next (older) page's URL."""
        entries = []
        for post in response.css("#left-area article.et_pb_post"):
            href = post.css(".entry-title a::attr(href)").get()
            if not href:
                continue
            url = self.site_url(href, response)
            category = text_of(post.css('.post-meta a[rel~="category"]')).lower()
            entries.append(ListingEntry(
                url=url,
                title=text_of(post.css(".entry-title")),
                published=parse_date(text_of(post.css(".post-meta .published"))) or _date_in_path(url),
                doc_type=DOC_TYPES_BY_CATEGORY.get(category),
            ))
        next_href = (response.css("link[rel=next]::attr(href)").get()
                     or response.css(".pagination .alignleft a::attr(href)").get())
        return Listing(entries, self.site_url(next_href, response) if next_href else None)

    def read_document(self, response: Response) -> ReportItem:
        """The item for a report's summary page (English or Arabic), with its PDF and translation as links."""
        language = self.page_language(response)
        url = self.page_url(response)
        category = (response.css('meta[property="article:section"]::attr(content)').get()
                    or text_of(response.css('article .post-meta a[rel~="category"]'))).strip()
        hrefs = response.css("article .entry-content a::attr(href)").getall()
        pdfs = [self.site_url(href, response) for href in hrefs if urlsplit(href).path.lower().endswith(".pdf")]
        links = [("attachment", pdf) for pdf in pdfs] + self.translation_links(response, language)
        report_codes = [code for code in (self.attachment_metadata(pdf).get("report_code") for pdf in pdfs) if code]
        return self.item_from_response(
            response,
            title=self._title(response),
            published=self._published(response, url),
            doc_type=DOC_TYPES_BY_CATEGORY.get(category.lower()) or "report",
            language=language,
            links=unique_links(links, url),
            metadata={key: value for key, value in (
                ("category", category or None),
                ("report_code", report_codes[0] if report_codes else None),
                ("canonical", response.css('link[rel="canonical"]::attr(href)').get()),
            ) if value},
        )

    def attachment_metadata(self, url: str) -> dict:
        """SNHR names its PDFs by a report code: M250402E is the monthly report of 2 April 2025, in English."""
        match = REPORT_CODE_IN_PDF.search(urlsplit(url).path)
        return {"report_code": match.group(1).upper()} if match else {}

    @staticmethod
    def _title(response: Response) -> str | None:
        title = text_of(response.css("article h1.entry-title"))
        if not title:
            title = response.css('meta[property="og:title"]::attr(content)').get() or ""
        if not title:
            title = response.css("title::text").get() or ""
            for suffix in TITLE_SUFFIXES:
                title = title.removesuffix(suffix)
        return " ".join(title.split()) or None

    @staticmethod
    def _published(response: Response, url: str) -> date | None:
        # Arabic pages print the date in Arabic; the metadata and the URL have it in digits.
        for candidate in (response.css('meta[property="article:published_time"]::attr(content)').get(),
                          text_of(response.css("article .post-meta .published"))):
            published = parse_date(candidate)
            if published:
                return published
        return _date_in_path(url)


def _date_in_path(url: str) -> date | None:
    match = DATE_IN_PATH.search(urlsplit(url).path)
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None
