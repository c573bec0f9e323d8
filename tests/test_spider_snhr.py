"""Saved-page tests for the Syrian Network for Human Rights spider, its crawl decisions, and a crawl of the mirror.

Each saved page named in tests/fixtures/pages/snhr/pages.json is the mirror's own page at that URL, with its expected
output in tests/fixtures/expected/snhr/<page>.json. After changing a page or the spider, run
COI_UPDATE_EXPECTED=1 pytest tests/test_spider_snhr.py, review the diff, then commit it.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

import pytest
from scrapy import Request
from scrapy.http import Response

from crawlers.items import ReportItem
from crawlers.spiders.snhr import SyrianNetworkForHumanRightsSpider
from pipeline.urls import document_id
from spider_harness import (FakeStore, ListingDecisionContract, MirroredPageContract, SavedPages,
                            assert_reads_robots_txt_and_names_the_contact, assert_second_crawl_stores_nothing_new,
                            crawl_mirror_twice)


SAVED = SavedPages("snhr", SyrianNetworkForHumanRightsSpider, charset="UTF-8", mirrored=True)
PAGE_URLS, LISTINGS, DOCUMENTS = SAVED.urls, SAVED.listings, SAVED.documents
saved_response, parsed = SAVED.response, SAVED.parsed

LIVE = "https://snhr.org"
CATEGORY = f"{LIVE}/blog/category/reports/monthly-reports/"
MARCH = "blog-2025-04-02-monthly-report-civilian-deaths-arrests-syria-march-2025.html"
MARCH_AR = "arabic-2025-04-02-monthly-report-march-2025.html"
MARCH_PDF = f"{LIVE}/wp-content/uploads/2025/04/M250402E.pdf"
CONTACT = "coi-snhr-tests@example.org"


class TestSavedPages(MirroredPageContract):
    pages = SAVED
    organisation = "Syrian Network for Human Rights"

    def test_document_published(self, name):
        super().test_document_published(name)
        actual, _ = parsed(name)
        assert actual["published"] in name  # the date in the URL is the publication date

    def test_document_type(self, name):
        actual, expected = parsed(name)
        assert actual["doc_type"] == expected["doc_type"] == "report"


def test_listing_is_newest_first_spans_the_transition_and_pages_end():
    dates = [e["published"] for name in LISTINGS for e in parsed(name)[0]["entries"]]
    assert dates == sorted(dates, reverse=True)
    assert dates[0] > "2024-12-08" > dates[-1]
    assert parsed("listing-page-1.html")[0]["next_page"] == CATEGORY + "page/2/"
    assert parsed("listing-page-2.html")[0]["next_page"] is None


def test_listing_dates_are_the_dates_in_the_urls():
    for name in LISTINGS:
        for entry in parsed(name)[0]["entries"]:
            assert "/blog/" + entry["published"].replace("-", "/") + "/" in entry["url"]


@pytest.mark.parametrize("name", [n for n in DOCUMENTS if n.startswith("blog-")])
def test_english_report_links_its_full_report_pdf_named_by_its_code(name):
    actual, _ = parsed(name)
    (pdf,) = [url for relation, url in actual["links"] if relation == "attachment"]
    code = actual["metadata"]["report_code"]
    assert pdf.startswith(f"{LIVE}/wp-content/uploads/") and pdf.endswith(f"/{code}.pdf")
    assert code.startswith("M") and code.endswith("E")


def test_march_report_and_its_arabic_version_link_each_other():
    english, _ = parsed(MARCH)
    arabic, _ = parsed(MARCH_AR)
    assert english["links"] == [["attachment", MARCH_PDF], ["translation", PAGE_URLS[MARCH_AR]]]
    assert arabic["links"] == [["translation", PAGE_URLS[MARCH]]]
    assert (arabic["language"], arabic["published"], arabic["metadata"]["category"]) == (
        "ar", "2025-04-02", "التقارير الشهرية")
    assert arabic["title"].startswith("التقرير الشهري")


# -- crawl decisions -------------------------------------------------------------------------------------


class TestListingDecisions(ListingDecisionContract):
    pages = SAVED
    start_url = CATEGORY
    next_page = CATEGORY + "page/2/"
    since = "2024-11-01"

def test_report_page_yields_itself_then_its_pdf_and_arabic_version():
    spider = SyrianNetworkForHumanRightsSpider()
    item, pdf_request, arabic_request = spider.parse_document(saved_response(MARCH))
    assert isinstance(item, ReportItem) and item["body"].startswith(b"<!DOCTYPE html>")
    assert (pdf_request.url, pdf_request.callback) == (MARCH_PDF, spider.parse_attachment)
    assert pdf_request.meta["parent"]["published"] == date(2025, 4, 2)
    assert (arabic_request.url, arabic_request.callback) == (PAGE_URLS[MARCH_AR], spider.parse_document)


def test_pdf_is_its_own_document_with_the_report_code_of_its_file_name():
    spider = SyrianNetworkForHumanRightsSpider()
    parent = {"url": PAGE_URLS[MARCH], "title": "Monthly Report: March 2025", "published": "2025-04-02",
              "doc_type": "report", "language": "en"}
    response = Response(MARCH_PDF, body=b"%PDF-1.4 ...", headers={"Content-Type": "application/pdf"},
                        request=Request(MARCH_PDF, meta={"parent": parent}))
    (item,) = spider.parse_attachment(response)
    assert (item["title"], item["published"], item["language"]) == (
        "Monthly Report: March 2025", date(2025, 4, 2), "en")
    assert item["metadata"] == {"landing_page": PAGE_URLS[MARCH], "report_code": "M250402E"}


def test_unchanged_page_rechecks_its_pdf_and_translation_from_the_store():
    page = PAGE_URLS[MARCH]
    store = FakeStore(known=[page],
                      documents={document_id(page): {"title": "March", "published": "2025-04-02",
                                                     "doc_type": "report", "language_declared": "en"}},
                      links={document_id(page): [{"relation": "attachment", "to_url": MARCH_PDF},
                                                 {"relation": "translation", "to_url": PAGE_URLS[MARCH_AR]}]})
    spider = SyrianNetworkForHumanRightsSpider(store=store)
    pdf_request, arabic_request = spider.parse_document(Response(page, status=304, request=Request(page)))
    assert (pdf_request.url, pdf_request.callback) == (MARCH_PDF, spider.parse_attachment)
    assert (arabic_request.url, arabic_request.callback) == (PAGE_URLS[MARCH_AR], spider.parse_document)


def test_mirror_base_url_replaces_the_live_site_in_links():
    spider = SyrianNetworkForHumanRightsSpider(base_url="http://127.0.0.1:8089/snhr")
    url = "http://127.0.0.1:8089/snhr/blog/2025/04/02/monthly-report-civilian-deaths-arrests-syria-march-2025/"
    item = spider.read_document(saved_response(MARCH, url=url))
    assert item["links"] == [
        ("attachment", "http://127.0.0.1:8089/snhr/wp-content/uploads/2025/04/M250402E.pdf"),
        ("translation", "http://127.0.0.1:8089/snhr" + urlsplit(PAGE_URLS[MARCH_AR]).path),
    ]


def test_source_description():
    info = SyrianNetworkForHumanRightsSpider.source_info()
    assert (info.id, info.source_type, info.languages, info.on_the_ground) == ("snhr", "ngo", ("en", "ar"), True)
    assert info.homepage == LIVE and "monthly" in info.description and info.crawl_method


# -- over HTTP: the mirror, crawled twice ------------------------------------------------------------------


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    yield from crawl_mirror_twice("snhr", CONTACT, tmp_path_factory)


def test_first_crawl_stores_every_report_pdf_and_translation(crawled):
    stats = crawled.runs["first"].stats
    # 5 report pages, 5 PDFs, 1 Arabic version.
    assert (stats["new_documents"], stats["errors"], stats["finish_reason"]) == (11, 0, "finished")
    assert crawled.store.sources()["snhr"]["languages"] == ["en", "ar"]


def test_stored_report_links_its_pdf_and_arabic_version(crawled):
    store, url = crawled.store, crawled.url
    page = url(urlsplit(PAGE_URLS[MARCH]).path)
    pdf = url("/wp-content/uploads/2025/04/M250402E.pdf")
    arabic = url(urlsplit(PAGE_URLS[MARCH_AR]).path)
    assert {(link["relation"], link["to_document"]) for link in store.links(document_id(page))} == {
        ("attachment", document_id(pdf)), ("translation", document_id(arabic))}
    stored_pdf = store.document(document_id(pdf))
    assert store.body(stored_pdf["sha256"]).startswith(b"%PDF-") and stored_pdf["published"] == "2025-04-02"
    assert stored_pdf["metadata"]["report_code"] == "M250402E"
    stored_arabic = store.document(document_id(arabic))
    assert (stored_arabic["language_declared"], stored_arabic["published"]) == ("ar", "2025-04-02")
    assert "آذار" in store.body(stored_arabic["sha256"]).decode("utf-8")


def test_second_crawl_stores_nothing_new_and_does_not_page_on(crawled):
    assert_second_crawl_stores_nothing_new(crawled.runs["again"], 7, "/page/2/")


def test_crawl_reads_robots_txt_and_names_the_contact(crawled):
    assert_reads_robots_txt_and_names_the_contact(crawled, CONTACT, "/wp-admin/", "?s=")
