"""Syrians for Truth and Justice: the investigative reports listing, each report page, its PDF and Arabic version."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

from scrapy.http import Response

from ..dates import parse_date
from ..items import ReportItem
from .listed import ListedDocumentsSpider, text_of, unique_links
from .hrw import Listing, ListingEntry

DOC_TYPES_BY_CATEGORY = {"investigative reports": "report", "legal reports": "report", "reports": "report",
                         "press releases & statements": "statement", "human rights journalism": "news",
                         "تقارير تحقيقية": "report", "تقارير قانونية": "report", "بيانات صحفية": "statement"}
TITLE_SUFFIXES = (" - Syrians for Truth and Justice", " - سوريون من أجل الحقيقة والعدالة")


class SyriansForTruthAndJusticeSpider(ListedDocumentsSpider):
    name = "stj"
    source_name = "Syrians for Truth and Justice"
    organisation = "Syrians for Truth and Justice (STJ)"
    source_type = "ngo"
    languages = ("en", "ar")
    on_the_ground = True
    crawl_method = ("Investigative Reports category listing (newest first, /page/N/), each report page, "
                    "its full-report PDF and its Arabic version")
    homepage = "https://stj-sy.org"
    description = ("Syrian human rights NGO founded in 2015, with field researchers across Syria's regions. "
                   "Documents arbitrary detention, enforced disappearance, killings, housing, land and property "
                   "violations (notably in Afrin and the north-east) and abuses against minorities, from interviews "
                   "with victims and witnesses and open-source verification; reports in English and Arabic, most "
                   "with a full PDF.")

    listing_paths = ("/en/investigative-reports/",)

    def read_listing(self, response: Response) -> Listing:
        """The reports a category page shows, newest first, and the next (older) page's URL."""
        entries = []
        for post in response.css("ul.penci-grid article.item"):
            href = post.css(".entry-title a::attr(href)").get()
            if not href:
                continue
            entries.append(ListingEntry(
                url=self.site_url(href, response),
                title=text_of(post.css(".entry-title")),
                published=parse_date(post.css("time.entry-date::attr(datetime)").get())
                or parse_date(text_of(post.css("time.entry-date"))),
                doc_type=_doc_type(text_of(category) for category in post.css("a.penci-cat-name")),
            ))
        next_href = (response.css("link[rel=next]::attr(href)").get()
                     or response.css(".penci-pagination a.next::attr(href)").get())
        return Listing(entries, self.site_url(next_href, response) if next_href else None)

    def read_document(self, response: Response) -> ReportItem:
        """The item for a report page (English or Arabic), with its PDF and translation as links."""
        language = self.page_language(response)
        url = self.page_url(response)
        categories = [text_of(c) for c in response.css("article .penci-standard-cat a.penci-cat-name")]
        hrefs = response.css("article .entry-content a::attr(href)").getall()
        links = [("attachment", self.site_url(href, response))
                 for href in hrefs if urlsplit(href).path.lower().endswith(".pdf")]
        links += self._translation_links(response, language)
        return self.item_from_response(
            response,
            title=self._title(response),
            published=self._published(response),
            doc_type=_doc_type(categories) or "report",
            language=language,
            links=unique_links(links, url),
            metadata={key: value for key, value in (
                ("category", categories[0] if categories else None),
                ("canonical", response.css('link[rel="canonical"]::attr(href)').get()),
            ) if value},
        )

    def _translation_links(self, response: Response, language: str | None) -> list[tuple[str, str]]:
        # The header's language switcher also carries hreflang, but leads to the other site's home page.
        links = []
        alternates = response.css("link[rel=alternate][hreflang]") + response.css("article .entry-content a[hreflang]")
        for alternate in alternates:
            hreflang = (alternate.attrib.get("hreflang") or "").split("-")[0].lower()
            href = alternate.attrib.get("href")
            if href and hreflang and hreflang not in (language, "x"):
                links.append(("translation", self.site_url(href, response)))
        return links

    @staticmethod
    def _title(response: Response) -> str | None:
        title = (text_of(response.css("article h1.entry-title"))
                 or response.css('meta[property="og:title"]::attr(content)').get()
                 or response.css("title::text").get() or "")
        for suffix in TITLE_SUFFIXES:
            title = title.removesuffix(suffix)
        return " ".join(title.split()) or None

    @staticmethod
    def _published(response: Response) -> date | None:
        # Arabic pages print the month in Arabic; the datetime attribute and the metadata have digits.
        for candidate in (response.css('meta[property="article:published_time"]::attr(content)').get(),
                          response.css("article .post-box-meta-single time::attr(datetime)").get(),
                          text_of(response.css("article .post-box-meta-single time"))):
            published = parse_date(candidate)
            if published:
                return published
        return None


def _doc_type(categories) -> str | None:
    """The type the first category we know announces ("Editor's Picks" says nothing about the type)."""
    for category in categories:
        doc_type = DOC_TYPES_BY_CATEGORY.get(category.strip().lower())
        if doc_type:
            return doc_type
    return None
