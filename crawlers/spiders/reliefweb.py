"""ReliefWeb: the API v2 reports on Syria (primary country SYR), newest first, with their PDFs and originals."""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape
from typing import Any, Iterator
from urllib.parse import urlencode, urlsplit

import scrapy
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import CloseSpider, IgnoreRequest
from scrapy.http import JsonRequest, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from ..dates import parse_date
from ..items import ReportItem
from .base import NOT_MODIFIED, SourceSpider, mirror_base_url

API_ROOT = "https://api.reliefweb.int"
APPNAME_SETTING = "COI_RELIEFWEB_APPNAME"
PAGE_SIZE_SETTING = "COI_RELIEFWEB_PAGE_SIZE"
APPNAME_MISSING = f"{APPNAME_SETTING} is not set"
PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000  # the API's own limit
REPORT_FIELDS = ("title", "body-html", "date.original", "date.created", "source.name", "source.shortname",
                 "source.homepage", "language.code", "format.name", "url_alias", "origin", "file.url", "file.mimetype")
PDF_METADATA = ("reliefweb_id", "source")  # what a report's PDF inherits from it
DOC_TYPES_BY_FORMAT = {
    "report": "report", "analysis": "report", "news and press release": "news", "situation report": "situation_report",
    "assessment": "assessment", "appeal": "appeal", "un document": "un_document", "map": "map",
    "infographic": "infographic", "manual and guideline": "guideline", "evaluation and lessons learned": "evaluation",
    "interactive": "interactive", "other": "other",
}


class NotJSON(ValueError):
    """The API answered with something other than JSON: usually a rate-limit or maintenance page."""


@dataclass(frozen=True)
class ApiPage:
    """One page of the API's answer: its records, where it starts and how many records match in all."""

    records: list[dict]
    offset: int
    total: int

    @property
    def next_offset(self) -> int | None:
        end = self.offset + len(self.records)
        return end if self.records and end < self.total else None


class ReliefWebSpider(SourceSpider):
    name = "reliefweb"
    source_name = "ReliefWeb"
    organisation = "UN Office for the Coordination of Humanitarian Affairs"
    source_type = "aggregator"
    languages = ("en", "ar", "fr")
    on_the_ground = False
    crawl_method = ("ReliefWeb API v2 /reports by POST (primary_country.iso3 = SYR, newest first by date.created, "
                    "limit/offset paging) with a pre-approved appname; each report's PDF files")
    homepage = "https://reliefweb.int"
    description = ("Humanitarian information service run by UN OCHA. It does no research of its own: its editors "
                   "re-publish reports, situation reports, press releases and maps from UN agencies, NGOs, "
                   "governments and media, each credited to its original publisher (kept with every document here, "
                   "with a link to the original where ReliefWeb gives one). Useful for material from organisations "
                   "we do not crawl directly; cite the original publisher, not ReliefWeb.")

    def __init__(self, *args: Any, appname: str | None = None, page_size: int | str | None = None,
                 mirror_url: str | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.appname = (appname or "").strip()
        self.page_size = _page_size(page_size)
        self.mirror_url = (mirror_url or "").rstrip("/")

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any) -> "ReliefWebSpider":
        kwargs.setdefault("appname", crawler.settings.get(APPNAME_SETTING))
        kwargs.setdefault("page_size", crawler.settings.get(PAGE_SIZE_SETTING))
        kwargs.setdefault("mirror_url", crawler.settings.get("COI_MIRROR_URL"))
        return super().from_crawler(crawler, *args, **kwargs)

    @property
    def api_url(self) -> str:
        """The reports endpoint: the live API, or the same path on the mirror, which serves site and API together."""
        root = API_ROOT if self.base_url == self.homepage else self.base_url
        return f"{root}/v2/reports"

    # -- crawling --------------------------------------------------------------------------------

    def first_requests(self) -> Iterator[scrapy.Request]:
        if not self.appname:
            # Since November 2025 the API refuses every appname ReliefWeb has not approved, so without
            # one there is nothing to try: say what to set, and end this source's crawl at once.
            self.logger.error("ReliefWeb not crawled: %s. Since November 2025 the ReliefWeb API answers only "
                              "pre-approved appnames; request one (https://apidoc.reliefweb.int/parameters#appname) "
                              "and set %s.", APPNAME_MISSING, APPNAME_SETTING)
            raise CloseSpider(APPNAME_MISSING)
        yield self.api_request(offset=0)

    def api_request(self, offset: int) -> JsonRequest:
        """POST /v2/reports for one page of Syria reports, newest first; the appname travels in the query string."""
        query = {
            "filter": {"field": "primary_country.iso3", "value": "SYR"},
            "fields": {"include": list(REPORT_FIELDS)},
            "sort": ["date.created:desc"],
            "limit": self.page_size,
            "offset": offset,
        }
        return JsonRequest(f"{self.api_url}?{urlencode({'appname': self.appname})}", data=query,
                           callback=self.parse, errback=self.record_api_failure, meta={"offset": offset})

    def parse(self, response: Response):
        """A page of the API's answer: every report on it, their PDFs, and the next page while something is new."""
        try:
            page = self.read_page(response)
        except NotJSON as problem:
            self.record_failure(self.api_url, str(problem))
            retry = get_retry_request(response.request, spider=self, reason="not_json")
            if retry is not None:
                yield retry
            return
        has_unknown = reached_older = False
        for record in page.records:
            created = parse_date(_field(record, "date", "created"))
            if self.since and created and created < self.since:
                reached_older = True
                continue
            item = self.read_record(record)
            has_unknown = has_unknown or not self.knows(item["url"])
            # Known reports go to the store again: unchanged bytes store nothing, edited ones a new version.
            yield item
            parent = {key: item.get(key) for key in ("url", "title", "published", "doc_type", "language")}
            parent["metadata"] = {key: value for key, value in item["metadata"].items() if key in PDF_METADATA}
            for relation, url in item["links"]:
                if relation == "attachment":
                    yield self.request(url, self.parse_attachment, meta={"parent": parent})
        go_on = not reached_older if self.since else has_unknown
        if go_on and page.next_offset is not None:
            yield self.api_request(page.next_offset)

    def parse_attachment(self, response: Response):
        """A PDF attached to a report: its own document, described by the report."""
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
            metadata={"landing_page": parent.get("url"), **(parent.get("metadata") or {})},
        )

    # -- reading the API ------------------------------------------------------------------------------

    def read_page(self, response: Response) -> ApiPage:
        """The records of one API answer; NotJSON if the answer is not the API's JSON."""
        content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1").split(";")[0].strip()
        if "json" not in content_type:
            raise NotJSON(f"expected JSON from the ReliefWeb API, got {content_type or 'no content type'} "
                          f"(a rate-limit or maintenance page?)")
        try:
            answer = json.loads(response.body)
            records = answer["data"]
            total = int(answer.get("totalCount", len(records)))
        except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, ValueError) as error:
            raise NotJSON(f"the ReliefWeb API answered with unreadable JSON ({type(error).__name__})") from None
        return ApiPage(records=[r for r in records if isinstance(r, dict)],
                       offset=int(response.meta.get("offset", 0)), total=total)

    def read_record(self, record: dict) -> ReportItem:
        """The item for one report: its text as a small HTML page, the publisher credited, its PDFs and original."""
        fields = record.get("fields") or {}
        record_id = str(record.get("id") or fields.get("id") or "")
        title = " ".join(str(fields.get("title") or "").split()) or None
        codes = [lang["code"] for lang in fields.get("language") or [] if isinstance(lang, dict) and lang.get("code")]
        language = codes[0] if len(codes) == 1 else None
        sources = [{key: source.get(key) for key in ("name", "shortname", "homepage") if source.get(key)}
                   for source in fields.get("source") or [] if isinstance(source, dict)]
        formats = [f["name"] for f in fields.get("format") or [] if isinstance(f, dict) and f.get("name")]
        created = parse_date(_field(record, "date", "created"))
        url = self.site_url(fields.get("url_alias") or f"{self.homepage}/node/{record_id}")
        links = [("attachment", self.site_url(file["url"])) for file in fields.get("file") or []
                 if isinstance(file, dict) and file.get("url") and _is_pdf(file)]
        origin = (fields.get("origin") or "").strip()
        if origin.startswith(("http://", "https://")):
            links.append(("original", self.original_url(origin)))
        return ReportItem(
            source_id=self.name,
            url=url,
            fetched_url=f"{self.api_url}/{record_id}",
            title=title,
            published=parse_date(_field(record, "date", "original")) or created,
            doc_type=_doc_type(formats[0]) if formats else None,
            language=language,
            body=report_page(title, fields.get("body-html") or "", language, sources, origin),
            content_type="text/html; charset=utf-8",
            etag=None,
            last_modified=None,
            links=_unique(links),
            metadata={key: value for key, value in (
                ("reliefweb_id", record_id),
                ("source", sources),
                ("format", formats[0] if formats else None),
                ("posted", created.isoformat() if created else None),
                ("origin", origin or None),
                ("languages", codes),
            ) if value},
        )

    def original_url(self, url: str) -> str:
        """Where the original of a re-published report is: on the mirror too, if a spider of ours crawls its site."""
        if not self.mirror_url:
            return url
        from ..sources import spider_classes  # the registry imports every spider module, this one included

        host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
        for source_id, spider_class in spider_classes().items():
            homepage = spider_class.homepage.rstrip("/")
            if homepage and (urlsplit(homepage).hostname or "").lower().removeprefix("www.") == host:
                path = urlsplit(url)._replace(scheme="", netloc="").geturl()
                return mirror_base_url(self.mirror_url, source_id) + path
        return url

    # -- errors --------------------------------------------------------------------------------------

    def record_api_failure(self, failure: Failure) -> None:
        """Errback of the API requests: a refused appname, a bad query or a failed download, without the appname."""
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            self.record_download_error(failure)  # robots.txt and offsite skips are not errors
            return
        if failure.check(HttpError):
            response = failure.value.response
            if response.status == 403:
                message = (f"HTTP 403: the ReliefWeb API refused the appname {self.appname!r}; since November 2025 "
                           f"it must be approved by ReliefWeb ({APPNAME_SETTING})")
            else:
                message = f"HTTP {response.status}" + (f": {detail}" if (detail := _api_error(response)) else "")
        else:
            message = f"{failure.type.__name__}: {failure.getErrorMessage()}"
        self.record_failure(self.api_url, message)

    def record_failure(self, url: str, message: str) -> None:
        stats = self.crawler.stats if getattr(self, "crawler", None) else None
        if stats:
            stats.inc_value("coi/errors")
        self.logger.warning("could not read %s: %s", url, message)
        if self.store is not None:
            self.store.record_error("fetch", message, url=url, source_id=self.name)


def report_page(title: str | None, body_html: str, language: str | None, sources: list[dict], origin: str) -> bytes:
    """A report as a small HTML page: its title, the publishers ReliefWeb credits, its body as ReliefWeb gives it."""
    lang = f' lang="{escape(language)}"' + (' dir="rtl"' if language == "ar" else "") if language else ""
    credits = ", ".join(escape(source.get("name") or source.get("shortname") or "") for source in sources)
    parts = [
        "<!DOCTYPE html>",
        f"<html{lang}>",
        f'<head><meta charset="utf-8"><title>{escape(title or "")}</title></head>',
        "<body><article>",
        f"<h1>{escape(title or '')}</h1>",
    ]
    if credits:
        parts.append(f'<p class="source">Source: {credits}</p>')
    if origin:
        parts.append(f'<p class="origin"><a href="{escape(origin)}">View original</a></p>')
    parts += [f'<div class="body">{body_html}</div>', "</article></body>", "</html>", ""]
    return "\n".join(parts).encode("utf-8")


def _page_size(value: int | str | None) -> int:
    if value in (None, ""):
        return PAGE_SIZE
    try:
        size = int(value)
    except (TypeError, ValueError):
        size = 0
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise ValueError(f"{PAGE_SIZE_SETTING} (page_size) must be a whole number from 1 to {MAX_PAGE_SIZE}, "
                         f"not {value!r}")
    return size


def _doc_type(format_name: str) -> str:
    name = " ".join(format_name.lower().split())
    return DOC_TYPES_BY_FORMAT.get(name) or name.replace(" ", "_")


def _field(record: dict, *path: str) -> Any:
    value: Any = record.get("fields") or {}
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _is_pdf(file: dict) -> bool:
    return file.get("mimetype") == "application/pdf" or urlsplit(file.get("url", "")).path.lower().endswith(".pdf")


def _api_error(response: Response) -> str | None:
    try:
        return str(json.loads(response.body)["error"]["message"])
    except (ValueError, KeyError, TypeError):
        return None


def _unique(links: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return list(dict.fromkeys(links))
