"""Saved-page tests for the UNHCR (Refworld) spider, its crawl decisions, and a crawl of the mirror.

Each saved page named in tests/fixtures/pages/unhcr/pages.json is the mirror's own page at that URL, with its expected
output in tests/fixtures/expected/unhcr/<page>.json. After changing a page or the spider, run
COI_UPDATE_EXPECTED=1 pytest tests/test_spider_unhcr.py, review the diff, then commit it.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

import pytest
from scrapy import Request
from scrapy.http import Response

from crawlers.items import ReportItem
from crawlers.spiders.unhcr import UNHCRSpider
from pipeline.urls import document_id
from spider_harness import (FakeStore, ListingDecisionContract, MirroredPageContract, SavedPages,
                            assert_reads_robots_txt_and_names_the_contact, assert_second_crawl_stores_nothing_new,
                            crawl_mirror_twice)


SAVED = SavedPages("unhcr", UNHCRSpider, charset="UTF-8", mirrored=True)
PAGE_URLS, LISTINGS, DOCUMENTS = SAVED.urls, SAVED.listings, SAVED.documents
saved_response, parsed = SAVED.response, SAVED.parsed

LIVE = "https://www.refworld.org"
LISTING = f"{LIVE}/country/syr?publisher=unhcr"
RETURNS = "policy-countrypos-unhcr-2025-en-150420.html"
RETURNS_AR = "policy-countrypos-unhcr-2025-ar-150421.html"
RETURNS_PDF = f"{LIVE}/sites/default/files/2025-07/150420_unhcr_position_returns_syria_update_i_en.pdf"
CONTACT = "coi-unhcr-tests@example.org"


class TestSavedPages(MirroredPageContract):
    pages = SAVED
    organisation = "Refworld"

    def test_document_published(self, name):
        super().test_document_published(name)
        actual, _ = parsed(name)
        assert actual["published"][:4] in PAGE_URLS[name]  # Refworld's URL carries the year

    def test_document_type(self, name):
        super().test_document_type(name)
        actual, _ = parsed(name)
        assert actual["doc_type"] == ("guidance" if "/countrypos/" in PAGE_URLS[name] else "report")

    def test_document_language(self, name):
        super().test_document_language(name)
        actual, _ = parsed(name)
        assert f"/{actual['language']}/" in PAGE_URLS[name]

    def test_document_metadata(self, name):
        super().test_document_metadata(name)
        actual, _ = parsed(name)
        assert actual["metadata"]["publisher"] == "UN High Commissioner for Refugees (UNHCR)"
        assert PAGE_URLS[name].endswith("/" + actual["metadata"]["refworld_id"])


def test_listing_is_newest_first_spans_the_transition_and_pages_end():
    dates = [e["published"] for name in LISTINGS for e in parsed(name)[0]["entries"]]
    assert dates == sorted(dates, reverse=True)
    assert dates[0] > "2024-12-08" > dates[-1]
    assert parsed("listing-page-0.html")[0]["next_page"] == LISTING + "&page=1"
    assert parsed("listing-page-1.html")[0]["next_page"] is None


def test_listing_names_every_english_document_saved_here_and_only_unhcrs():
    listed = {e["url"] for name in LISTINGS for e in parsed(name)[0]["entries"]}
    assert listed == {url for url in PAGE_URLS.values() if "/en/" in url}
    assert all("/unhcr/" in url for url in listed)


def test_position_links_its_pdf_and_arabic_version_which_links_back():
    english, _ = parsed(RETURNS)
    arabic, _ = parsed(RETURNS_AR)
    assert english["links"] == [["attachment", RETURNS_PDF], ["translation", PAGE_URLS[RETURNS_AR]]]
    assert arabic["links"] == [["translation", PAGE_URLS[RETURNS]]]
    assert (arabic["published"], arabic["doc_type"]) == (english["published"], "guidance")


def test_arabic_document_in_the_english_interface_is_arabic():
    arabic, _ = parsed(RETURNS_AR)
    assert b'<html lang="en"' in SAVED.body(RETURNS_AR)
    assert arabic["language"] == "ar" and arabic["title"].startswith("موقف المفوضية")


# -- crawl decisions -------------------------------------------------------------------------------------


class TestListingDecisions(ListingDecisionContract):
    pages = SAVED
    start_url = LISTING
    next_page = LISTING + "&page=1"
    first_listing = "listing-page-0.html"
    since_listing = "listing-page-1.html"


def test_document_page_yields_itself_then_its_pdf_and_arabic_version():
    spider = UNHCRSpider()
    item, pdf_request, arabic_request = spider.parse_document(saved_response(RETURNS))
    assert isinstance(item, ReportItem) and item["body"].startswith(b"<!DOCTYPE html>")
    assert (pdf_request.url, pdf_request.callback) == (RETURNS_PDF, spider.parse_attachment)
    assert pdf_request.meta["parent"]["published"] == date(2025, 7, 17)
    assert (arabic_request.url, arabic_request.callback) == (PAGE_URLS[RETURNS_AR], spider.parse_document)


def test_pdf_is_its_own_document_described_by_its_page():
    spider = UNHCRSpider()
    parent = {"url": PAGE_URLS[RETURNS], "title": "UNHCR Position on Returns", "published": "2025-07-17",
              "doc_type": "guidance", "language": "en"}
    response = Response(RETURNS_PDF, body=b"%PDF-1.4 ...", headers={"Content-Type": "application/pdf"},
                        request=Request(RETURNS_PDF, meta={"parent": parent}))
    (item,) = spider.parse_attachment(response)
    assert (item["title"], item["published"], item["doc_type"], item["language"]) == (
        "UNHCR Position on Returns", date(2025, 7, 17), "guidance", "en")
    assert item["metadata"] == {"landing_page": PAGE_URLS[RETURNS]}


def test_unchanged_page_rechecks_its_pdf_and_translation_from_the_store():
    page = PAGE_URLS[RETURNS]
    store = FakeStore(known=[page],
                      documents={document_id(page): {"title": "Returns", "published": "2025-07-17",
                                                     "doc_type": "guidance", "language_declared": "en"}},
                      links={document_id(page): [{"relation": "attachment", "to_url": RETURNS_PDF},
                                                 {"relation": "translation", "to_url": PAGE_URLS[RETURNS_AR]}]})
    spider = UNHCRSpider(store=store)
    pdf_request, arabic_request = spider.parse_document(Response(page, status=304, request=Request(page)))
    assert (pdf_request.url, pdf_request.callback) == (RETURNS_PDF, spider.parse_attachment)
    assert (arabic_request.url, arabic_request.callback) == (PAGE_URLS[RETURNS_AR], spider.parse_document)


def test_mirror_base_url_replaces_the_live_site_in_links_and_keeps_the_language():
    spider = UNHCRSpider(base_url="http://127.0.0.1:8089/unhcr")
    url = "http://127.0.0.1:8089/unhcr/policy/countrypos/unhcr/2025/ar/150421"
    item = spider.read_document(saved_response(RETURNS_AR, url=url))
    assert item["links"] == [("translation", "http://127.0.0.1:8089/unhcr/policy/countrypos/unhcr/2025/en/150420")]
    assert (item["language"], item["doc_type"]) == ("ar", "guidance")
    assert spider.allowed_domains == ["127.0.0.1"]


def test_source_description():
    info = UNHCRSpider.source_info()
    assert (info.id, info.source_type, info.languages, info.on_the_ground) == ("unhcr", "un", ("en", "ar"), True)
    assert info.homepage == LIVE and "Refworld" in info.description and info.crawl_method


# -- over HTTP: the mirror, crawled twice ------------------------------------------------------------------


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    yield from crawl_mirror_twice("unhcr", CONTACT, tmp_path_factory)


def test_first_crawl_stores_every_document_pdf_and_translation(crawled):
    stats = crawled.runs["first"].stats
    # 5 document pages, 4 PDFs, 1 Arabic version.
    assert (stats["new_documents"], stats["errors"], stats["finish_reason"]) == (10, 0, "finished")
    assert crawled.store.sources()["unhcr"]["organisation"] == "UN High Commissioner for Refugees (UNHCR)"


def test_stored_position_links_its_pdf_and_arabic_version(crawled):
    store, url = crawled.store, crawled.url
    page = url(urlsplit(PAGE_URLS[RETURNS]).path)
    pdf = url(urlsplit(RETURNS_PDF).path)
    arabic = url(urlsplit(PAGE_URLS[RETURNS_AR]).path)
    assert {(link["relation"], link["to_document"]) for link in store.links(document_id(page))} == {
        ("attachment", document_id(pdf)), ("translation", document_id(arabic))}
    stored_pdf = store.document(document_id(pdf))
    assert store.body(stored_pdf["sha256"]).startswith(b"%PDF-") and stored_pdf["published"] == "2025-07-17"
    stored_arabic = store.document(document_id(arabic))
    assert (stored_arabic["language_declared"], stored_arabic["metadata"]["refworld_id"]) == ("ar", "150421")


def test_second_crawl_stores_nothing_new_and_does_not_page_on(crawled):
    assert_second_crawl_stores_nothing_new(crawled.runs["again"], 7, "page=1")


def test_crawl_reads_robots_txt_and_names_the_contact(crawled):
    assert_reads_robots_txt_and_names_the_contact(crawled, CONTACT, "/search", "publisher=usdos")
