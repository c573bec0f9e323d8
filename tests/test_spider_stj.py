"""Saved-page tests for the Syrians for Truth and Justice spider, its crawl decisions, and a crawl of the mirror.

Each saved page named in tests/fixtures/pages/stj/pages.json is the mirror's own page at that URL, with its expected
output in tests/fixtures/expected/stj/<page>.json. After changing a page or the spider, run
COI_UPDATE_EXPECTED=1 pytest tests/test_spider_stj.py, review the diff, then commit it.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import unquote, urlsplit

import pytest
from scrapy import Request
from scrapy.http import Response

from crawlers.items import ReportItem
from crawlers.spiders.stj import SyriansForTruthAndJusticeSpider
from pipeline.urls import document_id
from spider_harness import (FakeStore, ListingDecisionContract, MirroredPageContract, SavedPages,
                            assert_reads_robots_txt_and_names_the_contact, assert_second_crawl_stores_nothing_new,
                            crawl_mirror_twice)


SAVED = SavedPages("stj", SyriansForTruthAndJusticeSpider, charset="UTF-8", mirrored=True)
PAGE_URLS, LISTINGS, DOCUMENTS = SAVED.urls, SAVED.listings, SAVED.documents
saved_response, parsed = SAVED.response, SAVED.parsed

LIVE = "https://stj-sy.org"
CATEGORY = f"{LIVE}/en/investigative-reports/"
COAST = "en-coastal-massacres-killing-alawite-civilians-baniyas-jableh-march-2025.html"
COAST_AR = "ar-2025-04-03-30216.html"
COAST_PDF = f"{LIVE}/wp-content/uploads/2025/04/Coastal-Massacres-March-2025-EN.pdf"
CONTACT = "coi-stj-tests@example.org"


class TestSavedPages(MirroredPageContract):
    pages = SAVED
    organisation = "Syrians for Truth and Justice"

    def test_document_type(self, name):
        actual, expected = parsed(name)
        assert actual["doc_type"] == expected["doc_type"] == "report"

    def test_document_language(self, name):
        actual, expected = parsed(name)
        assert actual["language"] == expected["language"] == name[:2]


def test_listing_is_newest_first_spans_the_transition_and_pages_end():
    dates = [e["published"] for name in LISTINGS for e in parsed(name)[0]["entries"]]
    assert dates == sorted(dates, reverse=True)
    assert dates[0] > "2024-12-08" > dates[-1]
    assert parsed("listing-page-1.html")[0]["next_page"] == CATEGORY + "page/2/"
    assert parsed("listing-page-2.html")[0]["next_page"] is None


def test_listing_names_every_english_report_saved_here():
    listed = {e["url"] for name in LISTINGS for e in parsed(name)[0]["entries"]}
    assert listed == {url for name, url in PAGE_URLS.items() if name.startswith("en-")}


def test_report_links_its_pdf_and_arabic_version_which_links_back():
    english, _ = parsed(COAST)
    arabic, _ = parsed(COAST_AR)
    assert english["links"] == [["attachment", COAST_PDF], ["translation", PAGE_URLS[COAST_AR]]]
    assert arabic["links"] == [["translation", PAGE_URLS[COAST]]]
    assert (arabic["published"], arabic["metadata"]["category"]) == ("2025-04-03", "تقارير تحقيقية")
    assert arabic["title"].startswith("مجازر الساحل")


def test_language_switcher_in_the_header_is_not_a_translation():
    for name in DOCUMENTS:
        targets = [url for relation, url in parsed(name)[0]["links"] if relation == "translation"]
        assert f"{LIVE}/ar/" not in targets and f"{LIVE}/en/" not in targets


def test_only_the_oldest_report_has_no_pdf():
    without_pdf = [name for name in DOCUMENTS if name.startswith("en-")
                   and not [link for link in parsed(name)[0]["links"] if link[0] == "attachment"]]
    assert without_pdf == ["en-syria-returnees-from-lebanon-detained-at-crossings-october-2024.html"]


# -- crawl decisions -------------------------------------------------------------------------------------


class TestListingDecisions(ListingDecisionContract):
    pages = SAVED
    start_url = CATEGORY
    next_page = CATEGORY + "page/2/"

def test_report_page_yields_itself_then_its_pdf_and_arabic_version():
    spider = SyriansForTruthAndJusticeSpider()
    item, pdf_request, arabic_request = spider.parse_document(saved_response(COAST))
    assert isinstance(item, ReportItem) and item["body"].startswith(b"<!DOCTYPE html>")
    assert (pdf_request.url, pdf_request.callback) == (COAST_PDF, spider.parse_attachment)
    assert pdf_request.meta["parent"]["published"] == date(2025, 4, 3)
    assert (arabic_request.url, arabic_request.callback) == (PAGE_URLS[COAST_AR], spider.parse_document)


def test_pdf_is_its_own_document_described_by_its_page():
    spider = SyriansForTruthAndJusticeSpider()
    parent = {"url": PAGE_URLS[COAST], "title": "Coastal Massacres", "published": "2025-04-03",
              "doc_type": "report", "language": "en"}
    response = Response(COAST_PDF, body=b"%PDF-1.4 ...", headers={"Content-Type": "application/pdf"},
                        request=Request(COAST_PDF, meta={"parent": parent}))
    (item,) = spider.parse_attachment(response)
    assert (item["title"], item["published"], item["doc_type"], item["language"]) == (
        "Coastal Massacres", date(2025, 4, 3), "report", "en")
    assert item["metadata"] == {"landing_page": PAGE_URLS[COAST]}


def test_unchanged_page_rechecks_its_pdf_and_translation_from_the_store():
    page = PAGE_URLS[COAST]
    store = FakeStore(known=[page],
                      documents={document_id(page): {"title": "Coast", "published": "2025-04-03",
                                                     "doc_type": "report", "language_declared": "en"}},
                      links={document_id(page): [{"relation": "attachment", "to_url": COAST_PDF},
                                                 {"relation": "translation", "to_url": PAGE_URLS[COAST_AR]}]})
    spider = SyriansForTruthAndJusticeSpider(store=store)
    pdf_request, arabic_request = spider.parse_document(Response(page, status=304, request=Request(page)))
    assert (pdf_request.url, pdf_request.callback) == (COAST_PDF, spider.parse_attachment)
    assert (arabic_request.url, arabic_request.callback) == (PAGE_URLS[COAST_AR], spider.parse_document)


def test_mirror_base_url_replaces_the_live_site_in_links():
    spider = SyriansForTruthAndJusticeSpider(base_url="http://127.0.0.1:8089/stj")
    url = "http://127.0.0.1:8089/stj" + urlsplit(PAGE_URLS[COAST]).path
    item = spider.read_document(saved_response(COAST, url=url))
    assert item["links"] == [
        ("attachment", "http://127.0.0.1:8089/stj/wp-content/uploads/2025/04/Coastal-Massacres-March-2025-EN.pdf"),
        ("translation", "http://127.0.0.1:8089/stj" + urlsplit(PAGE_URLS[COAST_AR]).path),
    ]
    assert spider.allowed_domains == ["127.0.0.1"]


def test_source_description():
    info = SyriansForTruthAndJusticeSpider.source_info()
    assert (info.id, info.source_type, info.languages, info.on_the_ground) == ("stj", "ngo", ("en", "ar"), True)
    assert info.homepage == LIVE and "Afrin" in info.description and info.crawl_method


# -- over HTTP: the mirror, crawled twice ------------------------------------------------------------------


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    yield from crawl_mirror_twice("stj", CONTACT, tmp_path_factory)


def test_first_crawl_stores_every_report_pdf_and_translation(crawled):
    stats = crawled.runs["first"].stats
    # 5 report pages, 4 PDFs, 2 Arabic versions.
    assert (stats["new_documents"], stats["errors"], stats["finish_reason"]) == (11, 0, "finished")
    assert crawled.store.sources()["stj"]["languages"] == ["en", "ar"]


def test_stored_report_links_its_pdf_and_arabic_version(crawled):
    store, url = crawled.store, crawled.url
    page = url(urlsplit(PAGE_URLS[COAST]).path)
    pdf = url(urlsplit(COAST_PDF).path)
    arabic = url(urlsplit(PAGE_URLS[COAST_AR]).path)
    assert {(link["relation"], link["to_document"]) for link in store.links(document_id(page))} == {
        ("attachment", document_id(pdf)), ("translation", document_id(arabic))}
    stored_pdf = store.document(document_id(pdf))
    assert store.body(stored_pdf["sha256"]).startswith(b"%PDF-") and stored_pdf["published"] == "2025-04-03"
    stored_arabic = store.document(document_id(arabic))
    assert (stored_arabic["language_declared"], stored_arabic["published"]) == ("ar", "2025-04-03")
    assert "بانياس" in store.body(stored_arabic["sha256"]).decode("utf-8")
    assert {(link["relation"], link["to_document"]) for link in store.links(document_id(arabic))} == {
        ("translation", document_id(page))}
    assert unquote(urlsplit(arabic).path).startswith("/stj/ar/مجازر-الساحل")


def test_second_crawl_stores_nothing_new_and_does_not_page_on(crawled):
    assert_second_crawl_stores_nothing_new(crawled.runs["again"], 7, "/page/2/")


def test_crawl_reads_robots_txt_and_names_the_contact(crawled):
    assert_reads_robots_txt_and_names_the_contact(crawled, CONTACT, "/author/", "?s=")
