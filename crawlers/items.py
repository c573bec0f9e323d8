"""What a spider yields: one fetched document with the metadata it could read about it."""

from __future__ import annotations

from pprint import pformat

import scrapy

from pipeline.store import FetchedReport


class ReportItem(scrapy.Item):
    source_id = scrapy.Field()
    url = scrapy.Field()  # as linked (the store's key); fetched_url is where redirects ended
    fetched_url = scrapy.Field()
    title = scrapy.Field()
    published = scrapy.Field()  # datetime.date or None
    doc_type = scrapy.Field()  # report, news, video, ...
    language = scrapy.Field()  # as declared by the site
    body = scrapy.Field()
    content_type = scrapy.Field()
    etag = scrapy.Field()
    last_modified = scrapy.Field()
    links = scrapy.Field()  # [(relation, url)]: ("attachment", pdf_url), ("translation", other_language_url)
    metadata = scrapy.Field()

    def __repr__(self) -> str:
        # Scrapy logs every scraped item at DEBUG level; a whole PDF in the log helps nobody.
        return pformat({key: f"<{len(value)} bytes>" if key == "body" else value for key, value in self.items()})


def fetched_report(item: ReportItem) -> FetchedReport:
    """The store's record for a spider's item."""
    return FetchedReport(
        source_id=item["source_id"],
        url=item["url"],
        body=item["body"],
        title=item.get("title"),
        published=item.get("published"),
        doc_type=item.get("doc_type"),
        language=item.get("language"),
        content_type=item.get("content_type"),
        etag=item.get("etag"),
        last_modified=item.get("last_modified"),
        fetched_url=item.get("fetched_url"),
        links=list(item.get("links") or []),
        metadata=dict(item.get("metadata") or {}),
    )
