"""UN Commission of Inquiry on Syria (OHCHR): the Commission's latest listing, its press releases, statements,
reports with their UN-document PDFs, and Arabic versions."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

from scrapy.http import Response

from ..dates import parse_date
from ..items import ReportItem
from .listed import ListedDocumentsSpider, text_of, unique_links
from .hrw import Listing, ListingEntry

DOC_TYPES_BY_LABEL = {"press releases": "news", "press release": "news", "statements": "statement",
                      "statements and speeches": "statement", "reports": "report", "country reports": "report",
                      "بيانات صحفية": "news", "بيانات": "statement", "تقارير": "report"}
DOC_TYPES_BY_PATH = {"press-releases": "news", "statements-and-speeches": "statement", "statements": "statement",
                     "documents": "report"}
# A UN document symbol as printed: A/HRC/58/70, A/HRC/60/CRP.4, A/HRC/57/86/Add.1.
UN_SYMBOL = re.compile(r"\b[A-Z]{1,4}(?:/[A-Z0-9-]+)*/\d+(?:/(?:[A-Z]+\.)?\d+)*(?:/(?:Add|Corr|Rev)\.\d+)*\b")
# The same symbol in a PDF's file name: a-hrc-60-crp-4-en.pdf; the last part is the language.
SYMBOL_IN_PDF = re.compile(r"/((?:[a-z]+-)+\d+(?:-(?:crp|add|corr|rev)?-?\d+)*)-([a-z]{2})\.pdf$", re.I)
SUFFIXED_PARTS = {"crp": "CRP", "add": "Add", "corr": "Corr", "rev": "Rev"}
TITLE_SUFFIX = " | OHCHR"


class CommissionOfInquirySyriaSpider(ListedDocumentsSpider):
    name = "ohchr_coi"
    source_name = "UN Commission of Inquiry on Syria (OHCHR)"
    organisation = ("Independent International Commission of Inquiry on the Syrian Arab Republic "
                    "(UN Human Rights Council)")
    source_type = "un"
    languages = ("en", "ar")
    on_the_ground = True
    crawl_method = ("OHCHR's Latest view filtered to the Commission (newest first, &page=N), each press release, "
                    "statement and report page, the report's UN-document PDF, and Arabic versions")
    homepage = "https://www.ohchr.org"
    description = ("Commission of inquiry mandated by the UN Human Rights Council since 2011 to investigate "
                   "violations of international law in Syria. Interviews victims and witnesses, from abroad and, "
                   "since December 2024, during visits inside Syria, and applies a 'reasonable grounds to believe' "
                   "standard. Publishes periodic reports and conference room papers as UN documents with symbols "
                   "(A/HRC/...), in all UN languages, and press releases, some in Arabic.")

    listing_paths = ("/en/latest?field_entity_target_id=2113",)

    def read_listing(self, response: Response) -> Listing:
        """The Commission's items a listing page shows, newest first, and the next page's URL."""
        entries = []
        for teaser in response.css(".view-content .views-row article"):
            href = teaser.css(".teaser-title a::attr(href)").get()
            if not href:
                continue
            url = self.site_url(href, response)
            label = text_of(teaser.css(".teaser-type")).lower()
            entries.append(ListingEntry(
                url=url,
                title=text_of(teaser.css(".teaser-title")),
                published=parse_date(teaser.css(".teaser-date time::attr(datetime)").get())
                or parse_date(text_of(teaser.css(".teaser-date"))),
                doc_type=DOC_TYPES_BY_LABEL.get(label) or self.doc_type_for(url),
            ))
        next_href = response.css(".pager__item--next a::attr(href), a[rel=next]::attr(href)").get()
        return Listing(entries, self.site_url(next_href, response) if next_href else None)

    def read_document(self, response: Response) -> ReportItem:
        """The item for a press release, statement or report page, with PDFs and translations as links."""
        language = self.page_language(response)
        url = self.page_url(response)
        label = text_of(response.css("main article .content-type")).lower()
        pdfs = [self.site_url(href, response) for href in response.css("main article a::attr(href)").getall()
                if urlsplit(href).path.lower().endswith(".pdf")]
        links = [("attachment", pdf) for pdf in pdfs] + self.translation_links(response, language)
        return self.item_from_response(
            response,
            title=self._title(response),
            published=self._published(response),
            doc_type=DOC_TYPES_BY_LABEL.get(label) or self.doc_type_for(url),
            language=language,
            links=unique_links(links, url),
            metadata={key: value for key, value in (
                ("un_symbol", self._symbol(response)),
                ("canonical", response.css('link[rel="canonical"]::attr(href)').get()),
            ) if value},
        )

    def attachment_metadata(self, url: str) -> dict:
        symbol = symbol_from_pdf_url(url)
        return {"un_symbol": symbol} if symbol else {}

    def doc_type_for(self, url: str) -> str | None:
        """What a path announces: /en/press-releases/..., /ar/statements-and-speeches/..., /en/documents/..."""
        segments = [s for s in urlsplit(url).path.split("/") if s]
        for segment in segments[:4]:
            if segment in DOC_TYPES_BY_PATH:
                return DOC_TYPES_BY_PATH[segment]
        return None

    @staticmethod
    def _symbol(response: Response) -> str | None:
        for term in response.css(".document-metadata dt"):
            if "symbol" in text_of(term).lower() or "الرمز" in text_of(term):
                match = UN_SYMBOL.search(text_of(term.xpath("following-sibling::dd[1]")))
                if match:
                    return match.group(0)
        return None

    @staticmethod
    def _title(response: Response) -> str | None:
        title = (text_of(response.css("main h1.page-title"))
                 or response.css('meta[property="og:title"]::attr(content)').get()
                 or (response.css("title::text").get() or "").removesuffix(TITLE_SUFFIX))
        return " ".join(title.split()) or None

    @staticmethod
    def _published(response: Response) -> date | None:
        candidates = [response.css('meta[property="article:published_time"]::attr(content)').get(),
                      response.css("main article .press-release-date time::attr(datetime)").get()]
        for term in response.css(".document-metadata dt"):
            if "date" in text_of(term).lower():
                definition = term.xpath("following-sibling::dd[1]")
                candidates += [definition.css("time::attr(datetime)").get(), text_of(definition)]
        for candidate in candidates:
            published = parse_date(candidate)
            if published:
                return published
        return None


def symbol_from_pdf_url(url: str) -> str | None:
    """The UN symbol OHCHR's PDF file names spell out: a-hrc-60-crp-4-en.pdf is A/HRC/60/CRP.4."""
    match = SYMBOL_IN_PDF.search(urlsplit(url).path)
    if not match:
        return None
    parts, symbol = match.group(1).split("-"), []
    while parts:
        part = parts.pop(0)
        if part.lower() in SUFFIXED_PARTS and parts and parts[0].isdigit():
            symbol.append(f"{SUFFIXED_PARTS[part.lower()]}.{parts.pop(0)}")
        else:
            symbol.append(part.upper())
    return "/".join(symbol)
