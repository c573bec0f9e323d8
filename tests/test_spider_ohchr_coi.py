"""Saved-page tests for the UN Commission of Inquiry on Syria (OHCHR) spider, its crawl decisions, and a crawl
of the mirror.

Each saved page named in tests/fixtures/pages/ohchr_coi/pages.json is the mirror's own page at that URL, with its
expected output in tests/fixtures/expected/ohchr_coi/<page>.json. After changing a page or the spider, run
COI_UPDATE_EXPECTED=1 pytest tests/test_spider_ohchr_coi.py, review the diff, then commit it.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

import pytest
from scrapy import Request
from scrapy.http import Response

from crawlers.items import ReportItem
from crawlers.spiders.ohchr_coi import CommissionOfInquirySyriaSpider, symbol_from_pdf_url
from pipeline.urls import document_id
from spider_harness import (FakeStore, ListingDecisionContract, MirroredPageContract, SavedPages,
                            assert_reads_robots_txt_and_names_the_contact, assert_second_crawl_stores_nothing_new,
                            crawl_mirror_twice)


SAVED = SavedPages("ohchr_coi", CommissionOfInquirySyriaSpider, charset="UTF-8", mirrored=True)
PAGE_URLS, LISTINGS, DOCUMENTS = SAVED.urls, SAVED.listings, SAVED.documents
saved_response, parsed = SAVED.response, SAVED.parsed

LIVE = "https://www.ohchr.org"
LATEST = f"{LIVE}/en/latest?field_entity_target_id=2113"
COAST_PAPER = "en-documents-country-reports-ahrc60crp4-violence-coastal-region.html"
COAST_PDF = f"{LIVE}/sites/default/files/documents/hrbodies/hrcouncil/coisyria/a-hrc-60-crp-4-en.pdf"
COAST_PRESS = "en-press-releases-2025-08-syria-commission-inquiry-finds.html"
COAST_PRESS_AR = "ar-press-releases-2025-08-syria-commission-inquiry-finds.html"
CONTACT = "coi-ohchr-tests@example.org"


class TestSavedPages(MirroredPageContract):
    pages = SAVED
    organisation = "OHCHR"

    def test_document_language(self, name):
        actual, expected = parsed(name)
        assert actual["language"] == expected["language"] == name[:2]


def test_listing_is_newest_first_spans_the_transition_and_pages_end():
    dates = [e["published"] for name in LISTINGS for e in parsed(name)[0]["entries"]]
    assert dates == sorted(dates, reverse=True)
    assert dates[0] > "2024-12-08" > dates[-1]
    assert parsed("listing-page-0.html")[0]["next_page"] == LATEST + "&page=1"
    assert parsed("listing-page-1.html")[0]["next_page"] is None


def test_listing_mixes_reports_press_releases_and_statements():
    types = {e["doc_type"] for name in LISTINGS for e in parsed(name)[0]["entries"]}
    assert types == {"report", "news", "statement"}


def test_listing_names_every_english_page_saved_here():
    listed = {e["url"] for name in LISTINGS for e in parsed(name)[0]["entries"]}
    assert listed == {url for name, url in PAGE_URLS.items() if name.startswith("en-")}


@pytest.mark.parametrize("name", [n for n in DOCUMENTS if "-documents-" in n])
def test_reports_keep_their_un_symbol_and_link_only_their_pdf(name):
    actual, _ = parsed(name)
    (pdf,) = [url for relation, url in actual["links"] if relation == "attachment"]
    assert actual["title"].startswith(actual["metadata"]["un_symbol"] + ":")
    assert symbol_from_pdf_url(pdf) == actual["metadata"]["un_symbol"]
    # The UN Official Document System, on another host, is not followed.
    assert all(url.startswith(LIVE + "/") for _, url in actual["links"])


def test_press_release_and_its_arabic_version_link_each_other_but_not_the_report():
    english, _ = parsed(COAST_PRESS)
    arabic, _ = parsed(COAST_PRESS_AR)
    assert english["links"] == [["translation", PAGE_URLS[COAST_PRESS_AR]]]
    assert arabic["links"] == [["translation", PAGE_URLS[COAST_PRESS]]]
    assert (arabic["doc_type"], arabic["published"]) == ("news", english["published"])
    assert arabic["title"].startswith("سوريا:")


@pytest.mark.parametrize(("url", "symbol"), [
    (COAST_PDF, "A/HRC/60/CRP.4"),
    (f"{LIVE}/sites/default/files/documents/hrbodies/hrcouncil/coisyria/a-hrc-58-70-en.pdf", "A/HRC/58/70"),
    (f"{LIVE}/sites/default/files/a-hrc-57-86-add-1-ar.pdf", "A/HRC/57/86/Add.1"),
    (f"{LIVE}/sites/default/files/2025-03/syria-factsheet.pdf", None),
])
def test_un_symbol_from_a_pdf_file_name(url, symbol):
    assert symbol_from_pdf_url(url) == symbol


# -- crawl decisions -------------------------------------------------------------------------------------


class TestListingDecisions(ListingDecisionContract):
    pages = SAVED
    start_url = LATEST
    next_page = LATEST + "&page=1"
    first_listing = "listing-page-0.html"
    since_listing = "listing-page-1.html"


def test_report_page_yields_itself_then_its_pdf():
    spider = CommissionOfInquirySyriaSpider()
    item, pdf_request = spider.parse_document(saved_response(COAST_PAPER))
    assert isinstance(item, ReportItem) and item["body"].startswith(b"<!DOCTYPE html>")
    assert (pdf_request.url, pdf_request.callback) == (COAST_PDF, spider.parse_attachment)
    assert pdf_request.meta["parent"]["published"] == date(2025, 8, 14)


def test_pdf_is_its_own_document_with_the_un_symbol_of_its_file_name():
    spider = CommissionOfInquirySyriaSpider()
    parent = {"url": PAGE_URLS[COAST_PAPER], "title": "A/HRC/60/CRP.4: Violence in the coastal region",
              "published": "2025-08-14", "doc_type": "report", "language": "en"}
    response = Response(COAST_PDF, body=b"%PDF-1.4 ...", headers={"Content-Type": "application/pdf"},
                        request=Request(COAST_PDF, meta={"parent": parent}))
    (item,) = spider.parse_attachment(response)
    assert (item["title"], item["published"], item["doc_type"], item["language"]) == (
        parent["title"], date(2025, 8, 14), "report", "en")
    assert item["metadata"] == {"landing_page": PAGE_URLS[COAST_PAPER], "un_symbol": "A/HRC/60/CRP.4"}


def test_unchanged_page_rechecks_its_pdf_from_the_store():
    page = PAGE_URLS[COAST_PAPER]
    store = FakeStore(known=[page],
                      documents={document_id(page): {"title": "A/HRC/60/CRP.4", "published": "2025-08-14",
                                                     "doc_type": "report", "language_declared": "en"}},
                      links={document_id(page): [{"relation": "attachment", "to_url": COAST_PDF}]})
    spider = CommissionOfInquirySyriaSpider(store=store)
    (request,) = spider.parse_document(Response(page, status=304, request=Request(page)))
    assert (request.url, request.callback) == (COAST_PDF, spider.parse_attachment)


def test_mirror_base_url_replaces_the_live_site_in_root_relative_links():
    spider = CommissionOfInquirySyriaSpider(base_url="http://127.0.0.1:8089/ohchr_coi")
    url = "http://127.0.0.1:8089/ohchr_coi" + urlsplit(PAGE_URLS[COAST_PAPER]).path
    item = spider.read_document(saved_response(COAST_PAPER, url=url))
    assert item["links"] == [("attachment", "http://127.0.0.1:8089/ohchr_coi" + urlsplit(COAST_PDF).path)]
    listing_url = "http://127.0.0.1:8089/ohchr_coi/en/latest?field_entity_target_id=2113"
    listing = spider.read_listing(saved_response("listing-page-0.html", url=listing_url))
    assert listing.next_page == listing_url + "&page=1"
    assert all(e.url.startswith("http://127.0.0.1:8089/ohchr_coi/en/") for e in listing.entries)


def test_source_description():
    info = CommissionOfInquirySyriaSpider.source_info()
    assert (info.id, info.source_type, info.languages, info.on_the_ground) == ("ohchr_coi", "un", ("en", "ar"), True)
    assert info.homepage == LIVE and "A/HRC" in info.description and info.crawl_method


# -- over HTTP: the mirror, crawled twice ------------------------------------------------------------------


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    yield from crawl_mirror_twice("ohchr_coi", CONTACT, tmp_path_factory)


def test_first_crawl_stores_every_item_pdf_and_translation(crawled):
    stats = crawled.runs["first"].stats
    # 7 listed pages (2 reports, 4 press releases, 1 statement), 2 report PDFs, 1 Arabic press release.
    assert (stats["new_documents"], stats["errors"], stats["finish_reason"]) == (10, 0, "finished")
    assert crawled.store.sources()["ohchr_coi"]["source_type"] == "un"


def test_stored_report_pdf_keeps_its_un_symbol_and_page(crawled):
    store, url = crawled.store, crawled.url
    page = url(urlsplit(PAGE_URLS[COAST_PAPER]).path)
    pdf = url(urlsplit(COAST_PDF).path)
    assert {(link["relation"], link["to_document"]) for link in store.links(document_id(page))} == {
        ("attachment", document_id(pdf))}
    stored_pdf = store.document(document_id(pdf))
    assert store.body(stored_pdf["sha256"]).startswith(b"%PDF-") and stored_pdf["published"] == "2025-08-14"
    assert stored_pdf["metadata"] == {"landing_page": page, "un_symbol": "A/HRC/60/CRP.4"}
    press = url(urlsplit(PAGE_URLS[COAST_PRESS]).path)
    arabic = url(urlsplit(PAGE_URLS[COAST_PRESS_AR]).path)
    assert {(link["relation"], link["to_document"]) for link in store.links(document_id(press))} == {
        ("translation", document_id(arabic))}
    assert store.document(document_id(arabic))["language_declared"] == "ar"


def test_second_crawl_stores_nothing_new_and_does_not_page_on(crawled):
    assert_second_crawl_stores_nothing_new(crawled.runs["again"], 6, "page=1")


def test_crawl_reads_robots_txt_names_the_contact_and_stays_on_the_site(crawled):
    assert_reads_robots_txt_and_names_the_contact(crawled, CONTACT, "/search")
    for run in crawled.runs.values():
        assert all(hit.path == "/robots.txt" or hit.path.startswith("/ohchr_coi/") for hit in run.hits)
