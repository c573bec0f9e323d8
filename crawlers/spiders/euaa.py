"""EUAA: the Syria publications listing, each COI report and Country Guidance page, its PDF, and the Country
Guidance's online (HTML) version with its sections."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

from scrapy.http import Response

from ..dates import parse_date
from ..items import ReportItem
from .listed import ListedDocumentsSpider, text_of, unique_links
from .hrw import Listing, ListingEntry

DOC_TYPES_BY_LABEL = {"coi reports": "report", "coi report": "report", "coi query": "report", "coi queries": "report",
                      "country guidance": "guidance", "country guidance notes": "guidance"}
TITLE_SUFFIX = " | European Union Agency for Asylum"


class EuropeanUnionAgencyForAsylumSpider(ListedDocumentsSpider):
    name = "euaa"
    source_name = "European Union Agency for Asylum (EUAA)"
    organisation = "European Union Agency for Asylum (EUAA)"
    source_type = "government"
    languages = ("en",)
    on_the_ground = False
    crawl_method = ("Publications listing filtered to Syria (newest first, &page=N), each publication page and its "
                    "PDF; for the Country Guidance also its online version and the sections in its contents")
    homepage = "https://euaa.europa.eu"
    description = ("EU agency (formerly EASO) that writes country-of-origin information for EU+ asylum authorities. "
                   "COI reports and query responses are desk research following the EUAA COI methodology, citing "
                   "UN, NGO, media and sometimes interview sources; the Country Guidance on Syria is the common "
                   "assessment of EU+ senior policy officials, with risk analysis per profile, and is used by "
                   "national asylum authorities and courts. English only, HTML pages and PDF.")

    listing_paths = ("/publications?country=syria",)
    # A 304 on the guidance's publication page or online contents re-checks its sections too.
    relation_callbacks = {**ListedDocumentsSpider.relation_callbacks, "part": "parse_document"}

    def read_listing(self, response: Response) -> Listing:
        """The publications a listing page shows, newest first, and the next page's URL."""
        entries = []
        for teaser in response.css(".view-content .views-row .publication-teaser"):
            href = teaser.css(".publication-teaser__title a::attr(href)").get()
            if not href:
                continue
            label = text_of(teaser.css(".publication-teaser__type")).lower()
            entries.append(ListingEntry(
                url=self.site_url(href, response),
                title=text_of(teaser.css(".publication-teaser__title")),
                published=parse_date(teaser.css(".publication-teaser__date time::attr(datetime)").get())
                or parse_date(text_of(teaser.css(".publication-teaser__date"))),
                doc_type=DOC_TYPES_BY_LABEL.get(label),
            ))
        next_href = response.css(".pager__item--next a::attr(href), a[rel=next]::attr(href)").get()
        return Listing(entries, self.site_url(next_href, response) if next_href else None)

    def read_document(self, response: Response) -> ReportItem:
        """A publication page (with its PDF and online version as links) or a page of the online guidance."""
        if response.css("article.node--type-book"):
            return self._read_guidance_page(response)
        url = self.page_url(response)
        publication_type = text_of(response.css(".field--name-field-publication-type")) or None
        files = response.css(".field--name-field-publication-files a::attr(href)").getall()
        links = [("attachment", self.site_url(href, response))
                 for href in files if urlsplit(href).path.lower().endswith(".pdf")]
        links += [("part", self.site_url(href, response))
                  for href in response.css(".field--name-field-online-version a::attr(href)").getall()]
        return self.item_from_response(
            response,
            title=self._title(response),
            published=self._published(response),
            doc_type=DOC_TYPES_BY_LABEL.get((publication_type or "").lower()),
            language=self.page_language(response),
            links=unique_links(links, url),
            metadata={key: value for key, value in (
                ("publication_type", publication_type),
                ("isbn", text_of(response.css(".field--name-field-isbn .field--item")) or None),
                ("doi", text_of(response.css(".field--name-field-doi .field--item")) or None),
                ("canonical", response.css('link[rel="canonical"]::attr(href)').get()),
            ) if value},
        )

    def _read_guidance_page(self, response: Response) -> ReportItem:
        """The online guidance: its front page links its sections (contents only, not previous/next)."""
        url = self.page_url(response)
        sections = response.css("nav.book-navigation ul.menu a::attr(href)").getall()
        # Home, then the guidance's front page: a section's title alone ("4.2. Alawites") says too little.
        breadcrumb = response.css("ol.breadcrumb li a")[1:]
        book = breadcrumb[-1] if breadcrumb else None
        title = self._title(response)
        if book is not None and title:
            title = f"{text_of(book)} – {title}"
        return self.item_from_response(
            response,
            title=title,
            published=self._published(response),
            doc_type="guidance",
            language=self.page_language(response),
            links=unique_links([("part", self.site_url(href, response)) for href in sections], url),
            metadata={key: value for key, value in (
                ("part_of", self.site_url(book.attrib["href"], response) if book is not None else None),
                ("canonical", response.css('link[rel="canonical"]::attr(href)').get()),
            ) if value},
        )

    @staticmethod
    def _title(response: Response) -> str | None:
        title = (text_of(response.css("main h1.page-header"))
                 or response.css('meta[property="og:title"]::attr(content)').get()
                 or (response.css("title::text").get() or "").removesuffix(TITLE_SUFFIX))
        return " ".join(title.split()) or None

    @staticmethod
    def _published(response: Response) -> date | None:
        for candidate in (response.css('meta[property="article:published_time"]::attr(content)').get(),
                          response.css(".field--name-field-publication-date time::attr(datetime)").get(),
                          response.css(".book-meta time::attr(datetime)").get(),
                          text_of(response.css(".field--name-field-publication-date .field--item"))):
            published = parse_date(candidate)
            if published:
                return published
        return None
