"""Saved-page tests for the Human Rights Watch spider, plus its crawl decisions (paging, since, 304s).

Each page in tests/fixtures/pages/hrw/ (URLs in pages.json) has its expected output in
tests/fixtures/expected/hrw/<page>.json. After changing a page or the spider, run
COI_UPDATE_EXPECTED=1 pytest tests/test_spider_hrw.py, review the diff, then commit it.
"""

from __future__ import annotations

from datetime import date

import pytest
from scrapy import Request
from scrapy.http import Response

from crawlers.items import ReportItem
from crawlers.spiders.hrw import HumanRightsWatchSpider
from pipeline.urls import document_id
from spider_harness import FakeStore, SavedPageContract, SavedPages, requests_from


SAVED = SavedPages("hrw", HumanRightsWatchSpider)
PAGE_URLS, LISTINGS, DOCUMENTS = SAVED.urls, SAVED.listings, SAVED.documents
saved_response, parsed = SAVED.response, SAVED.parsed

LIVE = "https://www.hrw.org"


class TestSavedPages(SavedPageContract):
    pages = SAVED
    organisation = "Human Rights Watch"

    def test_document_published(self, name):
        super().test_document_published(name)
        actual, _ = parsed(name)
        assert actual["published"] in name  # the date in the URL is the publication date


def test_listing_is_newest_first_and_pages_end():
    dates = [e["published"] for name in LISTINGS for e in parsed(name)[0]["entries"]]
    assert dates == sorted(dates, reverse=True)
    assert parsed("listing-page-0.html")[0]["next_page"] == f"{LIVE}/middle-east/n-africa/syria?page=1"
    assert parsed("listing-page-2.html")[0]["next_page"] is None


def test_report_links_its_pdf_and_its_arabic_version_which_links_back():
    english, _ = parsed("report-2025-03-12-they-came-to-kill-us.html")
    arabic, _ = parsed("ar-report-2025-03-12-391502.html")
    assert english["links"] == [
        ["attachment", f"{LIVE}/sites/default/files/media_2025/03/syria0325_web.pdf"],
        ["translation", f"{LIVE}/ar/report/2025/03/12/391502"],
    ]
    assert arabic["language"] == "ar" and arabic["doc_type"] == "report"
    assert arabic["links"] == [["translation", f"{LIVE}/report/2025/03/12/they-came-to-kill-us"]]


# -- crawl decisions -------------------------------------------------------------------------------------


def test_listing_requests_every_document_and_the_next_page_while_something_is_new():
    spider = HumanRightsWatchSpider(store=FakeStore())
    requests = requests_from(spider.parse(saved_response("listing-page-0.html")))
    urls = [r.url for r in requests]
    assert urls[-1] == f"{LIVE}/middle-east/n-africa/syria?page=1"
    assert len(urls) == 5
    assert all(r.errback == spider.record_download_error for r in requests)


def test_listing_stops_paging_when_every_document_is_known():
    entries = parsed("listing-page-0.html")[0]["entries"]
    spider = HumanRightsWatchSpider(store=FakeStore(known=[e["url"] for e in entries]))
    urls = [r.url for r in requests_from(spider.parse(saved_response("listing-page-0.html")))]
    # Known documents are still checked (conditionally, by the middleware), but paging stops.
    assert urls == [e["url"] for e in entries]


def test_since_backfills_past_known_pages_and_stops_at_older_documents():
    entries = parsed("listing-page-1.html")[0]["entries"]
    spider = HumanRightsWatchSpider(since="2024-10-01", store=FakeStore(known=[e["url"] for e in entries]))
    urls = [r.url for r in requests_from(spider.parse(saved_response("listing-page-1.html")))]
    assert urls == [e["url"] for e in entries if e["published"] >= "2024-10-01"]  # no next page: older reached
    spider = HumanRightsWatchSpider(since=date(2023, 1, 1), store=FakeStore(known=[e["url"] for e in entries]))
    urls = [r.url for r in requests_from(spider.parse(saved_response("listing-page-1.html")))]
    assert urls[-1].endswith("?page=2")


def test_since_must_be_a_date():
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        HumanRightsWatchSpider(since="last week")


def test_document_page_yields_itself_then_its_pdf_and_translation():
    spider = HumanRightsWatchSpider()
    results = list(spider.parse_document(saved_response("report-2025-03-12-they-came-to-kill-us.html")))
    item, pdf_request, arabic_request = results
    assert isinstance(item, ReportItem) and item["body"].startswith(b"<!DOCTYPE html>")
    assert item["etag"] == '"abc"' and item["content_type"] == "text/html; charset=utf-8"
    assert pdf_request.callback == spider.parse_attachment
    assert pdf_request.meta["parent"]["title"] == item["title"]
    assert arabic_request.callback == spider.parse_document


def test_pdf_is_its_own_document_described_by_its_page():
    spider = HumanRightsWatchSpider()
    parent = {"url": f"{LIVE}/report/2024/04/16/everything-was-taken-afrin", "title": "Everything Was Taken",
              "published": date(2024, 4, 16), "doc_type": "report", "language": "en"}
    url = f"{LIVE}/sites/default/files/media_2024/04/syria0424_web.pdf"
    response = Response(url, body=b"%PDF-1.4 ...", headers={"Content-Type": "application/pdf"},
                        request=Request(url, meta={"parent": parent}))
    (item,) = spider.parse_attachment(response)
    assert (item["url"], item["title"], item["published"], item["doc_type"], item["language"]) == (
        url, "Everything Was Taken", date(2024, 4, 16), "report", "en")
    assert item["content_type"] == "application/pdf" and item["metadata"] == {"landing_page": parent["url"]}


def test_unchanged_page_rechecks_the_documents_it_links_from_the_store():
    page = f"{LIVE}/report/2025/03/12/they-came-to-kill-us"
    pdf = f"{LIVE}/sites/default/files/media_2025/03/syria0325_web.pdf"
    store = FakeStore(
        known=[page],
        documents={document_id(page): {"title": "They Came", "published": "2025-03-12", "doc_type": "report",
                                       "language_declared": "en"}},
        links={document_id(page): [{"relation": "attachment", "to_url": pdf, "to_document": document_id(pdf)}]},
    )
    spider = HumanRightsWatchSpider(store=store)
    not_modified = Response(page, status=304, request=Request(page))
    (request,) = spider.parse_document(not_modified)
    assert request.url == pdf and request.callback == spider.parse_attachment
    assert request.meta["parent"]["published"] == "2025-03-12"
    pdf_response = Response(pdf, body=b"%PDF", request=Request(pdf, meta=request.meta))
    (item,) = spider.parse_attachment(pdf_response)
    assert item["published"] == date(2025, 3, 12)


def test_mirror_base_url_replaces_the_live_site_in_links():
    spider = HumanRightsWatchSpider(base_url="http://127.0.0.1:8089/hrw")
    url = "http://127.0.0.1:8089/hrw/report/2025/03/12/they-came-to-kill-us"
    response = saved_response("report-2025-03-12-they-came-to-kill-us.html", url=url)
    item = spider.read_document(response)
    assert item["links"] == [
        ("attachment", "http://127.0.0.1:8089/hrw/sites/default/files/media_2025/03/syria0325_web.pdf"),
        ("translation", "http://127.0.0.1:8089/hrw/ar/report/2025/03/12/391502"),
    ]
    assert item["doc_type"] == "report"
    assert spider.allowed_domains == ["127.0.0.1"]
    assert spider.site_url("https://www.hrw.org/news") == "http://127.0.0.1:8089/hrw/news"
    assert spider.site_url("?page=1", response) == url + "?page=1"


def test_source_description():
    info = HumanRightsWatchSpider.source_info()
    assert (info.id, info.source_type, info.languages, info.on_the_ground) == ("hrw", "ngo", ("en", "ar"), True)
    assert info.homepage == LIVE and info.description and info.crawl_method
