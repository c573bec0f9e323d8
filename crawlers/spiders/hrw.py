"""Human Rights Watch: the Syria country listing, its report and news pages, their PDFs and Arabic versions."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

from scrapy.http import Response

from ..dates import parse_date
from ..items import ReportItem
from .listed import ListedDocumentsSpider, Listing, ListingEntry, text_of

# The first path segment says what a page is; Arabic and other translations add a language segment.
DOC_TYPES_BY_PATH = {"report": "report", "news": "news", "video-photos": "video", "world-report": "annual_report"}
DOC_TYPES_BY_LABEL = {"report": "report", "news release": "news", "dispatches": "news", "commentary": "commentary",
                      "video": "video", "world report chapter": "annual_report", "تقرير": "report"}
TITLE_SUFFIX = " | Human Rights Watch"


class HumanRightsWatchSpider(ListedDocumentsSpider):
    name = "hrw"
    source_name = "Human Rights Watch"
    organisation = "Human Rights Watch"
    source_type = "ngo"
    languages = ("en", "ar")
    on_the_ground = True
    crawl_method = ("Syria country listing (newest first, ?page=N), each report and news page, "
                    "its full-report PDF and its Arabic version")
    homepage = "https://www.hrw.org"
    description = ("International human rights NGO. Researchers interview victims and witnesses, in Syria and in "
                   "neighbouring countries, and verify photos and videos; publishes reports with PDFs, news releases "
                   "and an annual World Report chapter on Syria, many also in Arabic.")

    listing_paths = ("/middle-east/n-africa/syria",)

    # -- reading pages ------------------------------------------------------------------------------

    def read_listing(self, response: Response) -> Listing:
        """The documents a listing page shows, newest first, and the next page's URL."""
        entries = []
        for block in response.css("article.media-block"):
            href = block.css(".media-block__title a::attr(href)").get()
            if not href:
                continue
            url = self.site_url(href, response)
            label = text_of(block.css(".media-block__type")).lower()
            entries.append(ListingEntry(
                url=url,
                title=text_of(block.css(".media-block__title")),
                published=parse_date(block.css(".media-block__date time::attr(datetime)").get())
                or parse_date(text_of(block.css(".media-block__date"))),
                doc_type=self.doc_type_for(url) or DOC_TYPES_BY_LABEL.get(label),
            ))
        next_href = response.css(".pager__item--next a::attr(href), a[rel=next]::attr(href)").get()
        return Listing(entries, self.site_url(next_href, response) if next_href else None)

    def read_document(self, response: Response) -> ReportItem:
        """The item for a report or news page, with its PDF attachments and translations as links."""
        language = (response.xpath("/html/@lang").get() or "").split("-")[0].lower() or None
        url = response.meta.get("redirect_urls", [response.url])[0]
        section = response.css('meta[property="article:section"]::attr(content)').get()
        subtitle = text_of(response.css('[class$="-header__subtitle"]')) or None
        return self.item_from_response(
            response,
            title=self._title(response, subtitle),
            published=self._published(response),
            doc_type=self.doc_type_for(url) or DOC_TYPES_BY_LABEL.get((section or "").strip().lower()),
            language=language,
            links=self._links(response, url, language),
            metadata={key: value for key, value in (
                ("subtitle", subtitle),
                ("canonical", response.css('link[rel="canonical"]::attr(href)').get()),
            ) if value},
        )

    def doc_type_for(self, url: str) -> str | None:
        """The document type a URL's path announces, e.g. /report/2025/03/12/slug or /ar/report/2025/..."""
        path = urlsplit(url).path
        base_path = urlsplit(self.base_url).path
        if base_path and path.startswith(base_path + "/"):
            path = path[len(base_path):]
        segments = [s for s in path.split("/") if s]
        if segments and len(segments[0]) == 2 and len(segments) > 1:  # a language prefix such as /ar/
            segments = segments[1:]
        return DOC_TYPES_BY_PATH.get(segments[0]) if segments else None

    @staticmethod
    def _title(response: Response, subtitle: str | None) -> str | None:
        heading = text_of(response.css("main h1")) if response.css("main h1") else ""
        title = heading or response.css('meta[property="og:title"]::attr(content)').get() or ""
        if not title:
            title = (response.css("title::text").get() or "").removesuffix(TITLE_SUFFIX)
        # A report's headline is often a quotation; its subtitle says what the report is about.
        if subtitle and response.css("article.report"):
            title = f"{title}: {subtitle}"
        return " ".join(title.split()) or None

    @staticmethod
    def _published(response: Response) -> date | None:
        candidates = [
            response.css('meta[property="article:published_time"]::attr(content)').get(),
            response.css('[class$="-header__dateline"] time::attr(datetime)').get(),
            text_of(response.css('[class$="-header__dateline"]')),
        ]
        for candidate in candidates:
            published = parse_date(candidate)
            if published:
                return published
        return None

    def _links(self, response: Response, own_url: str, language: str | None) -> list[tuple[str, str]]:
        links: list[tuple[str, str]] = []
        for href in response.css("main article a::attr(href)").getall():
            if urlsplit(href).path.lower().endswith(".pdf"):
                links.append(("attachment", self.site_url(href, response)))
        alternates = response.css("link[rel=alternate][hreflang]") + response.css("main a[hreflang]")
        for alternate in alternates:
            hreflang = (alternate.attrib.get("hreflang") or "").split("-")[0].lower()
            href = alternate.attrib.get("href")
            if href and hreflang and hreflang not in (language, "x"):
                links.append(("translation", self.site_url(href, response)))
        unique = []
        for link in links:
            if link not in unique and link[1] != own_url:
                unique.append(link)
        return unique
